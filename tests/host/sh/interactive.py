#!/usr/bin/env python3
"""The shell on a pseudo-terminal, driven like a person at a terminal:
prompt, Ctrl-C of a foreground program and of a loop the shell runs
itself, Ctrl-Z with jobs/bg/fg, background job notices, a background
writer stopped under stty tostop, line editing keys, history, continuation
prompts, Ctrl-D. Waits for output, never for time.

  interactive.py SHELL WORKDIR"""

import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time

TIMEOUT_S = 20


class Terminal:
    def __init__(self, shell, cwd):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.execv(shell, ["sh"])
        self.buf = ""
        self.failures = 0

    def expect(self, pattern, what):
        """Read until pattern (a regex) matches; consume through the match."""
        deadline = time.time() + TIMEOUT_S
        regex = re.compile(pattern, re.M)
        while True:
            m = regex.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.time()
            if left <= 0:
                break
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                break
            if not data:
                break
            self.buf += data.decode(errors="replace").replace("\r", "")
        print("not ok - %s: wanted /%s/, output was %r" % (what, pattern, self.buf))
        self.failures += 1
        self.buf = ""
        return None

    def send(self, keys):
        os.write(self.fd, keys.encode())


class Screen:
    """Just enough of a VT100 to see what a person would: printable
    characters with the wrap that waits at the last column, CR, LF, BS,
    ESC [ n A/B/C/D, ESC [ K, ESC [ J, ESC [ H. Row 0 is the prompt's row."""

    def __init__(self, columns, text):
        self.columns = columns
        self.rows = {}
        self.row = self.col = 0
        self.pending_wrap = False
        self.errors = []
        self.partial = ""
        self.feed(text)

    def put(self, ch):
        if self.pending_wrap:
            self.row, self.col, self.pending_wrap = self.row + 1, 0, False
        line = self.rows.setdefault(self.row, [" "] * self.columns)
        line[self.col] = ch
        if self.col == self.columns - 1:
            self.pending_wrap = True
        else:
            self.col += 1

    def csi(self, arg, final):
        n = int(arg) if arg.isdigit() else 1
        self.pending_wrap = False
        if final == "A":
            if self.row - n < 0:
                self.errors.append("cursor moved above the prompt's row")
            self.row = max(0, self.row - n)
        elif final == "B":
            self.row += n
        elif final == "C":
            self.col = min(self.columns - 1, self.col + n)
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "K":
            line = self.rows.setdefault(self.row, [" "] * self.columns)
            line[self.col:] = [" "] * (self.columns - self.col)
        elif final == "J":
            self.csi("0", "K")
            for r in [r for r in self.rows if r > self.row]:
                del self.rows[r]
        elif final == "H":
            self.row = self.col = 0

    def feed(self, data):
        data = self.partial + data
        self.partial = ""
        i = 0
        while i < len(data):
            ch = data[i]
            if ch == "\x1b":
                m = re.match(r"\x1b\[([0-9;]*)([A-Za-z])", data[i:])
                if not m:
                    self.partial = data[i:]
                    return
                self.csi(m.group(1), m.group(2))
                i += m.end()
                continue
            if ch == "\r":
                self.col, self.pending_wrap = 0, False
            elif ch == "\n":
                self.row, self.pending_wrap = self.row + 1, False
            elif ch == "\b":
                self.col, self.pending_wrap = max(0, self.col - 1), False
            elif ch >= " ":
                self.put(ch)
            i += 1

    def text(self):
        last = max(self.rows) if self.rows else 0
        return ["".join(self.rows.get(r, [])).rstrip() for r in range(last + 1)]


