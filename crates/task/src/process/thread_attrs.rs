//! Per-thread attributes set through prctl that the kernel only stores:
//! the timer slack and the no_new_privs bit (Linux keeps both in
//! `task_struct`, so each thread has its own).
//!
//! Timer slack: weft's timers fire at their deadline, so every thread
//! effectively runs with zero slack whatever it asked for; the value is
//! kept and reported as Linux does (PR_GET_TIMERSLACK, /proc/<pid>/timerslack_ns
//! is not provided).

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Linux's default timer slack (init_task.timer_slack_ns).
pub const DEFAULT_TIMER_SLACK_NS: u64 = 50_000;

pub struct ThreadAttrs {
    timer_slack_ns: AtomicU64,
    /// What PR_SET_TIMERSLACK 0 goes back to: the creator's slack at clone.
    default_timer_slack_ns: AtomicU64,
    /// PR_SET_NO_NEW_PRIVS: sticky, inherited by every child.
    no_new_privs: AtomicBool,
}

impl Default for ThreadAttrs {
    fn default() -> Self {
        Self {
            timer_slack_ns: AtomicU64::new(DEFAULT_TIMER_SLACK_NS),
            default_timer_slack_ns: AtomicU64::new(DEFAULT_TIMER_SLACK_NS),
            no_new_privs: AtomicBool::new(false),
        }
    }
}

impl ThreadAttrs {
    /// A new thread's attributes (copy_process), set before it runs: the
    /// creator's slack becomes both its slack and its default.
    pub fn inherit(&self, parent: &ThreadAttrs) {
        let slack = parent.timer_slack_ns();
        self.timer_slack_ns.store(slack, Ordering::Relaxed);
        self.default_timer_slack_ns.store(slack, Ordering::Relaxed);
        self.no_new_privs.store(parent.no_new_privs(), Ordering::Relaxed);
    }

    pub fn timer_slack_ns(&self) -> u64 {
        self.timer_slack_ns.load(Ordering::Relaxed)
    }

    /// PR_SET_TIMERSLACK: 0 restores the default.
    pub fn set_timer_slack_ns(&self, ns: u64) {
        let value = if ns == 0 { self.default_timer_slack_ns.load(Ordering::Relaxed) } else { ns };
        self.timer_slack_ns.store(value, Ordering::Relaxed);
    }

    pub fn no_new_privs(&self) -> bool {
        self.no_new_privs.load(Ordering::Relaxed)
    }

    /// There is no way back (PR_SET_NO_NEW_PRIVS).
    pub fn set_no_new_privs(&self) {
        self.no_new_privs.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn slack_resets_to_the_value_inherited_at_clone() {
        let parent = ThreadAttrs::default();
        parent.set_timer_slack_ns(1234);
        let child = ThreadAttrs::default();
        child.inherit(&parent);
        child.set_timer_slack_ns(99);
        child.set_timer_slack_ns(0);
        assert_eq!(child.timer_slack_ns(), 1234);
        parent.set_timer_slack_ns(0);
        assert_eq!(parent.timer_slack_ns(), DEFAULT_TIMER_SLACK_NS);
    }
}
