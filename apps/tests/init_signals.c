/* Init (pid 1) takes only the signals it has handlers for, as on Linux:
 * SIGSTOP, SIGTERM and SIGKILL sent to it succeed (kill returns 0) and do
 * nothing, and init goes on reaping orphans. In the tests image init is the
 * runner, so a kernel that lets them through ends or stops the whole run. */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define REAP_WAIT_MS 20000

/* Makes an orphan (a grandchild whose parent exited), lets it exit, and
 * waits until init has reaped it: 0 when reaped in time, else -1 (the
 * orphan is still a zombie or alive). */
static int orphan_is_reaped_by_init(void)
{
    int ready[2], go[2];
    if (pipe(ready) < 0 || pipe(go) < 0)
        return -1;
    pid_t child = fork();
    if (child < 0)
        return -1;
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            char c;
            close(ready[0]);
            close(go[1]);
            while (getppid() != 1)
                sched_yield();              /* until re-parented */
            pid_t me = getpid();
            write(ready[1], &me, sizeof(me));
            read(go[0], &c, 1);             /* then exit when told */
            _exit(0);
        }
        _exit(grandchild > 0 ? 0 : 1);
    }
    close(ready[1]);
    close(go[0]);
    int status = wait_for(child);
    pid_t orphan = 0;
    if (status != 0 || read(ready[0], &orphan, sizeof(orphan)) != sizeof(orphan)) {
        close(ready[0]);
        close(go[1]);
        return -1;
    }
    close(ready[0]);
    close(go[1]);                           /* the orphan exits */
    long start = now_ms();
    while (now_ms() - start < REAP_WAIT_MS) {
        if (kill(orphan, 0) < 0 && errno == ESRCH)
            return 0;                       /* gone: reaped */
        msleep(5);
    }
    return -1;
}

static void init_reaps_orphans(void)
{
    CHECK_EQ("orphan reaped by init", 0, orphan_is_reaped_by_init());
}

static void sigstop_to_init_is_dropped(void)
{
    CHECK_EQ("kill(1, SIGSTOP)", 0, kill(1, SIGSTOP));
    int rc = orphan_is_reaped_by_init();
    if (rc < 0)
        kill(1, SIGCONT);                   /* let the run go on */
    CHECK_EQ("orphan reaped by init after SIGSTOP", 0, rc);
}

static void sigterm_to_init_is_dropped(void)
{
    CHECK_EQ("kill(1, SIGTERM)", 0, kill(1, SIGTERM));
    CHECK_EQ("orphan reaped by init after SIGTERM", 0, orphan_is_reaped_by_init());
}

static void sigkill_to_init_is_dropped(void)
{
    CHECK_EQ("kill(1, SIGKILL)", 0, kill(1, SIGKILL));
    CHECK_EQ("orphan reaped by init after SIGKILL", 0, orphan_is_reaped_by_init());
}

int main(int argc, char **argv)
{
    if (getpid() == 1) {
        printf("1..0 # SKIP running as init\n");
        return 0;
    }
    static const struct tap_test tests[] = {
        TAP_TEST(init_reaps_orphans),
        TAP_TEST(sigstop_to_init_is_dropped),
        TAP_TEST(sigterm_to_init_is_dropped),
        TAP_TEST(sigkill_to_init_is_dropped),
    };
    return tap_main(argc, argv, tests, 4);
}
