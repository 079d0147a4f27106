//! Idling: a short adaptive polling window, then `Platform::idle`.
//!
//! Under a hypervisor a halted CPU is slow to wake (QEMU TCG: 50-150 µs),
//! so an idle CPU first polls its queue, its timers and the other CPUs'
//! queues for a window, as Linux's cpuidle-haltpoll does in guests. The
//! window adapts like `adjust_poll_limit` in
//! drivers/cpuidle/governors/haltpoll.c (Linux 6.x): after an idle period
//! of length d,
//!
//! - d <= window: the poll found work, the window stays;
//! - window < d <= max: work came soon after we halted (polling a little
//!   longer would have caught it): grow ×2, at least `start`, at most max;
//! - d > max: the CPU was really idle: shrink ÷2, to 0 below `start`.
//!
//! # Not losing a wake of a halted CPU
//!
//! The idle CPU sets its bit in `Runtime::halted`, then re-reads its queue
//! length (in `still_idle`, with interrupts off); a waker pushes to the
//! queue (bumping its length), then reads `halted` and calls `wake_cpu` if
//! the bit is set. All four accesses are acquire-release read-modify-
//! writes. In the queue length's modification order either the waker's
//! bump comes first, and the idle CPU's re-read sees it and does not halt,
//! or the idle CPU's re-read comes first, then it synchronizes with the
//! waker's bump, so the idle CPU's earlier `halted` RMW happens-before the
//! waker's read of `halted`, which sees the bit and sends `wake_cpu`. The
//! platform guarantees that a `wake_cpu` after `still_idle` ends the halt.
//! (Plain loads would need SeqCst fences on both sides, which loom does not
//! model; the RMWs are checked by the `loom_idle` model.)

use core::sync::atomic::AtomicU64;
use core::sync::atomic::Ordering::Relaxed;

use crate::loom::spin_loop;
use crate::loom::sync::Ordering;
use crate::{Config, Runtime};

/// One CPU's haltpoll window.
pub(crate) struct HaltPoll {
    window_ns: AtomicU64,
    start_ns: u64,
    max_ns: u64,
}

impl HaltPoll {
    pub(crate) fn new(config: &Config) -> Self {
        Self { window_ns: AtomicU64::new(config.haltpoll_start_ns), start_ns: config.haltpoll_start_ns, max_ns: config.haltpoll_max_ns }
    }

    pub(crate) fn window_ns(&self) -> u64 {
        self.window_ns.load(Relaxed)
    }

    /// Adapts the window after an idle period of `idle_ns`.
    pub(crate) fn adjust(&self, idle_ns: u64) {
        let window = self.window_ns();
        let next = if idle_ns <= window {
            window
        } else if idle_ns <= self.max_ns {
            (window * 2).max(self.start_ns).min(self.max_ns)
        } else {
            let half = window / 2;
            if half < self.start_ns { 0 } else { half }
        };
        self.window_ns.store(next, Relaxed);
    }
}

impl Runtime {
    /// Idles `cpu` until it has work or `Platform::idle` returns.
    pub(crate) fn idle(&'static self, cpu: usize) {
        let c = &self.cpus[cpu];
        let start = self.now_ns();
        let window = c.haltpoll.window_ns();
        if window > 0 {
            self.polling.fetch_add(1, Ordering::Relaxed);
            let found = loop {
                if self.has_local_work(cpu) {
                    break true;
                }
                if let Some(task) = self.steal(cpu) {
                    self.push_to(cpu, task, false); // still NOTIFIED: run_once pops it next
                    break true;
                }
                if self.now_ns().saturating_sub(start) >= window {
                    break false;
                }
                spin_loop();
            };
            self.polling.fetch_sub(1, Ordering::Relaxed);
            if found {
                let idle_ns = self.now_ns().saturating_sub(start);
                c.haltpoll.adjust(idle_ns);
                c.stats.idle_ns.fetch_add(idle_ns, Relaxed);
                return;
            }
        }
        self.halt(cpu, &|| false);
        let idle_ns = self.now_ns().saturating_sub(start);
        c.haltpoll.adjust(idle_ns);
        c.stats.idle_ns.fetch_add(idle_ns, Relaxed);
    }

    /// Halts `cpu` in `Platform::idle` unless it has local work or `woken()`
    /// (used by `block_on`) says otherwise. `woken` must read its flag with
    /// a read-modify-write, like the queue length (see the module doc).
    pub(crate) fn halt(&'static self, cpu: usize, woken: &dyn Fn() -> bool) {
        self.enter_halt(cpu);
        self.platform.idle(&|| self.still_idle(cpu, woken));
        self.exit_halt(cpu);
    }

    /// First half of the halting protocol: publish "halted" (RMW).
    pub(crate) fn enter_halt(&self, cpu: usize) {
        self.rcu.enter_idle(cpu);
        self.halted.fetch_or(1 << cpu, Ordering::AcqRel);
        self.cpus[cpu].stats.halts.fetch_add(1, Relaxed);
    }

    /// Second half, run by the platform with interrupts off: re-check
    /// (RMW reads) after publishing, then arm the timer for the earliest
    /// deadline (false if one is due: no halt).
    pub(crate) fn still_idle(&self, cpu: usize, woken: &dyn Fn() -> bool) -> bool {
        !woken() && !self.has_local_work(cpu) && self.arm_for_idle(cpu)
    }

    pub(crate) fn exit_halt(&self, cpu: usize) {
        self.halted.fetch_and(!(1 << cpu), Ordering::AcqRel);
        self.rcu.exit_idle(cpu);
        self.tick_after_idle(cpu);
    }
}

#[cfg(all(test, not(loom)))]
mod test {
    use super::*;

    fn hp() -> HaltPoll {
        HaltPoll::new(&Config { slice_ns: 1, haltpoll_start_ns: 50_000, haltpoll_max_ns: 200_000, ..Config::default() })
    }

    #[test]
    fn haltpoll_starts_at_50us_and_keeps_when_poll_succeeds() {
        let h = hp();
        assert_eq!(h.window_ns(), 50_000);
        h.adjust(10_000);
        assert_eq!(h.window_ns(), 50_000);
    }

    #[test]
    fn haltpoll_grows_on_a_wake_soon_after_halting_up_to_max() {
        let h = hp();
        h.adjust(80_000);
        assert_eq!(h.window_ns(), 100_000);
        h.adjust(150_000);
        assert_eq!(h.window_ns(), 200_000);
        h.adjust(199_000);
        assert_eq!(h.window_ns(), 200_000);
    }

    #[test]
    fn haltpoll_shrinks_on_long_idle_and_restarts_from_start() {
        let h = hp();
        h.adjust(1_000_000);
        assert_eq!(h.window_ns(), 0, "25 µs is below start: polling stops");
        h.adjust(30_000);
        assert_eq!(h.window_ns(), 50_000, "a short halt restarts the window at start");
        h.adjust(100_000);
        h.adjust(150_000);
        assert_eq!(h.window_ns(), 200_000);
        h.adjust(5_000_000);
        assert_eq!(h.window_ns(), 100_000);
    }
}
