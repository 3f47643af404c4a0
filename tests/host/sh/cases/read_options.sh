# read -p (prompt only when stdin is a terminal) and read -t timeouts
echo "abc def" | { read -p 'not shown: ' a b; echo "[$a] [$b] $?"; }
sleep 1 | { read -t 0.2 x; echo "timeout status $? [$x]"; }
{ printf 'part'; sleep 1; } | { read -t 0.3 y; echo "partial status $?"; }
echo hi | { read -t 5 z; echo "in time: $? $z"; }
echo hi | { read -t5 z; echo "attached: $? $z"; }
read -t abc v < /dev/null; echo "bad timeout: $?"
