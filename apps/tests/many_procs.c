/* Many address spaces: more than 300 processes alive at once and more
 * than 1000 one after another, each touching its own memory, all succeed
 * and see only their own data. Run with asid_bits=8 on arm64 (meson test
 * asid8-*), it crosses several ASID generations (255 ASIDs each). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define LIVE 310
#define SEQUENTIAL 1100

static volatile int marker;

static void many_procs_live(void)
{
    static pid_t pids[LIVE];
    int go[2], ready[2];
    CHECK_OK(pipe(go));
    CHECK_OK(pipe(ready));
    int started = 0;
    for (; started < LIVE; started++) {
        pid_t pid = fork();
        if (pid < 0)
            break;
        if (pid == 0) {
            close(go[1]);
            marker = started;               /* a private copy of the page */
            char c = 1;
            write(ready[1], &c, 1);
            read(go[0], &c, 1);             /* EOF once the parent closes */
            _exit(marker == started ? 0 : 1);
        }
        pids[started] = pid;
        char c;
        if (read(ready[0], &c, 1) != 1)
            break;
    }
    close(go[1]);                           /* all children run on */
    int failed = 0;
    for (int i = 0; i < started; i++) {
        int status = wait_for(pids[i]);
        failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    close(go[0]);
    close(ready[0]);
    close(ready[1]);
    CHECK(started == LIVE, "only %d of %d processes started (errno %d)", started, LIVE, errno);
    CHECK(failed == 0, "%d of %d children failed", failed, LIVE);
}

static void many_procs_sequential(void)
{
    int failed = 0, started = 0;
    for (; started < SEQUENTIAL; started++) {
        pid_t pid = fork();
        if (pid < 0)
            break;
        if (pid == 0) {
            marker = -started;
            _exit(marker == -started ? 0 : 1);
        }
        int status = wait_for(pid);
        failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK(started == SEQUENTIAL, "fork failed after %d processes (errno %d)", started, errno);
    CHECK(failed == 0, "%d of %d children failed", failed, SEQUENTIAL);
    CHECK(marker == 0, "the parent's marker changed to %d", marker);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(many_procs_live),
        TAP_TEST(many_procs_sequential),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
