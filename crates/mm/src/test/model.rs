//! VMAs, page tables and contents against a reference model: a window of
//! pages, each unmapped or (protection, content byte). Random mmap
//! (MAP_FIXED), munmap, mprotect, reads, writes and forks must agree with
//! the model, the VMA list must be the model's runs merged, and dropping
//! everything must return every frame.

use alloc::vec;
use proptest::prelude::*;

use abi::Errno;
use abi::linux as l;

use super::*;
use crate::{AddressSpace, MmapRequest};

const BASE: usize = 0x1000_0000;
const PAGES: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Page {
    prot: u32,
    byte: u8,
}

#[derive(Clone, Debug)]
enum Op {
    Map { first: usize, count: usize, prot: u32 },
    Unmap { first: usize, count: usize },
    Protect { first: usize, count: usize, prot: u32 },
    Write { page: usize, byte: u8 },
    Read { page: usize },
    Fork,
}

fn prot() -> impl Strategy<Value = u32> {
    prop_oneof![Just(l::PROT_NONE), Just(l::PROT_READ), Just(RW), Just(l::PROT_READ | l::PROT_EXEC)]
}

fn op() -> impl Strategy<Value = Op> {
    let range = (0..PAGES).prop_flat_map(|first| (Just(first), 1..=(PAGES - first).min(6)));
    prop_oneof![
        3 => (range.clone(), prot()).prop_map(|((first, count), prot)| Op::Map { first, count, prot }),
        2 => range.clone().prop_map(|(first, count)| Op::Unmap { first, count }),
        3 => (range, prot()).prop_map(|((first, count), prot)| Op::Protect { first, count, prot }),
        4 => (0..PAGES, 1u8..=255).prop_map(|(page, byte)| Op::Write { page, byte }),
        3 => (0..PAGES).prop_map(|page| Op::Read { page }),
        1 => Just(Op::Fork),
    ]
}

fn addr(page: usize) -> usize {
    BASE + page * PAGE_SIZE
}

/// The VMA list the model implies: maximal runs of equal protection.
fn expected_vmas(model: &[Option<Page>]) -> Vec<(usize, usize, u32)> {
    let mut out: Vec<(usize, usize, u32)> = Vec::new();
    for (i, p) in model.iter().enumerate() {
        let Some(p) = p else { continue };
        match out.last_mut() {
            Some(last) if last.1 == addr(i) && last.2 == p.prot => last.1 = addr(i + 1),
            _ => out.push((addr(i), addr(i + 1), p.prot)),
        }
    }
    out
}

fn actual_vmas(s: &AddressSpace) -> Vec<(usize, usize, u32)> {
    s.mmu
        .lock()
        .data
        .vmas
        .iter()
        .map(|v| (v.start, v.end, v.prot.bits()))
        .collect()
}

fn apply(s: &AddressSpace, model: &mut [Option<Page>], op: &Op) -> Result<(), TestCaseError> {
    match *op {
        Op::Map { first, count, prot } => {
            let r = s.mmap(MmapRequest::anon(addr(first), count * PAGE_SIZE, prot, PRIV | l::MAP_FIXED));
            prop_assert_eq!(r, Ok(addr(first)));
            for p in &mut model[first..first + count] {
                *p = Some(Page { prot, byte: 0 });
            }
        }
        Op::Unmap { first, count } => {
            prop_assert_eq!(s.munmap(addr(first), count * PAGE_SIZE), Ok(()));
            for p in &mut model[first..first + count] {
                *p = None;
            }
        }
        Op::Protect { first, count, prot } => {
            // Linux: applies VMA by VMA up to the first hole, then ENOMEM.
            let r = s.mprotect(addr(first), count * PAGE_SIZE, prot);
            let mut expect = Ok(());
            for p in &mut model[first..first + count] {
                match p {
                    Some(p) => p.prot = prot,
                    None => {
                        expect = Err(Errno::ENOMEM);
                        break;
                    }
                }
            }
            prop_assert_eq!(r, expect);
        }
        Op::Write { page, byte } => {
            let r = s.write_val(addr(page) + 7, &byte);
            match &mut model[page] {
                Some(p) if p.prot & l::PROT_WRITE != 0 => {
                    prop_assert_eq!(r, Ok(()));
                    p.byte = byte;
                }
                _ => prop_assert_eq!(r, Err(Errno::EFAULT)),
            }
        }
        Op::Read { page } => {
            let r = s.read_val::<u8>(addr(page) + 7);
            match model[page] {
                Some(p) if p.prot != l::PROT_NONE => prop_assert_eq!(r, Ok(p.byte)),
                _ => prop_assert_eq!(r, Err(Errno::EFAULT)),
            }
        }
        Op::Fork => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn address_space_matches_the_model(ops in proptest::collection::vec(op(), 1..100)) {
        let _s = serial();
        let before = frame_stats();
        {
            let mut spaces = vec![(AddressSpace::new().unwrap(), vec![None; PAGES])];
            for (i, op) in ops.iter().enumerate() {
                if let Op::Fork = op {
                    let (s, m) = &spaces[0];
                    let child = (s.fork().unwrap(), m.clone());
                    spaces.push(child);
                    continue;
                }
                // Alternate between the original and the newest child, so
                // COW pages are written from both sides.
                let idx = if i % 2 == 0 { 0 } else { spaces.len() - 1 };
                let (s, model) = &mut spaces[idx];
                apply(s, model, op)?;
                let vmas = s.mmu.lock().data.vmas.clone();
                prop_assert!(vmas.check().is_ok(), "{:?}", vmas.check());
                prop_assert_eq!(actual_vmas(s), expected_vmas(model));
            }
            // Every space still reads what its model says.
            for (s, model) in &spaces {
                for page in 0..PAGES {
                    apply(s, &mut model.clone(), &Op::Read { page })?;
                }
            }
        }
        let now = frame_stats();
        prop_assert_eq!(now.free, before.free);
        prop_assert_eq!(now.in_use(FrameKind::UserAnon), before.in_use(FrameKind::UserAnon));
    }
}

