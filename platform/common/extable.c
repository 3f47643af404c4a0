/* The user-copy primitives' exception table (plat/uaccess.h): each port's
 * uaccess.S adds a {fault pc, fixup pc} pair for every instruction that
 * touches user memory, and its linker script gathers them; the port's
 * fault handler looks a kernel fault's pc up here. */
#include <plat/uaccess.h>

struct ex_entry {
    uintptr_t fault_pc, fixup_pc;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

uintptr_t uaccess_fixup(uintptr_t pc)
{
    for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if (e->fault_pc == pc)
            return e->fixup_pc;
    return 0;
}
