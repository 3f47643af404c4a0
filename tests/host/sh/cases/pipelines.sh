# pipelines: builtins and programs, status of the last stage, ! negation
echo one two three | { read a b c; echo "$c $b $a"; }
printf 'b\na\nc\n' | sort | { while read l; do echo "line $l"; done; }
echo x | false | true; echo "status $?"
echo x | true | false; echo "status $?"
! echo x | false; echo "negated $?"
f() { while read w; do echo "f:$w"; done; }
printf '1\n2\n' | f | cat
echo multi |
  cat |
  cat
