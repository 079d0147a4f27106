//! The slice tick: a busy CPU dropping its slice tick races a task being
//! queued on it from another CPU.

use core::sync::atomic::Ordering::Relaxed;

use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;

use super::{loom_rt, model, set_cpu};
use crate::loom::sync::Ordering;

/// CPU 1 polls a task with nothing else queued and drops the slice tick it
/// had armed; meanwhile a task is queued on it. Afterwards either CPU 1
/// armed its slice tick, or the pusher sent it `wake_cpu` (whose interrupt
/// re-checks): the queued task never waits behind a CPU with no tick.
#[test]
fn loom_a_task_queued_on_a_busy_cpu_is_never_left_without_a_tick() {
    model(|| {
        let (p, rt) = loom_rt(2);
        let c = &rt.cpus[1];
        c.current_id.store(99, Relaxed);
        c.tick.slice_armed.store(true, Ordering::SeqCst);
        let busy = thread::spawn(move || {
            set_cpu(1);
            rt.arm_for_poll(1, 0, false);
        });
        // This thread is no CPU: a remote waker.
        let _h = rt.spawn_on(1, async {});
        busy.join().unwrap();
        let slice_end = rt.config.slice_ns;
        assert!(
            p.wakes[1].load(SeqCst) > 0 || rt.cpus[1].tick.armed() <= slice_end,
            "a task was queued on busy cpu1, which has no slice tick and got no wake_cpu"
        );
    });
}
