//! Operations on names: mkdir, mknod, symlink, link, unlink, rmdir, rename.

use abi::linux as l;
use abi::{Errno, KResult};

use super::Resolver;
use crate::inode::{Inode, NewNode};
use crate::location::Location;
use crate::namei::{Last, PATH_MAX, ParentPath};
use crate::perm::{Access, check_access, check_sticky};
use crate::types::{DevId, FileType, Metadata};
use alloc::sync::Arc;

impl Resolver<'_> {
    /// Owner of a new inode in a directory with attributes `dir`: the
    /// caller, with the directory's group if it is set-group-id (and then
    /// new directories inherit the bit: the third value).
    pub(super) fn new_owner(&self, dir: &Metadata) -> (u32, u32, u32) {
        if dir.mode & l::S_ISGID != 0 {
            (self.cred.uid, dir.gid, l::S_ISGID)
        } else {
            (self.cred.uid, self.cred.gid, 0)
        }
    }

    /// Creates `node` at `path` (Linux `filename_create` rules: EEXIST if the
    /// name exists, ENOENT for a trailing slash unless making a directory).
    fn create_node(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        node: NewNode<'_>,
        perm: u32,
    ) -> KResult<Arc<dyn Inode>> {
        let parent = self.lookup_parent(dir, path)?;
        let Last::Name(name) = &parent.last else {
            return Err(Errno::EEXIST);
        };
        let dir_meta = parent.dir.inode().metadata();
        check_access(&dir_meta, &self.cred, Access::EXEC)?;
        if parent.dir.inode().lookup(name).is_ok() {
            return Err(Errno::EEXIST);
        }
        if parent.trailing_slash && node != NewNode::Directory {
            return Err(Errno::ENOENT);
        }
        check_access(&dir_meta, &self.cred, Access::WRITE)?;
        let (uid, gid, sgid) = self.new_owner(&dir_meta);
        let perm = if node == NewNode::Directory {
            perm | sgid
        } else {
            perm
        };
        parent.dir.inode().create(name, node, perm, uid, gid)
    }

    /// `mkdirat`: permissions `mode & !umask` (with the sticky bit kept).
    pub fn mkdir(&self, dir: Option<&Location>, path: &[u8], mode: u32) -> KResult<()> {
        let perm = mode & 0o1777 & !self.umask;
        self.create_node(dir, path, NewNode::Directory, perm)
            .map(drop)
    }

    /// `mknodat`: `mode` holds the type (`S_IFREG` or 0, `S_IFCHR`,
    /// `S_IFBLK`, `S_IFIFO`, `S_IFSOCK`) and the permissions. Device nodes
    /// need root (EPERM); a directory type is EPERM, an unknown one EINVAL.
    pub fn mknod(&self, dir: Option<&Location>, path: &[u8], mode: u32, dev: DevId) -> KResult<()> {
        let node = match mode & l::S_IFMT {
            0 | l::S_IFREG => NewNode::Regular,
            l::S_IFCHR => NewNode::CharDevice(dev),
            l::S_IFBLK => NewNode::BlockDevice(dev),
            l::S_IFIFO => NewNode::Fifo,
            l::S_IFSOCK => NewNode::Socket,
            l::S_IFDIR => return Err(Errno::EPERM),
            _ => return Err(Errno::EINVAL),
        };
        if matches!(node, NewNode::CharDevice(_) | NewNode::BlockDevice(_)) && !self.cred.is_root()
        {
            return Err(Errno::EPERM);
        }
        self.create_node(dir, path, node, mode & 0o7777 & !self.umask)
            .map(drop)
    }

    /// bind(2) of an AF_UNIX socket to `path`: a socket inode with mode
    /// `0777 & !umask`, as Linux's `unix_bind` makes (EEXIST if the name
    /// exists; the caller reports EADDRINUSE).
    pub fn bind_socket(&self, dir: Option<&Location>, path: &[u8]) -> KResult<Arc<dyn Inode>> {
        self.create_node(dir, path, NewNode::Socket, 0o777 & !self.umask)
    }

    /// `symlinkat(target, dir, path)`.
    pub fn symlink(&self, target: &[u8], dir: Option<&Location>, path: &[u8]) -> KResult<()> {
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        if target.len() >= PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        self.create_node(dir, path, NewNode::Symlink(target), 0o777)
            .map(drop)
    }

    /// `linkat`: a new name for an existing non-directory (EPERM for
    /// directories, EXDEV across mounts); `follow` is `AT_SYMLINK_FOLLOW`.
    pub fn link(
        &self,
        old_dir: Option<&Location>,
        old: &[u8],
        new_dir: Option<&Location>,
        new: &[u8],
        follow: bool,
    ) -> KResult<()> {
        let src = self.lookup(old_dir, old, follow)?;
        if src.inode().file_type() == FileType::Directory {
            return Err(Errno::EPERM);
        }
        let parent = self.lookup_parent(new_dir, new)?;
        let Last::Name(name) = &parent.last else {
            return Err(Errno::EEXIST);
        };
        if parent.dir.inode().lookup(name).is_ok() {
            return Err(Errno::EEXIST);
        }
        if parent.trailing_slash {
            return Err(Errno::ENOENT);
        }
        if !Arc::ptr_eq(src.mount(), parent.dir.mount()) {
            return Err(Errno::EXDEV);
        }
        check_access(
            &parent.dir.inode().metadata(),
            &self.cred,
            Access::WRITE | Access::EXEC,
        )?;
        parent.dir.inode().link(name, src.inode())
    }

    /// Looks up the victim of unlink/rmdir/rename in `parent` after the
    /// directory permission and sticky checks (Linux's `may_delete`). The
    /// caller checks the victim's type, then [`Self::not_mountpoint`]: Linux
    /// reports EISDIR/ENOTDIR before EBUSY.
    fn victim(&self, parent: &ParentPath, name: &[u8]) -> KResult<Arc<dyn Inode>> {
        let dir_meta = parent.dir.inode().metadata();
        check_access(&dir_meta, &self.cred, Access::WRITE | Access::EXEC)?;
        let child = parent.dir.inode().lookup(name)?;
        check_sticky(&dir_meta, &child.metadata(), &self.cred)?;
        Ok(child)
    }

    /// EBUSY when `child` of `parent` has a file system mounted on it.
    fn not_mountpoint(parent: &ParentPath, child: &Arc<dyn Inode>) -> KResult<()> {
        if parent.dir.mount().child_at(child.ino()).is_some() {
            return Err(Errno::EBUSY);
        }
        Ok(())
    }

    /// `unlinkat` without `AT_REMOVEDIR`: EISDIR for a directory.
    pub fn unlink(&self, dir: Option<&Location>, path: &[u8]) -> KResult<()> {
        let parent = self.lookup_parent(dir, path)?;
        let Last::Name(name) = &parent.last else {
            return Err(Errno::EISDIR);
        };
        let child = self.victim(&parent, name)?;
        match child.file_type() {
            FileType::Directory => Err(Errno::EISDIR),
            _ if parent.trailing_slash => Err(Errno::ENOTDIR),
            _ => {
                Self::not_mountpoint(&parent, &child)?;
                parent.dir.inode().unlink(name)
            }
        }
    }

    /// `rmdir`/`unlinkat(AT_REMOVEDIR)`: `.` is EINVAL, `..` ENOTEMPTY, `/`
    /// and mountpoints EBUSY.
    pub fn rmdir(&self, dir: Option<&Location>, path: &[u8]) -> KResult<()> {
        let parent = self.lookup_parent(dir, path)?;
        let name = match &parent.last {
            Last::Name(n) => n,
            Last::Dot => return Err(Errno::EINVAL),
            Last::DotDot => return Err(Errno::ENOTEMPTY),
            Last::Root => return Err(Errno::EBUSY),
        };
        let child = self.victim(&parent, name)?;
        if child.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        Self::not_mountpoint(&parent, &child)?;
        parent.dir.inode().rmdir(name)
    }

    /// `renameat2` with flags 0 or `RENAME_NOREPLACE` (`RENAME_EXCHANGE` and
    /// `RENAME_WHITEOUT` are EINVAL). EXDEV across mounts, EBUSY for `.`,
    /// `..`, `/` and mountpoints; the type rules are the file system's.
    pub fn rename(
        &self,
        old_dir: Option<&Location>,
        old: &[u8],
        new_dir: Option<&Location>,
        new: &[u8],
        flags: u32,
    ) -> KResult<()> {
        if flags & !l::RENAME_NOREPLACE != 0 {
            return Err(Errno::EINVAL);
        }
        let from = self.lookup_parent(old_dir, old)?;
        let to = self.lookup_parent(new_dir, new)?;
        let (Last::Name(old_name), Last::Name(new_name)) = (&from.last, &to.last) else {
            return Err(Errno::EBUSY);
        };
        if !Arc::ptr_eq(from.dir.mount(), to.dir.mount()) {
            return Err(Errno::EXDEV);
        }
        let src = self.victim(&from, old_name)?;
        if (from.trailing_slash || to.trailing_slash) && src.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        Self::not_mountpoint(&from, &src)?;
        match self.victim(&to, new_name) {
            Ok(target) => Self::not_mountpoint(&to, &target)?,
            Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
        from.dir.inode().rename(
            old_name,
            to.dir.inode(),
            new_name,
            flags & l::RENAME_NOREPLACE != 0,
        )
    }
}
