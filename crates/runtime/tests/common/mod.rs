//! Host platforms for the runtime's tests.
#![allow(dead_code)]

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::task::{Poll, Waker};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

use runtime::{Config, Platform, Runtime, poll_fn};

thread_local! {
    static CPU: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// Makes the calling thread act as CPU `cpu` (usize::MAX: no CPU).
pub fn set_cpu(cpu: usize) {
    CPU.with(|c| c.set(cpu));
}

/// Runs `f` as CPU `cpu`, then restores the previous id.
pub fn as_cpu<R>(cpu: usize, f: impl FnOnce() -> R) -> R {
    let old = CPU.with(|c| c.replace(cpu));
    let r = f();
    set_cpu(old);
    r
}

/// A deterministic platform: a manual clock, CPU ids chosen by the test
/// thread, wakes recorded, and an `idle` that never blocks (it runs an
/// optional hook while "halted").
#[derive(Default)]
pub struct ManualPlatform {
    pub now: AtomicU64,
    /// Added to the clock at every `idle` call (lets `block_on` reach
    /// sleep deadlines).
    pub idle_advance: AtomicU64,
    pub wakes: Mutex<Vec<usize>>,
    pub idles: AtomicUsize,
    pub halts: AtomicUsize,
    pub on_halt: Mutex<Option<Box<dyn FnMut() + Send>>>,
}

impl ManualPlatform {
    pub fn advance(&self, ns: u64) {
        self.now.fetch_add(ns, SeqCst);
    }
    pub fn wakes(&self) -> Vec<usize> {
        self.wakes.lock().unwrap().clone()
    }
}

impl Platform for ManualPlatform {
    fn cpu_id(&self) -> usize {
        CPU.with(|c| c.get())
    }
    fn now_ns(&self) -> u64 {
        self.now.load(SeqCst)
    }
    fn wake_cpu(&self, cpu: usize) {
        self.wakes.lock().unwrap().push(cpu);
    }
    fn idle(&self, still_idle: &dyn Fn() -> bool) {
        self.idles.fetch_add(1, SeqCst);
        if still_idle() {
            self.halts.fetch_add(1, SeqCst);
            if let Some(hook) = self.on_halt.lock().unwrap().as_mut() {
                hook();
            }
        }
        self.advance(self.idle_advance.load(SeqCst));
    }
}

/// A runtime of `cpus` CPUs on a manual platform; the calling thread is CPU 0.
pub fn manual(cpus: usize) -> (&'static ManualPlatform, &'static Runtime) {
    let platform: &'static ManualPlatform = Box::leak(Box::default());
    let config = Config { slice_ns: 4_000_000, haltpoll_start_ns: 0, haltpoll_max_ns: 0, ..Config::default() };
    let rt = Runtime::new(platform, cpus, config);
    set_cpu(0);
    (platform, rt)
}

/// std threads as CPUs: a real clock, park/unpark as halt/IPI, and a 1 ms
/// park timeout standing in for the kernel's periodic tick.
pub struct ThreadPlatform {
    start: Instant,
    threads: Vec<OnceLock<Thread>>,
    pub wakes: AtomicU64,
}

impl ThreadPlatform {
    pub fn new(cpus: usize) -> Self {
        Self { start: Instant::now(), threads: (0..cpus).map(|_| OnceLock::new()).collect(), wakes: AtomicU64::new(0) }
    }
}

impl Platform for ThreadPlatform {
    fn cpu_id(&self) -> usize {
        CPU.with(|c| c.get())
    }
    fn now_ns(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }
    fn wake_cpu(&self, cpu: usize) {
        self.wakes.fetch_add(1, SeqCst);
        if let Some(t) = self.threads[cpu].get() {
            t.unpark();
        }
    }
    fn idle(&self, still_idle: &dyn Fn() -> bool) {
        // park's token makes an unpark between the check and the park
        // return at once, like `sti; hlt` with a pending IPI.
        if still_idle() {
            std::thread::park_timeout(Duration::from_millis(1));
        }
    }
}

/// Starts one executor thread per CPU of `rt`.
pub fn start_executors(platform: &'static ThreadPlatform, rt: &'static Runtime) {
    for cpu in 0..rt.cpu_count() {
        std::thread::Builder::new()
            .name(format!("cpu{cpu}"))
            .spawn(move || {
                set_cpu(cpu);
                platform.threads[cpu].set(std::thread::current()).unwrap();
                rt.run()
            })
            .unwrap();
    }
}

/// A shared event log.
#[derive(Clone, Default)]
pub struct Trace(Arc<Mutex<Vec<String>>>);

impl Trace {
    pub fn push(&self, s: impl Into<String>) {
        self.0.lock().unwrap().push(s.into());
    }
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A future that logs each poll, keeps its latest waker, and finishes
/// once opened.
#[derive(Default)]
pub struct Gate {
    pub open: AtomicBool,
    pub waker: Mutex<Option<Waker>>,
}

impl Gate {
    pub fn wait(self: &Arc<Self>, trace: &Trace, name: &'static str) -> impl std::future::Future<Output = ()> + Send + 'static {
        let (gate, trace) = (self.clone(), trace.clone());
        poll_fn(move |cx| {
            trace.push(format!("{name} poll"));
            *gate.waker.lock().unwrap() = Some(cx.waker().clone());
            if gate.open.load(SeqCst) { Poll::Ready(()) } else { Poll::Pending }
        })
    }
    pub fn wake(&self) {
        self.waker.lock().unwrap().as_ref().expect("no waker yet").wake_by_ref();
    }
    pub fn open(&self) {
        self.open.store(true, SeqCst);
        self.wake();
    }
}

