//! `openat`: resolution with `O_CREAT`/`O_EXCL`/`O_NOFOLLOW`/`O_DIRECTORY`,
//! permission checks, `O_TRUNC`, and the choice of file operations.

use alloc::sync::Arc;

use abi::{Errno, KResult};

use super::Resolver;
use crate::dev;
use crate::file::{FileOps, OpenFile};
use crate::file_inode::inode_file_ops;
use crate::flags::OpenFlags;
use crate::inode::NewNode;
use crate::location::Location;
use crate::namei::{Last, NamedEntry, Walker};
use crate::perm::{Access, check_access};
use crate::types::FileType;

impl Resolver<'_> {
    /// `openat(dir, path, flags, mode)`: returns the new open file
    /// description. `mode` is used when a file is created (`& !umask`).
    /// The syscall layer then awaits [`OpenFile::wait_opened`] (fifos) and
    /// installs the fd with `O_CLOEXEC` from `flags`.
    pub fn open(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        flags: OpenFlags,
        mode: u32,
    ) -> KResult<Arc<OpenFile>> {
        if flags.bits() & abi::linux::O_TMPFILE == abi::linux::O_TMPFILE {
            return Err(Errno::EOPNOTSUPP);
        }
        if flags.contains(OpenFlags::PATH) {
            let keep =
                OpenFlags::PATH | OpenFlags::DIRECTORY | OpenFlags::NOFOLLOW | OpenFlags::CLOEXEC;
            return self.open_path(dir, path, flags & keep);
        }
        if flags.contains(OpenFlags::CREAT | OpenFlags::DIRECTORY) {
            return Err(Errno::EINVAL);
        }
        let mut walker = Walker::new(&self.root, &self.cred);
        let (loc, created, entry) = if flags.contains(OpenFlags::CREAT) {
            self.open_create(&mut walker, self.start(dir), path, flags, mode)?
        } else {
            let follow = !flags.contains(OpenFlags::NOFOLLOW);
            let loc = walker.walk(self.start(dir), path, follow)?;
            (loc, false, walker.take_last_entry())
        };
        let meta = loc.inode().metadata();
        let ty = meta.file_type();
        if ty == FileType::Symlink {
            return Err(Errno::ELOOP);
        }
        if flags.contains(OpenFlags::DIRECTORY) && ty != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        if ty == FileType::Directory && (flags.writable() || flags.contains(OpenFlags::CREAT)) {
            return Err(Errno::EISDIR);
        }
        if !created {
            let mut want = Access::empty();
            if flags.readable() {
                want |= Access::READ;
            }
            if flags.writable() || flags.contains(OpenFlags::TRUNC) {
                want |= Access::WRITE;
            }
            check_access(&meta, &self.cred, want)?;
        }
        let ops: Arc<dyn FileOps> = match ty {
            FileType::CharDevice | FileType::BlockDevice => dev::open_device(ty, meta.rdev, flags)?,
            _ => loc.inode().open(flags)?.unwrap_or_else(inode_file_ops),
        };
        if flags.contains(OpenFlags::TRUNC) && ty == FileType::Regular && !created && meta.size != 0
        {
            loc.inode().truncate(0)?;
        }
        Ok(OpenFile::new_at(ops, loc, entry, flags))
    }

    /// `execve`'s open: a regular file with execute permission (EACCES
    /// otherwise; read permission is not needed), opened read-only.
    pub fn open_exec(&self, dir: Option<&Location>, path: &[u8]) -> KResult<Arc<OpenFile>> {
        self.open_exec_at(dir, path, true)
    }

    /// execveat's lookup: without `follow` (AT_SYMLINK_NOFOLLOW) a final
    /// symlink is ELOOP; an empty `path` (AT_EMPTY_PATH) opens `dir`
    /// itself.
    pub fn open_exec_at(&self, dir: Option<&Location>, path: &[u8], follow: bool) -> KResult<Arc<OpenFile>> {
        let (loc, entry) = if path.is_empty() {
            (self.start(dir).clone(), None)
        } else {
            let mut walker = Walker::new(&self.root, &self.cred);
            let loc = walker.walk(self.start(dir), path, follow)?;
            (loc, walker.take_last_entry())
        };
        let meta = loc.inode().metadata();
        if meta.file_type() == FileType::Symlink {
            return Err(Errno::ELOOP);
        }
        if meta.file_type() != FileType::Regular {
            return Err(Errno::EACCES);
        }
        check_access(&meta, &self.cred, Access::EXEC)?;
        Ok(OpenFile::new_at(
            inode_file_ops(),
            loc,
            entry,
            OpenFlags::empty(),
        ))
    }

    /// `O_PATH`: a location only; a final symlink is opened itself with `O_NOFOLLOW`.
    fn open_path(
        &self,
        dir: Option<&Location>,
        path: &[u8],
        flags: OpenFlags,
    ) -> KResult<Arc<OpenFile>> {
        let mut walker = Walker::new(&self.root, &self.cred);
        let loc = walker.walk(self.start(dir), path, !flags.contains(OpenFlags::NOFOLLOW))?;
        let entry = walker.take_last_entry();
        if flags.contains(OpenFlags::DIRECTORY) && loc.inode().file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        Ok(OpenFile::new_at(inode_file_ops(), loc, entry, flags))
    }

    /// The `O_CREAT` part: the location to open, whether it was created, and
    /// the directory entry it was reached through.
    /// A final symlink is followed (and its missing target created) unless
    /// `O_EXCL` (EEXIST) or `O_NOFOLLOW` (ELOOP).
    fn open_create(
        &self,
        walker: &mut Walker<'_>,
        start: &Location,
        path: &[u8],
        flags: OpenFlags,
        mode: u32,
    ) -> KResult<(Location, bool, Option<NamedEntry>)> {
        let parent = walker.walk_parent(start, path)?;
        let Last::Name(name) = parent.last else {
            return Err(Errno::EISDIR);
        };
        if parent.trailing_slash {
            return Err(Errno::EISDIR);
        }
        loop {
            match walker.step(&parent.dir, &name) {
                Ok(found) => {
                    if flags.contains(OpenFlags::EXCL) {
                        return Err(Errno::EEXIST);
                    }
                    if found.inode().file_type() != FileType::Symlink {
                        return Ok((found, false, Some((parent.dir.clone(), name))));
                    }
                    if flags.contains(OpenFlags::NOFOLLOW) {
                        return Err(Errno::ELOOP);
                    }
                    let target = walker.read_symlink(&found)?;
                    let start = if target[0] == b'/' {
                        self.root.clone()
                    } else {
                        parent.dir.clone()
                    };
                    return self.open_create(walker, &start, &target, flags, mode);
                }
                Err(Errno::ENOENT) => {}
                Err(e) => return Err(e),
            }
            let dir_meta = parent.dir.inode().metadata();
            check_access(&dir_meta, &self.cred, Access::WRITE | Access::EXEC)?;
            let (uid, gid, _) = self.new_owner(&dir_meta);
            let perm = mode & !self.umask & 0o7777;
            match parent
                .dir
                .inode()
                .create(&name, NewNode::Regular, perm, uid, gid)
            {
                Ok(inode) => {
                    let loc = Location::new(parent.dir.mount().clone(), inode);
                    return Ok((loc, true, Some((parent.dir.clone(), name))));
                }
                // Someone else created it meanwhile: open theirs.
                Err(Errno::EEXIST) if !flags.contains(OpenFlags::EXCL) => continue,
                Err(e) => return Err(e),
            }
        }
    }
}
