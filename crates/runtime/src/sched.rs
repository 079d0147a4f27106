//! Scheduling classes: what the executor needs to know about a task to
//! choose between it and the others (Linux's sched classes, policies and
//! nice weights, kernel/sched/core.c).
//!
//! Real-time tasks (SCHED_FIFO and SCHED_RR, priority 1..=99, higher
//! first) run before fair ones (SCHED_OTHER and SCHED_BATCH, shares by
//! weight). SCHED_IDLE tasks share the fair order at Linux's tiny weight
//! 3, and any fair task's wake preempts one (as Linux's CFS treats them). The kernel's thread code decides a thread's class
//! (policy, nice, priority-inheritance boosts) and hands the result to
//! [`crate::TaskRef::set_sched_class`]; the runtime only orders tasks by it.
//!
//! A class is kept in one atomic word per task (`SchedWord`), so readers on
//! other CPUs (placement, preemption checks) never take a lock for it.

use core::sync::atomic::{AtomicU64, Ordering};

/// How the executor treats a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchedClass {
    /// SCHED_FIFO (`round_robin` false) or SCHED_RR at `priority` 1..=99:
    /// runs before every fair and idle task; FIFO until it blocks or
    /// yields, RR in turns of [`RR_INTERVAL_NS`] among equal priorities.
    RealTime { priority: u8, round_robin: bool },
    /// SCHED_OTHER or SCHED_BATCH: CPU time in proportion to `weight`
    /// ([`nice_to_weight`]), in virtual-runtime order.
    Fair { weight: u32 },
    /// SCHED_IDLE: in the fair order at weight 3 (about 0.3 % of a CPU
    /// beside a nice-0 task); a fair task's wake preempts it.
    Idle,
}

impl SchedClass {
    /// What every task starts as: SCHED_OTHER at nice 0.
    pub const NORMAL: SchedClass = SchedClass::Fair { weight: NICE_0_WEIGHT };

    /// A total order of urgency: idle 0, fair 1, real-time 1 + priority.
    /// A task of a higher rank preempts a running one of a lower rank.
    pub fn rank(self) -> u32 {
        match self {
            SchedClass::Idle => RANK_IDLE,
            SchedClass::Fair { .. } => RANK_FAIR,
            SchedClass::RealTime { priority, .. } => RANK_FAIR + u32::from(priority.clamp(1, MAX_RT_PRIORITY)),
        }
    }

    pub fn is_real_time(self) -> bool {
        matches!(self, SchedClass::RealTime { .. })
    }
}

pub(crate) const RANK_IDLE: u32 = 0;
pub(crate) const RANK_FAIR: u32 = 1;
/// The highest SCHED_FIFO/SCHED_RR priority.
pub const MAX_RT_PRIORITY: u8 = 99;
/// Number of real-time ranks (priorities 1..=99).
pub(crate) const RT_LEVELS: usize = MAX_RT_PRIORITY as usize;

/// The weight of nice 0 (Linux's NICE_0_LOAD at its user-visible scale).
pub const NICE_0_WEIGHT: u32 = 1024;
/// SCHED_IDLE's weight in the fair order (Linux's WEIGHT_IDLEPRIO): about
/// 0.3 % of a CPU beside one nice-0 task, but never starved for good.
pub(crate) const IDLE_WEIGHT: u32 = 3;

/// SCHED_RR's time slice (Linux's RR_TIMESLICE, 100 ms), also what
/// sched_rr_get_interval reports.
pub const RR_INTERVAL_NS: u64 = 100_000_000;

/// Linux's sched_prio_to_weight: nice -20..=19. Each step is about 1.25x,
/// so one nice level is about 10% of CPU time against a neighbour.
const NICE_TO_WEIGHT: [u32; 40] = [
    88761, 71755, 56483, 46273, 36291, // -20 .. -16
    29154, 23254, 18705, 14949, 11916, // -15 .. -11
    9548, 7620, 6100, 4904, 3906, // -10 .. -6
    3121, 2501, 1991, 1586, 1277, // -5 .. -1
    1024, 820, 655, 526, 423, // 0 .. 4
    335, 272, 215, 172, 137, // 5 .. 9
    110, 87, 70, 56, 45, // 10 .. 14
    36, 29, 23, 18, 15, // 15 .. 19
];

/// The fair weight of a nice value (clamped to -20..=19).
pub fn nice_to_weight(nice: i32) -> u32 {
    NICE_TO_WEIGHT[(nice.clamp(-20, 19) + 20) as usize]
}

/// A task's class in one atomic word: kind in bits 40..42, real-time
/// priority in bits 32..40, weight in bits 0..32.
pub(crate) struct SchedWord(AtomicU64);

const KIND_FAIR: u64 = 0;
const KIND_IDLE: u64 = 1;
const KIND_FIFO: u64 = 2;
const KIND_RR: u64 = 3;

impl SchedWord {
    pub(crate) fn new(class: SchedClass) -> Self {
        Self(AtomicU64::new(encode(class)))
    }

    pub(crate) fn load(&self) -> SchedClass {
        decode(self.0.load(Ordering::Acquire))
    }

    /// Stores `class`; returns the one it replaces.
    pub(crate) fn swap(&self, class: SchedClass) -> SchedClass {
        decode(self.0.swap(encode(class), Ordering::AcqRel))
    }
}

fn encode(class: SchedClass) -> u64 {
    match class {
        SchedClass::Fair { weight } => KIND_FAIR << 40 | u64::from(weight.max(1)),
        SchedClass::Idle => KIND_IDLE << 40,
        SchedClass::RealTime { priority, round_robin } => {
            let kind = if round_robin { KIND_RR } else { KIND_FIFO };
            kind << 40 | u64::from(priority.clamp(1, MAX_RT_PRIORITY)) << 32
        }
    }
}

fn decode(word: u64) -> SchedClass {
    let priority = (word >> 32) as u8;
    match word >> 40 {
        KIND_IDLE => SchedClass::Idle,
        KIND_FIFO => SchedClass::RealTime { priority, round_robin: false },
        KIND_RR => SchedClass::RealTime { priority, round_robin: true },
        _ => SchedClass::Fair { weight: word as u32 },
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn classes_survive_the_word() {
        for class in [
            SchedClass::NORMAL,
            SchedClass::Fair { weight: 15 },
            SchedClass::Fair { weight: 88761 },
            SchedClass::Idle,
            SchedClass::RealTime { priority: 1, round_robin: false },
            SchedClass::RealTime { priority: 99, round_robin: true },
        ] {
            assert_eq!(decode(encode(class)), class);
        }
    }

    #[test]
    fn ranks_order_the_classes() {
        let idle = SchedClass::Idle.rank();
        let fair = SchedClass::NORMAL.rank();
        let rt1 = SchedClass::RealTime { priority: 1, round_robin: true }.rank();
        let rt99 = SchedClass::RealTime { priority: 99, round_robin: false }.rank();
        assert!(idle < fair && fair < rt1 && rt1 < rt99);
        assert_eq!(rt99 as usize, RANK_FAIR as usize + RT_LEVELS);
    }

    #[test]
    fn weights_are_linux_table() {
        assert_eq!(nice_to_weight(0), 1024);
        assert_eq!(nice_to_weight(10), 110);
        assert_eq!(nice_to_weight(-20), 88761);
        assert_eq!(nice_to_weight(19), 15);
        assert_eq!(nice_to_weight(-100), 88761);
        assert_eq!(nice_to_weight(100), 15);
    }
}
