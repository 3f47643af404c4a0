/* stty: shows or changes the settings of the terminal on standard input
 * (-F DEVICE: another). `stty` / `stty -a`: the settings; `stty size`:
 * `rows columns`; settings: raw, -raw (cooked), sane, [-]FLAG for the
 * flags listed by -a (echo, icanon, isig, tostop, ...), rows N, cols N,
 * min N, time N. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"

enum flag_set { IFLAG, OFLAG, CFLAG, LFLAG };

static const struct flag {
    const char *name;
    enum flag_set set;
    tcflag_t bit;
} flags[] = {
    {"parenb", CFLAG, PARENB}, {"parodd", CFLAG, PARODD}, {"hupcl", CFLAG, HUPCL},
    {"cstopb", CFLAG, CSTOPB}, {"cread", CFLAG, CREAD}, {"clocal", CFLAG, CLOCAL},
    {"ignbrk", IFLAG, IGNBRK}, {"brkint", IFLAG, BRKINT}, {"ignpar", IFLAG, IGNPAR},
    {"parmrk", IFLAG, PARMRK}, {"inpck", IFLAG, INPCK}, {"istrip", IFLAG, ISTRIP},
    {"inlcr", IFLAG, INLCR}, {"igncr", IFLAG, IGNCR}, {"icrnl", IFLAG, ICRNL},
    {"ixon", IFLAG, IXON}, {"ixoff", IFLAG, IXOFF}, {"ixany", IFLAG, IXANY},
    {"imaxbel", IFLAG, IMAXBEL},
    {"opost", OFLAG, OPOST}, {"onlcr", OFLAG, ONLCR}, {"ocrnl", OFLAG, OCRNL},
    {"onocr", OFLAG, ONOCR}, {"onlret", OFLAG, ONLRET},
    {"isig", LFLAG, ISIG}, {"icanon", LFLAG, ICANON}, {"iexten", LFLAG, IEXTEN},
    {"echo", LFLAG, ECHO}, {"echoe", LFLAG, ECHOE}, {"echok", LFLAG, ECHOK},
    {"echonl", LFLAG, ECHONL}, {"noflsh", LFLAG, NOFLSH}, {"tostop", LFLAG, TOSTOP},
    {"echoctl", LFLAG, ECHOCTL}, {"echoke", LFLAG, ECHOKE},
};
#define FLAG_COUNT (sizeof flags / sizeof flags[0])

static const struct {
    const char *name;
    int index;
} control_chars[] = {
    {"intr", VINTR}, {"quit", VQUIT}, {"erase", VERASE}, {"kill", VKILL}, {"eof", VEOF},
    {"eol", VEOL}, {"start", VSTART}, {"stop", VSTOP}, {"susp", VSUSP}, {"werase", VWERASE},
    {"lnext", VLNEXT},
};

static const struct {
    speed_t code;
    unsigned long baud;
} speeds[] = {
    {B0, 0}, {B50, 50}, {B75, 75}, {B110, 110}, {B134, 134}, {B150, 150}, {B200, 200},
    {B300, 300}, {B600, 600}, {B1200, 1200}, {B1800, 1800}, {B2400, 2400}, {B4800, 4800},
    {B9600, 9600}, {B19200, 19200}, {B38400, 38400}, {B57600, 57600}, {B115200, 115200},
    {B230400, 230400},
};

static tcflag_t *flag_word(struct termios *t, enum flag_set set)
{
    switch (set) {
    case IFLAG: return &t->c_iflag;
    case OFLAG: return &t->c_oflag;
    case CFLAG: return &t->c_cflag;
    default: return &t->c_lflag;
    }
}

static unsigned long baud_of(speed_t code)
{
    for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
        if (speeds[i].code == code)
            return speeds[i].baud;
    return 0;
}

static void print_char(const char *name, cc_t c)
{
    if (c == 0)
        printf("%s = <undef>; ", name);
    else if (c == 0x7f)
        printf("%s = ^?; ", name);
    else if (c < 0x20)
        printf("%s = ^%c; ", name, c + '@');
    else
        printf("%s = %c; ", name, c);
}

static void show(struct termios *t, int fd, int is_all)
{
    struct winsize ws;
    printf("speed %lu baud;", baud_of(cfgetospeed(t)));
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0)
        printf(" rows %u; columns %u;", ws.ws_row, ws.ws_col);
    printf(" line = 0;\n");
    if (is_all) {
        for (size_t i = 0; i < sizeof control_chars / sizeof control_chars[0]; i++)
            print_char(control_chars[i].name, t->c_cc[control_chars[i].index]);
        printf("min = %u; time = %u;\n", t->c_cc[VMIN], t->c_cc[VTIME]);
    }
    enum flag_set previous = flags[0].set;
    const char *sep = "";
    for (size_t i = 0; i < FLAG_COUNT; i++) {
        if (flags[i].set != previous) {
            putchar('\n');
            previous = flags[i].set;
            sep = "";
        }
        int is_on = (*flag_word(t, flags[i].set) & flags[i].bit) != 0;
        printf("%s%s%s", sep, is_on ? "" : "-", flags[i].name);
        sep = " ";
    }
    putchar('\n');
}

static void make_raw(struct termios *t)
{
    t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | IGNPAR | PARMRK | INPCK | ISTRIP | INLCR | IGNCR |
                              ICRNL | IXON | IXOFF | IXANY | IMAXBEL);
    t->c_oflag &= ~(tcflag_t)OPOST;
    t->c_lflag &= ~(tcflag_t)(ICANON | ISIG | IEXTEN);
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

static void make_cooked(struct termios *t)
{
    t->c_iflag |= BRKINT | ICRNL | IXON;
    t->c_oflag |= OPOST;
    t->c_lflag |= ICANON | ISIG | IEXTEN;
}

static void make_sane(struct termios *t)
{
    t->c_iflag = BRKINT | ICRNL | IXON | IMAXBEL;
    t->c_oflag = OPOST | ONLCR;
    t->c_cflag |= CREAD;
    t->c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
    t->c_cc[VINTR] = 3;
    t->c_cc[VQUIT] = 0x1c;
    t->c_cc[VERASE] = 0x7f;
    t->c_cc[VKILL] = 0x15;
    t->c_cc[VEOF] = 4;
    t->c_cc[VSUSP] = 0x1a;
    t->c_cc[VWERASE] = 0x17;
    t->c_cc[VSTART] = 0x11;
    t->c_cc[VSTOP] = 0x13;
    t->c_cc[VLNEXT] = 0x16;
    t->c_cc[VEOL] = 0;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

static int set_flag(struct termios *t, const char *arg)
{
    int is_off = arg[0] == '-';
    const char *name = arg + is_off;
    for (size_t i = 0; i < FLAG_COUNT; i++) {
        if (strcmp(flags[i].name, name) != 0)
            continue;
        tcflag_t *word = flag_word(t, flags[i].set);
        if (is_off)
            *word &= ~flags[i].bit;
        else
            *word |= flags[i].bit;
        return 0;
    }
    return -1;
}

/* rows/cols/columns N through TIOCSWINSZ. */
static int set_size(int fd, const char *which, const char *value)
{
    struct winsize ws;
    unsigned long n;
    if (cu_parse_ulong(value, &n) < 0 || n > 65535)
        return cu_warnx("invalid %s '%s'", which, value);
    if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
        memset(&ws, 0, sizeof ws);
    if (strcmp(which, "rows") == 0)
        ws.ws_row = (unsigned short)n;
    else
        ws.ws_col = (unsigned short)n;
    if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
        return cu_warn("TIOCSWINSZ");
    return 0;
}

