//! The task state word under concurrent wake / poll / complete.

use core::task::Poll;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize as StdAtomicUsize;
use std::task::Waker;

use loom::sync::Mutex;
use loom::sync::atomic::{AtomicBool, Ordering::{Acquire, Release, SeqCst}};
use loom::thread;

use super::{loom_rt, model, set_cpu};
use crate::{poll_fn, yield_now};

/// A waker racing the poll that registered it: the task must still run
/// again and see the flag (no lost wake), and is queued at most once (the
/// run queue asserts it).
#[test]
fn loom_wake_racing_poll_is_never_lost() {
    model(|| {
        let (_p, rt) = loom_rt(1);
        set_cpu(0);
        let flag = Arc::new(AtomicBool::new(false));
        let slot: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
        let (f, s) = (flag.clone(), slot.clone());
        let h = rt.spawn(poll_fn(move |cx| {
            *s.lock().unwrap() = Some(cx.waker().clone());
            if f.load(Acquire) { Poll::Ready(()) } else { Poll::Pending }
        }));
        let waker = thread::spawn(move || {
            flag.store(true, Release);
            let w = slot.lock().unwrap().take();
            if let Some(w) = w {
                w.wake();
            }
        });
        rt.run_until_idle();
        waker.join().unwrap();
        rt.run_until_idle();
        assert!(h.is_finished(), "a wake was lost: the flag is set but the task sleeps");
    });
}

/// Two wakers racing each other and the executor: one enqueue per
/// WAITING→NOTIFIED step, at most one poll per wake.
#[test]
fn loom_concurrent_wakes_queue_once_and_poll_at_most_once_each() {
    model(|| {
        let (_p, rt) = loom_rt(1);
        set_cpu(0);
        let polls = Arc::new(StdAtomicUsize::new(0));
        let slot: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
        let (p, s) = (polls.clone(), slot.clone());
        let h = rt.spawn(poll_fn(move |cx| {
            p.fetch_add(1, SeqCst);
            *s.lock().unwrap() = Some(cx.waker().clone());
            Poll::<()>::Pending
        }));
        rt.run_until_idle(); // first poll: the waker is in the slot
        let w = slot.lock().unwrap().clone().unwrap();
        let (w1, w2) = (w.clone(), w);
        let a = thread::spawn(move || w1.wake());
        let b = thread::spawn(move || w2.wake_by_ref());
        rt.run_until_idle();
        a.join().unwrap();
        b.join().unwrap();
        rt.run_until_idle();
        let n = polls.load(SeqCst);
        assert!((2..=3).contains(&n), "{n} polls for 2 wakes after the first poll");
        assert_eq!(rt.cpus[0].queue_len.load(SeqCst), 0);
        assert_eq!(h.task().state(), crate::TaskState::Waiting);
    });
}

/// A wake racing the poll that completes the task: never polled again,
/// never queued again.
#[test]
fn loom_wake_racing_completion_never_polls_a_complete_task() {
    model(|| {
        let (_p, rt) = loom_rt(1);
        set_cpu(0);
        let polls = Arc::new(StdAtomicUsize::new(0));
        let slot: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
        let (p, s) = (polls.clone(), slot.clone());
        let h = rt.spawn(poll_fn(move |cx| {
            p.fetch_add(1, SeqCst);
            *s.lock().unwrap() = Some(cx.waker().clone());
            Poll::Ready(())
        }));
        let waker = thread::spawn(move || {
            let w = slot.lock().unwrap().take();
            if let Some(w) = w {
                w.wake();
            }
        });
        rt.run_until_idle();
        waker.join().unwrap();
        rt.run_until_idle();
        assert_eq!(polls.load(SeqCst), 1);
        assert!(h.is_finished());
        assert_eq!(rt.cpus[0].queue_len.load(SeqCst), 0);
    });
}

/// Two executors share work: a thief and the owner race to pop, and tasks
/// that yield are requeued while the other CPU runs. Every task finishes,
/// none is polled by two CPUs at once (the state word asserts it).
#[test]
fn loom_two_executors_stealing_and_requeueing() {
    model(|| {
        let (_p, rt) = loom_rt(2);
        set_cpu(0);
        let a = rt.spawn(async { yield_now().await });
        let b = rt.spawn(async {});
        let thief = thread::spawn(move || {
            set_cpu(1);
            rt.run_until_idle();
        });
        rt.run_until_idle();
        thief.join().unwrap();
        rt.run_until_idle();
        assert!(a.is_finished() && b.is_finished());
    });
}
