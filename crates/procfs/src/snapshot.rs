//! Snapshots of processes, threads and kernel tasks: plain data copied out
//! of the live objects, which the formatters turn into text.
//!
//! Gathering follows the kernel's lock rules: the table lock is held only
//! to copy topology fields, and no spin lock is held while an address
//! space is asked for its statistics or maps (mm's rule, docs/memory.md).
//!
//! Kernel tasks (runtime tasks that run no user thread) are shown as
//! processes with no memory, as Linux shows its kthreads. Their pids are
//! [`KTHREAD_PID_BASE`] + the task id: above `pid_max`, so they can never
//! collide with a user pid. Their parent is 0 (weft has no kthreadd).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use mm::SpaceStats;
use runtime::{TaskInfo, TaskState};
use task::cred::Cred;
use task::process::{Process, TABLE, Thread};
use task::rlimit::Rlimits;
use task::topology::{GroupState, Pid};

/// Kernel task `id` is shown as pid `KTHREAD_PID_BASE + id`.
pub const KTHREAD_PID_BASE: Pid = task::ids::PID_MAX;

/// Linux's task states, as far as weft has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// On a CPU or in a run queue.
    Running,
    /// Waiting for a wake-up (Linux's interruptible sleep).
    Sleeping,
    /// Group-stopped by a signal.
    Stopped,
    /// Exited, not yet reaped.
    Zombie,
    /// Exiting right now.
    Dead,
}

impl RunState {
    /// The letter of `stat` and `ps`.
    pub fn letter(self) -> char {
        match self {
            RunState::Running => 'R',
            RunState::Sleeping => 'S',
            RunState::Stopped => 'T',
            RunState::Zombie => 'Z',
            RunState::Dead => 'X',
        }
    }

    /// The `State:` text of `status` (fs/proc/array.c task_state_array).
    pub fn describe(self) -> &'static str {
        match self {
            RunState::Running => "R (running)",
            RunState::Sleeping => "S (sleeping)",
            RunState::Stopped => "T (stopped)",
            RunState::Zombie => "Z (zombie)",
            RunState::Dead => "X (dead)",
        }
    }

    fn of_task(state: TaskState) -> RunState {
        match state {
            TaskState::Running | TaskState::Queued => RunState::Running,
            TaskState::Waiting => RunState::Sleeping,
            TaskState::Complete => RunState::Dead,
        }
    }
}

/// One thread (or kernel task).
#[derive(Clone, Debug, Default)]
pub struct ThreadSnap {
    pub tid: Pid,
    /// The name, without NUL padding.
    pub comm: Vec<u8>,
    pub state: Option<RunState>,
    /// The CPU it runs on, ran on last, or will run on next.
    pub cpu: usize,
    pub user_ns: u64,
    pub system_ns: u64,
    /// Nanoseconds since boot at creation.
    pub start_ns: u64,
    /// Signals pending on the thread itself, and its blocked mask.
    pub pending: u64,
    pub blocked: u64,
    /// CPUs it may run on.
    pub affinity: u64,
    /// Polls of its runtime task: each is one time it was given a CPU.
    pub polls: u64,
    /// Scheduling: `task_prio` (20 + nice, or -1 - the real-time
    /// priority), nice, rt_priority and policy.
    pub sched: SchedSnap,
}

/// What /proc shows of a thread's scheduling attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchedSnap {
    pub prio: i32,
    pub nice: i32,
    pub rt_priority: u32,
    pub policy: u32,
}

impl Default for SchedSnap {
    /// SCHED_OTHER at nice 0 (kernel tasks).
    fn default() -> Self {
        Self { prio: 20, nice: 0, rt_priority: 0, policy: 0 }
    }
}

