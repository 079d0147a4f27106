#![cfg(not(loom))]
//! Executor behaviour, one CPU (or a few, driven by one thread) on a manual
//! clock, checked against a trace of events (embassy-executor style).

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use common::{Trace, as_cpu, manual};
use runtime::{TaskState, poll_fn, yield_now};

/// A future that logs each poll, keeps its latest waker, and finishes
/// once opened.
#[derive(Default)]
struct Gate {
    open: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Gate {
    fn wait(self: &Arc<Self>, trace: &Trace, name: &'static str) -> impl std::future::Future<Output = ()> + Send + 'static {
        let (gate, trace) = (self.clone(), trace.clone());
        poll_fn(move |cx| {
            trace.push(format!("{name} poll"));
            *gate.waker.lock().unwrap() = Some(cx.waker().clone());
            if gate.open.load(SeqCst) { Poll::Ready(()) } else { Poll::Pending }
        })
    }
    fn wake(&self) {
        self.waker.lock().unwrap().as_ref().expect("no waker yet").wake_by_ref();
    }
    fn open(&self) {
        self.open.store(true, SeqCst);
        self.wake();
    }
}

#[test]
fn spawn_polls_once_and_completes() {
    let (_p, rt) = manual(1);
    let trace = Trace::default();
    let t = trace.clone();
    let h = rt.spawn(async move { t.push("run") });
    assert_eq!(h.task().state(), TaskState::Queued);
    assert_eq!(rt.run_until_idle(), 1);
    assert_eq!(trace.take(), ["run"]);
    assert_eq!(h.task().state(), TaskState::Complete);
    assert_eq!(rt.task_count(), 0);
}

#[test]
fn waking_after_completion_does_not_poll() {
    let (_p, rt) = manual(1);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    gate.open.store(true, SeqCst);
    let h = rt.spawn(gate.wait(&trace, "t"));
    assert_eq!(rt.run_until_idle(), 1);
    gate.wake();
    gate.wake();
    assert_eq!(rt.run_until_idle(), 0);
    assert_eq!(trace.take(), ["t poll"]);
    assert_eq!(h.task().polls(), 1);
}

#[test]
fn waking_twice_while_waiting_polls_once() {
    let (_p, rt) = manual(1);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    let h = rt.spawn(gate.wait(&trace, "t"));
    rt.run_until_idle();
    assert_eq!(h.task().state(), TaskState::Waiting);
    gate.wake();
    gate.wake();
    assert_eq!(rt.cpu_info(0).queue_len, 1, "queued once");
    assert_eq!(rt.run_until_idle(), 1);
    assert_eq!(trace.take(), ["t poll", "t poll"]);
}

#[test]
fn waking_before_first_poll_does_not_queue_twice() {
    let (_p, rt) = manual(1);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    let h = rt.spawn(gate.wait(&trace, "t"));
    h.task().wake();
    h.task().wake();
    assert_eq!(rt.cpu_info(0).queue_len, 1);
    assert_eq!(rt.run_until_idle(), 1);
    assert_eq!(trace.take(), ["t poll"]);
}

#[test]
fn waking_during_poll_repolls_exactly_once() {
    let (_p, rt) = manual(1);
    let trace = Trace::default();
    let t = trace.clone();
    let mut polls = 0;
    rt.spawn(poll_fn(move |cx| {
        polls += 1;
        t.push(format!("poll {polls}"));
        if polls == 1 {
            cx.waker().wake_by_ref(); // RUNNING: sets NOTIFIED
            cx.waker().wake_by_ref();
            #[allow(clippy::waker_clone_wake)] // the by-value wake path
            cx.waker().clone().wake();
            return Poll::Pending;
        }
        Poll::Ready(())
    }));
    assert_eq!(rt.run_until_idle(), 2);
    assert_eq!(trace.take(), ["poll 1", "poll 2"]);
}

#[test]
fn yield_now_lets_queued_tasks_run_first() {
    let (_p, rt) = manual(1);
    let trace = Trace::default();
    let (a, b) = (trace.clone(), trace.clone());
    rt.spawn(async move {
        a.push("a1");
        yield_now().await;
        a.push("a2");
    });
    rt.spawn(async move { b.push("b1") });
    rt.run_until_idle();
    assert_eq!(trace.take(), ["a1", "b1", "a2"]);
}

/// Logs its drop, and whether a task was being polled at that moment.
struct DropProbe {
    trace: Trace,
    rt: &'static runtime::Runtime,
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        let inside = self.rt.current_task().is_some();
        self.trace.push(format!("drop (inside a poll: {inside})"));
    }
}

#[test]
fn a_pending_task_keeps_its_future() {
    let (_p, rt) = manual(1);
    let trace = Trace::default();
    let t = trace.clone();
    let probe = DropProbe { trace: trace.clone(), rt };
    let h = rt.spawn(async move {
        let _probe = probe;
        t.push("ready");
        std::future::pending::<()>().await;
    });
    rt.run_until_idle();
    assert_eq!(trace.take(), ["ready"]);
    assert_eq!(h.task().state(), TaskState::Waiting);
    assert_eq!(rt.task_count(), 1, "the registry keeps it alive");
}

/// Reports, when dropped, whether the task's JoinHandle already said
/// "finished".
struct JoinProbe {
    trace: Trace,
    handle: Arc<Mutex<Option<runtime::JoinHandle<u32>>>>,
}

impl Drop for JoinProbe {
    fn drop(&mut self) {
        let finished = self.handle.lock().unwrap().as_ref().unwrap().is_finished();
        self.trace.push(format!("future dropped, handle finished: {finished}"));
    }
}

#[test]
fn a_joiner_sees_the_output_only_after_the_future_is_dropped() {
    let (_p, rt) = manual(1);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    let handle: Arc<Mutex<Option<runtime::JoinHandle<u32>>>> = Arc::default();
    let probe = JoinProbe { trace: trace.clone(), handle: handle.clone() };
    let mut wait = Box::pin(gate.wait(&trace, "child"));
    let h = rt.spawn(poll_fn(move |cx| {
        let _owned = &probe;
        wait.as_mut().poll(cx).map(|()| 7)
    }));
    *handle.lock().unwrap() = Some(h);
    rt.run_until_idle();
    gate.open();
    rt.run_until_idle();
    assert_eq!(trace.take(), ["child poll", "child poll", "future dropped, handle finished: false"]);
    let h = handle.lock().unwrap().take().unwrap();
    assert!(h.is_finished());
    assert_eq!(h.task().state(), TaskState::Complete);
    assert_eq!(rt.task_count(), 0);
    assert_eq!(rt.block_on(h), 7);
}

#[test]
fn join_handle_returns_output_to_joiner() {
    let (_p, rt) = manual(1);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    let child = rt.spawn({
        let w = gate.wait(&trace, "child");
        async move {
            w.await;
            42
        }
    });
    let t = trace.clone();
    let parent = rt.spawn(async move {
        let v = child.await;
        t.push(format!("parent got {v}"));
        v + 1
    });
    rt.run_until_idle();
    assert!(!parent.is_finished());
    gate.open();
    rt.run_until_idle();
    assert_eq!(trace.take(), ["child poll", "child poll", "parent got 42"]);
    assert_eq!(rt.block_on(parent), 43);
}

#[test]
fn dropping_join_handle_detaches_and_drops_output() {
    let (_p, rt) = manual(1);
    let trace = Trace::default();
    let t = trace.clone();
    let probe = DropProbe { trace: trace.clone(), rt };
    let h = rt.spawn(async move {
        t.push("ran");
        probe
    });
    drop(h);
    rt.run_until_idle();
    // The output is dropped by the finishing task itself (inside its poll).
    assert_eq!(trace.take(), ["ran", "drop (inside a poll: true)"]);
    assert_eq!(rt.task_count(), 0);
}

#[test]
fn current_task_and_task_list_show_the_running_task() {
    let (_p, rt) = manual(1);
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let gate = Arc::new(Gate::default());
    let w = gate.wait(&Trace::default(), "x");
    let h = rt.builder().name("worker").spawn(async move {
        let me = rt.current_task().expect("inside a task");
        *s.lock().unwrap() = Some((me.id(), me.name(), me.state(), rt.cpu_info(0).current));
        w.await;
    });
    assert_eq!(rt.current_task().map(|t| t.id()), None);
    rt.run_until_idle();
    let (id, name, state, cur) = seen.lock().unwrap().clone().unwrap();
    assert_eq!((id, name.as_str(), state, cur), (h.id(), "worker", TaskState::Running, Some(h.id())));
    assert_eq!(rt.cpu_info(0).current, None);

    let list: Vec<_> = rt.tasks().collect();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id, list[0].name.as_str(), list[0].state, list[0].cpu), (h.id(), "worker", TaskState::Waiting, 0));
    assert!(rt.task(h.id()).is_some());
    gate.open();
    rt.run_until_idle();
    assert_eq!(rt.tasks().count(), 0);
    assert!(rt.task(h.id()).is_none());
}

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

