"""Disk-image helpers for tests (stdlib only): make ext2 images with mke2fs,
check them with e2fsck -fn, read files out of them with debugfs and compare
byte for byte. Used by the host ext2 tests and by boot_test.py (--disk,
--e2fsck-after, --debugfs-compare)."""

import os
import shutil
import subprocess

SBIN_DIRS = ("/sbin", "/usr/sbin")


def tool(name):
    """Path of an e2fsprogs program (they live in /sbin, often not on PATH)."""
    found = shutil.which(name)
    if found:
        return found
    for d in SBIN_DIRS:
        path = os.path.join(d, name)
        if os.access(path, os.X_OK):
            return path
    raise FileNotFoundError(name + " (e2fsprogs) not found")


def quiet_env():
    env = dict(os.environ)
    env["E2FSPROGS_FAKE_TIME"] = env.get("E2FSPROGS_FAKE_TIME", "1700000000")
    return env


def mke2fs(image, size_bytes, block_size=1024, source_dir=None, inodes=None,
           extra=()):
    """A fresh ext2 image: a sparse file of size_bytes, revision 1."""
    with open(image, "wb") as f:
        f.truncate(size_bytes)
    cmd = [tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", str(block_size),
           "-E", "root_owner=0:0"]
    if inodes:
        cmd += ["-N", str(inodes)]
    if source_dir:
        cmd += ["-d", source_dir]
    cmd += list(extra) + [image]
    subprocess.run(cmd, check=True, env=quiet_env(), stdout=subprocess.DEVNULL)


def e2fsck(image):
    """Runs e2fsck -fn; returns (is_clean, report)."""
    p = subprocess.run([tool("e2fsck"), "-fn", image], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return p.returncode == 0, p.stdout


def debugfs(image, request, write=False):
    cmd = [tool("debugfs")] + (["-w"] if write else []) + ["-R", request, image]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.stdout, p.stderr.decode(errors="replace")


def debugfs_cat(image, guest_path):
    data, err = debugfs(image, 'cat "%s"' % guest_path)
    if "File not found" in err or "not found" in err.lower().split("\n", 1)[-1]:
        return None
    return data


def debugfs_stat(image, guest_path):
    """debugfs's stat text, or None when the path does not exist."""
    out, err = debugfs(image, 'stat "%s"' % guest_path)
    if not out:
        return None
    return out.decode(errors="replace")


def debugfs_write(image, host_file, guest_path):
    _, err = debugfs(image, 'write "%s" "%s"' % (host_file, guest_path), write=True)
    return err


def compare_file(image, guest_path, host_file):
    """None when guest_path in image holds exactly host_file's bytes, else
    what differs."""
    with open(host_file, "rb") as f:
        want = f.read()
    got = debugfs_cat(image, guest_path)
    if got is None:
        return "%s: not in the image" % guest_path
    if got == want:
        return None
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
              min(len(got), len(want)))
    return "%s: %d bytes in the image, %d expected, first difference at %d" % (
        guest_path, len(got), len(want), at)


def check_after_guest(image, compares=()):
    """What a disk test checks once the guest is off: e2fsck clean, and each
    (guest_path, host_file) pair equal. Returns a list of failures."""
    failures = []
    is_clean, report = e2fsck(image)
    if not is_clean:
        failures.append("e2fsck -fn reports problems:\n" + report)
    for guest_path, host_file in compares:
        problem = compare_file(image, guest_path, host_file)
        if problem:
            failures.append(problem)
    return failures
