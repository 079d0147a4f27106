#![cfg(not(loom))]
//! Wait queues and the primitives built on them, driven by hand (wakers
//! that count) or on a one-CPU manual runtime.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use common::manual;
use runtime::{Event, Semaphore, WaitQueue, yield_now};

/// A waker that counts its wakes.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counter() -> (Arc<Count>, Waker) {
    let c = Arc::new(Count::default());
    (c.clone(), Waker::from(c))
}

fn poll<F: Future + Unpin>(f: &mut F, w: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(w))
}

#[test]
fn wake_one_wakes_waiters_in_fifo_order() {
    let q = WaitQueue::new();
    let (c1, w1) = counter();
    let (c2, w2) = counter();
    let mut f1 = q.wait_until(|| None::<()>);
    let mut f2 = q.wait_until(|| None::<()>);
    assert!(poll(&mut f1, &w1).is_pending());
    assert!(poll(&mut f2, &w2).is_pending());
    assert_eq!(q.len(), 2);
    assert!(q.wake_one());
    assert_eq!((c1.0.load(SeqCst), c2.0.load(SeqCst)), (1, 0));
    assert!(q.wake_one());
    assert_eq!((c1.0.load(SeqCst), c2.0.load(SeqCst)), (1, 1));
    assert!(!q.wake_one(), "both already notified");
}

#[test]
fn wake_all_and_wake_n_count_the_waiters_they_wake() {
    let q = WaitQueue::new();
    let counters: Vec<_> = (0..40).map(|_| counter()).collect();
    let mut futs: Vec<_> = (0..40).map(|_| q.wait_until(|| None::<()>)).collect();
    for (f, (_, w)) in futs.iter_mut().zip(&counters) {
        assert!(poll(f, w).is_pending());
    }
    assert_eq!(q.wake_n(3), 3);
    assert_eq!(counters.iter().filter(|(c, _)| c.0.load(SeqCst) == 1).count(), 3);
    assert_eq!(q.wake_all(), 37);
    assert!(counters.iter().all(|(c, _)| c.0.load(SeqCst) == 1));
    assert_eq!(q.wake_all(), 0);
    drop(futs);
    assert!(q.is_empty());
}

#[test]
fn waiter_does_not_sleep_when_the_condition_turns_true_while_registering() {
    let q = WaitQueue::new();
    let (c, w) = counter();
    let mut checks = 0;
    // False at the first check, true at the re-check after registering.
    let mut f = q.wait_until(|| {
        checks += 1;
        (checks == 2).then_some("got it")
    });
    assert_eq!(poll(&mut f, &w), Poll::Ready("got it"));
    assert_eq!(c.0.load(SeqCst), 0);
    drop(f);
    assert!(q.is_empty(), "the ready waiter left the queue");
}

#[test]
fn a_cancelled_waiter_passes_its_wake_on() {
    let q = WaitQueue::new();
    let (c1, w1) = counter();
    let (c2, w2) = counter();
    let mut f1 = q.wait_until(|| None::<()>);
    let mut f2 = q.wait_until(|| None::<()>);
    assert!(poll(&mut f1, &w1).is_pending());
    assert!(poll(&mut f2, &w2).is_pending());
    assert!(q.wake_one());
    assert_eq!(c1.0.load(SeqCst), 1);
    drop(f1); // woken, never consumed: the wake goes to f2
    assert_eq!(c2.0.load(SeqCst), 1);
    assert_eq!(q.len(), 1);
    drop(f2);
    assert!(q.is_empty());
}

#[test]
fn a_cancelled_waiter_that_was_not_woken_passes_nothing_on() {
    let q = WaitQueue::new();
    let (_c1, w1) = counter();
    let (c2, w2) = counter();
    let mut f1 = q.wait_until(|| None::<()>);
    let mut f2 = q.wait_until(|| None::<()>);
    assert!(poll(&mut f1, &w1).is_pending());
    assert!(poll(&mut f2, &w2).is_pending());
    drop(f1);
    assert_eq!(c2.0.load(SeqCst), 0);
    assert_eq!(q.len(), 1);
    assert!(q.wake_one());
    assert_eq!(c2.0.load(SeqCst), 1);
}

#[test]
fn a_woken_waiter_that_finds_the_condition_false_keeps_its_place() {
    let q = WaitQueue::new();
    let (c1, w1) = counter();
    let (c2, w2) = counter();
    let mut f1 = q.wait_until(|| None::<()>);
    let mut f2 = q.wait_until(|| None::<()>);
    assert!(poll(&mut f1, &w1).is_pending());
    assert!(poll(&mut f2, &w2).is_pending());
    assert!(q.wake_one());
    assert!(poll(&mut f1, &w1).is_pending(), "spurious: waits again");
    assert!(q.wake_one());
    assert_eq!((c1.0.load(SeqCst), c2.0.load(SeqCst)), (2, 0), "f1 is still first");
}

