#!/usr/bin/env python3
"""Interactive tests of the shell image: boots it on a copy of its ext2 root
disk and drives the serial console like a person at a terminal (typing
lines, Ctrl-C, Ctrl-Z, backspace, raw keys), asserting on what the terminal
shows and, after power-off, on the disk (e2fsck, file contents).

  shell_test.py --arch A --kernel K --disk-from D --disk-dir DIR
                --scenario NAME [--machine M] [--log-dir DIR]

Each scenario is one function below; `--scenario list` prints them. The
default prompt of sh is "# " (root); after checking it, a scenario sets
PS1 to a marker no command prints, so each command's output is exactly
the text between its echoed line and the next prompt."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import disk  # noqa: E402
import qemu  # noqa: E402

PROMPT = "@tandem> "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x07")
CTRL_C, CTRL_Z, CTRL_U, CTRL_D, DEL = "\x03", "\x1a", "\x15", "\x04", "\x7f"


class Failure(Exception):
    pass


class Shell:
    """The guest's console with sh on it."""

    def __init__(self, guest):
        self.guest = guest

    def boot(self, timeout=120):
        """Waits for the first prompt (sh's default for root), then sets the
        marker prompt."""
        self.guest.expect(r"^# $", timeout=timeout, partial=True)
        self.guest.send("PS1='%s'\n" % PROMPT)
        self.wait_prompt()

    def wait_prompt(self, timeout=60, anywhere=False):
        """Waits for the next marker prompt; returns the text before it.
        anywhere: the prompt may follow other output on its line (processes
        in the background writing to the terminal, a fork bomb's errors)."""
        start = self.guest.pos
        m = self.guest.expect(("" if anywhere else "^") + re.escape(PROMPT), timeout=timeout,
                              partial=True)
        return ANSI.sub("", self.guest.output[start:m.start()])

    def run(self, line, timeout=60, anywhere=False):
        """Types line and Enter; returns the lines the command printed (the
        echoed command line removed)."""
        self.guest.send(line + "\n")
        text = self.wait_prompt(timeout, anywhere)
        lines = text.split("\n")
        return [l for l in lines[1:] if l != ""] if len(lines) > 1 else []

    def expect_line(self, pattern, timeout=60):
        return self.guest.expect(pattern, timeout=timeout)

    def interrupt_until_prompt(self, key=CTRL_C, tries=30, anywhere=False):
        """Sends key every second until the prompt comes back: the command
        may not have reached the foreground yet when the first one goes."""
        for _ in range(tries):
            self.guest.send(key)
            try:
                return self.wait_prompt(timeout=1.5, anywhere=anywhere)
            except qemu.Timeout:
                continue
        raise Failure("no prompt after %d x %r" % (tries, key))

    def status(self):
        out = self.run("echo status=$?")
        m = re.search(r"status=(\d+)", "\n".join(out))
        if not m:
            raise Failure("no status in %r" % out)
        return int(m.group(1))


def check(cond, what):
    if not cond:
        raise Failure(what)
    print("ok - %s" % what)


def has_line(lines, pattern):
    return any(re.search(pattern, l) for l in lines)


# --- scenarios --------------------------------------------------------------

def sc_prompt(sh):
    """The prompt appears and a builtin answers."""
    out = sh.run("echo hello from sh")
    check(out == ["hello from sh"], "echo prints its words: %r" % out)
    check(sh.status() == 0, "$? is 0 after echo")


def sc_ls_bin(sh):
    """ls /bin lists the coreutils (from the ext2 disk)."""
    out = " ".join(sh.run("ls /bin"))
    words = set(out.split())
    for prog in ("sh", "ls", "cat", "echo", "grep", "sort", "wc", "sleep", "stty", "ps",
                 "mkdir", "rm", "cp", "mv", "head", "tail", "hexdump", "seq", "yes"):
        check(prog in words, "ls /bin shows %s" % prog)


