/* The initramfs: a newc cpio archive linked into the image (see
 * tools/gen_initramfs.py) unpacked into the root ramfs at boot. Directories,
 * regular files, symlinks and FIFOs; owners and modes as archived. A
 * malformed archive stops the unpacking with -EINVAL; what came before it
 * stays. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>

#define CPIO_HEADER_BYTES 110

struct cpio_entry {
    uint32_t mode, uid, gid;
    const char *name;           /* NUL-terminated inside the archive */
    const char *data;
    size_t size;
};

static bool parse_hex(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d == 16)
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

/* Parses the entry at *pos; advances *pos. Returns 1, 0 at the trailer, or
 * -EINVAL. */
static int next_entry(const char *archive, size_t size, size_t *pos, struct cpio_entry *e)
{
    size_t at = *pos;
    if (size - at < CPIO_HEADER_BYTES || memcmp(archive + at, "070701", 6) != 0)
        return -EINVAL;
    uint32_t field[13];
    for (int i = 0; i < 13; i++)
        if (!parse_hex(archive + at + 6 + 8 * i, &field[i]))
            return -EINVAL;
    uint32_t namesize = field[11], filesize = field[6];
    size_t name_at = at + CPIO_HEADER_BYTES;
    if (namesize == 0 || namesize > PATH_MAX || size - name_at < namesize ||
        archive[name_at + namesize - 1] != '\0')
        return -EINVAL;
    size_t data_at = align4(name_at + namesize);
    if (data_at > size || size - data_at < filesize)
        return -EINVAL;
    e->mode = field[1];
    e->uid = field[2];
    e->gid = field[3];
    e->name = archive + name_at;
    e->data = archive + data_at;
    e->size = filesize;
    *pos = align4(data_at + filesize);
    if (*pos > size)
        *pos = size;
    return strcmp(e->name, "TRAILER!!!") == 0 ? 0 : 1;
}

static void set_owner(struct vfs_ctx *ctx, const char *path, const struct cpio_entry *e)
{
    struct vnode *vn;
    if (vfs_lookup(ctx, NULL, path, 0, &vn) < 0)
        return;
    spin_lock(&vn->sb->lock);
    vn->uid = e->uid;
    vn->gid = e->gid;
    if (!S_ISLNK(vn->mode))
        vn->mode = (vn->mode & S_IFMT) | (e->mode & 07777);
    spin_unlock(&vn->sb->lock);
    vnode_put(vn);
}

static int unpack_entry(struct vfs_ctx *ctx, const struct cpio_entry *e, char *path)
{
    const char *name = e->name;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    if (name[0] == '\0' || strcmp(name, ".") == 0)
        return 0;
    path[0] = '/';
    memcpy(path + 1, name, strlen(name) + 1);

    int rc;
    switch (e->mode & S_IFMT) {
    case S_IFDIR:
        rc = vfs_mkdir(ctx, path, e->mode & 07777);
        if (rc == -EEXIST)
            rc = 0;
        break;
    case S_IFREG: {
        int fd = vfs_open(ctx, path, O_WRONLY | O_CREAT | O_TRUNC, e->mode & 07777);
        if (fd < 0)
            return fd;
        long n = vfs_write(ctx, fd, e->data, e->size);
        vfs_close(ctx, fd);
        rc = n < 0 ? (int)n : (size_t)n != e->size ? -ENOSPC : 0;
        break;
    }
    case S_IFLNK: {
        char *target = kmalloc(e->size + 1);
        if (!target)
            return -ENOMEM;
        memcpy(target, e->data, e->size);
        target[e->size] = '\0';
        rc = vfs_symlink(ctx, target, path);
        kfree(target);
        break;
    }
    case S_IFIFO:
        rc = vfs_mkfifo(ctx, path, e->mode & 07777);
        break;
    default:
        printk("initramfs: %s: skipped (type %o)\n", path, e->mode & S_IFMT);
        return 0;
    }
    if (rc == 0)
        set_owner(ctx, path, e);
    return rc;
}

int initramfs_unpack(struct vfs_ctx *ctx, const void *archive, size_t size)
{
    char *path = kmalloc(PATH_MAX + 1);
    if (!path)
        return -ENOMEM;
    uint32_t saved_umask = vfs_umask(ctx, 0);
    size_t pos = 0;
    int rc, count = 0;
    struct cpio_entry e;
    while ((rc = next_entry(archive, size, &pos, &e)) > 0) {
        rc = unpack_entry(ctx, &e, path);
        if (rc < 0) {
            printk("initramfs: %s: error %d\n", e.name, rc);
            break;
        }
        count++;
    }
    vfs_umask(ctx, saved_umask);
    kfree(path);
    return rc < 0 ? rc : count;
}
