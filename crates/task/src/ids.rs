//! Process and thread ids: one allocator for TIDs and TGIDs, as Linux has
//! one pid namespace for both.
//!
//! Allocation is cyclic like Linux's `alloc_pid` (idr_alloc_cyclic): the
//! next id is the lowest free one above the last handed out, wrapping to
//! `FIRST_RECYCLED` at `PID_MAX`. A freed id is therefore not reused until
//! the counter comes round, which keeps a stale pid from naming a new
//! process soon after the old one was reaped.

use alloc::collections::BTreeSet;

/// /proc/sys/kernel/pid_max: Linux's limit for 64-bit (PID_MAX_LIMIT);
/// distributions raise the 32768 default to it.
pub const PID_MAX: i32 = 4_194_304;
/// The smallest `pid_max` Linux accepts (RESERVED_PIDS + 1).
pub const PID_MAX_MIN: i32 = 301;
/// After wrapping, ids restart here (Linux: RESERVED_PIDS = 300).
pub const FIRST_RECYCLED: i32 = 300;

/// The id allocator.
#[derive(Debug)]
pub struct IdAllocator {
    used: BTreeSet<i32>,
    last: i32,
    max: i32,
}

impl IdAllocator {
    /// An allocator handing out 1.. below `max`.
    pub const fn new(max: i32) -> Self {
        Self { used: BTreeSet::new(), last: 0, max }
    }

    /// A free id, or `None` when all are in use (the caller's EAGAIN).
    pub fn alloc(&mut self) -> Option<i32> {
        let recycled_from = if self.max > FIRST_RECYCLED { FIRST_RECYCLED } else { 1 };
        // Above the last id, then the recycled range, then the reserved low
        // ids (Linux never reuses those; we do only when nothing else is free).
        let id = (self.last + 1..self.max)
            .chain(recycled_from..=self.last.min(self.max - 1))
            .chain(1..recycled_from)
            .find(|id| !self.used.contains(id))?;
        self.used.insert(id);
        self.last = id;
        Some(id)
    }

    /// Returns an id. Panics if it was not allocated: that would be a
    /// bookkeeping bug that could hand one id to two processes.
    pub fn free(&mut self, id: i32) {
        assert!(self.used.remove(&id), "id {id} freed but not allocated");
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
        self.used.len()
    }

    pub fn is_used(&self, id: i32) -> bool {
        self.used.contains(&id)
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

    #[test]
    #[should_panic(expected = "not allocated")]
    fn double_free_panics() {
        let mut ids = IdAllocator::new(100);
        let a = ids.alloc().unwrap();
        ids.free(a);
        ids.free(a);
    }
}
