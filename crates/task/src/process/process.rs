//! A process (thread group): what its threads share that is not a
//! clone-flag resource — identity, members, shared pending signals, limits,
//! credentials, accounting, job-control state, and the queue its parent's
//! wait4 sleeps on.

pub use super::group_stop::StopState;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};

use ksync::SpinLock;
use runtime::sync::WaitQueue;

use super::thread::Thread;
use crate::cred::Cred;
use crate::rlimit::Rlimits;
use crate::signal::SigPending;
use crate::topology::Pid;

/// CPU time of dead threads and reaped children, in nanoseconds.
#[derive(Default)]
pub struct GroupTimes {
    /// Threads of this process that have exited.
    pub dead_user_ns: AtomicU64,
    pub dead_system_ns: AtomicU64,
    /// Children reaped by this process (their whole totals).
    pub children_user_ns: AtomicU64,
    pub children_system_ns: AtomicU64,
    /// Resident-set peak, in pages, of the address spaces this process
    /// left (exec) or its threads released (exit) (Linux signal->maxrss).
    pub maxrss_pages: AtomicUsize,
    /// The largest peak of a reaped child or its own reaped children
    /// (Linux signal->cmaxrss).
    pub children_maxrss_pages: AtomicUsize,
}

/// One thread group.
pub struct Process {
    pid: Pid,
    /// The parent's TGID, as the topology says (0 for init). A copy kept
    /// for getppid, written under TABLE wherever the topology sets it.
    parent_pid: AtomicI32,
    /// The tid of the parent's thread that created us (Linux's
    /// `real_parent`), whose exit sends PR_SET_PDEATHSIG signals.
    parent_thread: AtomicI32,
    /// PR_SET_THP_DISABLE (Linux's MMF_DISABLE_THP: kept across fork and
    /// execve). weft never uses transparent huge pages for user memory, so
    /// this is only reported back.
    pub thp_disabled: AtomicBool,
    /// Live threads by tid: adding or removing one is O(log n), so a
    /// process of 100,000 threads that all exit does not take O(n^2).
    /// Lock order: TABLE -> threads -> a thread's signal locks.
    threads: SpinLock<BTreeMap<Pid, Arc<Thread>>>,
    /// Process-directed signals not yet taken by a thread.
    pub shared_pending: SpinLock<SigPending>,
    /// The parent's wait4 sleeps on its own process's queue; a child's
    /// state change wakes its parent's queue.
    pub child_wait: WaitQueue,
    pub limits: SpinLock<Rlimits>,
    pub cred: SpinLock<Cred>,
    pub times: GroupTimes,
    /// exit_group or a fatal signal started the group's death.
    exiting: AtomicBool,
    /// PR_SET_DUMPABLE: whether a core-dumping signal would dump a core.
    pub dumpable: AtomicBool,
    pub stop: SpinLock<StopState>,
    /// Woken whenever one of the threads finishes exiting (de-threading
    /// execve waits here for the others to be gone).
    pub thread_exited: WaitQueue,
    /// Threads parked in a group stop wait here for SIGCONT.
    pub continued: WaitQueue,
    /// Path of the program (for /proc/<pid>/exe and comm).
    pub exe: SpinLock<Vec<u8>>,
    /// argv and envp as given to execve (for /proc/<pid>/cmdline, environ).
    pub cmdline: SpinLock<Vec<u8>>,
    pub environ: SpinLock<Vec<u8>>,
    /// ITIMER_REAL / alarm(2): deadline in ns since boot (0: off) and interval.
    pub real_timer: SpinLock<(u64, u64)>,
    /// Generation of `real_timer`, so a re-armed timer's old task stops.
    pub real_timer_gen: AtomicU64,
    /// The task that fires `real_timer`'s current setting.
    pub real_timer_task: super::expiry::ExpirySlot,
    /// timer_create's timers.
    pub timers: super::posix_timer::PosixTimers,
    /// ITIMER_VIRTUAL and ITIMER_PROF.
    pub cpu_itimers: super::cpu_itimer::CpuItimers,
    /// Readers and pollers of signalfds, woken whenever a signal is queued
    /// for the process or one of its threads.
    pub signalfd_waiters: SpinLock<fs::WakerList>,
    /// Pollers of pidfds, woken when the last thread has exited.
    pub exit_waiters: SpinLock<fs::WakerList>,
    /// membarrier(2) registrations (MEMBARRIER_CMD_REGISTER_* bits).
    pub membarrier_registered: core::sync::atomic::AtomicU32,
    /// Nanoseconds since boot at creation.
    pub start_ns: u64,
}

