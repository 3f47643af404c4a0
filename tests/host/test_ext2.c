/* Host tests of ext2 + the block cache through the VFS calls, on image
 * files made by mke2fs (tests/host/ext2_check.py drives them and checks
 * the images with e2fsck and debugfs afterwards). Commands:
 *   write IMAGE OUTDIR     files, directories, links, renames, holes...;
 *                          OUTDIR/manifest.txt lists what must be on disk
 *   read IMAGE SRCDIR      the tree mke2fs -d copied from SRCDIR reads back
 *   large IMAGE OUTDIR     a file past 4 GiB
 *   enospc IMAGE           fill blocks, then inodes: ENOSPC, no damage
 *   corrupt IMAGE          damaged copies in RAM: errors, never a crash
 *   readonly IMAGE         a read-only mount gives EROFS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <abi/errno.h>
#include <block/blockdev.h>
#include <fs/ext2.h>
#include <vfs/bcache.h>
#include <vfs/fs.h>
#include "ext2_host.h"
#include "stubs.h"

static struct vfs_ctx ctx;
static FILE *manifest;
static char outdir[512];
static int saved_files;

#define OK(expr)                                                              \
    do {                                                                      \
        long rc_ = (long)(expr);                                              \
        CHECK(rc_ >= 0, "%s: expected success, got %ld", #expr, rc_);         \
    } while (0)
#define RC(expr, want)                                                        \
    do {                                                                      \
        long rc_ = (long)(expr);                                              \
        CHECK(rc_ == (long)(want), "%s: expected %ld, got %ld", #expr,        \
              (long)(want), rc_);                                             \
    } while (0)

static void setup_root(void)
{
    struct superblock *root = ramfs_create(0, 0);
    CHECK(root && vfs_mount_sb(root, NULL) == 0, "root ramfs");
    OK(vfs_register_fstype(&ext2_fstype));      /* the boot's LINKS stage does this */
    OK(vfs_ctx_init(&ctx, CRED_ROOT));
    OK(vfs_mkdir(&ctx, "/mnt", 0755));
}

static struct blockdev *mount_image(const char *image, unsigned flags)
{
    struct blockdev *dev = filedisk_open("disk0", image, false);
    OK(blockdev_register(dev));
    OK(vfs_mount_source(&ctx, "ext2", "disk0", "/mnt", flags));
    return dev;
}

static void unmount_image(struct blockdev *dev)
{
    OK(vfs_umount(&ctx, "/mnt"));
    filedisk_close(dev);
}

static void fill_pattern(uint8_t *buf, size_t len, uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
}

static void put_at(const char *path, const void *data, size_t len, int64_t offset, int flags)
{
    int fd = vfs_open(&ctx, path, O_WRONLY | O_CREAT | flags, 0644);
    CHECK(fd >= 0, "open(%s) = %d", path, fd);
    long n = vfs_pwrite(&ctx, fd, data, len, offset);
    CHECK(n == (long)len, "pwrite(%s, %zu at %ld) = %ld", path, len, (long)offset, n);
    OK(vfs_close(&ctx, fd));
}

/* Reads the whole file at path (malloc'd; *len its size). */
static uint8_t *get_all(const char *path, size_t *len)
{
    struct stat st;
    int rc = vfs_stat(&ctx, path, &st);
    CHECK(rc == 0, "stat(%s) = %d", path, rc);
    uint8_t *buf = malloc((size_t)st.st_size + 1);
    int fd = vfs_open(&ctx, path, O_RDONLY, 0);
    CHECK(fd >= 0, "open(%s) = %d", path, fd);
    size_t done = 0;
    while (done < (size_t)st.st_size) {
        long n = vfs_read(&ctx, fd, buf + done, (size_t)st.st_size - done);
        CHECK(n > 0, "read(%s) at %zu = %ld", path, done, n);
        done += (size_t)n;
    }
    char extra;
    RC(vfs_read(&ctx, fd, &extra, 1), 0);
    OK(vfs_close(&ctx, fd));
    *len = done;
    return buf;
}

