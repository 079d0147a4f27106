//! The tick discipline: when each CPU's timer interrupt fires, and what it
//! does then.
//!
//! A CPU has one one-shot timer interrupt (`Platform::set_timer`), armed for
//! the earliest of the events it needs:
//!
//! | CPU state | armed for |
//! |---|---|
//! | idle, nothing else busy | its earliest timer deadline, or nothing at all |
//! | idle, another CPU busy | that, or `housekeeping_ns` from now, whichever is first (the lockup watchdog looks at the busy CPUs from it) |
//! | polling a task, nothing else runnable here | its earliest timer deadline, or the housekeeping tick `housekeeping_ns` after the last one |
//! | polling a task, another runnable here (or the task must move, or it is a user thread) | that, or the end of the current slice |
//!
//! So an idle CPU is tickless (Linux's NO_HZ_IDLE), and a busy one ticks at
//! the slice length only while there is something to share it with or its
//! task samples time at ticks: user threads do (`Builder::user_thread`
//! tasks get the slice tick for every poll), because under
//! emulation timing every user/kernel boundary instead (Linux's NO_HZ_FULL
//! accounting) costs more than the tick. A due deadline is never armed as
//! "now": an idle CPU with a timer due runs it instead of halting, the
//! interrupt handler fires due timers itself before it re-arms, and a busy
//! CPU that finds a timer expired since it last fired them arms the
//! shortest delay (the platform's minimum) so that the interrupt fires it.
//!
//! The timer interrupt (`tick`) fires due timers, ends a slice that is over
//! when something else waits, and re-arms. The executor re-checks before
//! each poll (`arm_for_poll`), the idle path before halting (`arm_for_idle`).
//!
//! # Not losing the slice tick to a wake
//!
//! A busy CPU with an empty queue has no slice tick. A task pushed onto its
//! queue needs one: a push by the CPU itself arms it at once; a push from
//! elsewhere reads `slice_armed` and, finding it false on a CPU that is
//! polling, sends `wake_cpu`, whose interrupt re-checks. The CPU clears
//! `slice_armed` before it re-reads its queue length, and the pusher bumps
//! the queue length before it reads `slice_armed`, all with read-modify-
//! writes: as in the halting protocol (`executor/idle.rs`), one of the two
//! sees the other.

use core::sync::atomic::Ordering::Relaxed;
use core::sync::atomic::{AtomicBool, AtomicU64};

use crate::loom::sync::Ordering;
use crate::Runtime;

/// One CPU's timer-interrupt state. Written only by its own CPU, with
/// interrupts off (`lock`), except `slice_armed`, which pushers read.
pub(crate) struct TickState {
    /// Interrupts off on this CPU while its timer is programmed, so that
    /// the programming and the record of it are never split by the timer
    /// interrupt. Only the owning CPU takes it: a leaf lock.
    lock: ksync::SpinLock<()>,
    /// The deadline the timer is armed for; `u64::MAX`: none.
    armed: AtomicU64,
    /// Whether `armed` is at or before the current slice's end.
    pub(crate) slice_armed: crate::loom::sync::AtomicBool,
    /// When the last housekeeping tick ran (or the CPU last left idle).
    last_housekeeping: AtomicU64,
    /// The current poll needs the slice tick whatever else is runnable: a
    /// user thread's (its CPU time is sampled at ticks).
    keep: AtomicBool,
}

impl TickState {
    pub(crate) fn new() -> Self {
        Self {
            lock: ksync::SpinLock::new(()),
            armed: AtomicU64::new(u64::MAX),
            slice_armed: crate::loom::sync::AtomicBool::new(false),
            last_housekeeping: AtomicU64::new(0),
            keep: AtomicBool::new(false),
        }
    }

    /// The deadline armed now (`u64::MAX`: none).
    pub(crate) fn armed(&self) -> u64 {
        self.armed.load(Relaxed)
    }
}

impl Runtime {
    /// The timer interrupt of the calling CPU. Lock-free on the run queues'
    /// side and allocation-free: fires due timers (their wakes queue
    /// tasks), marks the current task for preemption when its slice is over
    /// and something else is runnable here (or it must move), and re-arms
    /// the timer. Returns whether to preempt (a user thread yields, a
    /// stackful task is switched out).
    pub fn tick(&self) -> bool {
        let Some(cpu) = self.this_cpu() else { return false };
        let c = &self.cpus[cpu];
        let now = self.now_ns();
        c.tick.armed.store(u64::MAX, Relaxed);
        c.tick.slice_armed.store(false, Ordering::Relaxed);
        if now >= c.tick.last_housekeeping.load(Relaxed).saturating_add(self.config.housekeeping_ns) {
            c.tick.last_housekeeping.store(now, Relaxed);
        }
        self.fire_timers(cpu);
        if c.current_id.load(Relaxed) == 0 {
            // Between polls or halted: the executor re-arms before its next
            // poll or halt.
            return false;
        }
        let resched = self.slice_over(cpu);
        if resched {
            c.need_resched.store(true, Relaxed);
        }
        self.arm_busy(cpu, now);
        resched
    }

    /// Whether the current task should give the CPU back: the same test as
    /// `tick` (`executor/share.rs`), for cooperative checks in long loops
    /// and for the user-thread loop after each interrupt and system call.
    pub fn should_yield(&self) -> bool {
        let Some(cpu) = self.this_cpu() else { return false };
        self.slice_over(cpu)
    }

    /// Whether `need_resched` is set on the calling CPU (see
    /// [`crate::preempt_requested`]).
    pub fn preempt_requested(&self) -> bool {
        self.this_cpu().is_some_and(|cpu| self.cpus[cpu].need_resched.load(Relaxed))
    }

