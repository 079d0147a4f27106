//! A queue of tasks waiting for a condition.
//!
//! # No sleep without a re-check
//!
//! `wait_until(cond)` polls as: check `cond`; register the waker (under the
//! queue lock); check `cond` again; only then return `Pending`. A waker
//! changes the condition first and then calls `wake_*`, which takes the
//! same lock. If the waker's lock comes after the waiter's registration,
//! it finds the waiter; if it comes before, the waker's change happened
//! before its lock, which happened before the waiter's lock, which happened
//! before the re-check, so the re-check sees the change. Either way the
//! waiter does not stay asleep with the condition true (model-checked in
//! `loom_wait_queue`).
//!
//! # Wakes are not lost to cancellation
//!
//! `wake_one` moves the first waiter from `waiting` to `notified`. A
//! notified waiter consumes the wake when it is polled. If its future is
//! dropped first (a timeout, a signal), its `Drop` passes the wake on to the
//! next waiting waiter, so a `wake_one` whose target gave up still wakes
//! somebody. Dropping a waiter always removes its entry.
//!
//! Waiters are served FIFO by ticket; a waiter that was woken, polled, and
//! found the condition false again keeps its ticket (its place).

use alloc::collections::{BTreeMap, BTreeSet};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use crate::loom::sync::SpinLock;

/// Waiters of one queue. Guarded by the queue lock (a leaf).
struct Waiters {
    next_ticket: u64,
    /// Registered and not woken: ticket -> waker.
    waiting: BTreeMap<u64, Waker>,
    /// Woken by `wake_*` and not yet polled or dropped.
    notified: BTreeSet<u64>,
}

impl Waiters {
    const fn new() -> Self {
        Self { next_ticket: 0, waiting: BTreeMap::new(), notified: BTreeSet::new() }
    }

    /// Moves the first waiting waiter to `notified`; returns its waker.
    fn notify_first(&mut self) -> Option<Waker> {
        let (ticket, waker) = self.waiting.pop_first()?;
        self.notified.insert(ticket);
        Some(waker)
    }
}

/// A FIFO of tasks waiting for a condition.
pub struct WaitQueue {
    waiters: SpinLock<Waiters>,
}

impl Default for WaitQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl WaitQueue {
    /// An empty queue (usable in a `static`).
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self { waiters: SpinLock::new(Waiters::new()) }
    }

    /// An empty queue.
    #[cfg(loom)]
    pub fn new() -> Self {
        Self { waiters: SpinLock::new(Waiters::new()) }
    }

    /// Waits until `cond` returns `Some`, and returns its value. `cond` is
    /// called on every poll, at least twice before the task sleeps; it
    /// should consume what it reports (take the item, the permit).
    pub fn wait_until<T, F: FnMut() -> Option<T>>(&self, cond: F) -> WaitUntil<'_, F> {
        WaitUntil { queue: self, cond, ticket: None }
    }

    /// Wakes the longest-waiting waiter; false if there was none.
    pub fn wake_one(&self) -> bool {
        let waker = self.waiters.lock().notify_first();
        match waker {
            Some(w) => {
                w.wake();
                true
            }
            None => false,
        }
    }

    /// Wakes up to `n` waiters (among those waiting at the call); returns
    /// how many.
    pub fn wake_n(&self, n: usize) -> usize {
        const BATCH: usize = 16;
        let mut left = n.min(self.waiters.lock().waiting.len());
        let mut woken = 0;
        while left > 0 {
            // Wakers are called after the lock is dropped, in batches, so
            // that a long queue allocates nothing and holds the lock briefly.
            let mut batch: [Option<Waker>; BATCH] = Default::default();
            let mut taken = 0;
            {
                let mut waiters = self.waiters.lock();
                while taken < BATCH.min(left) {
                    match waiters.notify_first() {
                        Some(w) => {
                            batch[taken] = Some(w);
                            taken += 1;
                        }
                        None => break,
                    }
                }
            }
            if taken == 0 {
                break;
            }
            batch.into_iter().flatten().for_each(Waker::wake);
            woken += taken;
            left -= taken;
        }
        woken
    }

    /// Wakes every waiter present at the call; returns how many.
    pub fn wake_all(&self) -> usize {
        self.wake_n(usize::MAX)
    }

    /// Registered waiters, woken or not, that have not yet returned or been
    /// dropped.
    pub fn len(&self) -> usize {
        let waiters = self.waiters.lock();
        waiters.waiting.len() + waiters.notified.len()
    }

    /// Whether no waiter is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The future of [`WaitQueue::wait_until`].
#[must_use = "futures do nothing unless polled"]
pub struct WaitUntil<'a, F> {
    queue: &'a WaitQueue,
    cond: F,
    /// Our place in the queue, once registered.
    ticket: Option<u64>,
}

// Never pinned-projected: `cond` is only called through `&mut`.
impl<F> Unpin for WaitUntil<'_, F> {}

impl<F> WaitUntil<'_, F> {
    fn register(&mut self, waker: &Waker) {
        let mut waiters = self.queue.waiters.lock();
        match self.ticket {
            None => {
                let ticket = waiters.next_ticket;
                waiters.next_ticket += 1;
                waiters.waiting.insert(ticket, waker.clone());
                self.ticket = Some(ticket);
            }
            Some(ticket) => match waiters.waiting.get_mut(&ticket) {
                Some(w) => {
                    if !w.will_wake(waker) {
                        *w = waker.clone();
                    }
                }
                None => {
                    // Woken, but the condition was false again: wait anew,
                    // keeping our place.
                    waiters.notified.remove(&ticket);
                    waiters.waiting.insert(ticket, waker.clone());
                }
            },
        }
    }

    /// Leaves the queue. `pass_on`: a wake we received and did not consume
    /// goes to the next waiter.
    fn unregister(&mut self, pass_on: bool) {
        let Some(ticket) = self.ticket.take() else { return };
        let mut waiters = self.queue.waiters.lock();
        if waiters.waiting.remove(&ticket).is_some() {
            return;
        }
        let was_notified = waiters.notified.remove(&ticket);
        let next = if was_notified && pass_on { waiters.notify_first() } else { None };
        drop(waiters);
        if let Some(w) = next {
            w.wake();
        }
    }
}

impl<T, F: FnMut() -> Option<T>> Future for WaitUntil<'_, F> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        if let Some(v) = (this.cond)() {
            this.unregister(false);
            return Poll::Ready(v);
        }
        this.register(cx.waker());
        // The re-check: see the module doc.
        if let Some(v) = (this.cond)() {
            this.unregister(false);
            return Poll::Ready(v);
        }
        Poll::Pending
    }
}

impl<F> Drop for WaitUntil<'_, F> {
    fn drop(&mut self) {
        self.unregister(true);
    }
}
