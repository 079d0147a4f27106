use abi::linux as l;

use super::*;
use crate::page::ref_count_of;
use crate::{AddressSpace, MmapRequest};

fn phys_of(s: &AddressSpace, addr: usize) -> u64 {
    s.mmu.lock().pt().get(addr & !(PAGE_SIZE - 1)).unwrap().phys
}

#[test]
fn fork_is_copy_on_write() {
    let _s = serial();
    let before = frame_stats();
    {
        let parent = AddressSpace::new().unwrap();
        let a = parent.mmap(MmapRequest::anon(0, 4 * PAGE_SIZE, RW, PRIV)).unwrap();
        parent.write_val(a, &111u64).unwrap();
        parent.write_val(a + PAGE_SIZE, &222u64).unwrap();
        let flushes = crate::tlb::flush_count();
        let child = parent.fork().unwrap();
        assert!(crate::tlb::flush_count() > flushes, "fork write-protects the parent: it must flush");
        let frame = phys_of(&parent, a);
        assert_eq!(phys_of(&child, a), frame, "shared after fork");
        assert_eq!(ref_count_of(frame), 2);
        assert!(!parent.mmu.lock().pt().get(a).unwrap().flags.writable, "parent write-protected");
        assert!(!child.mmu.lock().pt().get(a).unwrap().flags.writable, "child write-protected");
        // The child writes: it gets its own copy.
        child.write_val(a, &999u64).unwrap();
        assert_eq!(child.read_val::<u64>(a), Ok(999));
        assert_eq!(parent.read_val::<u64>(a), Ok(111));
        assert_ne!(phys_of(&child, a), frame);
        assert_eq!(ref_count_of(frame), 1, "back to one user");
        // The parent writes the frame it now owns alone: no copy.
        parent.write_val(a, &112u64).unwrap();
        assert_eq!(phys_of(&parent, a), frame);
        assert_eq!(child.read_val::<u64>(a), Ok(999));
        // Untouched page: still shared until someone writes.
        assert_eq!(child.read_val::<u64>(a + PAGE_SIZE), Ok(222));
        assert_eq!(ref_count_of(phys_of(&parent, a + PAGE_SIZE)), 2);
        // Pages never touched before fork are demand-zero in each.
        child.write_val(a + 2 * PAGE_SIZE, &5u8).unwrap();
        assert_eq!(parent.read_val::<u8>(a + 2 * PAGE_SIZE), Ok(0));
        // A grandchild shares with both.
        let grandchild = child.fork().unwrap();
        assert_eq!(ref_count_of(phys_of(&parent, a + PAGE_SIZE)), 3);
        drop(child);
        assert_eq!(ref_count_of(phys_of(&parent, a + PAGE_SIZE)), 2);
        assert_eq!(grandchild.read_val::<u64>(a), Ok(999));
        drop(grandchild);
        assert_eq!(ref_count_of(phys_of(&parent, a + PAGE_SIZE)), 1);
    }
    assert_frames_returned(&before);
}

#[test]
fn shared_anonymous_memory_stays_shared_across_fork() {
    let _s = serial();
    let before = frame_stats();
    {
        let parent = AddressSpace::new().unwrap();
        let a = parent.mmap(MmapRequest::anon(0, 4 * PAGE_SIZE, RW, l::MAP_SHARED | l::MAP_ANONYMOUS)).unwrap();
        parent.write_val(a, &1u32).unwrap();
        let child = parent.fork().unwrap();
        child.write_val(a, &2u32).unwrap();
        assert_eq!(parent.read_val::<u32>(a), Ok(2), "child's write visible to the parent");
        // A page first touched after fork is shared too.
        parent.write_val(a + 3 * PAGE_SIZE, &33u32).unwrap();
        assert_eq!(child.read_val::<u32>(a + 3 * PAGE_SIZE), Ok(33));
        child.write_val(a + 2 * PAGE_SIZE, &44u32).unwrap();
        assert_eq!(parent.read_val::<u32>(a + 2 * PAGE_SIZE), Ok(44));
        assert_eq!(phys_of(&parent, a), phys_of(&child, a));
        // Private memory of the same processes is still COW.
        let p = parent.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, PRIV)).unwrap();
        parent.write_val(p, &1u8).unwrap();
        let child2 = parent.fork().unwrap();
        child2.write_val(p, &2u8).unwrap();
        assert_eq!(parent.read_val::<u8>(p), Ok(1));
        assert_eq!(child2.read_val::<u32>(a), Ok(2));
        // Futex keys: shared by physical address, private by space.
        let kp = parent.translate_for_futex(a).unwrap();
        assert_eq!(kp, child.translate_for_futex(a).unwrap());
        assert!(matches!(kp, crate::FutexKey::Shared { .. }));
        assert_ne!(parent.translate_for_futex(p).unwrap(), child2.translate_for_futex(p).unwrap());
    }
    assert_frames_returned(&before);
}

#[test]
fn fork_copies_layout_state() {
    let _s = serial();
    let parent = AddressSpace::new().unwrap();
    parent.set_brk_start(0x60_0000);
    assert_eq!(parent.brk(0x61_0000), 0x61_0000);
    parent.write_val(0x60_0010, &77u32).unwrap();
    let child = parent.fork().unwrap();
    assert_eq!(child.brk_range(), (0x60_0000, 0x61_0000));
    assert_eq!(child.read_val::<u32>(0x60_0010), Ok(77));
    assert_eq!(child.maps(), parent.maps());
    assert_ne!(child.id(), parent.id());
}

#[test]
fn fork_leaves_out_dontfork_wipes_wipeonfork_and_drops_locks() {
    let _s = serial();
    let parent = AddressSpace::new().unwrap();
    let a = parent.mmap(MmapRequest::anon(0, 3 * PAGE_SIZE, RW, PRIV)).unwrap();
    for i in 0..3 {
        parent.write_val(a + i * PAGE_SIZE, &7u64).unwrap();
    }
    parent.madvise(a, PAGE_SIZE, l::MADV_DONTFORK).unwrap();
    parent.madvise(a + PAGE_SIZE, PAGE_SIZE, l::MADV_WIPEONFORK).unwrap();
    parent.mlock(a + 2 * PAGE_SIZE, PAGE_SIZE, crate::VmaFlags::LOCKED, None).unwrap();
    parent.mlockall(crate::MCL_FUTURE, None).unwrap();
    let child = parent.fork().unwrap();
    assert!(child.read_val::<u64>(a).is_err(), "DONTFORK: not mapped in the child");
    assert_eq!(child.read_val::<u64>(a + PAGE_SIZE), Ok(0), "WIPEONFORK: zero in the child");
    assert_eq!(parent.read_val::<u64>(a + PAGE_SIZE), Ok(7));
    assert_eq!(child.read_val::<u64>(a + 2 * PAGE_SIZE), Ok(7));
    assert_eq!(child.locked_pages(), 0);
    assert!(!child.locks_new_mappings());
    assert_eq!(parent.locked_pages(), 1);
}
