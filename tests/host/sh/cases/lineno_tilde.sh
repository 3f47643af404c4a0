# $LINENO in commands, compound commands, substitutions, eval, arithmetic;
# tilde expansion in words and assignments (after = and :), ~user
echo a $LINENO
if true; then
  echo b $LINENO
fi
for i in 1 2; do
  echo "c $LINENO ${LINENO}"
done
x=$(echo $LINENO)
echo "d $x"
eval 'echo e $LINENO'
echo "f $((LINENO + 1))"
HOME=/home/test
echo ~ ~/x "~" '~/q' \~ ~"/z"
echo ~root ~root/y ~nosuchuser_tandem ~nosuchuser_tandem/a
a=~/p:~/q b=x:~root c=~nosuchuser_tandem
echo "$a $b $c"
HOME=/other; echo ~/again
cd /; OLDPWD=/tmp; echo ~+ ~-
