//! The lockup watchdog: a CPU that makes no progress in the kernel for
//! `THRESHOLD_NS` is reported, with the backtrace of what it is stuck in.
//!
//! A CPU's heartbeat is its executor's polls and halts plus its entries
//! into user mode: it moves whenever the CPU finishes a poll, idles, or
//! returns to a user thread. It stays still only while the CPU runs kernel
//! code without end (a loop in a poll, a spin on a lock). It is looked at
//!
//! - by the CPU itself, from its timer interrupt, when the interrupt came
//!   from kernel mode: it then prints its own backtrace from the
//!   interrupted frame (a loop with interrupts on);
//! - by every other CPU, from its timer interrupt, at most once per
//!   housekeeping period: a CPU that is not halted and whose
//!   heartbeat has not moved is sent an NMI, which arrives even with
//!   interrupts off, and prints its backtrace from there (a spin with
//!   interrupts off).
//!
//! This works because a busy CPU always takes a timer interrupt at least
//! every housekeeping period (1 s), and an idle CPU checks the others that
//! often while any of them is busy (`runtime/src/tick.rs`). A single CPU
//! stuck with interrupts off has nobody to see it: Linux needs a
//! performance-counter NMI for that, which weft does not use.
//!
//! The report is one line `LOCKUP on cpuN: no progress in the kernel for Ns,
//! task <name> (id I)` and a symbolized backtrace; then the CPU goes on (it
//! is reported once per stall), or, with `watchdog=panic` on the command
//! line (tests), the kernel panics. `watchdog=off` turns it off.
//!
//! Nothing here takes a lock that the stuck CPU could hold: the state is
//! atomics, the task name is read with try-locks, and the output goes
//! through the panic-time serial writer.

use core::fmt::Write;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};

use arch::trap::TrapFrame;

/// How long a CPU may go without progress in the kernel.
pub const THRESHOLD_NS: u64 = 10_000_000_000;
/// How often a CPU looks at the others (the runtime's housekeeping period).
const CHECK_PERIOD_NS: u64 = 1_000_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    Off = 0,
    Report = 1,
    Panic = 2,
}

static MODE: AtomicU8 = AtomicU8::new(Mode::Report as u8);

/// What the observers know of one CPU.
struct Watched {
    /// The heartbeat last seen, and when it was first seen at that value.
    beat: AtomicU64,
    since_ns: AtomicU64,
    /// This stall was reported.
    reported: AtomicBool,
    /// An observer asked this CPU, by NMI, for its backtrace.
    nmi_requested: AtomicBool,
    /// When this CPU last looked at the others.
    last_check_ns: AtomicU64,
}

static WATCHED: [Watched; arch::MAX_CPUS] = [const {
    Watched {
        beat: AtomicU64::new(u64::MAX),
        since_ns: AtomicU64::new(0),
        reported: AtomicBool::new(false),
        nmi_requested: AtomicBool::new(false),
        last_check_ns: AtomicU64::new(0),
    }
}; arch::MAX_CPUS];

/// Sets the mode (`watchdog=` on the command line) and installs the NMI
/// handler.
pub fn init(mode: Mode) {
    MODE.store(mode as u8, Relaxed);
    arch::trap::set_nmi_handler(on_nmi);
}

fn mode() -> Mode {
    match MODE.load(Relaxed) {
        0 => Mode::Off,
        2 => Mode::Panic,
        _ => Mode::Report,
    }
}

fn heartbeat(cpu: usize) -> Option<(u64, runtime::CpuProgress)> {
    if !runtime::is_initialized() {
        return None;
    }
    let progress = runtime::global().cpu_progress(cpu);
    Some((progress.beats.wrapping_add(arch::percpu::of(cpu).user_entries()), progress))
}