/// A process (thread group) or a kernel task shown as one.
#[derive(Clone, Debug, Default)]
pub struct ProcSnap {
    pub pid: Pid,
    pub ppid: Pid,
    pub pgid: Pid,
    pub sid: Pid,
    /// A kernel task (no memory, no files).
    pub kernel: bool,
    pub zombie: bool,
    pub stopped: bool,
    /// Some live threads, by tid: the leader (or, once it has exited, the
    /// live thread with the lowest tid) and, in a view of one thread
    /// (`process_view`), that thread. Never all: what /proc shows of a
    /// process is its leader's, so reading the stat of a process of
    /// 100,000 threads copies one thread, not 100,000.
    pub threads: Vec<ThreadSnap>,
    /// How many live threads there are (`threads` holds only some); None
    /// for a kernel task.
    pub total_threads: Option<usize>,
    /// The name of the process (its main thread's, or the program's).
    pub comm: Vec<u8>,
    pub exit_signal: u32,
    /// The wait status of a zombie.
    pub exit_code: i32,
    /// Whole-group CPU time (live and dead threads) and reaped children's.
    /// The group's is summed over every thread, so it is 0 unless asked
    /// for (`GroupTimes::Sum`), and a view of one thread (`process_view`
    /// with a tid) shows the thread's own, as Linux's `do_task_stat` does
    /// for task/<tid>/stat.
    pub user_ns: u64,
    pub system_ns: u64,
    pub child_user_ns: u64,
    pub child_system_ns: u64,
    pub start_ns: u64,
    pub shared_pending: u64,
    pub ignored: u64,
    pub caught: u64,
    pub cred: Cred,
    pub umask: u32,
    /// Open descriptors and the table size Linux would report (FDSize).
    pub open_fds: usize,
    pub fd_size: usize,
    pub limits: Rlimits,
    pub vm: Option<SpaceStats>,
}

impl ProcSnap {
    /// The number of live threads.
    pub fn num_threads(&self) -> usize {
        self.total_threads.unwrap_or(self.threads.len())
    }

    /// The state of the process as a whole: that of its leader (Linux
    /// shows a group whose leader exited as a zombie too).
    pub fn state(&self) -> RunState {
        if self.zombie {
            return RunState::Zombie;
        }
        if self.stopped {
            return RunState::Stopped;
        }
        match self.threads.iter().find(|t| t.tid == self.pid) {
            Some(t) => t.state.unwrap_or(RunState::Running),
            None => RunState::Zombie,
        }
    }

    /// The thread `tid`, if it is a live member.
    pub fn thread(&self, tid: Pid) -> Option<&ThreadSnap> {
        self.threads.iter().find(|t| t.tid == tid)
    }
}

/// Copies one thread's state. `stopped`: its group is stopped.
pub fn thread(t: &Thread, stopped: bool) -> ThreadSnap {
    let comm = t.comm();
    let len = comm.iter().position(|&b| b == 0).unwrap_or(comm.len());
    let task = t.task();
    let state = if t.is_dead() {
        RunState::Dead
    } else if stopped {
        RunState::Stopped
    } else {
        task.map_or(RunState::Running, |k| RunState::of_task(k.state()))
    };
    ThreadSnap {
        tid: t.tid(),
        comm: comm[..len].to_vec(),
        state: Some(state),
        cpu: task.map_or(0, |k| k.cpu()),
        user_ns: t.cpu_time.user(),
        system_ns: t.cpu_time.system(),
        start_ns: t.start_ns,
        pending: t.signals.pending.lock().set().0,
        blocked: t.signals.blocked().0,
        affinity: task.map_or(u64::MAX, |k| k.affinity()),
        polls: task.map_or(0, |k| k.polls()),
        sched: {
            let params = t.sched.params();
            SchedSnap { prio: t.sched.task_prio(), nice: params.nice, rt_priority: params.rt_priority, policy: params.policy }
        },
    }
}

