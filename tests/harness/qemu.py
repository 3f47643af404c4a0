"""Booting Tandem images under QEMU: the command line for each architecture
and machine, the guest's exit status, and a Guest object that drives the
serial console like a person at a terminal. Standard library only; shared
by scripts/run, scripts/bench and the meson tests."""

import os
import re
import select
import signal
import subprocess
import threading
import time

ARCHES = ("amd64", "arm64")
DEFAULT_MACHINE = {"amd64": "q35", "arm64": "virt,gic-version=3"}
QEMU = {"amd64": "qemu-system-x86_64", "arm64": "qemu-system-aarch64"}

# The status QEMU itself returns when the guest died without powering off
# through our exit paths (triple fault on amd64, for example).
NO_GUEST_STATUS = 255


def machine_type(machine):
    """'virt,gic-version=2' -> 'virt'."""
    return machine.split(",", 1)[0]


# How a disk is attached: "pci" (virtio-blk-pci), "mmio" (virtio-blk-device
# as QEMU makes it: the legacy version-1 register layout) or "mmio-v2"
# (virtio-mmio version 2, virtio 1.x). None picks mmio on microvm (which has
# no PCI), pci elsewhere.
DISK_TRANSPORTS = ("pci", "mmio", "mmio-v2")


def disk_args(machine, disk, transport=None, blkdebug=None):
    """QEMU arguments attaching the raw image disk as virtio-blk; blkdebug
    names a blkdebug configuration file (error injection)."""
    if transport is None:
        transport = "mmio" if machine_type(machine) == "microvm" else "pci"
    if transport not in DISK_TRANSPORTS:
        raise ValueError("disk transport %r, not one of %s" % (transport, DISK_TRANSPORTS))
    if blkdebug:
        # raw on top: its reads raise the read_aio event blkdebug rules wait for.
        drive = ("driver=raw,file.driver=blkdebug,file.config=%s,file.image.driver=file,"
                 "file.image.filename=%s,if=none,id=disk0" % (blkdebug, disk))
    else:
        drive = "file=%s,if=none,id=disk0,format=raw" % disk
    blk = "virtio-blk-pci" if transport == "pci" else "virtio-blk-device"
    args = ["-drive", drive, "-device", "%s,drive=disk0" % blk]
    if transport == "mmio-v2":
        args += ["-global", "virtio-mmio.force-legacy=false"]
    return args


# How a NIC is attached, as for disks; None picks mmio on microvm, pci
# elsewhere.
NET_TRANSPORTS = DISK_TRANSPORTS


def net_args(machine, nets, transport=None):
    """QEMU arguments for virtio-net NICs, one per spec in nets (eth0, eth1,
    ... in this order): "tap=NAME" attaches an existing tap device NAME,
    "user" QEMU's user network with restrict=on (nothing leaves the host);
    ",mac=52:54:00:..." may follow either. TANDEM_NIC_OPTIONS in the
    environment (",csum=off,...") is added to every NIC's -device: tests
    of a device that offers fewer features."""
    if transport is None:
        transport = "mmio" if machine_type(machine) == "microvm" else "pci"
    if transport not in NET_TRANSPORTS:
        raise ValueError("net transport %r, not one of %s" % (transport, NET_TRANSPORTS))
    args = []
    for i, spec in enumerate(nets):
        kind, _, rest = spec.partition(",")
        options = dict(o.split("=", 1) for o in rest.split(",") if o)
        if kind.startswith("tap="):
            netdev = "tap,id=net%d,ifname=%s,script=no,downscript=no" % (i, kind[4:])
        elif kind == "user":
            netdev = "user,id=net%d,restrict=on" % i
        else:
            raise ValueError("--net %r: tap=NAME or user" % spec)
        device = "virtio-net-pci" if transport == "pci" else "virtio-net-device"
        device += ",netdev=net%d" % i
        if "mac" in options:
            device += ",mac=%s" % options["mac"]
        device += os.environ.get("TANDEM_NIC_OPTIONS", "")
        args += ["-netdev", netdev, "-device", device]
    if nets and transport == "mmio-v2":
        args += ["-global", "virtio-mmio.force-legacy=false"]
    return args


