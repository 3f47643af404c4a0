# quoting: single, double, backslash, nested quotes, empty arguments
x='a  b'
echo $x
echo "$x"
echo '$x' "\$x" \$x
echo "it's" 'say "hi"' "a\"b" 'a'\''b'
echo "tab:	end" 'back\slash' "back\\slash" back\\slash
count() { echo $#; }
count "" '' x
count $empty
count "$empty"
echo "a"'b'c"d"
echo \"\'\ \|
echo "$(echo "nested \"quotes\"")"
echo "`echo back`tick"
echo '*' "*" \*
echo a\
b