static void expect_content(const char *path, const uint8_t *want, size_t want_len)
{
    size_t len;
    uint8_t *got = get_all(path, &len);
    CHECK(len == want_len, "%s: size %zu, expected %zu", path, len, want_len);
    for (size_t i = 0; i < len; i++)
        CHECK(got[i] == want[i], "%s: byte %zu is %#x, expected %#x", path, i, got[i], want[i]);
    free(got);
}

/* Records that guest path must hold these bytes (compared with debugfs). */
static void note_file(const char *guest, const uint8_t *data, size_t len)
{
    char host[600];
    snprintf(host, sizeof(host), "%s/file%d", outdir, saved_files++);
    FILE *f = fopen(host, "wb");
    CHECK(f && fwrite(data, 1, len, f) == len, "write %s", host);
    fclose(f);
    fprintf(manifest, "file %s %s\n", guest, host);
}

static void put_and_note(const char *path, const uint8_t *data, size_t len)
{
    char full[300];
    snprintf(full, sizeof(full), "/mnt%s", path);
    put_at(full, data, len, 0, O_TRUNC);
    expect_content(full, data, len);
    note_file(path, data, len);
}

struct names {
    char list[512][64];
    int count;
};

static int collect(void *arg, const char *name, size_t len, uint64_t ino, uint32_t mode)
{
    (void)ino;
    (void)mode;
    struct names *n = arg;
    if (n->count < 512 && len < 64) {
        memcpy(n->list[n->count], name, len);
        n->list[n->count][len] = '\0';
        n->count++;
    }
    return 0;
}

/* The names in a directory through getdents (".", ".." excluded). */
static int list_dir(const char *path, struct names *out)
{
    out->count = 0;
    int fd = vfs_open(&ctx, path, O_RDONLY | O_DIRECTORY, 0);
    CHECK(fd >= 0, "open dir %s = %d", path, fd);
    uint64_t words[128];        /* dirent64 records are 8-byte aligned */
    char *buf = (char *)words;
    for (;;) {
        long n = vfs_getdents(&ctx, fd, buf, sizeof(words));
        CHECK(n >= 0, "getdents(%s) = %ld", path, n);
        if (n == 0)
            break;
        for (long at = 0; at < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + at);
            if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
                collect(out, d->d_name, strlen(d->d_name), d->d_ino, 0);
            at += d->d_reclen;
        }
    }
    OK(vfs_close(&ctx, fd));
    return out->count;
}

static bool has_name(const struct names *n, const char *name)
{
    for (int i = 0; i < n->count; i++)
        if (strcmp(n->list[i], name) == 0)
            return true;
    return false;
}

