//! Pending signals of a thread or of a whole group.
//!
//! Standard signals coalesce: while one is pending, another of the same
//! number is dropped. Real-time signals queue each instance with its
//! siginfo, and are taken in order. Taking a signal picks the lowest number
//! that is not blocked, synchronous faults first (Linux's
//! `next_signal`, kernel/signal.c).

use alloc::collections::VecDeque;

use super::info::{SigInfo, code};
use super::set::SigSet;
use super::*;

/// Faults, which must be handled before anything else.
const SYNCHRONOUS: SigSet = SigSet(
    (1 << (SIGSEGV - 1)) | (1 << (SIGBUS - 1)) | (1 << (SIGILL - 1)) | (1 << (SIGTRAP - 1)) | (1 << (SIGFPE - 1)) | (1 << (SIGSYS - 1)),
);

/// Linux's default RLIMIT_SIGPENDING scale: refuse to queue beyond this
/// many real-time signals per queue (EAGAIN for sigqueue).
pub const MAX_QUEUED: usize = 4096;

/// A pending set and its queued siginfos.
#[derive(Clone, Debug, Default)]
pub struct SigPending {
    set: SigSet,
    queue: VecDeque<SigInfo>,
}

impl SigPending {
    /// Queues `info`. Returns false when it was dropped (a standard signal
    /// already pending, or the real-time queue full). A POSIX timer's
    /// signal is never dropped for a full queue: on Linux it is allocated
    /// with the timer, whose creation was counted against the limit.
    pub fn enqueue(&mut self, info: SigInfo) -> bool {
        let sig = info.signo;
        if !is_realtime(sig) && self.set.contains(sig) {
            return false;
        }
        if is_realtime(sig) && self.queue.len() >= MAX_QUEUED && info.code != code::SI_TIMER {
            return false;
        }
        self.set.add(sig);
        self.queue.push_back(info);
        true
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
        let at = self.queue.iter().position(|i| i.signo == sig)?;
        let info = self.queue.remove(at).unwrap();
        if !self.queue.iter().any(|i| i.signo == sig) {
            self.set.remove(sig);
        }
        Some(info)
    }

    /// Drops every pending instance of the signals in `sigs` (SIGCONT
    /// discards pending stop signals and vice versa; ignoring a signal
    /// discards it).
    pub fn discard(&mut self, sigs: SigSet) {
        self.queue.retain(|i| !sigs.contains(i.signo));
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
        assert!(p.enqueue(rt(code::SI_TIMER, 7)));
        for i in 0..MAX_QUEUED as u64 {
            assert_eq!(p.dequeue(SigSet::EMPTY).map(|s| s.value), Some(i));
        }
        assert_eq!(p.dequeue(SigSet::EMPTY).map(|s| (s.code, s.value)), Some((code::SI_TIMER, 7)));
        assert!(p.is_empty());
    }
}
