use abi::Errno;
use abi::linux as l;

use super::*;
use crate::{AddressSpace, MmapRequest, VmaFlags};

fn fill(s: &AddressSpace, a: usize, pages: usize) {
    for i in 0..pages {
        s.write_val(a + i * PAGE_SIZE, &(0xabc0 + i as u32)).unwrap();
    }
}

fn check(s: &AddressSpace, a: usize, pages: usize) {
    for i in 0..pages {
        assert_eq!(s.read_val::<u32>(a + i * PAGE_SIZE), Ok(0xabc0 + i as u32), "page {i}");
    }
}

#[test]
fn brk_grows_shrinks_and_reports_the_old_break_on_failure() {
    let _s = serial();
    let before = frame_stats();
    {
        let s = AddressSpace::new().unwrap();
        assert_eq!(s.brk(0x60_0000), 0, "no break before the loader sets one");
        s.set_brk_start(0x60_0010);
        let start = 0x60_1000;
        assert_eq!(s.brk(0), start, "brk(0) asks for the current break");
        assert_eq!(s.brk(start + 10), start + 10);
        s.write_val(start, &5u32).unwrap();
        assert_eq!(s.brk(start + 3 * PAGE_SIZE), start + 3 * PAGE_SIZE);
        s.write_val(start + 2 * PAGE_SIZE + 8, &6u32).unwrap();
        assert_eq!(s.maps().len(), 1, "one heap VMA");
        assert_eq!(s.brk(start + 100), start + 100, "shrink");
        assert_eq!(s.read_val::<u32>(start + 2 * PAGE_SIZE), Err(Errno::EFAULT));
        assert_eq!(s.read_val::<u32>(start), Ok(5));
        assert_eq!(s.brk(start - 1), start + 100, "below the start: unchanged");
        // Something mapped in the way: growth fails, break unchanged.
        s.mmap(MmapRequest::anon(start + 8 * PAGE_SIZE, PAGE_SIZE, RW, PRIV | l::MAP_FIXED)).unwrap();
        assert_eq!(s.brk(start + 7 * PAGE_SIZE + 1), start + 100);
        assert_eq!(s.brk(start + 7 * PAGE_SIZE), start + 7 * PAGE_SIZE, "up to one page before it is fine");
        // Regrow after shrink gives zeros.
        assert_eq!(s.brk(start), start);
        assert_eq!(s.brk(start + PAGE_SIZE), start + PAGE_SIZE);
        assert_eq!(s.read_val::<u32>(start), Ok(0));
    }
    assert_frames_returned(&before);
}

#[test]
fn mremap_grows_in_place_moves_and_shrinks_keeping_contents() {
    let _s = serial();
    let before = frame_stats();
    {
        let s = AddressSpace::new().unwrap();
        let a = s.mmap(MmapRequest::anon(0x3000_0000, 4 * PAGE_SIZE, RW, PRIV | l::MAP_FIXED)).unwrap();
        fill(&s, a, 4);
        // Grow in place (room above).
        assert_eq!(s.mremap(a, 4 * PAGE_SIZE, 6 * PAGE_SIZE, 0, 0), Ok(a));
        check(&s, a, 4);
        assert_eq!(s.read_val::<u32>(a + 5 * PAGE_SIZE), Ok(0));
        assert_eq!(s.maps().len(), 1);
        // Blocked above: without MAYMOVE, ENOMEM; with it, moves.
        s.mmap(MmapRequest::anon(a + 6 * PAGE_SIZE, PAGE_SIZE, l::PROT_READ, PRIV | l::MAP_FIXED)).unwrap();
        assert_eq!(s.mremap(a, 6 * PAGE_SIZE, 8 * PAGE_SIZE, 0, 0), Err(Errno::ENOMEM));
        let rss = s.stats().rss_pages;
        let b = s.mremap(a, 6 * PAGE_SIZE, 8 * PAGE_SIZE, l::MREMAP_MAYMOVE, 0).unwrap();
        assert_ne!(b, a);
        check(&s, b, 4);
        assert_eq!(s.read_val::<u32>(a), Err(Errno::EFAULT), "old range gone");
        assert_eq!(s.stats().rss_pages, rss, "pages moved, not copied");
        // Shrink.
        assert_eq!(s.mremap(b, 8 * PAGE_SIZE, 2 * PAGE_SIZE, 0, 0), Ok(b));
        check(&s, b, 2);
        assert_eq!(s.read_val::<u32>(b + 2 * PAGE_SIZE), Err(Errno::EFAULT));
        // Fixed move over an existing mapping.
        let c = s.mmap(MmapRequest::anon(0x3800_0000, PAGE_SIZE, RW, PRIV | l::MAP_FIXED)).unwrap();
        assert_eq!(s.mremap(b, 2 * PAGE_SIZE, 2 * PAGE_SIZE, l::MREMAP_MAYMOVE | l::MREMAP_FIXED, c), Ok(c));
        check(&s, c, 2);
        // Errors.
        assert_eq!(s.mremap(c + 1, PAGE_SIZE, PAGE_SIZE, 0, 0), Err(Errno::EINVAL));
        assert_eq!(s.mremap(c, PAGE_SIZE, 0, 0, 0), Err(Errno::EINVAL));
        assert_eq!(s.mremap(c, PAGE_SIZE, PAGE_SIZE, l::MREMAP_FIXED, c + PAGE_SIZE), Err(Errno::EINVAL));
        assert_eq!(s.mremap(c, PAGE_SIZE, PAGE_SIZE, 0x80, 0), Err(Errno::EINVAL));
        assert_eq!(s.mremap(0x7000_0000, PAGE_SIZE, 2 * PAGE_SIZE, l::MREMAP_MAYMOVE, 0), Err(Errno::EFAULT));
        assert_eq!(s.mremap(c, 3 * PAGE_SIZE, 4 * PAGE_SIZE, l::MREMAP_MAYMOVE, 0), Err(Errno::EFAULT), "spans two VMAs");
        assert_eq!(
            s.mremap(c, 2 * PAGE_SIZE, 2 * PAGE_SIZE, l::MREMAP_MAYMOVE | l::MREMAP_FIXED, c + PAGE_SIZE),
            Err(Errno::EINVAL),
            "overlapping ranges"
        );
        // DONTUNMAP leaves an empty mapping behind.
        let d = s.mremap(c, 2 * PAGE_SIZE, 2 * PAGE_SIZE, l::MREMAP_MAYMOVE | l::MREMAP_DONTUNMAP, 0).unwrap();
        check(&s, d, 2);
        assert_eq!(s.read_val::<u32>(c), Ok(0));
    }
    assert_frames_returned(&before);
}