static void cmd_write(const char *image)
{
    struct blockdev *dev = mount_image(image, 0);
    struct vfs_statfs before, after;
    OK(vfs_statfs(&ctx, "/mnt", &before));
    uint32_t bs = (uint32_t)before.block_size;
    size_t big_len = 300 * bs + 123;    /* reaches the double-indirect blocks */
    uint8_t *big = malloc(big_len);
    fill_pattern(big, big_len, 1);

    OK(vfs_mkdir(&ctx, "/mnt/d1", 0755));
    OK(vfs_mkdir(&ctx, "/mnt/d1/sub", 0700));
    OK(vfs_mkdir(&ctx, "/mnt/d2", 0755));
    RC(vfs_mkdir(&ctx, "/mnt/d1", 0755), -EEXIST);

    /* Create, append. */
    put_at("/mnt/hello.txt", "hello ext2\n", 11, 0, O_TRUNC);
    int fd = vfs_open(&ctx, "/mnt/hello.txt", O_WRONLY | O_APPEND, 0);
    OK(fd);
    RC(vfs_write(&ctx, fd, "appended\n", 9), 9);
    OK(vfs_close(&ctx, fd));
    expect_content("/mnt/hello.txt", (const uint8_t *)"hello ext2\nappended\n", 20);
    note_file("/hello.txt", (const uint8_t *)"hello ext2\nappended\n", 20);

    /* Direct, indirect, double indirect. */
    put_and_note("/d1/big.bin", big, big_len);
    put_and_note("/empty", big, 0);

    /* Triple indirect on 1 KiB blocks: past 12 + 256 + 65536 blocks. */
    uint64_t triple = (12ull + bs / 4 + (uint64_t)(bs / 4) * (bs / 4)) * bs;
    if (bs == 1024) {
        put_at("/mnt/triple", big, 5000, (int64_t)triple + 77, O_TRUNC);
        struct stat st;
        OK(vfs_stat(&ctx, "/mnt/triple", &st));
        CHECK((uint64_t)st.st_size == triple + 77 + 5000, "triple size %ld", (long)st.st_size);
        uint8_t probe[5000];
        OK(vfs_pread(&ctx, fd = vfs_open(&ctx, "/mnt/triple", O_RDONLY, 0), probe, 5000,
                     (int64_t)triple + 77));
        CHECK(memcmp(probe, big, 5000) == 0, "triple-indirect data");
        OK(vfs_close(&ctx, fd));
        fprintf(manifest, "size /triple %llu\n", (unsigned long long)(triple + 77 + 5000));
    }

    /* Sparse: holes read as zeros and take no blocks. */
    OK(vfs_statfs(&ctx, "/mnt", &after));
    uint64_t free_before_sparse = after.blocks_free;
    put_at("/mnt/sparse", "A", 1, 0, O_TRUNC);
    put_at("/mnt/sparse", "B", 1, 1 << 20, 0);
    put_at("/mnt/sparse", "C", 1, 3 << 20, 0);
    size_t sparse_len;
    uint8_t *sparse = get_all("/mnt/sparse", &sparse_len);
    CHECK(sparse_len == (3u << 20) + 1, "sparse size %zu", sparse_len);
    for (size_t i = 1; i < sparse_len - 1; i++)
        CHECK(sparse[i] == 0 || i == 1u << 20, "hole byte %zu is %#x", i, sparse[i]);
    OK(vfs_statfs(&ctx, "/mnt", &after));
    CHECK(free_before_sparse - after.blocks_free <= 8,
          "sparse file used %lu blocks", (unsigned long)(free_before_sparse - after.blocks_free));
    note_file("/sparse", sparse, sparse_len);
    free(sparse);

    /* Truncate shrinks (freeing blocks) and grows (a hole). */
    put_at("/mnt/trunc", big, 100 * bs, 0, O_TRUNC);
    OK(vfs_truncate(&ctx, "/mnt/trunc", 5000));
    OK(vfs_truncate(&ctx, "/mnt/trunc", 20000));
    uint8_t *trunc = calloc(1, 20000);
    memcpy(trunc, big, 5000);
    expect_content("/mnt/trunc", trunc, 20000);
    note_file("/trunc", trunc, 20000);
    free(trunc);
    put_at("/mnt/gone-by-trunc", big, 50 * bs, 0, O_TRUNC);
    OK(vfs_truncate(&ctx, "/mnt/gone-by-trunc", 0));
    note_file("/gone-by-trunc", big, 0);

    /* Hard links and symlinks (fast and slow). */
    OK(vfs_link(&ctx, "/mnt/hello.txt", "/mnt/d1/hello-link"));
    struct stat st;
    OK(vfs_stat(&ctx, "/mnt/d1/hello-link", &st));
    CHECK(st.st_nlink == 2, "nlink %d", st.st_nlink);
    note_file("/d1/hello-link", (const uint8_t *)"hello ext2\nappended\n", 20);
    OK(vfs_symlink(&ctx, "hello.txt", "/mnt/fast-link"));
    char slow_target[200];
    memset(slow_target, 'x', sizeof(slow_target) - 1);
    memcpy(slow_target, "d1/", 3);
    slow_target[sizeof(slow_target) - 1] = '\0';
    OK(vfs_symlink(&ctx, slow_target, "/mnt/slow-link"));
    char link_buf[300];
    RC(vfs_readlink(&ctx, "/mnt/fast-link", link_buf, sizeof(link_buf)), 9);
    CHECK(memcmp(link_buf, "hello.txt", 9) == 0, "fast link target");
    RC(vfs_readlink(&ctx, "/mnt/slow-link", link_buf, sizeof(link_buf)), 199);
    CHECK(memcmp(link_buf, slow_target, 199) == 0, "slow link target");
    expect_content("/mnt/fast-link", (const uint8_t *)"hello ext2\nappended\n", 20);
    fprintf(manifest, "symlink /fast-link hello.txt\n");
    fprintf(manifest, "symlink /slow-link %s\n", slow_target);

    /* Renames: same directory, across, over an existing file, a directory
     * across directories (its ".." follows), over an empty directory. */
    put_at("/mnt/r1", "rename me", 9, 0, O_TRUNC);
    OK(vfs_rename(&ctx, "/mnt/r1", "/mnt/r2"));
    OK(vfs_rename(&ctx, "/mnt/r2", "/mnt/d2/r3"));
    put_at("/mnt/d2/victim", "old", 3, 0, O_TRUNC);
    OK(vfs_rename(&ctx, "/mnt/d2/r3", "/mnt/d2/victim"));
    fprintf(manifest, "absent /r1\nabsent /r2\nabsent /d2/r3\n");
    note_file("/d2/victim", (const uint8_t *)"rename me", 9);
    put_at("/mnt/d1/sub/inner", "inner", 5, 0, O_TRUNC);
    OK(vfs_rename(&ctx, "/mnt/d1/sub", "/mnt/d2/moved"));
    expect_content("/mnt/d2/moved/../victim", (const uint8_t *)"rename me", 9);
    RC(vfs_rename(&ctx, "/mnt/d2", "/mnt/d2/moved/x"), -EINVAL);
    OK(vfs_mkdir(&ctx, "/mnt/d1/empty", 0755));
    OK(vfs_rename(&ctx, "/mnt/d2/moved", "/mnt/d1/empty"));
    note_file("/d1/empty/inner", (const uint8_t *)"inner", 5);
    RC(vfs_rename(&ctx, "/mnt/d1/empty", "/mnt/d2"), -ENOTEMPTY);

    /* Unlink, rmdir; an unlinked file stays readable while open. */
    put_at("/mnt/d1/doomed", big, 20 * bs, 0, O_TRUNC);
    fd = vfs_open(&ctx, "/mnt/d1/doomed", O_RDONLY, 0);
    OK(fd);
    OK(vfs_unlink(&ctx, "/mnt/d1/doomed"));
    uint8_t check[64];
    RC(vfs_pread(&ctx, fd, check, 64, 5 * bs), 64);
    CHECK(memcmp(check, big + 5 * bs, 64) == 0, "unlinked-but-open data");
    RC(vfs_umount(&ctx, "/mnt"), -EBUSY);
    OK(vfs_close(&ctx, fd));
    fprintf(manifest, "absent /d1/doomed\n");
    OK(vfs_mkdir(&ctx, "/mnt/rmme", 0755));
    RC(vfs_rmdir(&ctx, "/mnt/d1"), -ENOTEMPTY);
    OK(vfs_rmdir(&ctx, "/mnt/rmme"));
    fprintf(manifest, "absent /rmme\n");

    /* A directory over several blocks: fill, punch every other entry,
     * refill (reusing the gaps). */
    OK(vfs_mkdir(&ctx, "/mnt/many", 0755));
    char path[128];
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), "/mnt/many/file-with-a-longish-name-%03d", i);
        put_at(path, path, strlen(path), 0, O_TRUNC);
    }
    for (int i = 0; i < 300; i += 2) {
        snprintf(path, sizeof(path), "/mnt/many/file-with-a-longish-name-%03d", i);
        OK(vfs_unlink(&ctx, path));
    }
    struct stat dir_st;
    OK(vfs_stat(&ctx, "/mnt/many", &dir_st));
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof(path), "/mnt/many/n%d", i);
        put_at(path, path, strlen(path), 0, O_TRUNC);
    }
    struct stat dir_st2;
    OK(vfs_stat(&ctx, "/mnt/many", &dir_st2));
    CHECK(dir_st2.st_size == dir_st.st_size, "gaps not reused: %ld -> %ld",
          (long)dir_st.st_size, (long)dir_st2.st_size);
    static struct names names;
    list_dir("/mnt/many", &names);
    CHECK(names.count == 250, "many: %d entries", names.count);
    CHECK(has_name(&names, "n99") && has_name(&names, "file-with-a-longish-name-299") &&
          !has_name(&names, "file-with-a-longish-name-000"), "many: names");
    fprintf(manifest, "absent /many/file-with-a-longish-name-000\n");
    snprintf(path, sizeof(path), "/mnt/many/n7");
    note_file("/many/n7", (const uint8_t *)path, strlen(path));

    /* chmod reaches the disk. */
    OK(vfs_chmod(&ctx, "/mnt/hello.txt", 0600));
    fprintf(manifest, "mode /hello.txt 0100600\n");

    /* utimensat reaches the disk (in seconds). */
    static const struct abi_timespec set_times[2] = { { 1111111111, 0 }, { 1234567890, 0 } };
    OK(vfs_utimens(&ctx, "/mnt/hello.txt", set_times, false));
    fprintf(manifest, "times /hello.txt 1111111111 1234567890\n");

    /* fsync, sync, then a clean unmount; remount and read back. */
    fd = vfs_open(&ctx, "/mnt/hello.txt", O_RDONLY, 0);
    OK(vfs_fsync(&ctx, fd));
    OK(vfs_close(&ctx, fd));
    OK(vfs_sync());
    unmount_image(dev);
    dev = mount_image(image, 0);
    expect_content("/mnt/d1/big.bin", big, big_len);
    expect_content("/mnt/d1/empty/inner", (const uint8_t *)"inner", 5);
    OK(vfs_stat(&ctx, "/mnt/hello.txt", &st));
    CHECK((st.st_mode & 07777) == 0600 && st.st_nlink == 2, "hello mode %o nlink %d",
          st.st_mode, st.st_nlink);
    CHECK(st.st_atim.tv_sec == 1111111111 && st.st_mtim.tv_sec == 1234567890,
          "hello times after remount: atime %ld mtime %ld", (long)st.st_atim.tv_sec,
          (long)st.st_mtim.tv_sec);
    unmount_image(dev);
    free(big);
}

