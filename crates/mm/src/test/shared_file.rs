//! Shared mappings of a file with a page cache: coherence with the file's
//! read/write, across mappings and fork, SIGBUS past the end, truncation
//! unmapping pages, and frames coming back.

use abi::Errno;
use abi::linux as l;

use super::*;
use crate::cache::FilePages;
use crate::{Access, AddressSpace, Fault, MmapFile, MmapRequest};

/// A file whose data is a page cache (as a ramfs file).
struct CacheFile {
    pages: Arc<FilePages>,
}

impl FileBacking for CacheFile {
    fn read_page(&self, file_offset: u64, page: &mut [u8; PAGE_SIZE]) -> abi::KResult<usize> {
        Ok(self.pages.read_at(file_offset, page))
    }
    fn describe(&self, _with_path: bool) -> FileId {
        FileId { dev: (0, 5), ino: 7, path: String::from("/tmp/f") }
    }
    fn page_cache(&self) -> Option<Arc<FilePages>> {
        Some(self.pages.clone())
    }
}

fn file(size: u64) -> (Arc<FilePages>, Arc<CacheFile>) {
    let pages = FilePages::new();
    pages.truncate(size);
    (pages.clone(), Arc::new(CacheFile { pages }))
}

fn map(s: &AddressSpace, f: &Arc<CacheFile>, len: usize, prot: u32, flags: u32, writable: bool) -> abi::KResult<usize> {
    s.mmap(MmapRequest {
        addr: 0,
        len,
        prot,
        flags,
        offset: 0,
        file: Some(MmapFile { backing: f.clone(), readable: true, writable }),
    })
}

fn cache_frames() -> usize {
    frame_stats().in_use(FrameKind::PageCache)
}

#[test]
fn writes_through_the_mapping_are_the_files_data_and_back() {
    let _s = serial();
    let before = frame_stats();
    {
        let s = AddressSpace::new().unwrap();
        let (pages, f) = file(2 * PAGE_SIZE as u64);
        let a = map(&s, &f, 2 * PAGE_SIZE, RW, l::MAP_SHARED, true).unwrap();
        s.copy_to_user(a + 5000, b"through map").unwrap();
        let mut buf = [0u8; 11];
        assert_eq!(pages.read_at(5000, &mut buf), 11);
        assert_eq!(&buf, b"through map");
        pages.write_at(100, b"via write").unwrap();
        let mut back = [0u8; 9];
        s.copy_from_user(a + 100, &mut back).unwrap();
        assert_eq!(&back, b"via write");
        // A second mapping of the same file maps the same frames.
        let b = map(&s, &f, PAGE_SIZE, l::PROT_READ, l::MAP_SHARED, true).unwrap();
        assert_eq!(s.read_val::<[u8; 9]>(b + 100), Ok(*b"via write"));
        assert_eq!(s.mmu.lock().pt().get(a).unwrap().phys, pages.frame(0).unwrap().phys());
        assert_eq!(s.msync(a, 2 * PAGE_SIZE, l::MS_SYNC), Ok(()));
        let maps = s.maps();
        assert!(maps.iter().any(|m| m.start == a && &m.perms == b"rw-s" && m.name == "/tmp/f"));
    }
    assert_frames_returned(&before);
}

#[test]
fn pages_past_the_end_raise_sigbus() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let (_pages, f) = file(100);
    let a = map(&s, &f, 2 * PAGE_SIZE, RW, l::MAP_SHARED, true).unwrap();
    s.write_val(a + 10, &b'a').unwrap();
    assert_eq!(s.read_val::<u8>(a + 4000), Ok(0), "the rest of the last page reads zeros");
    assert_eq!(s.handle_fault(a + PAGE_SIZE + 8, Access::Read, true), Err(Fault::Bus));
    assert_eq!(s.handle_fault(a + PAGE_SIZE, Access::Write, true), Err(Fault::Bus));
    assert_eq!(s.read_val::<u8>(a + PAGE_SIZE), Err(Errno::EFAULT));
}

