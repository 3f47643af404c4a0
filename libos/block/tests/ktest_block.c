/* In-kernel tests of the block layer and the block cache over RAM disks:
 * the registry, error injection, write-back on sync and on eviction. */
#include <string.h>
#include <abi/errno.h>
#include <block/blockdev.h>
#include <mm/kmalloc.h>
#include <vfs/bcache.h>
#include <ktest.h>

KTEST(blockdev_registry_and_ramdisk_errors, KTEST_DEFAULT)
{
    static uint8_t mem[64 * 512];
    struct blockdev *dev = ramdisk_create("kb0", mem, sizeof(mem), false);
    KTEST_EXPECT(dev, "ramdisk_create failed");
    KTEST_EXPECT(blockdev_register(dev) == 0, "register");
    KTEST_EXPECT(blockdev_register(dev) == -EEXIST, "second register not EEXIST");
    KTEST_EXPECT(blockdev_find("kb0") == dev, "find");
    uint8_t buf[1024];
    memset(buf, 0xab, sizeof(buf));
    KTEST_EXPECT(blockdev_rw(dev, true, 10, 2, buf) == 0, "write");
    KTEST_EXPECT(mem[10 * 512] == 0xab && mem[12 * 512 - 1] == 0xab, "data not in RAM");
    int rc = blockdev_rw(dev, false, 63, 2, buf);
    KTEST_EXPECT(rc == -EINVAL, "read past the end: expected -EINVAL, got %d", rc);
    ramdisk_inject_error(dev, 11, 1, RAMDISK_FAIL_READ);
    rc = blockdev_rw(dev, false, 10, 2, buf);
    KTEST_EXPECT(rc == -EIO, "injected error: expected -EIO, got %d", rc);
    KTEST_EXPECT(blockdev_rw(dev, true, 10, 2, buf) == 0, "writes still work");
    ramdisk_inject_error(dev, 0, 0, 0);
    KTEST_EXPECT(blockdev_rw(dev, false, 10, 2, buf) == 0, "cleared");
    blockdev_unregister(dev);
    KTEST_EXPECT(blockdev_find("kb0") == NULL, "still found after unregister");
    ramdisk_destroy(dev);
    return 0;
}

KTEST(bcache_writes_back_on_sync_and_eviction, KTEST_DEFAULT)
{
    const unsigned blocks = 64;
    uint8_t *mem = kzalloc(blocks * 1024);
    struct blockdev *dev = ramdisk_create("kb1", mem, blocks * 1024, false);
    KTEST_EXPECT(mem && dev && blockdev_register(dev) == 0, "set-up");
    struct bcache_buf *b;
    KTEST_EXPECT(bcache_read(dev, 1024, 3, &b) == 0, "read");
    memset(b->data, 0x11, 1024);
    bcache_mark_dirty(b);
    bcache_release(b);
    KTEST_EXPECT(mem[3 * 1024] == 0, "written before sync (not write-back)");
    KTEST_EXPECT(bcache_sync(dev) == 0, "sync");
    KTEST_EXPECT(mem[3 * 1024] == 0x11 && mem[4 * 1024 - 1] == 0x11, "not written by sync");
    /* Eviction: with the limit at 16, dirtying 40 blocks writes most back. */
    struct bcache_stats st;
    bcache_get_stats(&st);
    unsigned old_limit = st.limit;
    bcache_set_limit(16);
    for (unsigned i = 10; i < 50; i++) {
        KTEST_EXPECT(bcache_get_zeroed(dev, 1024, i, &b) == 0, "get_zeroed %u", i);
        memset(b->data, (int)i, 1024);
        bcache_release(b);
    }
    KTEST_EXPECT(mem[10 * 1024] == 10, "the oldest dirty block was not written at eviction");
    KTEST_EXPECT(bcache_read(dev, 1024, 10, &b) == 0 && b->data[5] == 10, "re-read");
    bcache_release(b);
    KTEST_EXPECT(bcache_sync(dev) == 0, "sync");
    for (unsigned i = 10; i < 50; i++)
        KTEST_EXPECT(mem[i * 1024 + 7] == i, "block %u not on the disk", i);
    KTEST_EXPECT(bcache_read(dev, 1024, blocks, &b) == -EINVAL, "block past the end");
    bcache_set_limit(old_limit);
    bcache_invalidate(dev);
    blockdev_unregister(dev);
    ramdisk_destroy(dev);
    kfree(mem);
    return 0;
}
