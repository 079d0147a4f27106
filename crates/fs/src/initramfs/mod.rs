//! Unpacking the initramfs into a ramfs, as Linux's `init/initramfs.c` does:
//! a sequence of newc cpio archives ("070701", or "070702" with checksums),
//! each plain or gzip-compressed, separated by zero padding. A compressed
//! member may itself hold several archives.

mod cpio;
mod gzip;

use alloc::sync::Arc;

use abi::{Errno, KResult};

use crate::inode::Inode;

pub use cpio::{CpioEntry, parse_header};
pub use gzip::gunzip_member;

/// Counts of what was unpacked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnpackStats {
    /// Entries created (all types, hard links included).
    pub entries: usize,
    /// Bytes of file data written.
    pub bytes: u64,
}

/// Unpacks `image` into the directory `root` (the root of a ramfs), as
/// root. EINVAL for data that is neither an archive, padding nor gzip.
pub fn unpack(root: &Arc<dyn Inode>, image: &[u8]) -> KResult<UnpackStats> {
    let mut stats = UnpackStats::default();
    unpack_into(root, image, &mut stats)?;
    Ok(stats)
}

fn unpack_into(root: &Arc<dyn Inode>, image: &[u8], stats: &mut UnpackStats) -> KResult<()> {
    let mut pos = 0;
    while pos < image.len() {
        let rest = &image[pos..];
        if rest[0] == 0 {
            pos += 1;
        } else if rest.starts_with(b"0707") {
            pos += cpio::unpack_archive(root, rest, stats)?;
        } else if rest.starts_with(&gzip::GZIP_MAGIC) {
            let (data, used) = gunzip_member(rest)?;
            unpack_into(root, &data, stats)?;
            pos += used;
        } else {
            log::warn!("initramfs: junk at offset {pos}");
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}

#[cfg(test)]
mod test;
