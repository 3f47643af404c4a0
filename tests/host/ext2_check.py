#!/usr/bin/env python3
"""Drives test_ext2 (ext2 + block cache on the host) for one scenario: makes
the image with mke2fs, runs the program, then checks the image with
e2fsck -fn and compares files with debugfs (tests/harness/disk.py).
Usage: ext2_check.py TEST_EXE WORKDIR SCENARIO"""

import os
import shutil
import stat
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import disk  # noqa: E402
import subprocess  # noqa: E402

MiB = 1 << 20


def run(exe, *args):
    p = subprocess.run([exe] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    sys.stdout.write(p.stdout)
    if p.returncode != 0:
        sys.exit("FAIL: %s %s exited %d" % (os.path.basename(exe), " ".join(args), p.returncode))


def make_fuzz_tree(src):
    """What tests/host/fuzz_ext2.c expects: keep.txt (never damaged),
    small.txt, big.bin (indirect and double indirect on 1 KiB blocks),
    dir/a.txt and a slow symlink."""
    if os.path.exists(src):
        shutil.rmtree(src)
    os.makedirs(os.path.join(src, "dir"))
    with open(os.path.join(src, "keep.txt"), "w") as f:
        f.write("keep: this file is never damaged\n" * 8)
    with open(os.path.join(src, "small.txt"), "w") as f:
        f.write("small\n")
    with open(os.path.join(src, "big.bin"), "wb") as f:
        f.write(bytes((i * 7 + i // 1024) & 0xff for i in range(300 * 1024)))
    with open(os.path.join(src, "dir", "a.txt"), "w") as f:
        f.write("a\n")
    os.symlink("/" + "long-target/" * 8, os.path.join(src, "link"))


def check_clean(image):
    is_clean, report = disk.e2fsck(image)
    if not is_clean:
        sys.exit("FAIL: e2fsck -fn %s:\n%s" % (image, report))
    print("e2fsck -fn: clean")


def check_manifest(image, outdir):
    failures = []
    checked = 0
    with open(os.path.join(outdir, "manifest.txt")) as f:
        for line in f:
            kind, guest, *rest = line.rstrip("\n").split(" ", 2)
            checked += 1
            if kind == "file":
                problem = disk.compare_file(image, guest, rest[0])
                if problem:
                    failures.append(problem)
            elif kind == "absent":
                if disk.debugfs_stat(image, guest) is not None:
                    failures.append("%s: still in the image" % guest)
            elif kind == "symlink":
                text = disk.debugfs_stat(image, guest) or ""
                target = rest[0]
                if len(target) < 60:
                    if 'Fast link dest: "%s"' % target not in text:
                        failures.append("%s: fast link target not %r" % (guest, target))
                else:
                    got = disk.debugfs_cat(image, guest)
                    if got is None or got[:len(target)] != target.encode():
                        failures.append("%s: slow link target %r" % (guest, got))
            elif kind == "size":
                text = disk.debugfs_stat(image, guest) or ""
                if "Size: %s" % rest[0] not in text:
                    failures.append("%s: size not %s:\n%s" % (guest, rest[0], text[:300]))
            elif kind == "mode":
                text = disk.debugfs_stat(image, guest) or ""
                if "Mode:  %s" % rest[0][-4:] not in text:
                    failures.append("%s: mode not %s" % (guest, rest[0]))
            elif kind == "times":
                # debugfs prints "atime: 0x499602d2" (then ":nsec" on
                # large inodes, then " -- date").
                text = disk.debugfs_stat(image, guest) or ""
                atime, mtime = (int(x) for x in rest[0].split())
                for name, want in (("atime", atime), ("mtime", mtime)):
                    if "%s: 0x%08x" % (name, want) not in text:
                        failures.append("%s: %s not %d:\n%s" % (guest, name, want, text[:600]))
            elif kind == "range":
                # Compare block by block through debugfs bmap (the file is
                # too large to cat).
                offset_s, host = rest[0].split(" ", 1)
                failures += compare_range(image, guest, int(offset_s), host)
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print("debugfs: %d manifest entries match" % checked)


def compare_range(image, guest, offset, host_file):
    text = disk.debugfs_stat(image, "/") or ""
    block_size = 4096 if "4096" in (disk.debugfs(image, "stats")[0].decode()
                                     .split("Block size:")[1].split("\n")[0]) else 1024
    with open(host_file, "rb") as f:
        want = f.read()
    failures = []
    with open(image, "rb") as img:
        first = offset // block_size
        last = (offset + len(want) - 1) // block_size
        for lblk in sorted({first, first + 1, (first + last) // 2, last}):
            out, _ = disk.debugfs(image, 'bmap "%s" %d' % (guest, lblk))
            phys = int(out.decode().strip() or "0")
            if phys == 0:
                failures.append("%s: block %d not mapped" % (guest, lblk))
                continue
            img.seek(phys * block_size)
            got = img.read(block_size)
            start = lblk * block_size
            for i in range(block_size):
                at = start + i - offset
                if 0 <= at < len(want) and got[i] != want[at]:
                    failures.append("%s: byte %d differs" % (guest, start + i))
                    break
    del text
    return failures


def make_source_tree(src):
    os.makedirs(os.path.join(src, "dir", "deeper"))
    with open(os.path.join(src, "small.txt"), "w") as f:
        f.write("written on the host\n")
    open(os.path.join(src, "zero"), "w").close()
    with open(os.path.join(src, "dir", "medium.bin"), "wb") as f:
        f.write(bytes((i * 7 + i // 251) & 0xff for i in range(13 * 1024 + 5)))
    with open(os.path.join(src, "dir", "deeper", "big.bin"), "wb") as f:
        f.write(os.urandom(700 * 1024))
    with open(os.path.join(src, "holey"), "wb") as f:
        f.write(b"start")
        f.seek(2 * MiB)
        f.write(b"end")
    os.symlink("small.txt", os.path.join(src, "fast"))
    os.symlink("dir/" + "y" * 150, os.path.join(src, "slow"))
    os.link(os.path.join(src, "small.txt"), os.path.join(src, "dir", "hard"))
    for i in range(120):
        with open(os.path.join(src, "dir", "entry-%03d" % i), "w") as f:
            f.write("%d\n" % i)
    os.chmod(os.path.join(src, "small.txt"), stat.S_IRUSR | stat.S_IWUSR)


def main():
    exe, work, scenario = sys.argv[1:4]
    work = os.path.join(work, scenario)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    image = os.path.join(work, "disk.img")
    out = os.path.join(work, "out")
    os.makedirs(out)

    if scenario in ("write-1k", "write-4k"):
        bs = 1024 if scenario == "write-1k" else 4096
        disk.mke2fs(image, 96 * MiB, bs)
        run(exe, "write", image, out)
        check_clean(image)
        check_manifest(image, out)
    elif scenario in ("read-1k", "read-4k"):
        bs = 1024 if scenario == "read-1k" else 4096
        src = os.path.join(work, "src")
        make_source_tree(src)
        disk.mke2fs(image, 16 * MiB, bs, source_dir=src)
        # A file debugfs writes is read too.
        extra = os.path.join(work, "by-debugfs")
        with open(extra, "wb") as f:
            f.write(os.urandom(50 * 1024 + 3))
        disk.debugfs_write(image, extra, "/by-debugfs")
        shutil.copy(extra, os.path.join(src, "by-debugfs"))
        check_clean(image)
        run(exe, "read", image, src)
        check_clean(image)
    elif scenario == "large":
        disk.mke2fs(image, 6 * 1024 * MiB, 4096, inodes=1024)
        run(exe, "large", image, out)
        check_clean(image)
        check_manifest(image, out)
    elif scenario == "enospc":
        disk.mke2fs(image, 2 * MiB, 1024, inodes=64)
        run(exe, "enospc", image)
        check_clean(image)
    elif scenario == "readonly":
        disk.mke2fs(image, 4 * MiB, 1024)
        run(exe, "readonly", image)
        check_clean(image)
    elif scenario == "corrupt":
        src = os.path.join(work, "src")
        make_source_tree(src)
        disk.mke2fs(image, 4 * MiB, 1024, source_dir=src)
        run(exe, "corrupt", image)
    elif scenario == "fuzz":
        src = os.path.join(work, "fuzz-src")
        make_fuzz_tree(src)
        small_1k = os.path.join(work, "fuzz-1k.img")
        small_4k = os.path.join(work, "fuzz-4k.img")
        large = os.path.join(work, "fuzz-large.img")
        # several groups each, so descriptors and backups are exercised
        disk.mke2fs(small_1k, 4 * MiB, 1024, source_dir=src, extra=["-g", "1024"])
        disk.mke2fs(small_4k, 4 * MiB, 4096, source_dir=src, extra=["-g", "256"])
        # large geometry in a sparse file: 256 GiB of 4 KiB blocks, 2048
        # groups, superblock copies only where sparse_super2 says
        disk.mke2fs(large, 256 << 30, 4096, inodes=32768, extra=["-O", "sparse_super2"])
        try:
            run(exe, small_1k, small_4k, large, work)
            check_clean(large)
        finally:
            for image in (small_1k, small_4k, large):
                os.unlink(image)
    else:
        sys.exit("unknown scenario " + scenario)
    print("ok: " + scenario)


if __name__ == "__main__":
    main()