    /// An interrupt other than the timer's arrived (a `wake_cpu`): a task
    /// may have been queued here while this CPU polled with no slice tick,
    /// or one that outranks the running task (then this returns true: the
    /// caller preempts as after `tick`).
    pub fn recheck_tick(&self) -> bool {
        let Some(cpu) = self.this_cpu() else { return false };
        if self.cpus[cpu].current_id.load(Relaxed) == 0 {
            return false;
        }
        self.arm_busy(cpu, self.now_ns());
        self.cpus[cpu].need_resched.load(Relaxed)
    }

    /// Before each poll (`current_id` and `slice_start` already set) of a
    /// task that is (`user_thread`) or is not a user thread.
    pub(crate) fn arm_for_poll(&self, cpu: usize, now: u64, user_thread: bool) {
        self.cpus[cpu].tick.keep.store(user_thread, Relaxed);
        self.arm_busy(cpu, now);
    }

    /// Arms what a busy CPU needs, if it is earlier than what is armed.
    /// Runs before every poll: the timer is written (under `tick.lock`)
    /// only when something earlier is needed.
    fn arm_busy(&self, cpu: usize, now: u64) {
        let c = &self.cpus[cpu];
        let t = &c.tick;
        let housekeeping = t.last_housekeeping.load(Relaxed).saturating_add(self.config.housekeeping_ns);
        let mut deadline = c.timers.next().min(housekeeping);
        let slice_end = c.slice_start.load(Relaxed).saturating_add(self.config.slice_ns);
        // A slice already over (a task that does not yield) is checked again
        // a slice from now.
        let slice_end = if slice_end <= now { now.saturating_add(self.config.slice_ns) } else { slice_end };
        if self.needs_slice_tick(cpu) {
            deadline = deadline.min(slice_end);
        } else if t.slice_armed.load(Ordering::Relaxed) {
            // Publish "no slice tick", then look at the queue again: see
            // the module doc.
            t.slice_armed.swap(false, Ordering::AcqRel);
            if c.queue_len.fetch_add(0, Ordering::AcqRel) > 0 {
                deadline = deadline.min(slice_end);
            }
        }
        if deadline < t.armed() {
            let _irq = t.lock.lock();
            if deadline < t.armed() {
                // Never "due" here: something due (a timer that expired
                // since it was last fired) gets the shortest delay, and the
                // interrupt fires it.
                self.program(cpu, Some(deadline.max(now.saturating_add(1))), now);
            }
        }
        if t.armed() <= slice_end && !t.slice_armed.load(Ordering::Relaxed) {
            t.slice_armed.swap(true, Ordering::AcqRel);
        }
    }

    fn needs_slice_tick(&self, cpu: usize) -> bool {
        let c = &self.cpus[cpu];
        c.need_resched.load(Relaxed) || c.tick.keep.load(Relaxed) || c.queue_len.load(Ordering::Relaxed) > 0
    }

    /// With interrupts off, before halting: arms the earliest timer
    /// deadline (or the housekeeping check while another CPU is busy),
    /// replacing what a busy period armed. False when a deadline is due:
    /// the caller must not halt.
    pub(crate) fn arm_for_idle(&self, cpu: usize) -> bool {
        let c = &self.cpus[cpu];
        let t = &c.tick;
        if t.slice_armed.load(Ordering::Relaxed) {
            t.slice_armed.swap(false, Ordering::AcqRel);
        }
        let now = self.now_ns();
        let mut deadline = c.timers.next();
        let others = self.online_mask() & !(1 << cpu);
        if others & !self.halted.load(Ordering::Relaxed) != 0 {
            deadline = deadline.min(now.saturating_add(self.config.housekeeping_ns));
        }
        if deadline <= now {
            return false;
        }
        // An interrupt already armed between now and the deadline may stay
        // (it comes early; the CPU re-arms when it next idles): the timer
        // is written only when it must be, since under emulation every
        // write of it costs an exit to the emulator.
        let armed = t.armed();
        if deadline == u64::MAX {
            if armed != u64::MAX {
                let _irq = t.lock.lock();
                self.program(cpu, None, now);
            }
        } else if armed <= now || armed > deadline {
            let _irq = t.lock.lock();
            self.program(cpu, Some(deadline), now);
        }
        true
    }

    /// The CPU leaves idle: the housekeeping clock restarts.
    pub(crate) fn tick_after_idle(&self, cpu: usize) {
        self.cpus[cpu].tick.last_housekeeping.store(self.now_ns(), Relaxed);
    }

    /// A task was pushed onto `target`'s queue, which held `before` tasks,
    /// by CPU `me`: make sure a busy `target` ticks to share its CPU.
    pub(crate) fn tick_after_push(&self, target: usize, before: usize, me: Option<usize>) {
        let c = &self.cpus[target];
        if before > 0 || c.current_id.load(Relaxed) == 0 {
            return; // its tick is already armed, or it is between polls
        }
        if me == Some(target) {
            self.arm_busy(target, self.now_ns());
        } else if !c.tick.slice_armed.fetch_or(false, Ordering::AcqRel) {
            self.platform.wake_cpu(target);
        }
    }

    /// Programs the calling CPU's timer (`tick.lock` held) for `deadline`
    /// (after `now`), or stops it.
    fn program(&self, cpu: usize, deadline: Option<u64>, now: u64) {
        let t = &self.cpus[cpu].tick;
        self.platform.set_timer(deadline.map(|d| d.saturating_sub(now).max(1)));
        t.armed.store(deadline.unwrap_or(u64::MAX), Relaxed);
    }
}