/// Updates what is known of `cpu`; returns how long it has been stuck, if
/// it has been for `THRESHOLD_NS` and was not reported yet (it is then
/// marked reported).
fn observe(cpu: usize, now: u64) -> Option<u64> {
    let (beat, progress) = heartbeat(cpu)?;
    let w = &WATCHED[cpu];
    if progress.halted || w.beat.swap(beat, Relaxed) != beat {
        w.beat.store(beat, Relaxed);
        w.since_ns.store(now, Relaxed);
        w.reported.store(false, Relaxed);
        return None;
    }
    let stuck = now.saturating_sub(w.since_ns.load(Relaxed));
    (stuck >= THRESHOLD_NS && !w.reported.swap(true, Relaxed)).then_some(stuck)
}

/// From the timer interrupt of the calling CPU.
pub fn check_from_timer(frame: &TrapFrame) {
    if mode() == Mode::Off {
        return;
    }
    let me = arch::percpu::cpu_id();
    let now = arch::time::now_ns();
    if frame.cs & 3 == 0
        && let Some(stuck) = observe(me, now)
    {
        report(me, stuck, frame);
    }
    check_others(me, now);
}

/// Looks at every other CPU, at most once per `CHECK_PERIOD_NS`.
fn check_others(me: usize, now: u64) {
    let last = &WATCHED[me].last_check_ns;
    if now.saturating_sub(last.load(Relaxed)) < CHECK_PERIOD_NS {
        return;
    }
    last.store(now, Relaxed);
    for cpu in arch::percpu::online_cpus().filter(|&c| c != me) {
        if let Some(stuck) = observe(cpu, now) {
            header(cpu, stuck);
            WATCHED[cpu].nmi_requested.store(true, Relaxed);
            arch::apic::send_nmi(arch::percpu::of(cpu).apic_id());
        }
    }
}

/// The stuck CPU, from the NMI an observer sent.
fn on_nmi(frame: &TrapFrame) {
    let me = arch::percpu::cpu_id();
    if !WATCHED[me].nmi_requested.swap(false, Relaxed) {
        return; // not ours (nothing else sends NMIs today)
    }
    let mut out = Serial;
    let _ = writeln!(out, "cpu{me} was interrupted at:");
    arch::backtrace::print_from(frame.rip as usize, frame.rbp as usize);
    finish();
}

/// A CPU reports itself from its timer interrupt.
fn report(cpu: usize, stuck_ns: u64, frame: &TrapFrame) {
    header(cpu, stuck_ns);
    arch::backtrace::print_from(frame.rip as usize, frame.rbp as usize);
    finish();
}

fn header(cpu: usize, stuck_ns: u64) {
    let mut out = Serial;
    let mut name = [0u8; 32];
    let task = runtime::global().cpu_progress(cpu).current;
    let len = runtime::global().try_current_name(cpu, &mut name).unwrap_or(0);
    let name = core::str::from_utf8(&name[..len]).unwrap_or("?");
    let _ = write!(out, "\nLOCKUP on cpu{cpu}: no progress in the kernel for {} s, ", stuck_ns / 1_000_000_000);
    let _ = match task {
        Some(id) => writeln!(out, "task {name} (id {})", id.0),
        None => writeln!(out, "no task (executor or interrupt code)"),
    };
    let p = runtime::global().cpu_progress(cpu);
    let now = arch::time::now_ns();
    let _ = write!(out, "  cpu{cpu}: {} queued, {} timer interrupts, timer ", p.queue_len, arch::percpu::of(cpu).ticks.load(Relaxed));
    let _ = match p.timer_armed {
        u64::MAX => writeln!(out, "not armed"),
        at if at <= now => writeln!(out, "armed for {} us ago (slice tick: {})", (now - at) / 1000, p.slice_armed),
        at => writeln!(out, "armed in {} us (slice tick: {})", (at - now) / 1000, p.slice_armed),
    };
    if mode() != Mode::Panic {
        // With watchdog=panic the panic report prints them.
        let _ = syscall::trail::write_recent(&mut out);
    }
}

fn finish() {
    if mode() == Mode::Panic {
        panic!("lockup detected (watchdog=panic)");
    }
}

/// The serial port without its lock: the stuck CPU may hold it.
struct Serial;

impl Write for Serial {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        arch::serial::write_bytes_panicking(s.as_bytes());
        Ok(())
    }
}
