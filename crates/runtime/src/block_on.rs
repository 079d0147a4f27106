//! `block_on`: run one future to completion on the calling CPU, for early
//! boot (before `run_executor`) and for tests.

use alloc::sync::Arc;
use alloc::task::Wake;
use core::future::Future;
use core::pin::pin;
use core::sync::atomic::Ordering::Relaxed;
use core::task::{Context, Poll, Waker};

use crate::loom::spin_loop;
use crate::loom::sync::{AtomicBool, Ordering};
use crate::Runtime;

/// The waker of a `block_on` future: a flag, plus the CPU to kick.
struct Signal {
    woken: AtomicBool,
    rt: Option<&'static Runtime>,
    cpu: Option<usize>,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // RMW then `kick`'s RMW of `halted`: the halting protocol of idle.rs.
        if !self.woken.swap(true, Ordering::AcqRel)
            && let (Some(rt), Some(cpu)) = (self.rt, self.cpu)
        {
            rt.kick(cpu);
        }
    }
}

impl Runtime {
    /// Polls `future` to completion on the calling CPU. Between polls the
    /// CPU runs its executor (tasks queued on it, its timers, RCU), and
    /// halts in `Platform::idle` when there is nothing to do. On a thread
    /// that is not one of the runtime's CPUs it busy-polls instead.
    ///
    /// Panics if called from inside a task's poll.
    pub fn block_on<F: Future>(&'static self, future: F) -> F::Output {
        let cpu = self.this_cpu();
        if let Some(c) = cpu {
            assert_eq!(self.cpus[c].current_id.load(Relaxed), 0, "block_on called from inside a task");
        }
        let signal = Arc::new(Signal { woken: AtomicBool::new(true), rt: Some(self), cpu });
        let waker = Waker::from(signal.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if signal.woken.swap(false, Ordering::AcqRel) {
                if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                    return v;
                }
                continue;
            }
            match cpu {
                Some(cpu) => {
                    if !self.run_once(cpu) {
                        self.halt(cpu, &|| signal.woken.fetch_or(false, Ordering::AcqRel));
                    }
                }
                None => spin_loop(),
            }
        }
    }
}

/// `block_on` before any runtime exists: busy-polls.
pub(crate) fn block_on_bare<F: Future>(future: F) -> F::Output {
    let signal = Arc::new(Signal { woken: AtomicBool::new(true), rt: None, cpu: None });
    let waker = Waker::from(signal.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if signal.woken.swap(false, Ordering::AcqRel) {
            if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
        } else {
            spin_loop();
        }
    }
}
