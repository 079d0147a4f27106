//! ITIMER_VIRTUAL and ITIMER_PROF: per-process timers that count down the
//! group's CPU time rather than the wall clock.
//!
//! VIRTUAL counts user time and sends SIGVTALRM, PROF counts user and system
//! time and sends SIGPROF. The user loop charges them with the time it
//! accounts (a tick in user mode, the end of a poll), so they expire with
//! tick granularity, as Linux's do (a CPU running a user thread keeps its
//! slice tick: runtime/src/tick.rs). A fork child starts with both disarmed;
//! execve keeps them (Linux).

use core::sync::atomic::{AtomicBool, Ordering};

use ksync::SpinLock;

use crate::signal::{SIGPROF, SIGVTALRM};

/// Which CPU-time timer (setitimer's `which`, minus ITIMER_REAL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuItimer {
    Virtual = 0,
    Prof = 1,
}

impl CpuItimer {
    /// ITIMER_VIRTUAL (1) or ITIMER_PROF (2).
    pub fn from_which(which: u64) -> Option<Self> {
        match which {
            1 => Some(CpuItimer::Virtual),
            2 => Some(CpuItimer::Prof),
            _ => None,
        }
    }

    pub fn signal(self) -> u32 {
        match self {
            CpuItimer::Virtual => SIGVTALRM,
            CpuItimer::Prof => SIGPROF,
        }
    }
}

/// One timer: CPU time left before it expires (0: disarmed) and the
/// period it is re-armed with (0: one-shot).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Setting {
    pub remaining_ns: u64,
    pub interval_ns: u64,
}

impl Setting {
    /// Counts `spent` ns down; true when the timer expired. A periodic
    /// timer that overshot by more than a period fires once (Linux).
    fn charge(&mut self, spent: u64) -> bool {
        if self.remaining_ns == 0 || spent == 0 {
            return false;
        }
        if spent < self.remaining_ns {
            self.remaining_ns -= spent;
            return false;
        }
        let over = spent - self.remaining_ns;
        self.remaining_ns = match self.interval_ns {
            0 => 0,
            period => period - over % period,
        };
        true
    }
}

#[derive(Default)]
pub struct CpuItimers {
    /// Whether either timer is armed: the hot path checks only this.
    armed: AtomicBool,
    settings: SpinLock<[Setting; 2]>,
}

impl CpuItimers {
    /// Arms (or, with a zero value, disarms) `which`; returns the old
    /// setting.
    pub fn set(&self, which: CpuItimer, new: Setting) -> Setting {
        let mut settings = self.settings.lock();
        let new = if new.remaining_ns == 0 { Setting::default() } else { new };
        let old = core::mem::replace(&mut settings[which as usize], new);
        self.armed.store(settings.iter().any(|s| s.remaining_ns != 0), Ordering::Relaxed);
        old
    }

    pub fn get(&self, which: CpuItimer) -> Setting {
        self.settings.lock()[which as usize]
    }

    /// Charges CPU time the group spent; returns the signals now due, in
    /// the order VIRTUAL, PROF.
    pub fn charge(&self, user_ns: u64, system_ns: u64) -> impl Iterator<Item = u32> {
        let mut due = [None, None];
        if self.armed.load(Ordering::Relaxed) {
            let mut settings = self.settings.lock();
            if settings[CpuItimer::Virtual as usize].charge(user_ns) {
                due[0] = Some(CpuItimer::Virtual.signal());
            }
            if settings[CpuItimer::Prof as usize].charge(user_ns + system_ns) {
                due[1] = Some(CpuItimer::Prof.signal());
            }
            self.armed.store(settings.iter().any(|s| s.remaining_ns != 0), Ordering::Relaxed);
        }
        due.into_iter().flatten()
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use alloc::vec::Vec;

    fn setting(remaining_ns: u64, interval_ns: u64) -> Setting {
        Setting { remaining_ns, interval_ns }
    }

    #[test]
    fn virtual_counts_only_user_time() {
        let t = CpuItimers::default();
        t.set(CpuItimer::Virtual, setting(10, 0));
        assert_eq!(t.charge(0, 100).count(), 0);
        assert_eq!(t.get(CpuItimer::Virtual), setting(10, 0));
        assert_eq!(t.charge(10, 0).collect::<Vec<_>>(), [SIGVTALRM]);
        assert_eq!(t.get(CpuItimer::Virtual), setting(0, 0), "a one-shot timer disarms");
        assert_eq!(t.charge(100, 0).count(), 0);
    }

    #[test]
    fn prof_counts_user_and_system_time() {
        let t = CpuItimers::default();
        t.set(CpuItimer::Prof, setting(10, 0));
        assert_eq!(t.charge(4, 4).count(), 0);
        assert_eq!(t.get(CpuItimer::Prof).remaining_ns, 2);
        assert_eq!(t.charge(0, 2).collect::<Vec<_>>(), [SIGPROF]);
    }

    #[test]
    fn periodic_timer_reloads_and_fires_once_per_charge() {
        let t = CpuItimers::default();
        t.set(CpuItimer::Prof, setting(10, 4));
        assert_eq!(t.charge(11, 0).collect::<Vec<_>>(), [SIGPROF]);
        assert_eq!(t.get(CpuItimer::Prof), setting(3, 4), "1 ns overshoot leaves 3 of the period");
        // Several periods at once still give one signal.
        assert_eq!(t.charge(13, 0).count(), 1);
        assert_eq!(t.get(CpuItimer::Prof), setting(2, 4));
    }

    #[test]
    fn both_fire_in_one_charge() {
        let t = CpuItimers::default();
        t.set(CpuItimer::Virtual, setting(5, 0));
        t.set(CpuItimer::Prof, setting(5, 0));
        assert_eq!(t.charge(5, 0).collect::<Vec<_>>(), [SIGVTALRM, SIGPROF]);
    }

    #[test]
    fn zero_value_disarms_and_returns_old() {
        let t = CpuItimers::default();
        t.set(CpuItimer::Virtual, setting(50, 7));
        let old = t.set(CpuItimer::Virtual, setting(0, 9));
        assert_eq!(old, setting(50, 7));
        assert_eq!(t.get(CpuItimer::Virtual), setting(0, 0), "the interval goes too");
        assert!(!t.armed.load(Ordering::Relaxed));
    }
}
