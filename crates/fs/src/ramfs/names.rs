//! Name-space changes of ramfs directories: create, link, unlink, rmdir,
//! rename. Each runs under the instance's `ns` lock (see the module doc of
//! `ramfs` for the lock order).

use alloc::sync::Arc;

use abi::{Errno, KResult};

use super::RamInode;
use crate::hooks::now;
use crate::inode::{Inode, NewNode};
use crate::types::FileType;

impl RamInode {
    /// Drops one link of a non-directory. A link that is not the last gives
    /// back the inode slot `ns_link` took; the last slot goes with the inode
    /// (Linux's `shmem_unlink`). Caller holds `ns`.
    fn remove_link(&self) {
        if self.attr.lock().nlink > 1 {
            self.fs.release_inode();
        }
        self.add_links(-1);
    }

    pub(super) fn ns_create(
        &self,
        name: &[u8],
        node: NewNode<'_>,
        perm: u32,
        uid: u32,
        gid: u32,
    ) -> KResult<Arc<dyn Inode>> {
        let _ns = self.fs.ns.lock();
        let mut dir = self.dir()?.lock();
        if dir.dead {
            return Err(Errno::ENOENT);
        }
        if dir.entries.get(name).is_some() {
            return Err(Errno::EEXIST);
        }
        let child = self.new_child(node, perm, uid, gid)?;
        dir.entries.insert(name, child.clone());
        drop(dir);
        if child.ty == FileType::Directory {
            self.add_links(1);
        }
        self.touch_modified();
        Ok(child)
    }

    pub(super) fn ns_link(&self, name: &[u8], target: &Arc<dyn Inode>) -> KResult<()> {
        let target = self.same_fs(target)?;
        if target.ty == FileType::Directory {
            return Err(Errno::EPERM);
        }
        let _ns = self.fs.ns.lock();
        let mut dir = self.dir()?.lock();
        if dir.dead {
            return Err(Errno::ENOENT);
        }
        if dir.entries.get(name).is_some() {
            return Err(Errno::EEXIST);
        }
        // Each extra link takes an inode slot, as on Linux's tmpfs, so
        // links cannot grow the name space without a bound.
        self.fs.reserve_inode()?;
        dir.entries.insert(name, target.clone());
        drop(dir);
        target.add_links(1);
        self.touch_modified();
        Ok(())
    }

    pub(super) fn ns_unlink(&self, name: &[u8]) -> KResult<()> {
        let _ns = self.fs.ns.lock();
        let mut dir = self.dir()?.lock();
        let child = dir.entries.get(name).cloned().ok_or(Errno::ENOENT)?;
        if child.ty == FileType::Directory {
            return Err(Errno::EISDIR);
        }
        dir.entries.remove(name);
        drop(dir);
        child.remove_link();
        self.touch_modified();
        Ok(())
    }

    pub(super) fn ns_rmdir(&self, name: &[u8]) -> KResult<()> {
        let _ns = self.fs.ns.lock();
        let mut dir = self.dir()?.lock();
        let child = dir.entries.get(name).cloned().ok_or(Errno::ENOENT)?;
        // Lock order: parent body -> child body (under ns).
        let mut child_dir = child.dir()?.lock();
        if !child_dir.entries.is_empty() {
            return Err(Errno::ENOTEMPTY);
        }
        child_dir.dead = true;
        drop(child_dir);
        dir.entries.remove(name);
        drop(dir);
        child.attr.lock().nlink = 0;
        self.add_links(-1);
        self.touch_modified();
        Ok(())
    }

    pub(super) fn ns_rename(
        &self,
        old: &[u8],
        new_dir: &Arc<dyn Inode>,
        new: &[u8],
        noreplace: bool,
    ) -> KResult<()> {
        let new_dir = self.same_fs(new_dir)?;
        let _ns = self.fs.ns.lock();
        // Under `ns` nothing below changes shape, so each step may take its
        // lock alone.
        let src = self
            .dir()?
            .lock()
            .entries
            .get(old)
            .cloned()
            .ok_or(Errno::ENOENT)?;
        let dst_dir = new_dir.dir()?;
        let existing = dst_dir.lock().entries.get(new).cloned();
        let src_is_dir = src.ty == FileType::Directory;
        if let Some(dst) = &existing {
            if Arc::ptr_eq(dst, &src) {
                return Ok(());
            }
            if noreplace {
                return Err(Errno::EEXIST);
            }
            match (src_is_dir, dst.ty == FileType::Directory) {
                (true, false) => return Err(Errno::ENOTDIR),
                (false, true) => return Err(Errno::EISDIR),
                (true, true) if !dst.is_empty_dir() => return Err(Errno::ENOTEMPTY),
                _ => {}
            }
        }
        if src_is_dir && src.is_ancestor_of(&new_dir) {
            return Err(Errno::EINVAL);
        }
        if dst_dir.lock().dead {
            return Err(Errno::ENOENT);
        }
        // The new name switches to `src` in one step: it never disappears.
        let replaced = dst_dir.lock().entries.replace(new, src.clone());
        self.dir()?.lock().entries.remove(old);
        if let Some(victim) = replaced {
            if victim.ty == FileType::Directory {
                victim.dir()?.lock().dead = true;
                victim.attr.lock().nlink = 0;
                new_dir.add_links(-1);
            } else {
                victim.remove_link();
            }
        }
        if src_is_dir && !Arc::ptr_eq(&new_dir, &self.me.upgrade().ok_or(Errno::ENOENT)?) {
            src.dir()?.lock().parent = Arc::downgrade(&new_dir);
            self.add_links(-1);
            new_dir.add_links(1);
        }
        src.attr.lock().ctime = now();
        self.touch_modified();
        new_dir.touch_modified();
        Ok(())
    }
}
