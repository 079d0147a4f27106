//! Job-control group stop (Linux's `group_stop_count` and
//! `JOBCTL_STOP_PENDING`, kernel/signal.c).
//!
//! A stop signal stops every thread of a group, and the parent hears of
//! it (SIGCHLD, wait's WUNTRACED) only once the last of them has stopped:
//!
//! ```text
//!            begin(sig, n)              last of n parks or exits
//!  Running -----------------> Stopping -------------------------> Stopped
//!     ^       (threads kicked)  {unparked}     (parent told)         |
//!     +---------------------- cont() (SIGCONT, SIGKILL) ------------+
//! ```
//!
//! Each stop has a generation; a thread remembers the last one it took part
//! in (`Thread::stop_seen`), so parking again after a spurious wake-up, or
//! parking and then exiting, counts once. A thread created while a stop is
//! in progress must park too. A SIGCONT that comes before the stop is
//! complete cancels it and the parent hears of neither (Linux would report
//! the stop, then the continue).
//!
//! Lock order: TABLE -> `Process::stop` (a leaf otherwise).

use core::sync::atomic::{AtomicU64, Ordering};

/// Job-control stop state of a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StopState {
    /// The group is stopping or stopped: its threads park until SIGCONT.
    pub stopped: bool,
    /// The signal that stopped it.
    pub signal: u32,
    /// Numbers the stops; 0 is "never stopped".
    generation: u64,
    /// Threads that have not parked (or exited) in this stop.
    unparked: usize,
    /// The parent has been told of this stop.
    reported: bool,
}

impl StopState {
    /// Starts a stop of a group of `threads` threads. False if the group is
    /// already stopping or stopped.
    pub fn begin(&mut self, signal: u32, threads: usize) -> bool {
        if self.stopped {
            return false;
        }
        *self = StopState { stopped: true, signal, generation: self.generation + 1, unparked: threads, reported: false };
        true
    }

    /// A thread whose `seen` generation is given parks or exits. The stop
    /// signal when that completes the stop: the caller tells the parent,
    /// once.
    pub fn participate(&mut self, seen: &AtomicU64) -> Option<u32> {
        if !self.stopped || seen.swap(self.generation, Ordering::Relaxed) == self.generation {
            return None;
        }
        self.unparked = self.unparked.saturating_sub(1);
        if self.unparked == 0 && !self.reported {
            self.reported = true;
            return Some(self.signal);
        }
        None
    }

    /// A new thread joined the group: it too must park before the stop is
    /// complete (or, if the stop is complete already, parks without
    /// counting).
    pub fn thread_added(&mut self, seen: &AtomicU64) {
        if !self.stopped {
            return;
        }
        if self.reported {
            seen.store(self.generation, Ordering::Relaxed);
        } else {
            self.unparked += 1;
        }
    }

    /// SIGCONT or SIGKILL: the group runs again. `Some(reported)` if it was
    /// stopping or stopped, saying whether the parent had heard of the stop.
    pub fn cont(&mut self) -> Option<bool> {
        if !self.stopped {
            return None;
        }
        self.stopped = false;
        Some(self.reported)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn the_stop_is_complete_when_the_last_thread_parks_or_exits() {
        let mut s = StopState::default();
        let threads = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];
        assert!(s.begin(19, 3));
        assert!(!s.begin(20, 3), "already stopping");
        assert_eq!(s.participate(&threads[0]), None);
        assert_eq!(s.participate(&threads[0]), None, "a second park counts once");
        assert_eq!(s.participate(&threads[1]), None);
        assert_eq!(s.participate(&threads[2]), Some(19), "the last one completes it");
        assert_eq!(s.participate(&threads[2]), None);
        assert_eq!(s.cont(), Some(true));
        assert_eq!(s.cont(), None);
        // The next stop counts everyone again.
        assert!(s.begin(19, 2));
        assert_eq!(s.participate(&threads[0]), None);
        assert_eq!(s.participate(&threads[1]), Some(19));
    }

    #[test]
    fn threads_added_during_a_stop_must_park_and_a_cancelled_stop_is_unreported() {
        let mut s = StopState::default();
        let (a, b) = (AtomicU64::new(0), AtomicU64::new(0));
        assert!(s.begin(19, 1));
        s.thread_added(&b);
        assert_eq!(s.participate(&a), None);
        assert_eq!(s.participate(&b), Some(19));
        s.cont();
        assert!(s.begin(19, 2));
        assert_eq!(s.participate(&a), None);
        assert_eq!(s.cont(), Some(false), "SIGCONT before the stop completed");
        assert_eq!(s.participate(&b), None, "no stop in progress");
        // A thread made after the stop completed parks without counting.
        assert!(s.begin(19, 1));
        assert_eq!(s.participate(&a), Some(19));
        let c = AtomicU64::new(0);
        s.thread_added(&c);
        assert_eq!(s.participate(&c), None);
    }
}
