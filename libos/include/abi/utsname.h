/* uname(2): Linux's struct utsname (six NUL-terminated 65-byte fields);
 * newlib has none. */
#ifndef ABI_UTSNAME_H
#define ABI_UTSNAME_H

#define UTSNAME_LENGTH 65

struct utsname {
    char sysname[UTSNAME_LENGTH];   /* "Tandem" */
    char nodename[UTSNAME_LENGTH];
    char release[UTSNAME_LENGTH];
    char version[UTSNAME_LENGTH];
    char machine[UTSNAME_LENGTH];   /* "x86_64" or "aarch64" */
    char domainname[UTSNAME_LENGTH];
};

#endif
