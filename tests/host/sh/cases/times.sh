# times: two lines, the shell's then its children's user and system time
times | sed 's/[0-9]/N/g'
times > /dev/null; echo "status $?"
sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done'
set -- $(times | tail -n 1 | sed 's/[ms]/ /g')
echo "children fields: $#"
