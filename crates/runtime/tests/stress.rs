#![cfg(not(loom))]
//! The global runtime on 4 std threads as CPUs: many tasks, every message
//! and every wake accounted for. No timing assertions (the machine is
//! shared); only "nothing lost, nothing early".

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use common::{ThreadPlatform, start_executors};
use runtime::{Builder, Config, WaitQueue, yield_now};

const CPUS: usize = 4;

fn start() {
    static START: Once = Once::new();
    START.call_once(|| {
        let platform: &'static ThreadPlatform = Box::leak(Box::new(ThreadPlatform::new(CPUS)));
        let config = Config { slice_ns: 4_000_000, haltpoll_start_ns: 20_000, haltpoll_max_ns: 100_000, ..Config::default() };
        runtime::init_with(platform, CPUS, config);
        start_executors(platform, runtime::global());
    });
}

/// A one-directional queue of numbers.
#[derive(Default)]
struct Mailbox {
    items: Mutex<VecDeque<u64>>,
    waiters: WaitQueue,
}

impl Mailbox {
    fn send(&self, v: u64, sync: bool) {
        self.items.lock().unwrap().push_back(v);
        if sync {
            runtime::wake_sync(|| self.waiters.wake_one());
        } else {
            self.waiters.wake_one();
        }
    }

    async fn recv(&self) -> u64 {
        self.waiters.wait_until(|| self.items.lock().unwrap().pop_front()).await
    }
}

#[derive(Default)]
struct Tally {
    received: AtomicU64,
    out_of_order: AtomicU64,
}

async fn ping(out: Arc<Mailbox>, inp: Arc<Mailbox>, rounds: u64, sync: bool, tally: Arc<Tally>) -> u64 {
    for r in 0..rounds {
        out.send(2 * r, sync);
        let v = inp.recv().await;
        tally.received.fetch_add(1, SeqCst);
        if v != 2 * r + 1 {
            tally.out_of_order.fetch_add(1, SeqCst);
        }
    }
    rounds
}

async fn pong(inp: Arc<Mailbox>, out: Arc<Mailbox>, rounds: u64, sync: bool, tally: Arc<Tally>) -> u64 {
    for r in 0..rounds {
        let v = inp.recv().await;
        tally.received.fetch_add(1, SeqCst);
        if v != 2 * r {
            tally.out_of_order.fetch_add(1, SeqCst);
        }
        out.send(2 * r + 1, sync);
    }
    rounds
}

#[test]
fn ping_pong_100k_tasks_every_message_accounted_for() {
    start();
    const PAIRS: u64 = 50_000;
    const ROUNDS: u64 = 4;
    let tally = Arc::new(Tally::default());
    let (tx, rx) = channel();
    let t = tally.clone();
    runtime::spawn_on(0, async move {
        let mut handles = Vec::with_capacity(2 * PAIRS as usize);
        for i in 0..PAIRS {
            let (ab, ba) = (Arc::new(Mailbox::default()), Arc::new(Mailbox::default()));
            let sync = i % 2 == 0; // half the pairs use WF_SYNC placement
            let cpu = (i as usize) % CPUS;
            let p = Builder::new().name("ping").cpu(cpu).spawn(ping(ab.clone(), ba.clone(), ROUNDS, sync, t.clone()));
            let q = Builder::new().name("pong").cpu((cpu + 1) % CPUS).spawn(pong(ab, ba, ROUNDS, sync, t.clone()));
            handles.push(p);
            handles.push(q);
            if i % 512 == 0 {
                yield_now().await;
            }
        }
        let mut exchanged = 0;
        for h in handles {
            exchanged += h.await;
        }
        tx.send(exchanged).unwrap();
    });
    let exchanged = rx.recv_timeout(Duration::from_secs(600)).expect("ping-pong did not finish");
    assert_eq!(exchanged, 2 * PAIRS * ROUNDS);
    assert_eq!(tally.received.load(SeqCst), 2 * PAIRS * ROUNDS);
    assert_eq!(tally.out_of_order.load(SeqCst), 0);
    let left = runtime::tasks().filter(|t| t.name == "ping" || t.name == "pong").count();
    assert_eq!(left, 0, "finished tasks are disposed of");
    let steals: u64 = (0..CPUS).map(|c| runtime::cpu_info(c).steals).sum();
    eprintln!("ping-pong: {exchanged} messages, {steals} steals");
}

#[test]
fn ten_thousand_sleepers_wake_at_or_after_their_deadlines() {
    start();
    const N: u64 = 10_000;
    let (tx, rx) = channel();
    runtime::spawn_on(1, async move {
        let mut handles = Vec::with_capacity(N as usize);
        for i in 0..N {
            let delay = (i * 7919) % 20_000_000; // spread over 20 ms
            let h = Builder::new().name("sleeper").cpu((i as usize) % CPUS).spawn(async move {
                let deadline = runtime::now_ns() + delay;
                if i % 10 == 0 {
                    // Every tenth sleeps through a timeout instead.
                    let r = runtime::timeout(deadline, std::future::pending::<()>()).await;
                    assert_eq!(r, Err(runtime::Elapsed));
                } else {
                    runtime::sleep_until(deadline).await;
                }
                runtime::now_ns() as i64 - deadline as i64
            });
            handles.push(h);
        }
        let (mut early, mut woke, mut max_late) = (0, 0u64, 0i64);
        for h in handles {
            let late = h.await;
            woke += 1;
            if late < 0 {
                early += 1;
            }
            max_late = max_late.max(late);
        }
        tx.send((woke, early, max_late)).unwrap();
    });
    let (woke, early, max_late) = rx.recv_timeout(Duration::from_secs(600)).expect("sleepers did not finish");
    assert_eq!(woke, N);
    assert_eq!(early, 0, "a sleeper woke before its deadline");
    let timers: usize = (0..CPUS).map(|c| runtime::cpu_info(c).timers).sum();
    assert_eq!(runtime::tasks().filter(|t| t.name == "sleeper").count(), 0);
    eprintln!("timers: {woke} woken, latest {} µs late, {timers} timers left", max_late / 1000);
}

#[test]
fn rcu_callbacks_all_run_under_load() {
    start();
    const N: u64 = 2_000;
    let ran = Arc::new(AtomicU64::new(0));
    let (tx, rx) = channel();
    let r = ran.clone();
    runtime::spawn_on(2, async move {
        for i in 0..N {
            let r = r.clone();
            runtime::call_rcu(Box::new(move || {
                r.fetch_add(1, SeqCst);
            }));
            if i % 100 == 0 {
                yield_now().await;
            }
        }
        runtime::rcu_barrier().await;
        tx.send(r.load(SeqCst)).unwrap();
    });
    let seen = rx.recv_timeout(Duration::from_secs(300)).expect("rcu_barrier did not return");
    assert_eq!(seen, N, "rcu_barrier returned before every earlier callback ran");
}
