//! The last system calls entered on each CPU, for the panic report: when a
//! user program (a fuzzer, say) brings the kernel down, the calls that led
//! there name the culprit and become a regression test.
//!
//! Each CPU writes only its own ring, at syscall entry (a user thread's
//! loop is not preempted between reading its CPU and writing), so relaxed
//! stores suffice; a reader after a panic may see one entry torn, which a
//! report can live with.
//!
//! Debug builds only (those `cargo xtask test` and `fuzz` boot): the ring's
//! dozen stores cost about 100 ns per call under TCG, a quarter of a
//! getppid, which the release build measured by `cargo xtask bench` keeps.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use arch::MAX_CPUS;

/// Calls kept per CPU.
const DEPTH: usize = 8;

struct Entry {
    /// The thread id in the high half, the call number in the low half.
    who: AtomicU64,
    args: [AtomicU64; 6],
}

struct CpuTrail {
    /// Calls recorded so far; the next slot is `count % DEPTH`.
    count: AtomicUsize,
    entries: [Entry; DEPTH],
}

static TRAILS: [CpuTrail; MAX_CPUS] = [const {
    CpuTrail { count: AtomicUsize::new(0), entries: [const { Entry { who: AtomicU64::new(0), args: [const { AtomicU64::new(0) }; 6] } }; DEPTH] }
}; MAX_CPUS];

/// Notes that thread `tid` enters call `nr` with `args` on this CPU.
pub(crate) fn record(tid: u32, nr: u64, args: &[u64; 6]) {
    if !cfg!(debug_assertions) {
        return;
    }
    let trail = &TRAILS[arch::percpu::cpu_id()];
    let n = trail.count.load(Relaxed);
    let entry = &trail.entries[n % DEPTH];
    entry.who.store((u64::from(tid) << 32) | (nr & 0xffff_ffff), Relaxed);
    for (slot, &value) in entry.args.iter().zip(args) {
        slot.store(value, Relaxed);
    }
    trail.count.store(n.wrapping_add(1), Relaxed);
}

/// Writes every online CPU's recent calls, oldest first:
/// `cpu1 tid 42: mremap(0x1000, 0x0, ...)`.
pub fn write_recent(out: &mut dyn Write) -> fmt::Result {
    if !cfg!(debug_assertions) {
        return writeln!(out, "last system calls: recorded in debug builds only");
    }
    writeln!(out, "last system calls per CPU (oldest first):")?;
    for cpu in arch::percpu::online_cpus() {
        let trail = &TRAILS[cpu];
        let count = trail.count.load(Relaxed);
        for n in count.saturating_sub(DEPTH)..count {
            let entry = &trail.entries[n % DEPTH];
            let who = entry.who.load(Relaxed);
            let nr = (who & 0xffff_ffff) as usize;
            let name = abi::sysno::name(nr).unwrap_or("?");
            write!(out, "  cpu{cpu} tid {}: {name}#{nr}(", who >> 32)?;
            for (i, arg) in entry.args.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                write!(out, "{sep}{:#x}", arg.load(Relaxed))?;
            }
            writeln!(out, ")")?;
        }
    }
    Ok(())
}
