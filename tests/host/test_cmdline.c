/* Kernel command-line parsing. */
#include <string.h>
#include <kern/cmdline.h>
#include "stubs.h"

int main(void)
{
    char buf[16];

    CHECK(cmdline_get("ktest=fault", "ktest", buf, sizeof(buf)) && !strcmp(buf, "fault"), "%s", buf);
    CHECK(cmdline_get("  a=1  ktest=x  b ", "ktest", buf, sizeof(buf)) && !strcmp(buf, "x"), "%s", buf);
    CHECK(cmdline_get("ktest=a ktest=b", "ktest", buf, sizeof(buf)) && !strcmp(buf, "b"), "last wins");
    CHECK(!cmdline_get("ktestx=1", "ktest", buf, sizeof(buf)), "prefix of a longer key");
    CHECK(!cmdline_get("xktest=1", "ktest", buf, sizeof(buf)), "suffix of a longer key");
    CHECK(!cmdline_get("ktest", "ktest", buf, sizeof(buf)), "bare word has no value");
    CHECK(cmdline_has("quiet ktest", "ktest") && cmdline_has("ktest=1", "ktest"), "has");
    CHECK(!cmdline_has("", "ktest") && !cmdline_has("ktes", "ktest"), "has not");
    CHECK(cmdline_get("k=", "k", buf, sizeof(buf)) && buf[0] == 0, "empty value");
    CHECK(cmdline_get("k=0123456789abcdefXYZ", "k", buf, sizeof(buf)) &&
          strlen(buf) == sizeof(buf) - 1, "truncated to the buffer");
    printf("test_cmdline: ok\n");
    return 0;
}