def sc_cat_disk_file(sh):
    """cat of a file on the ext2 disk."""
    out = sh.run("cat /etc/motd")
    check(has_line(out, r"^Welcome to Tandem"), "cat /etc/motd prints it: %r" % out)
    out = sh.run("cat /etc/hostname")
    check(out == ["tandem"], "cat /etc/hostname: %r" % out)


def sc_redirect(sh):
    """echo hi > /tmp/x; cat /tmp/x, then >> and a here-document."""
    out = sh.run("echo hi > /tmp/x; cat /tmp/x")
    check(out == ["hi"], "echo hi > /tmp/x; cat /tmp/x: %r" % out)
    out = sh.run("echo there >> /tmp/x; wc -l < /tmp/x")
    check([l.strip() for l in out] == ["2"], ">> appends a line: %r" % out)
    out = sh.run("ls /nonexistent 2>&1 | wc -l")
    check([l.strip() for l in out] == ["1"], "2>&1 sends errors into the pipe: %r" % out)
    out = sh.run("cat <<EOF\nfirst $((6*7))\nEOF")
    check(has_line(out, r"^first 42$"), "a here-document with expansion: %r" % out)


def sc_pipeline(sh):
    """A pipeline of three programs from the disk."""
    out = sh.run("seq 1 20 | grep 1 | wc -l")
    check([l.strip() for l in out] == ["11"], "seq 1 20 | grep 1 | wc -l = 11: %r" % out)
    out = sh.run("seq 1 3 | sort -r | head -n 1")
    check(out == ["3"], "seq 1 3 | sort -r | head -n 1 = 3: %r" % out)


def sc_ctrl_c_sleep(sh):
    """sleep 100, then Ctrl-C returns the prompt; $? is 130 (killed by
    SIGINT, not ended by itself)."""
    sh.guest.send("sleep 100\n")
    sh.interrupt_until_prompt()
    check(sh.status() == 130, "$? after Ctrl-C is 130")


def sc_ctrl_c_loop(sh):
    """A loop run by the shell itself is interrupted by Ctrl-C."""
    sh.guest.send("while :; do :; done\n")
    sh.interrupt_until_prompt()
    out = sh.run("echo alive")
    check(out == ["alive"], "the shell still answers after the loop: %r" % out)


def sc_job_control(sh):
    """sleep 100, Ctrl-Z, jobs, bg, fg, Ctrl-C."""
    sh.guest.send("sleep 100\n")
    text = sh.interrupt_until_prompt(key=CTRL_Z)
    check(re.search(r"\[1\]\+?\s+Stopped\s+sleep 100", text) is not None,
          "Ctrl-Z reports [1]+ Stopped sleep 100: %r" % text)
    out = sh.run("jobs")
    check(has_line(out, r"^\[1\]\+?\s+Stopped\s+sleep 100"), "jobs shows it stopped: %r" % out)
    out = sh.run("bg")
    check(has_line(out, r"^\[1\]\+?\s+sleep 100 &"), "bg resumes it in the background: %r" % out)
    out = sh.run("jobs")
    check(has_line(out, r"^\[1\]\+?\s+Running\s+sleep 100"), "jobs shows it running: %r" % out)
    out = sh.run("ps")
    check(has_line(out, r"\bsleep\b"), "ps lists sleep: %r" % out)
    sh.guest.send("fg\n")
    sh.expect_line(r"^sleep 100$")
    sh.interrupt_until_prompt()
    out = sh.run("jobs")
    check(out == [], "no jobs left after Ctrl-C: %r" % out)


def sc_tostop(sh):
    """With stty tostop, a background job writing to the terminal stops."""
    sh.run("stty tostop")
    out = sh.run("stty -a")
    check(has_line(out, r"(^|\s)tostop\b"), "stty -a shows tostop: %r" % out)
    sh.run("(sleep 1; echo from-$((1+1))-bg) &")
    seen = ""
    for _ in range(30):
        out = sh.run("jobs")
        seen = "\n".join(out)
        if re.search(r"Stopped", seen):
            break
        time.sleep(0.5)
    check(re.search(r"^\[1\]\+?\s+Stopped", seen, re.M) is not None,
          "the background writer is stopped: %r" % seen)
    check("from-2-bg" not in sh.guest.output, "its output did not reach the terminal")
    sh.run("stty -tostop")
    sh.guest.send("fg\n")
    sh.expect_line(r"^from-2-bg$")
    sh.wait_prompt()
    check(sh.status() == 0, "fg completes the job with status 0")