#[test]
fn mremap_of_a_file_mapping_keeps_offsets() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let data: Vec<u8> = (0..4 * PAGE_SIZE).map(|i| (i / PAGE_SIZE) as u8 + 1).collect();
    let f = MemFile::new(data);
    let a = s
        .mmap(crate::MmapRequest {
            addr: 0,
            len: PAGE_SIZE,
            prot: l::PROT_READ,
            flags: l::MAP_PRIVATE,
            offset: PAGE_SIZE as u64,
            file: Some(crate::MmapFile { backing: f, readable: true, writable: false }),
        })
        .unwrap();
    s.mmap(MmapRequest::anon(a + PAGE_SIZE, PAGE_SIZE, RW, PRIV | l::MAP_FIXED)).unwrap();
    let b = s.mremap(a, PAGE_SIZE, 3 * PAGE_SIZE, l::MREMAP_MAYMOVE, 0).unwrap();
    assert_eq!(s.read_val::<u8>(b), Ok(2));
    assert_eq!(s.read_val::<u8>(b + PAGE_SIZE), Ok(3));
    assert_eq!(s.read_val::<u8>(b + 2 * PAGE_SIZE), Ok(4));
}

#[test]
fn madvise_dontneed_drops_private_pages_only() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let p = s.mmap(MmapRequest::anon(0, 2 * PAGE_SIZE, RW, PRIV)).unwrap();
    let sh = s.mmap(MmapRequest::anon(0, 2 * PAGE_SIZE, RW, l::MAP_SHARED | l::MAP_ANONYMOUS)).unwrap();
    s.write_val(p, &1u32).unwrap();
    s.write_val(sh, &2u32).unwrap();
    s.madvise(p, 2 * PAGE_SIZE, l::MADV_DONTNEED).unwrap();
    s.madvise(sh, 2 * PAGE_SIZE, l::MADV_DONTNEED).unwrap();
    assert_eq!(s.read_val::<u32>(p), Ok(0));
    assert_eq!(s.read_val::<u32>(sh), Ok(2));
    assert_eq!(s.madvise(p + 1, PAGE_SIZE, l::MADV_DONTNEED), Err(Errno::EINVAL));
    assert_eq!(s.madvise(p, PAGE_SIZE, 999), Err(Errno::EINVAL));
    assert_eq!(s.madvise(p, PAGE_SIZE, l::MADV_WILLNEED), Ok(()));
    assert_eq!(s.madvise(0x10_0000, PAGE_SIZE, l::MADV_NORMAL), Err(Errno::ENOMEM));
    assert_eq!(s.madvise(p, 0, l::MADV_DONTNEED), Ok(()));
    assert_eq!(s.mincore(p, 2 * PAGE_SIZE), Ok(alloc::vec![1, 0]));
    assert_eq!(s.mincore(0x10_0000, PAGE_SIZE), Err(Errno::ENOMEM));
}

