/* rawkey: shows that a raw-mode program sees single keys. Puts the
 * terminal on standard input in raw mode, prints `raw: ready`, then
 * `key: 0xNN` for each byte read, until it reads `q`; restores the mode. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"

static int say(const char *text)
{
    /* OPOST is off in raw mode: end lines with \r\n ourselves. */
    return cu_write_all(STDOUT_FILENO, text, strlen(text));
}

int main(void)
{
    struct termios saved, raw;
    cu_prog = "rawkey";
    if (tcgetattr(STDIN_FILENO, &saved) < 0)
        return cu_warn("standard input");
    raw = saved;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
        return cu_warn("tcsetattr");
    int status = 0;
    if (say("raw: ready\r\n") < 0)
        status = cu_warn("write");
    while (status == 0) {
        unsigned char key;
        ssize_t got = read(STDIN_FILENO, &key, 1);
        if (got <= 0) {
            if (got < 0)
                status = cu_warn("read");
            break;
        }
        char line[32];
        snprintf(line, sizeof line, "key: 0x%02x\r\n", key);
        if (say(line) < 0)
            status = cu_warn("write");
        if (key == 'q')
            break;
    }
    if (tcsetattr(STDIN_FILENO, TCSADRAIN, &saved) < 0)
        status = cu_warn("tcsetattr");
    return status;
}
