//! loom models of the runtime's concurrency protocols. Run with
//! `RUSTFLAGS="--cfg loom" cargo test -p runtime --release --lib loom_`
//! (see docs/runtime.md for the bounds used).

mod loom_idle;
mod loom_join;
mod loom_preempt;
mod loom_rcu;
mod loom_task;
mod loom_tick;
mod loom_wait_queue;

use core::cell::Cell;
use std::boxed::Box;
use std::sync::Arc;
use std::task::{Wake, Waker};
use std::vec::Vec;

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

use crate::{Config, Platform, Runtime};

loom::thread_local! {
    static CPU: Cell<usize> = Cell::new(usize::MAX);
}

/// Makes the calling loom thread CPU `cpu`.
pub(crate) fn set_cpu(cpu: usize) {
    CPU.with(|c| c.set(cpu));
}

/// A platform whose `idle` only records the decision and returns.
pub(crate) struct LoomPlatform {
    pub(crate) wakes: Vec<AtomicUsize>,
    pub(crate) halted: Vec<AtomicBool>,
}

impl Platform for LoomPlatform {
    fn cpu_id(&self) -> usize {
        CPU.with(|c| c.get())
    }
    fn now_ns(&self) -> u64 {
        0
    }
    fn wake_cpu(&self, cpu: usize) {
        self.wakes[cpu].fetch_add(1, SeqCst);
    }
    fn idle(&self, still_idle: &dyn Fn() -> bool) {
        if still_idle() {
            self.halted[self.cpu_id()].store(true, SeqCst);
        }
    }
}

/// A fresh runtime per model iteration (leaked: tasks point at it).
pub(crate) fn loom_rt(cpus: usize) -> (&'static LoomPlatform, &'static Runtime) {
    let platform: &'static LoomPlatform = Box::leak(Box::new(LoomPlatform {
        wakes: (0..cpus).map(|_| AtomicUsize::new(0)).collect(),
        halted: (0..cpus).map(|_| AtomicBool::new(false)).collect(),
    }));
    // A finite slice (the slice-tick model arms its end); no haltpoll.
    let config = Config { slice_ns: 1_000_000, haltpoll_start_ns: 0, haltpoll_max_ns: 0, ..Config::default() };
    (platform, Runtime::new(platform, cpus, config))
}

/// A waker that counts its wakes.
pub(crate) struct Count(pub(crate) AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

pub(crate) fn counter() -> (Arc<Count>, Waker) {
    let c = Arc::new(Count(AtomicUsize::new(0)));
    (c.clone(), Waker::from(c))
}

/// The loom model builder with this crate's bounds.
pub(crate) fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    b.check(f);
}
