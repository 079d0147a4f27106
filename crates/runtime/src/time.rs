//! Time: per-CPU timers, `sleep`, `timeout`, and the scheduler tick.
//!
//! Each CPU keeps its timers in a map ordered by (deadline, sequence) plus
//! the earliest deadline in an atomic, so that the executor loop, the idle
//! check and the timer interrupt can test "anything due?" with one load.
//! A timer is always registered on the CPU that polls its future (a `Sleep`
//! polled after its task migrated moves its entry), so a CPU never has to
//! be woken because another one added a timer to it.
//!
//! Resolution: every CPU's timer interrupt is armed for its earliest
//! deadline (`tick.rs`), and an expired timer is fired by that interrupt or
//! by the next executor iteration of its CPU, whichever comes first.
//! Deadlines are never early.

use alloc::collections::BTreeMap;
use core::future::Future;
use core::pin::{Pin, pin};
use core::sync::atomic::Ordering::Relaxed;
use core::task::{Context, Poll, Waker};

use crate::loom::sync::{AtomicU64, Ordering, SpinLock};
use crate::util::poll_fn;
use crate::Runtime;

static NEXT_SEQ: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// One CPU's timers. The map lock is a leaf (wakes happen after it is
/// released).
pub(crate) struct Timers {
    map: SpinLock<BTreeMap<(u64, u64), Waker>>,
    /// The earliest deadline in `map`, `u64::MAX` if none; written under
    /// the map lock.
    next: AtomicU64,
}

impl Timers {
    pub(crate) fn new() -> Self {
        Self { map: SpinLock::new(BTreeMap::new()), next: AtomicU64::new(u64::MAX) }
    }

    /// Whether a timer is due at `now` (lock-free; interrupt-safe).
    pub(crate) fn due(&self, now: u64) -> bool {
        now >= self.next.load(Ordering::Acquire)
    }

    /// The earliest deadline (`u64::MAX` if none).
    pub(crate) fn next(&self) -> u64 {
        self.next.load(Ordering::Acquire)
    }

    pub(crate) fn len(&self) -> usize {
        self.map.lock().len()
    }

    fn insert(&self, deadline: u64, waker: Waker) -> u64 {
        let seq = NEXT_SEQ.fetch_add(1, Relaxed);
        let mut map = self.map.lock();
        map.insert((deadline, seq), waker);
        if deadline < self.next.load(Ordering::Relaxed) {
            self.next.store(deadline, Ordering::Release);
        }
        seq
    }

    /// Refreshes the waker of a registered timer; false if it is gone
    /// (fired).
    fn update(&self, key: (u64, u64), waker: &Waker) -> bool {
        let mut map = self.map.lock();
        match map.get_mut(&key) {
            Some(w) => {
                if !w.will_wake(waker) {
                    *w = waker.clone();
                }
                true
            }
            None => false,
        }
    }

    fn remove(&self, key: (u64, u64)) {
        let mut map = self.map.lock();
        let old = map.remove(&key);
        self.next.store(map.first_key_value().map_or(u64::MAX, |(k, _)| k.0), Ordering::Release);
        drop(map);
        drop(old);
    }

    /// Fires every timer due at `now`; returns how many.
    fn fire(&self, now: u64) -> usize {
        let mut fired = 0;
        while self.due(now) {
            let mut map = self.map.lock();
            let waker = match map.first_entry() {
                Some(e) if e.key().0 <= now => Some(e.remove()),
                _ => None,
            };
            self.next.store(map.first_key_value().map_or(u64::MAX, |(k, _)| k.0), Ordering::Release);
            drop(map);
            match waker {
                Some(w) => {
                    w.wake();
                    fired += 1;
                }
                None => break,
            }
        }
        fired
    }
}

/// A future that completes at a deadline on the runtime's clock.
#[must_use = "futures do nothing unless polled"]
pub struct Sleep {
    rt: &'static Runtime,
    deadline: u64,
    /// (CPU, sequence) of the registered timer.
    entry: Option<(usize, u64)>,
}

impl Sleep {
    /// The deadline, in `Platform::now_ns` nanoseconds.
    pub fn deadline(&self) -> u64 {
        self.deadline
    }

    fn cancel(&mut self) {
        if let Some((cpu, seq)) = self.entry.take() {
            self.rt.cpus[cpu].timers.remove((self.deadline, seq));
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.rt.now_ns() >= this.deadline {
            this.cancel();
            return Poll::Ready(());
        }
        let cpu = this.rt.this_cpu().unwrap_or(0);
        let timers = &this.rt.cpus[cpu].timers;
        match this.entry {
            Some((c, seq)) if c == cpu && timers.update((this.deadline, seq), cx.waker()) => {}
            _ => {
                this.cancel();
                let seq = timers.insert(this.deadline, cx.waker().clone());
                this.entry = Some((cpu, seq));
                this.rt.kick(cpu); // only matters when the caller is not `cpu`
            }
        }
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// The deadline passed before the future finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed;

impl core::fmt::Display for Elapsed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("deadline elapsed")
    }
}

impl Runtime {
    /// A future that completes once `now_ns() >= deadline_ns`.
    pub fn sleep_until(&'static self, deadline_ns: u64) -> Sleep {
        Sleep { rt: self, deadline: deadline_ns, entry: None }
    }

    /// A future that completes `ns` nanoseconds from now.
    pub fn sleep(&'static self, ns: u64) -> Sleep {
        self.sleep_until(self.now_ns().saturating_add(ns))
    }

    /// Runs `future` until `deadline_ns`; `Err(Elapsed)` if it had not
    /// finished by then (it is dropped). A future ready at the deadline
    /// wins.
    pub async fn timeout<F: Future>(&'static self, deadline_ns: u64, future: F) -> Result<F::Output, Elapsed> {
        let mut future = pin!(future);
        let mut sleep = self.sleep_until(deadline_ns);
        poll_fn(|cx| {
            if let Poll::Ready(v) = future.as_mut().poll(cx) {
                return Poll::Ready(Ok(v));
            }
            match Pin::new(&mut sleep).poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(Elapsed)),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }

    /// The earliest timer deadline on `cpu` (`u64::MAX` if none).
    pub fn next_timer(&self, cpu: usize) -> u64 {
        self.cpus[cpu].timers.next()
    }

    /// Fires `cpu`'s due timers.
    pub(crate) fn fire_timers(&self, cpu: usize) -> usize {
        let timers = &self.cpus[cpu].timers;
        let now = self.now_ns();
        if !timers.due(now) {
            return 0;
        }
        timers.fire(now)
    }
}
