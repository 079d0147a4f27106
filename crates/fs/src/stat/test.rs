use super::*;
use crate::types::{DevId, FileType};

fn sample() -> Metadata {
    let mut m = Metadata::new(
        42,
        FileType::Regular,
        0o755,
        1000,
        100,
        Timespec { sec: 7, nsec: 9 },
    );
    m.dev = DevId::new(0, 5);
    m.rdev = DevId::new(4, 64);
    m.size = 12345;
    m.blocks = 32;
    m.nlink = 3;
    m
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_ne_bytes(b[off..off + 8].try_into().unwrap())
}
fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_ne_bytes(b[off..off + 4].try_into().unwrap())
}

#[test]
fn sizes_match_linux_x86_64() {
    assert_eq!(STAT_SIZE, 144);
    assert_eq!(STATX_SIZE, 256);
    assert_eq!(STATFS_SIZE, 120);
}

#[test]
fn stat_layout() {
    let b = encode_stat(&sample());
    // Offsets from Linux arch/x86/include/uapi/asm/stat.h (x86_64).
    assert_eq!(u64_at(&b, 0), 5); // st_dev
    assert_eq!(u64_at(&b, 8), 42); // st_ino
    assert_eq!(u64_at(&b, 16), 3); // st_nlink
    assert_eq!(u32_at(&b, 24), 0o100755); // st_mode
    assert_eq!(u32_at(&b, 28), 1000); // st_uid
    assert_eq!(u32_at(&b, 32), 100); // st_gid
    assert_eq!(u64_at(&b, 40), 0x440); // st_rdev
    assert_eq!(u64_at(&b, 48), 12345); // st_size
    assert_eq!(u64_at(&b, 56), 4096); // st_blksize
    assert_eq!(u64_at(&b, 64), 32); // st_blocks
    assert_eq!(u64_at(&b, 72), 7); // st_atime
    assert_eq!(u64_at(&b, 80), 9); // st_atime_nsec
    assert_eq!(u64_at(&b, 88), 7); // st_mtime
}

#[test]
fn statx_layout() {
    let b = encode_statx(&sample(), 3, true);
    assert_eq!(
        u32_at(&b, 0) & abi::linux::STATX_BASIC_STATS,
        abi::linux::STATX_BASIC_STATS
    );
    assert_eq!(u32_at(&b, 16), 3); // stx_nlink
    assert_eq!(u16::from_ne_bytes([b[28], b[29]]), 0o100755); // stx_mode
    assert_eq!(u64_at(&b, 32), 42); // stx_ino
    assert_eq!(u64_at(&b, 40), 12345); // stx_size
    assert_eq!(u64_at(&b, 64), 7); // stx_atime.tv_sec
    assert_eq!(u32_at(&b, 72), 9); // stx_atime.tv_nsec
    assert_eq!((u32_at(&b, 128), u32_at(&b, 132)), (4, 64)); // rdev
    assert_eq!((u32_at(&b, 136), u32_at(&b, 140)), (0, 5)); // dev
    assert_eq!(u64_at(&b, 144), 3); // mnt_id
    assert_eq!(u64_at(&b, 8), abi::linux::STATX_ATTR_MOUNT_ROOT as u64);
}

#[test]
fn statfs_layout() {
    let s = StatFs {
        fs_type: abi::linux::TMPFS_MAGIC as u64,
        block_size: 4096,
        name_max: 255,
        ..StatFs::default()
    };
    let b = encode_statfs(&s, DevId::new(0, 9));
    assert_eq!(u64_at(&b, 0), abi::linux::TMPFS_MAGIC as u64);
    assert_eq!(u64_at(&b, 8), 4096);
    assert_eq!(u32_at(&b, 56), 9); // f_fsid
    assert_eq!(u64_at(&b, 64), 255); // f_namelen
}
