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
    pages: SpinLock<BTreeMap<u64, UserFrame>>,
}

impl SharedMem {
    pub fn new() -> Arc<Self> {
        Arc::new(Self { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), pages: SpinLock::new(BTreeMap::new()) })
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
