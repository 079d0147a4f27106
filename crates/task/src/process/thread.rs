//! A thread: what is per thread, and shared resources by clone flag.
//!
//! ```text
//!             copy_thread                      ctx.run() traps
//!  (created) ───────────▶ Running ◀──────────────────────────┐
//!                            │  (1) exit / exit_group / fatal │ syscall,
//!                            ▼      signal seen on the way    │ fault, irq
//!                         Exiting ───(2) exit_thread───▶ Dead │
//!                                                             │
//!                 the user-thread loop (syscall::user_loop) ─┘
//! ```
//! 1. The loop sees `must_exit` at the top of an iteration (set by exit,
//!    exit_group or a fatal signal) and leaves instead of returning to user
//!    mode.
//! 2. `exit::exit_thread` releases the per-thread state (CLEARTID, robust
//!    futexes, resources) and tells the topology; the runtime task then
//!    finishes and the executor drops it (deferred disposal).
//!
//! Fields are grouped by who may touch them.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};

use fs::{FdTable, FsContext};
use ksync::{Once, SpinLock};
use mm::AddressSpace;
use runtime::TaskRef;
use runtime::sync::Event;

use super::process::Process;
use super::thread_attrs::ThreadAttrs;
use crate::sched::ThreadSched;
use crate::signal::frame::AltStack;
use crate::signal::{SigActions, SigPending, SigSet};
use crate::topology::Pid;

/// Length of a thread name (TASK_COMM_LEN).
pub const COMM_LEN: usize = 16;

/// Signal state of one thread.
#[derive(Default)]
pub struct ThreadSignals {
    /// The blocked mask. Written only by the thread itself (sigprocmask,
    /// handler entry/return), read by senders choosing a receiver.
    pub blocked: AtomicU64,
    /// Signals sent to this thread (tkill, tgkill, faults).
    pub pending: SpinLock<SigPending>,
    /// The mask to restore after sigsuspend/ppoll-style temporary masks.
    pub saved_mask: SpinLock<Option<SigSet>>,
    pub altstack: SpinLock<AltStack>,
    /// Signals the thread is waiting for in sigtimedwait/sigwaitinfo: still
    /// blocked, but a sender treats the thread as willing to take them
    /// (Linux keeps the real mask aside in `real_blocked` for the same end).
    pub waiting: AtomicU64,
    /// Set by a sender when something may need this thread's attention on
    /// its way to user mode (a signal it does not block, a kill). A cheap
    /// test keeps the syscall return path fast.
    pub attention: AtomicBool,
}

impl ThreadSignals {
    pub fn blocked(&self) -> SigSet {
        SigSet(self.blocked.load(Ordering::Relaxed))
    }

    pub fn set_blocked(&self, set: SigSet) {
        self.blocked.store(set.blockable().0, Ordering::Relaxed);
    }

    /// The mask a sender uses to choose a receiver: blocked signals that
    /// the thread is waiting for in sigtimedwait count as accepted.
    pub fn blocked_for_delivery(&self) -> SigSet {
        self.blocked().minus(SigSet(self.waiting.load(Ordering::Relaxed)))
    }
}

/// CPU time of a thread, in nanoseconds.
///
/// The total is exact: the time between the start and the end of every poll
/// of the thread's task is counted. How it splits into user and system time
/// is sampled at ticks, as Linux does by default: a tick that interrupts
/// user mode counts the time since the last mark as user time; a tick that
/// lands while the thread is in the kernel (a system call or fault running
/// inline in the poll), and the end of a poll, count it as system time. A
/// syscall reads no clock: the user loop compares the CPU's tick count
/// before and after it. (A CPU running a user thread keeps its slice tick
/// for this: runtime/src/tick.rs.)
///
/// Only the thread's own task writes the counters, so they are updated with
/// a plain load and store (no locked instruction on the syscall path).
#[derive(Default)]
pub struct CpuTime {
    user_ns: AtomicU64,
    system_ns: AtomicU64,
    /// While the thread runs: when its not yet counted time began. Zero
    /// while it does not run. Written only by the thread's own task.
    running_since_ns: AtomicU64,
}

impl CpuTime {
    pub fn user(&self) -> u64 {
        self.user_ns.load(Ordering::Relaxed)
    }

    pub fn system(&self) -> u64 {
        self.system_ns.load(Ordering::Relaxed)
    }

