//! Per-user pipe buffer accounting (Linux `account_pipe_buffers`): every
//! pipe's buffers are charged to the real user that made it, and
//! `/proc/sys/fs/pipe-user-pages-soft` and `-hard` bound an unprivileged
//! user's total. Over the soft limit a new pipe gets 2 buffers instead of
//! 16; over the hard limit pipe creation fails (ENFILE), and `F_SETPIPE_SZ`
//! may not grow a pipe past either limit (EPERM). 0 means no limit.
//!
//! Fifos are not charged (their `Pipe` belongs to the inode, not to an
//! opener); Linux charges the first opener.

use alloc::collections::BTreeMap;
use core::sync::atomic::{AtomicU64, Ordering};

use ksync::SpinLock;

/// Buffers charged per real uid. Lock order: after `Pipe::state`.
static CHARGED: SpinLock<BTreeMap<u32, u64>> = SpinLock::new(BTreeMap::new());

/// Linux's defaults: 16384 pages soft (64 MiB), no hard limit.
static SOFT: AtomicU64 = AtomicU64::new(16384);
static HARD: AtomicU64 = AtomicU64::new(0);

pub fn user_pages_soft() -> u64 {
    SOFT.load(Ordering::Relaxed)
}

pub fn set_user_pages_soft(n: u64) {
    SOFT.store(n, Ordering::Relaxed);
}

pub fn user_pages_hard() -> u64 {
    HARD.load(Ordering::Relaxed)
}

pub fn set_user_pages_hard(n: u64) {
    HARD.store(n, Ordering::Relaxed);
}

/// Moves `uid`'s charge from `old` to `new` buffers; returns its total.
pub fn recharge(uid: u32, old: usize, new: usize) -> u64 {
    let mut charged = CHARGED.lock();
    let total = charged.entry(uid).or_insert(0);
    *total = total.saturating_sub(old as u64).saturating_add(new as u64);
    let now = *total;
    if now == 0 {
        charged.remove(&uid);
    }
    now
}

/// Linux too_many_pipe_buffers_soft.
pub fn over_soft(total: u64) -> bool {
    let soft = user_pages_soft();
    soft != 0 && total > soft
}

/// Linux too_many_pipe_buffers_hard.
pub fn over_hard(total: u64) -> bool {
    let hard = user_pages_hard();
    hard != 0 && total > hard
}
