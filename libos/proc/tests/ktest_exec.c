/* The ELF loader's validation: corrupt or foreign headers give -ENOEXEC,
 * a missing file -ENOENT, a file without an x bit -EACCES, and none of
 * them crash the kernel. Files are written to the ramfs root. */
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <kern/printk.h>
#include <mm/page.h>
#include <plat/layout.h>
#include <vfs/vfs.h>
#include <ktest.h>
#include "../proc_internal.h"

struct test_elf {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
    struct {
        uint32_t type, flags;
        uint64_t offset, vaddr, paddr, filesz, memsz, align;
    } ph[2];
    uint8_t code[16];
};

static void good_elf(struct test_elf *e)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->ident, "\x7f" "ELF\x02\x01\x01", 7);
    e->type = 2;
    e->machine = strcmp(PLAT_ARCH_NAME, "amd64") == 0 ? 62 : 183;
    e->version = 1;
    e->entry = 0x400000 + offsetof(struct test_elf, code);
    e->phoff = offsetof(struct test_elf, ph);
    e->ehsize = 64;
    e->phentsize = sizeof(e->ph[0]);
    e->phnum = 1;
    e->ph[0].type = 1;
    e->ph[0].flags = 5;
    e->ph[0].vaddr = 0x400000;
    e->ph[0].filesz = sizeof(*e);
    e->ph[0].memsz = sizeof(*e) + 8192;
    e->ph[0].align = 4096;
}

static int write_file(struct vfs_ctx *ctx, const char *path, const void *data, size_t len,
                      uint32_t mode)
{
    vfs_unlink(ctx, path);
    int fd = vfs_open(ctx, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return fd;
    long n = vfs_write(ctx, fd, data, len);
    vfs_close(ctx, fd);
    return n == (long)len ? 0 : -EIO;
}

static int try_elf(struct vfs_ctx *ctx, const struct test_elf *e, size_t len)
{
    int rc = write_file(ctx, "/exec_test", e, len, 0755);
    if (rc < 0)
        return rc;
    return proc_exec_try_load(ctx, "/exec_test");
}

KTEST(exec_rejects_bad_elf, KTEST_DEFAULT)
{
    struct vfs_ctx ctx;
    if (!vfs_is_ready()) {
        printk("# skipped: no VFS\n");
        return 0;
    }
    KTEST_EXPECT(vfs_ctx_init(&ctx, CRED_ROOT) == 0, "vfs_ctx_init");
    struct test_elf e;
    int rc;

    KTEST_EXPECT((rc = proc_exec_try_load(&ctx, "/no/such/file")) == -ENOENT,
                 "missing file: expected -ENOENT, got %d", rc);
    good_elf(&e);
    KTEST_EXPECT((rc = write_file(&ctx, "/exec_test", &e, sizeof(e), 0644)) == 0, "write");
    KTEST_EXPECT((rc = proc_exec_try_load(&ctx, "/exec_test")) == -EACCES,
                 "no x bit: expected -EACCES, got %d", rc);

#define CASE(what, stmt)                                                      \
    do {                                                                      \
        good_elf(&e);                                                         \
        stmt;                                                                 \
        rc = try_elf(&ctx, &e, sizeof(e));                                    \
        KTEST_EXPECT(rc == -ENOEXEC, "%s: expected -ENOEXEC, got %d", what, rc); \
    } while (0)
    CASE("bad magic", e.ident[1] = 'X');
    CASE("32-bit class", e.ident[4] = 1);
    CASE("big-endian", e.ident[5] = 2);
    CASE("shared object", e.type = 3);
    CASE("foreign machine", e.machine = 40);
    CASE("phentsize", e.phentsize = 12);
    CASE("no program headers", e.phnum = 0);
    CASE("too many program headers", e.phnum = 65000);
    CASE("phoff past the end", e.phoff = 1 << 20);
    CASE("phoff overflow", e.phoff = ~0ULL - 8);
    CASE("no PT_LOAD", e.ph[0].type = 4);
    CASE("filesz > memsz", e.ph[0].filesz = e.ph[0].memsz + 1);
    CASE("segment in the kernel half", e.ph[0].vaddr = 0xffff800000000000ULL);
    CASE("segment at page 0", e.ph[0].vaddr = 0);
    CASE("segment wraps", (e.ph[0].vaddr = 0x400000, e.ph[0].memsz = ~0ULL - 0x1000));
    CASE("file data past the end", e.ph[0].offset = 1 << 20);
    CASE("entry outside", e.entry = 0x10);
    CASE("interpreter", e.ph[0].type = 3);
    CASE("overlapping segments", (e.phnum = 2, e.ph[1] = e.ph[0]));
    /* Truncated files */
    good_elf(&e);
    rc = try_elf(&ctx, &e, 10);
    KTEST_EXPECT(rc == -ENOEXEC, "truncated header: expected -ENOEXEC, got %d", rc);
    rc = try_elf(&ctx, &e, 70);
    KTEST_EXPECT(rc == -ENOEXEC, "truncated phdrs: expected -ENOEXEC, got %d", rc);
    /* The good one loads (when address spaces exist). */
    good_elf(&e);
    rc = try_elf(&ctx, &e, sizeof(e));
    KTEST_EXPECT(rc == 0, "good ELF: expected 0, got %d", rc);
    vfs_unlink(&ctx, "/exec_test");
    vfs_ctx_release(&ctx);
    return 0;
}

/* An exec needs no run of contiguous free pages: after a fork bomb memory
 * can be mostly free and yet hold no free 32 KiB block (a CI run saw every
 * exec fail with ENOMEM then, while fork worked). */
KTEST(exec_with_memory_fragmented, KTEST_DEFAULT)
{
    struct vfs_ctx ctx;
    if (!vfs_is_ready()) {
        printk("# skipped: no VFS\n");
        return 0;
    }
    KTEST_EXPECT(vfs_ctx_init(&ctx, CRED_ROOT) == 0, "vfs_ctx_init");
    struct test_elf e;
    good_elf(&e);
    KTEST_EXPECT(write_file(&ctx, "/exec_test", &e, sizeof(e), 0755) == 0, "write");
    uint64_t free_before = mm_free_pages();
    void *kept = ktest_fragment_memory(8);
    uint64_t free_fragmented = mm_free_pages();
    uint64_t block = pages_alloc(3, 0);
    if (block)
        pages_free(block, 3);
    int rc = proc_exec_try_load(&ctx, "/exec_test");
    ktest_unfragment_memory(kept);
    KTEST_EXPECT(!block, "memory still had a free 8-page block");
    KTEST_EXPECT(free_fragmented > free_before / 2, "%llu of %llu pages free once fragmented",
                 (unsigned long long)free_fragmented, (unsigned long long)free_before);
    KTEST_EXPECT(rc == 0, "exec with memory fragmented: expected 0, got %d", rc);
    vfs_unlink(&ctx, "/exec_test");
    vfs_ctx_release(&ctx);
    return 0;
}
