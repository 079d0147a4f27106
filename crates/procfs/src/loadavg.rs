//! The load average: Linux's exponentially damped count of runnable tasks,
//! sampled every 5 seconds (kernel/sched/loadavg.c `calc_load`), by a
//! kernel task of its own ("loadavg", which therefore shows in `ps` as
//! weft's one permanent kernel thread).

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

use ksync::SpinLock;

use crate::fmt;

const FSHIFT: u32 = 11;
const FIXED_1: u64 = 1 << FSHIFT;
/// 1/exp(5s/1min), 1/exp(5s/5min), 1/exp(5s/15min) in fixed point.
const EXP: [u64; 3] = [1884, 2014, 2037];
/// LOAD_FREQ: 5 seconds.
const INTERVAL_NS: u64 = 5_000_000_000;

/// The three averages, fixed point. Lock order: leaf.
static AVENRUN: SpinLock<[u64; 3]> = SpinLock::new([0; 3]);
static STARTED: AtomicBool = AtomicBool::new(false);

/// One step of the average (Linux `calc_load`).
pub fn calc_load(load: u64, exp: u64, active: u64) -> u64 {
    let mut new = load * exp + active * (FIXED_1 - exp);
    if active >= load {
        new += FIXED_1 - 1;
    }
    new / FIXED_1
}

/// Folds one sample of `running` runnable tasks into the averages.
pub fn sample(running: usize) {
    let active = running as u64 * FIXED_1;
    let mut avg = AVENRUN.lock();
    for (a, exp) in avg.iter_mut().zip(EXP) {
        *a = calc_load(*a, exp, active);
    }
}

/// Starts the sampling task (once; needs the runtime).
pub fn start() {
    if !runtime::is_initialized() || STARTED.swap(true, Ordering::AcqRel) {
        return;
    }
    runtime::Builder::new().name("loadavg").spawn(async {
        loop {
            runtime::sleep(INTERVAL_NS).await;
            // The sampler itself is running now: it does not count.
            sample(running_tasks().saturating_sub(1));
        }
    });
}

/// The three averages scaled as sysinfo(2) reports them (`loads[]`,
/// fixed point with 16 fraction bits), for the syscall layer.
pub fn sysinfo_loads() -> [u64; 3] {
    AVENRUN.lock().map(|a| a << (16 - FSHIFT))
}

/// Tasks on a CPU or in a run queue.
pub fn running_tasks() -> usize {
    if !runtime::is_initialized() {
        return 0;
    }
    // From the CPUs' counts: a walk of every task every 5 s took a tenth
    // of a second with 32,000 threads.
    runtime::runnable_count()
}

/// The text of /proc/loadavg: the three averages, running/total tasks,
/// and the most recent pid.
pub fn text(running: usize, total: usize, last_pid: i32) -> Vec<u8> {
    let avg = *AVENRUN.lock();
    alloc::format!("{} {} {} {running}/{total} {last_pid}\n", fmt::load(avg[0]), fmt::load(avg[1]), fmt::load(avg[2])).into_bytes()
}