/* Compares the tree at guest with the host directory host. */
static void compare_tree(const char *guest, const char *host)
{
    static char host_names[600][256];
    struct names *mine = malloc(sizeof(*mine));
    list_dir(guest, mine);
    int n = host_dir_names(host, host_names, 600);
    CHECK(n >= 0, "opendir %s", host);
    char (*names)[256] = malloc((size_t)n * 256);
    memcpy(names, host_names, (size_t)n * 256);
    for (int i = 0; i < n; i++) {
        const char *name = names[i];
        CHECK(has_name(mine, name), "%s/%s missing", guest, name);
        char hp[1024], gp[1024];
        snprintf(hp, sizeof(hp), "%s/%s", host, name);
        snprintf(gp, sizeof(gp), "%s/%s", guest, name);
        long host_size;
        char kind = host_kind(hp, &host_size);
        struct stat gs;
        int rc = vfs_lstat(&ctx, gp, &gs);
        CHECK(rc == 0, "vfs_lstat(%s) = %d", gp, rc);
        if (kind == 'd') {
            CHECK(S_ISDIR(gs.st_mode), "%s: not a directory", gp);
            compare_tree(gp, hp);
        } else if (kind == 'l') {
            CHECK(S_ISLNK(gs.st_mode), "%s: not a symlink", gp);
            char want[4096], got[4096];
            long wn = host_readlink(hp, want, sizeof(want));
            long gn = vfs_readlink(&ctx, gp, got, sizeof(got));
            CHECK(wn == gn && memcmp(want, got, (size_t)wn) == 0, "%s: link target", gp);
        } else if (kind == 'f') {
            CHECK(S_ISREG(gs.st_mode), "%s: not a regular file", gp);
            FILE *f = fopen(hp, "rb");
            uint8_t *want = malloc((size_t)host_size + 1);
            CHECK(fread(want, 1, (size_t)host_size, f) == (size_t)host_size, "read %s", hp);
            fclose(f);
            expect_content(gp, want, (size_t)host_size);
            free(want);
        }
    }
    int mine_count = mine->count - (!strcmp(guest, "/mnt") && has_name(mine, "lost+found"));
    CHECK(mine_count == n, "%s: %d entries, host has %d", guest, mine_count, n);
    free(names);
    free(mine);
}

