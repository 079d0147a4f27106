//! Ending threads and processes (Linux's `do_exit`, `do_group_exit`,
//! `exit_notify`, `release_task`).
//!
//! Order of a thread's exit, each step after the previous one:
//! 1. `exit_robust_list`, the PI futexes it owns handed to their waiters
//!    (`futex::pi::exit`), and `exit_clear_child_tid` (needs the thread's
//!    address space; pthread_join waits on the CLEARTID futex);
//! 2. vfork parent released;
//! 3. CPU time moved to the group's dead-thread totals;
//! 4. under TABLE: the thread leaves the table and the topology; the last
//!    one makes the group a zombie, applies its SEM_UNDO adjustments
//!    (`ipc::sem::exit_undo`; their waiters are woken after TABLE) and
//!    hands its children to a reaper;
//! 3b. the thread drops its address space, files and fs context;
//! 5. after TABLE: the parent is signalled and its waiters woken (or the
//!    zombie is reaped at once when the parent ignores SIGCHLD).

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use super::process::Process;
use super::signal_send::{self, notify_parent};
use super::table::TABLE;
use super::thread::Thread;
use crate::futex::pi::{FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS};
use crate::futex::{BITSET_ANY, FutexKey};
use crate::signal::{SIGKILL, SigInfo};
use crate::topology::{GroupDeath, Pid};
use crate::wait_status::WaitStatus;

/// The futex table shared by the whole kernel.
pub static FUTEXES: ksync::Lazy<crate::futex::FutexTable> = ksync::Lazy::new(crate::futex::FutexTable::new);

/// Linux's ROBUST_LIST_LIMIT: walks stop after this many entries.
const ROBUST_LIST_LIMIT: usize = 2048;

/// Starts the death of `thread`'s whole group with `status` (exit_group,
/// or a fatal signal). Every member, the caller included, is asked to
/// leave; the first status wins.
pub fn exit_group(thread: &Thread, status: WaitStatus) {
    group_exit(thread.process(), status);
}

/// Starts the death of `process` (see `exit_group`).
///
/// A core-dumping signal sets WCOREDUMP only where Linux would write a core
/// file: the process is dumpable and RLIMIT_CORE is not 0. weft writes no
/// file, but reports what Linux would.
pub fn group_exit(process: &Arc<Process>, status: WaitStatus) {
    let status = match status {
        WaitStatus::Signaled { signal, core: true } => {
            let would_dump = process.dumpable.load(Ordering::Relaxed)
                && process.limits.lock().cur(crate::rlimit::RLIMIT_CORE) != 0;
            WaitStatus::Signaled { signal, core: would_dump }
        }
        other => other,
    };
    let members = TABLE.lock().topo.group_exit(process.pid(), status);
    if members.is_some() {
        process.set_exiting();
        for t in process.threads() {
            t.request_exit();
        }
        // A stopped group must run to die.
        process.stop.lock().cont();
        process.continued.wake_all();
    }
}

/// The key of a futex word at `addr` in `thread`'s address space, private
/// or shared as the caller asks.
pub fn futex_key(thread: &Thread, addr: u64, private: bool) -> abi::KResult<FutexKey> {
    let vm = thread.vm();
    if private {
        return Ok(FutexKey::Private { space: vm.id() as usize, addr });
    }
    match vm.translate_for_futex(addr as usize)? {
        mm::FutexKey::Private { space, addr } => Ok(FutexKey::Private { space: space as usize, addr: addr as u64 }),
        mm::FutexKey::Shared { phys } => Ok(FutexKey::Shared { phys }),
    }
}

/// CLONE_CHILD_CLEARTID: zero the tid word and wake one waiter
/// (pthread_join). Errors are ignored, as Linux does.
fn exit_clear_child_tid(thread: &Thread) {
    let addr = thread.clear_child_tid.swap(0, Ordering::Relaxed);
    if addr == 0 {
        return;
    }
    let vm = thread.vm();
    if vm.write_val(addr as usize, &0u32).is_ok() {
        // A shared wake: the waiter may use either flavour, and a shared key
        // for a private mapping is the private key.
        if let Ok(key) = futex_key(thread, addr, false) {
            FUTEXES.wake(key, 1, BITSET_ANY);
        }
        if let Ok(key) = futex_key(thread, addr, true) {
            FUTEXES.wake(key, 1, BITSET_ANY);
        }
    }
}