def sc_line_editing(sh):
    """Backspace and Ctrl-U edit the shell's line; the kernel's canonical
    mode edits a line read by cat the same way."""
    out = sh.run("echo abx" + DEL + "c")
    check(out == ["abc"], "backspace erases a character: %r" % out)
    out = sh.run("echo garbage" + CTRL_U + "echo clean")
    check(out == ["clean"], "Ctrl-U kills the line: %r" % out)
    # cat reads in canonical mode: the line discipline edits, cat prints.
    # Type only once the shell has left its raw editing mode (it has when
    # the echo runs): bytes typed ahead are received raw, as on Linux.
    sh.guest.send("echo cat-$((2+3)); cat\n")
    sh.expect_line(r"^cat-5$")
    sh.guest.send("hellx" + DEL + "o\n")
    sh.expect_line(r"^hello$")
    sh.guest.send("junk" + CTRL_U + "kept\n")
    sh.expect_line(r"^kept$")
    sh.guest.send(CTRL_D)
    sh.wait_prompt()
    check(sh.status() == 0, "cat ends at Ctrl-D with status 0")


def sc_raw_mode(sh):
    """A raw-mode program sees single keys, Ctrl-C included, unprocessed."""
    sh.guest.send("rawkey\n")
    sh.expect_line(r"raw: ready")
    sh.guest.send("a")
    sh.expect_line(r"key: 0x61")
    sh.guest.send(CTRL_C)
    sh.expect_line(r"key: 0x03")
    sh.guest.send("\r")
    sh.expect_line(r"key: 0x0d")
    sh.guest.send("q")
    sh.wait_prompt()
    check(sh.status() == 0, "rawkey exits 0 after q")
    out = sh.run("stty -a")
    check(has_line(out, r"(^|\s)icanon\b") and has_line(out, r"(^|\s)echo\b"),
          "the terminal is back in canonical mode with echo: %r" % out)


def sc_pty(sh):
    """A program opens a PTY pair, runs sh on the slave and drives it."""
    out = sh.run("/bin/tests/pty", timeout=120)
    text = "\n".join(out)
    check(re.search(r"^\s*not ok", text, re.M) is None, "no PTY subtest fails: %r" % out)
    check(re.search(r"^\s*ok \d+ - sh_on_slave", text, re.M) is not None,
          "the sh-on-a-PTY subtest ran and passed: %r" % out)


def sc_coreutils(sh):
    """The coreutils test script, run by sh from the disk."""
    out = sh.run("sh /usr/share/tests/coreutils.sh", timeout=600)
    text = "\n".join(out)
    check(re.search(r"^\s*not ok", text, re.M) is None, "no coreutils check fails: %s" % text)
    check(re.search(r"^coreutils: all passed$", text, re.M) is not None,
          "the script reports all passed")


def sc_respawn(sh):
    """exit: init starts a new shell (on_exit=respawn, the default)."""
    out = sh.run("echo pid=$$")
    old = re.search(r"pid=(\d+)", "\n".join(out)).group(1)
    sh.guest.send("exit\n")
    sh.boot()
    out = sh.run("echo pid=$$")
    new = re.search(r"pid=(\d+)", "\n".join(out)).group(1)
    check(new != old, "a new shell answers (pid %s, was %s)" % (new, old))


def sc_exit_poweroff(sh):
    """exit with on_exit=poweroff: init syncs and powers off."""
    sh.guest.send("exit 3\n")
    sh.expect_line(r"init: shell exited with status 3, powering off")
    status = sh.guest.wait(60)
    check(status == 0, "the machine powered off with status 0 (got %s)" % status)


