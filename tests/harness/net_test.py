#!/usr/bin/env python3
"""The network boot tests: the shell image with virtio-net NICs on taps in a
private network namespace (netns.py), checked from the host side (dnsmasq's
lease file, ping from the namespace, raw frames) and from the guest's log
and /proc/net files. Modes:

  dhcp     eth0 gets dnsmasq's lease (same address), the host pings it,
           /proc/net/if, ifconfig and /proc/net/resolv.conf say so
  static   ip=ADDR/PREFIX,GATEWAY,DNS: the same checks, no DHCP
  two-nics eth0 by DHCP on tap0, eth1 static on tap1: both answer ping
  garbage  after a first ping, a few thousand truncated, oversized,
           corrupted and bad-checksum frames, and TCP segments with garbage
           options (checksums right) at the guest's httpd; the guest still
           answers ping and the httpd a real connection
  link     QEMU's set_link (QMP) takes eth0's link down and up again: the
           guest logs both, /proc/net/if says down, then ping works again

Skips (exit 77) when not root or the tools are missing. On failure the
serial log is kept in <log-dir>/<name>.log."""

import argparse
import os
import re
import json
import shutil
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netns  # noqa: E402
import qemu  # noqa: E402

MAC0 = "52:54:00:77:00:10"
MAC1 = "52:54:00:77:01:10"
STATIC_ADDR = "10.77.0.5"
STATIC_ADDR1 = "10.77.1.2"
PROMPT = r"^# $"

