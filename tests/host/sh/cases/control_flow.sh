# if/elif/else, while, until, for, case, break, continue with levels
for n in 1 2 3 4; do
  if [ $n -eq 1 ]; then echo one
  elif [ $n -eq 2 ]; then echo two
  else echo many; fi
done
i=0
while true; do
  i=$((i + 1))
  [ $i -eq 2 ] && continue
  [ $i -gt 4 ] && break
  echo "while $i"
done
until [ $i -eq 0 ]; do i=$((i - 1)); done; echo "until $i"
for a in 1 2 3; do
  for b in x y z; do
    [ $b = y ] && continue 2
    [ $a = 3 ] && break 2
    echo "$a$b"
  done
done
for w in apple banana cherry 42 ""; do
  case $w in
    a*|c*) echo "$w: a or c";;
    ban*) echo "$w: banana" ;;
    [0-9]*) echo "$w: number";;
    "") echo "empty";;
    *) echo other;;
  esac
done
case x in y) echo no;; esac; echo "case none $?"
for x; do echo "no-in $x"; done
set -- p q; for x; do echo "no-in $x"; done
if false; then :; fi; echo "if status $?"
while false; do :; done; echo "while status $?"
{ echo group; echo two; } | while read l; do echo "g:$l"; done
