//! Mounts: a file system instance attached at a directory of another mount.
//!
//! Mounts form a tree. Each [`Mount`] knows its parent mount and the
//! mountpoint inode there (fixed for its life), and keeps the mounts attached
//! on its own directories in `children`, keyed by the mountpoint's inode
//! number. Path resolution crosses into a child when it arrives at a
//! mountpoint ([`Location::cross_mounts`]) and back out through `..` at a
//! mount's root ([`Location::parent`]). There is one tree (one mount
//! namespace); a process sees it from its `FsContext` root.
//!
//! Locks: `children` is a leaf lock, never held while calling a file system.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::inode::{FileSystem, Inode};
use crate::location::Location;

/// A file system instance attached somewhere in the mount tree.
pub struct Mount {
    /// Unique id (`mnt_id` of statx and /proc/self/mountinfo).
    id: u64,
    fs: Arc<dyn FileSystem>,
    root: Arc<dyn Inode>,
    /// Where this mount is attached; `None` for the root mount.
    parent: Option<(Arc<Mount>, Arc<dyn Inode>)>,
    /// Mounts attached on directories of this mount, by mountpoint inode
    /// number. Lock order: leaf.
    children: SpinLock<BTreeMap<u64, Arc<Mount>>>,
    /// The source shown in /proc/mounts ("none", "tmpfs", "rootfs").
    source: Vec<u8>,
}

/// One line of /proc/mounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountInfo {
    /// Mount id.
    pub id: u64,
    /// Source ("tmpfs", "proc", "none").
    pub source: Vec<u8>,
    /// Absolute path of the mountpoint as seen from the root passed to [`mounts`].
    pub target: Vec<u8>,
    /// File system type name.
    pub fs_type: Vec<u8>,
}

fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Mount {
    /// The root mount of the tree (the kernel makes one at boot, on a ramfs).
    pub fn new_root(fs: Arc<dyn FileSystem>, source: &[u8]) -> Arc<Mount> {
        let root = fs.root();
        Arc::new(Mount {
            id: next_id(),
            fs,
            root,
            parent: None,
            children: SpinLock::new(BTreeMap::new()),
            source: source.to_vec(),
        })
    }

    /// Attaches `fs` at the directory `at` (resolved with mounts crossed, so
    /// mounting on a mountpoint stacks on top). ENOTDIR if `at` is not a
    /// directory.
    pub fn attach(at: &Location, fs: Arc<dyn FileSystem>, source: &[u8]) -> KResult<Arc<Mount>> {
        if !at.inode().metadata().is_dir() {
            return Err(Errno::ENOTDIR);
        }
        let root = fs.root();
        let mount = Arc::new(Mount {
            id: next_id(),
            fs,
            root,
            parent: Some((at.mount().clone(), at.inode().clone())),
            children: SpinLock::new(BTreeMap::new()),
            source: source.to_vec(),
        });
        let mut children = at.mount().children.lock();
        if children.contains_key(&at.inode().ino()) {
            // Only reachable when `at` was not crossed; keep the tree simple.
            return Err(Errno::EBUSY);
        }
        children.insert(at.inode().ino(), mount.clone());
        Ok(mount)
    }

    /// Detaches the mount whose root is `target` (Linux `umount2`).
    /// EINVAL if `target` is not a mount's root or is the root mount; EBUSY
    /// if other mounts sit on it, or (unless `detach`, i.e. `MNT_DETACH`)
    /// if anything but the caller's `target` uses it (open files, working
    /// directories).
    pub fn detach(target: Location, detach: bool) -> KResult<()> {
        if !target.is_mount_root() {
            return Err(Errno::EINVAL);
        }
        let mount = target.mount().clone();
        let Some((parent, point)) = &mount.parent else {
            return Err(Errno::EINVAL);
        };
        if !mount.children.lock().is_empty() {
            return Err(Errno::EBUSY);
        }
        drop(target);
        let mut siblings = parent.children.lock();
        // References: the parent's map, our `mount` clone. Anything more is a
        // user (an open file, a cwd, a root).
        if !detach && Arc::strong_count(&mount) > 2 {
            return Err(Errno::EBUSY);
        }
        match siblings.get(&point.ino()) {
            Some(m) if Arc::ptr_eq(m, &mount) => {
                siblings.remove(&point.ino());
                Ok(())
            }
            _ => Err(Errno::EINVAL),
        }
    }

    /// The mount id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The mounted file system instance.
    pub fn fs(&self) -> &Arc<dyn FileSystem> {
        &self.fs
    }

    /// The root directory of this mount.
    pub fn root(&self) -> &Arc<dyn Inode> {
        &self.root
    }

    /// The parent mount and the mountpoint inode in it (`None` for the root mount).
    pub fn parent(&self) -> Option<&(Arc<Mount>, Arc<dyn Inode>)> {
        self.parent.as_ref()
    }

    /// The source string given at mount time.
    pub fn source(&self) -> &[u8] {
        &self.source
    }

    /// The mount attached on the directory with inode number `ino` of this
    /// mount, if any.
    pub fn child_at(&self, ino: u64) -> Option<Arc<Mount>> {
        self.children.lock().get(&ino).cloned()
    }

    /// The mounts attached on this mount's directories.
    pub fn children(&self) -> Vec<Arc<Mount>> {
        self.children.lock().values().cloned().collect()
    }
}

/// Every mount below (and including) `root`'s mount, in tree order, with
/// targets as paths seen from `root` (for /proc/mounts).
pub fn mounts(root: &Location) -> Vec<MountInfo> {
    let mut out = Vec::new();
    let mut stack = alloc::vec![root.mount().clone()];
    while let Some(m) = stack.pop() {
        let target = Location::new(m.clone(), m.root.clone())
            .absolute_path(root)
            .unwrap_or_else(|_| b"?".to_vec());
        out.push(MountInfo {
            id: m.id,
            source: m.source.clone(),
            target,
            fs_type: m.fs.fs_type().as_bytes().to_vec(),
        });
        let mut kids = m.children();
        kids.reverse();
        stack.extend(kids);
    }
    out
}

/// The text of /proc/mounts: `source target type rw 0 0` per mount.
pub fn proc_mounts_text(root: &Location) -> Vec<u8> {
    let mut text = Vec::new();
    for m in mounts(root) {
        for (i, field) in [&m.source, &m.target, &m.fs_type].into_iter().enumerate() {
            if i > 0 {
                text.push(b' ');
            }
            escape_mount_field(field, &mut text);
        }
        text.extend_from_slice(b" rw 0 0\n");
    }
    text
}

/// Octal-escapes space, tab, newline and backslash as Linux's `mangle` does.
fn escape_mount_field(field: &[u8], out: &mut Vec<u8>) {
    for &c in field {
        if matches!(c, b' ' | b'\t' | b'\n' | b'\\') {
            out.extend_from_slice(&[
                b'\\',
                b'0' + (c >> 6),
                b'0' + ((c >> 3) & 7),
                b'0' + (c & 7),
            ]);
        } else {
            out.push(c);
        }
    }
}