def check_wrapped_editing(shell, cwd, prompt):
    """A line longer than a 20-column terminal: editing in its middle and
    backspace across the wrap leave the screen as the line is."""
    t = Terminal(shell, cwd)
    failures = 0
    t.expect("^" + re.escape(prompt), "wrap: first prompt")
    fcntl.ioctl(t.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 20, 0, 0))
    t.send("\r")
    t.expect("^" + re.escape(prompt), "wrap: prompt after the resize")
    screen = Screen(20, prompt)

    def wait_screen(want, what):
        deadline = time.time() + TIMEOUT_S
        while screen.text() != want and time.time() < deadline:
            r, _, _ = select.select([t.fd], [], [], deadline - time.time())
            if r:
                screen.feed(os.read(t.fd, 4096).decode(errors="replace"))
        if screen.text() == want and not screen.errors:
            print("ok - interactive: %s" % what)
            return 0
        print("not ok - interactive: %s: wanted %r, screen %r %s" %
              (what, want, screen.text(), screen.errors))
        return 1

    line = "echo 0123456789abcdefghijklmnopq"
    t.send(line)
    failures += wait_screen([prompt + line[:18], line[18:]], "wrap: a long line wraps")
    t.send("\x1b[D" * 20 + "XY")
    failures += wait_screen([prompt + "echo 0123456XY789a", "bcdefghijklmnopq"],
                            "wrap: insert in the middle of a wrapped line redraws it")
    if (screen.row, screen.col) != (0, 16):
        print("not ok - interactive: wrap: cursor after XY at %r" % ((screen.row, screen.col),))
        failures += 1
    t.send("\x05" + "\x7f" * 17)
    failures += wait_screen([prompt + "echo 0123456XY789"],
                            "wrap: backspace across the wrap clears the second row")
    t.send("abcdefghijklmnopqrstu")   # exactly two rows: the cursor waits to wrap
    failures += wait_screen([prompt + "echo 0123456XY789a", "bcdefghijklmnopqrstu"],
                            "wrap: a line filling two rows")
    t.send("\x1b[DZ")
    failures += wait_screen([prompt + "echo 0123456XY789a", "bcdefghijklmnopqrstZ", "u"],
                            "wrap: insert before the last column of a full row")
    t.send("\r")
    t.expect("^0123456XY789abcdefghijklmnopqrstZu\n" + re.escape(prompt),
             "wrap: the edited line runs")
    t.send("exit\r")
    os.waitpid(t.pid, 0)
    return failures + t.failures


def check_job_specs_and_exit(shell, cwd, prompt):
    """read -p on a terminal; several stopped jobs: jobs -l/-p, bg %N,
    fg %N, %+ and %-, kill %N with wait's status; exit and Ctrl-D with
    stopped jobs warn once."""
    t = Terminal(shell, cwd)
    p = re.escape(prompt)
    failures = 0

    def step(keys, pattern, what):
        t.send(keys)
        if t.expect(pattern, what):
            print("ok - interactive: %s" % what)

    t.expect("^" + p, "jobs: first prompt")
    step("read -p 'name? ' v; echo got $v\r", r"^name\? ", "read -p prompts on a terminal")
    step("abc\r", r"^abc\ngot abc\n" + p, "read -p reads the answer")
    # each job says it started, so that Ctrl-Z finds it in the foreground
    one, two, three = ("(echo %s; exec sleep %d)" % (n, s) for n, s in
                       (("s1", 100), ("s2", 200), ("s3", 300)))
    rone, rtwo, rthree = (re.escape(j) for j in (one, two, three))
    step(one + "\r", "^s1\n", "jobs: first job starts")
    step("\x1a", r"^\[1\]\+  Stopped +" + rone + "\n" + p, "jobs: first job stopped")
    step(two + "\r", "^s2\n", "jobs: second job starts")
    step("\x1a", r"^\[2\]\+  Stopped +" + rtwo + "\n" + p, "jobs: second job stopped")
    step("jobs -l\r", r"^\[1\]- +\d+ Stopped +" + rone + r"\n\[2\]\+ +\d+ Stopped +" + rtwo +
         "\n" + p, "jobs -l lists pids and the current and previous job")
    step("jobs -p\r", r"^\d+\n\d+\n" + p, "jobs -p lists one pid a job")
    step("bg %1\r", r"^\[1\]- " + rone + " &\n" + p, "bg %1 continues the previous job")
    step("jobs %-\r", r"^\[1\]-  Running +" + rone + " &\n" + p, "%- names the previous job")
    step("jobs %+\r", r"^\[2\]\+  Stopped +" + rtwo + "\n" + p, "%+ names the current job")
    step("exit\r", r"^There are stopped jobs\.\n" + p, "exit with stopped jobs warns")
    step("fg %2\r", "^" + rtwo + "\n", "fg %2 brings back the stopped job")
    step("\x03", "^" + p, "Ctrl-C ends it")
    step("kill %1; wait %1; echo status $?\r", r"^status 143\n" + p,
         "kill %1 and wait %1 give 128+SIGTERM")
    step(three + "\r", "^s3\n", "jobs: third job starts")
    step("\x1a", r"^\[1\]\+  Stopped +" + rthree + "\n" + p, "jobs: third job stopped")
    step("exit\r", r"^There are stopped jobs\.\n" + p, "exit warns again")
    step("echo still here\r", r"^still here\n" + p, "the shell stays after the warning")
    step("\x04", r"There are stopped jobs\.\n" + p, "Ctrl-D with stopped jobs warns")
    t.send("\x04")
    _, status = os.waitpid(t.pid, 0)
    if os.WIFEXITED(status):
        print("ok - interactive: a second Ctrl-D exits despite stopped jobs")
    else:
        print("not ok - interactive: a second Ctrl-D exits despite stopped jobs")
        failures += 1
    return failures + t.failures