#[test]
fn tick_preempts_only_when_the_slice_is_over_and_work_waits() {
    let (p, rt) = manual(1);
    assert!(!rt.tick(), "no current task");
    let results = Arc::new(Mutex::new(Vec::new()));
    let r = results.clone();
    rt.spawn(async move {
        let mut r = r.lock().unwrap();
        r.push(rt.tick()); // nothing else runnable
        p.advance(4_000_000);
        r.push(rt.tick()); // slice over, but nothing else runnable
        rt.spawn(async {});
        r.push(rt.should_yield()); // slice over and a task waits
        r.push(rt.tick());
    });
    rt.run_until_idle();
    assert_eq!(*results.lock().unwrap(), [false, false, true, true]);

    let r = results.clone();
    rt.spawn(async move {
        rt.spawn(async {});
        r.lock().unwrap().push(rt.tick()); // a task waits, slice just started
    });
    rt.run_until_idle();
    assert!(!results.lock().unwrap()[4]);

    // A due timer counts as runnable work.
    let _sleeper = rt.spawn(rt.sleep(1_000));
    rt.run_until_idle();
    let r = results.clone();
    rt.spawn(async move {
        p.advance(4_000_000);
        r.lock().unwrap().push(rt.tick());
    });
    rt.run_until_idle();
    assert!(results.lock().unwrap()[5]);
}

