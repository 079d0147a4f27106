//! Priority-inheritance futexes: FUTEX_LOCK_PI(2), FUTEX_TRYLOCK_PI,
//! FUTEX_UNLOCK_PI and the PI side of thread death (Linux 6.1
//! kernel/futex/pi.c, kernel/locking/rtmutex.c); FUTEX_WAIT_REQUEUE_PI and
//! FUTEX_CMP_REQUEUE_PI in `requeue`.
//!
//! The futex word holds the owner's TID, plus FUTEX_WAITERS when the
//! kernel must be entered to unlock and FUTEX_OWNER_DIED when an owner died
//! holding it. Uncontended lock (0 -> TID) and unlock (TID -> 0) happen in
//! user space. The kernel keeps a [`PiState`] per contended futex: its
//! owner thread and its waiters in priority order. A state exists exactly
//! while threads wait on the futex; the owner then holds the state and
//! `FUTEX_WAITERS` stays set in the word.
//!
//! Hand-off is direct: FUTEX_UNLOCK_PI stores the top waiter's TID |
//! FUTEX_WAITERS into the word and makes it the owner before waking it,
//! as Linux's `wake_futex_pi` does (the WAITERS bit is always set on a
//! hand-off; the new owner's unlock then comes to the kernel, which finds
//! no state and clears the word). When an owner dies its states go to
//! their top waiters, which store their TID | WAITERS | OWNER_DIED into
//! the word themselves on waking (Linux's `fixup_pi_state_owner`: the
//! dying thread may not be able to reach a shared word at the waiter's
//! address).
//!
//! Boosting: an owner runs at the highest effective real-time priority of
//! the top waiters of the futexes it owns; a change is carried along the
//! chain (the owner may itself wait on a PI futex owned by another
//! thread). The chain is walked under one lock, which also makes deadlock
//! detection exact: a thread that would wait for a chain ending at itself
//! gets EDEADLK.
//!
//! Lock order: [`PI`], then a futex bucket (`FutexTable::waiters`), the
//! process table (`find_thread`) or a waiter's waker slot. Nothing takes
//! `PI` while holding one of those. One global lock (Linux has one per
//! rt_mutex plus the chain-walk protocol) keeps the walk simple; contended
//! PI futexes are rare next to plain ones, which never touch it.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use core::task::{Context, Poll, Waker};

use abi::{Errno, KResult};
use ksync::SpinLock;
use mm::{Access, AddressSpace};

use super::FutexKey;

mod requeue;
pub use requeue::{RequeuePi, Requeued, cmp_requeue_pi, requeue_waiters_exist};
use crate::process::exit::FUTEXES;
use crate::process::table::find_thread;
use crate::process::thread::Thread;

pub const FUTEX_WAITERS: u32 = 0x8000_0000;
pub const FUTEX_OWNER_DIED: u32 = 0x4000_0000;
pub const FUTEX_TID_MASK: u32 = 0x3fff_ffff;

/// Longest chain a walk follows (Linux's max_lock_depth); a longer one is
/// treated as a deadlock, as Linux does.
const MAX_LOCK_DEPTH: usize = 1024;

const WAITING: u8 = 0;
const GRANTED: u8 = 1;
/// Granted because the previous owner died: the new owner fixes the word.
const GRANTED_OWNER_DIED: u8 = 2;

/// One thread blocked in FUTEX_LOCK_PI.
pub struct PiWaiter {
    thread: Arc<Thread>,
    state: AtomicU8,
    waker: SpinLock<Option<Waker>>,
}

impl PiWaiter {
    fn grant(&self, how: u8) {
        self.state.store(how, Ordering::Release);
        if let Some(w) = self.waker.lock().take() {
            w.wake();
        }
    }

    fn outcome(&self) -> u8 {
        self.state.load(Ordering::Acquire)
    }
}

/// The kernel side of one contended PI futex.
struct PiState {
    owner: Arc<Thread>,
    /// Highest priority first; first come first within a priority.
    waiters: Vec<Arc<PiWaiter>>,
}

impl PiState {
    fn insert(&mut self, waiter: Arc<PiWaiter>) {
        let prio = waiter_priority(&waiter.thread);
        let at = self.waiters.iter().position(|w| waiter_priority(&w.thread) < prio).unwrap_or(self.waiters.len());
        self.waiters.insert(at, waiter);
    }

