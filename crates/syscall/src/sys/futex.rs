//! futex(2): WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET,
//! WAKE_BITSET, the priority-inheritance LOCK_PI, LOCK_PI2, TRYLOCK_PI,
//! UNLOCK_PI, WAIT_REQUEUE_PI and CMP_REQUEUE_PI (task::futex::pi), with
//! PRIVATE and CLOCK_REALTIME (kernel/futex/, v6.1).
//!
//! A waiter computes its key, then reads the word again under the bucket
//! lock (without resolving faults: mm forbids user-memory work that may
//! take locks while a spin lock is held; on a fault it drops the lock,
//! faults the page in and starts over). That re-read under the lock is what
//! orders it against a waker that stored to the word and then called WAKE.

use alloc::boxed::Box;

use abi::{Errno, KResult};
use task::futex::pi::{self, FUTEX_TID_MASK, LockOutcome, PiWait, RequeuePi, Requeued};
use task::futex::{BITSET_ANY, FutexKey, wake_op_apply};
use task::process::exit::{FUTEXES, futex_key};

use crate::ctx::SyscallContext;
use crate::interruptible;

const FUTEX_WAIT: u64 = 0;
const FUTEX_WAKE: u64 = 1;
const FUTEX_REQUEUE: u64 = 3;
const FUTEX_CMP_REQUEUE: u64 = 4;
const FUTEX_WAKE_OP: u64 = 5;
const FUTEX_LOCK_PI: u64 = 6;
const FUTEX_UNLOCK_PI: u64 = 7;
const FUTEX_TRYLOCK_PI: u64 = 8;
const FUTEX_WAIT_BITSET: u64 = 9;
const FUTEX_WAKE_BITSET: u64 = 10;
const FUTEX_WAIT_REQUEUE_PI: u64 = 11;
const FUTEX_CMP_REQUEUE_PI: u64 = 12;
const FUTEX_LOCK_PI2: u64 = 13;
const FUTEX_PRIVATE_FLAG: u64 = 128;
const FUTEX_CLOCK_REALTIME: u64 = 256;
const FUTEX_CMD_MASK: u64 = !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);

