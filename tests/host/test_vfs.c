/* Host tests of path lookup and ramfs: the VFS's lookup, vnode, mount and
 * ramfs code over a ramfs root, under ASan and UBSan. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <abi/errno.h>
#include <plat/layout.h>
#include <vfs/fs.h>
#include "stubs.h"

static struct vfs_ctx ctx;

static int lookup(const char *path, unsigned flags, struct vnode **out)
{
    return vfs_lookup(&ctx, NULL, path, flags, out);
}

/* Creates path (its parent must exist) with the given type. */
static struct vnode *make(const char *path, uint32_t mode)
{
    struct vnode *dir, *vn;
    char name[NAME_MAX + 1];
    int rc = vfs_lookup_parent(&ctx, NULL, path, &dir, name, NULL);
    CHECK(rc == 0, "lookup_parent(%s) = %d", path, rc);
    rc = dir->ops->create(dir, name, strlen(name), mode, 0, &ctx.ids->cred, &vn);
    CHECK(rc == 0, "create(%s) = %d", path, rc);
    vnode_put(dir);
    return vn;
}

static void make_put(const char *path, uint32_t mode)
{
    vnode_put(make(path, mode));
}

static void symlink_at(const char *path, const char *target)
{
    struct vnode *dir;
    char name[NAME_MAX + 1];
    CHECK(vfs_lookup_parent(&ctx, NULL, path, &dir, name, NULL) == 0, "parent of %s", path);
    int rc = dir->ops->symlink(dir, name, strlen(name), target, &ctx.ids->cred);
    CHECK(rc == 0, "symlink(%s) = %d", path, rc);
    vnode_put(dir);
}

static void expect_lookup(const char *path, unsigned flags, int expected)
{
    struct vnode *vn = NULL;
    int rc = lookup(path, flags, &vn);
    CHECK(rc == expected, "lookup(%s): expected %d, got %d", path, expected, rc);
    if (rc == 0)
        vnode_put(vn);
}

static void expect_same(const char *a, const char *b)
{
    struct vnode *va, *vb;
    CHECK(lookup(a, LOOKUP_FOLLOW, &va) == 0, "lookup(%s)", a);
    CHECK(lookup(b, LOOKUP_FOLLOW, &vb) == 0, "lookup(%s)", b);
    CHECK(va == vb, "%s and %s are different vnodes", a, b);
    vnode_put(va);
    vnode_put(vb);
}

static void test_absolute_relative_dots(void)
{
    make_put("/a", S_IFDIR | 0755);
    make_put("/a/b", S_IFDIR | 0755);
    make_put("/a/b/f", S_IFREG | 0644);
    expect_same("/a/b/f", "/a/./b//f");
    expect_same("/a/b/f", "/a/b/../b/f");
    expect_same("/", "/..");
    expect_same("/", "/../../..");
    expect_same("/a", "/a/b/..");
    /* relative to the cwd */
    struct vnode *a;
    CHECK(lookup("/a", LOOKUP_FOLLOW, &a) == 0, "lookup /a");
    ctx.cwd = a;
    expect_same("b/f", "/a/b/f");
    expect_same("..", "/");
    expect_same(".", "/a");
    ctx.cwd = ctx.root;
    vnode_put(a);
}

static void test_errors(void)
{
    expect_lookup("/missing", LOOKUP_FOLLOW, -ENOENT);
    expect_lookup("", LOOKUP_FOLLOW, -ENOENT);
    expect_lookup("/a/b/f/x", LOOKUP_FOLLOW, -ENOTDIR);
    expect_lookup("/a/b/f/", LOOKUP_FOLLOW, -ENOTDIR);
    expect_lookup("/a/b/f", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, -ENOTDIR);
    expect_lookup("/a/b/", LOOKUP_FOLLOW, 0);

    char name[NAME_MAX + 3] = "/";
    memset(name + 1, 'x', NAME_MAX + 1);
    name[NAME_MAX + 2] = '\0';
    expect_lookup(name, LOOKUP_FOLLOW, -ENAMETOOLONG);
    name[NAME_MAX + 1] = '\0';
    expect_lookup(name, LOOKUP_FOLLOW, -ENOENT);    /* NAME_MAX itself is fine */

    char *path = malloc(PATH_MAX + 1);
    for (int i = 0; i < PATH_MAX; i++)
        path[i] = i % 2 ? '/' : '.';
    path[PATH_MAX] = '\0';
    expect_lookup(path, LOOKUP_FOLLOW, -ENAMETOOLONG);
    path[PATH_MAX - 1] = '\0';
    expect_lookup(path, LOOKUP_FOLLOW, 0);          /* PATH_MAX - 1 bytes: fine */
    free(path);
}

