# aliases: substitution of a command's first word, nesting, no recursion,
# pipelines in the text, unalias (a definition applies from the next line)
alias ll='echo listing'
alias say=echo greet='say hello'
ll a b
say hi; greet world
alias echo='echo X'
echo no recursion
unalias echo
echo plain again
alias upper='say abc | tr a-z A-Z'
upper
f() { ll in function; }
f
if ll in condition; then say yes; fi
alias
unalias ll; ll 2>/dev/null || echo "unaliased $?"
unalias -a; alias
