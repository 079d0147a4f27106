//! The futex wait table.
//!
//! Waiters are kept in hashed buckets keyed by (address space, address) for
//! private futexes and by physical address for shared ones (Linux's
//! `futex_hash`, kernel/futex/core.c). A waiter is enqueued under its
//! bucket's lock only after the caller re-read the futex word under that
//! same lock and found the expected value, so a FUTEX_WAKE that follows the
//! waker's store to the word always finds the waiter: no lost wake-ups.
//!
//! A bucket keeps its waiters in a map ordered by (key, ticket), the
//! ticket counting up per bucket: one key's waiters are a contiguous run
//! in FIFO order, so waking n of them is O(log m + n) and a waiter that
//! gives up (timeout, signal, its thread killed) leaves in O(log m), m the
//! waiters of the bucket. A Vec scanned whole on each wake and each
//! departure made 100,000 threads parked on one futex quadratic to wake
//! or kill.
//!
//! Lock order: a bucket lock is taken alone, or two buckets lower index
//! first (`lock_pair`); no other lock is taken while holding one except a
//! waiter's waker slot and, for CMP_REQUEUE_PI (which holds one bucket),
//! the process table (owner lookup, `pi`). The PI lock (`pi::PI`) comes
//! before a bucket. futex_waitv (`waitv`) queues its words one bucket at a
//! time and never holds two.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Context, Poll, Waker};

use ksync::{SpinLock, SpinLockGuard};

pub mod pi;
mod pi_sched;
mod waitv;
pub use waitv::FutexWaitv;

/// Number of buckets (a power of two; Linux uses 256 per CPU).
const BUCKETS: usize = 256;

/// FUTEX_BITSET_MATCH_ANY.
pub const BITSET_ANY: u32 = u32::MAX;

/// What a futex word is identified by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FutexKey {
    /// FUTEX_PRIVATE_FLAG: the address space's id and the virtual address.
    Private { space: usize, addr: u64 },
    /// A shared futex: the physical address of the word.
    Shared { phys: u64 },
}

impl FutexKey {
    fn bucket(&self) -> usize {
        // FNV-1a over the key's words: cheap and spreads aligned addresses.
        let (a, b) = match *self {
            FutexKey::Private { space, addr } => (space as u64, addr),
            FutexKey::Shared { phys } => (u64::MAX, phys),
        };
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for w in [a, b >> 2] {
            for byte in w.to_le_bytes() {
                h ^= byte as u64;
                h = h.wrapping_mul(0x100_0000_01b3);
            }
        }
        (h as usize) & (BUCKETS - 1)
    }
}

/// Where a waiter sits: its key and its ticket in the key's bucket.
type Place = (FutexKey, u64);

/// One waiting thread.
pub struct Waiter {
    /// Changes only under the bucket lock(s) of the old and new key.
    place: SpinLock<Place>,
    bitset: u32,
    woken: AtomicBool,
    waker: SpinLock<Option<Waker>>,
    /// FUTEX_WAIT_REQUEUE_PI: only CMP_REQUEUE_PI may take this waiter
    /// (plain wakes and requeues pass it by; the syscall refuses them).
    requeue_pi: Option<Arc<pi::RequeuePi>>,
}

impl Waiter {
    fn wake(&self) {
        self.mark_woken();
        self.call_waker();
    }

    /// Under the bucket lock, with the waiter taken out of the queue: from
    /// here on it counts as woken (a timeout that races with it loses).
    fn mark_woken(&self) {
        self.woken.store(true, Ordering::Release);
    }

    /// After the bucket lock is released: makes the waiting task run.
    fn call_waker(&self) {
        if let Some(w) = self.waker.lock().take() {
            w.wake();
        }
    }

    /// Whether a FUTEX_WAKE picked this waiter.
    pub fn is_woken(&self) -> bool {
        self.woken.load(Ordering::Acquire)
    }
}

/// The waiters of the keys hashed to one bucket.
struct Bucket {
    queue: BTreeMap<Place, Arc<Waiter>>,
    next_ticket: u64,
}

impl Bucket {
    const fn new() -> Self {
        Self { queue: BTreeMap::new(), next_ticket: 0 }
    }