static void test_symlinks(void)
{
    symlink_at("/a/abs", "/a/b/f");
    symlink_at("/a/rel", "b/f");
    symlink_at("/a/up", "../a/b");
    symlink_at("/a/chain", "rel");
    expect_same("/a/abs", "/a/b/f");
    expect_same("/a/rel", "/a/b/f");
    expect_same("/a/up/f", "/a/b/f");
    expect_same("/a/chain", "/a/b/f");

    struct vnode *vn;
    CHECK(lookup("/a/abs", 0, &vn) == 0 && S_ISLNK(vn->mode), "nofollow sees the link");
    vnode_put(vn);
    CHECK(lookup("/a/up/", 0, &vn) == 0 && S_ISDIR(vn->mode), "a trailing slash follows");
    vnode_put(vn);

    symlink_at("/loop1", "/loop2");
    symlink_at("/loop2", "/loop1");
    expect_lookup("/loop1", LOOKUP_FOLLOW, -ELOOP);
    expect_lookup("/loop1/x", 0, -ELOOP);
    expect_lookup("/loop1", 0, 0);

    /* a chain of SYMLOOP_MAX links resolves, one more does not */
    char link[32], target[32];
    make_put("/end", S_IFREG | 0644);
    for (int i = 0; i <= SYMLOOP_MAX; i++) {
        snprintf(link, sizeof(link), "/l%d", i);
        if (i == 0)
            snprintf(target, sizeof(target), "/end");
        else
            snprintf(target, sizeof(target), "/l%d", i - 1);
        symlink_at(link, target);
    }
    snprintf(link, sizeof(link), "/l%d", SYMLOOP_MAX - 1);
    expect_lookup(link, LOOKUP_FOLLOW, 0);
    snprintf(link, sizeof(link), "/l%d", SYMLOOP_MAX);
    expect_lookup(link, LOOKUP_FOLLOW, -ELOOP);
}

static void test_permissions(void)
{
    make_put("/private", S_IFDIR | 0700);
    make_put("/private/f", S_IFREG | 0644);
    ctx.ids->cred = CRED_USER(1000, 1000);
    expect_lookup("/private/f", LOOKUP_FOLLOW, -EACCES);
    expect_lookup("/private", LOOKUP_FOLLOW, 0);
    ctx.ids->cred = CRED_ROOT;
    expect_lookup("/private/f", LOOKUP_FOLLOW, 0);

    struct vnode *vn;
    CHECK(lookup("/private/f", 0, &vn) == 0, "lookup");
    const struct cred user = CRED_USER(1000, 1000), group = CRED_USER(2000, 0), root = CRED_ROOT;
    CHECK(vnode_permission(vn, &user, R_OK) == 0, "other may read 0644");
    CHECK(vnode_permission(vn, &user, W_OK) == -EACCES, "other may not write 0644");
    CHECK(vnode_permission(vn, &group, R_OK) == 0, "group may read");
    CHECK(vnode_permission(vn, &root, W_OK) == 0, "root bypasses write bits");
    CHECK(vnode_permission(vn, &root, X_OK) == -EACCES, "root needs an x bit to execute");
    vnode_put(vn);
}

/* Linux's rules: the effective ids decide, a supplementary group counts
 * as the group, the owner bits apply to the owner even when the group or
 * other bits would allow more. */
static void test_effective_ids_and_groups(void)
{
    make_put("/grp", S_IFREG | 0064);
    struct vnode *vn;
    CHECK(lookup("/grp", 0, &vn) == 0, "lookup");
    vn->uid = 1000;
    vn->gid = 2000;
    struct cred c = CRED_USER(3000, 3000);
    CHECK(vnode_permission(vn, &c, W_OK) == -EACCES, "other may not write 0064");
    c.groups[0] = 2000;
    c.ngroups = 1;
    CHECK(vnode_permission(vn, &c, R_OK | W_OK) == 0, "a supplementary group may read and write");
    c.euid = 1000;
    CHECK(vnode_permission(vn, &c, R_OK) == -EACCES, "the owner's bits (none) rule the owner");
    c = CRED_USER(1000, 1000);
    c.euid = 3000;              /* the real uid, the owner, does not count */
    CHECK(vnode_permission(vn, &c, R_OK) == 0, "other bits for euid 3000 (real 1000)");
    CHECK(vnode_permission(vn, &c, W_OK) == -EACCES, "real owner, effective other: no write");
    vnode_put(vn);
}

