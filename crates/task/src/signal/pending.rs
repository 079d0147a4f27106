//! Pending signals of a thread or of a whole group.
//!
//! Standard signals coalesce: while one is pending, another of the same
//! number is dropped. Real-time signals queue each instance with its
//! siginfo, and are taken in order. Taking a signal picks the lowest number
//! that is not blocked, synchronous faults first (Linux's
//! `next_signal`, kernel/signal.c).

use alloc::collections::VecDeque;
use core::sync::atomic::{AtomicUsize, Ordering};

use super::info::{SigInfo, code};
use super::set::SigSet;
use super::*;

/// Faults, which must be handled before anything else.
const SYNCHRONOUS: SigSet = SigSet(
    (1 << (SIGSEGV - 1)) | (1 << (SIGBUS - 1)) | (1 << (SIGILL - 1)) | (1 << (SIGTRAP - 1)) | (1 << (SIGFPE - 1)) | (1 << (SIGSYS - 1)),
);

/// The most siginfos one queue holds whatever RLIMIT_SIGPENDING says, so
/// that a raised limit cannot make the kernel heap grow without bound.
pub const MAX_QUEUED: usize = 4096;

/// Siginfos queued in every `SigPending` of the system: when fewer than a
/// user's RLIMIT_SIGPENDING, no user can be at its limit, and the exact
/// per-user count need not be taken.
static QUEUED_TOTAL: AtomicUsize = AtomicUsize::new(0);

/// Queued siginfos system-wide (see [`QUEUED_TOTAL`]).
pub fn queued_total() -> usize {
    QUEUED_TOTAL.load(Ordering::Relaxed)
}

/// What [`SigPending::enqueue`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enqueued {
    /// Queued with its siginfo.
    Queued,
    /// A standard signal already pending: nothing changed.
    Coalesced,
    /// No room for the siginfo (RLIMIT_SIGPENDING, or the hard cap): the
    /// signal is pending, its details are lost (Linux delivers it as
    /// SI_USER from pid 0).
    PendingWithoutInfo,
    /// No room, and a real-time signal from sigqueue/tgkill is refused
    /// instead (EAGAIN for the sender).
    Refused,
}

/// A pending set and its queued siginfos.
#[derive(Debug, Default)]
pub struct SigPending {
    set: SigSet,
    queue: VecDeque<SigInfo>,
}

impl Clone for SigPending {
    fn clone(&self) -> Self {
        QUEUED_TOTAL.fetch_add(self.queue.len(), Ordering::Relaxed);
        Self { set: self.set, queue: self.queue.clone() }
    }
}

impl Drop for SigPending {
    fn drop(&mut self) {
        QUEUED_TOTAL.fetch_sub(self.queue.len(), Ordering::Relaxed);
    }
}

impl SigPending {
    /// Queues `info`. Returns false when it was dropped (a standard signal
    /// already pending, or the real-time queue refused it).
    pub fn enqueue(&mut self, info: SigInfo) -> bool {
        self.enqueue_within(info, true) == Enqueued::Queued
    }

    /// Queues `info`; `may_queue` is false when the receiver's user is at
    /// its RLIMIT_SIGPENDING. A POSIX timer's signal is never refused: on
    /// Linux it is allocated with the timer, whose creation was counted.
    /// Standard signals stay pending without their siginfo, and so do
    /// real-time ones sent by kill (SI_USER); others are refused
    /// (__send_signal_locked).
    pub fn enqueue_within(&mut self, info: SigInfo, may_queue: bool) -> Enqueued {
        let sig = info.signo;
        if !is_realtime(sig) && self.set.contains(sig) {
            return Enqueued::Coalesced;
        }
        let exempt = info.code == code::SI_TIMER;
        let room = exempt || (may_queue && self.queue.len() < MAX_QUEUED);
        if room && self.queue.try_reserve(1).is_ok() {
            self.set.add(sig);
            self.queue.push_back(info);
            QUEUED_TOTAL.fetch_add(1, Ordering::Relaxed);
            return Enqueued::Queued;
        }
        if is_realtime(sig) && info.code != code::SI_USER {
            return Enqueued::Refused;
        }
        self.set.add(sig);
        Enqueued::PendingWithoutInfo
    }

    /// Siginfos queued here.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// The pending set.
    pub fn set(&self) -> SigSet {
        self.set
    }

    /// Takes the next deliverable signal not in `blocked`.
    pub fn dequeue(&mut self, blocked: SigSet) -> Option<SigInfo> {
        let ready = self.set.minus(blocked);
        let sig = ready.intersect(SYNCHRONOUS).lowest().or_else(|| ready.lowest())?;
        self.take(sig)
    }

