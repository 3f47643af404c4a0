# parameter expansion, special parameters, field splitting
set -- a "b c" d
echo "$#" "$1" "$2" "${3}"
for a in "$@"; do echo "at[$a]"; done
for a in $@; do echo "split[$a]"; done
for a in "$*"; do echo "star[$a]"; done
IFS=:; echo "$*"; IFS=' 	
'
empty=
echo "${unset_var:-default}" "${empty:-dflt}" "${empty-set}" "${unset_var-unset}"
echo "${assigned:=given}" "$assigned"
echo "${1:+alt}" "${unset_var:+alt}"
path=/usr/local/lib/libx.so.1
echo "${#path}" "${path#*/}" "${path##*/}" "${path%.*}" "${path%%.*}"
echo "${path#/usr}" "${path%1}"
v="  lead and trail  "
set -- $v; echo "$# [$1] [$3]"
IFS=,; list="x,y,,z"; set -- $list; echo "$# [$3]"; IFS=' 	
'
echo $? ; false; echo $?
echo "pid ok: $([ $$ -gt 0 ] && echo yes)"
sleep_pid() { :; }; : & echo "bg pid set: $([ -n "$!" ] && echo yes)"; wait
echo ~ | grep -q "^$HOME" && echo tilde
a=1 b=2; echo "$a$b" "${a}x${b}"
unset a; echo "a=[${a}]"
echo ${nope?} 2>/dev/null || true
