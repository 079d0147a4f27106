//! The `linux_dirent64` encoder for `getdents64`.
//!
//! Record layout (x86_64, see `abi::linux::linux_dirent64`): `d_ino: u64`,
//! `d_off: i64`, `d_reclen: u16`, `d_type: u8`, then the NUL-terminated name,
//! the whole record padded to a multiple of 8 bytes.

use core::mem::offset_of;

use abi::linux::linux_dirent64 as D;
use abi::{Errno, KResult};

use crate::inode::{DirEntry, Inode};

/// Size of the record for a name of `name_len` bytes.
pub fn dirent64_len(name_len: usize) -> usize {
    (offset_of!(D, d_name) + name_len + 1).next_multiple_of(8)
}

/// Writes one record at the start of `buf`; returns its length, or `None`
/// if it does not fit.
pub fn encode_dirent64(
    buf: &mut [u8],
    ino: u64,
    next_off: u64,
    d_type: u8,
    name: &[u8],
) -> Option<usize> {
    let len = dirent64_len(name.len());
    let rec = buf.get_mut(..len)?;
    rec.fill(0);
    rec[offset_of!(D, d_ino)..][..8].copy_from_slice(&ino.to_ne_bytes());
    rec[offset_of!(D, d_off)..][..8].copy_from_slice(&next_off.to_ne_bytes());
    rec[offset_of!(D, d_reclen)..][..2].copy_from_slice(&(len as u16).to_ne_bytes());
    rec[offset_of!(D, d_type)] = d_type;
    rec[offset_of!(D, d_name)..][..name.len()].copy_from_slice(name);
    Some(len)
}

/// Fills `buf` with the entries of `dir` from `*offset` on, advancing
/// `*offset` past each entry written. Returns the bytes written (0 at the
/// end); EINVAL if the first entry does not fit.
pub fn fill_dirents(dir: &dyn Inode, offset: &mut u64, buf: &mut [u8]) -> KResult<usize> {
    let mut used = 0;
    while let Some(DirEntry {
        ino,
        file_type,
        name,
        next_offset,
    }) = dir.read_dir(*offset)?
    {
        match encode_dirent64(
            &mut buf[used..],
            ino,
            next_offset,
            file_type.dirent_type(),
            &name,
        ) {
            Some(n) => used += n,
            None if used == 0 => return Err(Errno::EINVAL),
            None => break,
        }
        *offset = next_offset;
    }
    Ok(used)
}

#[cfg(test)]
mod test;
