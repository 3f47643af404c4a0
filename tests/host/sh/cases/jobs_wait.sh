# job specs and statuses without a terminal: jobs -l/-p, %+ %- %% %N,
# wait %N and wait PID statuses, kill %N
(exit 3) & p1=$!
# job 1 has ended (a zombie, or reaped) before jobs reports on it: waited
# for, not slept on (the host is Linux: /proc); bounded at 20 s
n=0
while [ $n -lt 400 ] && [ -e /proc/$p1 ] && ! grep -q ') Z' /proc/$p1/stat 2>/dev/null; do
    sleep 0.05; n=$((n+1))
done
sleep 0.5 | (exit 5) & p2=$!
sleep 10 & p3=$!
sleep 11 & p4=$!
jobs -l > out; sed -E "s/ +$p3 / P3 /; s/ +$p4 / P4 /" out | grep "sleep 1"
jobs -p | sed "s/$p3/P3/; s/$p4/P4/; s/$p1/P1/" | grep P
[ "$(jobs -p %3)" = "$p3" ] && echo "jobs -p %3 is \$!"
jobs %- ; jobs %+ ; jobs %%
wait %1; echo "wait %1: $?"
wait $p2; echo "wait p2: $?"
kill %3; wait %3; echo "kill %3: $?"
kill -s KILL %+; wait $p4; echo "kill %+: $?" 
wait 99999; echo "unknown pid: $?"
(sleep 0.2; exit 7) & q=$!
wait $q; echo "again: $?"
false & wait $!; echo "bg false: $?"
sleep 0.1 & sleep 0.2 &
wait; echo "wait all: $?"
jobs; echo "no jobs: $?"
