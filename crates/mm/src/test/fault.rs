use abi::linux as l;

use super::*;
use crate::layout::{self, STACK_TOP};
use crate::{Access, AddressSpace, Fault, MmapFile, MmapRequest};

#[test]
fn faults_are_classified_like_linux() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    assert_eq!(s.handle_fault(0x1000, Access::Read, true), Err(Fault::MapErr));
    assert_eq!(s.handle_fault(usize::MAX, Access::Read, true), Err(Fault::MapErr));
    let none = s.mmap(MmapRequest::anon(0, PAGE_SIZE, l::PROT_NONE, PRIV)).unwrap();
    assert_eq!(s.handle_fault(none, Access::Read, true), Err(Fault::AccErr));
    let ro = s.mmap(MmapRequest::anon(0, PAGE_SIZE, l::PROT_READ, PRIV)).unwrap();
    assert_eq!(s.handle_fault(ro, Access::Read, true), Ok(()));
    assert_eq!(s.handle_fault(ro, Access::Write, true), Err(Fault::AccErr));
    assert_eq!(s.handle_fault(ro, Access::Exec, true), Err(Fault::AccErr));
    let wo = s.mmap(MmapRequest::anon(0, PAGE_SIZE, l::PROT_WRITE, PRIV)).unwrap();
    assert_eq!(s.handle_fault(wo, Access::Read, true), Ok(()), "x86: write implies read");
    let x = s.mmap(MmapRequest::anon(0, PAGE_SIZE, l::PROT_READ | l::PROT_EXEC, PRIV)).unwrap();
    assert_eq!(s.handle_fault(x, Access::Exec, true), Ok(()));
    assert_eq!(Access::from_page_fault_error(0x2 | 0x4), Access::Write);
    assert_eq!(Access::from_page_fault_error(0x10 | 0x4 | 0x1), Access::Exec);
    assert_eq!(Access::from_page_fault_error(0x4), Access::Read);
}

#[test]
fn file_mappings_fill_pages_and_sigbus_past_the_end() {
    let _s = serial();
    let before = frame_stats();
    {
        let s = AddressSpace::new().unwrap();
        let data: Vec<u8> = (0..6000u32).map(|i| (i % 251) as u8).collect();
        let f = MemFile::new(data.clone());
        let req = MmapRequest {
            addr: 0,
            len: 4 * PAGE_SIZE,
            prot: l::PROT_READ,
            flags: l::MAP_PRIVATE,
            offset: 0,
            file: Some(MmapFile { backing: f.clone(), readable: true, writable: false }),
        };
        let a = s.mmap(req).unwrap();
        let mut buf = alloc::vec![0u8; 6000];
        s.copy_from_user(a, &mut buf).unwrap();
        assert_eq!(buf, data);
        // Past EOF in the last file page: zeros.
        let mut tail = [1u8; 100];
        s.copy_from_user(a + 6000, &mut tail).unwrap();
        assert_eq!(tail, [0u8; 100]);
        // A page entirely beyond EOF: SIGBUS.
        assert_eq!(s.handle_fault(a + 2 * PAGE_SIZE, Access::Read, true), Err(Fault::Bus));
        assert_eq!(s.read_val::<u8>(a + 3 * PAGE_SIZE), Err(abi::Errno::EFAULT));
        // Offsets: map the second page of the file.
        let b = s
            .mmap(MmapRequest {
                addr: 0,
                len: PAGE_SIZE,
                prot: l::PROT_READ,
                flags: l::MAP_PRIVATE,
                offset: PAGE_SIZE as u64,
                file: Some(MmapFile { backing: f, readable: true, writable: false }),
            })
            .unwrap();
        assert_eq!(s.read_val::<u8>(b + 10), Ok(data[PAGE_SIZE + 10]));
    }
    assert_frames_returned(&before);
}

#[test]
fn main_stack_grows_down_to_its_limit() {
    let _s = serial();
    let before = frame_stats();
    {
        let s = AddressSpace::new().unwrap();
        s.set_stack_limit(1 << 20);
        let st = s.map_main_stack(STACK_TOP).unwrap();
        assert_eq!(st.bottom, STACK_TOP - layout::INITIAL_STACK_SIZE);
        s.write_val(STACK_TOP - 8, &1u64).unwrap();
        // Below the VMA but within the limit: grows.
        let deep = STACK_TOP - (1 << 20);
        s.write_val(deep, &2u64).unwrap();
        assert_eq!(s.maps().last().unwrap().start, deep);
        assert_eq!(s.maps().len(), 1);
        // Beyond the limit: SEGV_MAPERR.
        assert_eq!(s.handle_fault(deep - 8, Access::Write, true), Err(Fault::MapErr));
        // Another mapping too close under the stack blocks growth.
        s.set_stack_limit(64 << 20);
        let close = deep - layout::STACK_GUARD_GAP;
        s.mmap(MmapRequest::anon(close - PAGE_SIZE, PAGE_SIZE, RW, PRIV | l::MAP_FIXED)).unwrap();
        assert_eq!(s.handle_fault(deep - PAGE_SIZE, Access::Write, true), Err(Fault::MapErr));
        // ...unless it is PROT_NONE (a guard).
        s.mprotect(close - PAGE_SIZE, PAGE_SIZE, l::PROT_NONE).unwrap();
        assert_eq!(s.handle_fault(deep - PAGE_SIZE, Access::Write, true), Ok(()));
        assert_eq!(s.stats().stack_pages, (STACK_TOP - (deep - PAGE_SIZE)) / PAGE_SIZE);
    }
    assert_frames_returned(&before);
}

#[test]
fn thread_stacks_get_a_guard_page() {
    let _s = serial();
    let s = AddressSpace::new().unwrap();
    let st = s.map_thread_stack(64 << 10).unwrap();
    assert_eq!(st.top - st.bottom, 64 << 10);
    assert_eq!(st.bottom - st.guard, layout::THREAD_STACK_GUARD);
    s.write_val(st.top - 8, &1u64).unwrap();
    s.write_val(st.bottom, &1u64).unwrap();
    assert_eq!(s.handle_fault(st.bottom - 1, Access::Write, true), Err(Fault::AccErr));
    let maps = s.maps();
    assert_eq!(&maps[0].perms, b"---p");
    assert_eq!(&maps[1].perms, b"rw-p");
    let st2 = s.map_thread_stack(64 << 10).unwrap();
    assert!(st2.top <= st.guard, "the next stack goes below, not over the guard");
}