# Frames sent at the guest by the garbage mode, made on the host side of
# the tap with a raw AF_PACKET socket (stdlib only).
GARBAGE_SENDER = r'''
import os, random, socket, struct, sys
ifname, mac, ip, tcp_port = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), \
    sys.argv[3], int(sys.argv[4])
rng = random.Random(1234)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
src = bytes.fromhex("020000770001")
dst_ip = socket.inet_aton(ip)
src_ip = socket.inet_aton("10.77.0.1")

def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff

def ip_header(proto, payload_len, ihl=5, total=None, frag=0, good=True, options=b""):
    total = 20 + len(options) + payload_len if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total & 0xffff, rng.randrange(65536),
                    frag, 64, proto, 0, src_ip, dst_ip) + options
    c = csum(h) if good else rng.randrange(65536)
    return h[:10] + struct.pack("!H", c) + h[12:]

def garbage_options():
    """TCP options that a parser must not trust: random bytes, lengths of
    0 or 1 (a naive loop never ends), lengths past the header's end, the
    known kinds with wrong lengths; padded to whole words, at most 40."""
    how = rng.randrange(4)
    if how == 0:
        opts = junk(rng.randrange(1, 41))
    elif how == 1:
        opts = bytes([rng.choice((2, 3, 4, 5, 8, 30, 99)), rng.choice((0, 1))]) + junk(6)
    elif how == 2:
        opts = bytes([rng.choice((2, 3, 5, 8)), rng.randrange(41, 256)]) + junk(10)
    else:
        opts = rng.choice((b"\x02\x03\x05", b"\x02\x04\x00\x00", b"\x03\x03\xff",
                           b"\x03\x02", b"\x08\x09" + junk(7), b"\x05\x03\x00",
                           b"\x04\x03", b"\x01" * 39 + b"\x02")) + junk(rng.randrange(0, 8))
    opts = opts[:40]
    return opts + b"\x00" * (-len(opts) % 4)

def tcp_segment(flags, payload):
    """A segment to the guest's listener with garbage options and a correct
    checksum (over the pseudo-header), so that lwIP parses the options."""
    opts = garbage_options()
    tcp = struct.pack("!HHIIBBHHH", rng.randrange(1024, 65536), tcp_port,
                      rng.randrange(2**32), rng.randrange(2**32), (5 + len(opts) // 4) << 4,
                      flags, rng.randrange(65536), 0, rng.randrange(65536)) + opts + payload
    pseudo = src_ip + dst_ip + struct.pack("!BBH", 0, 6, len(tcp))
    return tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]

def frame(ethertype, body):
    return mac + src + struct.pack("!H", ethertype) + body

def junk(n):
    return bytes(rng.randrange(256) for _ in range(n))

sent = 0
tcp_sent = 0
def send(f):
    global sent
    try:
        s.send(f)
        sent += 1
        return True
    except OSError:
        return False

for i in range(3000):
    kind = i % 12
    if kind == 0:      # random bytes, any length
        send(mac + junk(rng.randrange(0, 1500)))
    elif kind == 1:    # truncated Ethernet header
        send(mac + src[:rng.randrange(0, 6)])
    elif kind == 2:    # IPv4 with a bad header checksum
        p = junk(rng.randrange(0, 200))
        send(frame(0x0800, ip_header(rng.choice((1, 6, 17)), len(p), good=False) + p))
    elif kind == 3:    # IPv4 header claiming more than the frame holds
        send(frame(0x0800, ip_header(17, 8, total=rng.randrange(40, 65535)) + junk(8)))
    elif kind == 4:    # IHL larger than the packet, or below 5
        send(frame(0x0800, ip_header(6, 0, ihl=rng.choice((0, 1, 4, 15)))[:rng.randrange(1, 21)]))
    elif kind == 5:    # TCP with garbage options, checksum right: SYNs and others
        if i // 12 % 2:
            tcp = tcp_segment(0x02 | rng.choice((0, 0x40, 0x80, 0xc0)), b"")
        else:
            tcp = tcp_segment(rng.randrange(256) & ~0x02 | 0x10, junk(rng.randrange(0, 64)))
        tcp_sent += send(frame(0x0800, ip_header(6, len(tcp)) + tcp))
    elif kind == 6:    # UDP with a bad checksum and a lying length
        udp = struct.pack("!HHHH", 1234, rng.choice((53, 67, 68, 7)), rng.randrange(65536),
                          rng.randrange(1, 65536)) + junk(rng.randrange(0, 100))
        send(frame(0x0800, ip_header(17, len(udp)) + udp))
    elif kind == 7:    # ICMP echo request with a bad checksum; truncated ICMP
        icmp = struct.pack("!BBHHH", 8, 0, rng.randrange(65536), 1, i) + junk(32)
        send(frame(0x0800, ip_header(1, len(icmp)) + icmp))
        send(frame(0x0800, ip_header(1, 3) + b"\x08\x00\x00"))
    elif kind == 8:    # fragments at odd offsets, overlapping, never completed
        p = junk(rng.randrange(8, 600))
        send(frame(0x0800, ip_header(17, len(p), frag=0x2000 | rng.randrange(8192)) + p))
    elif kind == 9:    # ARP, truncated or with silly lengths
        arp = struct.pack("!HHBBH", 1, 0x0800, rng.randrange(256), rng.randrange(256), 1)
        send(frame(0x0806, arp + junk(rng.randrange(0, 30))))
    elif kind == 10:   # frames longer than the MTU (the tap's MTU is raised)
        send(frame(0x0800, junk(rng.randrange(1500, 4000))))
    else:              # broadcast junk
        send(b"\xff" * 6 + src + struct.pack("!H", rng.randrange(65536)) + junk(rng.randrange(0, 100)))
print("sent", sent, "tcp", tcp_sent)
'''

# The guest's httpd port that the garbage TCP segments go to.
GUEST_HTTP_PORT = 8080

# Run inside the namespace: waits until the guest's port accepts a TCP
# connection (timeout seconds), then GETs / and prints the body; exit 1
# when it never connected or the answer is not a 200.
HTTP_GET = r'''
import http.client, sys, time
addr, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while True:
    try:
        c = http.client.HTTPConnection(addr, port, timeout=timeout)
        c.connect()
        break
    except OSError as e:
        if time.monotonic() > deadline:
            print("no connection:", e)
            sys.exit(1)
        time.sleep(0.2)
c.request("GET", "/")
r = c.getresponse()
sys.stdout.write(r.read().decode(errors="replace"))
sys.exit(0 if r.status == 200 else 1)
'''


