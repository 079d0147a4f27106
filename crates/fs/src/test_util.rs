//! Helpers shared by the host tests: wakers that count, a user memory that
//! is a byte array, a tty host that records.

extern crate std;

use alloc::sync::Arc;
use alloc::task::Wake;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::{Context, Poll, Waker};

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::user::UserMemory;

/// A waker that counts its wakes.
pub struct CountingWaker {
    count: AtomicUsize,
}

impl CountingWaker {
    pub fn new() -> Arc<CountingWaker> {
        Arc::new(CountingWaker {
            count: AtomicUsize::new(0),
        })
    }
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
    pub fn waker(self: &Arc<Self>) -> Waker {
        Waker::from(self.clone())
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.count.fetch_add(1, Ordering::SeqCst);
    }
}

/// Polls `f` once with a fresh counting waker; returns the result and the waker.
pub fn poll_once<T>(f: impl FnOnce(&mut Context<'_>) -> Poll<T>) -> (Poll<T>, Arc<CountingWaker>) {
    let w = CountingWaker::new();
    let waker = w.waker();
    let mut cx = Context::from_waker(&waker);
    (f(&mut cx), w)
}

/// Polls `f` once and expects `Ready`.
pub fn ready<T>(f: impl FnOnce(&mut Context<'_>) -> Poll<T>) -> T {
    match poll_once(f).0 {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("expected Ready, got Pending"),
    }
}

/// User memory backed by a byte vector; addresses are offsets into it.
pub struct VecUserMemory(pub SpinLock<Vec<u8>>);

impl VecUserMemory {
    pub fn new(size: usize) -> VecUserMemory {
        VecUserMemory(SpinLock::new(alloc::vec![0; size]))
    }
}

impl UserMemory for VecUserMemory {
    fn read(&self, addr: usize, buf: &mut [u8]) -> KResult<()> {
        let mem = self.0.lock();
        let src = mem.get(addr..addr + buf.len()).ok_or(Errno::EFAULT)?;
        buf.copy_from_slice(src);
        Ok(())
    }
    fn write(&self, addr: usize, buf: &[u8]) -> KResult<()> {
        let mut mem = self.0.lock();
        let dst = mem.get_mut(addr..addr + buf.len()).ok_or(Errno::EFAULT)?;
        dst.copy_from_slice(buf);
        Ok(())
    }
}

use crate::location::Location;
use crate::mount::Mount;
use crate::perm::Cred;
use crate::ramfs::RamFs;
use crate::vfs::Resolver;

/// A fresh ramfs mounted as the root of a new tree.
pub fn new_root() -> Location {
    let fs = RamFs::new("ramfs", 0o755);
    let mount = Mount::new_root(fs, b"rootfs");
    Location::mount_root(&mount)
}

/// A root resolver (umask 022) at `root`.
pub fn root_resolver(root: &Location) -> Resolver<'static> {
    Resolver::new(root.clone(), root.clone(), Cred::ROOT, 0o022)
}

/// A resolver for an unprivileged user.
pub fn user_resolver(root: &Location, uid: u32) -> Resolver<'static> {
    Resolver::new(
        root.clone(),
        root.clone(),
        Cred {
            uid,
            gid: uid,
            groups: &[],
        },
        0o022,
    )
}
