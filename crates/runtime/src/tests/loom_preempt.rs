//! Preemption on push: a CPU picking its next task races a more urgent
//! task being queued on it from elsewhere.

use core::sync::atomic::Ordering::Relaxed;

use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;

use super::{loom_rt, model, set_cpu};
use crate::sched::SchedClass;

/// CPU 1 has a fair task queued and picks its next task while a real-time
/// task is queued on it from outside. Either CPU 1 picked the real-time
/// task, or it picked the fair one and then has `need_resched` set and was
/// sent `wake_cpu`: the urgent task never waits for a slice to end.
#[test]
fn loom_a_push_that_outranks_the_picked_task_always_preempts_it() {
    model(|| {
        let (p, rt) = loom_rt(2);
        let _fair = rt.builder().cpu(1).affinity(0b10).spawn(async {});
        let picker = thread::spawn(move || {
            set_cpu(1);
            rt.pop_from(1).map(|t| t.sched.load())
        });
        let _urgent = rt.builder().cpu(1).affinity(0b10).sched_class(SchedClass::RealTime { priority: 1, round_robin: false }).spawn(async {});
        let picked = picker.join().unwrap().expect("a task was queued");
        if picked == SchedClass::NORMAL {
            assert!(rt.cpus[1].need_resched.load(Relaxed), "cpu1 runs the fair task with a real-time one queued and no resched request");
            assert!(p.wakes[1].load(SeqCst) > 0, "cpu1 was not interrupted");
        }
    });
}