def shell(guest, command, timeout):
    """Runs command at the guest's shell; returns what it printed."""
    guest.send(command + "\n")
    guest.expect(re.escape(command) + r"$", timeout)
    start = guest.pos
    guest.expect(PROMPT, timeout, partial=True)
    return guest.output[start:guest.pos].rsplit("\n", 1)[0].strip("\n")


def ping(ns, addr, failures, what):
    result = ns.run(["ping", "-c", "3", "-W", "10", addr], timeout=90)
    if result.returncode != 0:
        failures.append("ping %s (%s) failed:\n%s" % (addr, what, result.stdout))
        return False
    return True


def check_if_line(guest, timeout, name, mac, addr, gw, how, failures):
    text = shell(guest, "cat /proc/net/if", timeout)
    want = "%s mac %s mtu 1500 up inet %s/24 gw %s %s" % (name, mac, addr, gw, how)
    if want not in text.split("\n"):
        failures.append("/proc/net/if: expected line %r, got %r" % (want, text))


def check_ifconfig(guest, timeout, name, mac, addr, failures):
    """ifconfig NAME: the NIC's MAC, its address, and packets received
    (the ping before has put some there)."""
    text = shell(guest, "ifconfig " + name, timeout)
    hwaddr = re.search(r"^%s\s+Link encap:Ethernet\s+HWaddr (\S+)$" % re.escape(name), text,
                       re.M)
    inet = re.search(r"^\s+inet addr:(\S+)\s", text, re.M)
    rx = re.search(r"^\s+RX packets:(\d+) ", text, re.M)
    if not (hwaddr and hwaddr.group(1).lower() == mac.lower() and inet and
            inet.group(1) == addr and rx and int(rx.group(1)) > 0):
        failures.append("ifconfig %s: expected HWaddr %s, inet addr:%s and RX packets > 0, "
                        "got %r" % (name, mac, addr, text))


def eth0_tx_frames(guest, timeout):
    """eth0's transmitted packets in /proc/net/dev (Linux's layout: eight
    receive counters, then transmit bytes and packets)."""
    dev = shell(guest, "cat /proc/net/dev", timeout)
    m = re.search(r"^\s*eth0:((?:\s*\d+){10})", dev, re.M)
    return int(m.group(1).split()[9]) if m else 0