    /// Queues `waiter` last among `key`'s waiters.
    fn push(&mut self, key: FutexKey, waiter: Arc<Waiter>) {
        let place = (key, self.next_ticket);
        self.next_ticket += 1;
        *waiter.place.lock() = place;
        self.queue.insert(place, waiter);
    }

    /// `key`'s waiters, first queued first.
    fn of(&self, key: FutexKey) -> impl Iterator<Item = (&Place, &Arc<Waiter>)> {
        self.queue.range((key, 0)..=(key, u64::MAX))
    }

    /// Takes out up to `n` of `key`'s waiters that `pick` accepts, in
    /// queue order.
    fn take(&mut self, key: FutexKey, n: usize, pick: impl Fn(&Waiter) -> bool) -> Vec<Arc<Waiter>> {
        let places: Vec<Place> = self.of(key).filter(|(_, w)| pick(w)).take(n).map(|(p, _)| *p).collect();
        places.iter().filter_map(|p| self.queue.remove(p)).collect()
    }
}

/// The global table.
pub struct FutexTable {
    buckets: [SpinLock<Bucket>; BUCKETS],
}

impl Default for FutexTable {
    fn default() -> Self {
        Self::new()
    }
}

/// A bucket locked for a wait: check the word, then `enqueue`.
pub struct LockedBucket<'a> {
    guard: SpinLockGuard<'a, Bucket>,
    key: FutexKey,
    table: &'a FutexTable,
}

impl<'a> LockedBucket<'a> {
    /// Queues a waiter for `bitset` (non-zero) and returns the future that
    /// completes when it is woken. Dropping the future dequeues it.
    pub fn enqueue(self, bitset: u32) -> FutexWait<'a> {
        self.push(bitset, None)
    }

    /// Queues a FUTEX_WAIT_REQUEUE_PI waiter, to be woken only by a
    /// CMP_REQUEUE_PI that acquires or queues it on the PI futex.
    pub fn enqueue_requeue_pi(self, link: Arc<pi::RequeuePi>) -> FutexWait<'a> {
        self.push(BITSET_ANY, Some(link))
    }

    fn push(mut self, bitset: u32, requeue_pi: Option<Arc<pi::RequeuePi>>) -> FutexWait<'a> {
        let waiter = Arc::new(Waiter {
            place: SpinLock::new((self.key, 0)),
            bitset,
            woken: AtomicBool::new(false),
            waker: SpinLock::new(None),
            requeue_pi,
        });
        self.guard.push(self.key, waiter.clone());
        FutexWait { table: self.table, waiter }
    }
}

/// What CMP_REQUEUE_PI does with the waiter it is shown.
pub enum Visit {
    /// Dequeue and wake it (its `RequeuePi` says what happened).
    Take,
    /// Leave it and the rest.
    Stop,
}

impl FutexTable {
    pub fn new() -> Self {
        Self { buckets: [const { SpinLock::new(Bucket::new()) }; BUCKETS] }
    }

