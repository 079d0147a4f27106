//! Which address spaces map a file's pages, and taking pages out of them
//! when the file shrinks (Linux's `i_mmap` + `unmap_mapping_range`, at the
//! granularity of address spaces).
//!
//! Why it is race-free without a per-page lock:
//! - a space is added *before* it can map a page of the file: mmap adds it
//!   before inserting the VMA, fork adds the child before the child runs
//!   (fork copies no entries of shared file mappings; the child faults
//!   them in);
//! - a fault looks the page up in the cache and maps it under the
//!   address-space lock, and the lookup sees the size;
//! - truncate first shrinks the cache, then reads the list and takes each
//!   space's lock to unmap.
//!
//! So a fault whose lookup came before the shrink holds its space's lock
//! from before the shrink until its entry is in place; the unmap takes that
//! lock after the shrink and finds the entry. A lookup after the shrink sees
//! the new size (SIGBUS past it).
//!
//! The list holds `Weak` references: dead spaces are pruned when a space is
//! added, and a space that unmapped the file stays listed until it dies
//! (unmapping from it then finds no VMA: cheap).

use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;

use super::FilePages;
use crate::PAGE_SIZE;
use crate::pt::Unmapped;
use crate::space::AddressSpace;
use crate::vma::Backing;

impl FilePages {
    /// Records that `space` may map pages of this file.
    pub(crate) fn add_mapper(&self, space: &Weak<AddressSpace>) {
        let mut mappers = self.mappers.lock();
        mappers.retain(|m| m.strong_count() > 0);
        if !mappers.iter().any(|m| m.ptr_eq(space)) {
            mappers.push(space.clone());
        }
    }

    /// Address spaces listed now (tests).
    pub fn mapper_count(&self) -> usize {
        self.mappers.lock().iter().filter(|m| m.strong_count() > 0).count()
    }

    /// Removes the entries of pages `first..` from every listed space.
    pub(super) fn unmap_from(&self, first: u64) {
        let spaces: Vec<Arc<AddressSpace>> = self.mappers.lock().iter().filter_map(Weak::upgrade).collect();
        for space in spaces {
            space.unmap_file_pages(self, first);
        }
    }
}

impl AddressSpace {
    /// Unmaps the pages of shared mappings of `pages` whose file page index
    /// is `first` or more. The VMAs stay: the next touch faults (SIGBUS past
    /// the end of the file).
    fn unmap_file_pages(&self, pages: &FilePages, first: u64) {
        let first_offset = first.saturating_mul(PAGE_SIZE as u64);
        let mut guard = self.mmu.lock();
        let (mut pt, st) = guard.split();
        let mut out = Unmapped::new();
        let mut range: Option<(usize, usize)> = None;
        for vma in st.vmas.iter() {
            let Backing::SharedFile { pages: p, offset, .. } = &vma.backing else { continue };
            if !core::ptr::eq(Arc::as_ptr(p), pages) {
                continue;
            }
            let vma_end_offset = offset + vma.len() as u64;
            if vma_end_offset <= first_offset {
                continue;
            }
            let start = vma.start + first_offset.saturating_sub(*offset) as usize;
            pt.unmap_range(start, vma.end, &mut out);
            range = Some(range.map_or((start, vma.end), |(s, e)| (s.min(start), e.max(vma.end))));
        }
        if let Some((start, end)) = range
            && !out.is_empty()
        {
            self.mmu.flush(start, end);
        }
        drop(guard);
        drop(out);
    }
}