/// Walks the robust futex list (set_robust_list): every lock the dying
/// thread holds gets FUTEX_OWNER_DIED and, for a plain futex, one waiter is
/// woken (kernel/futex/core.c `exit_robust_list`, `handle_futex_death`).
/// An entry pointer with bit 0 set is a PI futex: its waiters are handed
/// the lock by `pi::exit`, which runs next.
fn exit_robust_list(thread: &Thread) {
    let (head, _len) = *thread.robust_list.lock();
    if head == 0 {
        return;
    }
    let vm = thread.vm();
    // The head is any value the thread chose: a field past the end of the
    // address space reads as a fault.
    let read = |addr: u64, field: u64| vm.read_val::<u64>(addr.checked_add(field)? as usize).ok();
    // struct robust_list_head { next; long futex_offset; list_op_pending; }
    let (Some(first), Some(offset), Some(pending)) = (read(head, 0), read(head, 8), read(head, 16)) else {
        return;
    };
    // Bit 0 of an entry pointer marks a PI futex (fetch_robust_entry).
    let split = |raw: u64| (raw & !1, raw & 1 != 0);
    let (pending, pending_pi) = split(pending);
    let tid = thread.tid() as u32;
    // False when the word is misaligned or unreachable: the walk stops.
    let handle = |entry: u64, pi: bool, pending_op: bool| -> bool {
        let word = entry.wrapping_add(offset) as usize;
        if !word.is_multiple_of(4) {
            return false;
        }
        loop {
            let Ok(value) = vm.load_u32(word) else { return false };
            let owner = value & FUTEX_TID_MASK;
            // An unlock interrupted between clearing the word and waking
            // a waiter: do the wake it would have done.
            if pending_op && !pi && owner == 0 {
                wake_both(thread, word as u64);
                return true;
            }
            if owner != tid {
                return true;
            }
            let new = (value & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
            match vm.cmpxchg_u32(word, value, new) {
                Ok(seen) if seen != value => continue,
                Ok(_) => {}
                Err(_) => return true,
            }
            if !pi && value & FUTEX_WAITERS != 0 {
                wake_both(thread, word as u64);
            }
            return true;
        }
    };
    let (mut entry, mut pi) = split(first);
    let mut walked = 0;
    while entry != head && entry != 0 && walked < ROBUST_LIST_LIMIT {
        let next = read(entry, 0);
        if entry != pending && !handle(entry, pi, false) {
            return;
        }
        let Some(next) = next else { break };
        (entry, pi) = split(next);
        walked += 1;
    }
    if pending != 0 {
        handle(pending, pending_pi, true);
    }
}

/// Wakes one waiter of the word at `addr` under either key flavour: the
/// waiter may have used FUTEX_PRIVATE or not.
fn wake_both(thread: &Thread, addr: u64) {
    for private in [false, true] {
        if let Ok(key) = futex_key(thread, addr, private) {
            FUTEXES.wake(key, 1, BITSET_ANY);
        }
    }
}

/// Finishes a thread that left its user loop. `status` is its own exit
/// status (exit(2)'s code, or the killing signal).
pub fn exit_thread(thread: &Arc<Thread>, status: WaitStatus) {
    exit_robust_list(thread);
    crate::futex::pi::exit(thread);
    exit_clear_child_tid(thread);
    if let Some(done) = thread.vfork_done.lock().take() {
        done.set();
    }
    let process = thread.process().clone();
    process.times.dead_user_ns.fetch_add(thread.cpu_time.user(), Ordering::Relaxed);
    process.times.dead_system_ns.fetch_add(thread.cpu_time.system(), Ordering::Relaxed);
    // Memory and files go back before anyone is told of the death (Linux's
    // exit_mm/exit_files precede exit_notify): a parent that reaps us then
    // sees every frame free.
    thread.release_resources();

    let (death, orphans, undone) = {
        let mut table = TABLE.lock();
        let orphans = super::parent_death::children_of_thread(&table, thread);
        table.remove_thread(thread.tid());
        process.remove_thread(thread);
        let death = table.topo.thread_exited(thread.tid(), status);
        // SEM_UNDO adjustments go back in the same step that makes the
        // group a zombie, so a parent that reaps it sees them undone
        // (Linux's exit_sem comes before exit_notify). Lock order: the
        // process table, then the semaphore arrays; waiters are woken
        // after the table lock is dropped.
        let undone = death.as_ref().map(|d| ipc::sem::exit_undo(d.tgid));
        for &(child, reaper, _) in death.iter().flat_map(|d| d.reparented.iter()) {
            if let Some(child) = table.process(child) {
                child.set_parent_pid(reaper);
            }
        }
        (death, orphans, undone)
    };
    if let Some(undone) = undone {
        undone.wake();
    }
    if !orphans.is_empty() {
        super::parent_death::notify_children(thread, orphans);
    }
    thread.mark_dead();
    // A thread that leaves during a group stop has done its part.
    super::signal_send::participate_in_stop(thread);
    process.thread_exited.wake_all();
    if let Some(death) = death {
        process.timers.clear();
        process.real_timer_task.clear();
        let mut pidfd_pollers = process.exit_waiters.lock().take();
        pidfd_pollers.wake_all();
        after_group_death(&process, death);
    }
}

/// Tells the parent (and the new parents of reparented zombies).
fn after_group_death(process: &Arc<Process>, death: GroupDeath) {
    if death.tgid == 1 {
        panic!("init (pid 1) exited with {:?}", death.status);
    }
    notify_parent(death.tgid, death.parent, death.exit_signal, death.status, process.cpu_time());
    let zombies: Vec<(Pid, Pid)> = death.reparented.iter().filter(|c| c.2).map(|c| (c.0, c.1)).collect();
    for (child, reaper) in zombies {
        let status = match TABLE.lock().topo.group(child).map(|g| g.state) {
            Some(crate::topology::GroupState::Zombie { status }) => status,
            _ => continue,
        };
        let times = super::table::find_process(child).map(|p| p.cpu_time()).unwrap_or((0, 0));
        notify_parent(child, reaper, crate::signal::SIGCHLD, status, times);
    }
}

/// The status of a thread killed by `sig` (core: WCOREDUMP).
pub fn killed_by(sig: u32, core: bool) -> WaitStatus {
    WaitStatus::Signaled { signal: sig, core }
}

/// kill -9 to every process but init and the caller's (reboot's cleanup).
pub fn kill_all_but(keep: Pid) {
    let victims: Vec<Arc<Process>> =
        TABLE.lock().processes().filter(|p| p.pid() != 1 && p.pid() != keep && p.thread_count() > 0).cloned().collect();
    for p in victims {
        let _ = signal_send::send_to_process(&p, SigInfo::kernel(SIGKILL));
    }
}
