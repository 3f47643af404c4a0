# getopts: grouped options, attached and separate arguments, --, silent
# mode (leading :) with its ? and : results, OPTIND reset, a function's args
show() { echo "opt=$opt OPTARG=${OPTARG-unset} OPTIND=$OPTIND"; }
echo "start OPTIND=$OPTIND"
while getopts ab:c opt -a -bfoo -c -b bar -ca rest; do
  case $opt in b) show ;; *) echo "opt=$opt OPTIND=$OPTIND" ;; esac
done
echo "end OPTIND=$OPTIND opt=$opt"
OPTIND=1
while getopts :ab: opt -x -b; do show; done
echo "status $? OPTIND=$OPTIND"
OPTIND=1
while getopts ab: opt -x -b 2>/dev/null; do echo "opt=$opt OPTARG=${OPTARG-unset}"; done
OPTIND=1
getopts ab: opt -q 2>&1 >/dev/null | grep -c 'illegal option\|invalid option'
set -- -a -- -b file
OPTIND=1
while getopts ab opt; do echo "opt=$opt"; done
echo "end OPTIND=$OPTIND"; shift $((OPTIND - 1)); echo "rest: $*"
OPTIND=1
set -- -v x
while getopts v opt; do echo "opt=$opt"; done; echo "after nonoption OPTIND=$OPTIND"
OPTIND=1
args() { while getopts "vn:" o "$@"; do echo "args $o ${OPTARG-}"; done; echo "args OPTIND=$OPTIND"; }
args -v -n3 -vn 4 end
OPTIND=1
getopts a: opt -a ''; echo "empty arg: [$OPTARG] $OPTIND"
getopts; echo "usage status $?"