static void cmd_read(const char *image, const char *srcdir)
{
    struct blockdev *dev = mount_image(image, MOUNT_RDONLY);
    compare_tree("/mnt", srcdir);
    /* A file debugfs wrote, when the driver put one there. */
    unmount_image(dev);
}

static void cmd_large(const char *image)
{
    struct blockdev *dev = mount_image(image, 0);
    uint64_t at = (4ull << 30) + 12345;
    size_t len = 3 << 20;
    uint8_t *data = malloc(len);
    fill_pattern(data, len, 7);
    put_at("/mnt/large", data, len, (int64_t)at, O_TRUNC);
    put_at("/mnt/large", "head", 4, 0, 0);
    struct stat st;
    OK(vfs_stat(&ctx, "/mnt/large", &st));
    CHECK((uint64_t)st.st_size == at + len, "large size %ld", (long)st.st_size);
    uint8_t *back = malloc(len);
    int fd = vfs_open(&ctx, "/mnt/large", O_RDONLY, 0);
    RC(vfs_pread(&ctx, fd, back, len, (int64_t)at), (long)len);
    CHECK(memcmp(back, data, len) == 0, "data past 4 GiB");
    RC(vfs_lseek(&ctx, fd, 0, SEEK_END), (long)(at + len));
    OK(vfs_close(&ctx, fd));
    char path[600];
    snprintf(path, sizeof(path), "%s/large-tail", outdir);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
    fprintf(manifest, "size /large %llu\n", (unsigned long long)(at + len));
    fprintf(manifest, "range /large %llu %s\n", (unsigned long long)at, path);
    unmount_image(dev);
    dev = mount_image(image, 0);
    OK(vfs_stat(&ctx, "/mnt/large", &st));
    CHECK((uint64_t)st.st_size == at + len, "large size after remount");
    fd = vfs_open(&ctx, "/mnt/large", O_RDONLY, 0);
    RC(vfs_pread(&ctx, fd, back, len, (int64_t)at), (long)len);
    CHECK(memcmp(back, data, len) == 0, "data past 4 GiB after remount");
    OK(vfs_close(&ctx, fd));
    unmount_image(dev);
    free(back);
    free(data);
}