def sc_poweroff_saves(sh):
    """A file written from the shell is on the disk after poweroff."""
    sh.run("mkdir -p /root/notes && echo 'kept across boots' > /root/notes/a.txt")
    out = sh.run("cat /root/notes/a.txt")
    check(out == ["kept across boots"], "the file reads back: %r" % out)
    sh.guest.send("poweroff\n")
    status = sh.guest.wait(60)
    check(status == 0, "poweroff ends the machine with status 0 (got %s)" % status)


def mem_used_kb(sh):
    """The "used" column of free's Mem: line (KiB)."""
    out = sh.run("free")
    for line in out:
        fields = line.split()
        if fields and fields[0] == "Mem:" and len(fields) >= 3:
            return int(fields[2])
    raise Failure("no Mem: line in free's output: %r" % out)


def process_count(sh, anywhere=False):
    """How many processes ps lists (its header line not counted); None when
    ps did not run (fork or exec failing while memory is short)."""
    out = sh.run("ps", anywhere=anywhere)
    header = [i for i, l in enumerate(out) if re.match(r"^\s*PID\s", l)]
    if not header:
        return None, out
    rows = [l for l in out[header[0] + 1:] if re.match(r"^\s*\d+\s", l)]
    return len(rows), out[header[0]:]


def resync(sh, tag):
    """Waits for a marker command's output and the prompt after it: the
    repeated Ctrl-C of interrupt_until_prompt can leave extra prompts in
    the stream, and a run() would then read one command behind. The shell
    computes the marker, so the echo of the typed line never matches it;
    it may follow output of background processes on the same line (a fork
    bomb's "fork: ..." without a newline), hence no anchor at the start."""
    sh.guest.send("echo %s-$((40 + 2))-sync\n" % tag)
    sh.expect_line(r"%s-42-sync$" % tag, timeout=120)
    sh.wait_prompt(timeout=60, anywhere=True)


def sc_fork_bomb(sh):
    """A fork bomb typed at the prompt leaves the machine usable: Ctrl-C,
    then kill -9 -1 (repeated while bomb processes remain) recovers it,
    free shows the memory back and a command runs."""
    sh.run("true")          # warm up: the first run of each program pages in
    sh.run("ps")
    before = mem_used_kb(sh)
    before_count, before_ps = process_count(sh)
    sh.guest.send("f(){ f|f& };f\n")
    # The bomb's first f returns at once (f|f runs in the background):
    # the prompt comes back while its descendants multiply. Let it grow
    # until fork fails (memory or process limits), then recover.
    sh.wait_prompt(timeout=60)
    # Until a fork or pipe fails: the bomb has reached the machine's limits.
    sh.expect_line(r"(fork|pipe): ", timeout=300)
    sh.guest.send("\n")
    sh.wait_prompt(timeout=120, anywhere=True)
    sh.interrupt_until_prompt(anywhere=True)
    resync(sh, "bomb")
    for _ in range(20):
        # bomb processes may still write to the terminal: the prompt can
        # come after their output on one line
        sh.run("kill -9 -1", timeout=120, anywhere=True)
        count, ps = process_count(sh, anywhere=True)
        if count is not None and count <= before_count:
            break
    check(count is not None and count <= before_count, "kill -9 -1 leaves only the processes from before (%s, "
          "before %s): %r" % (count, before_count, ps))
    def pids(lines):
        return [int(l.split()[0]) for l in lines if re.match(r"^\s*\d+\s", l)]
    last_pid = max(pids(ps))
    first_pid = max(pids(before_ps))
    check(last_pid > first_pid + 100, "the bomb ran: %d processes started since (pid %d, "
          "then %d)" % (last_pid - first_pid, first_pid, last_pid))
    after = mem_used_kb(sh)
    check(after <= before + 512, "free shows the memory back: used %d KiB, before %d KiB"
          % (after, before))
    out = sh.run("echo still here")
    check(out == ["still here"], "a command runs after the bomb: %r" % out)


