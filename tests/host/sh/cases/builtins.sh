# cd, pwd, export, unset, shift, eval, ., type, command -v, umask, echo, printf
mkdir -p d1/d2
cd d1/d2 && basename "$(pwd)"
cd - > /dev/null && [ "$PWD" = "$HOME" ] && echo "cd - returns"
cd; [ "$PWD" = "$HOME" ] && echo "cd home"
cd "$OLDPWD"
export EXPORTED=yes
NOT_EXPORTED=no
sh -c 'echo "child sees [$EXPORTED] [$NOT_EXPORTED]"'
TEMP_VAR=temp sh -c 'echo "prefix [$TEMP_VAR]"'; echo "after prefix [$TEMP_VAR]"
unset EXPORTED; sh -c 'echo "after unset [$EXPORTED]"'
set -- 1 2 3 4; shift 2; echo "$# $*"
cmd='echo evaluated $#'; eval "$cmd"
echo 'sourced_var=from_file; echo "sourced with $# args"' > lib.sh
. ./lib.sh; echo "$sourced_var"
type cd | head -1
command -v echo
command -v sh > /dev/null && echo "sh on PATH"
type no_such_thing_here 2>/dev/null || echo "type fails $?"
umask 027; umask
echo -n "no newline"; echo
echo -e 'tab\there' "nl\\nx"
echo -E 'raw\t'
printf '%s|%5s|%-3s|%d|%x|%c\n' str right l 42 255 char
printf '%s\n' a b c
readonly RO=1; (RO=2) 2>/dev/null || echo "readonly refused $RO"
x=1; unset x; echo "unset [${x-gone}]"
pwd -P > /dev/null && echo "pwd ok"
command echo via command