impl Process {
    pub(crate) fn new(pid: Pid, limits: Rlimits, cred: Cred, start_ns: u64) -> Arc<Process> {
        Arc::new(Process {
            pid,
            parent_pid: AtomicI32::new(0),
            parent_thread: AtomicI32::new(0),
            thp_disabled: AtomicBool::new(false),
            threads: SpinLock::new(BTreeMap::new()),
            shared_pending: SpinLock::new(SigPending::default()),
            child_wait: WaitQueue::new(),
            limits: SpinLock::new(limits),
            cred: SpinLock::new(cred),
            times: GroupTimes::default(),
            exiting: AtomicBool::new(false),
            dumpable: AtomicBool::new(true),
            stop: SpinLock::new(StopState::default()),
            thread_exited: WaitQueue::new(),
            continued: WaitQueue::new(),
            exe: SpinLock::new(Vec::new()),
            cmdline: SpinLock::new(Vec::new()),
            environ: SpinLock::new(Vec::new()),
            real_timer: SpinLock::new((0, 0)),
            real_timer_gen: AtomicU64::new(0),
            real_timer_task: super::expiry::ExpirySlot::new(),
            timers: Default::default(),
            cpu_itimers: Default::default(),
            signalfd_waiters: SpinLock::new(fs::WakerList::new()),
            exit_waiters: SpinLock::new(fs::WakerList::new()),
            membarrier_registered: core::sync::atomic::AtomicU32::new(0),
            start_ns,
        })
    }

    /// The process id (TGID).
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// The parent's TGID (getppid), 0 for init.
    pub fn parent_pid(&self) -> Pid {
        self.parent_pid.load(Ordering::Relaxed)
    }

    /// Called with TABLE held, after the topology changed the parent.
    pub(crate) fn set_parent_pid(&self, parent: Pid) {
        self.parent_pid.store(parent, Ordering::Relaxed);
    }

    /// The tid of the parent thread (`parent_death`).
    pub fn parent_thread(&self) -> Pid {
        self.parent_thread.load(Ordering::Relaxed)
    }

    pub(crate) fn set_parent_thread(&self, tid: Pid) {
        self.parent_thread.store(tid, Ordering::Relaxed);
    }

    /// A snapshot of the live threads.
    /// The live threads, by tid: O(n).
    pub fn threads(&self) -> Vec<Arc<Thread>> {
        self.threads.lock().values().cloned().collect()
    }

    /// The tids of the live threads, in order (no thread is copied).
    pub fn thread_ids(&self) -> Vec<Pid> {
        self.threads.lock().keys().copied().collect()
    }

    /// Live thread `tid` of this process: O(log n).
    pub fn thread(&self, tid: Pid) -> Option<Arc<Thread>> {
        self.threads.lock().get(&tid).cloned()
    }

    /// Whether `tid` is a live thread of this process: O(log n).
    pub fn has_thread(&self, tid: Pid) -> bool {
        self.threads.lock().contains_key(&tid)
    }

    pub fn thread_count(&self) -> usize {
        self.threads.lock().len()
    }

    /// The leader while it lives, else the live thread with the lowest tid
    /// (None once all are gone): O(log n), for what any thread answers
    /// (the shared signal actions, the address space, the name).
    pub fn first_thread(&self) -> Option<Arc<Thread>> {
        let threads = self.threads.lock();
        threads.get(&self.pid).or_else(|| threads.values().next()).cloned()
    }

    pub(crate) fn add_thread(&self, thread: Arc<Thread>) {
        self.threads.lock().insert(thread.tid(), thread);
    }

