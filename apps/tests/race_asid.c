/* Race: two threads of one process fork in parallel for a bounded time,
 * each child writing its own value into a copy-on-write page and checking
 * it after yielding. With a tiny ASID space (arm64 asid_bits=4) the ASIDs
 * roll over while both parent threads run on other CPUs with their shared
 * space, and while children come and go. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define RUN_MS          2000
#define PAGE_WORDS      (4096 / sizeof(uint32_t))

static volatile uint32_t cow_page[PAGE_WORDS] __attribute__((aligned(4096)));

struct forker {
    long iterations;
    long bad_children;
    long fork_failures;
    int first_bad_status;
};

static int child_check(uint32_t value)
{
    for (size_t i = 0; i < PAGE_WORDS; i++)
        cow_page[i] = value;
    sched_yield();
    for (size_t i = 0; i < PAGE_WORDS; i++)
        if (cow_page[i] != value)
            return 1;
    return 0;
}

static void *forker_run(void *arg)
{
    struct forker *f = arg;
    long deadline = now_ms() + RUN_MS;
    while (now_ms() < deadline) {
        pid_t pid = fork();
        if (pid < 0) {
            f->fork_failures++;
            continue;
        }
        if (pid == 0)
            _exit(child_check(0xa51d0000u ^ (uint32_t)getpid()));
        int status = wait_for(pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            if (!f->bad_children)
                f->first_bad_status = status;
            f->bad_children++;
        }
        f->iterations++;
    }
    return NULL;
}

static void race_parallel_forks_keep_memory(void)
{
    struct forker forkers[2] = { { 0 }, { 0 } };
    pthread_t threads[2];
    for (size_t i = 0; i < PAGE_WORDS; i++)
        cow_page[i] = 0x33333333;
    for (int i = 0; i < 2; i++)
        CHECK_EQ("pthread_create", 0, pthread_create(&threads[i], NULL, forker_run, &forkers[i]));
    for (int i = 0; i < 2; i++)
        CHECK_EQ("pthread_join", 0, pthread_join(threads[i], NULL));
    tap_note("%ld + %ld forks", forkers[0].iterations, forkers[1].iterations);
    for (int i = 0; i < 2; i++) {
        CHECK(forkers[i].iterations > 0, "thread %d: expected forks, got none", i);
        CHECK_EQ("fork failures", 0, forkers[i].fork_failures);
        CHECK(forkers[i].bad_children == 0,
              "thread %d: children that saw another's memory: expected 0, got %ld (first %s)", i,
              forkers[i].bad_children, status_str(forkers[i].first_bad_status));
    }
    for (size_t i = 0; i < PAGE_WORDS; i++)
        CHECK(cow_page[i] == 0x33333333, "parent's page changed at word %zu", i);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(race_parallel_forks_keep_memory),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