/* setresuid/setresgid/setgroups on a struct cred. */
static void test_cred_rules(void)
{
    struct cred c = CRED_ROOT;
    const uint32_t keep = CRED_ID_UNCHANGED;
    uint32_t groups[CRED_NGROUPS_MAX + 1] = { 5, 6 };
    CHECK(cred_setgroups(&c, 2, groups) == 0 && c.ngroups == 2, "root sets groups");
    CHECK(cred_setgroups(&c, CRED_NGROUPS_MAX + 1, groups) == -EINVAL, "too many groups");
    CHECK(cred_setresuid(&c, 10, 20, 30) == 0, "root sets any uid");
    CHECK(c.uid == 10 && c.euid == 20 && c.suid == 30, "ids %u %u %u", c.uid, c.euid, c.suid);
    CHECK(cred_setgroups(&c, 0, groups) == -EPERM && c.ngroups == 2, "setgroups needs euid 0");
    CHECK(cred_setresuid(&c, keep, 40, keep) == -EPERM, "not one of the three");
    CHECK(cred_setresuid(&c, 30, 10, 20) == 0, "a permutation of the three");
    CHECK(c.uid == 30 && c.euid == 10 && c.suid == 20, "ids %u %u %u", c.uid, c.euid, c.suid);
    CHECK(cred_setresuid(&c, 65535, keep, keep) == -EINVAL, "an id above CRED_ID_MAX");
    CHECK(cred_setresgid(&c, 1, keep, keep) == -EPERM, "gids need euid 0 too");
    struct cred before = c;
    CHECK(cred_setresuid(&c, 30, 99, keep) == -EPERM &&
          memcmp(&c, &before, sizeof(c)) == 0, "a refused change leaves the ids");
    cred_exec(&c, S_IFREG | S_ISUID | S_ISGID | 0755, 7, 8);
    CHECK(c.euid == 7 && c.suid == 7 && c.egid == 8 && c.sgid == 8 && c.uid == 30,
          "exec of a set-id program: %u %u %u %u", c.euid, c.suid, c.egid, c.sgid);
    cred_exec(&c, S_IFREG | S_ISGID | 0745, 7, 9);
    CHECK(c.egid == 8, "S_ISGID without group execute does nothing");
}

static void test_lookup_parent(void)
{
    struct vnode *dir;
    char name[NAME_MAX + 1];
    bool slash;
    CHECK(vfs_lookup_parent(&ctx, NULL, "/a/b/new/", &dir, name, &slash) == 0, "parent");
    CHECK(strcmp(name, "new") == 0 && slash, "name '%s' slash %d", name, slash);
    vnode_put(dir);
    CHECK(vfs_lookup_parent(&ctx, NULL, "plain", &dir, name, &slash) == 0, "parent");
    CHECK(dir == ctx.cwd && strcmp(name, "plain") == 0 && !slash, "relative parent");
    vnode_put(dir);
    CHECK(vfs_lookup_parent(&ctx, NULL, "/", &dir, name, &slash) == 0 && strcmp(name, ".") == 0,
          "the root's parent name is '.'");
    vnode_put(dir);
    CHECK(vfs_lookup_parent(&ctx, NULL, "/a/b/f/x", &dir, name, &slash) == -ENOTDIR,
          "parent through a file");
    CHECK(vfs_lookup_parent(&ctx, NULL, "/nope/x", &dir, name, &slash) == -ENOENT,
          "missing parent");
}

static struct vnode *dir_of(const char *path)
{
    struct vnode *vn;
    CHECK(lookup(path, LOOKUP_FOLLOW, &vn) == 0, "lookup(%s)", path);
    return vn;
}

static int count_entries(struct vnode *dir);

static int count_emit(void *arg, const char *name, size_t len, uint64_t ino, uint32_t mode)
{
    (void)name, (void)len, (void)ino, (void)mode;
    (*(int *)arg)++;
    return 0;
}

static int count_entries(struct vnode *dir)
{
    int n = 0;
    uint64_t pos = 0;
    dir->ops->readdir(dir, &pos, count_emit, &n);
    return n;
}

static void test_ramfs_files(void)
{
    struct vnode *f = make("/data", S_IFREG | 0644);
    char buf[9000];
    memset(buf, 'q', sizeof(buf));
    CHECK(f->ops->write(f, buf, sizeof(buf), 100) == (long)sizeof(buf), "write");
    CHECK(f->size == 9100, "size %llu", (unsigned long long)f->size);
    char back[200];
    CHECK(f->ops->read(f, back, sizeof(back), 0) == 200, "read");
    CHECK(back[0] == 0 && back[99] == 0 && back[100] == 'q', "hole then data");
    CHECK(f->ops->read(f, back, sizeof(back), 9050) == 50, "short read at the end");
    CHECK(f->ops->read(f, back, sizeof(back), 20000) == 0, "read past the end");
    CHECK(f->ops->truncate(f, 50) == 0 && f->size == 50, "truncate");
    CHECK(f->ops->truncate(f, 5000) == 0, "extend");
    CHECK(f->ops->read(f, back, 10, 60) == 10 && back[0] == 0, "extended part reads zero");
    vnode_put(f);
}

