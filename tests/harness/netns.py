"""A private network for one test: a network namespace holding tap devices
(one subnet each, or one bridge over them), the host-side addresses,
dnsmasq (DHCP and a DNS test zone) and whatever peers the test starts.
QEMU runs inside it (`ip netns exec NS qemu-system-...`, see wrapper), so
no packet can leave: the namespace has no interface but its taps and lo.
The namespace and every process in it are removed on exit from the
`with` block, also on failure, timeout (SIGTERM from meson) or Ctrl-C.
Standard library only; needs root and iproute2 + dnsmasq.

    with NetNS(taps=1) as ns:
        guest = qemu.Guest(..., nets=["tap=" + ns.taps[0]], wrapper=ns.wrapper)
        ns.run(["ping", "-c", "3", addr])
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

SKIP = 77           # meson's "skipped" exit status
TOOLS = ("ip", "dnsmasq", "ping")

# The DNS test zone dnsmasq answers for (and nothing else: no upstream).
TEST_ZONE = "test.lan"
ZONE_RECORDS = {"host." + TEST_ZONE: "HOST0", "www." + TEST_ZONE: "10.77.0.80",
                "two." + TEST_ZONE: "10.77.0.82"}


def missing_requirements():
    """Why the network tests cannot run here (None when they can)."""
    if os.geteuid() != 0:
        return "not root"
    for tool in TOOLS:
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            return "%s not installed" % tool
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    return None


def tool(name):
    return shutil.which(name) or "/usr/sbin/" + name


class NetNS:
    """taps: how many tap devices (tap0, tap1, ...). Without a bridge, tap N
    is subnet 10.77.N.0/24 with the host at 10.77.N.1 and DHCP leases from
    .50 to .99; with bridge=True all taps join br0 on 10.77.0.0/24 (two
    guests on one link). mtu: the taps' MTU (a bigger one lets a test send
    oversized frames)."""

    def __init__(self, taps=1, bridge=False, mtu=1500, name=None):
        self.name = name or "tandem-%d-%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        self.taps = ["tap%d" % i for i in range(taps)]
        self.bridge = bridge
        self.mtu = mtu
        self.procs = []
        self.dir = None
        self.wrapper = [tool("ip"), "netns", "exec", self.name]
        self._old_sigterm = None

    # ---- set-up and tear-down ----

    def __enter__(self):
        # meson stops a test that times out with SIGTERM: turn it into an
        # exception so __exit__ still runs.
        self._old_sigterm = signal.signal(signal.SIGTERM, _raise_interrupt)
        self.dir = tempfile.mkdtemp(prefix="netns.")
        os.chmod(self.dir, 0o755)
        try:
            self._ip("netns", "add", self.name)
            self._ip("-n", self.name, "link", "set", "lo", "up")
            if self.bridge:
                self._ip("-n", self.name, "link", "add", "br0", "type", "bridge")
            for i, tap in enumerate(self.taps):
                self._ip("-n", self.name, "tuntap", "add", "dev", tap, "mode", "tap")
                self._ip("-n", self.name, "link", "set", tap, "mtu", str(self.mtu))
                if self.bridge:
                    self._ip("-n", self.name, "link", "set", tap, "master", "br0")
                else:
                    self._ip("-n", self.name, "addr", "add", "%s/24" % self.host_addr(i),
                             "dev", tap)
                self._ip("-n", self.name, "link", "set", tap, "up")
            if self.bridge:
                self._ip("-n", self.name, "addr", "add", "%s/24" % self.host_addr(0),
                         "dev", "br0")
                self._ip("-n", self.name, "link", "set", "br0", "up")
            self._start_dnsmasq()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        # Anything else still running in the namespace (a peer a test
        # started without popen).
        pids = subprocess.run([tool("ip"), "netns", "pids", self.name], capture_output=True,
                              text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        subprocess.run([tool("ip"), "netns", "del", self.name], capture_output=True)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        if self._old_sigterm is not None:
            signal.signal(signal.SIGTERM, self._old_sigterm)
            self._old_sigterm = None
        return False

    def _ip(self, *args):
        subprocess.run([tool("ip")] + list(args), check=True, capture_output=True)

    # ---- addresses and dnsmasq ----

    def subnet_count(self):
        return 1 if self.bridge else len(self.taps)

    def host_addr(self, subnet=0):
        return "10.77.%d.1" % subnet

    @property
    def lease_file(self):
        return os.path.join(self.dir, "dnsmasq.leases")

    def _start_dnsmasq(self):
        cmd = [tool("dnsmasq"), "--keep-in-foreground", "--conf-file=/dev/null",
               "--no-resolv", "--no-hosts", "--bind-dynamic", "--except-interface=lo",
               "--dhcp-leasefile=" + self.lease_file, "--dhcp-authoritative",
               "--pid-file=" + os.path.join(self.dir, "dnsmasq.pid"),
               "--local=/%s/" % TEST_ZONE, "--log-facility=" + os.path.join(self.dir, "dnsmasq.log"),
               "--log-dhcp", "--log-queries", "--user=root"]
        for i in range(self.subnet_count()):
            cmd += ["--dhcp-range=10.77.%d.50,10.77.%d.99,255.255.255.0,1h" % (i, i)]
        # Router and DNS server: the host side of each subnet (dnsmasq's
        # defaults for both are the address it answers from).
        for name, addr in ZONE_RECORDS.items():
            cmd += ["--host-record=%s,%s" % (name, addr.replace("HOST0", self.host_addr(0)))]
        self.popen(cmd)
        # Ready when it has bound the DHCP port; its log says so early.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(os.path.join(self.dir, "dnsmasq.pid")):
                return
            if self.procs[-1].poll() is not None:
                raise RuntimeError("dnsmasq exited: %s" % self.dnsmasq_log())
            time.sleep(0.05)
        raise RuntimeError("dnsmasq did not start")

    def dnsmasq_log(self):
        try:
            with open(os.path.join(self.dir, "dnsmasq.log")) as f:
                return f.read()
        except OSError:
            return ""

    def leases(self):
        """{mac: ip} from dnsmasq's lease file."""
        result = {}
        try:
            with open(self.lease_file) as f:
                for line in f:
                    words = line.split()
                    if len(words) >= 3:
                        result[words[1].lower()] = words[2]
        except FileNotFoundError:
            pass
        return result

    def wait_lease(self, mac, timeout=30):
        """The address dnsmasq leased to mac (dnsmasq writes the file when it
        sends the ACK, just before or after the guest logs its address)."""
        deadline = time.monotonic() + timeout
        while True:
            addr = self.leases().get(mac.lower())
            if addr or time.monotonic() > deadline:
                return addr
            time.sleep(0.1)

    # ---- peers ----

    def popen(self, cmd, **kwargs):
        """Starts cmd inside the namespace, in a process group of its own
        (killed on exit)."""
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        proc = subprocess.Popen(self.wrapper + list(cmd), start_new_session=True, **kwargs)
        self.procs.append(proc)
        return proc

    def run(self, cmd, timeout=60, **kwargs):
        """Runs cmd inside the namespace to completion; returns the
        CompletedProcess (stdout and stderr captured as text)."""
        proc = self.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          **kwargs)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            return subprocess.CompletedProcess(proc.args, -1, out, None)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, None)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)
