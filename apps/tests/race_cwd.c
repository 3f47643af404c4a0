/* Race: one thread swaps the working directory (chdir, fchdir) in a loop
 * while another resolves relative paths, asks getcwd and forks. The cwd
 * pointer must only be read under its lock (once a reference taken on
 * a directory the chdir had just released panicked the kernel with
 * "vn->refcount > 0"). Checked: every answer names one of the two
 * directories, and the kernel stays up. */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define RACE_MS 2000                /* hammer this long */
#define FORK_EVERY 64               /* reader rounds between forks */
#define BASE "/tmp/race_cwd"
#define DIR_A BASE "/a"
#define DIR_B BASE "/b"

static volatile int stop;
static volatile int chdir_error;    /* errno of a failed chdir, 0: none */
static unsigned long swaps;

static void *swap_cwd(void *arg)
{
    (void)arg;
    int fd_b = open(DIR_B, O_RDONLY | O_DIRECTORY);
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        if (chdir(DIR_A) < 0 || (fd_b >= 0 ? fchdir(fd_b) : chdir(DIR_B)) < 0) {
            chdir_error = errno;
            break;
        }
        swaps++;
    }
    if (fd_b >= 0)
        close(fd_b);
    return NULL;
}

/* 0 when "." and getcwd name A or B; else a message in why. */
static int check_cwd(ino_t ino_a, ino_t ino_b, const char **why)
{
    struct stat st;
    if (stat(".", &st) < 0) {
        *why = "stat(\".\") failed";
        return -1;
    }
    if (st.st_ino != ino_a && st.st_ino != ino_b) {
        *why = "stat(\".\") is neither directory";
        return -1;
    }
    char buf[128];
    if (!getcwd(buf, sizeof(buf))) {
        *why = "getcwd failed";
        return -1;
    }
    if (strcmp(buf, DIR_A) != 0 && strcmp(buf, DIR_B) != 0) {
        *why = "getcwd named neither directory";
        return -1;
    }
    return 0;
}

static void chdir_against_stat_getcwd_fork(void)
{
    mkdir(BASE, 0755);
    mkdir(DIR_A, 0755);
    mkdir(DIR_B, 0755);
    struct stat st_a, st_b;
    CHECK_OK(stat(DIR_A, &st_a));
    CHECK_OK(stat(DIR_B, &st_b));
    CHECK_OK(chdir(DIR_A));
    stop = 0;
    pthread_t t;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, swap_cwd, NULL));
    long end = now_ms() + RACE_MS;
    unsigned long rounds = 0, forks = 0;
    const char *why = NULL;
    while (!why && now_ms() < end) {
        if (check_cwd(st_a.st_ino, st_b.st_ino, &why) < 0)
            break;
        if (++rounds % FORK_EVERY == 0) {
            pid_t pid = fork();
            if (pid == 0) {
                const char *child_why = NULL;
                _exit(check_cwd(st_a.st_ino, st_b.st_ino, &child_why) < 0 ? 1 : 0);
            }
            if (pid < 0) {
                why = "fork failed";
                break;
            }
            int status = wait_for(pid);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                why = "the child saw a wrong cwd";
            forks++;
        }
    }
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
    chdir("/");
    rmdir(DIR_A);
    rmdir(DIR_B);
    rmdir(BASE);
    tap_note("%lu rounds, %lu forks, %lu swaps", rounds, forks, swaps);
    CHECK(!why, "%s (errno %d)", why ? why : "", errno);
    CHECK_EQ("chdir errno", 0, chdir_error);
    CHECK(rounds > 0 && swaps > 0, "nothing ran");
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(chdir_against_stat_getcwd_fork),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
