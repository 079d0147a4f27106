//! [`FsContext`]: a process's root, working directory and umask (Linux
//! `fs_struct`). Threads created with `CLONE_FS` share one
//! (`Arc<FsContext>`); otherwise the child gets a copy ([`FsContext::fork_copy`]).
//!
//! Locks: `inner` is taken alone, never while resolving a path: operations
//! take a snapshot ([`FsContext::resolver`]) and work on that.

use ksync::SpinLock;

use crate::location::Location;
use crate::perm::Cred;
use crate::vfs::Resolver;

struct Inner {
    root: Location,
    cwd: Location,
    umask: u32,
}

/// Root, working directory and umask of a process.
pub struct FsContext {
    /// Lock order: alone.
    inner: SpinLock<Inner>,
}

impl FsContext {
    /// A context with root and working directory `root` and umask 022.
    pub fn new(root: Location) -> FsContext {
        FsContext {
            inner: SpinLock::new(Inner {
                cwd: root.clone(),
                root,
                umask: 0o022,
            }),
        }
    }

    /// A copy for a child created without `CLONE_FS`.
    pub fn fork_copy(&self) -> FsContext {
        let i = self.inner.lock();
        FsContext {
            inner: SpinLock::new(Inner {
                root: i.root.clone(),
                cwd: i.cwd.clone(),
                umask: i.umask,
            }),
        }
    }

    /// A resolver over a snapshot of root, cwd and umask, with `cred`.
    pub fn resolver<'a>(&self, cred: Cred<'a>) -> Resolver<'a> {
        let i = self.inner.lock();
        Resolver::new(i.root.clone(), i.cwd.clone(), cred, i.umask)
    }

    /// The root directory.
    pub fn root(&self) -> Location {
        self.inner.lock().root.clone()
    }

    /// The working directory.
    pub fn cwd(&self) -> Location {
        self.inner.lock().cwd.clone()
    }

    /// `chdir`/`fchdir` (the location comes from [`Resolver::chdir`]).
    pub fn set_cwd(&self, cwd: Location) {
        let old = core::mem::replace(&mut self.inner.lock().cwd, cwd);
        drop(old);
    }

    /// `chroot` (the location comes from [`Resolver::chdir`]; root only).
    pub fn set_root(&self, root: Location) {
        let old = core::mem::replace(&mut self.inner.lock().root, root);
        drop(old);
    }

    /// The umask.
    pub fn umask(&self) -> u32 {
        self.inner.lock().umask
    }

    /// `umask(2)`: sets `mask & 0777`, returns the old mask.
    pub fn set_umask(&self, mask: u32) -> u32 {
        core::mem::replace(&mut self.inner.lock().umask, mask & 0o777)
    }
}
