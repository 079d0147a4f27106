//! Encoders of the Linux x86_64 layouts of `struct stat` (144 bytes),
//! `struct statx` (256 bytes) and `struct statfs` (120 bytes), written with
//! the field offsets of linux-raw-sys (`abi::linux`), without unsafe.

use core::mem::{offset_of, size_of};

use abi::linux as l;

use crate::inode::StatFs;
use crate::types::{Metadata, Timespec};

/// Size of `struct stat`.
pub const STAT_SIZE: usize = size_of::<l::stat>();
/// Size of `struct statx`.
pub const STATX_SIZE: usize = size_of::<l::statx>();
/// Size of `struct statfs`.
pub const STATFS_SIZE: usize = size_of::<l::statfs>();

fn put(buf: &mut [u8], off: usize, bytes: &[u8]) {
    buf[off..off + bytes.len()].copy_from_slice(bytes);
}

/// `struct stat` for `stat`, `fstat`, `lstat`, `newfstatat`. Device numbers
/// use the `new_encode_dev` layout.
pub fn encode_stat(m: &Metadata) -> [u8; STAT_SIZE] {
    let mut b = [0u8; STAT_SIZE];
    put(
        &mut b,
        offset_of!(l::stat, st_dev),
        &m.dev.to_raw().to_ne_bytes(),
    );
    put(&mut b, offset_of!(l::stat, st_ino), &m.ino.to_ne_bytes());
    put(
        &mut b,
        offset_of!(l::stat, st_nlink),
        &(m.nlink as u64).to_ne_bytes(),
    );
    put(&mut b, offset_of!(l::stat, st_mode), &m.mode.to_ne_bytes());
    put(&mut b, offset_of!(l::stat, st_uid), &m.uid.to_ne_bytes());
    put(&mut b, offset_of!(l::stat, st_gid), &m.gid.to_ne_bytes());
    put(
        &mut b,
        offset_of!(l::stat, st_rdev),
        &m.rdev.to_raw().to_ne_bytes(),
    );
    put(&mut b, offset_of!(l::stat, st_size), &m.size.to_ne_bytes());
    put(
        &mut b,
        offset_of!(l::stat, st_blksize),
        &(m.blksize as u64).to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(l::stat, st_blocks),
        &m.blocks.to_ne_bytes(),
    );
    let times = [
        (
            offset_of!(l::stat, st_atime),
            offset_of!(l::stat, st_atime_nsec),
            m.atime,
        ),
        (
            offset_of!(l::stat, st_mtime),
            offset_of!(l::stat, st_mtime_nsec),
            m.mtime,
        ),
        (
            offset_of!(l::stat, st_ctime),
            offset_of!(l::stat, st_ctime_nsec),
            m.ctime,
        ),
    ];
    for (s, ns, t) in times {
        put(&mut b, s, &t.sec.to_ne_bytes());
        put(&mut b, ns, &(t.nsec as u64).to_ne_bytes());
    }
    b
}

fn put_statx_time(b: &mut [u8], off: usize, t: Timespec) {
    put(
        b,
        off + offset_of!(l::statx_timestamp, tv_sec),
        &t.sec.to_ne_bytes(),
    );
    put(
        b,
        off + offset_of!(l::statx_timestamp, tv_nsec),
        &t.nsec.to_ne_bytes(),
    );
}

/// `struct statx`. Everything in `STATX_BASIC_STATS` and `STATX_MNT_ID` is
/// always filled (Linux may return more than asked); birth time is not.
pub fn encode_statx(m: &Metadata, mnt_id: u64, mount_root: bool) -> [u8; STATX_SIZE] {
    let mut b = [0u8; STATX_SIZE];
    let mask = l::STATX_BASIC_STATS | l::STATX_MNT_ID;
    put(&mut b, offset_of!(l::statx, stx_mask), &mask.to_ne_bytes());
    put(
        &mut b,
        offset_of!(l::statx, stx_blksize),
        &m.blksize.to_ne_bytes(),
    );
    let attrs = if mount_root {
        l::STATX_ATTR_MOUNT_ROOT as u64
    } else {
        0
    };
    put(
        &mut b,
        offset_of!(l::statx, stx_attributes),
        &attrs.to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(l::statx, stx_attributes_mask),
        &(l::STATX_ATTR_MOUNT_ROOT as u64).to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(l::statx, stx_nlink),
        &m.nlink.to_ne_bytes(),
    );
    put(&mut b, offset_of!(l::statx, stx_uid), &m.uid.to_ne_bytes());
    put(&mut b, offset_of!(l::statx, stx_gid), &m.gid.to_ne_bytes());
    put(
        &mut b,
        offset_of!(l::statx, stx_mode),
        &(m.mode as u16).to_ne_bytes(),
    );
    put(&mut b, offset_of!(l::statx, stx_ino), &m.ino.to_ne_bytes());
    put(
        &mut b,
        offset_of!(l::statx, stx_size),
        &m.size.to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(l::statx, stx_blocks),
        &m.blocks.to_ne_bytes(),
    );
    put_statx_time(&mut b, offset_of!(l::statx, stx_atime), m.atime);
    put_statx_time(&mut b, offset_of!(l::statx, stx_ctime), m.ctime);
    put_statx_time(&mut b, offset_of!(l::statx, stx_mtime), m.mtime);
    put(
        &mut b,
        offset_of!(l::statx, stx_rdev_major),
        &m.rdev.major.to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(l::statx, stx_rdev_minor),
        &m.rdev.minor.to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(l::statx, stx_dev_major),
        &m.dev.major.to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(l::statx, stx_dev_minor),
        &m.dev.minor.to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(l::statx, stx_mnt_id),
        &mnt_id.to_ne_bytes(),
    );
    b
}

/// `struct statfs` for `statfs`/`fstatfs` (`f_fsid` is the device number).
pub fn encode_statfs(s: &StatFs, dev: crate::types::DevId) -> [u8; STATFS_SIZE] {
    let mut b = [0u8; STATFS_SIZE];
    let fields = [
        (offset_of!(l::statfs, f_type), s.fs_type),
        (offset_of!(l::statfs, f_bsize), s.block_size),
        (offset_of!(l::statfs, f_blocks), s.blocks),
        (offset_of!(l::statfs, f_bfree), s.blocks_free),
        (offset_of!(l::statfs, f_bavail), s.blocks_free),
        (offset_of!(l::statfs, f_files), s.files),
        (offset_of!(l::statfs, f_ffree), s.files_free),
        (offset_of!(l::statfs, f_namelen), s.name_max),
        (offset_of!(l::statfs, f_frsize), s.block_size),
    ];
    for (off, v) in fields {
        put(&mut b, off, &v.to_ne_bytes());
    }
    let fsid = offset_of!(l::statfs, f_fsid);
    put(&mut b, fsid, &(dev.to_raw() as u32).to_ne_bytes());
    b
}

#[cfg(test)]
mod test;