def wait_for_notice(t, notice, prompt, what):
    """Types empty lines until the shell prints notice (a regex) before a
    prompt, for up to TIMEOUT_S: a loaded host may take a while to run the
    job the notice is about."""
    pattern = "(" + notice + prompt + "|" + prompt + ")"
    m = None
    deadline = time.time() + TIMEOUT_S
    while time.time() < deadline:
        t.send("\r")
        m = t.expect(pattern, what)
        if m is None or re.match(notice, m.group(0)):
            break
        time.sleep(0.05)
    if m is not None and re.match(notice, m.group(0)):
        print("ok - interactive: %s" % what)
    else:
        print("not ok - interactive: %s" % what)
        t.failures += 1


def main():
    shell, cwd = sys.argv[1], sys.argv[2]
    prompt = "# " if os.geteuid() == 0 else "$ "
    p = re.escape(prompt)
    t = Terminal(shell, cwd)

    def step(keys, pattern, what):
        t.send(keys)
        if t.expect(pattern, what):
            print("ok - interactive: %s" % what)

    t.expect("^" + p, "first prompt")
    step("echo hi\r", "^hi\n" + p, "echo runs")
    step("(echo started; exec sleep 100)\r", "^started\n", "foreground program starts")
    step("\x03", "^" + p, "Ctrl-C ends a foreground program")
    step("echo $?\r", "^130\n" + p, "status of an interrupted program is 130")
    step("echo looping; while :; do :; done\r", "^looping\n", "busy loop starts")
    step("\x03", "^" + p, "Ctrl-C ends a loop the shell runs itself")
    step("(echo started2; exec sleep 100)\r", "^started2\n", "job starts")
    step("\x1a", r"^\[1\]\+  Stopped +\(echo started2; exec sleep 100\)\n" + p,
         "Ctrl-Z stops the job")
    step("jobs\r", r"^\[1\]\+  Stopped +\(echo started2; exec sleep 100\)\n" + p,
         "jobs lists the stopped job")
    step("bg\r", r"^\[1\]\+ \(echo started2; exec sleep 100\) &\n" + p, "bg continues it")
    step("jobs\r", r"^\[1\]\+  Running +\(echo started2; exec sleep 100\) &\n" + p,
         "jobs lists it running")
    step("fg\r", r"^\(echo started2; exec sleep 100\)\n", "fg brings it back")
    step("\x03", "^" + p, "Ctrl-C ends the job brought back")
    step("jobs\r", "^jobs\n" + p, "no jobs left")
    step("echo abc\x7f\x7fxy\r", "^axy\n" + p, "backspace edits the line")
    step("junk\x15echo killed\r", "^killed\n" + p, "Ctrl-U kills the line")
    step("\x1b[A\r", "^killed\n" + p, "up arrow recalls history")
    step("echo one two\x17three\r", "^one three\n" + p, "Ctrl-W deletes a word")
    step("echo ac\x1b[Db\r", "^abc\n" + p, "left arrow moves the cursor")
    step("cho x\x01e\x05y\r", "^xy\n" + p, "Ctrl-A and Ctrl-E")
    step("partial\x03", r"\^C\n" + p, "Ctrl-C cancels the line")
    step("fi oops\r", r"syntax error near unexpected token `fi'\n" + p,
         "a syntax error keeps the shell")
    step("echo $?\r", "^2\n" + p, "status of a syntax error is 2")
    step("echo cl\x0cx\r", r"\x1b\[H\x1b\[2J(\x1b\[J)?" + p + r"echo cl.*\nclx\n" + p,
         "Ctrl-L clears the screen and redraws the line")
    step("if true\r", "^> ", "continuation prompt")
    step("then echo multi\r", "^> ", "second continuation")
    step("fi\r", "^multi\n" + p, "multi-line command runs")
    step("(echo bgjob) &\r", r"^\[1\] \d+\n", "background job started")
    wait_for_notice(t, r"\[1\]\+  Done +\(echo bgjob\)\n", p,
                    "finished background job reported")
    step("stty tostop\r", "^" + p, "stty tostop")
    step("stty -a\r", r"(^|[^-])tostop", "the mode a program set stays after it exits")
    t.expect("^" + p, "prompt after stty -a")
    step("(echo from-bg) &\r", r"^\[1\] \d+\n", "background writer started")
    wait_for_notice(t, r"\[1\]\+  Stopped +\(echo from-bg\)\n", p,
                    "background writer stopped by SIGTTOU")
    step("stty -tostop; fg\r", r"\(echo from-bg\)\nfrom-bg\n" + p, "fg lets it write")
    step("false\r", "^" + p, "false")
    t.send("\x04")
    _, status = os.waitpid(t.pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if code == 1:
        print("ok - interactive: Ctrl-D exits with the last status")
    else:
        print("not ok - interactive: Ctrl-D exits with the last status: got %d" % code)
        t.failures += 1
    t.failures += check_wrapped_editing(shell, cwd, prompt)
    t.failures += check_job_specs_and_exit(shell, cwd, prompt)
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
