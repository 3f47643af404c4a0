/* Boot-time set-up of the file tree: a ramfs root, the initramfs linked into
 * the image (if any) unpacked into it, devfs at /dev; or, with root=vda
 * (or root=/dev/vda, plus "ro") on the command line, that disk's ext2 as
 * the root instead. The ramfs root is size-limited (ramfs_size=). The VFS
 * registers vfs_init and vfs_shutdown as its boot hooks (kern/subsys.h):
 * they run after the drivers have registered their disks. */
#include <string.h>
#include <abi/errno.h>
#include <kern/cmdline.h>
#include <kern/printk.h>
#include <kern/subsys.h>
#include <klibc/stdlib.h>
#include <mm/page.h>
#include <plat/boot.h>
#include <vfs/fs.h>

int devices_register_builtin(void);

/* The archive an image embeds (tools/gen_initramfs.py puts it in section
 * .initramfs, which the linker script gathers here): empty when it has none. */
extern const char __initramfs_start[], __initramfs_end[];

static bool vfs_ready;

/* The root from a disk: ext2 on the named block device, read-only with
 * the bare word "ro" on the command line. */
static int mount_disk_root(const char *device, struct superblock **out)
{
    struct vfs_fstype *type = vfs_find_fstype("ext2");
    if (!type)
        return -ENODEV;
    unsigned flags = cmdline_has(plat_cmdline(), "ro") ? MOUNT_RDONLY : 0;
    int rc = type->mount(device, flags, 0, out);
    if (rc == 0)
        strlcpy((*out)->source, device, sizeof((*out)->source));
    return rc;
}

/* The root ramfs's file data stops at ramfs_size= on the command line:
 * bytes with an optional k, m or g suffix, or a percentage of RAM ("25%");
 * by default half of RAM, as Linux's tmpfs. Writes beyond get ENOSPC. */
#define RAMFS_ROOT_DEFAULT_PERCENT 50

static uint64_t root_ramfs_limit(void)
{
    struct mm_stats st;
    mm_get_stats(&st);
    uint64_t ram_bytes = st.managed_pages * PAGE_SIZE;
    uint64_t limit_bytes = ram_bytes / 100 * RAMFS_ROOT_DEFAULT_PERCENT;
    char arg[32];
    if (!cmdline_get(plat_cmdline(), "ramfs_size", arg, sizeof(arg)))
        return limit_bytes;
    char *end;
    uint64_t value = strtoul(arg, &end, 10);
    unsigned shift = 0;
    bool is_percent = false;
    switch (end != arg ? *end : '?') {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case '%': is_percent = true; end++; break;
    case '\0': break;
    default: end = NULL; break;
    }
    if (!end || *end || arg[0] == '-' || (is_percent && (value == 0 || value > 100)) ||
        value == 0 || value > (UINT64_MAX >> shift)) {
        printk("vfs: ignoring ramfs_size=%s\n", arg);
        return limit_bytes;
    }
    return is_percent ? ram_bytes / 100 * value : value << shift;
}

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
    rc = vfs_register_fstype(&procfs_fstype);
    if (rc < 0)
        return rc;
    char root_device[32];
    const char *disk = NULL;
    struct superblock *root = NULL;
    if (cmdline_get(plat_cmdline(), "root", root_device, sizeof(root_device))) {
        disk = strncmp(root_device, "/dev/", 5) == 0 ? root_device + 5 : root_device;
        rc = mount_disk_root(disk, &root);
        if (rc < 0) {
            printk("vfs: cannot mount %s as the root (%d), using a ramfs\n", disk, rc);
            disk = NULL;
        }
    }
    if (!root)
        root = ramfs_create(0, root_ramfs_limit());
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
    const char *start = __initramfs_start, *end = __initramfs_end;
    if (end > start && !disk) {
        unpacked = initramfs_unpack(&ctx, start, (size_t)(end - start));
        if (unpacked < 0)
            printk("vfs: initramfs unpacking failed (%d)\n", unpacked);
    }
    rc = vfs_mkdir(&ctx, "/dev", 0755);
    if (rc == 0 || rc == -EEXIST || rc == -EROFS)
        rc = vfs_mount(&ctx, "devfs", "/dev", 0, 0);
    vfs_ctx_release(&ctx);
    if (rc < 0)
        return rc;
    vfs_ready = true;
    if (disk)
        printk("vfs: ext2 root on %s, devfs on /dev\n", disk);
    else
        printk("vfs: ramfs root, %d initramfs entries, devfs on /dev\n",
               unpacked < 0 ? 0 : unpacked);
    return 0;
}
SUBSYS_REGISTER(vfs, SUBSYS_STAGE_VFS, vfs_init, vfs_shutdown);
