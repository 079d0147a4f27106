//! [`Location`]: a place in the mounted tree, a (mount, inode) pair (Linux
//! `struct path`). Working directories, roots and opened files keep one.
//!
//! weft has no dentry cache: file systems keep their own directory trees
//! (ramfs) or generate them (synthetic files), and names are found again by
//! scanning the parent when a path string is needed (`getcwd`,
//! `/proc/<pid>/fd` links), which is rare.

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};

use crate::inode::Inode;
use crate::mount::Mount;

/// A directory entry's target as reached through the mount tree.
#[derive(Clone)]
pub struct Location {
    mount: Arc<Mount>,
    inode: Arc<dyn Inode>,
}

impl core::fmt::Debug for Location {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Location(mnt {}, ino {})",
            self.mount.id(),
            self.inode.ino()
        )
    }
}

impl Location {
    /// A location from its parts (`inode` must belong to `mount`'s file system).
    pub fn new(mount: Arc<Mount>, inode: Arc<dyn Inode>) -> Location {
        Location { mount, inode }
    }

    /// The root of `mount`.
    pub fn mount_root(mount: &Arc<Mount>) -> Location {
        Location {
            mount: mount.clone(),
            inode: mount.root().clone(),
        }
    }

    /// The mount.
    pub fn mount(&self) -> &Arc<Mount> {
        &self.mount
    }

    /// The inode.
    pub fn inode(&self) -> &Arc<dyn Inode> {
        &self.inode
    }

    /// Whether both name the same inode through the same mount.
    pub fn is_same(&self, other: &Location) -> bool {
        Arc::ptr_eq(&self.mount, &other.mount) && self.inode.ino() == other.inode.ino()
    }

    /// Whether this is the root directory of its mount.
    pub fn is_mount_root(&self) -> bool {
        self.inode.ino() == self.mount.root().ino()
    }

    /// Follows mounts attached here, down to the topmost one.
    pub fn cross_mounts(mut self) -> Location {
        while let Some(child) = self.mount.child_at(self.inode.ino()) {
            self = Location::mount_root(&child);
        }
        self
    }

    /// The parent directory (`..`), staying at `root` (a process cannot walk
    /// above its root) and leaving a mount through its mountpoint.
    pub fn parent(&self, root: &Location) -> KResult<Location> {
        let mut cur = self.clone();
        loop {
            if cur.is_same(root) {
                return Ok(cur);
            }
            if !cur.is_mount_root() {
                break;
            }
            match cur.mount.parent() {
                Some((pm, point)) => cur = Location::new(pm.clone(), point.clone()),
                None => return Ok(cur),
            }
        }
        let up = cur.inode.lookup(b"..")?;
        Ok(Location::new(cur.mount.clone(), up).cross_mounts())
    }

    /// The absolute path of this location as seen from `root` (`getcwd`).
    /// ENOENT if the location was removed from its directory. A location
    /// outside `root` yields its path from the top of the mount tree.
    pub fn absolute_path(&self, root: &Location) -> KResult<Vec<u8>> {
        let mut parts: Vec<Vec<u8>> = Vec::new();
        let mut cur = self.clone();
        loop {
            if cur.is_same(root) {
                break;
            }
            if cur.is_mount_root() {
                match cur.mount.parent() {
                    Some((pm, point)) => {
                        cur = Location::new(pm.clone(), point.clone());
                        continue;
                    }
                    None => break,
                }
            }
            let parent = cur.inode.lookup(b"..")?;
            parts.push(name_in(&parent, cur.inode.ino())?);
            cur = Location::new(cur.mount.clone(), parent);
        }
        if parts.is_empty() {
            return Ok(b"/".to_vec());
        }
        let mut path = Vec::new();
        for p in parts.iter().rev() {
            path.push(b'/');
            path.extend_from_slice(p);
        }
        Ok(path)
    }
}

/// The name under which `dir` holds inode `ino` (ENOENT if none).
fn name_in(dir: &Arc<dyn Inode>, ino: u64) -> KResult<Vec<u8>> {
    let mut off = 2; // skip "." and ".."
    while let Some(e) = dir.read_dir(off)? {
        if e.ino == ino && e.name != b"." && e.name != b".." {
            return Ok(e.name);
        }
        off = e.next_offset;
    }
    Err(Errno::ENOENT)
}
