# set -e: a failing command ends the script, but not in conditions
set -e
if false; then echo no; fi
false || echo "or list ok"
! true
while false; do :; done
f() { return 1; }
f && echo no
echo "still here"
x=$(false) || echo "assignment failed"
false
echo "not reached"
