/* Race: two threads (and then two processes) share one open file and
 * write, read and lseek through its one offset at the same time. Each
 * transfer must take its own bytes: every record written exactly once,
 * read exactly once, and lseek always finds the offset at a record
 * boundary. The offset lock sleeps (the file may live on the ext2 disk:
 * the disk-root tests run this from there). */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define RACE_MS 1500                /* each writer stops after this long */
#define RECORD_BYTES 64
#define MAX_RECORDS 2000            /* per writer */
#define WRITERS 2
#define PATH "/tmp/race_shared_fd"

struct record {
    unsigned writer, seq;
    unsigned char fill[RECORD_BYTES - 2 * sizeof(unsigned)];
};
_Static_assert(sizeof(struct record) == RECORD_BYTES, "record size");

struct worker {
    int fd;
    unsigned id;
    unsigned count;                 /* records moved */
    int error;                      /* errno, or -1: a short transfer */
    unsigned bad_offsets;           /* lseek answers inside a record */
};

static void make_record(struct record *r, unsigned writer, unsigned seq)
{
    r->writer = writer;
    r->seq = seq;
    memset(r->fill, (int)(writer * 16 + seq % 16), sizeof(r->fill));
}

static int record_is_intact(const struct record *r)
{
    if (r->writer >= WRITERS || r->seq >= MAX_RECORDS)
        return 0;
    for (size_t i = 0; i < sizeof(r->fill); i++)
        if (r->fill[i] != (unsigned char)(r->writer * 16 + r->seq % 16))
            return 0;
    return 1;
}

static void *write_records(void *arg)
{
    struct worker *w = arg;
    long end = now_ms() + RACE_MS;
    struct record r;
    while (w->count < MAX_RECORDS && now_ms() < end) {
        make_record(&r, w->id, w->count);
        long n = write(w->fd, &r, sizeof(r));
        if (n != (long)sizeof(r)) {
            w->error = n < 0 ? errno : -1;
            break;
        }
        w->count++;
        off_t at = lseek(w->fd, 0, SEEK_CUR);
        if (at < 0 || at % RECORD_BYTES)
            w->bad_offsets++;
    }
    return NULL;
}

/* Reads records until EOF, marking each seen in seen[writer][seq]. */
static unsigned char seen[WRITERS][MAX_RECORDS];
static volatile unsigned duplicates, torn;

static void *read_records(void *arg)
{
    struct worker *w = arg;
    struct record r;
    for (;;) {
        long n = read(w->fd, &r, sizeof(r));
        if (n == 0)
            break;
        if (n != (long)sizeof(r)) {
            w->error = n < 0 ? errno : -1;
            break;
        }
        if (!record_is_intact(&r)) {
            __atomic_add_fetch(&torn, 1, __ATOMIC_RELAXED);
            continue;
        }
        if (__atomic_exchange_n(&seen[r.writer][r.seq], 1, __ATOMIC_RELAXED))
            __atomic_add_fetch(&duplicates, 1, __ATOMIC_RELAXED);
        w->count++;
        off_t at = lseek(w->fd, 0, SEEK_CUR);
        if (at < 0 || at % RECORD_BYTES)
            w->bad_offsets++;
    }
    return NULL;
}

/* Two threads read the file back through one shared descriptor: every
 * record written comes out exactly once, whole. */
static void check_file(const unsigned *written)
{
    unsigned total = written[0] + written[1];
    struct stat st;
    CHECK_OK(stat(PATH, &st));
    CHECK_EQ("file size (records * 64)", (long)total * RECORD_BYTES, st.st_size);
    int fd = open(PATH, O_RDONLY);
    CHECK_OK(fd);
    memset(seen, 0, sizeof(seen));
    duplicates = torn = 0;
    struct worker readers[WRITERS];
    pthread_t t[WRITERS];
    for (unsigned i = 0; i < WRITERS; i++) {
        readers[i] = (struct worker){ .fd = fd, .id = i };
        CHECK_EQ("pthread_create", 0, pthread_create(&t[i], NULL, read_records, &readers[i]));
    }
    for (unsigned i = 0; i < WRITERS; i++)
        CHECK_EQ("pthread_join", 0, pthread_join(t[i], NULL));
    close(fd);
    for (unsigned i = 0; i < WRITERS; i++) {
        CHECK_EQ("reader errno", 0, readers[i].error);
        CHECK_EQ("reader offsets inside a record", 0, readers[i].bad_offsets);
    }
    CHECK_EQ("torn records", 0, torn);
    CHECK_EQ("records read twice", 0, duplicates);
    CHECK_EQ("records read", (long)total, readers[0].count + readers[1].count);
    for (unsigned w = 0; w < WRITERS; w++)
        for (unsigned s = 0; s < written[w]; s++)
            CHECK(seen[w][s], "record %u of writer %u never read", s, w);
    tap_note("%u + %u records", written[0], written[1]);
}

static void threads_share_one_offset(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    struct worker writers[WRITERS];
    pthread_t t[WRITERS];
    for (unsigned i = 0; i < WRITERS; i++) {
        writers[i] = (struct worker){ .fd = fd, .id = i };
        CHECK_EQ("pthread_create", 0, pthread_create(&t[i], NULL, write_records, &writers[i]));
    }
    for (unsigned i = 0; i < WRITERS; i++)
        CHECK_EQ("pthread_join", 0, pthread_join(t[i], NULL));
    close(fd);
    unsigned written[WRITERS];
    for (unsigned i = 0; i < WRITERS; i++) {
        CHECK_EQ("writer errno", 0, writers[i].error);
        CHECK_EQ("writer offsets inside a record", 0, writers[i].bad_offsets);
        written[i] = writers[i].count;
    }
    check_file(written);
    unlink(PATH);
}

static void processes_share_one_offset(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    int report[2];
    CHECK_OK(pipe(report));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        struct worker w = { .fd = fd, .id = 1 };
        write_records(&w);
        int ok = w.error == 0 && w.bad_offsets == 0;
        unsigned out[2] = { w.count, (unsigned)ok };
        _exit(write(report[1], out, sizeof(out)) == sizeof(out) ? 0 : 1);
    }
    struct worker w = { .fd = fd, .id = 0 };
    write_records(&w);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s", status_str(status));
    unsigned child[2] = { 0, 0 };
    CHECK_EQ("child report", (long)sizeof(child), read(report[0], child, sizeof(child)));
    close(report[0]);
    close(report[1]);
    close(fd);
    CHECK_EQ("parent errno", 0, w.error);
    CHECK_EQ("parent offsets inside a record", 0, w.bad_offsets);
    CHECK(child[1], "the child's writes failed or saw a bad offset");
    unsigned written[WRITERS] = { w.count, child[0] };
    check_file(written);
    unlink(PATH);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(threads_share_one_offset),
        TAP_TEST(processes_share_one_offset),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
