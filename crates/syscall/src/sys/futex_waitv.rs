//! futex_waitv(2), syscall 449: wait on up to 128 futex words, woken by a
//! FUTEX_WAKE on any of them (Linux 6.1: kernel/futex/syscalls.c
//! `sys_futex_waitv`, `futex_parse_waitv`; waitwake.c
//! `futex_wait_multiple`).
//!
//! Errors come in Linux's order: the call's flags, the count and the array
//! pointer (EINVAL); the timeout's clock (EINVAL), its copy (EFAULT) and
//! its value (EINVAL); then each entry in turn, copied (EFAULT) and checked
//! (EINVAL); then each word's key (misaligned EINVAL, outside user space
//! EFAULT); then the values one by one. 6.1 compares only the low 32 bits
//! of an entry's `val` (EINVAL for wider values came with 6.7's futex2
//! rework), and so does this.
//!
//! The words are queued one bucket lock at a time, each value re-read
//! under its own lock (see task::futex::waitv). On a mismatch or a fault
//! every queued entry is taken off again, and if a wake had already picked
//! one, its index is the result instead of the error, as Linux does.

use alloc::vec::Vec;

use abi::{Errno, KResult};
use mm::AddressSpace;
use task::futex::{BITSET_ANY, FutexKey, FutexWait, FutexWaitv};
use task::process::exit::FUTEXES;

use super::futex::{read_deadline, word_key};
use crate::ctx::SyscallContext;
use crate::interruptible;

/// FUTEX_WAITV_MAX.
const MAX_ENTRIES: u32 = 128;
/// FUTEX2_SIZE_U32: the only size 6.1 knows, and it must be given.
const FUTEX2_SIZE_U32: u32 = 0x02;
/// FUTEX2_PRIVATE (= FUTEX_PRIVATE_FLAG).
const FUTEX2_PRIVATE: u32 = 128;
/// The entry flags 6.1 accepts (FUTEXV_WAITER_MASK).
const ENTRY_FLAGS: u32 = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE;
/// sizeof(struct futex_waitv).
const ENTRY_SIZE: u64 = 24;
const CLOCK_REALTIME: i32 = 0;
const CLOCK_MONOTONIC: i32 = 1;

/// One parsed `struct futex_waitv { u64 val; u64 uaddr; u32 flags; u32 __reserved; }`.
struct Entry {
    val: u32,
    uaddr: u64,
    private: bool,
}

pub async fn futex_waitv(cx: &mut SyscallContext<'_>, waiters: u64, nr: u64, flags: u64, timeout: u64, clockid: u64) -> KResult<usize> {
    // nr_futexes and flags are unsigned int, clockid an int.
    let (nr, flags, clockid) = (nr as u32, flags as u32, clockid as i32);
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    if nr == 0 || nr > MAX_ENTRIES || waiters == 0 {
        return Err(Errno::EINVAL);
    }
    // An absolute deadline on the given clock, read like FUTEX_WAIT_BITSET's.
    let deadline = if timeout != 0 {
        let realtime = match clockid {
            CLOCK_REALTIME => true,
            CLOCK_MONOTONIC => false,
            _ => return Err(Errno::EINVAL),
        };
        read_deadline(cx, timeout, false, realtime)?
    } else {
        None
    };
    let entries = parse(cx, waiters, nr as usize)?;
    loop {
        let keys = entry_keys(cx, &entries)?;
        let queued = match queue_all(&cx.vm(), &entries, &keys)? {
            Queued::All(v) => v,
            Queued::Woken(i) => return Ok(i),
        };
        let wait = runtime::poll_fn(|c| queued.poll_any(c).map(Ok));
        let result = match deadline {
            Some(d) => runtime::global().timeout(d, interruptible(cx.thread, wait)).await.unwrap_or(Err(Errno::ETIMEDOUT)),
            None => interruptible(cx.thread, wait).await,
        };
        // A wake wins over a timeout or signal that came with it.
        if let Some(i) = queued.unqueue() {
            return Ok(i);
        }
        // An interrupted wait returns ERESTARTSYS: restarted without a
        // handler or with SA_RESTART (the deadline is absolute, so the
        // restart waits no longer), EINTR otherwise.
        result?;
        // Woken with no entry picked cannot happen here (the flags stay
        // set); were it to, Linux treats it as spurious and starts over.
    }
}

/// Copies and checks the array, entry by entry (`futex_parse_waitv`).
fn parse(cx: &SyscallContext<'_>, waiters: u64, nr: usize) -> KResult<Vec<Entry>> {
    let mut entries = Vec::new();
    entries.try_reserve_exact(nr).map_err(|_| Errno::ENOMEM)?;
    for i in 0..nr as u64 {
        let addr = i.checked_mul(ENTRY_SIZE).and_then(|off| waiters.checked_add(off)).ok_or(Errno::EFAULT)?;
        let [val, uaddr, flags_word]: [u64; 3] = cx.read(addr)?;
        let (flags, reserved) = (flags_word as u32, (flags_word >> 32) as u32);
        if flags & !ENTRY_FLAGS != 0 || reserved != 0 || flags & FUTEX2_SIZE_U32 == 0 {
            return Err(Errno::EINVAL);
        }
        entries.push(Entry { val: val as u32, uaddr, private: flags & FUTEX2_PRIVATE != 0 });
    }
    Ok(entries)
}

/// Every entry's key, in order, before any value is read (Linux computes
/// them all first too, so a bad address is reported before a mismatch).
fn entry_keys(cx: &SyscallContext<'_>, entries: &[Entry]) -> KResult<Vec<FutexKey>> {
    let mut keys = Vec::new();
    keys.try_reserve_exact(entries.len()).map_err(|_| Errno::ENOMEM)?;
    for e in entries {
        keys.push(word_key(cx, e.uaddr, e.private)?);
    }
    Ok(keys)
}

enum Queued {
    /// Every word held its value: all entries are queued.
    All(FutexWaitv<'static>),
    /// Setup stopped early, but a wake had already picked entry `i`.
    Woken(usize),
}

/// Queues the entries in order (`futex_wait_multiple_setup`). On a
/// mismatch (EAGAIN) or a fault (EFAULT) everything queued is taken off.
fn queue_all(vm: &AddressSpace, entries: &[Entry], keys: &[FutexKey]) -> KResult<Queued> {
    let mut queued = FutexWaitv::with_capacity(entries.len()).map_err(|_| Errno::ENOMEM)?;
    for (e, &key) in entries.iter().zip(keys) {
        match queue_one(vm, e, key) {
            Ok(Some(wait)) => queued.push(wait),
            failed => {
                if let Some(i) = queued.unqueue() {
                    return Ok(Queued::Woken(i));
                }
                return Err(failed.err().unwrap_or(Errno::EAGAIN));
            }
        }
    }
    Ok(Queued::All(queued))
}

/// Checks one word under its bucket lock and queues it on a match; `None`
/// on a mismatch. Other entries may stay queued while this one's page is
/// faulted in: their wakes are kept in their waiters, not lost.
fn queue_one(vm: &AddressSpace, e: &Entry, key: FutexKey) -> KResult<Option<FutexWait<'static>>> {
    loop {
        // Fault the word in first: under the bucket lock it is read
        // without resolving faults.
        vm.load_u32(e.uaddr as usize)?;
        let bucket = FUTEXES.lock(key);
        match vm.try_load_u32(e.uaddr as usize)? {
            Some(v) if v != e.val => return Ok(None),
            Some(_) => return Ok(Some(bucket.enqueue(BITSET_ANY))),
            // Paged out between the two reads: again.
            None => continue,
        }
    }
}
