//! [`WakerList`]: the wait queue of the poll-based blocking protocol.
//!
//! A party that must wait (a pipe reader with an empty pipe, a `poll` on a
//! tty) registers its task's waker in the list that belongs to the
//! condition, *while holding the lock that guards the condition*, and
//! returns `Poll::Pending`. Whoever changes the condition takes the wakers
//! out under the same lock and wakes them after dropping it. Because the
//! check and the registration happen under one lock, no wake-up is lost.
//! Woken parties re-check their condition (wakes may be spurious).

use alloc::vec::Vec;
use core::task::Waker;

/// A list of wakers waiting for one condition. Not a lock itself: it lives
/// inside the state it waits on.
#[derive(Default)]
pub struct WakerList {
    wakers: Vec<Waker>,
}

impl WakerList {
    /// An empty list (no allocation).
    pub const fn new() -> WakerList {
        WakerList { wakers: Vec::new() }
    }

    /// Adds `waker` unless a waker that wakes the same task is already in
    /// the list (`Waker::will_wake`).
    pub fn register(&mut self, waker: &Waker) {
        if !self.wakers.iter().any(|w| w.will_wake(waker)) {
            self.wakers.push(waker.clone());
        }
    }

    /// Whether no waker is registered.
    pub fn is_empty(&self) -> bool {
        self.wakers.is_empty()
    }

    /// Number of registered wakers.
    pub fn len(&self) -> usize {
        self.wakers.len()
    }

    /// Removes the wakers a change wakes and returns them, to be woken with
    /// [`WakerList::wake_all`] after the guarding lock is released: every
    /// waker, except that of the epoll registrations made with
    /// EPOLLEXCLUSIVE only the first goes and the others stay registered
    /// (Linux wakes one exclusive waiter).
    #[must_use = "wake the taken wakers"]
    pub fn take(&mut self) -> WakerList {
        if !crate::event::epoll::any_exclusive() {
            return WakerList {
                wakers: core::mem::take(&mut self.wakers),
            };
        }
        let mut one_exclusive = false;
        let (kept, taken): (Vec<Waker>, Vec<Waker>) = self.wakers.drain(..).partition(|w| {
            let exclusive = crate::event::epoll::is_exclusive(w);
            let keep = exclusive && one_exclusive;
            one_exclusive |= exclusive;
            keep
        });
        self.wakers = kept;
        WakerList { wakers: taken }
    }

    /// Wakes and removes every waker.
    pub fn wake_all(&mut self) {
        for w in self.wakers.drain(..) {
            w.wake();
        }
    }

    /// Moves all wakers of `other` into `self` (deduplicated).
    pub fn append(&mut self, other: WakerList) {
        for w in other.wakers {
            if !self.wakers.iter().any(|x| x.will_wake(&w)) {
                self.wakers.push(w);
            }
        }
    }
}

#[cfg(test)]
mod test;