static int apply(int fd, struct termios *t, char **args, int count, int *changed)
{
    for (int i = 0; i < count; i++) {
        const char *arg = args[i];
        int has_value = i + 1 < count;
        if (strcmp(arg, "raw") == 0 || strcmp(arg, "-cooked") == 0) {
            make_raw(t);
        } else if (strcmp(arg, "-raw") == 0 || strcmp(arg, "cooked") == 0) {
            make_cooked(t);
        } else if (strcmp(arg, "sane") == 0) {
            make_sane(t);
        } else if (strcmp(arg, "size") == 0) {
            struct winsize ws;
            if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
                return cu_warn("TIOCGWINSZ");
            printf("%u %u\n", ws.ws_row, ws.ws_col);
            continue;
        } else if ((strcmp(arg, "rows") == 0 || strcmp(arg, "cols") == 0 ||
                    strcmp(arg, "columns") == 0) && has_value) {
            if (set_size(fd, arg, args[++i]) != 0)
                return 1;
            continue;
        } else if ((strcmp(arg, "min") == 0 || strcmp(arg, "time") == 0) && has_value) {
            unsigned long n;
            if (cu_parse_ulong(args[++i], &n) < 0 || n > 255)
                return cu_warnx("invalid %s '%s'", arg, args[i]);
            t->c_cc[strcmp(arg, "min") == 0 ? VMIN : VTIME] = (cc_t)n;
        } else if (set_flag(t, arg) < 0) {
            return cu_warnx("invalid argument '%s'", arg);
        }
        *changed = 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int is_all = 0, fd = STDIN_FILENO;
    const char *device = "standard input";
    cu_prog = "stty";
    /* Settings like -echo look like options: only -a and -F are ours, so
     * no getopt here. */
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "-a") == 0) {
            is_all = 1;
        } else if (strcmp(argv[i], "-F") == 0 && i + 1 < argc) {
            device = argv[++i];
            if ((fd = open(device, O_RDWR | O_NOCTTY | O_NONBLOCK)) < 0)
                return cu_warn(device);
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            break;
        }
    }
    struct termios t;
    if (tcgetattr(fd, &t) < 0)
        return cu_warn(device);
    if (i == argc) {
        show(&t, fd, is_all);
        return fflush(stdout) == 0 ? 0 : cu_warn("write");
    }
    int changed = 0;
    if (apply(fd, &t, argv + i, argc - i, &changed) != 0)
        return 1;
    if (changed && tcsetattr(fd, TCSADRAIN, &t) < 0)
        return cu_warn(device);
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}