#[test]
fn dropping_waiters_leaves_no_entries() {
    let q = WaitQueue::new();
    for i in 0..100 {
        let (_c, w) = counter();
        let mut f = q.wait_until(|| None::<()>);
        assert!(poll(&mut f, &w).is_pending());
        if i % 2 == 0 {
            q.wake_one();
        }
    }
    assert!(q.is_empty());
}

#[test]
fn mutex_excludes_across_awaits_and_serves_everybody() {
    let (_p, rt) = manual(1);
    let m: &'static runtime::Mutex<u32> = Box::leak(Box::new(runtime::Mutex::new(0)));
    let inside = Arc::new(AtomicBool::new(false));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let inside = inside.clone();
            rt.spawn(async move {
                for _ in 0..5 {
                    let mut g = m.lock().await;
                    assert!(!inside.swap(true, SeqCst), "two holders");
                    yield_now().await; // others run and queue up on the lock
                    *g += 1;
                    inside.store(false, SeqCst);
                }
            })
        })
        .collect();
    rt.run_until_idle();
    assert!(handles.iter().all(|h| h.is_finished()));
    assert_eq!(*m.try_lock().unwrap(), 50);
    assert!(!m.is_locked());
}

#[test]
fn semaphore_bounds_concurrency() {
    let (_p, rt) = manual(1);
    let s: &'static Semaphore = Box::leak(Box::new(Semaphore::new(2)));
    let (now, max) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let (now, max) = (now.clone(), max.clone());
            rt.spawn(async move {
                let _permit = s.acquire().await;
                let n = now.fetch_add(1, SeqCst) + 1;
                max.fetch_max(n, SeqCst);
                yield_now().await;
                yield_now().await;
                now.fetch_sub(1, SeqCst);
            })
        })
        .collect();
    rt.run_until_idle();
    assert!(handles.iter().all(|h| h.is_finished()));
    assert_eq!(max.load(SeqCst), 2);
    assert_eq!(s.available(), 2);
    s.try_acquire().unwrap().forget();
    assert_eq!(s.available(), 1);
}

#[test]
fn event_releases_every_waiter_once_set() {
    let (_p, rt) = manual(1);
    let e: &'static Event = Box::leak(Box::new(Event::new()));
    let done = Arc::new(Mutex::new(0));
    for _ in 0..5 {
        let d = done.clone();
        rt.spawn(async move {
            e.wait().await;
            *d.lock().unwrap() += 1;
        });
    }
    rt.run_until_idle();
    assert_eq!(*done.lock().unwrap(), 0);
    assert_eq!(e.set(), 5);
    rt.run_until_idle();
    assert_eq!(*done.lock().unwrap(), 5);
    assert!(e.is_set());
    assert_eq!(rt.block_on(async { e.wait().await; 1 }), 1, "set: no wait");
}

/// A detached task (a user thread's) runs to its end like a joined one,
/// and its future, with what it holds, is dropped when it is disposed of.
#[test]
fn a_detached_task_runs_and_its_future_is_dropped() {
    let (_p, rt) = manual(1);
    let held = Arc::new(());
    let ran = Arc::new(AtomicUsize::new(0));
    let (h, r) = (held.clone(), ran.clone());
    let task = runtime::Builder::on(rt).spawn_detached(async move {
        let _h = h;
        yield_now().await;
        r.fetch_add(1, SeqCst);
    });
    assert_eq!(Arc::strong_count(&held), 2);
    rt.run_until_idle();
    assert_eq!(ran.load(SeqCst), 1);
    assert_eq!(Arc::strong_count(&held), 1, "the finished task's future was dropped");
    drop(task);
}

/// /proc lists kernel tasks and counts runnable ones without walking the
/// user threads' tasks: `kernel_tasks` holds only tasks that run no user
/// thread, and `runnable_count` is what the CPUs hold.
#[test]
fn kernel_tasks_and_runnable_count_leave_user_threads_out() {
    let (_p, rt) = manual(1);
    let gate: &'static Event = Box::leak(Box::new(Event::new()));
    let kernel = runtime::Builder::on(rt).name("kworker").spawn(async move { gate.wait().await });
    let user = runtime::Builder::on(rt).user_thread().spawn_detached(async move { gate.wait().await });
    assert_eq!(rt.runnable_count(), 2, "both queued");
    let listed: Vec<_> = rt.kernel_tasks().into_iter().map(|t| t.id).collect();
    assert_eq!(listed, vec![kernel.id()]);
    rt.run_until_idle();
    assert_eq!(rt.runnable_count(), 0, "both wait");
    assert_eq!(rt.kernel_tasks().len(), 1);
    gate.set();
    rt.run_until_idle();
    assert!(kernel.is_finished());
    assert!(rt.kernel_tasks().is_empty());
    drop(user);
}