/// Who owns /proc/`pid` (or its task/`tid`): the process's effective uid
/// and gid, None when there is no such process or live thread of it. O(log
/// n), without a snapshot: a listing of /proc/<pid>/task calls it once per
/// thread.
pub fn owner(pid: Pid, tid: Option<Pid>) -> Option<(u32, u32)> {
    if pid >= KTHREAD_PID_BASE {
        return kernel_task_info(pid).filter(|_| tid.is_none_or(|t| t == pid)).map(|_| (0, 0));
    }
    let p = {
        let table = TABLE.lock();
        table.topo.group(pid)?;
        table.process(pid)?
    };
    if let Some(tid) = tid
        && !p.has_thread(tid)
    {
        return None;
    }
    let cred = p.cred.lock();
    Some((cred.euid, cred.egid))
}

/// A snapshot of process `pid` (live or zombie), or of the kernel task
/// shown under that pid.
pub fn process(pid: Pid) -> Option<ProcSnap> {
    process_view(pid, None, GroupTimes::Skip)
}

/// Whether a snapshot of a whole process sums its threads' CPU times:
/// O(threads), and only its `stat` shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupTimes {
    Sum,
    Skip,
}

/// As `process`, for /proc/<pid>/task/<tid> when `tid` is given: only that
/// thread and the leader are looked at, so reading the stat of each of
/// 100,000 threads is not quadratic.
pub fn process_view(pid: Pid, tid: Option<Pid>, times: GroupTimes) -> Option<ProcSnap> {
    if pid >= KTHREAD_PID_BASE {
        return kernel_task(pid);
    }
    // Topology fields under the table lock, nothing else.
    let (p, ppid, pgid, sid, zombie_status, exit_signal) = {
        let table = TABLE.lock();
        let p = table.process(pid)?;
        let g = table.topo.group(pid)?;
        let zombie = match g.state {
            GroupState::Zombie { status } => Some(status.encode()),
            _ => None,
        };
        (p, g.parent, g.pgid, g.sid, zombie, g.exit_signal)
    };
    Some(user_process(&p, ppid, pgid, sid, zombie_status, exit_signal, tid, times))
}

#[allow(clippy::too_many_arguments)]
fn user_process(p: &Arc<Process>, ppid: Pid, pgid: Pid, sid: Pid, zombie: Option<i32>, exit_signal: u32, only: Option<Pid>, times: GroupTimes) -> ProcSnap {
    let stopped = p.stop.lock().stopped;
    let mut members: Vec<Arc<Thread>> = p.first_thread().into_iter().collect();
    if let Some(tid) = only {
        members.extend(p.thread(tid).filter(|t| t.tid() != p.pid()));
    }
    let total_threads = Some(p.thread_count());
    let threads: Vec<ThreadSnap> = members.iter().map(|t| thread(t, stopped)).collect();
    // O(threads): only for the whole group's stat.
    let (user_ns, system_ns) = if only.is_none() && times == GroupTimes::Sum { p.cpu_time() } else { (0, 0) };
    let (child_user_ns, child_system_ns) = p.children_cpu_time();
    let mut snap = ProcSnap {
        pid: p.pid(),
        ppid,
        pgid,
        sid,
        zombie: zombie.is_some(),
        stopped,
        comm: threads.first().map(|t| t.comm.clone()).unwrap_or_else(|| exe_name(p)),
        exit_signal,
        exit_code: zombie.unwrap_or(0),
        user_ns,
        system_ns,
        child_user_ns,
        child_system_ns,
        start_ns: p.start_ns,
        shared_pending: p.shared_pending.lock().set().0,
        cred: p.cred.lock().clone(),
        limits: p.limits.lock().clone(),
        threads,
        total_threads,
        ..ProcSnap::default()
    };
    // Shared resources through any live member; none for a zombie.
    let Some(t) = members.first() else { return snap };
    {
        // Read in place: a copy of the table is 64 actions for two masks.
        let sighand = t.sighand();
        let actions = sighand.lock();
        for sig in 1..=64u32 {
            let a = actions.get(sig);
            if a.is_ignore() {
                snap.ignored |= 1 << (sig - 1);
            } else if !a.is_default() {
                snap.caught |= 1 << (sig - 1);
            }
        }
    }
    if let Some(fs) = t.try_fs() {
        snap.umask = fs.umask();
    }
    if let Some(files) = t.try_files() {
        let (open, end) = files.open_count_and_end();
        snap.open_fds = open;
        snap.fd_size = end.next_power_of_two().max(64);
    }
    // No lock is held here: the address space takes its own. O(1).
    snap.vm = t.try_vm().map(|vm| vm.stats());
    snap
}

