#![cfg(not(loom))]
//! Where tasks run: affinity, stealing, WF_SYNC placement, waking halted
//! CPUs. Several CPUs, all driven by the test thread (`as_cpu`).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use common::{Gate, Trace, as_cpu, manual};
use runtime::{TaskState, poll_fn, yield_now};

#[test]
fn spawn_with_affinity_goes_to_an_allowed_cpu() {
    let (_p, rt) = manual(2);
    let ran_on = Arc::new(AtomicUsize::new(99));
    let r = ran_on.clone();
    let h = rt.builder().affinity(0b10).spawn(async move { r.store(rt.this_cpu().unwrap(), SeqCst) });
    assert_eq!(h.task().cpu(), 1);
    assert_eq!(rt.run_until_idle(), 0, "cpu0 may not run it, nor steal it");
    assert_eq!(as_cpu(1, || rt.run_until_idle()), 1);
    assert_eq!(ran_on.load(SeqCst), 1);
}

#[test]
fn set_affinity_moves_a_waiting_task_at_its_next_wake() {
    let (_p, rt) = manual(2);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    let h = rt.spawn(gate.wait(&trace, "t"));
    rt.run_until_idle();
    assert_eq!(h.task().cpu(), 0);
    assert_eq!(h.task().set_affinity(0b100), Err(runtime::InvalidAffinity), "no CPU 2");
    h.task().set_affinity(0b10).unwrap();
    gate.open();
    assert_eq!(h.task().cpu(), 1);
    assert_eq!(rt.run_until_idle(), 0);
    assert_eq!(as_cpu(1, || rt.run_until_idle()), 1);
    assert!(h.is_finished());
}

#[test]
fn set_affinity_of_a_running_task_ends_its_slice_and_moves_it_after_the_poll() {
    let (_p, rt) = manual(2);
    let saw = Arc::new(Mutex::new(Vec::new()));
    let s = saw.clone();
    let h = rt.spawn(async move {
        let me = rt.current_task().unwrap();
        s.lock().unwrap().push((rt.this_cpu(), rt.should_yield()));
        me.set_affinity(0b10).unwrap();
        s.lock().unwrap().push((rt.this_cpu(), rt.should_yield()));
        yield_now().await;
        s.lock().unwrap().push((rt.this_cpu(), rt.should_yield()));
    });
    rt.run_until_idle();
    assert_eq!(h.task().cpu(), 1);
    as_cpu(1, || rt.run_until_idle());
    assert!(h.is_finished());
    assert_eq!(*saw.lock().unwrap(), [(Some(0), false), (Some(0), true), (Some(1), false)]);
}

#[test]
fn idle_cpu_steals_but_never_a_pinned_task() {
    let (_p, rt) = manual(2);
    let ran = Arc::new(Mutex::new(Vec::new()));
    for i in 0..3 {
        let r = ran.clone();
        rt.spawn(async move { r.lock().unwrap().push((i, rt.this_cpu().unwrap())) });
    }
    assert_eq!(as_cpu(1, || rt.run_until_idle()), 2, "steals while cpu0 has 2+ queued");
    assert_eq!(rt.cpu_info(1).steals, 2);
    assert_eq!(rt.run_until_idle(), 1);
    assert_eq!(*ran.lock().unwrap(), [(0, 1), (1, 1), (2, 0)]);

    for _ in 0..3 {
        rt.builder().affinity(0b01).spawn(async {});
    }
    assert_eq!(as_cpu(1, || rt.run_until_idle()), 0, "pinned to cpu0");
    assert_eq!(rt.run_until_idle(), 3);
}

#[test]
fn wake_sync_places_the_woken_task_on_the_wakers_cpu() {
    let (_p, rt) = manual(2);
    let (trace, g1, g2) = (Trace::default(), Arc::new(Gate::default()), Arc::new(Gate::default()));
    let a = rt.spawn_on(1, g1.wait(&trace, "a"));
    let b = rt.spawn_on(1, g2.wait(&trace, "b"));
    as_cpu(1, || rt.run_until_idle());
    assert_eq!((a.task().cpu(), b.task().cpu()), (1, 1));

    let (g1c, g2c) = (g1.clone(), g2.clone());
    rt.spawn(async move {
        g1c.open.store(true, SeqCst);
        rt.wake_sync(|| g1c.wake()); // about to block: a comes here
        g2c.open(); // a plain wake: b stays home
    });
    rt.run_until_idle();
    assert_eq!((a.task().cpu(), b.task().cpu()), (0, 1));
    assert!(a.is_finished(), "cpu0 ran a");
    as_cpu(1, || rt.run_until_idle());
    assert!(b.is_finished());
}

