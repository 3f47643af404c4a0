#!/usr/bin/env python3
"""Serial console tests with the ttyecho image (apps/ttyecho as init):
types at the console like a person and checks what the terminal shows.

  console_test.py --arch A --kernel K --scenario NAME [--machine M]
                  [--smp N] [--log-dir DIR]

Scenarios:
  typing    the line discipline on the interrupt-driven console: backspace
            (0x7f) edits the line, ^U kills it, ^C reaches the foreground
            group as SIGINT, a 200-byte paste arrives whole, two lines in
            one burst come out as two; QEMU stays under --max-idle-cpu of a
            host core while the guest waits for input; "quit" exits 0.
  job       a foreground job reading the console: ^Z stops it (the parent's
            wait4 WUNTRACED sees SIGTSTP), SIGCONT continues it (WCONTINUED),
            it reads a line and exits 0; the parent got the SIGCHLDs.
  poweroff  reboot(RB_POWER_OFF): the guest powers off with status 0.
  reboot    reboot(RB_AUTOBOOT): the guest resets (QEMU runs with
            -no-reboot, so it exits: status 0 from QEMU itself)."""

import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from boot_test import process_cpu_seconds  # noqa: E402

DEL, CTRL_U, CTRL_C, CTRL_Z = "\x7f", "\x15", "\x03", "\x1a"
PASTE_BYTES = 200


class Failure(Exception):
    pass


def expect_line(guest, text, timeout=60):
    """Waits for a whole output line equal to text."""
    return guest.expect("^" + re.escape(text) + "$", timeout)


def boot(guest, timeout):
    guest.expect(r"^stdin: 5:1$", timeout)
    expect_line(guest, "/dev/tty: ok", timeout)
    expect_line(guest, "ready", timeout)


def idle_cpu(guest, seconds):
    """QEMU's CPU use, in host cores, while the guest waits for a line."""
    cpu0, wall0 = process_cpu_seconds(guest.proc.pid), time.monotonic()
    time.sleep(seconds)
    cpu1, wall1 = process_cpu_seconds(guest.proc.pid), time.monotonic()
    return (cpu1 - cpu0) / (wall1 - wall0)


def scenario_typing(guest, args):
    used = idle_cpu(guest, args.idle_seconds)
    print("idle: %.1f%% of a host core over %d s" % (100 * used, args.idle_seconds))
    if used > args.max_idle_cpu:
        raise Failure("guest waiting for input used %.1f%% of a host core, limit %.0f%%"
                      % (100 * used, 100 * args.max_idle_cpu))
    guest.send("hello\n")
    expect_line(guest, "got: hello")
    guest.send("helx" + DEL + "lo wor" + DEL + DEL + "orld\n")
    expect_line(guest, "got: hello world")
    guest.send("discard this" + CTRL_U + "kept\n")
    expect_line(guest, "got: kept")
    guest.send("half a line" + CTRL_C)
    guest.expect(r"SIGINT$")             # after the echoed "half a line^C"
    guest.send("after\n")                # ^C flushed the half line
    expect_line(guest, "got: after")
    paste = "".join(chr(ord("a") + i % 26) for i in range(PASTE_BYTES))
    guest.send(paste + "\n")
    expect_line(guest, "got: " + paste)
    # The echo of the second line may land in the middle of the reply to
    # the first (as on any terminal): match the ends of lines only.
    guest.send("one\ntwo\n")
    guest.expect(r"got: one$")
    guest.expect(r"got: two$")
    guest.send("quit\n")
    expect_line(guest, "bye")
    return 0


def scenario_job(guest, args):
    guest.send("job\n")
    expect_line(guest, "job: started")
    guest.send(CTRL_Z)
    guest.expect(r"job: stopped by SIGTSTP$")   # after the echoed ^Z
    expect_line(guest, "job: continued")
    guest.send("done\n")
    expect_line(guest, "job: exited 0")
    expect_line(guest, "job: sigchld ok")
    guest.send("quit\n")
    expect_line(guest, "bye")
    return 0


def scenario_poweroff(guest, args):
    guest.send("poweroff\n")
    expect_line(guest, "reboot: power down")
    return 0


def scenario_reboot(guest, args):
    guest.send("reboot\n")
    expect_line(guest, "reboot: restarting system")
    return None                         # QEMU's own exit: no guest status


SCENARIOS = {"typing": scenario_typing, "job": scenario_job, "poweroff": scenario_poweroff,
             "reboot": scenario_reboot}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name")
    p.add_argument("--arch", required=True, choices=qemu.ARCHES)
    p.add_argument("--kernel", required=True)
    p.add_argument("--machine")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    p.add_argument("--timeout", type=int, default=120)
    p.add_argument("--idle-seconds", type=int, default=3)
    p.add_argument("--max-idle-cpu", type=float, default=0.2)
    p.add_argument("--log-dir", default="testlogs")
    args = p.parse_args()
    name = args.name or "console-%s-%s" % (args.scenario, args.arch)
    machine = args.machine or qemu.DEFAULT_MACHINE[args.arch]
    guest = qemu.Guest(args.arch, args.kernel, log_path=os.path.join(args.log_dir, name + ".log"),
                       machine=machine, smp=args.smp)
    failure = None
    try:
        boot(guest, args.timeout)
        want = SCENARIOS[args.scenario](guest, args)
        try:
            rc = guest.proc.wait(args.timeout)
        except Exception:
            raise Failure("the guest did not stop within %ds" % args.timeout)
        guest._reader.join(5)
        if want is None:
            if rc != 0:
                raise Failure("QEMU exited %d after the reset, expected 0 (-no-reboot)" % rc)
        elif qemu.guest_status(args.arch, rc) != want:
            raise Failure("guest status %d, expected %d" % (qemu.guest_status(args.arch, rc), want))
    except (Failure, qemu.Timeout) as e:
        failure = str(e)
    finally:
        guest.kill()
    if failure:
        path = guest.save_log()
        print("FAIL %s: %s" % (name, failure))
        print("--- last lines of the serial log (%s) ---" % path)
        print("\n".join(guest.output.rstrip("\n").split("\n")[-40:]))
        return 1
    print(guest.output, end="")
    print("PASS %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
