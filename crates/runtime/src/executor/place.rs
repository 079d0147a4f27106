//! Where a task goes: placement on wake, work stealing, affinity, and
//! waking a halted CPU that has been given work.
//!
//! Placement of a task being queued (`place`):
//! 1. a wake issued inside `wake_sync` on CPU c puts it on c (if allowed):
//!    the waker is about to block, so c is about to be free (Linux WF_SYNC);
//! 2. else its home CPU (`Task::cpu`: where it was queued or ran last), if
//!    its affinity allows it (a new user thread's first home is the least
//!    loaded allowed CPU, `idlest_cpu`);
//! 3. else the next allowed CPU after home.
//!
//! A real-time task whose chosen CPU runs a task of its rank or higher goes
//! instead to the allowed CPU running the least urgent task (a halted CPU
//! counts as running nothing), if that one is lower: Linux's
//! `find_lowest_rq`, so that equal real-time tasks spread over CPUs rather
//! than waiting behind each other.
//!
//! After the push (`push_and_notify`): a halted target gets `wake_cpu`;
//! and when the target is busy and no CPU is in its haltpoll window, one
//! halted CPU that may run the task is woken so that it can steal it (the
//! way tokio unparks a worker when it queues work and nobody is searching).

use alloc::sync::Arc;
use core::sync::atomic::Ordering::Relaxed;

use super::{NO_TASK, Pushed};
use crate::loom::sync::Ordering;
use crate::sched::{RANK_FAIR, SchedClass};
use crate::task::{InvalidAffinity, Task};
use crate::Runtime;

fn bit(cpu: usize) -> u64 {
    1 << cpu
}

impl Runtime {
    /// Queues a task whose wake returned `Submit` (edge 3).
    pub(crate) fn schedule(&'static self, task: Arc<Task>) {
        let me = self.this_cpu();
        let sync = me.filter(|&c| self.cpus[c].sync_wake.load(Relaxed));
        let target = self.place(&task, sync);
        self.push_and_notify(target, task, me, sync.is_some());
    }

    /// Queues a task just spawned (edge 1: its initial NOTIFIED is the ticket).
    pub(crate) fn submit_new(&'static self, task: Arc<Task>) {
        let target = self.place(&task, None);
        self.push_and_notify(target, task, self.this_cpu(), false);
    }

    /// The CPU for a new user thread: the allowed CPU with the fewest
    /// tasks running or queued, `preferred` (the creator's) on a tie
    /// (Linux balances at fork, `select_task_rq` with SD_BALANCE_FORK);
    /// but `preferred` when `near_creator` and it runs nothing but the
    /// creator. Starting every thread on its creator's CPU left 10,000
    /// threads on one or two of eight CPUs: stealing moves one task at a
    /// time, and only when a CPU has nothing left. O(CPUs).
    pub(crate) fn idlest_cpu(&self, allowed: u64, preferred: usize, near_creator: bool) -> usize {
        let n = self.cpu_count();
        let load = |c: usize| {
            let cpu = &self.cpus[c];
            cpu.queue_len.load(Relaxed) + usize::from(cpu.current_id.load(Relaxed) != 0)
        };
        if near_creator && allowed & bit(preferred) != 0 && load(preferred) <= 1 {
            return preferred;
        }
        (0..n)
            .map(|i| (preferred + i) % n)
            .filter(|&c| allowed & bit(c) != 0)
            .min_by_key(|&c| load(c))
            .unwrap_or(preferred)
    }

    /// Requeues a task woken during its poll (edge 6).
    pub(crate) fn requeue(&'static self, cpu: usize, task: Arc<Task>) {
        let target = self.place(&task, None);
        self.push_and_notify_as(target, task, Some(cpu), false, true);
    }

    fn place(&self, task: &Task, sync: Option<usize>) -> usize {
        let allowed = task.affinity.load(Relaxed) & self.online_mask();
        let target = match sync {
            Some(c) if allowed & bit(c) != 0 => c,
            _ => {
                let home = task.cpu.load(Relaxed);
                if allowed & bit(home) != 0 { home } else { next_allowed(allowed, home, self.cpu_count()) }
            }
        };
        let rank = task.sched.load().rank();
        let target = if rank > RANK_FAIR { self.lowest_cpu_for(rank, allowed, target) } else { target };
        // SeqCst: a class change stores the class, then reads this; the
        // push reads the class after this (see `set_sched_class`).
        task.cpu.store(target, Ordering::SeqCst);
        target
    }

    /// `preferred`, or if a task of `rank` would not run there at once, the
    /// allowed CPU with the least urgent running task, when that is lower.
    fn lowest_cpu_for(&self, rank: u32, allowed: u64, preferred: usize) -> usize {
        let halted = self.halted.load(Ordering::Relaxed);
        let running = |c: usize| {
            let r = self.cpus[c].running_rank.load(Relaxed);
            if halted & bit(c) != 0 || (r == NO_TASK && self.cpus[c].queue_len.load(Ordering::Relaxed) == 0) { None } else { Some(r) }
        };
        let busy_with = |c: usize| running(c).map_or(0, |r| r.saturating_add(1));
        if busy_with(preferred) <= rank {
            return preferred;
        }
        (0..self.cpu_count())
            .filter(|&c| allowed & bit(c) != 0)
            .min_by_key(|&c| busy_with(c))
            .filter(|&c| busy_with(c) <= rank)
            .unwrap_or(preferred)
    }

    fn push_and_notify(&self, target: usize, task: Arc<Task>, me: Option<usize>, sync: bool) {
        self.push_and_notify_as(target, task, me, sync, false);
    }