pub async fn futex(cx: &mut SyscallContext<'_>, uaddr: u64, op: u64, val: u64, timeout: u64, uaddr2: u64, val3: u64) -> KResult<usize> {
    let cmd = op & FUTEX_CMD_MASK;
    let private = op & FUTEX_PRIVATE_FLAG != 0;
    let realtime = op & FUTEX_CLOCK_REALTIME != 0;
    if realtime && !matches!(cmd, FUTEX_WAIT_BITSET | FUTEX_WAIT | FUTEX_WAIT_REQUEUE_PI | FUTEX_LOCK_PI2) {
        return Err(Errno::ENOSYS);
    }
    let key = |addr: u64| word_key(cx, addr, private);
    match cmd {
        FUTEX_WAIT => {
            // A relative timeout (or absolute on CLOCK_REALTIME with the flag).
            let deadline = read_deadline(cx, timeout, !realtime, realtime)?;
            wait(cx, key(uaddr)?, uaddr, val as u32, BITSET_ANY, deadline).await
        }
        FUTEX_WAIT_BITSET => {
            if val3 as u32 == 0 {
                return Err(Errno::EINVAL);
            }
            let deadline = read_deadline(cx, timeout, false, realtime)?;
            wait(cx, key(uaddr)?, uaddr, val as u32, val3 as u32, deadline).await
        }
        FUTEX_WAKE => Ok(FUTEXES.wake(not_pi(key(uaddr)?)?, val as u32 as usize, BITSET_ANY)),
        FUTEX_WAKE_BITSET => {
            if val3 as u32 == 0 {
                return Err(Errno::EINVAL);
            }
            Ok(FUTEXES.wake(not_pi(key(uaddr)?)?, val as u32 as usize, val3 as u32))
        }
        FUTEX_LOCK_PI | FUTEX_LOCK_PI2 => {
            // An absolute deadline: CLOCK_REALTIME for LOCK_PI, CLOCK_MONOTONIC
            // for LOCK_PI2 unless it asks for the wall clock.
            let deadline = read_deadline(cx, timeout, false, cmd == FUTEX_LOCK_PI || realtime)?;
            // The PI calls are boxed: their state is the largest here, and
            // every thread's future would carry room for it (see `dispatch`).
            Box::pin(lock_pi(cx, key(uaddr)?, uaddr, false, deadline)).await
        }
        FUTEX_TRYLOCK_PI => Box::pin(lock_pi(cx, key(uaddr)?, uaddr, true, None)).await,
        FUTEX_UNLOCK_PI => {
            // Linux reads the word and checks ownership before it checks
            // the address as a futex key.
            let uval: u32 = cx.read(uaddr)?;
            if uval & FUTEX_TID_MASK != cx.thread.tid() as u32 {
                return Err(Errno::EPERM);
            }
            pi::unlock(cx.thread, &cx.vm(), key(uaddr)?, uaddr as usize)?;
            Ok(0)
        }
        FUTEX_WAIT_REQUEUE_PI => {
            let deadline = read_deadline(cx, timeout, false, realtime)?;
            if uaddr == uaddr2 {
                return Err(Errno::EINVAL);
            }
            let key2 = key(uaddr2)?;
            Box::pin(wait_requeue_pi(cx, key(uaddr)?, uaddr, val as u32, key2, uaddr2, deadline)).await
        }
        FUTEX_CMP_REQUEUE_PI => {
            // val2 (the requeue count) travels in the timeout argument;
            // only one waiter may be woken (it takes the PI futex).
            let (n_wake, n_requeue) = (val as i32, timeout as i32);
            if n_wake < 0 || n_requeue < 0 || uaddr == uaddr2 || n_wake != 1 {
                return Err(Errno::EINVAL);
            }
            let (from, to) = (key(uaddr)?, key(uaddr2)?);
            if from == to {
                return Err(Errno::EINVAL);
            }
            pi::cmp_requeue_pi(&cx.vm(), from, uaddr as usize, to, uaddr2 as usize, n_requeue as usize, val3 as u32)
        }
        FUTEX_REQUEUE | FUTEX_CMP_REQUEUE => {
            let (from, to) = (not_pi(key(uaddr)?)?, key(uaddr2)?);
            // val2 (the requeue count) travels in the timeout argument.
            let (n_wake, n_requeue) = (val as i32, timeout as i32);
            if n_wake < 0 || n_requeue < 0 {
                return Err(Errno::EINVAL);
            }
            let vm = cx.vm();
            loop {
                if cmd == FUTEX_CMP_REQUEUE {
                    // Fault the word in first; under the bucket locks it is
                    // read without resolving faults.
                    vm.load_u32(uaddr as usize)?;
                }
                let result = FUTEXES.requeue(from, to, n_wake as usize, n_requeue as usize, || {
                    if cmd != FUTEX_CMP_REQUEUE {
                        return Ok(());
                    }
                    match vm.try_load_u32(uaddr as usize) {
                        Ok(Some(v)) if v == val3 as u32 => Ok(()),
                        Ok(Some(_)) => Err(Locked::Failed(Errno::EAGAIN)),
                        Ok(None) => Err(Locked::Retry),
                        Err(e) => Err(Locked::Failed(e)),
                    }
                });
                match result {
                    Ok(n) => return Ok(n),
                    Err(Locked::Retry) => continue,
                    Err(Locked::Failed(e)) => return Err(e),
                }
            }
        }
        FUTEX_WAKE_OP => {
            let (k1, k2) = (not_pi(key(uaddr)?)?, not_pi(key(uaddr2)?)?);
            let vm = cx.vm();
            loop {
                vm.fault_in(uaddr2 as usize, mm::Access::Write)?;
                let result = FUTEXES.wake_op(k1, k2, val as u32 as usize, timeout as u32 as usize, || {
                    let old = match vm.try_load_u32(uaddr2 as usize) {
                        Ok(Some(v)) => v,
                        Ok(None) => return Err(Locked::Retry),
                        Err(e) => return Err(Locked::Failed(e)),
                    };
                    let (new, passed) = wake_op_apply(val3 as u32, old).ok_or(Locked::Failed(Errno::ENOSYS))?;
                    match vm.try_cmpxchg_u32(uaddr2 as usize, old, new) {
                        Ok(Some(seen)) if seen == old => Ok(passed),
                        // Changed under us, or not writable right now: again.
                        Ok(_) => Err(Locked::Retry),
                        Err(e) => Err(Locked::Failed(e)),
                    }
                });
                match result {
                    Ok(n) => return Ok(n),
                    Err(Locked::Retry) => continue,
                    Err(Locked::Failed(e)) => return Err(e),
                }
            }
        }
        _ => Err(Errno::ENOSYS),
    }
}

