# exit statuses: not found 127, not executable 126, signals, exit N
no_such_command_xyz
echo "not found $?"
: > plain; chmod -x plain
./plain
echo "not executable $?"
mkdir adir; ./adir
echo "directory $?"
sh -c 'exit 42'; echo "child $?"
sh -c 'kill -TERM $$'; echo "signalled $?"
true; echo "true $?"; false; echo "false $?"
printf '#!/bin/sh\necho script ran with $1\nexit 3\n' > script; chmod +x script
./script arg; echo "script $?"
printf 'echo no shebang $#\n' > noshebang; chmod +x noshebang
./noshebang a b; echo "noshebang $?"
(exit 300); echo "wrapped $?"
exit 9
