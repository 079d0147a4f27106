#![cfg(not(loom))]
//! Task lifecycle on a manual one-CPU runtime, checked against a trace of
//! events (embassy-executor style): polls, wakes, requeues, disposal, joins.

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};
use std::task::Poll;

use common::{Gate, Trace, manual};
use runtime::{TaskState, poll_fn, yield_now};

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
