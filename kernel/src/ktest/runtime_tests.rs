//! In-kernel tests of the runtime on real CPUs: cross-CPU wake ping-pong,
//! many sleepers against their deadlines, a stackful busy loop that must
//! not starve its CPU, and the IPI that wakes a halted CPU. Also prints
//! (never asserts) the cost of a wake+poll round trip.

use alloc::format;
use alloc::string::ToString;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use runtime::sync::{Event, WaitQueue};

use super::{Tally, TestResult, check, println};

/// Two tasks hand a counter back and forth through a wait queue.
struct Court {
    turn: AtomicU64,
    queue: WaitQueue,
}

/// Runs `rounds` ping-pong exchanges between a task on `cpu_a` and one on
/// `cpu_b`; returns the nanoseconds per round trip.
async fn pingpong(rounds: u64, cpu_a: usize, cpu_b: usize) -> u64 {
    let court = Arc::new(Court { turn: AtomicU64::new(0), queue: WaitQueue::new() });
    let player = |parity: u64, court: Arc<Court>| async move {
        for round in 0..rounds {
            let mine = round * 2 + parity;
            court.queue.wait_until(|| (court.turn.load(Ordering::Acquire) == mine).then_some(())).await;
            court.turn.store(mine + 1, Ordering::Release);
            court.queue.wake_all();
        }
    };
    let start = runtime::now_ns();
    let a = runtime::Builder::new().name("ping").affinity(1 << cpu_a).spawn(player(0, court.clone()));
    let b = runtime::Builder::new().name("pong").affinity(1 << cpu_b).spawn(player(1, court.clone()));
    a.await;
    b.await;
    (runtime::now_ns() - start) / rounds.max(1)
}

fn cpus() -> usize {
    arch::percpu::online_count()
}

async fn cross_cpu_pingpong() -> TestResult {
    let other = if cpus() > 1 { 1 } else { 0 };
    let rounds = 100_000;
    let ns = pingpong(rounds, 0, other).await;
    println(format_args!("ktest-bench: wake+poll round trip cpu0<->cpu{other}: {ns} ns ({rounds} rounds)"));
    Ok(())
}

async fn same_cpu_pingpong_cost() -> TestResult {
    let ns = pingpong(20_000, 0, 0).await;
    println(format_args!("ktest-bench: wake+poll round trip on one CPU: {ns} ns"));
    Ok(())
}

/// 10,000 tasks sleep; none wakes early and none later than its deadline
/// plus one tick (a halted CPU notices timers at its next tick).
///
/// Under emulation, polling 10k tasks once takes about a second, so the
/// deadlines start 3 s after the spawns (every timer is registered before
/// the first fires) and are spread over 5 s (wakes never pile up in a run
/// queue): what is measured is the timers' lateness, not a busy CPU's.
async fn ten_thousand_sleepers() -> TestResult {
    const TASKS: u64 = 10_000;
    let early = Arc::new(AtomicUsize::new(0));
    let lateness = Arc::new(ksync::SpinLock::new(Vec::with_capacity(TASKS as usize)));
    let registered = Arc::new(AtomicU64::new(0));
    let base = runtime::now_ns() + 3_000_000_000;
    let mut handles = Vec::with_capacity(TASKS as usize);
    for i in 0..TASKS {
        let (early, lateness, registered) = (early.clone(), lateness.clone(), registered.clone());
        handles.push(runtime::spawn(async move {
            let deadline = base + (i % 2500) * 2_000_000;
            registered.fetch_max(runtime::now_ns(), Ordering::Relaxed);
            runtime::sleep_until(deadline).await;
            let now = runtime::now_ns();
            if now < deadline {
                early.fetch_add(1, Ordering::Relaxed);
            }
            lateness.lock().push(now.saturating_sub(deadline));
        }));
    }
    for h in handles {
        h.await;
    }
    let mut late = core::mem::take(&mut *lateness.lock());
    late.sort_unstable();
    let (p99, max) = (late[late.len() * 99 / 100], late[late.len() - 1]);
    let last_registration = registered.load(Ordering::Relaxed);
    println(format_args!("ktest-bench: 10k sleepers: 99% woke within {} us of their deadline, the latest {} us", p99 / 1000, max / 1000));
    check(last_registration < base, || format!("registering the timers took until {} ms past the first deadline", (last_registration - base) / 1_000_000))?;
    check(early.load(Ordering::Relaxed) == 0, || format!("{} tasks woke before their deadline", early.load(Ordering::Relaxed)))?;
    // One tick, plus a little for the executor to reach the task. The bound
    // applies to 99% of the wakes: the emulated CPUs are host threads, and
    // when the host deschedules one, its wakes are late through no fault of
    // the timers (the latest is printed above).
    let bound = SLICE_NS + 2_000_000;
    check(p99 <= bound, || format!("1% of the sleepers woke more than {} us late (bound {} us)", p99 / 1000, bound / 1000))
}

/// A stackful task spinning forever on CPU 0 is preempted by the timer, so
/// a ping-pong pinned to the same CPU still completes.
async fn stackful_loop_does_not_starve() -> TestResult {
    let stop = Arc::new(AtomicBool::new(false));
    let spins = Arc::new(AtomicU64::new(0));
    let (s, n) = (stop.clone(), spins.clone());
    let spinner = runtime::Builder::new().name("spinner").affinity(1).spawn(runtime::stackful(async move {
        while !s.load(Ordering::Relaxed) {
            n.fetch_add(1, Ordering::Relaxed);
            core::hint::spin_loop();
        }
    }));
    let ns = pingpong(100, 0, 0).await;
    stop.store(true, Ordering::Relaxed);
    spinner.await;
    println(format_args!("ktest-bench: ping-pong beside a spinning stackful task: {} us per round", ns / 1000));
    check(spins.load(Ordering::Relaxed) > 0, || "the stackful task never ran".to_string())
}

