#!/usr/bin/env python3
"""End-to-end AF_INET check against real peers (docs/net.md "AF_INET"):
the shell image with a static address on a tap in a private namespace
(netns.py), python's http.server and curl in the namespace.

  1. the guest's `wget -O /tmp/f URL` fetches a random 1 MiB file from
     http.server; `wget -O - URL` prints a small one (checked on the console)
  2. the guest runs `httpd -p 8080 /tmp &`; the host's curl fetches /tmp/f
     back and a file the guest wrote (`seq`): both byte-equal with what
     they must be (sha256), so the 1 MiB went through TCP both ways intact

Skips (exit 77) when not root or the tools are missing. On failure the
serial log is kept in <log-dir>/<name>.log."""

import argparse
import hashlib
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netns  # noqa: E402
import qemu  # noqa: E402
from net_test import shell  # noqa: E402

MAC0 = "52:54:00:77:00:20"
GUEST = "10.77.0.5"
HOST = "10.77.0.1"
BIG_BYTES = 1024 * 1024


def wait_until(ns, cmd, tries=60):
    """Runs cmd in the namespace until it succeeds (a server coming up)."""
    for _ in range(tries):
        result = ns.run(cmd, timeout=30)
        if result.returncode == 0:
            return result
    return result


def run(args, ns, guest, workdir, failures):
    t = args.timeout
    m = guest.expect(r"net: eth0 (\S+)/(\d+) gw (\S+) \(static\)$", t)
    if m.group(1) != GUEST:
        failures.append("eth0 logged as %s" % m.group(1))
    shell(guest, "echo ready", t)

    served = os.path.join(workdir, "www")
    os.mkdir(served)
    big = os.urandom(BIG_BYTES)
    with open(os.path.join(served, "file.bin"), "wb") as f:
        f.write(big)
    with open(os.path.join(served, "small.txt"), "w") as f:
        f.write("hello from the host\n")
    ns.popen([sys.executable, "-m", "http.server", "8000", "--bind", HOST,
              "--directory", served])
    up = wait_until(ns, ["curl", "-s", "-o", "/dev/null", "http://%s:8000/small.txt" % HOST])
    if up.returncode != 0:
        failures.append("http.server did not come up")
        return

    # 1. wget from the host's http.server
    text = shell(guest, "wget -q -O - http://%s:8000/small.txt" % HOST, t)
    if text != "hello from the host":
        failures.append("wget -O -: %r" % text)
    out = shell(guest, "wget -q -O /tmp/f http://%s:8000/file.bin; echo rc=$?" % HOST, t)
    if not out.endswith("rc=0"):
        failures.append("wget of 1 MiB: %r" % out)
    size = shell(guest, "wc -c /tmp/f", t)
    if size.split()[:1] != [str(BIG_BYTES)]:
        failures.append("wc -c /tmp/f: %r" % size)
    shell(guest, "seq 1 20000 > /tmp/seq.txt", t)

    # 2. curl from the guest's httpd
    guest.send("httpd -p 8080 /tmp &\n")
    fetched = os.path.join(workdir, "back.bin")
    got = wait_until(ns, ["curl", "-s", "-f", "-o", fetched, "http://%s:8080/f" % GUEST])
    if got.returncode != 0:
        failures.append("curl from the guest's httpd failed: %s" % got.stdout)
    else:
        with open(fetched, "rb") as f:
            back = f.read()
        if hashlib.sha256(back).digest() != hashlib.sha256(big).digest():
            failures.append("the file fetched back differs (%d bytes, expected %d)"
                            % (len(back), len(big)))
    seq = ns.run(["curl", "-s", "-f", "http://%s:8080/seq.txt" % GUEST], timeout=60)
    want = "".join("%d\n" % i for i in range(1, 20001))
    if seq.returncode != 0 or seq.stdout != want:
        failures.append("curl seq.txt: rc %d, %d bytes (expected %d)"
                        % (seq.returncode, len(seq.stdout or ""), len(want)))
    missing = ns.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                      "http://%s:8080/nothing" % GUEST], timeout=60)
    if missing.stdout.strip() != "404":
        failures.append("curl of a missing file: %r" % missing.stdout)
    guest.send("poweroff\n")
    status = guest.wait(t)
    if status != 0:
        failures.append("guest exit status %d" % status)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--arch", required=True, choices=qemu.ARCHES)
    p.add_argument("--kernel", required=True)
    p.add_argument("--disk-from", required=True, help="the shell image's ext2 disk")
    p.add_argument("--machine")
    p.add_argument("--mem", default="64M")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--net-transport", choices=qemu.NET_TRANSPORTS)
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--log-dir", default="testlogs")
    args = p.parse_args()
    why = netns.missing_requirements() or (None if shutil.which("curl") else "no curl")
    if why:
        print("SKIP %s: %s" % (args.name, why))
        return netns.SKIP

    machine = args.machine or qemu.DEFAULT_MACHINE[args.arch]
    append = "root=vda ip=%s/24,%s,%s" % (GUEST, HOST, HOST)
    failures = []
    guest = None
    workdir = tempfile.mkdtemp(prefix="net_inet_test.")
    try:
        disk = os.path.join(workdir, "disk.ext2")
        shutil.copyfile(args.disk_from, disk)
        with netns.NetNS(taps=1) as ns:
            guest = qemu.Guest(args.arch, args.kernel,
                               log_path=os.path.join(args.log_dir, args.name + ".log"),
                               machine=machine, mem=args.mem, smp=args.smp, append=append,
                               disk=disk, nets=["tap=tap0,mac=" + MAC0],
                               net_transport=args.net_transport, wrapper=ns.wrapper)
            try:
                run(args, ns, guest, workdir, failures)
            except qemu.Timeout as e:
                failures.append(str(e))
            finally:
                guest.kill()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        path = guest.save_log() if guest else None
        for f in failures:
            print("FAIL %s: %s" % (args.name, f))
        if guest:
            print("--- last lines of the serial log (%s) ---" % path)
            print("\n".join(guest.output.rstrip("\n").split("\n")[-40:]))
        return 1
    print(guest.output[-4000:], end="")
    print("PASS %s" % args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
