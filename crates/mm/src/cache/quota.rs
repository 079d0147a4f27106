//! [`PageQuota`]: how many page-cache frames the files of one file system
//! may hold together (tmpfs `size=`, Linux's `shmem_sb_info.max_blocks`).
//!
//! A file charges its quota when it gains a frame and gives the charge back
//! when the frame leaves the file (truncate, or the file's last reference
//! dropped). A write that finds the quota spent gets ENOSPC, a fault of a
//! shared mapping SIGBUS, as on Linux.

use core::sync::atomic::{AtomicUsize, Ordering};

use abi::{Errno, KResult};

/// A limit on frames and the count charged against it.
#[derive(Debug)]
pub struct PageQuota {
    /// Frames allowed; `usize::MAX` means unlimited (`size=0`).
    limit: AtomicUsize,
    used: AtomicUsize,
}

impl PageQuota {
    /// A quota of `limit` frames (`None`: unlimited).
    pub fn new(limit: Option<usize>) -> Self {
        Self {
            limit: AtomicUsize::new(limit.unwrap_or(usize::MAX)),
            used: AtomicUsize::new(0),
        }
    }

    /// The limit, `None` when unlimited.
    pub fn limit(&self) -> Option<usize> {
        match self.limit.load(Ordering::Relaxed) {
            usize::MAX => None,
            n => Some(n),
        }
    }

    /// Frames charged now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// Changes the limit (remount). EINVAL if more is in use than the new
    /// limit allows, as Linux's `shmem_reconfigure`.
    pub fn set_limit(&self, limit: Option<usize>) -> KResult<()> {
        let limit = limit.unwrap_or(usize::MAX);
        if self.used() > limit {
            return Err(Errno::EINVAL);
        }
        self.limit.store(limit, Ordering::Relaxed);
        Ok(())
    }

    /// Charges one frame, or says the quota is spent.
    pub fn try_charge(&self) -> bool {
        let limit = self.limit.load(Ordering::Relaxed);
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |used| {
                (used < limit).then_some(used + 1)
            })
            .is_ok()
    }

    /// Gives back `frames` charges.
    pub fn uncharge(&self, frames: usize) {
        let before = self.used.fetch_sub(frames, Ordering::AcqRel);
        debug_assert!(before >= frames, "page quota uncharged below zero");
    }
}