#[test]
fn dropping_pages_of_several_ranges_frees_their_tables() {
    let _s = serial();
    let before = frame_stats();
    {
        let s = AddressSpace::new().unwrap();
        // Two VMAs 2 MiB apart, each filling its own page table, plus a hole.
        let a = s.mmap(MmapRequest::anon(0x4000_0000, 2 << 20, RW, PRIV | l::MAP_FIXED)).unwrap();
        let b = s.mmap(MmapRequest::anon(0x4040_0000, 2 << 20, l::PROT_READ | l::PROT_WRITE | l::PROT_EXEC, PRIV | l::MAP_FIXED)).unwrap();
        s.write_val(a, &1u8).unwrap();
        s.write_val(b, &1u8).unwrap();
        let tables = s.stats().page_table_frames;
        assert_eq!(tables, 5, "PML4, PDPT, PD and two page tables");
        assert_eq!(s.madvise(a, 6 << 20, l::MADV_DONTNEED), Err(Errno::ENOMEM), "hole in the middle");
        assert_eq!(s.stats().page_table_frames, 3, "both page tables went");
        assert_eq!(s.stats().rss_pages, 0);
        s.munmap(a, 6 << 20).unwrap();
    }
    assert_frames_returned(&before);
}

#[test]
fn msync_and_mlock_check_the_range() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, 2 * PAGE_SIZE, RW, PRIV)).unwrap();
    assert_eq!(s.msync(a, 2 * PAGE_SIZE, l::MS_SYNC), Ok(()));
    assert_eq!(s.msync(a, 3 * PAGE_SIZE, l::MS_SYNC), Err(Errno::ENOMEM));
    assert_eq!(s.msync(a + 1, PAGE_SIZE, l::MS_SYNC), Err(Errno::EINVAL));
    assert_eq!(s.msync(a, PAGE_SIZE, l::MS_SYNC | l::MS_ASYNC), Err(Errno::EINVAL));
    assert_eq!(s.msync(a, PAGE_SIZE, 0x100), Err(Errno::EINVAL));
    assert_eq!(s.mlock(a + 10, PAGE_SIZE, VmaFlags::LOCKED, None), Ok(()));
    assert_eq!(s.stats().rss_pages, 2, "mlock faults the pages in");
    assert_eq!(s.mlock(a, 3 * PAGE_SIZE, VmaFlags::empty(), None), Err(Errno::ENOMEM));
}

#[test]
fn mlock_counts_locked_pages_once_against_the_limit() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, 8 * PAGE_SIZE, RW, PRIV)).unwrap();
    let limit = Some(4);
    assert_eq!(s.mlock(a, 3 * PAGE_SIZE, VmaFlags::LOCKED, limit), Ok(()));
    assert_eq!(s.mlock(a, 3 * PAGE_SIZE, VmaFlags::LOCKED, limit), Ok(()), "already locked: not counted again");
    assert_eq!(s.mlock(a + 2 * PAGE_SIZE, 2 * PAGE_SIZE, VmaFlags::LOCKED, limit), Ok(()));
    assert_eq!(s.locked_pages(), 4);
    assert_eq!(s.mlock(a + 4 * PAGE_SIZE, PAGE_SIZE, VmaFlags::LOCKED, limit), Err(Errno::ENOMEM));
    assert_eq!(s.mlock(a, PAGE_SIZE, VmaFlags::empty(), None), Ok(()));
    assert_eq!(s.stats().locked_pages, 3);
    assert_eq!(s.mlockall(0, None), Err(Errno::EINVAL));
    assert_eq!(s.mlockall(crate::MCL_CURRENT, Some(1)), Err(Errno::ENOMEM));
    s.munlockall();
    assert_eq!(s.locked_pages(), 0);
}

#[test]
fn madvise_refuses_wipeonfork_on_shared_memory_and_free_on_locked_dontneed() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let shared = s.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, l::MAP_SHARED)).unwrap();
    assert_eq!(s.madvise(shared, PAGE_SIZE, l::MADV_WIPEONFORK), Err(Errno::EINVAL));
    assert_eq!(s.madvise(shared, PAGE_SIZE, l::MADV_FREE), Err(Errno::EINVAL));
    let a = s.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, PRIV)).unwrap();
    assert_eq!(s.mlock(a, PAGE_SIZE, VmaFlags::LOCKED, None), Ok(()));
    assert_eq!(s.madvise(a, PAGE_SIZE, l::MADV_DONTNEED), Err(Errno::EINVAL));
    assert_eq!(s.madvise(a, PAGE_SIZE, l::MADV_DONTNEED_LOCKED), Ok(()));
}

/// Issue 17: `mremap(page, 0xfffffffffffff000, 4096, 0)` overflowed the end
/// of the old range and panicked the kernel; Linux returns EINVAL.
#[test]
fn mremap_of_a_range_past_user_space_is_einval_not_an_overflow() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, PAGE_SIZE, l::PROT_READ | l::PROT_WRITE, l::MAP_PRIVATE)).unwrap();
    assert_eq!(s.mremap(a, 0xffff_ffff_ffff_f000, PAGE_SIZE, 0, 0), Err(Errno::EINVAL));
    assert_eq!(s.mremap(a, usize::MAX - a, PAGE_SIZE, l::MREMAP_MAYMOVE, 0), Err(Errno::EINVAL));
    assert_eq!(s.mremap(a, PAGE_SIZE, PAGE_SIZE, 0, 0), Ok(a), "a sane call still works");
}
