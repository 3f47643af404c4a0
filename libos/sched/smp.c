/* Running a function on another CPU: a mailbox per CPU (struct cpu.calls)
 * and the call-function IPI. */
#include <abi/errno.h>
#include <kern/panic.h>
#include <sched/smp.h>
#include "internal.h"

struct smp_call {
    struct list link;
    void (*fn)(void *arg);
    void *arg;
    volatile bool is_done;
};

/* Interrupt context on the target. */
void smp_handle_calls(void)
{
    struct cpu *c = this_cpu();

    for (;;) {
        spin_lock(&c->call_lock);
        struct smp_call *call = NULL;
        if (!list_empty(&c->calls)) {
            call = list_entry(c->calls.next, struct smp_call, link);
            list_remove(&call->link);
        }
        spin_unlock(&c->call_lock);
        if (!call)
            return;
        call->fn(call->arg);
        __atomic_store_n(&call->is_done, true, __ATOMIC_RELEASE);
    }
}

int smp_call_on(unsigned cpu, void (*fn)(void *arg), void *arg)
{
    if (cpu >= PLAT_MAX_CPUS || !sched_cpus[cpu].is_online)
        return -EINVAL;
    assert(arch_irq_enabled());

    unsigned long flags = arch_irq_save();
    if (cpu == arch_cpu_id()) {
        fn(arg);
        arch_irq_restore(flags);
        return 0;
    }
    struct smp_call call = { .fn = fn, .arg = arg, .is_done = false };
    struct cpu *c = &sched_cpus[cpu];
    spin_lock(&c->call_lock);
    list_push_back(&c->calls, &call.link);
    spin_unlock(&c->call_lock);
    arch_send_ipi(cpu, IPI_CALL_FUNCTION);
    arch_irq_restore(flags);
    /* Interrupts on: we may be asked to run calls ourselves meanwhile. */
    while (!__atomic_load_n(&call.is_done, __ATOMIC_ACQUIRE))
        arch_cpu_relax();
    return 0;
}
