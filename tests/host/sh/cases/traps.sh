# trap: EXIT runs at the end, a trapped signal runs its action, '' ignores
trap 'echo "exit trap, status $?"' EXIT
trap 'echo got TERM' TERM
kill -TERM $$
echo "after TERM"
trap '' INT
kill -INT $$
echo "INT ignored"
trap - TERM
trap
sh -c 'trap "echo child exit" EXIT; echo child'
(trap 'echo sub exit' EXIT; echo in sub)
exit 4