static void cmd_enospc(const char *image)
{
    struct blockdev *dev = mount_image(image, 0);
    struct vfs_statfs before, full, after;
    OK(vfs_statfs(&ctx, "/mnt", &before));
    static uint8_t chunk[8192];
    fill_pattern(chunk, sizeof(chunk), 3);
    int fd = vfs_open(&ctx, "/mnt/filler", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    OK(fd);
    long n, total = 0;
    while ((n = vfs_write(&ctx, fd, chunk, sizeof(chunk))) > 0)
        total += n;
    RC(n, -ENOSPC);
    OK(vfs_close(&ctx, fd));
    OK(vfs_statfs(&ctx, "/mnt", &full));
    CHECK(full.blocks_free == 0, "blocks free when full: %lu", (unsigned long)full.blocks_free);
    RC(vfs_mkdir(&ctx, "/mnt/nodir", 0755), -ENOSPC);
    size_t got_len;
    uint8_t *got = get_all("/mnt/filler", &got_len);
    CHECK((long)got_len == total, "filler size %zu, wrote %ld", got_len, total);
    for (size_t i = 0; i < got_len; i++)
        CHECK(got[i] == chunk[i % sizeof(chunk)], "filler byte %zu", i);
    free(got);
    OK(vfs_unlink(&ctx, "/mnt/filler"));
    /* Inodes: empty files until none is left. */
    char path[64];
    int files = 0;
    for (;; files++) {
        snprintf(path, sizeof(path), "/mnt/f%d", files);
        int f = vfs_open(&ctx, path, O_WRONLY | O_CREAT, 0644);
        if (f < 0) {
            RC(f, -ENOSPC);
            break;
        }
        OK(vfs_close(&ctx, f));
    }
    OK(vfs_statfs(&ctx, "/mnt", &full));
    CHECK(full.files_free == 0, "inodes free when full: %lu", (unsigned long)full.files_free);
    for (int i = 0; i < files; i++) {
        snprintf(path, sizeof(path), "/mnt/f%d", i);
        OK(vfs_unlink(&ctx, path));
    }
    OK(vfs_statfs(&ctx, "/mnt", &after));
    CHECK(after.blocks_free == before.blocks_free && after.files_free == before.files_free,
          "free counts not restored: blocks %lu -> %lu, inodes %lu -> %lu",
          (unsigned long)before.blocks_free, (unsigned long)after.blocks_free,
          (unsigned long)before.files_free, (unsigned long)after.files_free);
    unmount_image(dev);
}

static void cmd_readonly(const char *image)
{
    struct blockdev *dev = mount_image(image, MOUNT_RDONLY);
    RC(vfs_open(&ctx, "/mnt/new", O_WRONLY | O_CREAT, 0644), -EROFS);
    RC(vfs_mkdir(&ctx, "/mnt/newdir", 0755), -EROFS);
    struct vfs_statfs st;
    OK(vfs_statfs(&ctx, "/mnt", &st));
    CHECK(st.flags & MOUNT_RDONLY, "statfs flags");
    unmount_image(dev);
}

/* Walks and reads everything, creates and removes a file: on a damaged
 * image any of it may fail, none of it may crash. */
static void exercise(const char *dir, int depth)
{
    if (depth > 6)
        return;
    int fd = vfs_open(&ctx, dir, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return;
    uint64_t words[512];         /* per level: the walk recurses */
    char *buf = (char *)words;
    char path[512];
    long n;
    while ((n = vfs_getdents(&ctx, fd, buf, sizeof(words))) > 0) {
        for (long at = 0; at < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + at);
            at += d->d_reclen;
            if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
                continue;
            snprintf(path, sizeof(path), "%.200s/%.255s", dir, d->d_name);
            struct stat st;
            if (vfs_lstat(&ctx, path, &st) < 0)
                continue;
            if (S_ISDIR(st.st_mode)) {
                exercise(path, depth + 1);
            } else if (S_ISLNK(st.st_mode)) {
                char target[4096];
                vfs_readlink(&ctx, path, target, sizeof(target));
            } else if (S_ISREG(st.st_mode)) {
                int f = vfs_open(&ctx, path, O_RDWR, 0);
                if (f >= 0) {
                    static char data[8192];
                    while (vfs_read(&ctx, f, data, sizeof(data)) > 0)
                        ;
                    vfs_pwrite(&ctx, f, data, 100, 3000);
                    vfs_close(&ctx, f);
                }
            }
        }
    }
    vfs_close(&ctx, fd);
    snprintf(path, sizeof(path), "%s/new-file", dir);
    int f = vfs_open(&ctx, path, O_WRONLY | O_CREAT, 0644);
    if (f >= 0) {
        vfs_write(&ctx, f, "data", 4);
        vfs_close(&ctx, f);
    }
    vfs_unlink(&ctx, path);
    snprintf(path, sizeof(path), "%s/new-dir", dir);
    vfs_mkdir(&ctx, path, 0755);
    vfs_rename(&ctx, path, "/mnt/renamed-dir");
    vfs_rmdir(&ctx, "/mnt/renamed-dir");
}

static void cmd_corrupt(const char *image)
{
    FILE *f = fopen(image, "rb");
    CHECK(f, "open %s", image);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *pristine = malloc((size_t)size), *copy = malloc((size_t)size);
    CHECK(fread(pristine, 1, (size_t)size, f) == (size_t)size, "read image");
    fclose(f);
    uint64_t seed = 12345;
    int mounted = 0;
    bcache_set_limit(32);
    for (int round = 0; round < 300; round++) {
        memcpy(copy, pristine, (size_t)size);
        /* Flip bytes in the metadata area (the first 64 KiB: superblock,
         * descriptors, bitmaps, inode tables, the first directories). */
        int flips = 1 + round % 8;
        for (int i = 0; i < flips; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)((seed >> 33) % (uint64_t)(size < 65536 ? size : 65536));
            if (round % 3 == 0 && at < 1024)
                at += 1024;     /* aim at the superblock a third of the time */
            copy[at] ^= (uint8_t)(seed >> 20 | 1);
        }
        struct blockdev *dev = ramdisk_create("ram0", copy, (uint64_t)size, false);
        OK(blockdev_register(dev));
        if (vfs_mount_source(&ctx, "ext2", "ram0", "/mnt", 0) == 0) {
            mounted++;
            exercise("/mnt", 0);
            OK(vfs_umount(&ctx, "/mnt"));
        }
        blockdev_unregister(dev);
        ramdisk_destroy(dev);
    }
    printf("corrupt: %d of 300 damaged images mounted, none crashed\n", mounted);
    /* I/O errors: every read fails, then every write. */
    memcpy(copy, pristine, (size_t)size);
    struct blockdev *dev = ramdisk_create("ram0", copy, (uint64_t)size, false);
    OK(blockdev_register(dev));
    ramdisk_inject_error(dev, 0, (uint64_t)size / 512, RAMDISK_FAIL_READ);
    RC(vfs_mount_source(&ctx, "ext2", "ram0", "/mnt", 0), -EIO);
    ramdisk_inject_error(dev, 0, 0, 0);
    OK(vfs_mount_source(&ctx, "ext2", "ram0", "/mnt", 0));
    ramdisk_inject_error(dev, 0, (uint64_t)size / 512, RAMDISK_FAIL_WRITE);
    int fd = vfs_open(&ctx, "/mnt/x", O_WRONLY | O_CREAT, 0644);
    OK(fd);
    OK(vfs_write(&ctx, fd, "abc", 3));
    RC(vfs_fsync(&ctx, fd), -EIO);
    OK(vfs_close(&ctx, fd));
    RC(vfs_umount(&ctx, "/mnt"), -EIO);     /* stays mounted, nothing lost */
    struct stat st;
    OK(vfs_stat(&ctx, "/mnt/x", &st));
    ramdisk_inject_error(dev, 0, 0, 0);
    OK(vfs_sync());
    OK(vfs_umount(&ctx, "/mnt"));
    blockdev_unregister(dev);
    ramdisk_destroy(dev);
    free(copy);
    free(pristine);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s write|read|large|enospc|corrupt|readonly IMAGE [DIR]\n",
                argv[0]);
        return 2;
    }
    const char *cmd = argv[1], *image = argv[2];
    setup_root();
    bcache_set_limit(64);       /* small: eviction and write-back on eviction run too */
    if (argc > 3) {
        snprintf(outdir, sizeof(outdir), "%s", argv[3]);
        char path[600];
        snprintf(path, sizeof(path), "%s/manifest.txt", outdir);
        if (strcmp(cmd, "read") != 0) {
            manifest = fopen(path, "w");
            CHECK(manifest, "create %s", path);
        }
    }
    if (!strcmp(cmd, "write"))
        cmd_write(image);
    else if (!strcmp(cmd, "read") && argc > 3)
        cmd_read(image, argv[3]);
    else if (!strcmp(cmd, "large"))
        cmd_large(image);
    else if (!strcmp(cmd, "enospc"))
        cmd_enospc(image);
    else if (!strcmp(cmd, "corrupt"))
        cmd_corrupt(image);
    else if (!strcmp(cmd, "readonly"))
        cmd_readonly(image);
    else
        return 2;
    if (manifest)
        fclose(manifest);
    vfs_ctx_release(&ctx);
    printf("%s %s: ok\n", cmd, image);
    return 0;
}
