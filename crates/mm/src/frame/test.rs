use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use bitmap_allocator::BitAlloc64K;
use proptest::prelude::*;

use super::*;

type Small = FrameAllocator<BitAlloc64K>;

#[test]
fn adds_and_counts_free_frames() {
    let mut a = Small::new();
    assert_eq!(a.add_free(256..1024), 768);
    assert_eq!(a.total(), 768);
    assert_eq!(a.free(), 768);
    let f = a.alloc(FrameKind::UserAnon).unwrap();
    assert!((256..1024).contains(&f));
    assert_eq!(a.free(), 767);
    assert_eq!(a.in_use(FrameKind::UserAnon), 1);
    a.dealloc(f, FrameKind::UserAnon);
    assert_eq!(a.free(), 768);
}

#[test]
fn contiguous_allocation_is_aligned() {
    let mut a = Small::new();
    a.add_free(1..4096);
    let first = a.alloc_contiguous(512, 9, FrameKind::KernelHeap).unwrap();
    assert_eq!(first % 512, 0);
    assert_eq!(a.in_use(FrameKind::KernelHeap), 512);
}

#[test]
#[should_panic(expected = "freed twice")]
fn double_free_panics() {
    let mut a = Small::new();
    a.add_free(0..16);
    let f = a.alloc(FrameKind::Other).unwrap();
    a.dealloc(f, FrameKind::Other);
    a.dealloc(f, FrameKind::Other);
}

#[test]
fn exhaustion_returns_none() {
    let mut a = Small::new();
    a.add_free(10..14);
    for _ in 0..4 {
        assert!(a.alloc(FrameKind::Other).is_some());
    }
    assert_eq!(a.alloc(FrameKind::Other), None);
}

#[derive(Debug, Clone)]
enum Op {
    Alloc,
    AllocContiguous(usize),
    Free(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Alloc),
        1 => (1usize..20).prop_map(Op::AllocContiguous),
        3 => any::<usize>().prop_map(Op::Free),
    ]
}

proptest! {
    /// No frame is handed out twice while in use, every frame comes from
    /// the free ranges, and after freeing everything all frames are free.
    #[test]
    fn never_hands_out_a_frame_twice(ops in proptest::collection::vec(op(), 1..400)) {
        let mut a = Small::new();
        a.add_free(100..600);
        a.add_free(1000..1200);
        let total = a.total();
        let mut held: Vec<(usize, usize)> = Vec::new(); // (first, count)
        let mut in_use = BTreeSet::new();
        for op in ops {
            match op {
                Op::Alloc => {
                    if let Some(f) = a.alloc(FrameKind::UserAnon) {
                        prop_assert!((100..600).contains(&f) || (1000..1200).contains(&f));
                        prop_assert!(in_use.insert(f), "frame {} handed out twice", f);
                        held.push((f, 1));
                    }
                }
                Op::AllocContiguous(n) => {
                    if let Some(f) = a.alloc_contiguous(n, 0, FrameKind::UserAnon) {
                        for x in f..f + n {
                            prop_assert!(in_use.insert(x), "frame {} handed out twice", x);
                        }
                        held.push((f, n));
                    }
                }
                Op::Free(i) => {
                    if !held.is_empty() {
                        let (f, n) = held.swap_remove(i % held.len());
                        a.dealloc_contiguous(f, n, FrameKind::UserAnon);
                        for x in f..f + n {
                            in_use.remove(&x);
                        }
                    }
                }
            }
            prop_assert_eq!(a.free() + in_use.len(), total);
        }
        for (f, n) in held {
            a.dealloc_contiguous(f, n, FrameKind::UserAnon);
        }
        prop_assert_eq!(a.free(), total);
        prop_assert_eq!(a.in_use(FrameKind::UserAnon), 0);
    }
}
