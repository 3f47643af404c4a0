/* The device-tree node index (fdt.c) against libfdt on the tree the boot
 * was given: every node's parent, and for every string of every node's
 * "compatible", the chain of nodes each finds, must be libfdt's. Boots on
 * GICv2 and GICv3 machines give two different trees. */
#include <libfdt.h>
#include <kern/printk.h>
#include <ktest.h>
#include "../arm64.h"

KTEST(fdt_index_matches_libfdt, KTEST_DEFAULT)
{
    const void *fdt = arm64_fdt();
    KTEST_EXPECT(fdt, "no device tree");
    if (!fdt)
        return 0;
    int nodes = 0, lookups = 0, depth = 0;
    for (int node = 0; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
        nodes++;
        int want = node ? fdt_parent_offset(fdt, node) : -FDT_ERR_NOTFOUND;
        int got = arm64_dt_parent(node);
        KTEST_EXPECT(got == want, "node %d (%s): parent %d, libfdt %d", node,
                     fdt_get_name(fdt, node, NULL), got, want);
        int len;
        const char *list = fdt_getprop(fdt, node, "compatible", &len);
        for (int at = 0; list && at < len; at += (int)strlen(list + at) + 1) {
            const char *compatible = list + at;
            int a = -1, b = -1;
            do {
                a = arm64_dt_next_compatible(a, compatible);
                b = fdt_node_offset_by_compatible(fdt, b, compatible);
                lookups++;
                KTEST_EXPECT(a == b, "\"%s\": %d, libfdt %d", compatible, a, b);
            } while (a >= 0 && a == b);
        }
    }
    KTEST_EXPECT(arm64_dt_next_compatible(-1, "no,such-device") == -FDT_ERR_NOTFOUND,
                 "a compatible no node has was found");
    printk("# %d nodes, %d compatible lookups\n", nodes, lookups);
    return 0;
}