    fn push_and_notify_as(&self, target: usize, task: Arc<Task>, me: Option<usize>, sync: bool, yielded: bool) {
        let allowed = task.affinity.load(Relaxed) & self.online_mask();
        let Pushed { before, preempts } = self.push_to(target, task, yielded);
        // A read-modify-write, paired with the idle CPU's: see idle.rs.
        let halted = self.halted.fetch_or(0, Ordering::AcqRel);
        if me != Some(target) && (preempts || halted & bit(target) != 0) {
            // Halted: it must look at its queue. Preempted: its interrupt
            // handler sees `need_resched` (`recheck_tick`).
            self.platform.wake_cpu(target);
            return;
        }
        self.tick_after_push(target, before, me);
        let target_busy = before > 0 || me == Some(target);
        let me_halted = me.is_some_and(|c| halted & bit(c) != 0); // an interrupt on an idle CPU
        if !sync && target_busy && !me_halted && self.polling.load(Ordering::Relaxed) == 0 {
            let spare = halted & allowed & !bit(target);
            if spare != 0 {
                self.platform.wake_cpu(spare.trailing_zeros() as usize);
            }
        }
    }

    /// Makes a halted `cpu` look at its queue and timers again.
    pub(crate) fn kick(&self, cpu: usize) {
        if self.this_cpu() != Some(cpu) && self.halted.fetch_or(0, Ordering::AcqRel) & bit(cpu) != 0 {
            self.platform.wake_cpu(cpu);
        }
    }

    /// The next task for `cpu`: its own queue first, then stealing. A task
    /// whose affinity no longer allows `cpu` is moved on, not run.
    pub(crate) fn next_task(&'static self, cpu: usize) -> Option<Arc<Task>> {
        while let Some(task) = self.pop_from(cpu) {
            if task.affinity.load(Relaxed) & bit(cpu) != 0 {
                return Some(task);
            }
            // Still NOTIFIED: we hold its queue ticket and pass it on.
            let target = self.place(&task, None);
            self.push_and_notify(target, task, Some(cpu), false);
        }
        let task = self.steal(cpu)?;
        self.run_stolen(cpu, &task);
        Some(task)
    }

    /// Takes one task that may run on `thief` from another CPU: one with
    /// two or more queued tasks, or one that is busy polling.
    pub(crate) fn steal(&self, thief: usize) -> Option<Arc<Task>> {
        let n = self.cpu_count();
        for i in 1..n {
            let victim = &self.cpus[(thief + i) % n];
            let len = victim.queue_len.load(Ordering::Relaxed);
            let worth_it = len >= 2 || (len == 1 && victim.current_id.load(Relaxed) != 0);
            if worth_it && let Some(task) = self.steal_from((thief + i) % n, thief) {
                task.cpu.store(thief, Relaxed);
                self.cpus[thief].stats.steals.fetch_add(1, Relaxed);
                return Some(task);
            }
        }
        None
    }

    pub(crate) fn set_affinity(&self, task: &Arc<Task>, mask: u64) -> Result<(), InvalidAffinity> {
        let allowed = mask & self.online_mask();
        if allowed == 0 {
            return Err(InvalidAffinity);
        }
        task.affinity.store(allowed, Relaxed);
        let cpu = task.cpu.load(Relaxed);
        if allowed & bit(cpu) == 0 && self.cpus[cpu].current_id.load(Relaxed) == task.id.0 {
            // Running where it may no longer run: end its slice (the
            // interrupt makes that CPU look); the requeue after this poll
            // places it on an allowed CPU.
            self.cpus[cpu].need_resched.store(true, Relaxed);
            if self.this_cpu() != Some(cpu) {
                self.platform.wake_cpu(cpu);
            }
        }
        Ok(())
    }

    /// Gives `task` the class `class` (`TaskRef::set_sched_class`).
    pub(crate) fn set_sched_class(&self, task: &Arc<Task>, class: SchedClass) {
        if task.sched.swap(class) == class {
            return;
        }
        let cpu = task.cpu.load(Ordering::SeqCst);
        if let Some(queued) = self.unqueue(cpu, task) {
            // Still NOTIFIED: we hold its queue ticket now, and put it back
            // where its new class belongs (maybe preempting there).
            let target = self.place(&queued, None);
            self.push_and_notify(target, queued, self.this_cpu(), false);
            return;
        }
        let c = &self.cpus[cpu];
        if c.current_id.load(Relaxed) == task.id.0 {
            // Running: a lower class may have to give way now, a higher one
            // must not be preempted for its old rank.
            c.running_rank.store(class.rank(), Relaxed);
            let best = c.best_queued_rank.load(Relaxed);
            if best != NO_TASK && best > class.rank() {
                c.need_resched.store(true, Relaxed);
                if self.this_cpu() != Some(cpu) {
                    self.platform.wake_cpu(cpu);
                }
            }
        }
    }

    /// Runs `f`; every task it wakes is placed on the calling CPU if its
    /// affinity allows (Linux's WF_SYNC). For a waker that is about to
    /// block (join, futex wait, pipe read after waking the writer): the
    /// woken task then runs here, on a warm cache, without an IPI.
    /// Interrupt handlers that run inside `f` on this CPU are affected too.
    pub fn wake_sync<R>(&self, f: impl FnOnce() -> R) -> R {
        let Some(cpu) = self.this_cpu() else { return f() };
        let flag = &self.cpus[cpu].sync_wake;
        let was = flag.swap(true, Relaxed);
        let result = f();
        flag.store(was, Relaxed);
        result
    }
}

/// The first CPU in `allowed` after `from`, wrapping around.
fn next_allowed(allowed: u64, from: usize, n: usize) -> usize {
    debug_assert!(allowed != 0);
    (1..=n).map(|i| (from + i) % n).find(|&c| allowed & bit(c) != 0).unwrap_or(0)
}

