#![cfg(not(loom))]
//! Scheduling classes on a manual clock: class order, FIFO/RR turns, fair
//! shares by weight, SCHED_IDLE's tiny share, preemption on push, class changes of
//! queued tasks, and real-time throttling.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

use common::{Trace, as_cpu, manual};
use runtime::{Runtime, SchedClass, nice_to_weight, yield_now};

fn rt(priority: u8) -> SchedClass {
    SchedClass::RealTime { priority, round_robin: false }
}

fn rr(priority: u8) -> SchedClass {
    SchedClass::RealTime { priority, round_robin: true }
}

fn spawn_traced(rt: &'static Runtime, trace: &Trace, name: &'static str, class: SchedClass) {
    let t = trace.clone();
    rt.builder().sched_class(class).spawn(async move { t.push(name) });
}

#[test]
fn real_time_runs_before_fair_in_priority_order() {
    let (_p, rt) = manual(1);
    let trace = Trace::default();
    spawn_traced(rt, &trace, "fair", SchedClass::NORMAL);
    spawn_traced(rt, &trace, "idle", SchedClass::Idle);
    spawn_traced(rt, &trace, "rt10", self::rt(10));
    spawn_traced(rt, &trace, "rt50", self::rt(50));
    spawn_traced(rt, &trace, "rr50", rr(50));
    rt.run_until_idle();
    assert_eq!(trace.take(), ["rt50", "rr50", "rt10", "fair", "idle"]);
}

#[test]
fn fifo_keeps_the_cpu_and_rr_takes_turns_among_equals() {
    let (p, rt) = manual(1);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    rt.builder().sched_class(self::rt(50)).spawn(async move {
        rt.spawn(async {}); // a fair task waits
        rt.builder().sched_class(self::rt(50)).spawn(async {}); // and an equal FIFO one
        p.advance(200_000_000);
        s.lock().unwrap().push(rt.tick()); // FIFO: no turn ends
    });
    rt.run_until_idle();
    let s = seen.clone();
    rt.builder().sched_class(rr(50)).spawn(async move {
        rt.spawn(async {});
        p.advance(200_000_000);
        s.lock().unwrap().push(rt.tick()); // RR, only a fair task waits: keeps going
        rt.builder().sched_class(rr(50)).spawn(async {});
        p.advance(50_000_000);
        s.lock().unwrap().push(rt.should_yield()); // past its interval with an equal RR queued
    });
    rt.run_until_idle();
    let s = seen.clone();
    rt.builder().sched_class(rr(50)).spawn(async move {
        rt.builder().sched_class(rr(50)).spawn(async {});
        p.advance(50_000_000);
        s.lock().unwrap().push(rt.should_yield()); // within its interval
    });
    rt.run_until_idle();
    assert_eq!(*seen.lock().unwrap(), [false, false, true, false]);
}

#[test]
fn a_more_urgent_push_preempts_at_once_and_a_less_urgent_does_not() {
    let (_p, rt) = manual(1);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    rt.spawn(async move {
        rt.builder().sched_class(SchedClass::Idle).spawn(async {});
        s.lock().unwrap().push(rt.preempt_requested()); // idle below fair
        rt.spawn(async {});
        s.lock().unwrap().push(rt.preempt_requested()); // fair beside fair waits for the slice
        rt.builder().sched_class(self::rt(1)).spawn(async {});
        s.lock().unwrap().push(rt.preempt_requested()); // real-time over fair: now
        s.lock().unwrap().push(rt.should_yield());
    });
    rt.run_until_idle();
    let s = seen.clone();
    rt.builder().sched_class(self::rt(30)).spawn(async move {
        rt.builder().sched_class(self::rt(20)).spawn(async {});
        s.lock().unwrap().push(rt.preempt_requested());
        rt.builder().sched_class(self::rt(40)).spawn(async {});
        s.lock().unwrap().push(rt.preempt_requested());
    });
    rt.run_until_idle();
    assert_eq!(*seen.lock().unwrap(), [false, false, true, true, false, true]);
}

#[test]
fn a_push_to_a_busy_cpu_that_it_outranks_interrupts_that_cpu() {
    let (p, rt) = manual(2);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    // CPU 1 polls a fair task; CPU 0 queues a real-time task for CPU 1.
    rt.builder().cpu(1).affinity(0b10).spawn(async move {
        let wakes_before = p.wakes().len();
        as_cpu(0, || {
            rt.builder().sched_class(self::rt(5)).affinity(0b10).spawn(async {});
        });
        s.lock().unwrap().push(p.wakes()[wakes_before..].contains(&1));
        s.lock().unwrap().push(rt.preempt_requested());
    });
    as_cpu(1, || rt.run_until_idle());
    assert_eq!(*seen.lock().unwrap(), [true, true]);
}

