#!/usr/bin/env python3
"""One boot test, as meson runs it: boot an image, check the boot-log
contract, wait for expected lines in order, check the exit status. On failure
the serial log is kept in <build>/testlogs/<name>.log and its tail printed."""

import argparse
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import disk  # noqa: E402
import qemu  # noqa: E402


def parse_size_mib(text):
    m = re.fullmatch(r"(\d+)([MG]?)", text)
    if not m:
        raise ValueError("bad size %r" % text)
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


def process_cpu_seconds(pid):
    """User + system CPU time of a running process (all its threads)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3); utime and stime are fields 14, 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_idle(guest, timeout):
    """Waits for the guest's 'ktest: idle for N s' line, then for 'ktest:
    idle done', and returns QEMU's CPU time over that stretch as a fraction
    of one host core."""
    guest.expect(r"^ktest: idle for \d+ s$", timeout)
    cpu0, wall0 = process_cpu_seconds(guest.proc.pid), time.monotonic()
    guest.expect(r"^ktest: idle done$", timeout)
    cpu1, wall1 = process_cpu_seconds(guest.proc.pid), time.monotonic()
    return (cpu1 - cpu0) / max(wall1 - wall0, 1e-3), wall1 - wall0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--arch", required=True, choices=qemu.ARCHES)
    p.add_argument("--kernel", required=True)
    p.add_argument("--machine")
    p.add_argument("--mem", default="128M")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--append", default="")
    p.add_argument("--expect", action="append", default=[],
                   help="regex the output must contain, in order")
    p.add_argument("--reject", action="append", default=[],
                   help="regex the output must not contain")
    p.add_argument("--status", default="0",
                   help="expected guest exit status, or 'nonzero'")
    p.add_argument("--timeout", type=int, default=120)
    p.add_argument("--idle-seconds", type=int, default=0,
                   help="append ktest_idle=N and measure QEMU's CPU use while the "
                        "guest idles")
    p.add_argument("--max-idle-cpu", type=float, default=0.2,
                   help="largest CPU use while idle, in host cores")
    p.add_argument("--log-dir", default="testlogs")
    p.add_argument("--disk", help="attach this raw image as the guest's virtio-blk disk")
    p.add_argument("--disk-transport", choices=qemu.DISK_TRANSPORTS,
                   help="virtio transport of the disk (default: mmio on microvm, else pci)")
    p.add_argument("--disk-blkdebug", metavar="CONFIG",
                   help="attach the disk through QEMU's blkdebug with this configuration "
                        "(error injection)")
    p.add_argument("--net", action="append", default=[], metavar="tap=NAME|user",
                   help="attach a virtio-net NIC (twice for two)")
    p.add_argument("--net-transport", choices=qemu.NET_TRANSPORTS,
                   help="virtio transport of the NICs (default: mmio on microvm, else pci)")
    p.add_argument("--disk-from", help="first copy this image to --disk (the test writes "
                   "its own copy)")
    p.add_argument("--e2fsck-after", action="store_true",
                   help="after the guest is off, e2fsck -fn the disk; any problem fails")
    p.add_argument("--debugfs-compare", action="append", default=[],
                   metavar="GUEST_PATH=HOST_FILE",
                   help="after the guest is off, GUEST_PATH on the disk (debugfs cat) must "
                        "equal HOST_FILE byte for byte")
    args = p.parse_args()
    if (args.e2fsck_after or args.debugfs_compare or args.disk_from) and not args.disk:
        p.error("--disk-from, --e2fsck-after and --debugfs-compare need --disk")
    if args.disk_from:
        os.makedirs(os.path.dirname(os.path.abspath(args.disk)), exist_ok=True)
        shutil.copyfile(args.disk_from, args.disk)

    machine = args.machine or qemu.DEFAULT_MACHINE[args.arch]
    log = os.path.join(args.log_dir, args.name + ".log")
    if args.idle_seconds:
        args.append = ("%s ktest_idle=%d" % (args.append, args.idle_seconds)).strip()
    guest = qemu.Guest(args.arch, args.kernel, log_path=log, machine=machine,
                       mem=args.mem, smp=args.smp, append=args.append, disk=args.disk,
                       disk_transport=args.disk_transport, disk_blkdebug=args.disk_blkdebug,
                       nets=args.net, net_transport=args.net_transport)
    failures = []
    try:
        # The boot-log contract: banner first, then mem:, then cpus:.
        banner = guest.expect(r"^tandem (\S+) (\S+) (\S+)$", args.timeout)
        first_line = guest.output.lstrip("\n").split("\n", 1)[0]
        if first_line != banner.group(0):
            failures.append("first line is %r, not the banner" % first_line)
        want = (args.arch, qemu.machine_type(machine))
        if banner.group(2, 3) != want:
            failures.append("banner names %s %s, expected %s %s"
                            % (banner.group(2), banner.group(3), *want))
        mem = guest.expect(r"^mem: (\d+) MiB usable in (\d+) regions$", args.timeout)
        usable, asked = int(mem.group(1)), parse_size_mib(args.mem)
        # Firmware keeps a little (legacy holes, ACPI tables), never more than
        # 5%, or 1 MiB of a small machine (the count is in whole MiB).
        if not (asked - max(asked * 0.05, 1) <= usable <= asked):
            failures.append("mem: %d MiB usable with %d MiB given" % (usable, asked))
        cpus = guest.expect(r"^cpus: (\d+) online$", args.timeout)
        if int(cpus.group(1)) != args.smp:
            failures.append("cpus: %s online with --smp %d" % (cpus.group(1), args.smp))
        if args.idle_seconds:
            used, seconds = measure_idle(guest, args.timeout)
            print("idle: %.1f%% of a host core over %.1f s" % (100 * used, seconds))
            if used > args.max_idle_cpu:
                failures.append("idle guest used %.1f%% of a host core, limit %.0f%%"
                                % (100 * used, 100 * args.max_idle_cpu))
        for pattern in args.expect:
            guest.expect(pattern, args.timeout)
        status = guest.wait(args.timeout)
        if args.status == "nonzero":
            if status == 0:
                failures.append("guest exited 0, expected a failure status")
        elif status != int(args.status):
            failures.append("guest exit status %d, expected %s" % (status, args.status))
        for pattern in args.reject:
            m = re.search(pattern, guest.output, re.M)
            if m:
                failures.append("output contains %r" % m.group(0))
    except qemu.Timeout as e:
        failures.append(str(e))
    finally:
        guest.kill()
    if args.disk and (args.e2fsck_after or args.debugfs_compare):
        compares = [tuple(pair.split("=", 1)) for pair in args.debugfs_compare]
        if args.e2fsck_after:
            failures += disk.check_after_guest(args.disk, compares)
        else:
            failures += [f for f in (disk.compare_file(args.disk, g, h) for g, h in compares)
                         if f]

    if failures:
        path = guest.save_log()
        for f in failures:
            print("FAIL %s: %s" % (args.name, f))
        # What explains a failure may be far from the end (a failed ktest's
        # "# file:line" reason, a panic): those lines first, then the tail.
        telling = [line for line in guest.output.split("\n")
                   if re.match(r"(not ok|# \S+:\d+: |.*panic)", line)]
        if telling:
            print("--- failures and panics in the serial log ---")
            print("\n".join(telling[:40]))
        print("--- last lines of the serial log (%s) ---" % path)
        print("\n".join(guest.output.rstrip("\n").split("\n")[-40:]))
        return 1
    print(guest.output, end="")
    print("PASS %s" % args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
