/* race-creds: one thread flips the effective uid between two users while
 * another opens a file that neither user may open alone: the directory
 * is searchable only by the first, the file readable only by the second.
 * Every open must be judged by one set of ids (EACCES each time); an open
 * that passed the directory as one user and the file as the other would
 * succeed. Bounded at ~2 s. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define DIR "/tmp/race_creds"
#define FILE_PATH DIR "/f"
#define DIR_OWNER 1000          /* may search DIR */
#define FILE_OWNER 2000         /* may read FILE_PATH */
#define RUN_MS 2000

static volatile int is_stopping;
static long flips;

static void *flipper(void *arg)
{
    (void)arg;
    while (!is_stopping) {
        if (setresuid(-1, FILE_OWNER, -1) < 0 || setresuid(-1, DIR_OWNER, -1) < 0)
            return (void *)1;
        flips++;
    }
    return NULL;
}

static void open_body(void)
{
    CHECK_OK(setresuid(DIR_OWNER, DIR_OWNER, FILE_OWNER));
    pthread_t t;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, flipper, NULL));
    long opens = 0, successes = 0, other_errors = 0;
    int last_errno = 0;
    long start = now_ms();
    while (now_ms() - start < RUN_MS) {
        int fd = open(FILE_PATH, O_RDONLY);
        if (fd >= 0) {
            successes++;
            close(fd);
        } else if (errno != EACCES) {
            other_errors++;
            last_errno = errno;
        }
        opens++;
    }
    is_stopping = 1;
    void *rc;
    pthread_join(t, &rc);
    CHECK(rc == NULL, "setresuid failed in the flipper");
    tap_note("%ld opens, %ld flips", opens, flips);
    CHECK(opens > 0 && flips > 0, "no progress: %ld opens, %ld flips", opens, flips);
    CHECK_EQ("opens judged by a mix of two users' ids", 0, successes);
    CHECK(other_errors == 0, "%ld opens failed otherwise (errno %d)", other_errors, last_errno);
    fflush(stdout);
    _exit(0);
}

static void open_judged_by_one_set_of_ids(void)
{
    mkdir("/tmp", 01777);
    mkdir(DIR, 0700);
    CHECK_OK(chown(DIR, DIR_OWNER, 0));
    CHECK_OK(chmod(DIR, 0700));
    int fd = open(FILE_PATH, O_CREAT | O_WRONLY, 0600);
    CHECK_OK(fd);
    close(fd);
    CHECK_OK(chown(FILE_PATH, FILE_OWNER, 0));
    CHECK_OK(chmod(FILE_PATH, 0600));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        open_body();
        fflush(stdout);
        _exit(1);               /* a CHECK failed */
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s", status_str(status));
    CHECK_OK(unlink(FILE_PATH));
    CHECK_OK(rmdir(DIR));
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(open_judged_by_one_set_of_ids),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
