/* The stack's first start from several threads at once (netcfg.c's
 * start_lock): every caller returns 0 only after the stack runs, and it
 * starts once (one tcpip thread, the loopback interface once, 127.0.0.1
 * answers). Named only: the race is the boot's first start, so run it as
 * "ktest=netstack_start_race" in a boot of its own (tests/meson.build, at
 * 2 and 4 CPUs). */
#include <stdint.h>
#include <plat/timer.h>
#include <sched/smp.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include <ktest.h>
#include "lwip/tcpip.h"
#include "lwip/udp.h"
#include "../port.h"

#define STARTERS 4

static volatile int go;
static int arrived;

struct starter {
    int rc;
    bool saw_started;           /* the stack ran when netstack_start returned */
};

static int start_at_once(void *arg)
{
    struct starter *s = arg;
    __atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL);
    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
        ;                       /* spin: all CPUs enter together */
    s->rc = netstack_start();
    s->saw_started = netstack_is_started();
    return 0;
}

static struct semaphore datagram_seen;

static void on_datagram(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                        u16_t port)
{
    (void)pcb, (void)addr, (void)port;
    if (p->tot_len == 5)
        *(int *)arg = 1;
    pbuf_free(p);
    sem_post(&datagram_seen);
}

KTEST(netstack_start_race, KTEST_NAMED_ONLY)
{
    KTEST_EXPECT(!netstack_is_started(), "the stack already runs: this test needs a fresh boot");
    KTEST_EXPECT(lwip_port_thread_count() == 0, "lwIP threads before the start: %u",
                 lwip_port_thread_count());
    struct starter starters[STARTERS] = { 0 };
    struct thread *threads[STARTERS];
    for (int i = 0; i < STARTERS; i++) {
        threads[i] = thread_create("netstart", start_at_once, &starters[i]);
        KTEST_EXPECT(threads[i], "thread_create failed");
    }
    while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < STARTERS)
        sched_yield();
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < STARTERS; i++)
        thread_join(threads[i], NULL);
    for (int i = 0; i < STARTERS; i++) {
        KTEST_EXPECT(starters[i].rc == 0, "starter %d: netstack_start gave %d", i, starters[i].rc);
        KTEST_EXPECT(starters[i].saw_started, "starter %d returned before the stack ran", i);
    }
    KTEST_EXPECT(lwip_port_thread_count() == 1, "%u lwIP threads, expected 1 (tcpip)",
                 lwip_port_thread_count());

    /* the interfaces, once each: loopback and the NICs */
    unsigned loopbacks = 0, interfaces = 0;
    LOCK_TCPIP_CORE();
    struct netif *n;
    NETIF_FOREACH(n)
    {
        interfaces++;
        if (ip4_addr_get_u32(netif_ip4_addr(n)) == PP_HTONL(0x7f000001))
            loopbacks++;
    }
    UNLOCK_TCPIP_CORE();
    KTEST_EXPECT(loopbacks == 1, "%u loopback interfaces", loopbacks);
    KTEST_EXPECT(interfaces == 1 + net_iface_count, "%u interfaces for %u NICs", interfaces,
                 net_iface_count);

    /* and it works: a UDP datagram to itself over 127.0.0.1 */
    int good = 0;
    sem_init(&datagram_seen, 0);
    LOCK_TCPIP_CORE();
    struct udp_pcb *pcb = udp_new();
    err_t err = pcb ? udp_bind(pcb, IP4_ADDR_ANY, 0) : ERR_MEM;
    struct pbuf *p = err == ERR_OK ? pbuf_alloc(PBUF_TRANSPORT, 5, PBUF_RAM) : NULL;
    if (p) {
        udp_recv(pcb, on_datagram, &good);
        pbuf_take(p, "hello", 5);
        ip_addr_t lo;
        IP_ADDR4(&lo, 127, 0, 0, 1);
        err = udp_sendto(pcb, p, &lo, pcb->local_port);
        pbuf_free(p);
    }
    UNLOCK_TCPIP_CORE();
    int rc = err == ERR_OK && p ? sem_wait(&datagram_seen, plat_time_ns() + 2000000000ULL) : -1;
    LOCK_TCPIP_CORE();
    if (pcb)
        udp_remove(pcb);
    UNLOCK_TCPIP_CORE();
    KTEST_EXPECT(rc == 0 && good, "no datagram over loopback (err %d, wait %d)", err, rc);
    return 0;
}