    /// User plus system time, including the running stretch not yet split
    /// (the CPU-time clocks want nanoseconds, not ticks).
    pub fn total(&self, now_ns: u64) -> u64 {
        let since = self.running_since_ns.load(Ordering::Relaxed);
        let pending = if since == 0 { 0 } else { now_ns.saturating_sub(since) };
        self.user() + self.system() + pending
    }

    /// User and system time as getrusage and times report them: the exact
    /// total (the running stretch included) split in the ratio of the
    /// sampled times, as Linux's `cputime_adjust` does, so a stretch that no
    /// tick sampled yet is not missing from the total.
    pub fn adjusted(&self, now_ns: u64) -> (u64, u64) {
        let (user, system) = (self.user(), self.system());
        let total = self.total(now_ns);
        let sampled = user + system;
        let user = match (user, system) {
            (_, 0) => total,
            (0, _) => 0,
            _ => (total as u128 * user as u128 / sampled as u128) as u64,
        };
        (user, total - user)
    }

    /// The thread's task starts a poll.
    pub fn start_running(&self, now_ns: u64) {
        self.running_since_ns.store(now_ns.max(1), Ordering::Relaxed);
    }

    /// A timer tick interrupted the thread in user mode: the time since the
    /// last mark was user time. Returns it.
    pub fn tick_in_user(&self, now_ns: u64) -> u64 {
        let since = self.mark(now_ns.max(1));
        let spent = now_ns.saturating_sub(since);
        add(&self.user_ns, spent);
        spent
    }

    /// A timer tick came while the thread was in the kernel (during a
    /// system call or fault): the time since the last mark was system time.
    /// Returns it.
    pub fn tick_in_kernel(&self, now_ns: u64) -> u64 {
        let since = self.mark(now_ns.max(1));
        let spent = now_ns.saturating_sub(since);
        add(&self.system_ns, spent);
        spent
    }

    /// Counts the running stretch so far as system time (the thread is
    /// in the kernel, about to be summed up at exit).
    pub fn settle(&self, now_ns: u64) {
        let since = self.mark(now_ns.max(1));
        if since != 0 {
            add(&self.system_ns, now_ns.saturating_sub(since));
        } else {
            self.running_since_ns.store(0, Ordering::Relaxed);
        }
    }

    /// The thread's task ends a poll. Returns the system time it added.
    pub fn stop_running(&self, now_ns: u64) -> u64 {
        let since = self.mark(0);
        let spent = now_ns.saturating_sub(since);
        add(&self.system_ns, spent);
        spent
    }
}

impl CpuTime {
    /// Sets the mark, returning the old one (plain load and store: only the
    /// thread's own task writes it).
    fn mark(&self, now_ns: u64) -> u64 {
        let since = self.running_since_ns.load(Ordering::Relaxed);
        self.running_since_ns.store(now_ns, Ordering::Relaxed);
        since
    }
}

/// Adds to a counter only its owner writes.
fn add(counter: &AtomicU64, ns: u64) {
    counter.store(counter.load(Ordering::Relaxed).wrapping_add(ns), Ordering::Relaxed);
}

/// One thread of a process.
pub struct Thread {
    // --- identity: the TID changes only at a de-threading execve ---
    tid: AtomicI32,
    process: Arc<Process>,

    // --- shared resources, replaced only by the thread itself (execve,
    //     unshare) and read by others through a clone of the Arc; `None`
    //     once the thread has exited and released them ---
    vm: SpinLock<Option<Arc<AddressSpace>>>,
    files: SpinLock<Option<Arc<FdTable>>>,
    fs: SpinLock<Option<Arc<FsContext>>>,
    sighand: SpinLock<Arc<SpinLock<SigActions>>>,

