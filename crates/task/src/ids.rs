//! Process and thread ids: one allocator for TIDs and TGIDs, as Linux has
//! one pid namespace for both.
//!
//! Allocation is cyclic like Linux's `alloc_pid` (idr_alloc_cyclic): the
//! next id is the lowest free one above the last handed out, wrapping to
//! `FIRST_RECYCLED` at `PID_MAX`. A freed id is therefore not reused until
//! the counter comes round, which keeps a stale pid from naming a new
//! process soon after the old one was reaped.
//!
//! Finding that id costs a bounded number of word reads, whatever the
//! number of ids in use (issue 15: a scan that stepped over used ids one
//! by one made thread creation linear in the thread count). The ids are a
//! bitmap in chunks of 4,096, each allocated while any of its ids is in
//! use, and one summary bit per chunk says it is full. A search reads at
//! most two chunks (64 words each) and the summary (16 words) per range it
//! tries, and it tries three ranges at most.

use alloc::vec::Vec;

/// /proc/sys/kernel/pid_max: Linux's limit for 64-bit (PID_MAX_LIMIT);
/// distributions raise the 32768 default to it.
pub const PID_MAX: i32 = 4_194_304;
/// The smallest `pid_max` Linux accepts (RESERVED_PIDS + 1).
pub const PID_MAX_MIN: i32 = 301;
/// After wrapping, ids restart here (Linux: RESERVED_PIDS = 300).
pub const FIRST_RECYCLED: i32 = 300;

const CHUNK_IDS: usize = 4096;
const CHUNK_WORDS: usize = CHUNK_IDS / 64;
const CHUNKS: usize = PID_MAX as usize / CHUNK_IDS;
const SUMMARY_WORDS: usize = CHUNKS / 64;

/// 4,096 ids, one bit each (set: in use).
struct Chunk {
    words: Vec<u64>,
    used: usize,
}

/// The id allocator.
pub struct IdAllocator {
    /// `None`: no id of that chunk is in use.
    chunks: [Option<Chunk>; CHUNKS],
    /// Bit `c` set: chunk `c` has no free id.
    full: [u64; SUMMARY_WORDS],
    in_use: usize,
    last: i32,
    max: i32,
    /// Words read by searches so far (the step count the tests bound).
    steps: u64,
}

impl core::fmt::Debug for IdAllocator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IdAllocator").field("in_use", &self.in_use).field("last", &self.last).field("max", &self.max).finish()
    }
}

impl IdAllocator {
    /// An allocator handing out 1.. below `max` (at most `PID_MAX`).
    pub const fn new(max: i32) -> Self {
        Self { chunks: [const { None }; CHUNKS], full: [0; SUMMARY_WORDS], in_use: 0, last: 0, max, steps: 0 }
    }

    /// The id handed out last (0 before the first).
    pub fn last(&self) -> i32 {
        self.last
    }

    /// A free id, or `None` when all are in use or a chunk could not be
    /// allocated (the caller's EAGAIN).
    pub fn alloc(&mut self) -> Option<i32> {
        let max = self.max.clamp(1, PID_MAX) as usize;
        let last = self.last as usize;
        let recycled_from = if max > FIRST_RECYCLED as usize { FIRST_RECYCLED as usize } else { 1 };
        // Above the last id, then the recycled range, then the reserved low
        // ids (Linux never reuses those; we do only when nothing else is free).
        let id = self
            .first_free(last + 1, max)
            .or_else(|| self.first_free(recycled_from, (last + 1).min(max)))
            .or_else(|| self.first_free(1, recycled_from))?;
        self.mark_used(id).then_some(())?;
        self.last = id as i32;
        Some(id as i32)
    }

    /// The lowest free id in `lo..hi`.
    fn first_free(&mut self, lo: usize, hi: usize) -> Option<usize> {
        let mut id = lo;
        while id < hi {
            let c = id / CHUNK_IDS;
            if self.chunks[c].is_none() {
                return Some(id);
            }
            if let Some(free) = self.first_zero_in_chunk(c, id % CHUNK_IDS) {
                let found = c * CHUNK_IDS + free;
                return (found < hi).then_some(found);
            }
            // Nothing free at or above `id` in this chunk: the next chunk
            // that is not full has a free id (an absent one: its first).
            let next = self.next_not_full(c + 1)?;
            id = next * CHUNK_IDS;
        }
        None
    }

