# read: splitting into names, the rest in the last, -r, IFS, end of file
read a b c <<EOF
one two three four
EOF
echo "a=$a b=$b c=$c"
read line <<EOF
   spaces kept inside   
EOF
echo "[$line]"
read -r raw <<'EOF'
back\slash\n
EOF
echo "[$raw]"
read cooked <<'EOF'
back\slash \
continued
EOF
echo "[$cooked]"
IFS=: read u p rest <<EOF
root:x:0:0:/root
EOF
echo "u=$u p=$p rest=$rest"
printf 'no newline' | { read last; echo "status $? [$last]"; }
read nothing < /dev/null; echo "eof status $?"
read <<EOF
into reply
EOF
echo "REPLY=$REPLY"
printf 'x y\nz\n' | while read first second; do echo "[$first][$second]"; done