#[test]
fn truncate_unmaps_pages_past_the_new_end_in_every_space() {
    let _s = serial();
    let before = frame_stats();
    {
        let (pages, f) = file(3 * PAGE_SIZE as u64);
        let s = AddressSpace::new().unwrap();
        let a = map(&s, &f, 3 * PAGE_SIZE, RW, l::MAP_SHARED, true).unwrap();
        for i in 0..3 {
            s.write_val(a + i * PAGE_SIZE, &(i as u8 + 1)).unwrap();
        }
        let child = s.fork().unwrap();
        assert_eq!(child.read_val::<u8>(a + 2 * PAGE_SIZE), Ok(3), "the child refaults the file's pages");
        assert_eq!(pages.mapper_count(), 2);
        pages.truncate(PAGE_SIZE as u64 + 1);
        for space in [&s, &child] {
            assert!(space.mmu.lock().pt().get(a + 2 * PAGE_SIZE).is_none(), "page past the end unmapped");
            assert_eq!(space.handle_fault(a + 2 * PAGE_SIZE, Access::Read, true), Err(Fault::Bus));
            assert_eq!(space.read_val::<u8>(a + PAGE_SIZE), Ok(2), "the partial page stays");
        }
        // Growing again brings back a fresh page of zeros, not the old one.
        pages.truncate(3 * PAGE_SIZE as u64);
        assert_eq!(s.read_val::<u8>(a + 2 * PAGE_SIZE), Ok(0));
        child.write_val(a + 2 * PAGE_SIZE, &9u8).unwrap();
        assert_eq!(s.read_val::<u8>(a + 2 * PAGE_SIZE), Ok(9), "shared with the child");
        drop(child);
        assert_eq!(pages.mapper_count(), 1);
    }
    assert_frames_returned(&before);
}

#[test]
fn cache_frames_live_while_mapped_and_go_with_file_and_mapping() {
    let _s = serial();
    let before = cache_frames();
    let s = AddressSpace::new().unwrap();
    let (pages, f) = file(2 * PAGE_SIZE as u64);
    let a = map(&s, &f, 2 * PAGE_SIZE, RW, l::MAP_SHARED, true).unwrap();
    s.write_val(a, &1u64).unwrap();
    s.write_val(a + PAGE_SIZE, &2u64).unwrap();
    assert_eq!(cache_frames(), before + 2);
    let frame = pages.frame(0).unwrap();
    assert_eq!(frame.ref_count(), 3, "the cache, the entry and this handle");
    drop(frame);
    drop((pages, f));
    assert_eq!(cache_frames(), before + 2, "the mapping keeps the file");
    s.munmap(a, 2 * PAGE_SIZE).unwrap();
    assert_eq!(cache_frames(), before);
}

#[test]
fn protections_follow_the_open_mode_and_private_mappings_copy() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let (pages, f) = file(PAGE_SIZE as u64);
    // Opened read-only: no writable shared mapping, not even by mprotect.
    assert_eq!(map(&s, &f, PAGE_SIZE, RW, l::MAP_SHARED, false), Err(Errno::EACCES));
    let ro = map(&s, &f, PAGE_SIZE, l::PROT_READ, l::MAP_SHARED, false).unwrap();
    assert_eq!(s.mprotect(ro, PAGE_SIZE, RW), Err(Errno::EACCES));
    // Opened read-write: mprotect may add write later.
    let rw = map(&s, &f, PAGE_SIZE, l::PROT_READ, l::MAP_SHARED, true).unwrap();
    assert_eq!(s.read_val::<u8>(rw), Ok(0));
    s.mprotect(rw, PAGE_SIZE, RW).unwrap();
    s.write_val(rw, &5u8).unwrap();
    assert_eq!(s.read_val::<u8>(ro), Ok(5), "both shared mappings map the cache");
    // A private mapping copies on write and never changes the file.
    let p = map(&s, &f, PAGE_SIZE, RW, l::MAP_PRIVATE, true).unwrap();
    assert_eq!(s.read_val::<u8>(p), Ok(5));
    s.write_val(p, &6u8).unwrap();
    let mut b = [0u8; 1];
    pages.read_at(0, &mut b);
    assert_eq!(b, [5]);
    // Shared file memory is shared futex memory.
    assert!(matches!(s.translate_for_futex(rw), Ok(crate::FutexKey::Shared { .. })));
}