/// Two CPU-bound tasks on one CPU, each running in 1 ms steps and giving
/// way whenever the runtime says so: their shares follow their weights.
fn shares(weight_a: u32, weight_b: u32) -> (u64, u64) {
    shares_of(SchedClass::Fair { weight: weight_a }, SchedClass::Fair { weight: weight_b })
}

/// A CPU-bound task: runs in 1 ms steps, counted in `mine` and `total`,
/// until 2,000 ms have run in all, giving way whenever the runtime says so.
async fn busy(rt: &'static Runtime, p: &'static common::ManualPlatform, total: Arc<AtomicU64>, mine: Arc<AtomicU64>) {
    while total.load(SeqCst) < 2_000 {
        p.advance(1_000_000);
        total.fetch_add(1, SeqCst);
        mine.fetch_add(1, SeqCst);
        if rt.should_yield() {
            yield_now().await;
        }
    }
}

fn shares_of(a: SchedClass, b: SchedClass) -> (u64, u64) {
    let (p, rt) = manual(1);
    let total = Arc::new(AtomicU64::new(0));
    let mut ran = Vec::new();
    for class in [a, b] {
        let mine = Arc::new(AtomicU64::new(0));
        ran.push(mine.clone());
        rt.builder().sched_class(class).spawn(busy(rt, p, total.clone(), mine));
    }
    rt.run_until_idle();
    (ran[0].load(SeqCst), ran[1].load(SeqCst))
}

#[test]
fn fair_shares_follow_the_nice_weights() {
    let (a, b) = shares(nice_to_weight(0), nice_to_weight(10));
    let ratio = a as f64 / b as f64;
    let want = 1024.0 / 110.0;
    assert!((ratio - want).abs() / want < 0.15, "nice 0 : nice 10 ran {a} : {b} ms, ratio {ratio:.2}, want {want:.2}");
    let (a, b) = shares(nice_to_weight(0), nice_to_weight(0));
    assert!(a.abs_diff(b) <= 8, "equal weights ran {a} : {b} ms");
}

#[test]
fn an_idle_class_task_gets_a_tiny_share_and_is_never_starved() {
    let (busy, idle) = shares_of(SchedClass::NORMAL, SchedClass::Idle);
    assert!(idle > 0, "the SCHED_IDLE task never ran ({busy} : {idle} ms)");
    assert!(idle * 100 < busy + idle, "the SCHED_IDLE task ran {idle} of {} ms", busy + idle);
}

#[test]
fn a_class_change_resorts_a_queued_task() {
    let (_p, rt) = manual(1);
    let trace = Trace::default();
    spawn_traced(rt, &trace, "a", SchedClass::NORMAL);
    let t = trace.clone();
    let b = rt.spawn(async move { t.push("b") });
    b.task().set_sched_class(self::rt(1));
    assert_eq!(b.task().sched_class(), self::rt(1));
    rt.run_until_idle();
    assert_eq!(trace.take(), ["b", "a"]);
}

#[test]
fn real_time_tasks_leave_fair_ones_five_percent_of_each_second() {
    let (p, rt) = manual(1);
    let fair_first_ran = Arc::new(AtomicU64::new(0));
    let f = fair_first_ran.clone();
    rt.builder().sched_class(self::rt(50)).spawn(async move {
        rt.spawn(async move { f.store(rt.now_ns(), SeqCst) });
        while rt.now_ns() < 1_200_000_000 {
            p.advance(1_000_000);
            if rt.should_yield() {
                yield_now().await;
            }
        }
    });
    rt.run_until_idle();
    let t = fair_first_ran.load(SeqCst);
    assert!((950_000_000..1_000_000_000).contains(&t), "the fair task first ran at {t} ns");
}

/// A fork chain: each link runs 1 ms, spawns its successor and ends.
fn spawn_chain_link(rt: &'static Runtime, p: &'static common::ManualPlatform, total: Arc<AtomicU64>, mine: Arc<AtomicU64>) {
    rt.spawn(async move {
        if total.load(SeqCst) >= 2_000 {
            return;
        }
        p.advance(1_000_000);
        total.fetch_add(1, SeqCst);
        mine.fetch_add(1, SeqCst);
        spawn_chain_link(rt, p, total, mine);
    });
}

/// Each link of a fork chain starts where its creator stood, plus the start
/// debit, so the chain cannot starve a busy task by starting every link at
/// the floor (as it did: 4 ms of 2,000 for the busy task). Like Linux, the
/// debit leaves the chain somewhat less than half.
#[test]
fn a_fork_chain_cannot_starve_a_busy_task() {
    let (p, rt) = manual(1);
    let total = Arc::new(AtomicU64::new(0));
    let (busy, chain) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    rt.spawn(self::busy(rt, p, total.clone(), busy.clone()));
    spawn_chain_link(rt, p, total, chain.clone());
    rt.run_until_idle();
    let (busy, chain) = (busy.load(SeqCst), chain.load(SeqCst));
    assert!(busy >= 900 && chain >= 300, "a busy task and a fork chain ran {busy} : {chain} ms");
}
