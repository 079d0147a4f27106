//! Shared anonymous memory (`MAP_SHARED | MAP_ANONYMOUS`): an object that
//! owns its pages, so every mapping of it (the original, fork children,
//! mremap moves) sees the same frames. Linux backs these with a shmem file.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};

use ksync::SpinLock;

use crate::frame::FrameKind;
use crate::page::UserFrame;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A shared-memory object: page index -> frame, filled with zeros on first
/// touch.
///
/// Lock order: address-space lock -> `pages` -> frames.
pub struct SharedMem {
    id: u64,
    /// A System V shared memory segment (only those can be shmdt'ed).
    sysv: bool,
    pages: SpinLock<BTreeMap<u64, UserFrame>>,
}

impl SharedMem {
    pub fn new() -> Arc<Self> {
        Arc::new(Self { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), sysv: false, pages: SpinLock::new(BTreeMap::new()) })
    }

    /// The memory of a System V shared memory segment (shmget).
    pub fn new_sysv() -> Arc<Self> {
        Arc::new(Self { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), sysv: true, pages: SpinLock::new(BTreeMap::new()) })
    }

    /// Whether this is a System V segment's memory.
    pub fn is_sysv(&self) -> bool {
        self.sysv
    }

    /// A number naming this object (shown as the inode in maps).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// A reference to page `index`, creating it zeroed. `None` when out of
    /// memory.
    pub fn page(&self, index: u64) -> Option<UserFrame> {
        let mut pages = self.pages.lock();
        if let Some(frame) = pages.get(&index) {
            return Some(frame.clone());
        }
        let frame = UserFrame::alloc_zeroed(FrameKind::UserAnon)?;
        pages.insert(index, frame.clone());
        Some(frame)
    }

    /// Pages materialized so far.
    pub fn resident_pages(&self) -> usize {
        self.pages.lock().len()
    }
}
