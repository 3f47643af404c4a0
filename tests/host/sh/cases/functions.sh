# functions: arguments, $#, return status, recursion, redefinition
greet() { echo "hello $1 ($#)"; }
greet world extra
sum() {
  total=0
  for n in "$@"; do total=$((total + n)); done
  echo $total
}
sum 1 2 3 4
check() { [ "$1" = yes ]; }
check yes && echo "check yes"
check no || echo "check no: $?"
early() { echo before; return 7; echo after; }
early; echo "returned $?"
fact() {
  if [ $1 -le 1 ]; then echo 1; return; fi
  echo $(( $1 * $(fact $(( $1 - 1 ))) ))
}
fact 6
set -- outer args
show() { echo "inner: $*"; }
show a b; echo "outer: $*"
greet() { echo "redefined $1"; }
greet again
loop() { for i in 1 2 3; do [ $i = 2 ] && return 9; echo "loop $i"; done; }
loop; echo "loop status $?"
unset -f greet; greet 2>/dev/null; echo "unset status $?"
outvar() { result="from function"; }
outvar; echo "$result"
x=global
scoped() { local x=inner y; y=local-y; echo "scoped: $x $y"; nested; }
nested() { echo "nested sees $x"; }
scoped; echo "after scoped: $x [${y-unset}]"
