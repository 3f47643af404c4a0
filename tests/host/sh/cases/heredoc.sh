# here-documents: expansion, quoted delimiters, <<- tab stripping, two on a line
name=world
cat <<EOF
hello $name
sum $((1 + 2)) and $(echo sub)
escaped \$name and back\\slash
EOF
cat <<'EOF'
no $name expansion `here`
EOF
cat <<"END"
also $name literal
END
	cat <<-EOF
	tabs stripped $name
		inner tab kept
	EOF
cat <<A; cat <<B
from a
A
from b
B
x=$(cat <<EOF
in substitution
EOF
)
echo "$x"
while read l; do echo "[$l]"; done <<EOF
l1
l2
EOF
