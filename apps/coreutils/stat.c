/* stat: shows a file's status: name, size, blocks, type, mode, inode,
 * links, owner and times (of the link itself; -L follows it). -c FORMAT:
 * only the fields asked for: %n name, %s size, %b blocks, %F type, %a
 * octal mode, %A mode string, %i inode, %d device, %h links, %u uid,
 * %g gid, %X %Y %Z access, modify and change times in seconds, %% a
 * percent sign. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static void print_time(const char *label, time_t t)
{
    struct tm tm;
    char buf[64];
    if (gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000", &tm))
        printf("%s: %s\n", label, buf);
    else
        printf("%s: %lld\n", label, (long long)t);
}

static void print_default(const char *name, const struct stat *st)
{
    char mode[11];
    cu_mode_string(st->st_mode, mode);
    printf("  File: %s", name);
    if (S_ISLNK(st->st_mode)) {
        char target[4096];
        ssize_t len = readlink(name, target, sizeof target - 1);
        if (len >= 0) {
            target[len] = '\0';
            printf(" -> %s", target);
        }
    }
    printf("\n  Size: %-10lld\tBlocks: %-10lld IO Block: %-6ld %s\n", (long long)st->st_size,
           (long long)st->st_blocks, (long)st->st_blksize, cu_file_type(st->st_mode));
    printf("Device: %u,%u\tInode: %-11llu Links: %lu", cu_dev_major((unsigned long long)st->st_dev),
           cu_dev_minor((unsigned long long)st->st_dev), (unsigned long long)st->st_ino,
           (unsigned long)st->st_nlink);
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
        printf("\tDevice type: %u,%u", cu_dev_major((unsigned long long)st->st_rdev),
               cu_dev_minor((unsigned long long)st->st_rdev));
    printf("\nAccess: (%04o/%s)  Uid: (%5lu)   Gid: (%5lu)\n", (unsigned)(st->st_mode & 07777), mode,
           (unsigned long)st->st_uid, (unsigned long)st->st_gid);
    print_time("Access", st->st_atime);
    print_time("Modify", st->st_mtime);
    print_time("Change", st->st_ctime);
}

static void print_format(const char *format, const char *name, const struct stat *st)
{
    for (const char *p = format; *p; p++) {
        if (*p != '%' || p[1] == '\0') {
            putchar(*p);
            continue;
        }
        char mode[11];
        switch (*++p) {
        case 'n': fputs(name, stdout); break;
        case 's': printf("%lld", (long long)st->st_size); break;
        case 'b': printf("%lld", (long long)st->st_blocks); break;
        case 'F': fputs(cu_file_type(st->st_mode), stdout); break;
        case 'a': printf("%o", (unsigned)(st->st_mode & 07777)); break;
        case 'A': cu_mode_string(st->st_mode, mode); fputs(mode, stdout); break;
        case 'i': printf("%llu", (unsigned long long)st->st_ino); break;
        case 'd': printf("%llu", (unsigned long long)st->st_dev); break;
        case 'h': printf("%lu", (unsigned long)st->st_nlink); break;
        case 'u': printf("%lu", (unsigned long)st->st_uid); break;
        case 'g': printf("%lu", (unsigned long)st->st_gid); break;
        case 'X': printf("%lld", (long long)st->st_atime); break;
        case 'Y': printf("%lld", (long long)st->st_mtime); break;
        case 'Z': printf("%lld", (long long)st->st_ctime); break;
        case '%': putchar('%'); break;
        default: putchar('%'); putchar(*p);
        }
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    const char *format = NULL;
    int follow = 0, opt, status = 0;
    cu_prog = "stat";
    while ((opt = cu_getopt(argc, argv, "Lc:")) != -1) {
        if (opt == 'L')
            follow = 1;
        else if (opt == 'c')
            format = cu_optarg;
        else
            cu_usage("[-L] [-c FORMAT] FILE...");
    }
    if (cu_optind == argc)
        cu_usage("[-L] [-c FORMAT] FILE...");
    for (int i = cu_optind; i < argc; i++) {
        struct stat st;
        if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) < 0) {
            status = cu_warn(argv[i]);
            continue;
        }
        if (format)
            print_format(format, argv[i], &st);
        else
            print_default(argv[i], &st);
    }
    if (fflush(stdout) != 0)
        status = cu_warn("write");
    return status;
}
