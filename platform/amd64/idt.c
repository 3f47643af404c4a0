/* The interrupt descriptor table: one interrupt gate per vector, all pointing
 * at the stubs of vectors.S. Double fault, NMI and machine check run on their
 * own IST stacks (cpu.c) so a kernel stack overflow still gets reported. */
#include <stdint.h>
#include <plat/mode.h>
#include "amd64.h"

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

extern const uint64_t trap_vector_table[256];

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void idt_set(unsigned vector, uint64_t handler, unsigned ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = handler & 0xffff,
        .selector = GDT_KERNEL_CODE,
        .ist = ist,
        .type_attr = 0x8e,          /* present, DPL 0, 64-bit interrupt gate */
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_high = handler >> 32,
    };
}

void idt_load(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } ptr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

/* Direct mode: process code runs at ring 0, where an interrupt does not
 * switch stacks; every vector lands on the IST_DIRECT stack, and
 * vectors.S moves the frame to the stack it belongs on (the thread's
 * kernel stack, or the interrupted kernel stack). */
void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        idt_set(v, trap_vector_table[v], plat_direct_mode ? IST_DIRECT : 0);
    idt_set(2, trap_vector_table[2], IST_NMI);
    idt_set(8, trap_vector_table[8], IST_DOUBLE_FAULT);
    idt_set(18, trap_vector_table[18], IST_MACHINE_CHECK);
    idt_load();
}
