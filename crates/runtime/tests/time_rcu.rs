#![cfg(not(loom))]
//! Ticks, timers, timeouts, RCU grace periods, block_on and stackful on a
//! manual clock.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use common::{Gate, Trace, as_cpu, manual};
use runtime::{poll_fn, yield_now};

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
