# subshells, groups and command substitution: what they share and what not
x=outer
(x=inner; echo "in subshell $x")
echo "after subshell $x"
{ x=group; }
echo "after group $x"
(cd / && pwd)
[ "$(pwd)" != / ] && echo "cwd unchanged"
(exit 5); echo "subshell status $?"
echo "$(echo a; echo b)"
echo $(echo a; echo b)
echo "trailing newlines: [$(printf 'x\n\n\n')]"
echo "nested: $(echo "$(echo "$(echo deep)")")"
echo "backquotes: `echo one \`echo two\``"
v=$(exit 3); echo "assignment status $?"
echo "in arith: $(( $(echo 2) * 3 ))"
count=$(printf 'a\nb\nc\n' | wc -l); echo "lines $((count))"
( echo out; echo err >&2 ) 2>&1 | while read l; do echo "merged $l"; done
