//! Attribute changes: chmod, chown, utimens, truncate — by path and on an
//! already-open inode (fchmod, fchown, futimens).

use alloc::sync::Arc;

use abi::linux as l;
use abi::{Errno, KResult};

use super::Resolver;
use crate::inode::Inode;
use crate::location::Location;
use crate::perm::{Access, check_access, is_owner_or_root};
use crate::types::{FileType, SetAttr, TimeChange};

impl Resolver<'_> {
    /// Applies `attr` to `inode` after Linux's permission rules
    /// (`setattr_prepare`):
    /// - mode: owner or root (EPERM); a non-root owner outside the file's
    ///   group loses `S_ISGID`.
    /// - uid: root only, unless unchanged (EPERM).
    /// - gid: root, or the owner changing to one of its groups (EPERM).
    /// - times: explicit values need owner or root (EPERM); "now" for both
    ///   also allows anyone with write permission (EACCES).
    /// - chown by anyone clears set-user-id and set-group-id on non-directories.
    pub fn set_attr(&self, inode: &Arc<dyn Inode>, attr: &SetAttr) -> KResult<()> {
        let meta = inode.metadata();
        let owner = is_owner_or_root(&meta, &self.cred);
        let mut attr = *attr;
        if let Some(mode) = attr.mode {
            if !owner {
                return Err(Errno::EPERM);
            }
            if !self.cred.is_root() && !self.cred.in_group(attr.gid.unwrap_or(meta.gid)) {
                attr.mode = Some(mode & !l::S_ISGID);
            }
        }
        if attr.uid.is_some_and(|u| u != meta.uid) && !self.cred.is_root() {
            return Err(Errno::EPERM);
        }
        if let Some(g) = attr.gid
            && g != meta.gid
            && !self.cred.is_root()
            && !(meta.uid == self.cred.uid && self.cred.in_group(g))
        {
            return Err(Errno::EPERM);
        }
        let explicit = |t: TimeChange| matches!(t, TimeChange::Set(_));
        if (explicit(attr.atime) || explicit(attr.mtime)) && !owner {
            return Err(Errno::EPERM);
        }
        if (attr.atime == TimeChange::Now || attr.mtime == TimeChange::Now) && !owner {
            check_access(&meta, &self.cred, Access::WRITE)?;
        }
        if (attr.uid.is_some() || attr.gid.is_some())
            && attr.mode.is_none()
            && meta.file_type() != FileType::Directory
        {
            let perm = meta.mode & 0o7777;
            let cleared = perm & !(l::S_ISUID | l::S_ISGID);
            if cleared != perm {
                attr.mode = Some(cleared);
            }
        }
        inode.set_attr(&attr)
    }

    fn set_attr_path(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        follow: bool,
        attr: &SetAttr,
    ) -> KResult<()> {
        let loc = self.lookup(dir, path, follow)?;
        self.set_attr(loc.inode(), attr)
    }

    /// `fchmodat`: sets the permission bits (`07777` of `mode`).
    pub fn chmod(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        mode: u32,
        follow: bool,
    ) -> KResult<()> {
        self.set_attr_path(
            dir,
            path,
            follow,
            &SetAttr {
                mode: Some(mode & 0o7777),
                ..SetAttr::default()
            },
        )
    }

    /// `fchownat`: `None` (-1 in the syscall) leaves an id unchanged.
    pub fn chown(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        uid: Option<u32>,
        gid: Option<u32>,
        follow: bool,
    ) -> KResult<()> {
        self.set_attr_path(
            dir,
            path,
            follow,
            &SetAttr {
                uid,
                gid,
                ..SetAttr::default()
            },
        )
    }

    /// `utimensat` by path.
    pub fn utimens(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        atime: TimeChange,
        mtime: TimeChange,
        follow: bool,
    ) -> KResult<()> {
        self.set_attr_path(
            dir,
            path,
            follow,
            &SetAttr {
                atime,
                mtime,
                ..SetAttr::default()
            },
        )
    }

    /// `truncate(2)`: needs write permission; EISDIR for directories, EINVAL
    /// for other non-regular files or a negative length.
    pub fn truncate(&self, dir: Option<&Location>, path: &[u8], len: i64) -> KResult<()> {
        let len = u64::try_from(len).map_err(|_| Errno::EINVAL)?;
        let loc = self.lookup(dir, path, true)?;
        let meta = loc.inode().metadata();
        match meta.file_type() {
            FileType::Directory => return Err(Errno::EISDIR),
            FileType::Regular => {}
            _ => return Err(Errno::EINVAL),
        }
        check_access(&meta, &self.cred, Access::WRITE)?;
        loc.inode().truncate(len)
    }
}
