use abi::Errno;
use abi::linux as l;

use super::*;
use crate::layout::{self, MMAP_MIN_ADDR, TASK_SIZE};
use crate::{AddressSpace, MmapFile, MmapRequest};

fn space() -> Arc<AddressSpace> {
    AddressSpace::new().unwrap()
}

fn file_req(file: &Arc<MemFile>, len: usize, prot: u32, flags: u32, readable: bool, writable: bool) -> MmapRequest {
    MmapRequest {
        addr: 0,
        len,
        prot,
        flags,
        offset: 0,
        file: Some(MmapFile { backing: file.clone(), readable, writable }),
    }
}

#[test]
fn mmap_argument_errors_match_linux() {
    let _s = serial();
    let s = space();
    let anon = |addr, len, flags| s.mmap(MmapRequest::anon(addr, len, RW, flags));
    assert_eq!(anon(0, 0, PRIV), Err(Errno::EINVAL), "len 0");
    assert_eq!(s.mmap(MmapRequest { offset: 100, ..MmapRequest::anon(0, 4096, RW, PRIV) }), Err(Errno::EINVAL), "offset");
    assert_eq!(anon(0, 4096, l::MAP_ANONYMOUS), Err(Errno::EINVAL), "neither private nor shared");
    assert_eq!(anon(0, 4096, l::MAP_ANONYMOUS | 0x4), Err(Errno::EINVAL), "bad map type");
    assert!(anon(0, 4096, l::MAP_ANONYMOUS | l::MAP_SHARED_VALIDATE).is_ok(), "SHARED|PRIVATE is MAP_SHARED_VALIDATE");
    assert_eq!(
        anon(0, 4096, l::MAP_ANONYMOUS | l::MAP_SHARED_VALIDATE | 0x4000_0000),
        Err(Errno::EOPNOTSUPP),
        "unknown flag under SHARED_VALIDATE"
    );
    assert!(anon(0, 4096, PRIV | 0x4000_0000).is_ok(), "unknown flags are ignored otherwise");
    assert_eq!(anon(0x10_0001, 4096, PRIV | l::MAP_FIXED), Err(Errno::EINVAL), "unaligned fixed");
    assert_eq!(anon(0, 4096, PRIV | l::MAP_FIXED), Err(Errno::EPERM), "fixed below mmap_min_addr");
    assert_eq!(anon(TASK_SIZE, 4096, PRIV | l::MAP_FIXED), Err(Errno::ENOMEM), "fixed past TASK_SIZE");
    assert_eq!(anon(0, usize::MAX - 10, PRIV), Err(Errno::ENOMEM), "length overflows");
    assert_eq!(anon(0, TASK_SIZE + 4096, PRIV), Err(Errno::ENOMEM), "longer than the space");
    assert_eq!(anon(0, 4096, PRIV | l::MAP_HUGETLB), Err(Errno::ENOMEM), "no huge pages");
    assert_eq!(
        anon(0, 4096, l::MAP_SHARED | l::MAP_ANONYMOUS | l::MAP_GROWSDOWN),
        Err(Errno::EINVAL),
        "shared grows-down"
    );
    let a = anon(0x2000_0000, 4 * 4096, PRIV | l::MAP_FIXED).unwrap();
    assert_eq!(a, 0x2000_0000);
    assert_eq!(anon(a + 4096, 4096, PRIV | l::MAP_FIXED_NOREPLACE), Err(Errno::EEXIST));
    assert_eq!(anon(a + 8 * 4096, 4096, PRIV | l::MAP_FIXED_NOREPLACE), Ok(a + 8 * 4096));

    let f = MemFile::new(alloc::vec![1u8; 10000]);
    assert_eq!(s.mmap(file_req(&f, 4096, l::PROT_READ, l::MAP_PRIVATE, false, true)), Err(Errno::EACCES), "not readable");
    assert_eq!(s.mmap(file_req(&f, 4096, RW, l::MAP_SHARED, true, false)), Err(Errno::EACCES), "shared write, read-only fd");
    assert!(s.mmap(file_req(&f, 4096, RW, l::MAP_PRIVATE, true, false)).is_ok(), "private write, read-only fd");
    assert_eq!(s.mmap(file_req(&f, 4096, RW, l::MAP_SHARED, true, true)), Err(Errno::ENODEV), "writable shared file");
    assert_eq!(
        s.mmap(file_req(&f, 4096, l::PROT_READ, l::MAP_PRIVATE | l::MAP_GROWSDOWN, true, false)),
        Err(Errno::EINVAL),
        "file grows-down"
    );
    assert_eq!(
        s.mmap(MmapRequest { file: None, ..file_req(&f, 4096, l::PROT_READ, l::MAP_PRIVATE, true, false) }),
        Err(Errno::EBADF)
    );
}

