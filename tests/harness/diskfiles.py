"""Fixtures for the disk boot tests (libos/drivers/tests/ktest_disk.c):
ext2 images made with mke2fs -d from a host directory, the files the guest
is expected to write (compared with debugfs afterwards) and a blkdebug
configuration that fails reads of one file. Usage: diskfiles.py OUTDIR."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import disk  # noqa: E402


def pattern(size):
    """The bytes ktest_disk.c's disk_pattern() gives for offsets 0..size-1."""
    return bytes((((i * 2654435761) & 0xffffffff) >> 13) & 0xff for i in range(size))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    # What the guest writes (disk_writes_files_host_reads).
    write(os.path.join(out, "expect-large.bin"), pattern(3 * 1048576 + 517))
    write(os.path.join(out, "expect-moved.txt"), b"written by tandem\n")
    with tempfile.TemporaryDirectory(prefix="diskfiles.") as src:
        write(os.path.join(src, "host", "hello.txt"), b"hello from the host\n")
        write(os.path.join(src, "host", "pattern.bin"), pattern(1048576 + 123))
        write(os.path.join(src, "host", "eio.bin"), pattern(65536))
        os.makedirs(os.path.join(src, "host", "dir", "deeper"), exist_ok=True)
        disk.mke2fs(os.path.join(out, "disk1k.img"), 32 << 20, 1024, source_dir=src)
        disk.mke2fs(os.path.join(out, "disk4k.img"), 64 << 20, 4096, source_dir=src)
    disk.mke2fs(os.path.join(out, "full.img"), 2 << 20, 1024)

    # blkdebug: every read touching eio.bin's first block fails with EIO.
    text, _ = disk.debugfs(os.path.join(out, "disk1k.img"), "bmap /host/eio.bin 0")
    block = int(text.decode().split()[0])
    with open(os.path.join(out, "blkdebug.conf"), "w") as f:
        f.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n'
                'once = "off"\n' % (block * 2))


if __name__ == "__main__":
    main()