    /// The first clear bit at or above `bit` in chunk `c` (present).
    fn first_zero_in_chunk(&mut self, c: usize, bit: usize) -> Option<usize> {
        let words = &self.chunks[c].as_ref()?.words;
        let mut w = bit / 64;
        let mut mask = !0u64 << (bit % 64);
        while w < CHUNK_WORDS {
            self.steps += 1;
            let free = !words[w] & mask;
            if free != 0 {
                return Some(w * 64 + free.trailing_zeros() as usize);
            }
            w += 1;
            mask = !0;
        }
        None
    }

    /// The first chunk at or above `c` whose summary bit is clear.
    fn next_not_full(&mut self, c: usize) -> Option<usize> {
        let mut w = c / 64;
        let mut mask = if c % 64 == 0 { !0u64 } else { !0u64 << (c % 64) };
        while w < SUMMARY_WORDS {
            self.steps += 1;
            let not_full = !self.full[w] & mask;
            if not_full != 0 {
                return Some(w * 64 + not_full.trailing_zeros() as usize);
            }
            w += 1;
            mask = !0;
        }
        None
    }

    /// Sets `id`'s bit; false when its chunk could not be allocated.
    fn mark_used(&mut self, id: usize) -> bool {
        let c = id / CHUNK_IDS;
        let chunk = match &mut self.chunks[c] {
            Some(chunk) => chunk,
            slot @ None => {
                let mut words = Vec::new();
                if words.try_reserve_exact(CHUNK_WORDS).is_err() {
                    return false;
                }
                words.resize(CHUNK_WORDS, 0);
                slot.insert(Chunk { words, used: 0 })
            }
        };
        let bit = id % CHUNK_IDS;
        debug_assert!(chunk.words[bit / 64] & (1 << (bit % 64)) == 0);
        chunk.words[bit / 64] |= 1 << (bit % 64);
        chunk.used += 1;
        if chunk.used == CHUNK_IDS {
            self.full[c / 64] |= 1 << (c % 64);
        }
        self.in_use += 1;
        true
    }

    /// Returns an id. Panics if it was not allocated: that would be a
    /// bookkeeping bug that could hand one id to two processes.
    pub fn free(&mut self, id: i32) {
        assert!(self.is_used(id), "id {id} freed but not allocated");
        let (id, c) = (id as usize, id as usize / CHUNK_IDS);
        self.full[c / 64] &= !(1 << (c % 64));
        let chunk = self.chunks[c].as_mut().expect("a used id's chunk is present");
        let bit = id % CHUNK_IDS;
        chunk.words[bit / 64] &= !(1 << (bit % 64));
        chunk.used -= 1;
        if chunk.used == 0 {
            self.chunks[c] = None;
        }
        self.in_use -= 1;
    }

    /// The bound new ids stay below.
    pub fn max(&self) -> i32 {
        self.max
    }

    /// Changes the bound (`/proc/sys/kernel/pid_max`); ids already handed
    /// out above it stay valid until freed.
    pub fn set_max(&mut self, max: i32) {
        self.max = max;
    }

    /// Ids in use.
    pub fn in_use(&self) -> usize {
        self.in_use
    }

    pub fn is_used(&self, id: i32) -> bool {
        let Ok(id) = usize::try_from(id) else { return false };
        let bit = id % CHUNK_IDS;
        self.chunks.get(id / CHUNK_IDS).and_then(Option::as_ref).is_some_and(|c| c.words[bit / 64] & (1 << (bit % 64)) != 0)
    }

