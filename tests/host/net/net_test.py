#!/usr/bin/env python3
"""The network programs and the resolver (host builds, tests/host/net)
against Debian's peers: dnsmasq, python's http.server, socat, curl, the
kernel's ping sockets. Every scenario runs inside a network namespace that
this script creates (loopback only: no packet leaves it) and always deletes.

usage: net_test.py SCENARIO BUILD_DIR    (exit 77 when not root)
The script runs itself again inside the namespace with --inside."""
import hashlib
import http.client
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print("ok - " + message, flush=True)


def outer(scenario, build_dir):
    if os.geteuid() != 0 or not shutil.which("ip"):
        print("skip: needs root and ip(8) for a network namespace")
        return SKIP
    ns = "tnd-%s-%d" % (scenario, os.getpid())
    if subprocess.call(["ip", "netns", "add", ns]) != 0:
        print("skip: ip netns add failed")
        return SKIP
    try:
        subprocess.check_call(["ip", "-n", ns, "link", "set", "lo", "up"])
        return subprocess.call(["ip", "netns", "exec", ns, sys.executable, __file__,
                                "--inside", scenario, build_dir], timeout=600)
    finally:
        pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True,
                              text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), 9)
            except OSError:
                pass
        subprocess.call(["ip", "netns", "del", ns])


