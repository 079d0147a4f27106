use abi::Errno;
use abi::linux as l;

use super::*;
use crate::{AddressSpace, MmapRequest};

#[derive(Clone, Copy, Debug, PartialEq, Eq, bytemuck::Zeroable, bytemuck::Pod)]
#[repr(C)]
struct Pair {
    a: u32,
    b: u32,
}

#[test]
fn copies_cross_pages_and_fail_with_efault() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, 2 * PAGE_SIZE, RW, PRIV)).unwrap();
    let data: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
    s.copy_to_user(a + PAGE_SIZE - 100, &data).unwrap();
    let mut back = alloc::vec![0u8; 300];
    s.copy_from_user(a + PAGE_SIZE - 100, &mut back).unwrap();
    assert_eq!(back, data);
    // Running off the end of the mapping.
    let mut big = alloc::vec![0u8; 2 * PAGE_SIZE];
    assert_eq!(s.copy_from_user(a + 8, &mut big), Err(Errno::EFAULT));
    assert_eq!(s.copy_to_user(a + 8, &big), Err(Errno::EFAULT));
    // Kernel addresses and wrap-around.
    assert_eq!(s.copy_from_user(0xffff_8000_0000_0000, &mut back), Err(Errno::EFAULT));
    assert_eq!(s.copy_from_user(usize::MAX - 4, &mut back), Err(Errno::EFAULT));
    s.zero_user(a + PAGE_SIZE - 100, 300).unwrap();
    s.copy_from_user(a + PAGE_SIZE - 100, &mut back).unwrap();
    assert!(back.iter().all(|&b| b == 0));
    // Typed values.
    s.write_val(a + PAGE_SIZE - 4, &Pair { a: 1, b: 2 }).unwrap();
    assert_eq!(s.read_val::<Pair>(a + PAGE_SIZE - 4), Ok(Pair { a: 1, b: 2 }));
    // Read-only memory.
    let ro = s.mmap(MmapRequest::anon(0, PAGE_SIZE, l::PROT_READ, PRIV)).unwrap();
    assert_eq!(s.read_val::<u64>(ro), Ok(0));
    assert_eq!(s.write_val(ro, &1u64), Err(Errno::EFAULT));
}

#[test]
fn read_cstring_stops_at_nul_and_at_max() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, PRIV)).unwrap();
    s.copy_to_user(a, b"hello\0world").unwrap();
    assert_eq!(s.read_cstring(a, 100), Ok(Some(b"hello".to_vec())));
    assert_eq!(s.read_cstring(a, 5), Ok(None), "no NUL within max");
    assert_eq!(s.read_cstring(a, 6), Ok(Some(b"hello".to_vec())));
    // A string ending right before an unmapped page.
    let end = a + PAGE_SIZE;
    s.copy_to_user(end - 4, b"abc\0").unwrap();
    assert_eq!(s.read_cstring(end - 4, 4096), Ok(Some(b"abc".to_vec())));
    // No NUL before the unmapped page.
    s.copy_to_user(end - 4, b"abcd").unwrap();
    assert_eq!(s.read_cstring(end - 4, 4096), Err(Errno::EFAULT));
    // Across pages.
    let b = s.mmap(MmapRequest::anon(0, 2 * PAGE_SIZE, RW, PRIV)).unwrap();
    let long = alloc::vec![b'x'; 5000];
    s.copy_to_user(b, &long).unwrap();
    assert_eq!(s.read_cstring(b, 8000).unwrap().unwrap().len(), 5000);
}

#[test]
fn futex_word_access() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, PRIV)).unwrap();
    assert_eq!(s.load_u32(a), Ok(0), "demand-zero page faulted in");
    assert_eq!(s.cmpxchg_u32(a, 0, 5), Ok(0));
    assert_eq!(s.cmpxchg_u32(a, 0, 6), Ok(5), "mismatch leaves it");
    assert_eq!(s.load_u32(a), Ok(5));
    assert_eq!(s.load_u32(a + 2), Err(Errno::EINVAL));
    assert_eq!(s.load_u32(0x10_0000), Err(Errno::EFAULT));
    assert_eq!(s.translate_for_futex(0x10_0000), Err(Errno::EFAULT));
    assert_eq!(s.translate_for_futex(a), Ok(crate::FutexKey::Private { space: s.id(), addr: a }));
    let ro = s.mmap(MmapRequest::anon(0, PAGE_SIZE, l::PROT_READ, PRIV)).unwrap();
    assert_eq!(s.load_u32(ro), Ok(0), "futex wait on read-only memory works");
    assert_eq!(s.cmpxchg_u32(ro, 0, 1), Err(Errno::EFAULT));
}

#[test]
fn page_walk_shows_each_level() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, PRIV)).unwrap();
    let w = s.walk(a);
    assert_eq!(w.entries[0].map(|e| e & 1), Some(0), "nothing mapped yet");
    assert_eq!(w.entries[1], None);
    s.write_val(a, &1u8).unwrap();
    let w = s.walk(a);
    assert!(w.entries.iter().all(|e| e.is_some_and(|e| e & 1 == 1)));
    assert_eq!(w.entries[3].unwrap() & 0x2, 0x2, "writable leaf");
}

#[test]
fn nofault_futex_access_reports_instead_of_faulting() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, PRIV)).unwrap();
    assert_eq!(s.try_load_u32(a), Ok(None), "not faulted in yet");
    s.fault_in(a, crate::Access::Read).unwrap();
    assert_eq!(s.try_load_u32(a), Ok(Some(0)));
    let _child = s.fork().unwrap();
    assert_eq!(s.try_cmpxchg_u32(a, 0, 1), Ok(None), "copy-on-write until a write fault");
    s.fault_in(a, crate::Access::Write).unwrap();
    assert_eq!(s.try_cmpxchg_u32(a, 0, 1), Ok(Some(0)));
    assert_eq!(s.load_u32(a), Ok(1));
    assert_eq!(s.try_load_u32(a + 1), Err(Errno::EINVAL));
    assert_eq!(s.fault_in(0x10_0000, crate::Access::Read), Err(Errno::EFAULT));
}

#[test]
fn typed_user_pointers() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let a = s.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, PRIV)).unwrap();
    let p = crate::UserPtr::<Pair>::new(a);
    p.offset(3).unwrap().write(&s, &Pair { a: 7, b: 8 }).unwrap();
    assert_eq!(crate::UserPtr::<u32>::new(a + 24).read(&s), Ok(7));
    assert_eq!(p.offset(usize::MAX).map(|_| ()), Err(Errno::EFAULT));
    assert!(crate::UserPtr::<u8>::new(0).is_null());
    assert_eq!(crate::UserPtr::<u8>::new(0).read(&s), Err(Errno::EFAULT));
}
