//! [`Resolver`]: the path-based operations of the system calls (`openat`,
//! `mkdirat`, `unlinkat`, `renameat2`, `fchmodat`, ...), over one snapshot
//! of a process's root, working directory, umask and credentials.
//!
//! Every operation takes its path as `(dir, path)`: `dir` is the location of
//! the `dirfd` (its `OpenFile::location`), or `None` for `AT_FDCWD`.
//! Paths are bytes, without the terminating NUL.

mod attr;
mod names;
mod open;

use alloc::vec::Vec;

use abi::{Errno, KResult};

use crate::inode::FileSystem;
use crate::location::Location;
use crate::mount::Mount;
use crate::namei::{ParentPath, Walker};
use crate::perm::{Access, Cred, check_access};
use crate::types::{FileType, Metadata};
use alloc::sync::Arc;

/// Path operations as one process sees them.
pub struct Resolver<'a> {
    root: Location,
    cwd: Location,
    cred: Cred<'a>,
    umask: u32,
}

impl<'a> Resolver<'a> {
    /// A resolver confined to `root`, relative paths starting at `cwd`,
    /// creating files with `mode & !umask`, with credentials `cred`.
    pub fn new(root: Location, cwd: Location, cred: Cred<'a>, umask: u32) -> Resolver<'a> {
        Resolver {
            root,
            cwd,
            cred,
            umask,
        }
    }

    /// The root this resolver cannot leave.
    pub fn root(&self) -> &Location {
        &self.root
    }

    /// The credentials in use.
    pub fn cred(&self) -> &Cred<'a> {
        &self.cred
    }

    fn start<'l>(&'l self, dir: Option<&'l Location>) -> &'l Location {
        dir.unwrap_or(&self.cwd)
    }

    /// Resolves a path to a location; `follow` follows a final symlink
    /// (`AT_SYMLINK_NOFOLLOW` clears it).
    pub fn lookup(&self, dir: Option<&Location>, path: &[u8], follow: bool) -> KResult<Location> {
        Walker::new(&self.root, &self.cred).walk(self.start(dir), path, follow)
    }

    /// Resolves all but the last component.
    pub fn lookup_parent(&self, dir: Option<&Location>, path: &[u8]) -> KResult<ParentPath> {
        Walker::new(&self.root, &self.cred).walk_parent(self.start(dir), path)
    }

    /// `stat`/`lstat`/`fstatat`/`statx` by path.
    pub fn stat(&self, dir: Option<&Location>, path: &[u8], follow: bool) -> KResult<Metadata> {
        Ok(self.lookup(dir, path, follow)?.inode().metadata())
    }

    /// `readlink`: EINVAL if the path is not a symlink.
    pub fn readlink(&self, dir: Option<&Location>, path: &[u8]) -> KResult<Vec<u8>> {
        let loc = self.lookup(dir, path, false)?;
        if loc.inode().file_type() != FileType::Symlink {
            return Err(Errno::EINVAL);
        }
        loc.inode().read_link()
    }

    /// `access`/`faccessat`: checks `want` (empty = existence only) with this
    /// resolver's credentials (pass the real ids for `access(2)`).
    pub fn access(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        want: Access,
        follow: bool,
    ) -> KResult<()> {
        let loc = self.lookup(dir, path, follow)?;
        check_access(&loc.inode().metadata(), &self.cred, want)
    }

    /// `chdir`/`chroot`: the directory to switch to (ENOTDIR, EACCES without
    /// search permission). The caller stores it in its `FsContext`.
    pub fn chdir(&self, dir: Option<&Location>, path: &[u8]) -> KResult<Location> {
        let loc = self.lookup(dir, path, true)?;
        check_dir_searchable(&loc, &self.cred)?;
        Ok(loc)
    }

    /// `getcwd`: the working directory as a path from the root.
    pub fn getcwd(&self) -> KResult<Vec<u8>> {
        self.cwd.absolute_path(&self.root)
    }

    /// `mount`: attaches `fs` on the directory at `path` (root only: EPERM).
    pub fn mount(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        fs: Arc<dyn FileSystem>,
        source: &[u8],
    ) -> KResult<Arc<Mount>> {
        if !self.cred.is_root() {
            return Err(Errno::EPERM);
        }
        let at = self.lookup(dir, path, true)?;
        Mount::attach(&at, fs, source)
    }

    /// `umount2`: detaches the mount whose root is at `path` (see
    /// [`Mount::detach`]; `detach` is `MNT_DETACH`). The caller's own
    /// references must not include the target (its cwd inside it is EBUSY).
    pub fn umount(&self, dir: Option<&Location>, path: &[u8], detach: bool) -> KResult<()> {
        if !self.cred.is_root() {
            return Err(Errno::EPERM);
        }
        let loc = self.lookup(dir, path, true)?;
        Mount::detach(loc, detach)
    }

    /// `statfs` by path.
    pub fn statfs(&self, dir: Option<&Location>, path: &[u8]) -> KResult<crate::inode::StatFs> {
        Ok(self.lookup(dir, path, true)?.mount().fs().statfs())
    }
}

/// ENOTDIR unless `loc` is a directory, EACCES without search permission.
pub fn check_dir_searchable(loc: &Location, cred: &Cred<'_>) -> KResult<()> {
    let meta = loc.inode().metadata();
    if meta.file_type() != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    check_access(&meta, cred, Access::EXEC)
}

#[cfg(test)]
mod test;