    /// Locks the bucket of `key` (FUTEX_WAIT: the caller reads the word
    /// while holding it).
    pub fn lock(&self, key: FutexKey) -> LockedBucket<'_> {
        LockedBucket { guard: self.buckets[key.bucket()].lock(), key, table: self }
    }

    /// Wakes up to `n` waiters on `key` whose bitset intersects `bitset`.
    pub fn wake(&self, key: FutexKey, n: usize, bitset: u32) -> usize {
        let woken = {
            let mut bucket = self.buckets[key.bucket()].lock();
            take_woken(&mut bucket, key, n, bitset)
        };
        wake_all(woken)
    }

    /// FUTEX_REQUEUE / CMP_REQUEUE: wakes up to `n_wake` waiters on `from`
    /// and moves up to `n_requeue` of the rest to `to`. `check` runs with
    /// both buckets locked (CMP_REQUEUE compares the word there) and may
    /// abort with an error. Returns woken + requeued.
    pub fn requeue<E>(
        &self,
        from: FutexKey,
        to: FutexKey,
        n_wake: usize,
        n_requeue: usize,
        check: impl FnOnce() -> Result<(), E>,
    ) -> Result<usize, E> {
        let (a, b) = (from.bucket(), to.bucket());
        let (woken, count) = {
            let (mut first, mut second) = self.lock_pair(a, b);
            check()?;
            let src: &mut Bucket = if a <= b { &mut first } else { second.as_mut().unwrap() };
            let woken = take_woken(src, from, n_wake, BITSET_ANY);
            let moved = src.take(from, n_requeue, |w| w.requeue_pi.is_none());
            let count = moved.len();
            let dst: &mut Bucket = match (a == b, a < b) {
                (true, _) => &mut first,
                (false, true) => second.as_mut().unwrap(),
                (false, false) => &mut first,
            };
            for w in moved {
                dst.push(to, w);
            }
            (woken, count)
        };
        Ok(wake_all(woken) + count)
    }

    /// FUTEX_WAKE_OP: with both buckets locked, `op` updates the second
    /// word and says whether its old value passes the comparison; wakes up
    /// to `n1` on `k1` and, if it passed, up to `n2` on `k2`.
    pub fn wake_op<E>(
        &self,
        k1: FutexKey,
        k2: FutexKey,
        n1: usize,
        n2: usize,
        op: impl FnOnce() -> Result<bool, E>,
    ) -> Result<usize, E> {
        let (a, b) = (k1.bucket(), k2.bucket());
        let (woken1, woken2) = {
            let (mut first, mut second) = self.lock_pair(a, b);
            let passed = op()?;
            let (b1, b2): (&mut Bucket, Option<&mut Bucket>) = match (second.as_mut(), a <= b) {
                (None, _) => (&mut first, None),
                (Some(s), true) => (&mut first, Some(s)),
                (Some(s), false) => (s, Some(&mut first)),
            };
            let woken1 = take_woken(b1, k1, n1, BITSET_ANY);
            let woken2 = match (passed, b2) {
                (false, _) => Vec::new(),
                (true, Some(b2)) => take_woken(b2, k2, n2, BITSET_ANY),
                (true, None) => take_woken(b1, k2, n2, BITSET_ANY),
            };
            (woken1, woken2)
        };
        Ok(wake_all(woken1) + wake_all(woken2))
    }

    /// Locks two buckets, lower index first; the second is `None` when
    /// both are the same bucket.
    fn lock_pair(&self, a: usize, b: usize) -> (SpinLockGuard<'_, Bucket>, Option<SpinLockGuard<'_, Bucket>>) {
        match a.cmp(&b) {
            core::cmp::Ordering::Equal => (self.buckets[a].lock(), None),
            core::cmp::Ordering::Less => {
                let first = self.buckets[a].lock();
                (first, Some(self.buckets[b].lock()))
            }
            core::cmp::Ordering::Greater => {
                let first = self.buckets[b].lock();
                (first, Some(self.buckets[a].lock()))
            }
        }
    }

    /// CMP_REQUEUE_PI: with `key`'s bucket locked, runs `check` (the
    /// comparison with the expected value), then shows `visit` the waiters
    /// on `key` in queue order (`None` for a plain waiter) until it stops
    /// or fails; the waiters it takes are dequeued and woken.
    pub fn visit_requeue_pi<E>(
        &self,
        key: FutexKey,
        check: impl FnOnce() -> Result<(), E>,
        mut visit: impl FnMut(Option<&Arc<pi::RequeuePi>>) -> Result<Visit, E>,
    ) -> Result<(), E> {
        let mut bucket = self.buckets[key.bucket()].lock();
        check()?;
        let mut after = None;
        loop {
            let next = match after {
                None => bucket.of(key).next(),
                Some(p) => bucket.queue.range((core::ops::Bound::Excluded(p), core::ops::Bound::Included((key, u64::MAX)))).next(),
            };
            let Some((&place, waiter)) = next else { break };
            match visit(waiter.requeue_pi.as_ref())? {
                Visit::Stop => break,
                Visit::Take => bucket.queue.remove(&place).unwrap().wake(),
            };
            after = Some(place);
        }
        Ok(())
    }

    /// Whether FUTEX_WAIT_REQUEUE_PI waiters are queued on `key` (FUTEX_WAKE
    /// and the plain requeues refuse such a futex with EINVAL).
    pub fn has_requeue_pi(&self, key: FutexKey) -> bool {
        pi::requeue_waiters_exist()
            && self.buckets[key.bucket()].lock().of(key).any(|(_, w)| w.requeue_pi.is_some())
    }

    /// Waiters queued on `key` (for tests and /proc).
    pub fn waiters(&self, key: FutexKey) -> usize {
        self.buckets[key.bucket()].lock().of(key).count()
    }

    /// Dequeues `waiter`; false when a wake took it out first.
    fn remove(&self, waiter: &Arc<Waiter>) -> bool {
        // The key can change under us (requeue): retry until the bucket we
        // locked is the waiter's.
        loop {
            let place = *waiter.place.lock();
            let mut bucket = self.buckets[place.0.bucket()].lock();
            if *waiter.place.lock() != place {
                continue;
            }
            // Absent when a wake took it out meanwhile.
            if bucket.queue.get(&place).is_some_and(|w| Arc::ptr_eq(w, waiter)) {
                bucket.queue.remove(&place);
                return true;
            }
            return false;
        }
    }
}

