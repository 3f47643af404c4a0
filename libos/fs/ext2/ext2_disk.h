/* The ext2 on-disk format (revision 0 and 1), as the Linux ext2 driver and
 * e2fsprogs define it. Every field is little-endian; both our architectures
 * are little-endian, so the structures are used in place. Nothing read from
 * here is trusted: ext2 checks every number before using it. */
#ifndef EXT2_DISK_H
#define EXT2_DISK_H

#include <stddef.h>
#include <stdint.h>

#define EXT2_SUPER_OFFSET 1024u
#define EXT2_SUPER_MAGIC 0xEF53u
#define EXT2_ROOT_INO 2u
#define EXT2_GOOD_OLD_FIRST_INO 11u
#define EXT2_GOOD_OLD_INODE_SIZE 128u
#define EXT2_GOOD_OLD_REV 0u
#define EXT2_DYNAMIC_REV 1u

#define EXT2_VALID_FS 0x1u
#define EXT2_ERROR_FS 0x2u

#define EXT2_FEATURE_COMPAT_RESIZE_INODE 0x0010u
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020u
#define EXT2_FEATURE_COMPAT_SPARSE_SUPER2 0x0200u
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002u
#define EXT2_FEATURE_INCOMPAT_FLEX_BG 0x0200u
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001u
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002u
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR 0x0004u
/* What this driver understands: others incompatible refuse the mount,
 * others read-only-compatible force a read-only mount. */
#define EXT2_SUPPORTED_INCOMPAT (EXT2_FEATURE_INCOMPAT_FILETYPE | EXT2_FEATURE_INCOMPAT_FLEX_BG)
#define EXT2_SUPPORTED_RO_COMPAT (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
                                  EXT2_FEATURE_RO_COMPAT_LARGE_FILE |   \
                                  EXT2_FEATURE_RO_COMPAT_BTREE_DIR)

struct ext2_super {
    uint32_t s_inodes_count;
    uint32_t s_blocks_count;
    uint32_t s_r_blocks_count;
    uint32_t s_free_blocks_count;
    uint32_t s_free_inodes_count;
    uint32_t s_first_data_block;
    uint32_t s_log_block_size;
    uint32_t s_log_frag_size;
    uint32_t s_blocks_per_group;
    uint32_t s_frags_per_group;
    uint32_t s_inodes_per_group;
    uint32_t s_mtime;
    uint32_t s_wtime;
    uint16_t s_mnt_count;
    int16_t s_max_mnt_count;
    uint16_t s_magic;
    uint16_t s_state;
    uint16_t s_errors;
    uint16_t s_minor_rev_level;
    uint32_t s_lastcheck;
    uint32_t s_checkinterval;
    uint32_t s_creator_os;
    uint32_t s_rev_level;
    uint16_t s_def_resuid;
    uint16_t s_def_resgid;
    /* EXT2_DYNAMIC_REV */
    uint32_t s_first_ino;
    uint16_t s_inode_size;
    uint16_t s_block_group_nr;
    uint32_t s_feature_compat;
    uint32_t s_feature_incompat;
    uint32_t s_feature_ro_compat;
    uint8_t s_uuid[16];
    char s_volume_name[16];
    char s_last_mounted[64];
    uint32_t s_algorithm_usage_bitmap;
    uint8_t s_prealloc_blocks;
    uint8_t s_prealloc_dir_blocks;
    uint16_t s_reserved_gdt_blocks;     /* after the descriptors, with RESIZE_INODE */
    uint8_t s_journal_uuid[16];
    uint32_t s_journal_inum;
    uint32_t s_journal_dev;
    uint32_t s_last_orphan;
    uint32_t s_hash_seed[4];
    uint8_t s_def_hash_version;
    uint8_t s_reserved_char_pad;
    uint16_t s_desc_size;
    uint32_t s_default_mount_opts;
    uint32_t s_first_meta_bg;
    uint8_t s_rest[324];
    uint32_t s_backup_bgs[2];   /* with SPARSE_SUPER2: the groups with copies */
    uint8_t s_rest2[428];
};
_Static_assert(sizeof(struct ext2_super) == 1024, "ext2 superblock is 1024 bytes");
_Static_assert(offsetof(struct ext2_super, s_backup_bgs) == 0x24c, "s_backup_bgs at 0x24c");

struct ext2_group_desc {
    uint32_t bg_block_bitmap;
    uint32_t bg_inode_bitmap;
    uint32_t bg_inode_table;
    uint16_t bg_free_blocks_count;
    uint16_t bg_free_inodes_count;
    uint16_t bg_used_dirs_count;
    uint16_t bg_flags;
    uint8_t bg_reserved[12];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor is 32 bytes");

#define EXT2_NDIR_BLOCKS 12u
#define EXT2_IND_BLOCK 12u
#define EXT2_DIND_BLOCK 13u
#define EXT2_TIND_BLOCK 14u
#define EXT2_N_BLOCKS 15u

#define EXT2_INDEX_FL 0x00001000u       /* hashed directory (we clear it on change) */

struct ext2_inode {
    uint16_t i_mode;
    uint16_t i_uid;
    uint32_t i_size;
    uint32_t i_atime;
    uint32_t i_ctime;
    uint32_t i_mtime;
    uint32_t i_dtime;
    uint16_t i_gid;
    uint16_t i_links_count;
    uint32_t i_blocks;          /* 512-byte units, indirect blocks included */
    uint32_t i_flags;
    uint32_t i_osd1;
    uint32_t i_block[EXT2_N_BLOCKS];
    uint32_t i_generation;
    uint32_t i_file_acl;
    uint32_t i_size_high;       /* i_dir_acl in revision 0 */
    uint32_t i_faddr;
    uint16_t l_i_blocks_hi;
    uint16_t l_i_file_acl_high;
    uint16_t l_i_uid_high;
    uint16_t l_i_gid_high;
    uint32_t l_i_reserved2;
};
_Static_assert(sizeof(struct ext2_inode) == 128, "ext2 inode is 128 bytes");

struct ext2_dirent {
    uint32_t inode;             /* 0: unused */
    uint16_t rec_len;
    uint8_t name_len;
    uint8_t file_type;          /* with the filetype feature; else name_len's high byte */
    char name[];
};
#define EXT2_DIRENT_HEADER 8u
#define EXT2_DIRENT_LEN(name_len) (((unsigned)(name_len) + EXT2_DIRENT_HEADER + 3u) & ~3u)

#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

/* Extended-attribute block header (only the reference count matters here:
 * freeing an inode drops its reference). */
#define EXT2_XATTR_MAGIC 0xEA020000u
struct ext2_xattr_header {
    uint32_t h_magic;
    uint32_t h_refcount;
    uint32_t h_blocks;
    uint32_t h_hash;
};

#endif