    /// Re-sorts after a waiter's priority changed (stable: ties keep their
    /// order).
    fn resort(&mut self) {
        self.waiters.sort_by_key(|w| core::cmp::Reverse(waiter_priority(&w.thread)));
    }
}

/// All PI state, under one lock (see the module comment).
pub struct PiTable {
    states: BTreeMap<FutexKey, PiState>,
    /// What each blocked thread (by `Arc` address) waits on.
    blocked: BTreeMap<usize, FutexKey>,
}

pub static PI: SpinLock<PiTable> = SpinLock::new(PiTable { states: BTreeMap::new(), blocked: BTreeMap::new() });

/// Number of live states: lets FUTEX_WAKE skip the lock when there are
/// none.
static STATES: AtomicUsize = AtomicUsize::new(0);

fn id(t: &Arc<Thread>) -> usize {
    Arc::as_ptr(t) as usize
}

/// The priority a waiter is queued by and lends: its effective real-time
/// priority (1..=99, its own boost included), 0 for other policies.
fn waiter_priority(t: &Thread) -> u8 {
    super::pi_sched::effective_rt_priority(t).unwrap_or(0)
}

/// What one attempt under the lock decided.
enum Step<T> {
    Done(KResult<T>),
    /// The word was not accessible without a fault: fault it in for
    /// writing with the lock dropped, then try again (EFAULT if it cannot
    /// be).
    Fault,
    /// The word changed under us: try again.
    Again,
}

/// What `acquire_atomic` did.
enum Attach {
    /// The word is the thread's now.
    Acquired,
    /// Someone owns it and a state names that owner.
    Attached,
}

fn cmpxchg<T>(vm: &AddressSpace, addr: usize, old: u32, new: u32) -> Result<(), Step<T>> {
    match vm.try_cmpxchg_u32(addr, old, new) {
        Err(e) => Err(Step::Done(Err(e))),
        Ok(None) => Err(Step::Fault),
        Ok(Some(seen)) if seen != old => Err(Step::Again),
        Ok(Some(_)) => Ok(()),
    }
}

/// How FUTEX_LOCK_PI went without blocking.
pub enum LockOutcome {
    /// The caller owns the futex now.
    Acquired,
    /// The caller is queued: await the wait (with its timeout and signals).
    Queued(PiWait),
}

/// Whether `key` has PI waiters (FUTEX_WAKE, REQUEUE and WAKE_OP refuse
/// such a futex with EINVAL, as Linux does for a futex_q with pi_state).
pub fn has_waiters(key: FutexKey) -> bool {
    STATES.load(Ordering::Acquire) != 0 && PI.lock().states.contains_key(&key)
}

/// FUTEX_LOCK_PI / LOCK_PI2 / TRYLOCK_PI up to blocking (Linux's
/// `futex_lock_pi` and `futex_lock_pi_atomic`).
pub fn lock(thread: &Arc<Thread>, vm: &AddressSpace, key: FutexKey, addr: usize, trylock: bool) -> KResult<LockOutcome> {
    loop {
        let step = PI.lock().lock_attempt(thread, vm, key, addr, trylock);
        match step {
            Step::Done(r) => return r,
            Step::Fault => vm.fault_in(addr, Access::Write)?,
            Step::Again => continue,
        }
    }
}

/// FUTEX_UNLOCK_PI (Linux's `futex_unlock_pi` and `wake_futex_pi`).
pub fn unlock(thread: &Arc<Thread>, vm: &AddressSpace, key: FutexKey, addr: usize) -> KResult<()> {
    loop {
        let step = PI.lock().unlock_attempt(thread, vm, key, addr);
        match step {
            Step::Done(r) => return r,
            Step::Fault => vm.fault_in(addr, Access::Write)?,
            Step::Again => continue,
        }
    }
}

/// A dying thread gives up the PI futexes it owns: each goes to its top
/// waiter, which finds FUTEX_OWNER_DIED in the word (Linux's
/// `exit_pi_state_list`). After this, an attempt to attach to the thread
/// as owner gets ESRCH.
pub fn exit(thread: &Arc<Thread>) {
    let mut table = PI.lock();
    thread.mark_futex_dead();
    let owned: Vec<FutexKey> =
        table.states.iter().filter(|(_, s)| Arc::ptr_eq(&s.owner, thread)).map(|(k, _)| *k).collect();
    for key in owned {
        table.hand_off(key, GRANTED_OWNER_DIED);
    }
}