    /// Words read by searches so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn a_lower_max_bounds_new_ids_and_wraps_to_the_recycled_range() {
        let mut ids = IdAllocator::new(PID_MAX);
        for _ in 0..400 {
            ids.alloc().unwrap();
        }
        ids.set_max(350);
        assert_eq!(ids.max(), 350);
        assert_eq!(ids.alloc(), None, "1..350 all in use");
        ids.free(320);
        ids.free(390);
        assert_eq!(ids.alloc(), Some(320), "below the new max only");
    }

    #[test]
    fn allocates_in_order_and_does_not_reuse_at_once() {
        let mut ids = IdAllocator::new(PID_MAX);
        assert_eq!(ids.alloc(), Some(1));
        assert_eq!(ids.alloc(), Some(2));
        ids.free(1);
        assert_eq!(ids.alloc(), Some(3));
        assert_eq!(ids.in_use(), 2);
    }

    #[test]
    fn wraps_to_the_recycled_range_and_skips_used_ids() {
        let mut ids = IdAllocator::new(400);
        for _ in 1..400 {
            ids.alloc().unwrap();
        }
        assert_eq!(ids.alloc(), None);
        ids.free(5);
        ids.free(301);
        assert_eq!(ids.alloc(), Some(301));
        assert_eq!(ids.alloc(), Some(5));
    }

    /// The allocator as it was before issue 15 (a set, scanned id by id):
    /// the model the bitmap must agree with.
    struct Model {
        used: alloc::collections::BTreeSet<i32>,
        last: i32,
        max: i32,
    }

    impl Model {
        fn alloc(&mut self) -> Option<i32> {
            let recycled_from = if self.max > FIRST_RECYCLED { FIRST_RECYCLED } else { 1 };
            let id = (self.last + 1..self.max)
                .chain(recycled_from..=self.last.min(self.max - 1))
                .chain(1..recycled_from)
                .find(|id| !self.used.contains(id))?;
            self.used.insert(id);
            self.last = id;
            Some(id)
        }
    }

    /// A small deterministic generator (xorshift64*), so a failure replays.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
        }
    }

    /// Random allocate/free (and now and then a new pid_max), small bounds
    /// so that the counter wraps and runs of used ids form: every answer
    /// is the model's.
    #[test]
    fn agrees_with_the_id_by_id_scan_under_random_operations() {
        for seed in 1..=20u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let max = 301 + rng.below(12_000) as i32;
            let mut ids = IdAllocator::new(max);
            let mut model = Model { used: Default::default(), last: 0, max };
            let mut live = Vec::new();
            for op in 0..20_000 {
                match rng.below(100) {
                    0 => {
                        let m = 301 + rng.below(12_000) as i32;
                        ids.set_max(m);
                        model.max = m;
                    }
                    1..=54 => {
                        let got = ids.alloc();
                        assert_eq!(got, model.alloc(), "seed {seed}, operation {op}");
                        live.extend(got);
                    }
                    _ if !live.is_empty() => {
                        let id = live.swap_remove(rng.below(live.len() as u64) as usize);
                        ids.free(id);
                        model.used.remove(&id);
                    }
                    _ => {}
                }
                assert_eq!(ids.in_use(), model.used.len());
            }
            for &id in &live {
                assert!(ids.is_used(id));
            }
        }
    }

    /// 1,000,000 random operations, with up to 250,000 ids in use, below
    /// PID_MAX and below a pid_max the live ids nearly fill (the counter
    /// wraps into long runs of used ids): no search reads more than a
    /// fixed number of words, however many ids are in use.
    #[test]
    fn a_million_random_operations_each_take_bounded_steps() {
        // Three ranges, each: two chunks of 64 words and the 16-word summary.
        const MOST_STEPS: u64 = 3 * (2 * CHUNK_WORDS as u64 + SUMMARY_WORDS as u64);
        for max in [PID_MAX, 262_144] {
            let mut rng = Rng(0x5eed_0000 + max as u64);
            let mut ids = IdAllocator::new(max);
            let mut live = Vec::new();
            let mut worst = 0;
            for op in 0..1_000_000u64 {
                // Grow towards 250,000 live ids for the first half, then churn.
                let alloc_percent = if op < 500_000 { 75 } else { 50 };
                if rng.below(100) < alloc_percent || live.is_empty() {
                    let before = ids.steps();
                    if let Some(id) = ids.alloc() {
                        live.push(id);
                    }
                    worst = worst.max(ids.steps() - before);
                } else {
                    let id = live.swap_remove(rng.below(live.len() as u64) as usize);
                    ids.free(id);
                }
                if live.len() > 250_000 {
                    let id = live.swap_remove(rng.below(live.len() as u64) as usize);
                    ids.free(id);
                }
            }
            assert_eq!(ids.in_use(), live.len());
            assert!(live.len() > 200_000, "the test meant to keep about 250,000 ids in use, had {}", live.len());
            assert!(worst <= MOST_STEPS, "pid_max {max}: a search read {worst} words (bound {MOST_STEPS})");
        }
    }

    #[test]
    #[should_panic(expected = "not allocated")]
    fn double_free_panics() {
        let mut ids = IdAllocator::new(100);
        let a = ids.alloc().unwrap();
        ids.free(a);
        ids.free(a);
    }
}