    /// Takes the first queued instance of `sig`.
    pub fn take(&mut self, sig: u32) -> Option<SigInfo> {
        let Some(at) = self.queue.iter().position(|i| i.signo == sig) else {
            // Pending without a siginfo (no room when it was sent): Linux's
            // collect_signal makes one up.
            if !self.set.contains(sig) {
                return None;
            }
            self.set.remove(sig);
            return Some(SigInfo::user(sig, 0, 0));
        };
        let info = self.queue.remove(at).unwrap();
        QUEUED_TOTAL.fetch_sub(1, Ordering::Relaxed);
        if !self.queue.iter().any(|i| i.signo == sig) {
            self.set.remove(sig);
        }
        Some(info)
    }

    /// Drops every pending instance of the signals in `sigs` (SIGCONT
    /// discards pending stop signals and vice versa; ignoring a signal
    /// discards it).
    pub fn discard(&mut self, sigs: SigSet) {
        let before = self.queue.len();
        self.queue.retain(|i| !sigs.contains(i.signo));
        QUEUED_TOTAL.fetch_sub(before - self.queue.len(), Ordering::Relaxed);
        self.set = self.set.minus(sigs);
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn standard_signals_coalesce_realtime_signals_queue_in_order() {
        let mut p = SigPending::default();
        assert!(p.enqueue(SigInfo::user(SIGUSR1, 1, 0)));
        assert!(!p.enqueue(SigInfo::user(SIGUSR1, 2, 0)));
        for v in 0..3 {
            assert!(p.enqueue(SigInfo { value: v, ..SigInfo::user(40, 1, 0) }));
        }
        assert_eq!(p.dequeue(SigSet::EMPTY).unwrap().signo, SIGUSR1);
        let values: alloc::vec::Vec<u64> = core::iter::from_fn(|| p.dequeue(SigSet::EMPTY)).map(|i| i.value).collect();
        assert_eq!(values, [0, 1, 2]);
        assert!(p.is_empty());
    }

    #[test]
    fn blocked_signals_stay_and_faults_come_first() {
        let mut p = SigPending::default();
        p.enqueue(SigInfo::user(SIGINT, 1, 0));
        p.enqueue(SigInfo::fault(SIGSEGV, info::code::SEGV_MAPERR, 0));
        p.enqueue(SigInfo::user(SIGHUP, 1, 0));
        assert_eq!(p.dequeue(SigSet::of(SIGHUP)).unwrap().signo, SIGSEGV);
        assert_eq!(p.dequeue(SigSet::of(SIGHUP)).unwrap().signo, SIGINT);
        assert_eq!(p.dequeue(SigSet::of(SIGHUP)), None);
        assert_eq!(p.dequeue(SigSet::EMPTY).unwrap().signo, SIGHUP);
    }

    #[test]
    fn discard_removes_queued_instances() {
        let mut p = SigPending::default();
        p.enqueue(SigInfo::user(SIGTSTP, 1, 0));
        p.enqueue(SigInfo::user(SIGTERM, 1, 0));
        p.discard(SigSet::of(SIGTSTP));
        assert!(!p.set().contains(SIGTSTP));
        assert_eq!(p.dequeue(SigSet::EMPTY).unwrap().signo, SIGTERM);
    }

    fn rt(code: i32, value: u64) -> SigInfo {
        SigInfo { signo: SIGRTMIN, code, value, ..SigInfo::default() }
    }

    #[test]
    fn a_full_queue_drops_sigqueue_but_never_a_timer_signal() {
        let mut p = SigPending::default();
        for i in 0..MAX_QUEUED as u64 {
            assert!(p.enqueue(rt(code::SI_QUEUE, i)));
        }
        assert!(!p.enqueue(rt(code::SI_QUEUE, 9999)));
        assert_eq!(p.enqueue_within(rt(code::SI_USER, 9999), true), Enqueued::PendingWithoutInfo);
        assert!(p.enqueue(rt(code::SI_TIMER, 7)));
        for i in 0..MAX_QUEUED as u64 {
            assert_eq!(p.dequeue(SigSet::EMPTY).map(|s| s.value), Some(i));
        }
        assert_eq!(p.dequeue(SigSet::EMPTY).map(|s| (s.code, s.value)), Some((code::SI_TIMER, 7)));
        assert!(p.is_empty());
    }

    #[test]
    fn over_the_limit_standard_signals_stay_pending_without_info() {
        let mut p = SigPending::default();
        let queue = SigInfo { code: code::SI_QUEUE, ..SigInfo::user(SIGUSR1, 5, 0) };
        assert_eq!(p.enqueue_within(queue, false), Enqueued::PendingWithoutInfo);
        assert_eq!(p.enqueue_within(rt(code::SI_QUEUE, 1), false), Enqueued::Refused);
        assert_eq!(p.enqueue_within(rt(code::SI_TKILL, 1), false), Enqueued::Refused);
        assert_eq!(p.len(), 0);
        let got = p.dequeue(SigSet::EMPTY).unwrap();
        assert_eq!((got.signo, got.code, got.pid), (SIGUSR1, code::SI_USER, 0));
        assert!(p.is_empty());
    }
}
