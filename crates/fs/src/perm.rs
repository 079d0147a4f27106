//! Permission checks: who may read, write or search an inode (Linux
//! `generic_permission`, without ACLs or capabilities other than root's).

use abi::{Errno, KResult};
use bitflags::bitflags;

use crate::types::{FileType, Metadata};

/// The credentials a file system operation runs with: the caller's file
/// system uid and gid and its supplementary groups.
#[derive(Clone, Copy, Debug)]
pub struct Cred<'a> {
    /// File system user id (Linux `fsuid`, normally the effective uid).
    pub uid: u32,
    /// File system group id (normally the effective gid).
    pub gid: u32,
    /// Supplementary groups.
    pub groups: &'a [u32],
}

impl Cred<'static> {
    /// uid 0, gid 0: the kernel's own operations (initramfs unpacking).
    pub const ROOT: Cred<'static> = Cred {
        uid: 0,
        gid: 0,
        groups: &[],
    };
}

impl Cred<'_> {
    /// Whether the caller is root (uid 0 bypasses permission bits).
    pub fn is_root(&self) -> bool {
        self.uid == 0
    }

    /// Whether the caller is in group `gid` (primary or supplementary).
    pub fn in_group(&self, gid: u32) -> bool {
        self.gid == gid || self.groups.contains(&gid)
    }
}

bitflags! {
    /// What an access wants (`access(2)`'s `R_OK`/`W_OK`/`X_OK` values).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Access: u32 {
        /// Read a file, list a directory.
        const READ = 4;
        /// Write a file, add or remove names in a directory.
        const WRITE = 2;
        /// Execute a file, search (walk through) a directory.
        const EXEC = 1;
    }
}

/// Checks `want` against the mode, owner and group in `meta` (EACCES if
/// denied). Root may always read and write, and may execute when the inode
/// is a directory or has at least one execute bit, as on Linux.
pub fn check_access(meta: &Metadata, cred: &Cred<'_>, want: Access) -> KResult<()> {
    if cred.is_root() {
        let any_x = meta.mode & 0o111 != 0;
        if want.contains(Access::EXEC) && !any_x && meta.file_type() != FileType::Directory {
            return Err(Errno::EACCES);
        }
        return Ok(());
    }
    let class = if meta.uid == cred.uid {
        (meta.mode >> 6) & 7
    } else if cred.in_group(meta.gid) {
        (meta.mode >> 3) & 7
    } else {
        meta.mode & 7
    };
    if class & want.bits() == want.bits() {
        Ok(())
    } else {
        Err(Errno::EACCES)
    }
}

/// Whether the caller owns the inode or is root (needed for chmod, utimes
/// with explicit times, and to remove others' files from a sticky directory).
pub fn is_owner_or_root(meta: &Metadata, cred: &Cred<'_>) -> bool {
    cred.is_root() || meta.uid == cred.uid
}

/// The sticky-directory rule (`S_ISVTX`, Linux `check_sticky`): in a sticky
/// directory only the owner of the entry, the owner of the directory or root
/// may remove or rename the entry.
pub fn check_sticky(dir: &Metadata, victim: &Metadata, cred: &Cred<'_>) -> KResult<()> {
    const S_ISVTX: u32 = abi::linux::S_ISVTX;
    if dir.mode & S_ISVTX == 0 || cred.is_root() || victim.uid == cred.uid || dir.uid == cred.uid {
        Ok(())
    } else {
        Err(Errno::EPERM)
    }
}

#[cfg(test)]
mod test;