#[test]
fn placement_is_top_down_below_mmap_base_and_honours_free_hints() {
    let _s = serial();
    let s = space();
    let base = layout::mmap_base(layout::DEFAULT_STACK_LIMIT);
    assert_eq!(base, 0x7fff_f7ff_f000, "Linux's mmap_base with an 8 MiB stack limit");
    let a = s.mmap(MmapRequest::anon(0, 3 * 4096, RW, PRIV)).unwrap();
    assert_eq!(a, base - 3 * 4096);
    let b = s.mmap(MmapRequest::anon(0, 4096, l::PROT_READ, PRIV)).unwrap();
    assert_eq!(b, a - 4096);
    // A free hint is used as is (rounded down to a page).
    let h = s.mmap(MmapRequest::anon(0x1234_5678, 4096, RW, PRIV)).unwrap();
    assert_eq!(h, 0x1234_5000);
    // A taken hint falls back to top-down placement.
    let c = s.mmap(MmapRequest::anon(a, 4096, RW, PRIV)).unwrap();
    assert_eq!(c, b - 4096);
    // A hint below mmap_min_addr is raised to it.
    let m = s.mmap(MmapRequest::anon(0x1000, 4096, RW, PRIV)).unwrap();
    assert_eq!(m, MMAP_MIN_ADDR);
    // A hole left by munmap is reused, highest first.
    s.munmap(a + 4096, 4096).unwrap();
    let d = s.mmap(MmapRequest::anon(0, 4096, RW, PRIV)).unwrap();
    assert_eq!(d, a + 4096);
    // Too big for the hole: goes below everything.
    s.munmap(a + 4096, 4096).unwrap();
    let e = s.mmap(MmapRequest::anon(0, 2 * 4096, RW, PRIV)).unwrap();
    assert_eq!(e, c - 2 * 4096);
}

#[test]
fn map_32bit_places_bottom_up_from_one_gib_below_two() {
    let _s = serial();
    let s = space();
    let a = s.mmap(MmapRequest::anon(0, 2 * 4096, RW, PRIV | l::MAP_32BIT)).unwrap();
    assert_eq!(a, 0x4000_0000);
    let b = s.mmap(MmapRequest::anon(0, 4096, RW, PRIV | l::MAP_32BIT)).unwrap();
    assert_eq!(b, a + 2 * 4096);
    // Nothing left below 2 GiB: ENOMEM, not a high address.
    assert_eq!(s.mmap(MmapRequest::anon(0, 0x4000_0000, RW, PRIV | l::MAP_32BIT)), Err(Errno::ENOMEM));
    // A free hint still wins.
    assert_eq!(s.mmap(MmapRequest::anon(0x1234_5000, 4096, RW, PRIV | l::MAP_32BIT)).unwrap(), 0x1234_5000);
}

#[test]
fn placement_keeps_the_stack_guard_gap() {
    let _s = serial();
    let s = space();
    let stack = s.map_main_stack(layout::STACK_TOP).unwrap();
    // Put the mmap base right under the stack to force the question.
    s.mmu.lock().data.mmap_base = stack.bottom;
    let a = s.mmap(MmapRequest::anon(0, 4096, RW, PRIV)).unwrap();
    assert_eq!(a + 4096, stack.bottom - layout::STACK_GUARD_GAP);
    // A hint inside the gap is not honoured.
    let b = s.mmap(MmapRequest::anon(stack.bottom - 4096, 4096, RW, PRIV)).unwrap();
    assert_ne!(b, stack.bottom - 4096);
}