    // --- per-thread state ---
    pub signals: ThreadSignals,
    /// CLONE_CHILD_CLEARTID / set_tid_address: cleared and futex-woken at exit.
    pub clear_child_tid: AtomicU64,
    /// set_robust_list head and length.
    pub robust_list: SpinLock<(u64, u64)>,
    pub cpu_time: CpuTime,
    comm: SpinLock<[u8; COMM_LEN]>,
    /// The runtime task running this thread (set once at spawn).
    task: Once<TaskRef>,
    /// The thread must leave at its next return towards user mode.
    must_exit: AtomicBool,
    /// Set once the thread has finished exiting.
    dead: AtomicBool,
    /// Set when the thread gave up its PI futexes at exit: no new PI
    /// state may name it as owner (Linux's FUTEX_STATE_DEAD).
    futex_dead: AtomicBool,
    /// CLONE_VFORK: the parent waits on this until we exec or exit.
    pub vfork_done: SpinLock<Option<Arc<Event>>>,
    /// The last group stop this thread took part in (`group_stop`).
    pub stop_seen: AtomicU64,
    /// Nanoseconds since boot when the thread started.
    pub start_ns: u64,
    /// PR_SET_PDEATHSIG (0: none); never inherited (`parent_death`).
    pdeath_signal: AtomicU32,
    /// prctl-set attributes the thread keeps for itself.
    pub attrs: ThreadAttrs,
    /// Scheduling policy, priority, nice and PI boost (`crate::sched`).
    pub sched: ThreadSched,
}

impl Thread {
    pub(crate) fn new(
        tid: Pid,
        process: Arc<Process>,
        vm: Arc<AddressSpace>,
        files: Arc<FdTable>,
        fs: Arc<FsContext>,
        sighand: Arc<SpinLock<SigActions>>,
        comm: [u8; COMM_LEN],
        start_ns: u64,
    ) -> Arc<Thread> {
        Arc::new(Thread {
            tid: AtomicI32::new(tid),
            process,
            vm: SpinLock::new(Some(vm)),
            files: SpinLock::new(Some(files)),
            fs: SpinLock::new(Some(fs)),
            sighand: SpinLock::new(sighand),
            signals: ThreadSignals::default(),
            clear_child_tid: AtomicU64::new(0),
            robust_list: SpinLock::new((0, 0)),
            cpu_time: CpuTime::default(),
            comm: SpinLock::new(comm),
            task: Once::new(),
            must_exit: AtomicBool::new(false),
            dead: AtomicBool::new(false),
            futex_dead: AtomicBool::new(false),
            vfork_done: SpinLock::new(None),
            stop_seen: AtomicU64::new(0),
            start_ns,
            pdeath_signal: AtomicU32::new(0),
            attrs: ThreadAttrs::default(),
            sched: ThreadSched::default(),
        })
    }

    pub fn pdeath_signal(&self) -> u32 {
        self.pdeath_signal.load(Ordering::Relaxed)
    }

    /// PR_SET_PDEATHSIG; the caller checked the number.
    pub fn set_pdeath_signal(&self, sig: u32) {
        self.pdeath_signal.store(sig, Ordering::Relaxed);
    }

    pub fn tid(&self) -> Pid {
        self.tid.load(Ordering::Relaxed)
    }

    pub(crate) fn set_tid(&self, tid: Pid) {
        self.tid.store(tid, Ordering::Relaxed);
    }

    pub fn process(&self) -> &Arc<Process> {
        &self.process
    }

    /// The process id (TGID).
    pub fn pid(&self) -> Pid {
        self.process.pid()
    }

    pub fn is_leader(&self) -> bool {
        self.tid() == self.pid()
    }

    /// The thread's address space. Only the thread itself (before it
    /// exits) may call this; others use [`Thread::try_vm`].
    pub fn vm(&self) -> Arc<AddressSpace> {
        self.try_vm().expect("address space used after the thread released it")
    }

    /// The address space, unless the thread has exited.
    pub fn try_vm(&self) -> Option<Arc<AddressSpace>> {
        self.vm.lock().clone()
    }

    /// Switches to `vm` (execve); the old space's resident peak stays in
    /// the process's ru_maxrss.
    pub(crate) fn set_vm(&self, vm: Arc<AddressSpace>) -> Option<Arc<AddressSpace>> {
        let old = self.vm.lock().replace(vm);
        if let Some(old) = &old {
            self.process.note_rss_peak(old.rss_peak_pages());
        }
        old
    }

    /// The file table (same rule as [`Thread::vm`]).
    pub fn files(&self) -> Arc<FdTable> {
        self.try_files().expect("file table used after the thread released it")
    }

    pub fn try_files(&self) -> Option<Arc<FdTable>> {
        self.files.lock().clone()
    }

    /// Replaces the file table (unshare(CLONE_FILES), execve).
    pub fn set_files(&self, files: Arc<FdTable>) -> Option<Arc<FdTable>> {
        self.files.lock().replace(files)
    }