/// A task waiting on CPU 1 is woken from CPU 0 after CPU 1 halted: the
/// wake must arrive by IPI, well before the next tick would wake it.
async fn ipi_wakes_an_idle_cpu() -> TestResult {
    let event = Arc::new(Event::new());
    let woken_at = Arc::new(AtomicU64::new(0));
    let (e, w) = (event.clone(), woken_at.clone());
    let waiter = runtime::Builder::new().name("sleeper").affinity(1 << 1).spawn(async move {
        e.wait().await;
        w.store(runtime::now_ns(), Ordering::Release);
    });
    // Let CPU 1 go idle (past its haltpoll window), then wake it.
    runtime::sleep(20_000_000).await;
    let halted = runtime::cpu_info(1).halted;
    let sent = runtime::now_ns();
    event.set();
    waiter.await;
    let latency = woken_at.load(Ordering::Acquire) - sent;
    println(format_args!("ktest-bench: IPI wake of a halted CPU: {} us (halted: {halted})", latency / 1000));
    check(latency < SLICE_NS, || format!("the wake took {} us: longer than a slice", latency / 1000))
}

/// The runtime's time slice (its default `Config`).
const SLICE_NS: u64 = 4_000_000;

fn ticks(cpu: usize) -> u64 {
    arch::percpu::of(cpu).ticks.load(Ordering::Relaxed)
}

fn all_ticks() -> u64 {
    arch::percpu::online_cpus().map(ticks).sum()
}

/// A sleep on each CPU ends with a timer interrupt on that CPU, armed
/// one-shot for its deadline: on time, not early.
async fn each_cpu_wakes_at_its_timer() -> TestResult {
    for cpu in 0..cpus() {
        let task = runtime::Builder::new().name("timer-probe").affinity(1 << cpu).spawn(async move {
            let before = ticks(cpu);
            let deadline = runtime::now_ns() + 10_000_000;
            runtime::sleep_until(deadline).await;
            (ticks(cpu) - before, runtime::now_ns() - deadline)
        });
        let (interrupts, late) = task.await;
        check(interrupts >= 1, || format!("cpu{cpu} woke from its sleep without a timer interrupt"))?;
        check(late < SLICE_NS, || format!("cpu{cpu} woke {} us after the deadline", late / 1000))?;
    }
    Ok(())
}

/// Tickless idle: while every CPU is idle (this task sleeps), they take
/// almost no timer interrupts (a periodic 4 ms tick would give 125 per CPU
/// in the half second). The few allowed are this sleep's own and kernel
/// timers that happen to fall in the window.
async fn idle_cpus_take_no_ticks() -> TestResult {
    runtime::sleep(20_000_000).await; // let earlier tests' CPUs settle
    let before = all_ticks();
    runtime::sleep(500_000_000).await;
    let taken = all_ticks() - before;
    check(taken <= 4, || format!("{taken} timer interrupts in 0.5 s on {} idle CPUs", cpus()))
}

/// One task alone on a CPU runs without a tick (until the housekeeping
/// tick, 1 s); two share it by the slice tick.
async fn busy_cpu_ticks_only_when_shared() -> TestResult {
    let spin = |ms: u64, cooperate: bool| async move {
        let end = runtime::now_ns() + ms * 1_000_000;
        while runtime::now_ns() < end {
            if cooperate && runtime::should_yield() {
                runtime::yield_now().await;
            }
            core::hint::spin_loop();
        }
    };
    let cpu = cpus() - 1;
    let before = ticks(cpu);
    runtime::Builder::new().name("alone").affinity(1 << cpu).spawn(spin(300, false)).await;
    let alone = ticks(cpu) - before;
    check(alone <= 2, || format!("a lone task took {alone} timer interrupts in 300 ms"))?;

    let before = ticks(cpu);
    let a = runtime::Builder::new().name("share-a").affinity(1 << cpu).spawn(spin(100, true));
    let b = runtime::Builder::new().name("share-b").affinity(1 << cpu).spawn(spin(100, true));
    a.await;
    b.await;
    let shared = ticks(cpu) - before;
    // Two 100 ms tasks on 4 ms slices: about 50 slice ends (fewer when the
    // host deschedules the vCPU: its clock runs on meanwhile). A CPU with
    // no slice tick would take none.
    check(shared >= 5, || format!("two tasks sharing a CPU for 200 ms took only {shared} timer interrupts"))
}

pub async fn run(tally: &mut Tally) {
    tally.record("runtime_cross_cpu_pingpong_100k", cross_cpu_pingpong().await);
    tally.record("runtime_same_cpu_pingpong", same_cpu_pingpong_cost().await);
    tally.record("runtime_10k_sleepers_wake_on_time", ten_thousand_sleepers().await);
    tally.record("runtime_stackful_loop_does_not_starve", stackful_loop_does_not_starve().await);
    tally.record("runtime_each_cpu_wakes_at_its_timer", each_cpu_wakes_at_its_timer().await);
    tally.record("runtime_idle_cpus_take_no_ticks", idle_cpus_take_no_ticks().await);
    tally.record("runtime_busy_cpu_ticks_only_when_shared", busy_cpu_ticks_only_when_shared().await);
    if cpus() > 1 {
        tally.record("runtime_ipi_wakes_idle_cpu", ipi_wakes_an_idle_cpu().await);
    }
}
