# printf: every conversion, widths, precision, %b and \c, reuse of the format
printf '%s|%d|%i|%u|%x|%o|%c|%%\n' str 42 -7 17 255 8 xyz
printf '[%5s][%-5s][%.2s][%8.3s]\n' ab cd efgh ijklm
printf '[%5d][%-5d][%05d][%.3d][%+d][%x][%X][%#o]\n' 42 42 42 7 5 3054 3054 8
printf '%s-%s\n' a b c d e
printf '%d %s\n' 1 one 2 two 3
printf '%b\n' 'a\tb\\n' 'x\0101y'
printf '%b|%s\n' 'stop\chere' after
printf 'no newline'; echo
printf '%c%c%c\n' A Bcd ''
printf '[%3c][%-3c]\n' x y
printf '%d\n' "'A" 0x1f 010
printf '%s\n'
printf 'a\nb\101\n'
printf '%5.1s|\n' hello
x=$(printf '%0200d' 5); echo ${#x}
y=$(printf '%s' "$(printf '%0700d' 1)"); echo ${#y}
printf '%u\n' 123
printf '%i|%d\n' +5 -0