def qemu_command(arch, kernel, machine=None, mem="128M", smp=1, append="",
                 disk=None, gdb=False, interactive=False, extra=(),
                 disk_transport=None, disk_blkdebug=None, no_reboot=True,
                 nets=(), net_transport=None, wrapper=()):
    """no_reboot: a guest reset ends QEMU (tests, scripts) instead of
    booting the image again (a person at scripts/run). nets: NIC specs
    (net_args). wrapper: a command prefix, e.g. ip netns exec NS."""
    machine = machine or DEFAULT_MACHINE[arch]
    cmd = list(wrapper) + [QEMU[arch], "-M", machine, "-accel", "tcg", "-cpu", "max",
           "-m", str(mem), "-smp", str(smp), "-nodefaults", "-display", "none",
           "-kernel", kernel]
    if no_reboot:
        cmd += ["-no-reboot"]
    if interactive:
        # Ctrl-C and Ctrl-Z go to the guest; Ctrl-A X quits QEMU.
        cmd += ["-chardev", "stdio,id=con,signal=off,mux=on",
                "-serial", "chardev:con", "-mon", "chardev=con"]
    else:
        cmd += ["-serial", "stdio", "-monitor", "none"]
    if arch == "amd64":
        cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    else:
        cmd += ["-semihosting-config", "enable=on,target=native"]
    if append:
        cmd += ["-append", append]
    if disk:
        cmd += disk_args(machine, disk, disk_transport, disk_blkdebug)
    if nets:
        cmd += net_args(machine, nets, net_transport)
    if gdb:
        cmd += ["-s", "-S"]
    cmd += list(extra)
    return cmd


def guest_status(arch, qemu_rc):
    """Maps QEMU's exit status back to the status the guest powered off with.
    amd64's isa-debug-exit makes QEMU exit with (status << 1) | 1, so an even
    status (0 from a triple fault) is not the guest's; arm64's semihosting exit
    passes the status through."""
    if qemu_rc < 0:
        return NO_GUEST_STATUS
    if arch == "amd64":
        return qemu_rc >> 1 if qemu_rc & 1 else NO_GUEST_STATUS
    return qemu_rc


class Timeout(Exception):
    pass


class Guest:
    """A running guest. Output accumulates in self.output (\\r removed);
    expect() waits for a pattern after the previous match."""

    def __init__(self, arch, kernel, log_path=None, **kwargs):
        self.arch = arch
        self.cmd = qemu_command(arch, kernel, **kwargs)
        self.log_path = log_path
        self.output = ""
        self.pos = 0
        self.status = None
        self._lock = threading.Condition()
        self._eof = False
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 4096)
            with self._lock:
                if not data:
                    self._eof = True
                    self._lock.notify_all()
                    return
                self.output += data.decode("utf-8", "replace").replace("\r", "")
                self._lock.notify_all()

    def expect(self, pattern, timeout=60, partial=False):
        """Waits until pattern matches output after the last match; returns
        the match. Only complete lines are searched, so a line still arriving
        cannot match half-written; partial=True also searches the line being
        written (for prompts). Raises Timeout otherwise."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                end = len(self.output) if partial or self._eof else self.output.rfind("\n") + 1
                m = regex.search(self.output, self.pos, max(self.pos, end))
                if m:
                    self.pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    why = "guest exited" if self._eof else "timed out after %ds" % timeout
                    raise Timeout("%s waiting for /%s/" % (why, pattern))
                self._lock.wait(left)

    def send(self, text):
        self.proc.stdin.write(text.encode() if isinstance(text, str) else text)
        self.proc.stdin.flush()

    def wait(self, timeout=60):
        """Waits for QEMU to exit; returns the guest's status."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Timeout("guest did not power off within %ds" % timeout)
        self._reader.join(5)
        self.status = guest_status(self.arch, rc)
        return self.status

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._reader.join(5)

    def save_log(self):
        if self.log_path:
            os.makedirs(os.path.dirname(self.log_path) or ".", exist_ok=True)
            with open(self.log_path, "w") as f:
                f.write("$ " + " ".join(self.cmd) + "\n")
                f.write(self.output)
        return self.log_path
