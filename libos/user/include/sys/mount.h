/* mount(2)/umount(2) for Tandem processes. fstype names a registered
 * filesystem ("ramfs", "devfs", "ext2"); MS_RDONLY mounts read-only. */
#ifndef _SYS_MOUNT_H
#define _SYS_MOUNT_H

#define MS_RDONLY 1UL

int mount(const char *source, const char *target, const char *fstype,
          unsigned long flags, const void *data);
int umount(const char *target);
int umount2(const char *target, int flags);

#endif
