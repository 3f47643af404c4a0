/* The physical memory map. Its source is the PVH start info's memmap (an
 * E820-style table: SeaBIOS's INT 15h/E820 answer on q35, qboot's on
 * microvm), copied here at boot. When the start info is version 0 or has no
 * memmap, the table comes from QEMU's fw_cfg file "etc/e820" instead (I/O
 * ports 0x510/0x511, present on q35 and microvm). That table is QEMU's view
 * of RAM only: it does not know what the firmware placed in RAM (SeaBIOS's
 * ACPI tables at the top of low RAM) nor the 640 KiB-1 MiB hole, which is
 * why the first MiB is always reserved below. Nothing of the firmware's own
 * copy is needed after boot. */
#include <stdint.h>
#include <string.h>
#include <kern/util.h>
#include <plat/layout.h>
#include <plat/memmap.h>
#include "amd64.h"
#include "platform.h"

#define E820_RAM 1
#define MEMMAP_MAX_FIRMWARE 128

struct firmware_range {
    uint64_t base, size;
    uint32_t type;
};

static struct firmware_range firmware_map[MEMMAP_MAX_FIRMWARE];
static unsigned firmware_count;

extern char __kernel_end[];

void memmap_add(uint64_t base, uint64_t size, uint32_t type)
{
    if (firmware_count < MEMMAP_MAX_FIRMWARE && size)
        firmware_map[firmware_count++] = (struct firmware_range){ base, size, type };
}

bool memmap_ram_range(unsigned index, uint64_t *base, uint64_t *size)
{
    for (unsigned i = 0; i < firmware_count; i++) {
        if (firmware_map[i].type != E820_RAM)
            continue;
        if (index-- == 0) {
            *base = firmware_map[i].base;
            *size = firmware_map[i].size;
            return true;
        }
    }
    return false;
}

/* ---- fw_cfg fallback ---- */

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR  0x0019

static void fw_cfg_read(void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = inb(FW_CFG_PORT_DATA);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool memmap_load_fw_cfg(void)
{
    char signature[4];

    outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
    fw_cfg_read(signature, sizeof(signature));
    if (memcmp(signature, "QEMU", 4) != 0)
        return false;

    uint8_t word[4];
    outw(FW_CFG_PORT_SEL, FW_CFG_FILE_DIR);
    fw_cfg_read(word, sizeof(word));
    uint32_t files = be32(word);
    uint16_t select = 0;
    uint32_t file_size = 0;
    for (uint32_t i = 0; i < files; i++) {
        uint8_t entry[64];          /* be32 size, be16 select, u16, name[56] */
        fw_cfg_read(entry, sizeof(entry));
        if (strncmp((const char *)entry + 8, "etc/e820", 56) == 0) {
            file_size = be32(entry);
            select = (uint16_t)(entry[4] << 8 | entry[5]);
        }
    }
    if (!select)
        return false;

    /* struct e820_entry { le64 address, le64 length, le32 type } packed. */
    outw(FW_CFG_PORT_SEL, select);
    for (uint32_t off = 0; off + 20 <= file_size; off += 20) {
        struct __attribute__((packed)) {
            uint64_t base, size;
            uint32_t type;
        } e;
        fw_cfg_read(&e, sizeof(e));
        memmap_add(e.base, e.size, e.type);
    }
    return firmware_count > 0;
}

/* ---- <plat/memmap.h> ---- */

/* Every usable range, without the cap of the caller's array. */
static struct mem_range usable[MEMMAP_MAX_FIRMWARE];

static unsigned collect_usable(void)
{
    unsigned n = 0;
    uint64_t base, size;

    for (unsigned i = 0; memmap_ram_range(i, &base, &size); i++)
        usable[n++] = (struct mem_range){ base, size };
    return mem_ranges_normalize(usable, n);
}

unsigned plat_mem_usable(struct mem_range *out, unsigned max)
{
    unsigned n = collect_usable();

    if (n > max)
        n = max;
    memcpy(out, usable, n * sizeof(*out));
    return n;
}

/* Reserved: the first MiB (physical page 0 must never be handed out, since
 * mm_table_page_alloc uses 0 for failure; the rest is kept for the SMP
 * start-up trampoline) and the kernel image, whose bss holds the boot page
 * tables, the boot and IST stacks and the early table-page pool. Both are
 * clipped to usable RAM. The start info, command line and memmap were
 * copied into the image, ACPI tables sit outside type-1 RAM. */
unsigned plat_mem_reserved(struct mem_range *out, unsigned max)
{
    const struct mem_range wanted[] = {
        { 0, (uint64_t)(uintptr_t)__kernel_end - KERNEL_IMAGE_BASE },
    };
    unsigned n = collect_usable();
    unsigned count = 0;

    for (unsigned w = 0; w < ARRAY_SIZE(wanted); w++)
        count = mem_range_clip(out, count, max, usable, n, wanted[w].base, wanted[w].size);
    return count;
}