static void test_ramfs_directories(void)
{
    make_put("/d", S_IFDIR | 0755);
    make_put("/d/x", S_IFREG | 0644);
    make_put("/d/sub", S_IFDIR | 0755);
    struct vnode *d = dir_of("/d");
    CHECK(d->nlink == 3, "nlink of a dir with one subdir: %u", d->nlink);
    CHECK(count_entries(d) == 4, "entries: . .. x sub");
    struct vnode *vn;
    CHECK(d->ops->create(d, "x", 1, S_IFREG | 0644, 0, &ctx.ids->cred, &vn) == -EEXIST, "EEXIST");
    CHECK(d->ops->unlink(d, "sub", 3, false) == -EISDIR, "unlink a dir");
    CHECK(d->ops->unlink(d, "x", 1, true) == -ENOTDIR, "rmdir a file");
    struct vnode *root = dir_of("/");
    CHECK(root->ops->unlink(root, "d", 1, true) == -ENOTEMPTY, "rmdir non-empty");
    CHECK(d->ops->rename(d, "x", 1, d, "y", 1) == 0, "rename");
    expect_lookup("/d/x", 0, -ENOENT);
    expect_lookup("/d/y", 0, 0);
    CHECK(d->ops->rename(d, "sub", 3, root, "moved", 5) == 0, "move a dir up");
    CHECK(d->nlink == 2, "nlink after moving the subdir out: %u", d->nlink);
    expect_same("/moved/..", "/");
    struct vnode *moved = dir_of("/moved");
    CHECK(root->ops->rename(root, "d", 1, moved, "in", 2) == 0, "move d below moved");
    CHECK(moved->ops->rename(moved, "in", 2, moved, "in", 2) == 0, "rename onto itself");
    struct vnode *in = dir_of("/moved/in");
    CHECK(root->ops->rename(root, "moved", 5, in, "loop", 4) == -EINVAL,
          "a directory moved below itself");
    CHECK(in->ops->unlink(in, "y", 1, false) == 0, "unlink");
    CHECK(moved->ops->unlink(moved, "in", 2, true) == 0, "rmdir");
    /* in (held) is removed: its ".." is gone */
    CHECK(in->ops->lookup(in, "..", 2, &vn) == -ENOENT, "'..' of a removed directory");
    CHECK(in->ops->create(in, "z", 1, S_IFREG, 0, &ctx.ids->cred, &vn) == -ENOENT,
          "create in a removed directory");
    vnode_put(in);
    vnode_put(moved);
    vnode_put(root);
    vnode_put(d);
}

static void test_ramfs_links(void)
{
    struct vnode *f = make("/orig", S_IFREG | 0644);
    struct vnode *root = dir_of("/");
    CHECK(root->ops->link(root, "other", 5, f) == 0 && f->nlink == 2, "link");
    CHECK(root->ops->unlink(root, "orig", 4, false) == 0 && f->nlink == 1, "unlink one name");
    CHECK(f->ops->write(f, "x", 1, 0) == 1, "the file is alive");
    CHECK(root->ops->unlink(root, "other", 5, false) == 0 && f->nlink == 0, "last name");
    vnode_put(f);       /* frees it: ASan checks */
    vnode_put(root);
}

static void test_size_limit(void)
{
    struct superblock *sb = ramfs_create(0, 2 * PAGE_SIZE);
    CHECK(sb, "ramfs_create");
    struct vnode *vn;
    CHECK(sb->root->ops->create(sb->root, "f", 1, S_IFREG | 0644, 0, &ctx.ids->cred, &vn) == 0,
          "create");
    char buf[3 * 4096] = { 0 };
    CHECK(vn->ops->write(vn, buf, sizeof(buf), 0) == 2 * 4096, "short write at the limit");
    CHECK(vn->ops->write(vn, buf, 1, 3 * 4096) == -ENOSPC, "ENOSPC");
    CHECK(vn->ops->truncate(vn, 0) == 0, "truncate");
    CHECK(vn->ops->write(vn, buf, 4096, 0) == 4096, "space is back");
    CHECK(vn->ops->write(vn, buf, 1, (1ULL << 30)) == -EFBIG, "EFBIG");
    vnode_put(vn);
    ramfs_destroy(sb);
}

int main(void)
{
    struct superblock *sb = ramfs_create(0, 0);
    CHECK(sb && vfs_mount_sb(sb, NULL) == 0, "mount the root");
    ctx.own_ids = CRED_BOX_INIT(CRED_ROOT);
    ctx.ids = &ctx.own_ids;
    ctx.root = vfs_root();
    ctx.cwd = ctx.root;

    test_absolute_relative_dots();
    test_errors();
    test_symlinks();
    test_permissions();
    test_effective_ids_and_groups();
    test_cred_rules();
    test_lookup_parent();
    test_ramfs_files();
    test_ramfs_directories();
    test_ramfs_links();
    test_size_limit();

    vnode_put(ctx.root);
    printf("host-vfs: all passed\n");
    return 0;
}
