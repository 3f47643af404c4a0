/* ext2 (revision 0 and 1, 1 KiB to 4 KiB blocks), read and write, as a VFS
 * filesystem type: vfs_mount_source(ctx, "ext2", "vda", "/mnt", flags).
 * ext2 registers it with the VFS at boot (SUBSYS_STAGE_LINKS, before the
 * VFS may mount a disk root): images that do not link libos/fs/ext2 do
 * without. */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <vfs/fs.h>

extern struct vfs_fstype ext2_fstype;

#endif