/// A thread's own priority changed (sched_setscheduler and friends): if
/// it waits on a PI futex its place in the queue and the boosts down the
/// chain follow (Linux's `rt_mutex_adjust_pi`).
pub fn priority_changed(thread: &Arc<Thread>) {
    if STATES.load(Ordering::Acquire) == 0 {
        return;
    }
    PI.lock().propagate(thread.clone());
}

impl PiTable {
    /// Linux's `futex_lock_pi_atomic` for `thread` (the caller, or the top
    /// waiter of a CMP_REQUEUE_PI): takes a free word, or sets
    /// FUTEX_WAITERS and makes sure a state names the owner. With
    /// `set_waiters` (requeue with waiters to follow) a taken word gets
    /// FUTEX_WAITERS and a state owned by `thread`.
    ///
    /// `plain_waiters` says whether FUTEX_WAIT waiters sit on the word
    /// (then it is no PI futex: EINVAL).
    fn acquire_atomic(
        &mut self,
        thread: &Arc<Thread>,
        vm: &AddressSpace,
        key: FutexKey,
        addr: usize,
        set_waiters: bool,
        plain_waiters: impl FnOnce() -> bool,
    ) -> Step<Attach> {
        let tid = thread.tid() as u32;
        let uval = match vm.try_load_u32(addr) {
            Err(e) => return Step::Done(Err(e)),
            Ok(None) => return Step::Fault,
            Ok(Some(v)) => v,
        };
        if uval & FUTEX_TID_MASK == tid {
            return Step::Done(Err(Errno::EDEADLK));
        }
        let pid = uval & FUTEX_TID_MASK;
        if let Some(state) = self.states.get(&key) {
            // attach_to_pi_state: the word must name the state's owner,
            // or be 0 with OWNER_DIED while an owner's death is handled.
            let dying = uval & FUTEX_OWNER_DIED != 0 && pid == 0;
            if !dying && pid != state.owner.tid() as u32 {
                return Step::Done(Err(Errno::EINVAL));
            }
            return Step::Done(Ok(Attach::Attached));
        }
        if plain_waiters() {
            return Step::Done(Err(Errno::EINVAL));
        }
        if pid == 0 {
            // Free (after a death, or a user unlock that left a bit):
            // take it, keeping OWNER_DIED for the new owner to see.
            let waiters = if set_waiters { FUTEX_WAITERS } else { 0 };
            if let Err(step) = cmpxchg(vm, addr, uval, (uval & FUTEX_OWNER_DIED) | waiters | tid) {
                return step;
            }
            if set_waiters {
                self.states.insert(key, PiState { owner: thread.clone(), waiters: Vec::new() });
                STATES.fetch_add(1, Ordering::AcqRel);
            }
            return Step::Done(Ok(Attach::Acquired));
        }
        // First waiter: set WAITERS so the owner's unlock comes here,
        // then find the owner (attach_to_pi_owner).
        let new = uval | FUTEX_WAITERS;
        if let Err(step) = cmpxchg(vm, addr, uval, new) {
            return step;
        }
        let Some(owner) = find_thread(pid as i32).filter(|o| !o.futex_dead()) else {
            // handle_exit_race: an owner that left without a robust list
            // entry, or a bogus TID: ESRCH unless the word moved.
            return match vm.try_load_u32(addr) {
                Err(e) => Step::Done(Err(e)),
                Ok(None) => Step::Fault,
                Ok(Some(v)) if v != new => Step::Again,
                Ok(Some(_)) => Step::Done(Err(Errno::ESRCH)),
            };
        };
        self.states.insert(key, PiState { owner, waiters: Vec::new() });
        STATES.fetch_add(1, Ordering::AcqRel);
        Step::Done(Ok(Attach::Attached))
    }