# What the shell shows of the guest's state for a failure report using
# builtins only (no fork, no exec: those may be what fails): the memory
# figures, every process's stat line and the kernel log's warnings.
POST_MORTEM = ("for f in /proc/meminfo /dev/vmstat; do while read -r l; do echo \"$l\"; done < $f; "
               "done; for d in /proc/[0-9]*; do read -r l < $d/stat && echo \"$l\"; done; "
               "while read -r l; do case $l in *oom*|*panic*|*arn*|*rror*) echo \"$l\";; esac; "
               "done < /dev/kmsg")


def post_mortem(sh):
    """The guest's state as text, for the end of a failure report (the
    last lines are the ones a test log shows)."""
    if sh.guest.proc.poll() is not None:
        return "--- no guest state: QEMU has exited"
    try:
        sh.guest.send("\n")
        sh.wait_prompt(timeout=10, anywhere=True)
        return "--- guest state ---\n" + "\n".join(sh.run(POST_MORTEM, timeout=120, anywhere=True))
    except (Failure, qemu.Timeout) as e:
        return "--- no guest state: %s" % e


SCENARIOS = {name[3:]: fn for name, fn in sorted(globals().items()) if name.startswith("sc_")}
# Kernel command line after "--" (init's arguments) per scenario.
INIT_ARGS = {"exit_poweroff": "on_exit=poweroff"}
# Disk checks after power-off: (guest path, expected contents).
DISK_FILES = {"poweroff_saves": [("/root/notes/a.txt", b"kept across boots\n")]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scenario", required=True)
    p.add_argument("--arch", choices=qemu.ARCHES)
    p.add_argument("--kernel")
    p.add_argument("--machine")
    p.add_argument("--mem", default="128M", help="guest memory (the shell image's target: 32M)")
    p.add_argument("--disk-from", help="the shell image's root disk (copied first)")
    p.add_argument("--disk-dir", help="where the copy goes")
    p.add_argument("--log-dir", default=".")
    args = p.parse_args()
    if args.scenario == "list":
        for name, fn in SCENARIOS.items():
            print("%-16s %s" % (name, fn.__doc__.split("\n")[0]))
        return 0
    fn = SCENARIOS.get(args.scenario)
    if fn is None:
        p.error("no scenario %r (try --scenario list)" % args.scenario)
    machine = args.machine or qemu.DEFAULT_MACHINE[args.arch]
    name = "shell-%s-%s-%s-%s" % (args.scenario, args.arch, machine.replace(",", "_"), args.mem)
    os.makedirs(args.disk_dir, exist_ok=True)
    image = os.path.join(args.disk_dir, name + ".ext2")
    shutil.copyfile(args.disk_from, image)
    append = "root=vda"
    if args.scenario in INIT_ARGS:
        append += " -- " + INIT_ARGS[args.scenario]
    guest = qemu.Guest(args.arch, args.kernel, log_path=os.path.join(args.log_dir, name + ".log"),
                       machine=machine, mem=args.mem, append=append, disk=image)
    ok = False
    sh = None
    state = ""
    try:
        sh = Shell(guest)
        sh.boot()
        fn(sh)
        if args.scenario not in ("exit_poweroff", "poweroff_saves"):
            guest.send("poweroff\n")
            status = guest.wait(60)
            check(status == 0, "poweroff at the end, status 0 (got %s)" % status)
        is_clean, report = disk.e2fsck(image)
        check(is_clean, "e2fsck -fn finds the disk clean" + ("" if is_clean else ":\n" + report))
        for path, want in DISK_FILES.get(args.scenario, []):
            got = disk.debugfs_cat(image, path)
            check(got == want, "%s on the disk holds %r (got %r)" % (path, want, got))
        ok = True
    except (Failure, qemu.Timeout) as e:
        print("not ok - %s" % e)
        state = post_mortem(sh) if sh is not None else ""
    finally:
        guest.kill()
        log = guest.save_log()
        if not ok:
            print("guest log: %s" % log)
            print("--- last output ---\n" + guest.output[-3000:])
            print(state)
        else:
            os.remove(image)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
