#!/usr/bin/env python3
"""Host tests of the shell (apps/sh built natively with ASan and UBSan):
runs each cases/NAME.sh with the shell in a fresh temporary directory and
compares its stdout with cases/NAME.out and its exit status with
cases/NAME.status (0 when absent). Any sanitizer report fails the case.
Also checks sh -c with a name and arguments, commands from a non-terminal
stdin, and (interactive.py) the shell on a pseudo-terminal.

  run_cases.py SHELL CASES_DIR [NAME ...]"""

import os
import shutil
import subprocess
import sys
import tempfile

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


def shell_env(bindir, home):
    env = {
        "PATH": bindir + ":/usr/bin:/bin",
        "HOME": home,
        "LC_ALL": "C",
        "ASAN_OPTIONS": "detect_leaks=1",
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
    }
    return env


def run(shell, args, cwd, env, stdin=b""):
    proc = subprocess.run([shell] + args, cwd=cwd, env=env, input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")


def check(name, got_status, got_out, err, want_status, want_out):
    problems = []
    if got_out != want_out:
        problems.append("stdout differs:\n--- expected\n%s--- got\n%s" % (want_out, got_out))
    if got_status != want_status:
        problems.append("exit status: expected %d, got %d" % (want_status, got_status))
    if any(mark in err for mark in SANITIZER_MARKS):
        problems.append("sanitizer report:\n" + err)
    if problems:
        print("not ok - %s\n%s\n--- stderr\n%s" % (name, "\n".join(problems), err))
        return False
    print("ok - %s" % name)
    return True


def main():
    shell = os.path.abspath(sys.argv[1])
    cases = os.path.abspath(sys.argv[2])
    only = sys.argv[3:]
    names = sorted(f[:-3] for f in os.listdir(cases) if f.endswith(".sh"))
    if only:
        names = [n for n in names if n in only]
    failed = 0
    top = tempfile.mkdtemp(prefix="sh-host-")
    bindir = os.path.join(top, "bin")
    os.mkdir(bindir)
    os.symlink(shell, os.path.join(bindir, "sh"))
    try:
        for name in names:
            work = os.path.join(top, name)
            os.mkdir(work)
            env = shell_env(bindir, work)
            status, out, err = run(shell, [os.path.join(cases, name + ".sh")], work, env)
            with open(os.path.join(cases, name + ".out")) as f:
                want_out = f.read()
            status_file = os.path.join(cases, name + ".status")
            want_status = 0
            if os.path.exists(status_file):
                with open(status_file) as f:
                    want_status = int(f.read())
            failed += not check(name, status, out, err, want_status, want_out)
        if not only:
            work = os.path.join(top, "modes")
            os.mkdir(work)
            env = shell_env(bindir, work)
            r = run(shell, ["-c", 'echo "$0 $# $1 $2"; exit 6', "myname", "a", "b c"], work, env)
            failed += not check("dash_c_name_and_args", *r, 6, "myname 2 a b c\n")
            r = run(shell, [], work, env, stdin=b"x=piped\necho $x\nread l\n"
                    b"this line is read by read\necho \"read [$l]\"\nexit 3\n")
            failed += not check("commands_from_stdin", *r, 3,
                                "piped\nread [this line is read by read]\n")
            r = run(shell, ["-c", "if true; then"], work, env)
            failed += not check("dash_c_incomplete_is_syntax_error", r[0], r[1], r[2], 2, "")
            interactive = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                       "interactive.py")
            proc = subprocess.run([sys.executable, interactive, shell, work], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            text = proc.stdout.decode(errors="replace")
            sys.stdout.write(text)
            if proc.returncode != 0:
                failed += 1
    finally:
        shutil.rmtree(top, ignore_errors=True)
    print("# %d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