#[test]
fn munmap_checks_and_splits() {
    let _s = serial();
    let s = space();
    assert_eq!(s.munmap(0x10_0001, 4096), Err(Errno::EINVAL));
    assert_eq!(s.munmap(0x10_0000, 0), Err(Errno::EINVAL));
    assert_eq!(s.munmap(TASK_SIZE, 8192), Err(Errno::EINVAL));
    assert_eq!(s.munmap(0x10_0000, 4096), Ok(()), "unmapping a hole is fine");
    let a = s.mmap(MmapRequest::anon(0x4000_0000, 8 * 4096, RW, PRIV | l::MAP_FIXED)).unwrap();
    for i in 0..8 {
        s.write_val(a + i * 4096, &(i as u32 + 1)).unwrap();
    }
    s.munmap(a + 2 * 4096, 3 * 4096).unwrap();
    let maps = s.maps();
    assert_eq!(maps.len(), 2);
    assert_eq!((maps[0].start, maps[0].end), (a, a + 2 * 4096));
    assert_eq!((maps[1].start, maps[1].end), (a + 5 * 4096, a + 8 * 4096));
    assert_eq!(s.read_val::<u32>(a + 4096), Ok(2));
    assert_eq!(s.read_val::<u32>(a + 5 * 4096), Ok(6));
    assert_eq!(s.read_val::<u32>(a + 3 * 4096), Err(Errno::EFAULT));
    assert_eq!(s.stats().rss_pages, 5);
    // Unaligned length is rounded up.
    s.munmap(a, 1).unwrap();
    assert_eq!(s.maps()[0].start, a + 4096);
}

#[test]
fn mprotect_splits_merges_and_applies_to_pages() {
    let _s = serial();
    let s = space();
    let a = s.mmap(MmapRequest::anon(0x5000_0000, 4 * 4096, RW, PRIV | l::MAP_FIXED)).unwrap();
    s.write_val(a + 4096, &7u32).unwrap();
    s.mprotect(a + 4096, 2 * 4096, l::PROT_READ).unwrap();
    let perms: Vec<_> = s.maps().iter().map(|m| (m.start, m.perms)).collect();
    assert_eq!(perms, [(a, *b"rw-p"), (a + 4096, *b"r--p"), (a + 3 * 4096, *b"rw-p")]);
    assert_eq!(s.write_val(a + 4096, &1u32), Err(Errno::EFAULT));
    assert_eq!(s.read_val::<u32>(a + 4096), Ok(7));
    assert_eq!(s.handle_fault(a + 4096, crate::Access::Write, true), Err(crate::Fault::AccErr));
    s.mprotect(a, 4 * 4096, RW).unwrap();
    assert_eq!(s.maps().len(), 1, "merged back");
    s.write_val(a + 4096, &8u32).unwrap();
    assert_eq!(s.read_val::<u32>(a + 4096), Ok(8));
    // PROT_NONE keeps the contents but forbids access.
    s.mprotect(a, 4096 * 4, l::PROT_NONE).unwrap();
    assert_eq!(s.read_val::<u32>(a + 4096), Err(Errno::EFAULT));
    s.mprotect(a, 4096 * 4, l::PROT_READ).unwrap();
    assert_eq!(s.read_val::<u32>(a + 4096), Ok(8));
    // Errors.
    assert_eq!(s.mprotect(a + 1, 4096, RW), Err(Errno::EINVAL));
    assert_eq!(s.mprotect(a, 4096, 0x100), Err(Errno::EINVAL));
    assert_eq!(s.mprotect(a, 0, RW), Ok(()));
    assert_eq!(s.mprotect(a - 4096, 2 * 4096, RW), Err(Errno::ENOMEM), "starts in a hole");
    assert_eq!(s.mprotect(a + 3 * 4096, 2 * 4096, RW), Err(Errno::ENOMEM), "runs into a hole");
    assert_eq!(s.maps()[0].perms, *b"r--p");
    assert_eq!(s.maps()[1].perms, *b"rw-p", "the part before the hole changed, as in Linux");
    assert_eq!(s.mprotect(a, 4096, RW | l::PROT_GROWSDOWN | l::PROT_GROWSUP), Err(Errno::EINVAL));
    assert_eq!(s.mprotect(a, 4096, RW | l::PROT_GROWSDOWN), Err(Errno::EINVAL), "not a grows-down VMA");
}

