//! What the kernel plugs into fs at boot: a clock and a random source. Also
//! the global counters for inode numbers of anonymous inodes and for the
//! anonymous device numbers of file system instances.
//!
//! Hooks are plain function pointers behind a leaf lock (never held while
//! calling the hook): the kernel installs them once at boot, tests may
//! install their own.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use ksync::SpinLock;

use crate::types::{DevId, Timespec};

/// Current time for file timestamps (`CLOCK_REALTIME`).
pub type ClockFn = fn() -> Timespec;
/// Fills a buffer with random bytes (for `/dev/random` and `/dev/urandom`).
pub type RandomFn = fn(&mut [u8]);

/// Lock order: leaf.
static CLOCK: SpinLock<Option<ClockFn>> = SpinLock::new(None);
/// Lock order: leaf.
static RANDOM: SpinLock<Option<RandomFn>> = SpinLock::new(None);

/// Installs the clock used for timestamps. Until then every time is 0.
pub fn set_clock(clock: ClockFn) {
    *CLOCK.lock() = Some(clock);
}

/// Installs the random source behind `/dev/random` and `/dev/urandom`.
/// Until then they return a fixed xorshift sequence (not random at all;
/// good enough for early boot and tests).
pub fn set_random_source(random: RandomFn) {
    *RANDOM.lock() = Some(random);
}

/// The current time from the installed clock.
pub fn now() -> Timespec {
    let clock = *CLOCK.lock();
    clock.map_or(Timespec::default(), |f| f())
}

/// Fills `buf` from the installed random source.
pub fn fill_random(buf: &mut [u8]) {
    let random = *RANDOM.lock();
    match random {
        Some(f) => f(buf),
        None => fallback_random(buf),
    }
}

/// Deterministic filler used before the kernel installs a source.
fn fallback_random(buf: &mut [u8]) {
    static STATE: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    for chunk in buf.chunks_mut(8) {
        // xorshift64*; a lost update between CPUs only repeats a value.
        let mut x = STATE.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        STATE.store(x, Ordering::Relaxed);
        let v = x.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
}

/// Inode numbers for inodes that belong to no file system instance with its
/// own numbering (pipes, synthetic files).
pub fn alloc_ino() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1 << 32);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// An anonymous device number (major 0) for a new file system instance, as
/// Linux gives ramfs, tmpfs and procfs.
pub fn alloc_anon_dev() -> DevId {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    DevId::new(0, NEXT.fetch_add(1, Ordering::Relaxed))
}