/// Takes up to `n` of `key`'s waiters whose bitset intersects `bitset` out
/// of the queue and marks them woken, under the bucket lock; the caller
/// calls their wakers with `wake_all` once the lock is released (Linux's
/// wake_q), so waking 10,000 waiters does not hold the lock, with
/// interrupts off, while each is queued on a CPU.
fn take_woken(bucket: &mut Bucket, key: FutexKey, n: usize, bitset: u32) -> Vec<Arc<Waiter>> {
    let woken = bucket.take(key, n, |w| w.bitset & bitset != 0 && w.requeue_pi.is_none());
    for w in &woken {
        w.mark_woken();
    }
    woken
}

/// Wakes the waiters `take_woken` took; returns how many.
fn wake_all(woken: Vec<Arc<Waiter>>) -> usize {
    for w in &woken {
        w.call_waker();
    }
    woken.len()
}

/// A queued FUTEX_WAIT; completes when woken. Timeouts and signals are the
/// caller's (it drops this future, which dequeues the waiter).
pub struct FutexWait<'a> {
    table: &'a FutexTable,
    waiter: Arc<Waiter>,
}

impl Future for FutexWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.waiter.is_woken() {
            return Poll::Ready(());
        }
        *self.waiter.waker.lock() = Some(cx.waker().clone());
        // Re-check after registering: a wake between the first check and
        // the registration found no waker to call.
        if self.waiter.is_woken() { Poll::Ready(()) } else { Poll::Pending }
    }
}

impl Drop for FutexWait<'_> {
    fn drop(&mut self) {
        if !self.waiter.is_woken() {
            self.table.remove(&self.waiter);
        }
    }
}

impl FutexWait<'_> {
    /// Whether the wait ended by a wake (vs. being abandoned).
    pub fn is_woken(&self) -> bool {
        self.waiter.is_woken()
    }

    /// Gives the wait up (a timeout, a signal): dequeues the waiter and
    /// says whether that came before any wake. False means a wake took it
    /// first and counted it: the wait must then report success, as Linux's
    /// futex_wait does when `futex_unqueue` finds the waiter gone.
    pub fn cancel(self) -> bool {
        !self.waiter.is_woken() && self.table.remove(&self.waiter)
    }
}

/// Decodes FUTEX_WAKE_OP's encoded operation and applies it to `old`,
/// returning (new value, comparison result) (kernel/futex/waitwake.c).
pub fn wake_op_apply(encoded: u32, old: u32) -> Option<(u32, bool)> {
    let op = (encoded >> 28) & 7;
    let cmp = (encoded >> 24) & 15;
    let mut oparg = ((encoded << 8) as i32 >> 20) as u32;
    let cmparg = ((encoded << 20) as i32 >> 20) as u32;
    if encoded & (8 << 28) != 0 {
        // FUTEX_OP_OPARG_SHIFT
        if oparg > 31 {
            return None;
        }
        oparg = 1 << oparg;
    }
    let new = match op {
        0 => oparg,                // SET
        1 => old.wrapping_add(oparg), // ADD
        2 => old | oparg,          // OR
        3 => old & !oparg,         // ANDN
        4 => old ^ oparg,          // XOR
        _ => return None,
    };
    let (o, c) = (old as i32, cmparg as i32);
    let passed = match cmp {
        0 => o == c,
        1 => o != c,
        2 => o < c,
        3 => o <= c,
        4 => o > c,
        5 => o >= c,
        _ => return None,
    };
    Some((new, passed))
}

#[cfg(test)]
mod test;