#[test]
fn sleep_completes_at_its_deadline_never_before() {
    let (p, rt) = manual(1);
    p.now.store(10_000, SeqCst);
    let woke_at = Arc::new(AtomicUsize::new(0));
    let w = woke_at.clone();
    let h = rt.spawn(async move {
        rt.sleep(1_000).await;
        w.store(rt.now_ns() as usize, SeqCst);
    });
    rt.run_until_idle();
    assert_eq!(rt.cpu_info(0).timers, 1);
    p.advance(999);
    assert_eq!(rt.run_until_idle(), 0);
    p.advance(1);
    assert_eq!(rt.run_until_idle(), 1);
    assert!(h.is_finished());
    assert_eq!(woke_at.load(SeqCst), 11_000);
    assert_eq!(rt.cpu_info(0).timers, 0);
}

#[test]
fn dropping_a_sleep_cancels_its_timer() {
    let (p, rt) = manual(1);
    let h = rt.spawn(async move {
        let r = rt.timeout(rt.now_ns() + 1_000, rt.sleep(5_000)).await;
        assert_eq!(r, Err(runtime::Elapsed));
        "timed out"
    });
    rt.run_until_idle();
    assert_eq!(rt.cpu_info(0).timers, 2);
    p.advance(1_000);
    rt.run_until_idle();
    assert_eq!(rt.block_on(h), "timed out");
    assert_eq!(rt.cpu_info(0).timers, 0, "the inner 5 µs sleep was dropped and removed");
}

#[test]
fn timeout_returns_the_value_of_a_future_that_finishes_first() {
    let (p, rt) = manual(1);
    let h = rt.spawn(async move { rt.timeout(rt.now_ns() + 1_000, async { rt.sleep(10).await; 7 }).await });
    rt.run_until_idle();
    p.advance(10);
    rt.run_until_idle();
    assert_eq!(rt.block_on(h), Ok(7));
    assert_eq!(rt.cpu_info(0).timers, 0);
}

#[test]
fn a_sleep_polled_on_another_cpu_moves_its_timer_there() {
    let (p, rt) = manual(2);
    let (trace, gate) = (Trace::default(), Arc::new(Gate::default()));
    let w = gate.wait(&trace, "g");
    let h = rt.spawn(async move {
        let mut sleep = std::pin::pin!(rt.sleep(1_000));
        poll_fn(|cx| {
            let _ = sleep.as_mut().poll(cx); // register on this CPU
            Poll::Ready(())
        })
        .await;
        rt.current_task().unwrap().set_affinity(0b10).unwrap();
        w.await; // the next poll happens on cpu1
        sleep.await;
    });
    rt.run_until_idle();
    assert_eq!(rt.cpu_info(0).timers, 1);
    gate.open();
    as_cpu(1, || rt.run_until_idle());
    assert_eq!((rt.cpu_info(0).timers, rt.cpu_info(1).timers), (0, 1));
    p.advance(1_000);
    as_cpu(1, || rt.run_until_idle());
    assert!(h.is_finished());
}

