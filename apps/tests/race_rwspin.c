/* Race: two writers move a pair of counters under a reader-writer lock
 * (a then b, so a == b only between writes) while two readers check the
 * pair under read locks, and two threads count under a spin lock, for a
 * bounded time. Checked: no reader ever sees a != b (a writer overlapped a
 * reader), the pair ends at the writes made, and the spin count equals
 * the increments made (no two holders at once). */
#include <pthread.h>
#include <stdio.h>
#include "tap.h"

#define RACE_MS 2000

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;
static volatile unsigned long pair_a, pair_b, spin_count;
static int stop;
static unsigned long writes[2], reads[2], torn[2], spins[2];

static void *writer(void *arg)
{
    unsigned long *n = arg;
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        pthread_rwlock_wrlock(&rw);
        pair_a++;
        for (volatile int i = 0; i < 20; i++)
            ;
        pair_b++;
        pthread_rwlock_unlock(&rw);
        (*n)++;
    }
    return NULL;
}

static void *reader(void *arg)
{
    int i = (int)(long)arg;
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        pthread_rwlock_rdlock(&rw);
        if (pair_a != pair_b)
            torn[i]++;
        pthread_rwlock_unlock(&rw);
        reads[i]++;
    }
    return NULL;
}

static void *spinner(void *arg)
{
    unsigned long *n = arg;
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        pthread_spin_lock(&spin);
        unsigned long v = spin_count;
        for (volatile int i = 0; i < 10; i++)
            ;
        spin_count = v + 1;
        pthread_spin_unlock(&spin);
        (*n)++;
    }
    return NULL;
}

static void rwlock_and_spin_exclude(void)
{
    CHECK_EQ("spin init", 0, pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE));
    pthread_t t[6];
    CHECK_EQ("create", 0, pthread_create(&t[0], NULL, writer, &writes[0]));
    CHECK_EQ("create", 0, pthread_create(&t[1], NULL, writer, &writes[1]));
    CHECK_EQ("create", 0, pthread_create(&t[2], NULL, reader, (void *)0L));
    CHECK_EQ("create", 0, pthread_create(&t[3], NULL, reader, (void *)1L));
    CHECK_EQ("create", 0, pthread_create(&t[4], NULL, spinner, &spins[0]));
    CHECK_EQ("create", 0, pthread_create(&t[5], NULL, spinner, &spins[1]));
    msleep(RACE_MS);                    /* hammer this long */
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    printf("# %lu writes, %lu reads, %lu spin rounds\n", writes[0] + writes[1],
           reads[0] + reads[1], spins[0] + spins[1]);
    CHECK(torn[0] + torn[1] == 0, "%lu reads saw a write half done", torn[0] + torn[1]);
    CHECK(pair_a == writes[0] + writes[1] && pair_b == pair_a, "pair %lu/%lu after %lu writes",
          pair_a, pair_b, writes[0] + writes[1]);
    CHECK(spin_count == spins[0] + spins[1], "spin count %lu after %lu increments", spin_count,
          spins[0] + spins[1]);
    CHECK(writes[0] + writes[1] > 0 && reads[0] + reads[1] > 0 && spins[0] + spins[1] > 0,
          "a kind of thread never ran");
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(rwlock_and_spin_exclude),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
