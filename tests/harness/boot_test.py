#!/usr/bin/env python3
"""One boot test, as meson runs it: boot an image, check the boot-log
contract, wait for expected lines in order, check the exit status. On failure
the serial log is kept in <build>/testlogs/<name>.log and its tail printed."""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402


def parse_size_mib(text):
    m = re.fullmatch(r"(\d+)([MG]?)", text)
    if not m:
        raise ValueError("bad size %r" % text)
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


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
    p.add_argument("--log-dir", default="testlogs")
    args = p.parse_args()

    machine = args.machine or qemu.DEFAULT_MACHINE[args.arch]
    log = os.path.join(args.log_dir, args.name + ".log")
    guest = qemu.Guest(args.arch, args.kernel, log_path=log, machine=machine,
                       mem=args.mem, smp=args.smp, append=args.append)
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
        # Firmware keeps a little (legacy holes, ACPI tables), never more than 5%.
        if not (asked * 0.95 <= usable <= asked):
            failures.append("mem: %d MiB usable with %d MiB given" % (usable, asked))
        cpus = guest.expect(r"^cpus: (\d+) online$", args.timeout)
        if int(cpus.group(1)) < 1:
            failures.append("cpus: %s online" % cpus.group(1))
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

    if failures:
        path = guest.save_log()
        for f in failures:
            print("FAIL %s: %s" % (args.name, f))
        print("--- last lines of the serial log (%s) ---" % path)
        print("\n".join(guest.output.rstrip("\n").split("\n")[-40:]))
        return 1
    print(guest.output, end="")
    print("PASS %s" % args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
