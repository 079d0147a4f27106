//! The top-down search's hint (`vma::TopdownHint`) never changes an
//! answer: after random placements (of a few sizes, as thread stacks and
//! their guards are), unmappings, protection changes and fixed mappings,
//! `find_gap_topdown` agrees with a full walk down from the limit.

use proptest::prelude::*;

use crate::PAGE_SIZE;
use crate::vma::{Prot, Vma, VmaMap};

const LOW: usize = 0x1000_0000;
const HIGH: usize = 0x1010_0000; // 256 pages
const SIZES: [usize; 3] = [1, 4, 5];

#[derive(Clone, Debug)]
enum Op {
    /// A top-down placement of SIZES[i] pages.
    Place(usize),
    /// Unmaps the n-th VMA (modulo their count).
    Unmap(usize),
    /// Makes the first page of the n-th VMA PROT_NONE (a guard page).
    Protect(usize),
    /// Maps `count` pages at page `at` if they are free (MAP_FIXED_NOREPLACE).
    Fixed { at: usize, count: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..SIZES.len()).prop_map(Op::Place),
        2 => any::<usize>().prop_map(Op::Unmap),
        2 => any::<usize>().prop_map(Op::Protect),
        1 => (0..256usize, 1..8usize).prop_map(|(at, count)| Op::Fixed { at, count }),
    ]
}

fn nth_vma(map: &VmaMap, n: usize) -> Option<(usize, usize)> {
    let count = map.count();
    (count > 0).then(|| map.iter().nth(n % count).map(|v| (v.start, v.end)).unwrap())
}

proptest! {
    #[test]
    fn the_hint_never_changes_where_a_mapping_goes(ops in proptest::collection::vec(op(), 1..200)) {
        let mut map = VmaMap::new();
        for op in &ops {
            match *op {
                Op::Place(i) => {
                    let len = SIZES[i] * PAGE_SIZE;
                    let expected = map.walk_down(len, LOW, HIGH).0;
                    let found = map.find_gap_topdown(len, LOW, HIGH);
                    prop_assert_eq!(found, expected, "placing {} pages after {:?}", SIZES[i], ops);
                    if let Some(addr) = found {
                        map.insert(Vma::anon(addr, addr + len, Prot::READ | Prot::WRITE));
                    }
                }
                Op::Unmap(n) => {
                    if let Some((start, end)) = nth_vma(&map, n) {
                        map.remove_range(start, end);
                    }
                }
                Op::Protect(n) => {
                    if let Some((start, _)) = nth_vma(&map, n) {
                        map.update_range(start, start + PAGE_SIZE, |v| v.prot = Prot::empty());
                    }
                }
                Op::Fixed { at, count } => {
                    let start = LOW + at * PAGE_SIZE;
                    let end = (start + count * PAGE_SIZE).min(HIGH);
                    if map.is_free_with_gaps(start, end) {
                        map.insert(Vma::anon(start, end, Prot::READ | Prot::WRITE));
                    }
                }
            }
            prop_assert!(map.check().is_ok(), "{:?}", map.check());
            // Every size, not only the one placed, against the full walk.
            for pages in SIZES {
                let len = pages * PAGE_SIZE;
                let expected = map.walk_down(len, LOW, HIGH).0;
                prop_assert_eq!(map.find_gap_topdown(len, LOW, HIGH), expected);
            }
        }
    }
}
