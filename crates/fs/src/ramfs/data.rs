//! [`FileData`]: the contents of a ramfs regular file, as a sparse map of
//! 4 KiB pages. Holes (never-written pages below the size) read as zeros
//! and take no memory.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec;

/// Page size of file data.
pub const PAGE_SIZE: usize = 4096;

/// Sparse file contents.
#[derive(Default)]
pub struct FileData {
    pages: BTreeMap<u64, Box<[u8]>>,
    size: u64,
}

impl FileData {
    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Allocated space in 512-byte blocks.
    pub fn blocks(&self) -> u64 {
        self.pages.len() as u64 * (PAGE_SIZE as u64 / 512)
    }

    /// Copies up to `buf.len()` bytes from `offset`; returns the count.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> usize {
        if offset >= self.size {
            return 0;
        }
        let n = buf.len().min((self.size - offset) as usize);
        let mut done = 0;
        while done < n {
            let pos = offset + done as u64;
            let (idx, in_page) = (pos / PAGE_SIZE as u64, (pos % PAGE_SIZE as u64) as usize);
            let len = (PAGE_SIZE - in_page).min(n - done);
            let dst = &mut buf[done..done + len];
            match self.pages.get(&idx) {
                Some(page) => dst.copy_from_slice(&page[in_page..in_page + len]),
                None => dst.fill(0),
            }
            done += len;
        }
        n
    }

    /// Writes all of `buf` at `offset`, growing the file.
    pub fn write_at(&mut self, offset: u64, buf: &[u8]) -> usize {
        let mut done = 0;
        while done < buf.len() {
            let pos = offset + done as u64;
            let (idx, in_page) = (pos / PAGE_SIZE as u64, (pos % PAGE_SIZE as u64) as usize);
            let len = (PAGE_SIZE - in_page).min(buf.len() - done);
            let page = self
                .pages
                .entry(idx)
                .or_insert_with(|| vec![0u8; PAGE_SIZE].into_boxed_slice());
            page[in_page..in_page + len].copy_from_slice(&buf[done..done + len]);
            done += len;
        }
        self.size = self.size.max(offset + buf.len() as u64);
        buf.len()
    }

    /// Sets the size: drops pages past it and zeros the tail of the last
    /// partial page, so growing again reads zeros.
    pub fn truncate(&mut self, size: u64) {
        if size < self.size {
            let first_dropped = size.div_ceil(PAGE_SIZE as u64);
            self.pages.split_off(&first_dropped);
            let in_page = (size % PAGE_SIZE as u64) as usize;
            if in_page != 0
                && let Some(page) = self.pages.get_mut(&(size / PAGE_SIZE as u64))
            {
                page[in_page..].fill(0);
            }
        }
        self.size = size;
    }
}
