//! POSIX per-process timers (timer_create & co.): their settings and the
//! expiry rule Linux uses — a timer has one signal in flight; expiries
//! while it is still pending only count overruns, reported in si_overrun
//! when the signal is taken (kernel/time/posix-timers.c).

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};

use ksync::SpinLock;

use super::process::Process;
use crate::signal::SigInfo;
use crate::signal::info::code;

/// How a timer notifies (sigevent's sigev_notify).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notify {
    /// SIGEV_NONE: nothing; only timer_gettime sees it.
    None,
    /// SIGEV_SIGNAL: a process-directed signal.
    Process,
    /// SIGEV_THREAD_ID: a signal to one thread.
    Thread(i32),
}

/// One timer.
pub struct PosixTimer {
    pub id: i32,
    pub clock: i32,
    pub notify: Notify,
    pub signo: u32,
    pub value: u64,
    /// (absolute deadline on the monotonic clock in ns, 0 = disarmed;
    /// interval in ns).
    pub setting: SpinLock<(u64, u64)>,
    /// Bumped at every timer_settime/delete: the expiry task of an older
    /// setting stops.
    pub generation: AtomicU64,
    /// The task that fires the current setting.
    pub task: super::expiry::ExpirySlot,
    pending: AtomicBool,
    overrun: AtomicU32,
}

impl PosixTimer {
    pub fn new(id: i32, clock: i32, notify: Notify, signo: u32, value: u64) -> Arc<Self> {
        Arc::new(Self {
            id,
            clock,
            notify,
            signo,
            value,
            setting: SpinLock::new((0, 0)),
            generation: AtomicU64::new(0),
            task: super::expiry::ExpirySlot::new(),
            pending: AtomicBool::new(false),
            overrun: AtomicU32::new(0),
        })
    }

    /// An expiry: the signal to send, or `None` when one is still pending
    /// (an overrun is counted instead) or the timer notifies nobody.
    pub fn expire(&self) -> Option<SigInfo> {
        if self.notify == Notify::None {
            return None;
        }
        if self.pending.swap(true, Ordering::AcqRel) {
            self.overrun.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        // si_timerid and si_overrun sit where kill's si_pid and si_uid do.
        Some(SigInfo { signo: self.signo, code: code::SI_TIMER, pid: self.id, value: self.value, ..SigInfo::default() })
    }

    /// The signal was taken: report and reset the overrun count.
    fn taken(&self) -> u32 {
        self.pending.store(false, Ordering::Release);
        self.overrun.swap(0, Ordering::AcqRel)
    }

    /// timer_getoverrun: overruns of the last delivered expiry.
    pub fn overrun(&self) -> u32 {
        self.overrun.load(Ordering::Relaxed)
    }
}

/// The timers of a process.
#[derive(Default)]
pub struct PosixTimers {
    timers: SpinLock<BTreeMap<i32, Arc<PosixTimer>>>,
    /// Where the search for the next id starts (Linux's
    /// `next_posix_timer_id`): ids are handed out cyclically, so creating
    /// one costs O(log n) however many exist, and a deleted id is not
    /// reused at once.
    next_id: AtomicI32,
}

impl PosixTimers {
    /// Registers a timer under the next free id. None when the process
    /// has `max` timers already: Linux counts each timer's preallocated
    /// signal against RLIMIT_SIGPENDING, which the caller passes.
    pub fn create(&self, max: u64, make: impl FnOnce(i32) -> Arc<PosixTimer>) -> Option<Arc<PosixTimer>> {
        let mut timers = self.timers.lock();
        if timers.len() as u64 >= max {
            return None;
        }
        // Fewer than i32::MAX timers exist, so a free id is found.
        let mut id = self.next_id.load(Ordering::Relaxed);
        while timers.contains_key(&id) {
            id = id.wrapping_add(1) & i32::MAX;
        }
        self.next_id.store(id.wrapping_add(1) & i32::MAX, Ordering::Relaxed);
        let timer = make(id);
        timers.insert(id, timer.clone());
        Some(timer)
    }

    pub fn get(&self, id: i32) -> Option<Arc<PosixTimer>> {
        self.timers.lock().get(&id).cloned()
    }

    pub fn delete(&self, id: i32) -> Option<Arc<PosixTimer>> {
        let timer = self.timers.lock().remove(&id)?;
        timer.generation.fetch_add(1, Ordering::AcqRel);
        timer.task.clear();
        Some(timer)
    }

    /// execve and exit delete every timer.
    pub fn clear(&self) {
        let all = core::mem::take(&mut *self.timers.lock());
        for t in all.values() {
            t.generation.fetch_add(1, Ordering::AcqRel);
            t.task.clear();
        }
    }
}

/// Fills si_overrun of a timer signal being taken by a thread of `process`.
pub fn complete_timer_signal(process: &Process, info: &mut SigInfo) {
    if info.code == code::SI_TIMER {
        if let Some(t) = process.timers.get(info.pid) {
            info.uid = t.taken();
        }
    }
}