def qmp_command(path, command, arguments):
    """One QMP command on QEMU's socket at path; returns its reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(30)
        s.connect(path)
        f = s.makefile("rw")
        json.loads(f.readline())                        # the greeting
        for cmd in ({"execute": "qmp_capabilities"},
                    {"execute": command, "arguments": arguments}):
            f.write(json.dumps(cmd) + "\n")
            f.flush()
            while True:
                reply = json.loads(f.readline())
                if "return" in reply or "error" in reply:
                    break
        return reply


def set_link(args, is_up, failures):
    reply = qmp_command(args.qmp, "set_link", {"name": "net0", "up": is_up})
    if "error" in reply:
        failures.append("set_link: %s" % reply)


def run(args, ns, guest, failures):
    t = args.timeout
    if args.mode == "two-nics":
        # A static address is set (and logged) at boot, before DHCP's.
        m1 = guest.expect(r"net: eth1 (\S+)/(\d+) gw (\S+) \(static\)$", t)
        if m1.group(1, 2, 3) != (STATIC_ADDR1, "24", "-"):
            failures.append("eth1 logged as %s/%s gw %s" % m1.group(1, 2, 3))
    if args.mode in ("dhcp", "garbage", "two-nics", "link"):
        m = guest.expect(r"net: eth0 (\S+)/(\d+) gw (\S+) \(dhcp\)$", t)
        addr = m.group(1)
        leased = ns.wait_lease(MAC0)
        if leased != addr:
            failures.append("guest took %s, dnsmasq's lease file says %s" % (addr, leased))
        if m.group(2, 3) != ("24", ns.host_addr(0)):
            failures.append("prefix/gateway %s/%s, expected 24/%s" % (*m.group(2, 3),
                                                                       ns.host_addr(0)))
        how = "dhcp"
    else:
        m = guest.expect(r"net: eth0 (\S+)/(\d+) gw (\S+) \(static\)$", t)
        addr = STATIC_ADDR
        if m.group(1, 2, 3) != (STATIC_ADDR, "24", ns.host_addr(0)):
            failures.append("static address logged as %s/%s gw %s" % m.group(1, 2, 3))
        how = "static"
    shell(guest, "echo ready", t)      # the log may have interrupted a prompt

    ping(ns, addr, failures, "eth0")
    check_if_line(guest, t, "eth0", MAC0, addr, ns.host_addr(0), how, failures)
    check_ifconfig(guest, t, "eth0", MAC0, addr, failures)
    resolv = shell(guest, "cat /etc/resolv.conf", t)
    if resolv != "nameserver %s" % ns.host_addr(0):
        failures.append("/etc/resolv.conf is %r, expected the namespace's dnsmasq" % resolv)
    if args.mode == "static":
        # TCP to the interface's own address loops back inside lwIP, with
        # the checksums a NIC with checksum offload would have finished.
        # The client retries until the listener is up (refused before;
        # at most 60 s), and wait lets the listener finish writing (it
        # ends at the client's close).
        shell(guest, "nc -l -p 9000 > /tmp/self &", t)
        out = shell(guest, "n=0; until seq 1 2000 | nc %s 9000 2>/dev/null; do n=$((n+1)); "
                    "if [ $n -ge 600 ]; then break; fi; sleep 0.1; done; echo retries=$n; "
                    "[ $n -lt 600 ] && wait; wc -c < /tmp/self" % addr, t)
        if "8893" not in re.findall(r"^\s*(\d+)\s*$", out, re.M):
            failures.append("TCP to the guest's own address: %r" % out)
    if args.mode == "two-nics":
        ping(ns, STATIC_ADDR1, failures, "eth1")
        check_if_line(guest, t, "eth1", MAC1, STATIC_ADDR1, "-", "static", failures)
        check_ifconfig(guest, t, "eth1", MAC1, STATIC_ADDR1, failures)
    if args.mode == "link":
        set_link(args, False, failures)
        guest.expect(r"net: eth0 link down$", t)
        text = shell(guest, "cat /proc/net/if", t)
        if not text.startswith("eth0 mac %s mtu 1500 down inet %s/24" % (MAC0, addr)):
            failures.append("/proc/net/if with the link down: %r" % text)
        set_link(args, True, failures)
        guest.expect(r"net: eth0 link up$", t)
        ping(ns, addr, failures, "after the link came back")
        check_if_line(guest, t, "eth0", MAC0, addr, ns.host_addr(0), how, failures)
    if args.mode == "garbage":
        # A listener for the TCP segments with garbage options (their
        # checksums are right, so lwIP reads the options): the guest's
        # httpd, which the host can probe without using it up.
        shell(guest, "mkdir -p /tmp/www && echo after-garbage > /tmp/www/index.html", t)
        guest.send("httpd -p %d /tmp/www &\n" % GUEST_HTTP_PORT)
        get = ns.run([sys.executable, "-c", HTTP_GET, addr, str(GUEST_HTTP_PORT), str(t)],
                     timeout=t + 60)
        if get.returncode != 0 or get.stdout != "after-garbage\n":
            failures.append("the guest's httpd before the garbage: %r" % get.stdout)
        shell(guest, "echo httpd-started", t)
        tx_before = eth0_tx_frames(guest, t)
        sender = ns.run([sys.executable, "-c", GARBAGE_SENDER, ns.taps[0], MAC0, addr,
                         str(GUEST_HTTP_PORT)], timeout=300)
        print(sender.stdout.strip())
        if sender.returncode != 0:
            failures.append("garbage sender failed:\n%s" % sender.stdout)
        # lwIP answers a SYN with a SYN-ACK and a stray ACK at a listener
        # with a reset: the segments got past the checksum to the options
        # (with a wrong checksum it drops them without a word).
        m = re.search(r"tcp (\d+)", sender.stdout)
        tcp_sent = int(m.group(1)) if m else 0
        answers = eth0_tx_frames(guest, t) - tx_before
        print("the guest sent %d frames after %d TCP segments with garbage options" % (
            answers, tcp_sent))
        if not tcp_sent or answers < tcp_sent // 4:
            failures.append("the guest answered %d frames to %d TCP segments with garbage "
                            "options (at least a quarter expected)" % (answers, tcp_sent))
        ping(ns, addr, failures, "after the garbage")
        # A real connection to the port that had the garbage still works.
        get = ns.run([sys.executable, "-c", HTTP_GET, addr, str(GUEST_HTTP_PORT), str(t)],
                     timeout=t + 60)
        if get.returncode != 0 or get.stdout != "after-garbage\n":
            failures.append("a TCP connection to the guest's httpd after the garbage "
                            "(rc %d): %r" % (get.returncode, get.stdout))
        print(shell(guest, "cat /proc/net/dev", t))
    listing = shell(guest, "ls /proc/net", t).split()
    if listing != ["dev", "if", "resolv.conf"]:
        failures.append("ls /proc/net: %r" % listing)
    dev = shell(guest, "cat /proc/net/dev", t)
    if not re.search(r"^\s+eth0:\s*\d+\s+[1-9]", dev, re.M):
        failures.append("/proc/net/dev counts no eth0 packets: %r" % dev)
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
    p.add_argument("--mem", default="32M")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--net-transport", choices=qemu.NET_TRANSPORTS)
    p.add_argument("--mode", required=True, choices=("dhcp", "static", "two-nics", "garbage", "link"))
    p.add_argument("--timeout", type=int, default=180)
    p.add_argument("--log-dir", default="testlogs")
    args = p.parse_args()
    why = netns.missing_requirements()
    if why:
        print("SKIP %s: %s" % (args.name, why))
        return netns.SKIP

    machine = args.machine or qemu.DEFAULT_MACHINE[args.arch]
    append = "root=vda"
    nets = ["tap=tap0,mac=" + MAC0]
    if args.mode == "static":
        append += " ip=%s/24,%s,%s" % (STATIC_ADDR, "10.77.0.1", "10.77.0.1")
    if args.mode == "two-nics":
        append += " ip=eth0:dhcp ip=eth1:%s/24" % STATIC_ADDR1
        nets.append("tap=tap1,mac=" + MAC1)
    failures = []
    guest = None
    workdir = tempfile.mkdtemp(prefix="net_test.")
    try:
        disk = os.path.join(workdir, "disk.ext2")
        shutil.copyfile(args.disk_from, disk)
        args.qmp = os.path.join(workdir, "qmp.sock")
        with netns.NetNS(taps=len(nets), mtu=4200 if args.mode == "garbage" else 1500) as ns:
            guest = qemu.Guest(args.arch, args.kernel,
                               log_path=os.path.join(args.log_dir, args.name + ".log"),
                               machine=machine, mem=args.mem, smp=args.smp, append=append, disk=disk,
                               nets=nets, net_transport=args.net_transport,
                               wrapper=ns.wrapper,
                               extra=["-qmp", "unix:%s,server=on,wait=off" % args.qmp])
            try:
                run(args, ns, guest, failures)
            except qemu.Timeout as e:
                failures.append(str(e))
            finally:
                guest.kill()
            if failures:
                print("--- dnsmasq's log ---\n" + ns.dnsmasq_log()[-3000:])
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
    print(guest.output, end="")
    print("PASS %s" % args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
