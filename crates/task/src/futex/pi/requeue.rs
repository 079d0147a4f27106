//! FUTEX_WAIT_REQUEUE_PI / FUTEX_CMP_REQUEUE_PI (Linux 6.1
//! kernel/futex/requeue.c): a waiter on a plain futex (a condition
//! variable's word) is moved to a PI futex (the mutex), taking it at once
//! when it is free, or queued behind its owner with inheritance.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicUsize, Ordering};

use abi::{Errno, KResult};
use ksync::SpinLock;
use mm::{Access, AddressSpace};

use super::{Attach, PI, PiTable, PiWait, Step};
use crate::futex::{FutexKey, Visit};
use crate::process::exit::FUTEXES;
use crate::process::thread::Thread;

/// A FUTEX_WAIT_REQUEUE_PI waiter's link to the PI side: the PI futex it
/// may be moved to and what FUTEX_CMP_REQUEUE_PI did with it.
pub struct RequeuePi {
    target: FutexKey,
    thread: Arc<Thread>,
    outcome: SpinLock<Option<Requeued>>,
}

/// What FUTEX_CMP_REQUEUE_PI did with a waiter.
pub enum Requeued {
    /// The PI futex was free: the waiter owns it.
    Acquired,
    /// The waiter now waits for the PI futex, as FUTEX_LOCK_PI would.
    Queued(PiWait),
}

/// Number of live `RequeuePi` links: lets FUTEX_WAKE skip a scan.
static REQUEUE_WAITERS: AtomicUsize = AtomicUsize::new(0);

/// Whether any FUTEX_WAIT_REQUEUE_PI waiter exists.
pub fn requeue_waiters_exist() -> bool {
    REQUEUE_WAITERS.load(Ordering::Acquire) != 0
}

impl RequeuePi {
    pub fn new(thread: Arc<Thread>, target: FutexKey) -> Arc<RequeuePi> {
        REQUEUE_WAITERS.fetch_add(1, Ordering::AcqRel);
        Arc::new(RequeuePi { target, thread, outcome: SpinLock::new(None) })
    }

    /// What the requeue did, once the waiter was taken off the first futex
    /// (set under that futex's bucket lock, before the waiter is woken).
    pub fn take_outcome(&self) -> Option<Requeued> {
        self.outcome.lock().take()
    }
}

impl Drop for RequeuePi {
    fn drop(&mut self) {
        REQUEUE_WAITERS.fetch_sub(1, Ordering::AcqRel);
    }
}

/// FUTEX_CMP_REQUEUE_PI (Linux's `futex_requeue` with requeue_pi): if the
/// word at `addr1` still holds `cmpval`, the top waiter on `key1` takes
/// the PI futex at `addr2` if it is free (and is woken), and up to
/// `nr_requeue` waiters (all of them but the woken one when it was not
/// free) move to wait for it with priority inheritance. Returns how many
/// were woken or moved. The caller checked the arguments (nr_wake 1,
/// distinct futexes).
pub fn cmp_requeue_pi(vm: &AddressSpace, key1: FutexKey, addr1: usize, key2: FutexKey, addr2: usize, nr_requeue: usize, cmpval: u32) -> KResult<usize> {
    loop {
        // Looked at before the locks: the first futex's bucket is held
        // while the second word is examined, and two buckets are only
        // ever taken together lower first (`FutexTable::lock_pair`).
        let plain2 = FUTEXES.waiters(key2) > 0;
        let mut fault = (addr1, Access::Read);
        let step = PI.lock().requeue_attempt(vm, key1, addr1, key2, addr2, nr_requeue, cmpval, plain2, &mut fault);
        match step {
            Step::Done(r) => return r,
            Step::Fault => vm.fault_in(fault.0, fault.1)?,
            Step::Again => continue,
        }
    }
}

impl PiTable {
    #[allow(clippy::too_many_arguments)]
    fn requeue_attempt(
        &mut self,
        vm: &AddressSpace,
        key1: FutexKey,
        addr1: usize,
        key2: FutexKey,
        addr2: usize,
        nr_requeue: usize,
        cmpval: u32,
        plain2: bool,
        fault: &mut (usize, Access),
    ) -> Step<usize> {
        let mut count = 0;
        let mut first = true;
        let check = || match vm.try_load_u32(addr1) {
            Err(e) => Err(Step::Done(Err(e))),
            Ok(None) => Err(Step::Fault),
            Ok(Some(v)) if v != cmpval => Err(Step::Done(Err(Errno::EAGAIN))),
            Ok(Some(_)) => Ok(()),
        };
        let visited = FUTEXES.visit_requeue_pi(key1, check, |link| {
            // One woken or moved plus nr_requeue more at most.
            if count > nr_requeue {
                return Ok(Visit::Stop);
            }
            // A plain waiter, or one that expects another PI futex.
            let Some(link) = link.filter(|l| l.target == key2) else { return Err(Step::Done(Err(Errno::EINVAL))) };
            if first {
                first = false;
                // Try to take the PI futex for the top waiter (Linux's
                // futex_proxy_trylock_atomic); with more to move, the
                // word gets FUTEX_WAITERS and a state.
                match self.acquire_atomic(&link.thread, vm, key2, addr2, nr_requeue > 0, || plain2) {
                    Step::Done(Ok(Attach::Acquired)) => {
                        *link.outcome.lock() = Some(Requeued::Acquired);
                        count += 1;
                        return Ok(Visit::Take);
                    }
                    Step::Done(Ok(Attach::Attached)) => {}
                    Step::Done(Err(e)) => return Err(Step::Done(Err(e))),
                    Step::Fault => {
                        *fault = (addr2, Access::Write);
                        return Err(Step::Fault);
                    }
                    Step::Again => return Err(Step::Again),
                }
            }
            // EDEADLK stops the requeue and leaves this waiter where it is.
            let waiter = self.enqueue(&link.thread, key2).map_err(|e| Step::Done(Err(e)))?;
            *link.outcome.lock() = Some(Requeued::Queued(PiWait { waiter }));
            count += 1;
            Ok(Visit::Take)
        });
        // A state set up for waiters that did not come goes.
        self.drop_if_empty(key2);
        match visited {
            Ok(()) => Step::Done(Ok(count)),
            Err(step) => step,
        }
    }
}
