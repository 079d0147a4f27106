//! newc cpio: header parsing and creating each entry in the ramfs.
//!
//! Header: magic "070701"/"070702", then 13 eight-digit hex fields (ino,
//! mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
//! rdevminor, namesize, check); the name (with NUL) follows, padded so that
//! header + name is a multiple of 4, then the data, padded to 4. The archive
//! ends with the entry "TRAILER!!!". Entries with nlink >= 2 and the same
//! (ino, devmajor, devminor) are hard links to one file; the data may come
//! with any of them (GNU cpio puts it on the last).

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::linux as l;
use abi::{Errno, KResult};

use super::UnpackStats;
use crate::inode::{Inode, NewNode};
use crate::types::{DevId, SetAttr, TimeChange, Timespec};

/// Size of a newc header.
pub const HEADER_LEN: usize = 110;
const TRAILER: &[u8] = b"TRAILER!!!";

/// A parsed header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpioEntry {
    /// Inode number (identifies hard links).
    pub ino: u32,
    /// Type and permission bits.
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Link count.
    pub nlink: u32,
    /// Modification time (seconds).
    pub mtime: u32,
    /// Data length.
    pub filesize: u32,
    /// Device holding the file (for hard-link identity).
    pub dev: DevId,
    /// Device a device node stands for.
    pub rdev: DevId,
    /// Name length including the NUL.
    pub namesize: u32,
    /// Data checksum ("070702" only).
    pub check: Option<u32>,
}

fn hex(field: &[u8]) -> KResult<u32> {
    let s = core::str::from_utf8(field).map_err(|_| Errno::EINVAL)?;
    u32::from_str_radix(s, 16).map_err(|_| Errno::EINVAL)
}

/// Parses the header at the start of `data`.
pub fn parse_header(data: &[u8]) -> KResult<CpioEntry> {
    let h = data.get(..HEADER_LEN).ok_or(Errno::EINVAL)?;
    let crc = match &h[..6] {
        b"070701" => false,
        b"070702" => true,
        _ => return Err(Errno::EINVAL),
    };
    let mut f = [0u32; 13];
    for (i, v) in f.iter_mut().enumerate() {
        *v = hex(&h[6 + i * 8..14 + i * 8])?;
    }
    Ok(CpioEntry {
        ino: f[0],
        mode: f[1],
        uid: f[2],
        gid: f[3],
        nlink: f[4],
        mtime: f[5],
        filesize: f[6],
        dev: DevId::new(f[7], f[8]),
        rdev: DevId::new(f[9], f[10]),
        namesize: f[11],
        check: crc.then_some(f[12]),
    })
}

/// Unpacks one archive from the start of `data`; returns the bytes it took
/// (through the trailer and its padding).
pub(super) fn unpack_archive(
    root: &Arc<dyn Inode>,
    data: &[u8],
    stats: &mut UnpackStats,
) -> KResult<usize> {
    let mut links: BTreeMap<(u32, DevId), Arc<dyn Inode>> = BTreeMap::new();
    let mut pos = 0;
    loop {
        let e = parse_header(data.get(pos..).ok_or(Errno::EINVAL)?)?;
        let name_start = pos + HEADER_LEN;
        let name_end = name_start + e.namesize as usize;
        let raw_name = data.get(name_start..name_end).ok_or(Errno::EINVAL)?;
        let name = raw_name.strip_suffix(b"\0").unwrap_or(raw_name);
        let data_start = name_end.next_multiple_of(4);
        let data_end = data_start + e.filesize as usize;
        let body = data.get(data_start..data_end).ok_or(Errno::EINVAL)?;
        pos = data_end.next_multiple_of(4).min(data.len());
        if name == TRAILER {
            return Ok(pos);
        }
        if let Some(sum) = e.check {
            let actual = body.iter().fold(0u32, |a, &b| a.wrapping_add(b as u32));
            if actual != sum {
                log::warn!(
                    "initramfs: bad checksum for {:?}",
                    core::str::from_utf8(name)
                );
                return Err(Errno::EINVAL);
            }
        }
        if let Err(err) = create_entry(root, name, &e, body, &mut links, stats) {
            log::warn!("initramfs: {:?}: {err:?}", core::str::from_utf8(name));
        }
    }
}

/// The components of an archive name, without `.`, empty parts and leading `/`.
fn components(name: &[u8]) -> Vec<&[u8]> {
    name.split(|&c| c == b'/')
        .filter(|c| !c.is_empty() && *c != b".")
        .collect()
}

/// The directory that holds the last component, creating missing ones.
fn parent_dir(root: &Arc<dyn Inode>, comps: &[&[u8]]) -> KResult<Arc<dyn Inode>> {
    let mut dir = root.clone();
    for c in comps {
        dir = match dir.lookup(c) {
            Ok(d) => d,
            Err(Errno::ENOENT) => dir.create(c, NewNode::Directory, 0o755, 0, 0)?,
            Err(e) => return Err(e),
        };
    }
    Ok(dir)
}

fn create_entry(
    root: &Arc<dyn Inode>,
    name: &[u8],
    e: &CpioEntry,
    body: &[u8],
    links: &mut BTreeMap<(u32, DevId), Arc<dyn Inode>>,
    stats: &mut UnpackStats,
) -> KResult<()> {
    let perm = e.mode & 0o7777;
    let mtime = TimeChange::Set(Timespec {
        sec: e.mtime as i64,
        nsec: 0,
    });
    let attr = SetAttr {
        mode: Some(perm),
        uid: Some(e.uid),
        gid: Some(e.gid),
        atime: mtime,
        mtime,
    };
    let comps = components(name);
    let Some((last, parents)) = comps.split_last() else {
        // "." itself: like Linux, its attributes go to the root.
        if e.mode & l::S_IFMT == l::S_IFDIR {
            root.set_attr(&attr)?;
            stats.entries += 1;
        }
        return Ok(());
    };
    let dir = parent_dir(root, parents)?;
    let node = match e.mode & l::S_IFMT {
        l::S_IFDIR => NewNode::Directory,
        l::S_IFREG => NewNode::Regular,
        l::S_IFLNK => NewNode::Symlink(body),
        l::S_IFCHR => NewNode::CharDevice(e.rdev),
        l::S_IFBLK => NewNode::BlockDevice(e.rdev),
        l::S_IFIFO => NewNode::Fifo,
        l::S_IFSOCK => NewNode::Socket,
        _ => return Err(Errno::EINVAL),
    };
    let inode = match dir.lookup(last) {
        // An existing directory is kept (its attributes updated).
        Ok(old) if node == NewNode::Directory && old.metadata().is_dir() => old,
        found => {
            if let Ok(old) = found {
                if old.metadata().is_dir() {
                    dir.rmdir(last)?
                } else {
                    dir.unlink(last)?
                }
            }
            let key = (e.ino, e.dev);
            match links.get(&key) {
                Some(target) if node == NewNode::Regular && e.nlink >= 2 => {
                    dir.link(last, target)?;
                    target.clone()
                }
                _ => {
                    let inode = dir.create(last, node, perm, e.uid, e.gid)?;
                    if node == NewNode::Regular && e.nlink >= 2 {
                        links.insert(key, inode.clone());
                    }
                    inode
                }
            }
        }
    };
    if node == NewNode::Regular && !body.is_empty() {
        inode.write_at(0, body)?;
        stats.bytes += body.len() as u64;
    }
    if !matches!(node, NewNode::Symlink(_)) {
        inode.set_attr(&attr)?;
    }
    stats.entries += 1;
    Ok(())
}