#[test]
fn a_finishing_task_wakes_its_joiner_on_its_own_cpu() {
    let (_p, rt) = manual(2);
    let child = rt.spawn_on(0, async { 5 });
    let parent = rt.spawn_on(1, child);
    as_cpu(1, || rt.run_until_idle());
    assert_eq!(parent.task().state(), TaskState::Waiting);
    rt.run_until_idle(); // child finishes on cpu0, parent comes to cpu0
    assert_eq!(parent.task().cpu(), 0);
    assert!(parent.is_finished());
}

#[test]
fn remote_wake_of_a_halted_cpu_sends_wake_cpu() {
    let (p, rt) = manual(2);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    let h = rt.spawn_on(1, gate.wait(&trace, "t"));
    let g = gate.clone();
    let wakes_during_halt = Arc::new(Mutex::new(Vec::new()));
    let w = wakes_during_halt.clone();
    *p.on_halt.lock().unwrap() = Some(Box::new(move || {
        if !g.open.load(SeqCst) {
            as_cpu(0, || g.open()); // cpu0 wakes a task of halted cpu1
            *w.lock().unwrap() = p.wakes();
        }
    }));
    assert_eq!(p.wakes(), Vec::<usize>::new());
    as_cpu(1, || rt.block_on(h));
    assert_eq!(*wakes_during_halt.lock().unwrap(), [1]);
    assert!(p.halts.load(SeqCst) >= 1);
}

#[test]
fn queueing_behind_a_busy_cpu_wakes_a_halted_one_to_steal() {
    let (p, rt) = manual(2);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    let b = rt.spawn_on(0, gate.wait(&trace, "b"));
    rt.run_until_idle(); // b waits, homed on cpu0
    let g = gate.clone();
    rt.spawn_on(0, async move { g.open() }); // will wake b onto busy cpu0
    let seen = Arc::new(Mutex::new(Vec::new()));
    let outer: Arc<Mutex<Option<Waker>>> = Arc::default();
    let (s, o) = (seen.clone(), outer.clone());
    *p.on_halt.lock().unwrap() = Some(Box::new(move || {
        if s.lock().unwrap().is_empty() {
            as_cpu(0, || rt.run_until_idle());
            *s.lock().unwrap() = p.wakes();
            o.lock().unwrap().take().unwrap().wake();
        }
    }));
    let s = seen.clone();
    as_cpu(1, || {
        rt.block_on(poll_fn(|cx| {
            *outer.lock().unwrap() = Some(cx.waker().clone());
            if s.lock().unwrap().is_empty() { Poll::Pending } else { Poll::Ready(()) }
        }))
    });
    assert_eq!(*seen.lock().unwrap(), [1], "the spare halted cpu1 was woken");
    assert!(b.is_finished());
}

/// New user threads start on the least loaded CPU (Linux balances at
/// fork), one made `near_creator` with its otherwise idle creator, and
/// kernel tasks on their creator's CPU: 8 threads made by a task on CPU 0
/// of 4 spread two to a CPU.
#[test]
fn new_user_threads_spread_over_the_cpus_and_kernel_tasks_stay_home() {
    let (_p, rt) = manual(4);
    let homes = Arc::new(Mutex::new(Vec::new()));
    let h = homes.clone();
    rt.spawn_on(0, async move {
        for i in 0..8 {
            let t = rt.builder().user_thread().near_creator(i == 0).spawn(async {});
            h.lock().unwrap().push(t.task().cpu());
        }
        let k = rt.spawn(async {});
        h.lock().unwrap().push(k.task().cpu());
    });
    rt.run_until_idle();
    let homes = homes.lock().unwrap().clone();
    let (threads, kernel_task) = homes.split_at(8);
    assert_eq!(threads[..2], [0, 1], "the thread near its creator stays there, the next goes to an idle CPU");
    for cpu in 0..4 {
        assert_eq!(threads.iter().filter(|&&c| c == cpu).count(), 2, "user threads went to CPUs {threads:?}");
    }
    assert_eq!(kernel_task, [0], "a kernel task starts on its creator's CPU");
}