/// EINVAL for a futex with PI waiters: FUTEX_WAKE and the requeues must
/// not touch them (Linux refuses a futex_q that has a pi_state).
fn not_pi(key: FutexKey) -> KResult<FutexKey> {
    if pi::has_waiters(key) || FUTEXES.has_requeue_pi(key) { Err(Errno::EINVAL) } else { Ok(key) }
}

/// FUTEX_LOCK_PI, LOCK_PI2 and TRYLOCK_PI: take the futex, or queue by
/// priority behind its owner (which inherits our priority) until it is
/// handed to us, the deadline passes or a signal comes.
async fn lock_pi(cx: &mut SyscallContext<'_>, key: FutexKey, uaddr: u64, trylock: bool, deadline: Option<u64>) -> KResult<usize> {
    let vm = cx.vm();
    let wait = match pi::lock(cx.thread, &vm, key, uaddr as usize, trylock)? {
        LockOutcome::Acquired => return Ok(0),
        LockOutcome::Queued(wait) => wait,
    };
    match wait_pi(cx, wait, uaddr, deadline).await {
        // Linux restarts an interrupted LOCK_PI even without SA_RESTART
        // (ERESTARTNOINTR): the deadline is absolute.
        Err(Errno::ERESTARTSYS) => Err(Errno::ERESTARTNOINTR),
        other => other,
    }
}

/// Waits until the PI futex is handed to us, the deadline passes
/// (ETIMEDOUT) or a signal comes (ERESTARTSYS).
async fn wait_pi(cx: &mut SyscallContext<'_>, mut wait: PiWait, uaddr: u64, deadline: Option<u64>) -> KResult<usize> {
    let vm = cx.vm();
    let waited = async {
        (&mut wait).await;
        Ok(())
    };
    let result = match deadline {
        Some(d) => runtime::global().timeout(d, interruptible(cx.thread, waited)).await.unwrap_or(Err(Errno::ETIMEDOUT)),
        None => interruptible(cx.thread, waited).await,
    };
    if let Err(e) = result
        && wait.cancel()
    {
        return Err(e);
    }
    // Ours, possibly despite a timeout or signal that came too late.
    wait.finish(&vm, uaddr as usize)?;
    Ok(0)
}

/// FUTEX_WAIT_REQUEUE_PI: wait on `key` (a condition variable's word)
/// like FUTEX_WAIT, to be moved by FUTEX_CMP_REQUEUE_PI to the PI futex
/// `key2` and return owning it (Linux's `futex_wait_requeue_pi`).
async fn wait_requeue_pi(
    cx: &mut SyscallContext<'_>,
    key: FutexKey,
    uaddr: u64,
    expected: u32,
    key2: FutexKey,
    uaddr2: u64,
    deadline: Option<u64>,
) -> KResult<usize> {
    if key == key2 {
        return Err(Errno::EINVAL);
    }
    let vm = cx.vm();
    let link = RequeuePi::new(cx.thread.clone(), key2);
    let waiter = loop {
        vm.load_u32(uaddr as usize)?;
        let bucket = FUTEXES.lock(key);
        match vm.try_load_u32(uaddr as usize)? {
            Some(v) if v != expected => return Err(Errno::EAGAIN),
            Some(_) => break bucket.enqueue_requeue_pi(link.clone()),
            None => continue,
        }
    };
    let wait = async {
        waiter.await;
        Ok(0)
    };
    let result = match deadline {
        Some(d) => runtime::global().timeout(d, interruptible(cx.thread, wait)).await.unwrap_or(Err(Errno::ETIMEDOUT)),
        None => interruptible(cx.thread, wait).await,
    };
    // The waiter is off the first futex now (woken, or dequeued when the
    // wait was dropped); the requeue's outcome was set under its lock.
    match link.take_outcome() {
        Some(Requeued::Acquired) => Ok(0),
        Some(Requeued::Queued(pi_wait)) => match result {
            Ok(_) => match wait_pi(cx, pi_wait, uaddr2, deadline).await {
                // Already moved: a restart would find the first word
                // changed, so Linux answers EWOULDBLOCK at once.
                Err(Errno::ERESTARTSYS) => Err(Errno::EAGAIN),
                other => other,
            },
            Err(e) => {
                if pi_wait.cancel() {
                    return Err(if e == Errno::ERESTARTSYS { Errno::EAGAIN } else { e });
                }
                pi_wait.finish(&vm, uaddr2 as usize)?;
                Ok(0)
            }
        },
        // Woken before any requeue: a timeout, or a signal (restarted).
        None => match result {
            Err(Errno::ERESTARTSYS) => Err(Errno::ERESTARTNOINTR),
            Err(e) => Err(e),
            Ok(_) => Err(Errno::EAGAIN),
        },
    }
}

