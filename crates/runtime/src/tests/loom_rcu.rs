//! RCU: a grace period starting races a CPU going idle.

use std::boxed::Box;
use std::sync::Arc;
use std::sync::atomic::AtomicBool as StdAtomicBool;

use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;

use super::{loom_rt, model};

/// CPU 1 goes idle (and stays idle) while CPU 0 starts a grace period:
/// CPU 0 alone must then be able to finish it (no wait for an idle CPU).
#[test]
fn loom_grace_period_does_not_wait_for_a_cpu_that_went_idle() {
    model(|| {
        let (_p, rt) = loom_rt(2);
        let ran = Arc::new(StdAtomicBool::new(false));
        let idle = thread::spawn(move || rt.rcu.enter_idle(1));
        let r = ran.clone();
        rt.rcu.call(Box::new(move || r.store(true, SeqCst)));
        idle.join().unwrap();
        rt.rcu.quiescent(0);
        rt.rcu.run_callbacks();
        assert!(ran.load(SeqCst), "the grace period waits for an idle CPU");
    });
}