    /// Removes a thread; returns how many remain.
    pub(crate) fn remove_thread(&self, thread: &Arc<Thread>) -> usize {
        let mut threads = self.threads.lock();
        if threads.get(&thread.tid()).is_some_and(|t| Arc::ptr_eq(t, thread)) {
            threads.remove(&thread.tid());
        }
        threads.len()
    }

    /// A thread's tid changed from `old` to its own (execve by a thread
    /// that is not the leader takes the leader's id).
    pub(crate) fn rekey_thread(&self, old: Pid, thread: &Arc<Thread>) {
        let mut threads = self.threads.lock();
        if let Some(t) = threads.remove(&old) {
            debug_assert!(Arc::ptr_eq(&t, thread));
            threads.insert(thread.tid(), t);
        }
    }

    pub fn is_exiting(&self) -> bool {
        self.exiting.load(Ordering::Acquire)
    }

    pub(crate) fn set_exiting(&self) -> bool {
        !self.exiting.swap(true, Ordering::AcqRel)
    }

    /// The (user, system) CPU time of the whole group: live threads, dead
    /// threads (times(2), RUSAGE_SELF).
    pub fn cpu_time(&self) -> (u64, u64) {
        let (mut user, mut system) = (
            self.times.dead_user_ns.load(Ordering::Relaxed),
            self.times.dead_system_ns.load(Ordering::Relaxed),
        );
        // (Host tests have no runtime: no thread is running there.)
        let now = if runtime::is_initialized() { runtime::now_ns() } else { 0 };
        for t in self.threads.lock().values() {
            let (u, s) = t.cpu_time.adjusted(now);
            user += u;
            system += s;
        }
        (user, system)
    }

    /// The group's CPU time to the nanosecond, running stretches included
    /// (CLOCK_PROCESS_CPUTIME_ID).
    pub fn cpu_total(&self, now_ns: u64) -> u64 {
        let dead = self.times.dead_user_ns.load(Ordering::Relaxed) + self.times.dead_system_ns.load(Ordering::Relaxed);
        dead + self.threads.lock().values().map(|t| t.cpu_time.total(now_ns)).sum::<u64>()
    }

    /// Counts CPU time one of the threads just spent against the CPU-time
    /// itimers, and sends the signals of those that expired.
    pub fn charge_cpu(self: &Arc<Self>, user_ns: u64, system_ns: u64) {
        for sig in self.cpu_itimers.charge(user_ns, system_ns) {
            let _ = super::signal_send::send_to_process(self, crate::signal::SigInfo::kernel(sig));
        }
    }

    /// A signal was queued for the process or one of its threads: signalfd
    /// readers look again.
    pub fn wake_signalfd_waiters(&self) {
        let mut waiters = self.signalfd_waiters.lock();
        if waiters.is_empty() {
            return;
        }
        let mut woken = waiters.take();
        drop(waiters);
        woken.wake_all();
    }

    /// Records the resident peak of an address space a thread leaves.
    pub fn note_rss_peak(&self, pages: usize) {
        self.times.maxrss_pages.fetch_max(pages, Ordering::Relaxed);
    }

    /// ru_maxrss of RUSAGE_SELF, in pages: the peak of the address spaces
    /// left so far and of the one in use.
    pub fn maxrss_pages(&self) -> usize {
        // The thread list's lock is released before the address space's.
        let first = self.first_thread();
        let live = first.and_then(|t| t.try_vm()).map_or(0, |vm| vm.rss_peak_pages());
        live.max(self.times.maxrss_pages.load(Ordering::Relaxed))
    }

    /// ru_maxrss of RUSAGE_CHILDREN, in pages.
    pub fn children_maxrss_pages(&self) -> usize {
        self.times.children_maxrss_pages.load(Ordering::Relaxed)
    }

    /// CPU time of reaped children (RUSAGE_CHILDREN).
    pub fn children_cpu_time(&self) -> (u64, u64) {
        (self.times.children_user_ns.load(Ordering::Relaxed), self.times.children_system_ns.load(Ordering::Relaxed))
    }

    /// The name shown by ps: the main thread's comm, or the first live
    /// thread's.
    pub fn comm(&self) -> [u8; super::thread::COMM_LEN] {
        self.first_thread().map(|t| t.comm()).unwrap_or_default()
    }
}
