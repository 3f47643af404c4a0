#!/usr/bin/env python3
"""The shell on a pseudo-terminal, driven like a person at a terminal:
prompt, Ctrl-C of a foreground program and of a loop the shell runs
itself, Ctrl-Z with jobs/bg/fg, background job notices, a background
writer stopped under stty tostop, line editing keys, history, continuation
prompts, Ctrl-D. Waits for output, never for time.

  interactive.py SHELL WORKDIR"""

import os
import pty
import re
import select
import sys
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
    step("echo cl\x0cx\r", r"\x1b\[H\x1b\[2J" + p + r"echo cl.*\nclx\n" + p,
         "Ctrl-L clears the screen and redraws the line")
    step("if true\r", "^> ", "continuation prompt")
    step("then echo multi\r", "^> ", "second continuation")
    step("fi\r", "^multi\n" + p, "multi-line command runs")
    step("(echo bgjob) &\r", r"^\[1\] \d+\n", "background job started")
    # Empty lines until the notice comes, for up to TIMEOUT_S: a loaded
    # host may take a while to run the job.
    deadline = time.time() + TIMEOUT_S
    while time.time() < deadline:
        t.send("\r")
        m = t.expect("(" + r"\[1\]\+  Done +\(echo bgjob\)\n" + p + "|" + p + ")",
                     "background job finishes")
        if m is None or "Done" in m.group(0):
            break
        time.sleep(0.05)
    if m is not None and "Done" in m.group(0):
        print("ok - interactive: finished background job reported")
    else:
        print("not ok - interactive: finished background job reported")
        t.failures += 1
    step("stty tostop\r", "^" + p, "stty tostop")
    step("stty -a\r", r"(^|[^-])tostop", "the mode a program set stays after it exits")
    t.expect("^" + p, "prompt after stty -a")
    step("(echo from-bg) &\r", r"^\[1\] \d+\n", "background writer started")
    deadline = time.time() + TIMEOUT_S
    while time.time() < deadline:
        t.send("\r")
        m = t.expect("(" + r"\[1\]\+  Stopped +\(echo from-bg\)\n" + p + "|" + p + ")",
                     "background writer stops (tostop)")
        if m is None or "Stopped" in m.group(0):
            break
        time.sleep(0.05)
    if m is not None and "Stopped" in m.group(0):
        print("ok - interactive: background writer stopped by SIGTTOU")
    else:
        print("not ok - interactive: background writer stopped by SIGTTOU")
        t.failures += 1
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
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