    fn lock_attempt(&mut self, thread: &Arc<Thread>, vm: &AddressSpace, key: FutexKey, addr: usize, trylock: bool) -> Step<LockOutcome> {
        match self.acquire_atomic(thread, vm, key, addr, false, || FUTEXES.waiters(key) > 0) {
            Step::Done(Ok(Attach::Attached)) => {}
            Step::Done(Ok(Attach::Acquired)) => return Step::Done(Ok(LockOutcome::Acquired)),
            Step::Done(Err(e)) => return Step::Done(Err(e)),
            Step::Fault => return Step::Fault,
            Step::Again => return Step::Again,
        }
        if trylock {
            // A state made for this attempt and left without waiters goes.
            self.drop_if_empty(key);
            return Step::Done(Err(Errno::EAGAIN));
        }
        match self.enqueue(thread, key) {
            Ok(waiter) => Step::Done(Ok(LockOutcome::Queued(PiWait { waiter }))),
            Err(e) => Step::Done(Err(e)),
        }
    }

    /// Queues `thread` behind the owner of `key` (which has a state):
    /// EDEADLK if the owner waits, directly or down a chain, for `thread`.
    /// The owner chain inherits the waiter's priority.
    fn enqueue(&mut self, thread: &Arc<Thread>, key: FutexKey) -> KResult<Arc<PiWaiter>> {
        let Some(owner) = self.states.get(&key).map(|s| s.owner.clone()) else { return Err(Errno::EINVAL) };
        if self.chain_reaches(&owner, thread) {
            self.drop_if_empty(key);
            return Err(Errno::EDEADLK);
        }
        let waiter = Arc::new(PiWaiter { thread: thread.clone(), state: AtomicU8::new(WAITING), waker: SpinLock::new(None) });
        if let Some(state) = self.states.get_mut(&key) {
            state.insert(waiter.clone());
        }
        self.blocked.insert(id(thread), key);
        self.propagate(owner);
        Ok(waiter)
    }

    fn unlock_attempt(&mut self, thread: &Arc<Thread>, vm: &AddressSpace, key: FutexKey, addr: usize) -> Step<()> {
        let tid = thread.tid() as u32;
        let uval = match vm.try_load_u32(addr) {
            Err(e) => return Step::Done(Err(e)),
            Ok(None) => return Step::Fault,
            Ok(Some(v)) => v,
        };
        if uval & FUTEX_TID_MASK != tid {
            return Step::Done(Err(Errno::EPERM));
        }
        let Some(state) = self.states.get(&key) else {
            if FUTEXES.waiters(key) > 0 {
                return Step::Done(Err(Errno::EINVAL));
            }
            // No kernel state: neither WAITERS nor OWNER_DIED is kept.
            return match vm.try_cmpxchg_u32(addr, uval, 0) {
                Err(e) => Step::Done(Err(e)),
                Ok(None) => Step::Fault,
                Ok(Some(seen)) if seen != uval => Step::Done(Err(Errno::EAGAIN)),
                Ok(Some(_)) => Step::Done(Ok(())),
            };
        };
        // The word says we own it but the kernel says otherwise: user
        // space wrote the word.
        if !Arc::ptr_eq(&state.owner, thread) {
            return Step::Done(Err(Errno::EINVAL));
        }
        let next = state.waiters[0].thread.tid() as u32;
        match vm.try_cmpxchg_u32(addr, uval, FUTEX_WAITERS | next) {
            Err(e) => return Step::Done(Err(e)),
            Ok(None) => return Step::Fault,
            Ok(Some(seen)) if seen != uval => return Step::Again,
            Ok(Some(_)) => {}
        }
        self.hand_off(key, GRANTED);
        self.propagate(thread.clone());
        Step::Done(Ok(()))
    }

    /// Makes the top waiter of `key` its owner and wakes it.
    fn hand_off(&mut self, key: FutexKey, how: u8) {
        let Some(state) = self.states.get_mut(&key) else { return };
        if state.waiters.is_empty() {
            return;
        }
        let top = state.waiters.remove(0);
        state.owner = top.thread.clone();
        self.blocked.remove(&id(&top.thread));
        self.drop_if_empty(key);
        top.grant(how);
        // The new owner inherits from the waiters left behind.
        self.propagate(top.thread.clone());
    }