#[test]
fn rcu_callback_waits_for_every_busy_cpu() {
    let (_p, rt) = manual(2);
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    rt.call_rcu(Box::new(move || r.store(true, SeqCst)));
    rt.run_until_idle();
    rt.run_until_idle();
    assert!(!ran.load(SeqCst), "cpu1 has not passed a quiescent point");
    assert_eq!(rt.grace_periods(), 0);
    as_cpu(1, || rt.run_until_idle());
    assert!(ran.load(SeqCst));
    assert_eq!(rt.grace_periods(), 1);
}

#[test]
fn rcu_does_not_wait_for_an_idle_cpu() {
    let (p, rt) = manual(2);
    let ran = Arc::new(AtomicBool::new(false));
    let outer: Arc<Mutex<Option<Waker>>> = Arc::default();
    let (r, o) = (ran.clone(), outer.clone());
    *p.on_halt.lock().unwrap() = Some(Box::new(move || {
        if r.load(SeqCst) {
            return;
        }
        // cpu1 is halted: a grace period needs only cpu0.
        as_cpu(0, || {
            let r = r.clone();
            rt.call_rcu(Box::new(move || r.store(true, SeqCst)));
            rt.run_until_idle();
        });
        if let Some(w) = o.lock().unwrap().take() {
            w.wake();
        }
    }));
    let r = ran.clone();
    as_cpu(1, || {
        rt.block_on(poll_fn(|cx| {
            *outer.lock().unwrap() = Some(cx.waker().clone());
            if r.load(SeqCst) { Poll::Ready(()) } else { Poll::Pending }
        }))
    });
    assert!(ran.load(SeqCst));
    assert_eq!(rt.grace_periods(), 1);
}

#[test]
fn rcu_callbacks_queued_during_a_grace_period_wait_for_the_next() {
    let (_p, rt) = manual(2);
    let order = Trace::default();
    let o = order.clone();
    rt.call_rcu(Box::new(move || o.push("first")));
    rt.run_until_idle(); // cpu0 reported; grace period 1 waits for cpu1
    let o = order.clone();
    rt.call_rcu(Box::new(move || o.push("second")));
    as_cpu(1, || rt.run_until_idle()); // ends gp 1, starts gp 2
    assert_eq!(order.take(), ["first"]);
    rt.run_until_idle();
    as_cpu(1, || rt.run_until_idle());
    assert_eq!(order.take(), ["second"]);
    assert_eq!(rt.grace_periods(), 2);
}

#[test]
fn rcu_barrier_waits_for_earlier_callbacks() {
    let (_p, rt) = manual(2);
    let order = Trace::default();
    let o = order.clone();
    rt.call_rcu(Box::new(move || o.push("callback")));
    let o = order.clone();
    rt.spawn(async move {
        rt.rcu_barrier().await;
        o.push("barrier done");
    });
    rt.run_until_idle();
    assert_eq!(order.take(), Vec::<String>::new());
    as_cpu(1, || rt.run_until_idle());
    rt.run_until_idle();
    as_cpu(1, || rt.run_until_idle());
    rt.run_until_idle();
    assert_eq!(order.take(), ["callback", "barrier done"]);
}

#[test]
fn block_on_runs_spawned_tasks_and_timers() {
    let (p, rt) = manual(1);
    p.idle_advance.store(1_000, SeqCst);
    let v = rt.block_on(async move {
        let h = rt.spawn(async move {
            rt.sleep(5_000).await;
            7
        });
        h.await * 6
    });
    assert_eq!(v, 42);
    assert!(p.now_ns_value() >= 5_000);
}

trait NowValue {
    fn now_ns_value(&self) -> u64;
}
impl NowValue for common::ManualPlatform {
    fn now_ns_value(&self) -> u64 {
        self.now.load(SeqCst)
    }
}

#[test]
fn stackful_on_the_host_is_the_future_itself() {
    let (_p, rt) = manual(1);
    let h = rt.spawn(runtime::stackful(async move {
        yield_now().await;
        rt.current_task().map(|t| t.id())
    }));
    let id = h.id();
    rt.run_until_idle();
    assert_eq!(rt.block_on(h), Some(id), "runs inside its outer task");
}
