//! Halting: a CPU going idle races a task being queued on it.

use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;

use super::{loom_rt, model, set_cpu};

/// If CPU 1 decided to halt (its re-check found nothing), the waker that
/// queued the task must have sent it `wake_cpu`.
#[test]
fn loom_a_wake_of_a_halting_cpu_is_never_lost() {
    model(|| {
        let (p, rt) = loom_rt(2);
        let idle = thread::spawn(move || {
            set_cpu(1);
            rt.enter_halt(1);
            rt.still_idle(1, &|| false)
        });
        // This thread is no CPU: a remote waker.
        let _h = rt.spawn_on(1, async {});
        let halting = idle.join().unwrap();
        if halting {
            assert!(p.wakes[1].load(SeqCst) > 0, "cpu1 halted with a queued task and no wake_cpu");
        }
    });
}
