//! Host tests of address spaces. Physical memory is the host arena
//! (`phys`), shared by all tests: every test takes `serial()`, so tests
//! that compare frame counters see no other test allocate meanwhile.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use std::sync::{Mutex, MutexGuard};

use abi::linux as l;

use crate::frame::{self, FrameKind, FrameStats};
use crate::{FileBacking, FileId, PAGE_SIZE};

mod concurrent;
mod fault;
mod fork;
mod gap_hint;
mod mmap;
mod model;
mod remap;
mod shared_file;
mod uaccess;

static SERIAL: Mutex<()> = Mutex::new(());

/// Serializes tests that count frames.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn frame_stats() -> FrameStats {
    frame::stats()
}

/// Asserts that user and page-table frames are back to `before`.
pub fn assert_frames_returned(before: &FrameStats) {
    let now = frame_stats();
    assert_eq!(now.in_use(FrameKind::UserAnon), before.in_use(FrameKind::UserAnon), "user frames leaked");
    assert_eq!(now.in_use(FrameKind::PageTable), before.in_use(FrameKind::PageTable), "page-table frames leaked");
    assert_eq!(now.free, before.free, "free frame count differs");
}

pub const RW: u32 = l::PROT_READ | l::PROT_WRITE;
pub const PRIV: u32 = l::MAP_PRIVATE | l::MAP_ANONYMOUS;

/// A file in memory.
pub struct MemFile {
    pub data: Vec<u8>,
    pub ino: u64,
}

impl MemFile {
    pub fn new(data: Vec<u8>) -> Arc<Self> {
        Arc::new(Self { data, ino: 42 })
    }
}

impl FileBacking for MemFile {
    fn read_page(&self, file_offset: u64, page: &mut [u8; PAGE_SIZE]) -> abi::KResult<usize> {
        let off = file_offset as usize;
        if off >= self.data.len() {
            return Ok(0);
        }
        let n = (self.data.len() - off).min(PAGE_SIZE);
        page[..n].copy_from_slice(&self.data[off..off + n]);
        Ok(n)
    }

    fn describe(&self, _with_path: bool) -> FileId {
        FileId { dev: (8, 1), ino: self.ino, path: String::from("/bin/test") }
    }
}

#[test]
fn new_space_then_drop_returns_every_frame() {
    let _s = serial();
    let before = frame_stats();
    {
        let space = crate::AddressSpace::new().unwrap();
        let a = space.mmap(crate::MmapRequest::anon(0, 64 * PAGE_SIZE, RW, PRIV)).unwrap();
        for i in 0..64 {
            space.write_val(a + i * PAGE_SIZE, &(i as u64)).unwrap();
        }
        let stats = space.stats();
        assert_eq!(stats.rss_pages, 64);
        assert_eq!(stats.vm_pages, 64);
        assert!(stats.page_table_frames >= 4);
        assert!(frame_stats().in_use(FrameKind::UserAnon) >= before.in_use(FrameKind::UserAnon) + 64);
    }
    assert_frames_returned(&before);
}
