/* The wall clock from the CMOS real-time clock (MC146818, ports 0x70/0x71),
 * present on q35 and microvm: read once, on demand, with the
 * update-in-progress protocol; BCD or binary, 12- or 24-hour, as status
 * register B says. Years are taken as 20xx. */
#include <stdint.h>
#include <plat/timer.h>
#include "amd64.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define NMI_DISABLE 0x80

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, NMI_DISABLE | reg);
    return inb(CMOS_DATA);
}

static int is_updating(void)
{
    return cmos_read(0x0a) & 0x80;
}

struct rtc_time {
    uint8_t sec, min, hour, day, month, year;
};

static void read_raw(struct rtc_time *t)
{
    while (is_updating())
        ;
    t->sec = cmos_read(0x00);
    t->min = cmos_read(0x02);
    t->hour = cmos_read(0x04);
    t->day = cmos_read(0x07);
    t->month = cmos_read(0x08);
    t->year = cmos_read(0x09);
}

static uint8_t from_bcd(uint8_t v)
{
    return (uint8_t)((v >> 4) * 10 + (v & 15));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

uint64_t plat_wall_clock_ns(void)
{
    struct rtc_time a, b;

    /* read until two reads agree, so no update happened in between */
    read_raw(&a);
    for (int tries = 0; tries < 10; tries++) {
        read_raw(&b);
        if (a.sec == b.sec && a.min == b.min && a.hour == b.hour && a.day == b.day &&
            a.month == b.month && a.year == b.year)
            break;
        a = b;
    }
    uint8_t status_b = cmos_read(0x0b);
    int is_pm = b.hour & 0x80;
    b.hour &= 0x7f;
    if (!(status_b & 0x04)) {
        b.sec = from_bcd(b.sec);
        b.min = from_bcd(b.min);
        b.hour = from_bcd(b.hour);
        b.day = from_bcd(b.day);
        b.month = from_bcd(b.month);
        b.year = from_bcd(b.year);
    }
    if (!(status_b & 0x02) && is_pm)
        b.hour = (uint8_t)((b.hour % 12) + 12);
    if (b.month < 1 || b.month > 12 || b.day < 1 || b.day > 31 || b.hour > 23 ||
        b.min > 59 || b.sec > 59)
        return 0;
    int64_t days = days_from_civil(2000 + b.year, b.month, b.day);
    int64_t secs = days * 86400 + b.hour * 3600 + b.min * 60 + b.sec;
    return secs > 0 ? (uint64_t)secs * 1000000000ULL : 0;
}