#[test]
fn mprotect_write_on_read_only_shared_file_is_eacces() {
    let _s = serial();
    let s = space();
    let f = MemFile::new(alloc::vec![9u8; 8192]);
    let a = s.mmap(file_req(&f, 8192, l::PROT_READ, l::MAP_SHARED, true, false)).unwrap();
    assert_eq!(s.mprotect(a, 8192, RW), Err(Errno::EACCES));
    assert_eq!(s.mprotect(a, 8192, l::PROT_READ | l::PROT_EXEC), Ok(()));
    assert_eq!(s.read_val::<u8>(a + 5000), Ok(9));
    let p = s.mmap(file_req(&f, 8192, l::PROT_READ, l::MAP_PRIVATE, true, false)).unwrap();
    assert_eq!(s.mprotect(p, 8192, RW), Ok(()), "private mappings may become writable");
    s.write_val(p, &1u8).unwrap();
    assert_eq!(s.read_val::<u8>(p), Ok(1));
    assert_eq!(f.data[0], 9, "private writes never reach the file");
}

#[test]
fn maps_lines_look_like_linux() {
    let _s = serial();
    let s = space();
    let f = MemFile::new(alloc::vec![0u8; 3 * 4096]);
    let req = MmapRequest {
        addr: 0x40_0000,
        flags: l::MAP_PRIVATE | l::MAP_FIXED,
        offset: 4096,
        ..file_req(&f, 8192, l::PROT_READ | l::PROT_EXEC, 0, true, false)
    };
    s.mmap(req).unwrap();
    s.set_brk_start(0x60_0123);
    assert_eq!(s.brk(0x60_5000), 0x60_5000);
    s.map_main_stack(layout::STACK_TOP).unwrap();
    let lines: Vec<String> = s.maps().iter().map(|m| alloc::format!("{m}")).collect();
    assert_eq!(lines[0], alloc::format!("{:<73}{}", "00400000-00402000 r-xp 00001000 08:01 42 ", "/bin/test"));
    assert_eq!(lines[1], alloc::format!("{:<73}{}", "00601000-00605000 rw-p 00000000 00:00 0 ", "[heap]"));
    assert!(lines[2].starts_with("7ffffffdf000-7ffffffff000 rw-p 00000000 00:00 0"), "{}", lines[2]);
    assert!(lines[2].ends_with("[stack]"));
    let sh = s.mmap(MmapRequest::anon(0, 4096, RW, l::MAP_SHARED | l::MAP_ANONYMOUS)).unwrap();
    let line = s.maps().into_iter().find(|m| m.start == sh).unwrap();
    assert_eq!(&line.perms, b"rw-s");
    assert_eq!(line.name, "/dev/zero (deleted)");
}

#[test]
fn map_populate_prefaults() {
    let _s = serial();
    let s = space();
    let a = s.mmap(MmapRequest::anon(0, 8 * 4096, RW, PRIV | l::MAP_POPULATE)).unwrap();
    assert_eq!(s.stats().rss_pages, 8);
    assert_eq!(s.read_val::<u64>(a), Ok(0));
}

#[test]
fn address_space_limit_gives_enomem() {
    let _s = serial();
    let s = space();
    s.set_as_limit(16 * 4096);
    assert!(s.mmap(MmapRequest::anon(0, 8 * 4096, RW, PRIV)).is_ok());
    assert_eq!(s.mmap(MmapRequest::anon(0, 9 * 4096, RW, PRIV)), Err(Errno::ENOMEM));
    assert!(s.mmap(MmapRequest::anon(0, 8 * 4096, RW, PRIV)).is_ok());
}
