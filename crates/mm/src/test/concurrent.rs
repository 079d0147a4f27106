//! Several host threads on one address space (CLONE_VM threads): faults,
//! COW breaks, mmap/munmap/mprotect and forks racing under the one lock.

use std::thread;

use abi::linux as l;

use super::*;
use crate::{AddressSpace, MmapRequest};

#[test]
fn threads_share_one_space_without_losing_frames_or_updates() {
    let _s = serial();
    let before = frame_stats();
    {
        let space = AddressSpace::new().unwrap();
        let counter = space.mmap(MmapRequest::anon(0, PAGE_SIZE, RW, l::MAP_SHARED | l::MAP_ANONYMOUS)).unwrap();
        let shared = space.mmap(MmapRequest::anon(0, 16 * PAGE_SIZE, RW, PRIV)).unwrap();
        const THREADS: usize = 4;
        const ROUNDS: usize = 150;
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let space = space.clone();
                thread::spawn(move || {
                    for round in 0..ROUNDS {
                        // A counter incremented with cmpxchg, as a futex-based lock would.
                        loop {
                            let v = space.load_u32(counter).unwrap();
                            if space.cmpxchg_u32(counter, v, v + 1).unwrap() == v {
                                break;
                            }
                        }
                        // Private pages of our own, mapped, written, checked, unmapped.
                        let mine = space.mmap(MmapRequest::anon(0, 3 * PAGE_SIZE, RW, PRIV)).unwrap();
                        space.write_val(mine + PAGE_SIZE, &(t * 1000 + round)).unwrap();
                        space.mprotect(mine, PAGE_SIZE, l::PROT_READ).unwrap();
                        assert_eq!(space.read_val::<usize>(mine + PAGE_SIZE), Ok(t * 1000 + round));
                        // A word in the common region that only this thread writes.
                        let slot = shared + (round % 16) * PAGE_SIZE + t * 8;
                        space.write_val(slot, &(round as u64)).unwrap();
                        assert_eq!(space.read_val::<u64>(slot), Ok(round as u64));
                        if round % 25 == 0 {
                            // A fork write-protects everything: the others'
                            // next writes break COW in this space.
                            let child = space.fork().unwrap();
                            assert_eq!(child.read_val::<u64>(slot), Ok(round as u64));
                        }
                        space.munmap(mine, 3 * PAGE_SIZE).unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(space.load_u32(counter), Ok((THREADS * ROUNDS) as u32));
        assert_eq!(space.maps().len(), 2);
    }
    assert_frames_returned(&before);
}
