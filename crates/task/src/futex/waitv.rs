//! futex_waitv: one thread waiting on several futex words at once
//! (Linux's `futex_wait_multiple`, kernel/futex/waitwake.c).
//!
//! Each word gets its own [`Waiter`], queued in its own bucket exactly as a
//! FUTEX_WAIT queues one: the caller locks that bucket alone, re-reads the
//! word under it and enqueues on a match. Buckets are therefore locked one
//! at a time, never nested, so the table's lock order is untouched; a wake
//! on a word already queued is kept in that waiter's `woken` flag, and a
//! wake on a word not yet queued changed the word first, which the check
//! under its lock then sees. A FUTEX_WAKE picks one entry like any other
//! waiter and counts it once.

use alloc::collections::TryReserveError;
use alloc::vec::Vec;
use core::task::{Context, Poll};

use super::FutexWait;

/// The queued entries of one futex_waitv call, in array order.
pub struct FutexWaitv<'a> {
    waits: Vec<FutexWait<'a>>,
}

impl<'a> FutexWaitv<'a> {
    /// Room for `n` entries, taken fallibly (`n` comes from user space).
    pub fn with_capacity(n: usize) -> Result<Self, TryReserveError> {
        let mut waits = Vec::new();
        waits.try_reserve_exact(n)?;
        Ok(Self { waits })
    }

    /// Adds the next entry (its index is the number queued before it).
    /// Never reallocates within the capacity asked for.
    pub fn push(&mut self, wait: FutexWait<'a>) {
        self.waits.push(wait);
    }

    /// Entries queued so far.
    pub fn len(&self) -> usize {
        self.waits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waits.is_empty()
    }

    /// Ready once a wake picked any entry. Registers the task's waker on
    /// every entry before looking, so a wake racing with the poll is seen
    /// either here or through the waker.
    pub fn poll_any(&self, cx: &mut Context<'_>) -> Poll<()> {
        for w in &self.waits {
            *w.waiter.waker.lock() = Some(cx.waker().clone());
        }
        if self.waits.iter().any(|w| w.is_woken()) { Poll::Ready(()) } else { Poll::Pending }
    }

    /// Takes every entry off its bucket and returns the highest index that
    /// a wake picked, if any (Linux's `unqueue_multiple` reports the last).
    /// After an entry's removal its `woken` flag is final: a waker sets it
    /// under the bucket lock that the removal also took.
    pub fn unqueue(self) -> Option<usize> {
        let mut last = None;
        for (i, w) in self.waits.into_iter().enumerate() {
            if w.unqueue() {
                last = Some(i);
            }
        }
        last
    }
}

impl FutexWait<'_> {
    /// Removes this waiter from its bucket (unless a wake already did) and
    /// says whether a wake picked it.
    pub fn unqueue(self) -> bool {
        if !self.waiter.is_woken() {
            self.table.remove(&self.waiter);
        }
        // Dropping `self` next finds nothing to remove: the waiter is in no
        // bucket any more.
        self.waiter.is_woken()
    }
}
