# redirections: < > >> 2>&1 n>file, order of duplication, exec, >|
echo first > out.txt
echo second >> out.txt
cat < out.txt
{ echo to-err >&2; } 2> err.txt
echo "err: $(cat err.txt)"
{ echo out; echo err >&2; } > both.txt 2>&1
cat both.txt
{ echo out; echo err >&2; } 2>&1 > only-out.txt | { read l; echo "pipe got $l"; }
cat only-out.txt
echo fd3 3> three.txt >&3
cat three.txt
exec 4> four.txt
echo via-four >&4
exec 4>&-
cat four.txt
cat < missing.txt
echo "status $?"
set -C
echo new > out.txt
echo "clobber status $?"
echo forced >| out.txt
cat out.txt
: > empty.txt
[ -s empty.txt ] || echo empty
while read x; do echo "r:$x"; done < out.txt