/// The last path component of the program, for a process with no thread
/// left to carry a name.
fn exe_name(p: &Process) -> Vec<u8> {
    let exe = p.exe.lock();
    let base = exe.rsplit(|&b| b == b'/').next().unwrap_or(&exe);
    base[..base.len().min(15)].to_vec()
}

/// Pids of every process (zombies included), in order.
pub fn user_pids() -> Vec<Pid> {
    TABLE.lock().processes().map(|p| p.pid()).collect()
}

/// Tids of the live threads of `pid`.
pub fn thread_ids(pid: Pid) -> Vec<Pid> {
    if pid >= KTHREAD_PID_BASE {
        return if kernel_task_info(pid).is_some() { alloc::vec![pid] } else { Vec::new() };
    }
    let p = TABLE.lock().process(pid);
    p.map(|p| p.thread_ids()).unwrap_or_default()
}

/// The process a thread id belongs to (also for kernel tasks: themselves).
pub fn tgid_of(tid: Pid) -> Option<Pid> {
    if tid >= KTHREAD_PID_BASE {
        return kernel_task_info(tid).map(|_| tid);
    }
    TABLE.lock().topo.tgid_of(tid)
}

/// Runtime tasks that run no user thread.
pub fn kernel_tasks() -> Vec<TaskInfo> {
    if !runtime::is_initialized() {
        return Vec::new();
    }
    // A user thread's task is told apart by its kind, not by looking it up
    // in the process table: in its last moments it has already left its
    // process (whose parent may have reaped it) but is not disposed of yet.
    runtime::kernel_tasks().into_iter().filter(|t| t.state != TaskState::Complete).collect()
}

/// Pids of the kernel tasks.
pub fn kernel_pids() -> Vec<Pid> {
    kernel_tasks().iter().map(kernel_pid).collect()
}

fn kernel_pid(t: &TaskInfo) -> Pid {
    KTHREAD_PID_BASE.saturating_add(t.id.0.min(i32::MAX as u64) as Pid)
}

fn kernel_task_info(pid: Pid) -> Option<TaskInfo> {
    if !runtime::is_initialized() {
        return None;
    }
    let id = u64::try_from(pid.checked_sub(KTHREAD_PID_BASE)?).ok()?;
    runtime::task_info(runtime::TaskId(id)).filter(|t| !t.user_thread && t.state != TaskState::Complete && kernel_pid(t) == pid)
}

/// A kernel task as a process: one thread, no memory, no files.
fn kernel_task(pid: Pid) -> Option<ProcSnap> {
    let t = kernel_task_info(pid)?;
    let comm = if t.name.is_empty() { alloc::format!("ktask/{}", t.id) } else { t.name.clone() };
    let comm = String::from(&comm[..comm.len().min(15)]).into_bytes();
    let thread = ThreadSnap {
        tid: pid,
        comm: comm.clone(),
        state: Some(RunState::of_task(t.state)),
        cpu: t.cpu,
        affinity: t.affinity,
        polls: t.polls,
        ..ThreadSnap::default()
    };
    Some(ProcSnap { pid, kernel: true, comm, threads: alloc::vec![thread], exit_signal: 0, ..ProcSnap::default() })
}

/// The thread making the current system call (for /proc/self).
pub fn current_thread() -> Option<Arc<Thread>> {
    task::process::current_thread()
}

/// Finds a live thread by id (any process).
pub fn find_thread(tid: Pid) -> Option<Arc<Thread>> {
    task::process::find_thread(tid)
}
