/* Subsystem registration: how a library joins boot. An optional library
 * (drivers, vfs, ext2, net, lwIP, proc, syscall, tty) registers one entry
 * with SUBSYS_REGISTER; kernel_main (libos/boot) runs the entries' init
 * hooks in stage order once every CPU is up, before the app, and their
 * shutdown hooks in the reverse order after it. An image that leaves a
 * library out has no entry for it, so nothing calls into a missing library.
 *
 * The linker gathers the entries (sections "subsys.<stage>.<name>", sorted
 * by name into __subsys_start..__subsys_end by platform/<arch>/kernel.ld, as
 * the ktests are); images link their libraries whole (images/meson.build),
 * so a linked library's entry is always kept. */
#ifndef KERN_SUBSYS_H
#define KERN_SUBSYS_H

/* The boot order. Entries of one stage run in name order and must not
 * depend on each other. Two digits each: the section names sort as text.
 *
 * LINKS: a library connects itself to the ones below it, before any of
 *   them runs a process or mounts a file: hooks and registries only
 *   (proc's context-switch and user-return hooks, syscall's entry, tty's
 *   session hooks and terminal devices, ext2's filesystem type).
 * DRIVERS: the buses are probed and the devices register (disks,
 *   NICs): before the VFS, whose root may be a disk (root=vda).
 * VFS: the file tree (root, initramfs, devfs on /dev, /proc).
 * SOCKETS: the socket layer and AF_UNIX (sockets are files).
 * NETSTACK: lwIP: after the VFS, where it publishes /proc/net, after the
 *   socket layer, which AF_INET joins, and after the NICs' drivers. */
#define SUBSYS_STAGE_LINKS    10
#define SUBSYS_STAGE_DRIVERS  20
#define SUBSYS_STAGE_VFS      30
#define SUBSYS_STAGE_SOCKETS  40
#define SUBSYS_STAGE_NETSTACK 50

struct subsys {
    const char *name;           /* in "<name>: set-up failed (<rc>)" */
    unsigned stage;             /* SUBSYS_STAGE_* */
    int (*init)(void);          /* at boot; a negative errno is logged */
    void (*shutdown)(void);     /* before power-off, or NULL */
};

/* Runs every registered shutdown hook, in the reverse order (libos/boot):
 * after the app, and from reboot(2) before the machine goes down. */
void subsys_shutdown_all(void);

/* SUBSYS_REGISTER(vfs, SUBSYS_STAGE_VFS, vfs_init, vfs_shutdown): at file
 * scope, once per library. */
#define SUBSYS_REGISTER(name, stage, init, shutdown) \
    SUBSYS_REGISTER_AT(name, stage, init, shutdown)
/* (A second level so that stage expands to its number in the section.) */
#define SUBSYS_REGISTER_AT(name_, stage_, init_, shutdown_)                       \
    _Static_assert((stage_) >= 10 && (stage_) <= 99, "a stage has two digits"); \
    static const struct subsys subsys_##name_                                    \
        __attribute__((used, section("subsys." #stage_ "." #name_), aligned(8))) = \
        { #name_, (stage_), (init_), (shutdown_) }

#endif
