# pathname expansion in the test's own directory
mkdir -p g/sub && cd g
: > a.c; : > b.c; : > c.h; : > .hidden; : > sub/x.c; : > 'sp ace.c'
echo *.c
echo ?.h
echo [ab].c [!a].c
echo sub/*.c */
echo .h* *hidden*
echo no*match "*.c" '*'.c \*.c
for f in *.c; do echo "file [$f]"; done
pat='*.h'; echo $pat "$pat"
set -f; echo *.c; set +f
case b.c in [a-c].c) echo case-glob;; esac
case 'x*' in 'x*') echo literal-star;; esac
echo [[:alpha:]].h