/// The key of the futex word at `addr`: EINVAL when misaligned, EFAULT
/// outside user space (Linux's `get_futex_key`).
pub(super) fn word_key(cx: &SyscallContext<'_>, addr: u64, private: bool) -> KResult<FutexKey> {
    if addr % 4 != 0 {
        return Err(Errno::EINVAL);
    }
    // Linux's access_ok, even for a private futex whose word is not read.
    if addr > mm::layout::TASK_SIZE as u64 - 4 {
        return Err(Errno::EFAULT);
    }
    futex_key(cx.thread, addr, private)
}

/// The absolute deadline (monotonic ns) of a futex timeout, if any.
pub(super) fn read_deadline(cx: &SyscallContext<'_>, timeout: u64, relative: bool, realtime: bool) -> KResult<Option<u64>> {
    if timeout == 0 {
        return Ok(None);
    }
    let ns = crate::sys::time::read_timespec(cx, timeout)?;
    let now = arch::time::now_ns();
    Ok(Some(if relative {
        now.saturating_add(ns)
    } else if realtime {
        // Absolute wall-clock time: convert to the monotonic clock.
        ns.saturating_sub(crate::sys::time::realtime_offset_ns())
    } else {
        ns
    }))
}

/// Outcome of work done under bucket locks.
enum Locked {
    /// The word was not accessible without a fault (or changed): fault it
    /// in with the locks dropped and start over.
    Retry,
    Failed(Errno),
}

async fn wait(cx: &mut SyscallContext<'_>, key: FutexKey, uaddr: u64, expected: u32, bitset: u32, deadline: Option<u64>) -> KResult<usize> {
    let vm = cx.vm();
    let mut waiter = loop {
        vm.load_u32(uaddr as usize)?;
        let bucket = FUTEXES.lock(key);
        match vm.try_load_u32(uaddr as usize)? {
            Some(v) if v != expected => return Err(Errno::EAGAIN),
            Some(_) => break bucket.enqueue(bitset),
            // Paged out between the two reads: fault it in again.
            None => continue,
        }
    };
    let wait = async {
        (&mut waiter).await;
        Ok(0)
    };
    // A timed wait's timer state is boxed for the wait: it is most of the
    // call's state, and every user thread's future has room for this
    // call's (docs/bench.md, "Scale: thread_mem_bytes").
    let result = match deadline {
        Some(d) => match Box::pin(runtime::global().timeout(d, interruptible(cx.thread, wait))).await {
            Ok(r) => r,
            Err(_) => Err(Errno::ETIMEDOUT),
        },
        None => interruptible(cx.thread, wait).await,
    };
    // A wake that took the waiter before the timeout or signal could
    // dequeue it counted it as woken: then the wait succeeded (Linux's
    // futex_wait), else the wake would be lost to the waiter's peers.
    // An interrupted wait returns ERESTARTSYS: restarted without a handler
    // or with SA_RESTART, EINTR otherwise.
    match result {
        Err(e) if waiter.cancel() => Err(e),
        _ => Ok(0),
    }
}