    /// The fs context (same rule as [`Thread::vm`]).
    pub fn fs(&self) -> Arc<FsContext> {
        self.try_fs().expect("fs context used after the thread released it")
    }

    pub fn try_fs(&self) -> Option<Arc<FsContext>> {
        self.fs.lock().clone()
    }

    /// Replaces the fs context (unshare(CLONE_FS)).
    pub fn set_fs(&self, fs: Arc<FsContext>) -> Option<Arc<FsContext>> {
        self.fs.lock().replace(fs)
    }

    /// Drops the address space, files and fs context (the last step of
    /// exit: frames and open files go back when no one else shares them).
    pub(crate) fn release_resources(&self) {
        let vm = self.vm.lock().take();
        if let Some(vm) = &vm {
            self.process.note_rss_peak(vm.rss_peak_pages());
        }
        let files = self.files.lock().take();
        let fs = self.fs.lock().take();
        drop((vm, files, fs));
    }

    pub fn sighand(&self) -> Arc<SpinLock<SigActions>> {
        self.sighand.lock().clone()
    }

    pub(crate) fn set_sighand(&self, sighand: Arc<SpinLock<SigActions>>) {
        *self.sighand.lock() = sighand;
    }

    pub fn comm(&self) -> [u8; COMM_LEN] {
        *self.comm.lock()
    }

    /// Sets the name (truncated to 15 bytes, NUL-terminated).
    pub fn set_comm(&self, name: &[u8]) {
        let mut c = [0u8; COMM_LEN];
        let n = name.iter().position(|&b| b == 0).unwrap_or(name.len()).min(COMM_LEN - 1);
        c[..n].copy_from_slice(&name[..n]);
        *self.comm.lock() = c;
    }

    /// Records the runtime task that runs this thread.
    pub fn set_task(&self, task: TaskRef) {
        self.task.call_once(|| task);
    }

    pub fn task(&self) -> Option<&TaskRef> {
        self.task.get()
    }

    /// Makes the thread look at its signals and exit state soon: wakes its
    /// task, which re-polls whatever it waits for (an interruptible wait
    /// then sees the signal and gives up), and interrupts the CPU it runs
    /// user code on, if any.
    pub fn kick(&self) {
        self.signals.attention.store(true, Ordering::Release);
        if let Some(task) = self.task.get() {
            task.wake_and_interrupt();
        }
    }

    /// Asks the thread to leave (exit_group, fatal signal, de-threading).
    pub fn request_exit(&self) {
        self.must_exit.store(true, Ordering::Release);
        self.kick();
    }

    pub fn must_exit(&self) -> bool {
        self.must_exit.load(Ordering::Acquire)
    }

    pub fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Acquire)
    }

    /// Whether the thread has released its PI futexes for good.
    pub fn futex_dead(&self) -> bool {
        self.futex_dead.load(Ordering::Acquire)
    }

    pub(crate) fn mark_futex_dead(&self) {
        self.futex_dead.store(true, Ordering::Release);
    }

    pub(crate) fn mark_dead(&self) {
        self.dead.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod cpu_time_test {
    use super::CpuTime;

    #[test]
    fn adjusted_time_counts_the_running_stretch_in_the_sampled_ratio() {
        let t = CpuTime::default();
        t.start_running(1_000);
        t.tick_in_user(4_000); // 3 µs user
        t.stop_running(5_000); // 1 µs system
        assert_eq!(t.adjusted(5_000), (3_000, 1_000), "no running stretch: the samples");
        t.start_running(10_000);
        let (u, s) = t.adjusted(14_000); // 4 µs not sampled yet
        assert_eq!(u + s, 8_000, "the total is exact");
        assert_eq!((u, s), (6_000, 2_000), "split 3:1 like the samples");
    }

    #[test]
    fn a_tick_in_the_kernel_counts_system_time() {
        let t = CpuTime::default();
        t.start_running(1_000);
        assert_eq!(t.tick_in_user(3_000), 2_000);
        assert_eq!(t.tick_in_kernel(9_000), 6_000, "a syscall the tick landed in");
        assert_eq!(t.stop_running(10_000), 1_000);
        assert_eq!((t.user(), t.system()), (2_000, 7_000));
    }

    #[test]
    fn with_no_sample_yet_the_stretch_is_user_time() {
        let t = CpuTime::default();
        t.start_running(100);
        assert_eq!(t.adjusted(600), (500, 0));
    }
}
