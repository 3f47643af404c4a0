/* Boot-time set-up of the file tree: a ramfs root, the initramfs linked into
 * the image (if any) unpacked into it, devfs at /dev. kernel_main calls
 * vfs_init when the image links the VFS (a weak reference). */
#include <abi/errno.h>
#include <kern/printk.h>
#include <vfs/fs.h>

int devices_register_builtin(void);

/* Provided by an image that embeds an archive (tools/gen_initramfs.py). */
extern const char initramfs_archive_start[] __attribute__((weak));
extern const char initramfs_archive_end[] __attribute__((weak));

static bool vfs_ready;

bool vfs_is_ready(void)
{
    return vfs_ready;
}

int vfs_init(void)
{
    if (vfs_ready)
        return 0;
    random_init();
    int rc = devices_register_builtin();
    if (rc < 0)
        return rc;
    struct superblock *root = ramfs_create(0, 0);
    if (!root)
        return -ENOMEM;
    rc = vfs_mount_sb(root, NULL);
    if (rc < 0)
        return rc;

    struct vfs_ctx ctx;
    rc = vfs_ctx_init(&ctx, CRED_ROOT);
    if (rc < 0)
        return rc;
    int unpacked = 0;
    const char *start = initramfs_archive_start, *end = initramfs_archive_end;
    if (start && end > start) {
        unpacked = initramfs_unpack(&ctx, start, (size_t)(end - start));
        if (unpacked < 0)
            printk("vfs: initramfs unpacking failed (%d)\n", unpacked);
    }
    rc = vfs_mkdir(&ctx, "/dev", 0755);
    if (rc == 0 || rc == -EEXIST)
        rc = vfs_mount(&ctx, "devfs", "/dev", 0, 0);
    vfs_ctx_release(&ctx);
    if (rc < 0)
        return rc;
    vfs_ready = true;
    printk("vfs: ramfs root, %d initramfs entries, devfs on /dev\n",
           unpacked < 0 ? 0 : unpacked);
    return 0;
}
