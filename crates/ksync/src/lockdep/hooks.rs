//! The kernel side of lockdep: per-CPU held-lock stacks, the hooks
//! `SpinLock` calls, and the reports.
//!
//! Every hook runs with interrupts off (`will_lock` returns at once
//! otherwise), so the CPU cannot change under it and nothing else on this
//! CPU runs in between, but an NMI. Each CPU's stack sits in a
//! `spin::Mutex` that only that CPU takes, with `try_lock`: it never waits.
//! It is busy only when a hook is re-entered on the same CPU (a report, or
//! an NMI handler, taking a lock), and the re-entered hook then does
//! nothing, so the per-CPU "in lockdep" flag is that mutex.
//!
//! Lock order: a hook takes no ksync lock. Reports go through
//! `arch::serial` (its UART lock is a leaf that no code holds while taking
//! a ksync lock); the order table is lock-free.

use core::fmt::Write;
use core::panic::Location;
use core::sync::atomic::{AtomicBool, Ordering};

use arch::serial::SerialWriter;
use arch::{MAX_CPUS, percpu};

use super::table::{ClassSet, Order, OrderTable, class_id};

/// Locks one CPU can hold at once; deeper ones go unchecked.
const MAX_HELD: usize = 16;
/// Return addresses kept per stack.
const FRAMES: usize = 8;
/// Room for (held, taken) pairs: a boot through the test suites records
/// well under 100, so lookups stay short.
const PAIRS: usize = 1024;
/// Holding a spin lock longer than this is reported. Generous: under TCG a
/// vCPU is a host thread the host may deschedule for a while.
const HOLD_LIMIT_NS: u64 = 100_000_000;

static ORDER: OrderTable<PAIRS, FRAMES> = OrderTable::new();
static INVERSION_REPORTED: AtomicBool = AtomicBool::new(false);
static FULL_REPORTED: AtomicBool = AtomicBool::new(false);
static SLOW_REPORTED: ClassSet<64> = ClassSet::new();
static HELD: [spin::Mutex<HeldStack>; MAX_CPUS] = [const { spin::Mutex::new(HeldStack::new()) }; MAX_CPUS];

#[derive(Clone, Copy)]
struct Held {
    class: &'static Location<'static>,
    /// The lock's address.
    lock: usize,
    since_ns: u64,
}

struct HeldStack {
    locks: [Option<Held>; MAX_HELD],
    len: usize,
}

impl HeldStack {
    const fn new() -> Self {
        Self { locks: [None; MAX_HELD], len: 0 }
    }

    fn iter(&self) -> impl Iterator<Item = &Held> {
        self.locks[..self.len].iter().flatten()
    }

    fn push(&mut self, held: Held) {
        if self.len < MAX_HELD {
            self.locks[self.len] = Some(held);
            self.len += 1;
        }
    }

    /// Removes `lock` (usually the top: guards drop in reverse order, but
    /// `drop(a)` before `b` is allowed).
    fn remove(&mut self, lock: usize) -> Option<Held> {
        let at = (0..self.len).rev().find(|&i| self.locks[i].is_some_and(|h| h.lock == lock))?;
        let held = self.locks[at].take();
        self.locks.copy_within(at + 1..self.len, at);
        self.len -= 1;
        self.locks[self.len] = None;
        held
    }
}

pub(super) fn inversion_reported() -> bool {
    INVERSION_REPORTED.load(Ordering::Relaxed)
}

/// Called before spinning on a lock of class `class`: checks the order
/// against every lock this CPU holds, and records it.
pub(crate) fn will_lock(class: &'static Location<'static>) {
    // Every spin lock turns interrupts off: with them on, this CPU holds
    // none (and may still migrate), so there is nothing to check.
    if arch::cpu::interrupts_enabled() {
        return;
    }
    let Some(held) = HELD[percpu::cpu_id()].try_lock() else { return };
    let taken = class_id(class);
    for h in held.iter() {
        match ORDER.acquire(class_id(h.class), taken, capture) {
            Order::Inverted if !INVERSION_REPORTED.swap(true, Ordering::Relaxed) => report_inversion(h.class, class),
            Order::Off if !FULL_REPORTED.load(Ordering::Relaxed) && !FULL_REPORTED.swap(true, Ordering::Relaxed) => {
                let _ = writeln!(SerialWriter, "LOCKDEP: order table full ({} pairs), order checking is off", ORDER.len());
            }
            _ => {}
        }
    }
}

/// Called once a lock is taken (interrupts are off).
pub(crate) fn locked(class: &'static Location<'static>, lock: usize) {
    let Some(mut held) = HELD[percpu::cpu_id()].try_lock() else { return };
    held.push(Held { class, lock, since_ns: arch::time::now_ns() });
}

/// Called just before a lock is released (interrupts are still off).
pub(crate) fn unlocking(lock: usize) {
    let Some(mut held) = HELD[percpu::cpu_id()].try_lock() else { return };
    let Some(h) = held.remove(lock) else { return };
    let ns = arch::time::now_ns().saturating_sub(h.since_ns);
    if ns > HOLD_LIMIT_NS && SLOW_REPORTED.insert(class_id(h.class)) {
        let mut out = SerialWriter;
        let _ = writeln!(out, "LOCKDEP: {} held for {} ms, released at:", site(h.class), ns / 1_000_000);
        print_current_stack();
    }
}

/// Prints the first inversion: `taken` is being taken while `held` is
/// held, and `held` was taken while `taken` was held before.
fn report_inversion(held: &'static Location<'static>, taken: &'static Location<'static>) {
    let mut out = SerialWriter;
    let _ = writeln!(
        out,
        "LOCKDEP: lock order inversion: taking {} while holding {} (cpu{})",
        site(taken),
        site(held),
        percpu::cpu_id()
    );
    let _ = writeln!(out, "LOCKDEP: but {} was taken while holding {} before, at:", site(held), site(taken));
    let mut before = [0; FRAMES];
    let n = ORDER.saved_stack(class_id(taken), class_id(held), &mut before);
    arch::backtrace::print_addrs(&before[..n]);
    let _ = writeln!(out, "LOCKDEP: and now:");
    print_current_stack();
}

fn print_current_stack() {
    let mut now = [0; FRAMES];
    let n = capture(&mut now);
    arch::backtrace::print_addrs(&now[..n]);
}

/// The caller's stack, without lockdep's and `SpinLock`'s own frames.
fn capture(out: &mut [usize]) -> usize {
    let mut all = [0; FRAMES + 8];
    let n = arch::backtrace::capture(&mut all);
    let skip = all[..n].iter().take_while(|&&addr| in_ksync(addr)).count();
    let kept = (n - skip).min(out.len());
    out[..kept].copy_from_slice(&all[skip..skip + kept]);
    kept
}

fn in_ksync(addr: usize) -> bool {
    arch::backtrace::symbolize(addr).is_some_and(|(name, _)| {
        ["ksync::", "<ksync::", "core::ptr::drop_in_place<ksync::"].iter().any(|p| name.starts_with(p))
    })
}

/// A class by its init site, `file:line`.
fn site(class: &'static Location<'static>) -> impl core::fmt::Display {
    struct Site(&'static Location<'static>);
    impl core::fmt::Display for Site {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            write!(f, "{}:{}", self.0.file(), self.0.line())
        }
    }
    Site(class)
}