    fn drop_if_empty(&mut self, key: FutexKey) {
        if self.states.get(&key).is_some_and(|s| s.waiters.is_empty()) {
            self.states.remove(&key);
            STATES.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Whether following "waits on a futex owned by" from `start` reaches
    /// `target` (or runs longer than MAX_LOCK_DEPTH).
    fn chain_reaches(&self, start: &Arc<Thread>, target: &Arc<Thread>) -> bool {
        let mut cur = start.clone();
        for _ in 0..MAX_LOCK_DEPTH {
            if Arc::ptr_eq(&cur, target) {
                return true;
            }
            let Some(state) = self.blocked.get(&id(&cur)).and_then(|k| self.states.get(k)) else {
                return false;
            };
            cur = state.owner.clone();
        }
        true
    }

    /// The boost `owner` is owed: the highest priority among the top
    /// waiters of the futexes it owns.
    fn boost_of(&self, owner: &Arc<Thread>) -> Option<u8> {
        self.states
            .values()
            .filter(|s| Arc::ptr_eq(&s.owner, owner))
            .filter_map(|s| s.waiters.first())
            .map(|w| waiter_priority(&w.thread))
            .filter(|&p| p > 0)
            .max()
    }

    /// Recomputes `from`'s boost and carries the change along the chain of
    /// owners it waits for (Linux's `rt_mutex_adjust_prio_chain`).
    fn propagate(&mut self, from: Arc<Thread>) {
        let mut cur = from;
        for _ in 0..MAX_LOCK_DEPTH {
            let boost = self.boost_of(&cur);
            super::pi_sched::set_pi_boost(&cur, boost);
            let Some(key) = self.blocked.get(&id(&cur)).copied() else { return };
            let Some(state) = self.states.get_mut(&key) else { return };
            state.resort();
            cur = state.owner.clone();
        }
    }

    /// Takes a waiter out after a timeout or signal; false if it was
    /// granted the futex first (then it owns it).
    fn cancel(&mut self, waiter: &Arc<PiWaiter>) -> bool {
        if waiter.outcome() != WAITING {
            return false;
        }
        // Not granted, so it is queued: an entry missing here would be a
        // bug, and reporting the futex as ours would be a worse one.
        let Some(key) = self.blocked.remove(&id(&waiter.thread)) else { return true };
        let Some(state) = self.states.get_mut(&key) else { return true };
        state.waiters.retain(|w| !Arc::ptr_eq(w, waiter));
        let owner = state.owner.clone();
        self.drop_if_empty(key);
        self.propagate(owner);
        true
    }
}

/// A queued FUTEX_LOCK_PI; completes when the caller owns the futex.
/// Dropping it unfinished takes the waiter out.
pub struct PiWait {
    waiter: Arc<PiWaiter>,
}

impl Future for PiWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.waiter.outcome() != WAITING {
            return Poll::Ready(());
        }
        *self.waiter.waker.lock() = Some(cx.waker().clone());
        // Re-check after registering: a grant in between found no waker.
        if self.waiter.outcome() != WAITING { Poll::Ready(()) } else { Poll::Pending }
    }
}

impl PiWait {
    /// Gives up waiting (timeout, signal). False when the futex was
    /// handed to us first: the caller owns it and reports success, as
    /// Linux's `rt_mutex_cleanup_proxy_lock` makes futex_lock_pi do.
    pub fn cancel(&self) -> bool {
        PI.lock().cancel(&self.waiter)
    }

    /// After the hand-off: an owner that died left the word naming it (or
    /// 0); the new owner stores its TID | WAITERS | OWNER_DIED so user
    /// space sees the death (Linux's `fixup_pi_state_owner`).
    pub fn finish(&self, vm: &AddressSpace, addr: usize) -> KResult<()> {
        if self.waiter.outcome() != GRANTED_OWNER_DIED {
            return Ok(());
        }
        let new = self.waiter.thread.tid() as u32 | FUTEX_WAITERS | FUTEX_OWNER_DIED;
        loop {
            let step: Step<()> = {
                let _table = PI.lock();
                match vm.try_load_u32(addr) {
                    Err(e) => Step::Done(Err(e)),
                    Ok(None) => Step::Fault,
                    Ok(Some(uval)) => match vm.try_cmpxchg_u32(addr, uval, new) {
                        Err(e) => Step::Done(Err(e)),
                        Ok(None) => Step::Fault,
                        Ok(Some(seen)) if seen != uval => Step::Again,
                        Ok(Some(_)) => Step::Done(Ok(())),
                    },
                }
            };
            match step {
                Step::Done(r) => return r,
                Step::Fault => vm.fault_in(addr, Access::Write)?,
                Step::Again => continue,
            }
        }
    }
}

impl Drop for PiWait {
    fn drop(&mut self) {
        if self.waiter.outcome() == WAITING {
            PI.lock().cancel(&self.waiter);
        }
    }
}