class Inside:
    """Helpers for a scenario running inside the namespace."""

    def __init__(self, build_dir):
        self.bin = build_dir
        self.tmp = tempfile.mkdtemp(prefix="tnd-net-")
        self.procs = []
        self.env = dict(os.environ)
        self.hosts = self.write("hosts", "127.0.0.1 localhost\n")
        self.resolv = self.write("resolv.conf", "")
        self.env["TANDEM_HOSTS"] = self.hosts
        self.env["TANDEM_RESOLV_CONF"] = self.resolv

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def prog(self, name):
        return os.path.join(self.bin, "host-" + name)

    def run(self, args, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("timeout", 120)
        return subprocess.run(args, env=self.env, **kw)

    def start(self, args, **kw):
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        proc = subprocess.Popen(args, env=self.env, **kw)
        self.procs.append(proc)
        return proc

    def wait_port(self, port, kind=socket.SOCK_STREAM):
        """Waits until something listens on 127.0.0.1:port (tcp) or has it
        bound (udp), as ss(8) shows it; a readiness probe, not a delay."""
        flag = "-Hltn" if kind == socket.SOCK_STREAM else "-Hlun"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            out = subprocess.run(["ss", flag, "sport = :%d" % port], capture_output=True,
                                 text=True).stdout
            if out.strip():
                return
            time.sleep(0.05)
        fail("nothing listens on port %d" % port)

    def close(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def random_file(path, size):
    with open(path, "wb") as f:
        f.write(os.urandom(size))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---------------------------------------------------------------- DNS ----

def fake_dns(address, mode):
    """A UDP server on address:53 that answers every A query badly:
    silent, garbage, truncated (TC), or first with a wrong id and then
    rightly (10.7.7.7)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, 53))

    def serve():
        while True:
            try:
                query, peer = sock.recvfrom(512)
            except OSError:
                return
            qid = query[:2]
            question = query[12:]
            if mode == "silent":
                continue
            if mode == "garbage":
                sock.sendto(qid + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x03ww", peer)
            elif mode == "truncated":
                sock.sendto(qid + b"\x83\x80\x00\x01\x00\x00\x00\x00\x00\x00" + question, peer)
            elif mode == "wrongid":
                answer = (b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" +
                          bytes([10, 7, 7, 7]))
                other = bytes([qid[0] ^ 0xff, qid[1]])
                sock.sendto(other + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + question +
                            answer.replace(bytes([10, 7, 7, 7]), bytes([10, 6, 6, 6])), peer)
                sock.sendto(qid + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + question +
                            answer, peer)

    threading.Thread(target=serve, daemon=True).start()
    return sock


def scenario_dns(t):
    t.start(["dnsmasq", "--no-daemon", "--port", "53", "--listen-address", "127.0.0.1",
             "--bind-interfaces", "--no-resolv", "--no-hosts", "--local=/test/",
             "--pid-file=" + os.path.join(t.tmp, "dnsmasq.pid"),
             "--host-record=www.test,10.1.2.3",
             "--host-record=multi.test,10.1.2.4", "--host-record=multi.test,10.1.2.5",
             "--cname=alias.test,www.test", "--cname=alias2.test,alias.test",
             "--address=/wild.test/10.1.2.9"])
    t.wait_port(53, socket.SOCK_DGRAM)
    t.write("resolv.conf", "# dnsmasq in the namespace\nnameserver 127.0.0.1\n")

    def resolve(name, *extra):
        r = t.run([t.prog("resolve"), name] + list(extra), text=True)
        return r.returncode, r.stdout.split("\n")

    rc, out = resolve("www.test")
    check(rc == 0 and out[0] == "10.1.2.3", "www.test resolves through dnsmasq: %s" % out)
    rc, out = resolve("WWW.Test.")
    check(rc == 0 and out[0] == "10.1.2.3" and out[1] == "canonical WWW.Test",
          "case and a trailing dot: %s" % out)
    rc, out = resolve("multi.test", "4")
    check(rc == 0 and sorted(out[:2]) == ["10.1.2.4", "10.1.2.5"], "two A records: %s" % out)
    rc, out = resolve("alias2.test")
    check(rc == 0 and out[0] == "10.1.2.3" and out[1] == "canonical www.test",
          "a CNAME chain is followed to its end: %s" % out)
    rc, out = resolve("x.wild.test")
    check(rc == 0 and out[0] == "10.1.2.9", "dnsmasq --address: %s" % out)
    rc, out = resolve("nosuch.test")
    check(rc == 2 and out[0].startswith("error EAI_NONAME"), "an unknown name: %s" % out)
    rc, out = resolve("www.test", "6")
    check(rc == 2 and out[0].startswith("error EAI_NONAME"), "AF_INET6 asks no A: %s" % out)
    rc, out = resolve("multi.test", "4", "hosts")
    check(rc == 0 and sorted(out[:2]) == ["10.1.2.4", "10.1.2.5"],
          "gethostbyname through DNS: %s" % out)

    t.write("hosts", "127.0.0.1 localhost\n10.9.9.9 www.test\n")
    rc, out = resolve("www.test")
    check(rc == 0 and out[0] == "10.9.9.9", "/etc/hosts wins over DNS: %s" % out)
    r = t.run([t.prog("nslookup"), "www.test"], text=True)
    check(r.returncode == 0 and "Name: www.test\nAddress: 10.9.9.9\n" in r.stdout,
          "nslookup prints the hosts answer: %r" % r.stdout)
    t.write("hosts", "127.0.0.1 localhost\n")
    r = t.run([t.prog("nslookup"), "alias.test"], text=True)
    check(r.returncode == 0 and r.stdout == "Name: alias.test\nAddress: 10.1.2.3\n",
          "nslookup through DNS: %r" % r.stdout)
    r = t.run([t.prog("nslookup"), "nosuch.test"], text=True)
    check(r.returncode == 1 and r.stdout == "" and "nosuch.test" in r.stderr,
          "nslookup of an unknown name exits 1: %r" % r.stderr)

    # A second server is asked when the first does not answer.
    t.write("resolv.conf", "nameserver 127.0.0.9\nnameserver 127.0.0.1\n"
            "options timeout:1 attempts:1\n")
    rc, out = resolve("www.test")
    check(rc == 0 and out[0] == "10.1.2.3", "the next nameserver after a refusal: %s" % out)

    t.write("resolv.conf", "")
    rc, out = resolve("www.test")
    check(rc == 2 and out[0].startswith("error EAI_NONAME"), "no nameserver: %s" % out)
    t.write("resolv.conf", "nameserver 127.0.0.9\noptions timeout:1 attempts:2\n")
    rc, out = resolve("www.test")
    check(rc == 2 and out[0].startswith("error EAI_AGAIN"), "nobody on port 53: %s" % out)

    servers = []
    for address, mode in [("127.0.0.2", "silent"), ("127.0.0.3", "garbage"),
                          ("127.0.0.4", "truncated"), ("127.0.0.5", "wrongid")]:
        servers.append(fake_dns(address, mode))
    t.write("resolv.conf", "nameserver 127.0.0.2\noptions timeout:1 attempts:1\n")
    rc, out = resolve("www.test")
    check(rc == 2 and out[0].startswith("error EAI_AGAIN"), "a silent server: %s" % out)
    t.write("resolv.conf", "nameserver 127.0.0.3\noptions timeout:1 attempts:1\n")
    rc, out = resolve("www.test")
    check(rc == 2 and out[0].startswith("error EAI_FAIL"), "a garbled answer: %s" % out)
    t.write("resolv.conf", "nameserver 127.0.0.4\noptions timeout:1 attempts:1\n")
    rc, out = resolve("www.test")
    check(rc == 2 and out[0].startswith("error EAI_FAIL"), "a truncated answer: %s" % out)
    t.write("resolv.conf", "nameserver 127.0.0.5\noptions timeout:2 attempts:1\n")
    rc, out = resolve("www.test")
    check(rc == 0 and out[0] == "10.7.7.7", "an answer with another id is dropped: %s" % out)
    t.write("resolv.conf", "nameserver 127.0.0.3\nnameserver 127.0.0.1\n"
            "options timeout:1 attempts:1\n")
    rc, out = resolve("www.test")
    check(rc == 0 and out[0] == "10.1.2.3", "the next server after a garbled answer: %s" % out)
    for sock in servers:
        sock.close()


# --------------------------------------------------------------- HTTP ----

CHUNKS = [b"first chunk\n", b"x" * 5000, b"", b"last\n"]


def start_test_server(port):
    """HTTP/1.1 server for what http.server does not do: chunked bodies
    and redirects."""
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/chunked":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for chunk in CHUNKS:
                    if chunk:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
            elif self.path.startswith("/to/"):
                code, target = self.path[4:].split("/", 1)
                self.send_response(int(code))
                self.send_header("Location", target if target.startswith("http")
                                 else "/" + target)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/short":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"only this")
                self.close_connection = True
            else:
                self.send_error(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def scenario_wget(t):
    www = os.path.join(t.tmp, "www")
    os.mkdir(www)
    random_file(os.path.join(www, "big.bin"), 10 * 1024 * 1024)
    t.start([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", www,
             "8000"])
    server = start_test_server(8001)
    t.wait_port(8000)
    t.write("hosts", "127.0.0.1 localhost web.test\n")
    work = os.path.join(t.tmp, "work")
    os.mkdir(work)
    wget = t.prog("wget")

    out = os.path.join(work, "out.bin")
    r = t.run([wget, "-q", "-O", out, "http://127.0.0.1:8000/big.bin"])
    check(r.returncode == 0 and sha256(out) == sha256(os.path.join(www, "big.bin")),
          "10 MiB from http.server byte-equal (%d)" % r.returncode)
    r = t.run([wget, "http://web.test:8000/big.bin"], cwd=work, text=True)
    check(r.returncode == 0 and sha256(os.path.join(work, "big.bin")) ==
          sha256(os.path.join(www, "big.bin")) and "saving to 'big.bin'" in r.stderr,
          "a name from hosts and the default file name")
    r = t.run([wget, "-q", "-O", "-", "http://127.0.0.1:8001/chunked"])
    check(r.returncode == 0 and r.stdout == b"".join(CHUNKS),
          "a chunked body to standard output (%d bytes)" % len(r.stdout))
    for code in [301, 302, 303, 307, 308]:
        r = t.run([wget, "-q", "-O", "-", "http://127.0.0.1:8001/to/%d/chunked" % code])
        check(r.returncode == 0 and r.stdout == b"".join(CHUNKS), "redirect %d" % code)
    r = t.run([wget, "-q", "-O", out, "http://127.0.0.1:8001/to/302/http://web.test:8000/big.bin"])
    check(r.returncode == 0 and sha256(out) == sha256(os.path.join(www, "big.bin")),
          "a redirect to another server")
    r = t.run([wget, "-q", "-O", "-", "http://127.0.0.1:8001/loop"], text=True)
    check(r.returncode != 0 and "too many redirects" in r.stderr, "a redirect loop stops")
    r = t.run([wget, "-q", "http://127.0.0.1:8000/nothing.txt"], cwd=work, text=True)
    check(r.returncode != 0 and "404" in r.stderr and
          not os.path.exists(os.path.join(work, "nothing.txt")),
          "404: non-zero exit, a message, no file: %r" % r.stderr)
    r = t.run([wget, "-q", "-O", "-", "http://127.0.0.1:8001/short"], text=True)
    check(r.returncode != 0 and "closed before" in r.stderr, "a short body is an error")
    r = t.run([wget, "-q", "-O", "-", "http://127.0.0.1:1/"], text=True)
    check(r.returncode != 0 and "can't connect" in r.stderr, "a refused connection")
    r = t.run([wget, "-q", "-O", "-", "http://nosuch.test/"], text=True)
    check(r.returncode != 0 and "bad address" in r.stderr, "an unknown host")
    r = t.run([wget, "-q", "https://127.0.0.1/"], text=True)
    check(r.returncode != 0 and "http://" in r.stderr, "https is refused clearly")
    server.shutdown()


def scenario_httpd(t):
    www = os.path.join(t.tmp, "www")
    os.makedirs(os.path.join(www, "sub"))
    os.makedirs(os.path.join(www, "empty"))
    t.write("www/index.html", "<p>root</p>\n")
    t.write("www/sub/index.html", "<p>sub</p>\n")
    t.write("www/sub/a b.txt", "spaced\n")
    t.write("secret.txt", "outside the root\n")
    random_file(os.path.join(www, "big.bin"), 3 * 1024 * 1024 + 17)
    sizes = [0, 1, 4095, 4096, 16384, 16385, 100000]
    for i in range(100):
        random_file(os.path.join(www, "f%d.bin" % i), sizes[i % len(sizes)] + i)
    t.start([t.prog("httpd"), "-p", "8080", www], stderr=None)
    t.wait_port(8080)
    base = "http://127.0.0.1:8080"
    curl = ["curl", "-s", "--noproxy", "*"]

    def status(path, *extra):
        r = t.run(curl + ["--path-as-is", "-o", "/dev/null", "-w", "%{http_code}"] +
                  list(extra) + [base + path], text=True)
        return r.stdout

    out = os.path.join(t.tmp, "got")
    r = t.run(curl + ["-o", out, base + "/big.bin"])
    check(r.returncode == 0 and sha256(out) == sha256(os.path.join(www, "big.bin")),
          "curl fetches 3 MiB byte-exact")
    r = t.run(curl + [base + "/"], text=True)
    check(r.stdout == "<p>root</p>\n", "/ gives index.html")
    r = t.run(curl + [base + "/sub"], text=True)
    check(r.stdout == "<p>sub</p>\n", "a directory gives its index.html")
    r = t.run(curl + [base + "/sub/a%20b.txt"], text=True)
    check(r.stdout == "spaced\n", "%-escapes are decoded")
    check(status("/nothing") == "404", "a missing file is 404")
    check(status("/empty/") == "404", "a directory without index.html is 404")
    check(status("/../secret.txt") == "400", "/../ is refused")
    check(status("/sub/../../secret.txt") == "400", "a deeper .. is refused")
    check(status("/%2e%2e/secret.txt") == "400", "an escaped .. is refused")
    check(status("/sub/..") == "400", "a trailing .. is refused")
    check(status("/%2E%2e%2fsecret.txt") == "400", "an escaped ../ is refused")
    check(status("/sub/%zz") == "400", "a bad %-escape is 400")
    r = t.run(curl + ["-I", base + "/f5.bin"], text=True)
    check("Content-Length: %d" % (sizes[5] + 5) in r.stdout and
          r.stdout.startswith("HTTP/1.1 200"), "HEAD gives the length and no body")
    check(status("/", "-X", "POST") == "501", "POST is not implemented")

    # Keep-alive: two requests, then a pipelined pair, on one connection.
    conn = http.client.HTTPConnection("127.0.0.1", 8080, timeout=30)
    conn.request("GET", "/f1.bin")
    first = conn.getresponse().read()
    sock = conn.sock
    conn.request("GET", "/f2.bin")
    second = conn.getresponse().read()
    with open(os.path.join(www, "f1.bin"), "rb") as f1, open(os.path.join(www, "f2.bin"), "rb") as f2:
        check(first == f1.read() and second == f2.read() and conn.sock is sock,
              "keep-alive: two requests on one connection")
    conn.close()
    s = socket.create_connection(("127.0.0.1", 8080), timeout=30)
    s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /sub/index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    check(data.count(b"HTTP/1.1 200 OK") == 2 and data.endswith(b"<p>sub</p>\n") and
          b"<p>root</p>\n" in data, "pipelined requests answered in order, then closed")
    s = socket.create_connection(("127.0.0.1", 8080), timeout=30)
    s.sendall(b"garbage\r\n\r\n")
    check(s.recv(4096).startswith(b"HTTP/1.1 400"), "a bad request line is 400")
    s.close()

    # 100 concurrent clients, every body byte-exact.
    expected = {}
    for i in range(100):
        with open(os.path.join(www, "f%d.bin" % i), "rb") as f:
            expected[i] = f.read()
    results = {}
    barrier = threading.Barrier(100)

    def client(i):
        try:
            c = http.client.HTTPConnection("127.0.0.1", 8080, timeout=120)
            c.connect()
            barrier.wait(timeout=60)
            c.request("GET", "/f%d.bin" % i)
            body = c.getresponse().read()
            c.request("GET", "/f%d.bin" % ((i + 1) % 100))
            results[i] = (body, c.getresponse().read())
            c.close()
        except Exception as e:
            results[i] = ("error", repr(e))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(100)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    bad = [i for i in range(100)
           if results.get(i) != (expected[i], expected[(i + 1) % 100])]
    check(not bad, "100 concurrent connections, two requests each, byte-exact (bad: %s)"
          % bad[:5])
    r = t.run(["curl", "-s", "--noproxy", "*", "--parallel", "--parallel-max", "100"] +
              sum([["-o", os.path.join(t.tmp, "p%d" % i), base + "/f%d.bin" % i]
                   for i in range(100)], []))
    bad = []
    for i in range(100):
        with open(os.path.join(t.tmp, "p%d" % i), "rb") as f:
            if f.read() != expected[i]:
                bad.append(i)
    check(r.returncode == 0 and not bad, "curl --parallel-max 100 byte-exact (bad: %s)" % bad[:5])
    check(t.procs[0].poll() is None, "httpd is still running")


# ----------------------------------------------------------------- nc ----

def scenario_nc(t):
    nc = t.prog("nc")
    data = os.path.join(t.tmp, "data")
    random_file(data, 1024 * 1024 + 3)
    out = os.path.join(t.tmp, "out")

    # Client against a socat echo server: half-close, then the echo back.
    t.start(["socat", "TCP-LISTEN:7000,reuseaddr", "PIPE"])
    t.wait_port(7000)
    with open(data, "rb") as stdin, open(out, "wb") as stdout:
        r = t.run([nc, "127.0.0.1", "7000"], stdin=stdin, stdout=stdout, capture_output=False)
    check(r.returncode == 0 and sha256(out) == sha256(data),
          "nc to a socat TCP echo: 1 MiB back after the half-close")

    # Listener: socat sends, nc writes it out and exits when socat closes.
    with open(out, "wb") as stdout:
        listener = t.start([nc, "-l", "-p", "7001"], stdin=subprocess.DEVNULL, stdout=stdout)
        t.wait_port(7001)
        r = t.run(["socat", "-u", "OPEN:" + data, "TCP:127.0.0.1:7001"])
        listener.wait(timeout=60)
    check(listener.returncode == 0 and sha256(out) == sha256(data),
          "nc -l -p receives 1 MiB from socat and exits when it closes")

    # Listener sending: nc -l < data, socat reads it.
    with open(data, "rb") as stdin:
        listener = t.start([nc, "-l", "-p", "7002"], stdin=stdin)
        t.wait_port(7002)
        r = t.run(["socat", "-u", "TCP:127.0.0.1:7002", "CREATE:" + out])
        listener.wait(timeout=60)
    check(listener.returncode == 0 and sha256(out) == sha256(data),
          "nc -l -p sends its standard input to socat")

    # nc to nc -l whose standard input ends at once: the listener's
    # half-close reaches the client first (its socket in CLOSE-WAIT), which
    # must still send all its input (as OpenBSD's nc; it used to stop at the
    # peer's FIN, losing the rest).
    with open(data, "rb") as f:
        payload = f.read()
    with open(out, "wb") as stdout:
        listener = t.start([nc, "-l", "-p", "7003"], stdin=subprocess.DEVNULL, stdout=stdout)
        t.wait_port(7003)
        client = t.start([nc, "127.0.0.1", "7003"], stdin=subprocess.PIPE)
        client.stdin.write(payload[:1000])
        client.stdin.flush()
        deadline = time.monotonic() + 30
        while client.poll() is None and time.monotonic() < deadline:
            if subprocess.run(["ss", "-Htn", "state", "close-wait", "dport = :7003"],
                              capture_output=True, text=True).stdout.strip():
                break
            time.sleep(0.05)
        try:
            client.stdin.write(payload[1000:])
            client.stdin.close()
        except BrokenPipeError:
            pass
        client.wait(timeout=60)
        listener.wait(timeout=60)
    check(client.returncode == 0 and listener.returncode == 0 and sha256(out) == sha256(data),
          "nc sends all of its input after the peer's half-close")

    r = t.run([nc, "127.0.0.1", "1"], stdin=subprocess.DEVNULL, text=True)
    check(r.returncode == 1 and "can't connect" in r.stderr, "a refused connection")

    # UDP client against a socat UDP echo.
    t.start(["socat", "UDP-RECVFROM:7100,reuseaddr,fork", "PIPE"])
    t.wait_port(7100, socket.SOCK_DGRAM)
    client = t.start([nc, "-u", "-w", "1", "127.0.0.1", "7100"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE)
    sent = b""
    for size in [1, 100, 1472, 4000]:
        message = bytes((size + i) % 251 for i in range(size))
        client.stdin.write(message)
        client.stdin.flush()
        got = b""
        while len(got) < size:
            piece = os.read(client.stdout.fileno(), 65536)
            if not piece:
                break
            got += piece
        check(got == message, "UDP echo of %d bytes" % size)
        sent += message
    client.stdin.close()
    client.wait(timeout=60)
    check(client.returncode == 0, "nc -u -w 1 exits after the end of its input")

    # UDP listener: the first datagram goes out, the answer to its sender.
    listener = t.start([nc, "-u", "-l", "-p", "7101"], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE)
    t.wait_port(7101, socket.SOCK_DGRAM)
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.settimeout(30)
    peer.sendto(b"ping\n", ("127.0.0.1", 7101))
    check(os.read(listener.stdout.fileno(), 100) == b"ping\n", "nc -u -l prints a datagram")
    listener.stdin.write(b"pong\n")
    listener.stdin.flush()
    check(peer.recvfrom(100)[0] == b"pong\n", "nc -u -l answers its sender")
    peer.close()


# --------------------------------------------------------------- ping ----

def scenario_ping(t):
    with open("/proc/sys/net/ipv4/ping_group_range", "w") as f:
        f.write("0 2147483647\n")
    t.write("hosts", "127.0.0.1 localhost me.test\n")
    r = t.run([t.prog("ping"), "-c", "3", "me.test"], text=True)
    lines = r.stdout.splitlines()
    replies = [l for l in lines if " bytes from 127.0.0.1: seq=" in l]
    check(r.returncode == 0 and lines[0].startswith("PING me.test (127.0.0.1): 56 data bytes"),
          "ping -c 3 starts: %r" % lines[:1])
    check(len(replies) == 3 and [l.split("seq=")[1].split()[0] for l in replies] ==
          ["0", "1", "2"], "three replies in order: %r" % replies)
    check("3 packets transmitted, 3 packets received, 0% packet loss" in r.stdout and
          "round-trip min/avg/max" in r.stdout, "the summary")
    r = t.run([t.prog("ping"), "-c", "1", "10.255.0.1"], text=True)
    check(r.returncode == 1 and "1 packets transmitted, 0 packets received" in r.stdout,
          "no reply: exit 1 (%d)" % r.returncode)
    r = t.run([t.prog("ping"), "-c", "1", "nosuch.test"], text=True)
    check(r.returncode == 1 and "nosuch.test" in r.stderr, "an unknown host: exit 1")


# ----------------------------------------------------------- ifconfig ----

IF_TEXT = """eth0 mac 52:54:00:12:34:56 mtu 1500 up inet 10.0.2.15/24 gw 10.0.2.2 dhcp
eth1 mac 52:54:00:ab:cd:ef mtu 9000 down inet - none
"""
DEV_TEXT = """Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
  eth0: 1572864 1200 1 2 0 0 0 0 2048 30 3 4 0 0 0 0
  eth1:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
"""
IF_EXPECTED = """eth0      Link encap:Ethernet  HWaddr 52:54:00:12:34:56
          inet addr:10.0.2.15  Bcast:10.0.2.255  Mask:255.255.255.0
          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1
          RX packets:1200 errors:1 dropped:2 overruns:0 frame:0
          TX packets:30 errors:3 dropped:4 overruns:0 carrier:0
          collisions:0 txqueuelen:1000
          RX bytes:1572864 (1.5 MiB)  TX bytes:2048 (2.0 KiB)

"""
IF1_EXPECTED = """eth1      Link encap:Ethernet  HWaddr 52:54:00:ab:cd:ef
          BROADCAST MULTICAST  MTU:9000  Metric:1
          RX packets:0 errors:0 dropped:0 overruns:0 frame:0
          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0
          collisions:0 txqueuelen:1000
          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)

"""


def scenario_ifconfig(t):
    proc = os.path.join(t.tmp, "proc")
    os.mkdir(proc)
    t.write("proc/if", IF_TEXT)
    t.write("proc/dev", DEV_TEXT)
    t.env["TANDEM_PROC_NET"] = proc
    r = t.run([t.prog("ifconfig")], text=True)
    check(r.returncode == 0 and r.stdout == IF_EXPECTED + IF1_EXPECTED,
          "ifconfig shows both interfaces:\n" + r.stdout)
    r = t.run([t.prog("ifconfig"), "eth1"], text=True)
    check(r.returncode == 0 and r.stdout == IF1_EXPECTED, "ifconfig eth1:\n" + r.stdout)
    r = t.run([t.prog("ifconfig"), "eth7"], text=True)
    check(r.returncode == 1 and "eth7" in r.stderr, "an unknown interface: exit 1")


SCENARIOS = {"dns": scenario_dns, "wget": scenario_wget, "httpd": scenario_httpd,
             "nc": scenario_nc, "ping": scenario_ping, "ifconfig": scenario_ifconfig}


def inside(scenario, build_dir):
    t = Inside(build_dir)
    try:
        SCENARIOS[scenario](t)
    finally:
        t.close()
    print("all passed", flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--inside":
        sys.exit(inside(sys.argv[2], sys.argv[3]))
    sys.exit(outer(sys.argv[1], sys.argv[2]))
