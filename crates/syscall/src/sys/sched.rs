//! Scheduling system calls: yield, CPU affinity, getcpu, membarrier, and
//! the per-thread policy, priority and nice value (the rules live in
//! `task::sched`; these decode and encode).

use alloc::sync::Arc;

use abi::{Errno, KResult};
use task::process::prio_targets::prio_targets;
use task::process::{Thread, find_thread};
use task::sched::{
    DeadlineParams, MAX_NICE, MIN_NICE, SCHED_FLAG_KEEP_POLICY, SCHED_FLAG_RESET_ON_FORK, SCHED_FLAG_UTIL_CLAMP, SCHED_RESET_ON_FORK,
    SchedPermission, SchedRequest,
};

use crate::ctx::SyscallContext;

pub async fn sched_yield(_cx: &mut SyscallContext<'_>) -> KResult<usize> {
    runtime::yield_now().await;
    Ok(0)
}

/// Bytes of the kernel's cpumask (one u64: weft supports up to 64 CPUs).
const MASK_BYTES: u64 = 8;

fn target_task(cx: &SyscallContext<'_>, tid: u64) -> KResult<runtime::TaskRef> {
    if tid == 0 || tid as i32 == cx.thread.tid() {
        // The caller's own task (a new thread may run before its spawner
        // recorded the task in the Thread).
        return runtime::current_task().ok_or(Errno::ESRCH);
    }
    let thread = find_thread(tid as i32).ok_or(Errno::ESRCH)?;
    thread.task().cloned().ok_or(Errno::ESRCH)
}

pub fn sched_getaffinity(cx: &mut SyscallContext<'_>, tid: u64, len: u64, mask: u64) -> KResult<usize> {
    // Linux: the buffer must hold the kernel's mask, in whole longs.
    if len < MASK_BYTES || len % 8 != 0 {
        return Err(Errno::EINVAL);
    }
    let bits = target_task(cx, tid)?.affinity() & runtime::global().online_mask();
    cx.write(mask, &bits)?;
    Ok(MASK_BYTES as usize)
}

pub fn sched_setaffinity(cx: &mut SyscallContext<'_>, tid: u64, len: u64, mask: u64) -> KResult<usize> {
    let mut raw = [0u8; 8];
    let n = len.min(8) as usize;
    cx.vm().copy_from_user(mask as usize, &mut raw[..n])?;
    let bits = u64::from_le_bytes(raw) & runtime::global().online_mask();
    if bits == 0 {
        return Err(Errno::EINVAL);
    }
    let task = target_task(cx, tid)?;
    if tid != 0 && tid as i32 != cx.thread.tid() {
        // Linux's check_same_owner, or CAP_SYS_NICE (from the sets: a root
        // process that setuid()s away loses it).
        let thread = find_thread(tid as i32).ok_or(Errno::ESRCH)?;
        // One lock at a time (not a tuple, whose first guard lives on):
        // the target may be a thread of the caller's own process.
        let mine = cx.thread.process().cred.lock().clone();
        let theirs = thread.process().cred.lock().clone();
        if !mine.caps.has(task::caps::CAP_SYS_NICE) && mine.euid != theirs.euid && mine.euid != theirs.uid {
            return Err(Errno::EPERM);
        }
    }
    task.set_affinity(bits).map_err(|_| Errno::EINVAL)?;
    Ok(0)
}

pub fn getcpu(cx: &mut SyscallContext<'_>, cpu: u64, node: u64) -> KResult<usize> {
    let me = arch::percpu::cpu_id() as u32;
    if cpu != 0 {
        cx.write(cpu, &me)?;
    }
    if node != 0 {
        cx.write(node, &0u32)?;
    }
    Ok(0)
}

/// The thread a scheduling call names: 0 is the caller, others a tid
/// (Linux's find_process_by_pid finds any thread).
fn target_thread(cx: &SyscallContext<'_>, pid: i32) -> KResult<Arc<Thread>> {
    if pid == 0 {
        return Ok(cx.thread.clone());
    }
    find_thread(pid).ok_or(Errno::ESRCH)
}

pub fn sched_getscheduler(cx: &mut SyscallContext<'_>, pid: u64) -> KResult<usize> {
    let pid = pid as i32;
    if pid < 0 {
        return Err(Errno::EINVAL);
    }
    let params = target_thread(cx, pid)?.sched.params();
    let flag = if params.reset_on_fork { SCHED_RESET_ON_FORK } else { 0 };
    Ok((params.policy | flag) as usize)
}

pub fn sched_getparam(cx: &mut SyscallContext<'_>, pid: u64, param: u64) -> KResult<usize> {
    let pid = pid as i32;
    if pid < 0 || param == 0 {
        return Err(Errno::EINVAL);
    }
    let params = target_thread(cx, pid)?.sched.params();
    let priority = if params.is_real_time() { params.rt_priority as i32 } else { 0 };
    cx.write(param, &priority)?;
    Ok(0)
}

pub fn sched_setscheduler(cx: &mut SyscallContext<'_>, pid: u64, policy: u64, param: u64) -> KResult<usize> {
    let policy = policy as i32;
    if policy < 0 {
        return Err(Errno::EINVAL);
    }
    set_scheduler_param(cx, pid as i32, Some(policy as u32), param)
}

pub fn sched_setparam(cx: &mut SyscallContext<'_>, pid: u64, param: u64) -> KResult<usize> {
    set_scheduler_param(cx, pid as i32, None, param)
}

/// do_sched_setscheduler: a `struct sched_param` request, the legacy
/// SCHED_RESET_ON_FORK bit in the policy, the thread's nice kept.
fn set_scheduler_param(cx: &mut SyscallContext<'_>, pid: i32, policy: Option<u32>, param: u64) -> KResult<usize> {
    if param == 0 || pid < 0 {
        return Err(Errno::EINVAL);
    }
    let priority: i32 = cx.read(param)?;
    let target = target_thread(cx, pid)?;
    let reset = policy.is_some_and(|p| p & SCHED_RESET_ON_FORK != 0);
    let req = SchedRequest {
        policy: policy.map(|p| p & !SCHED_RESET_ON_FORK),
        flags: if reset { SCHED_FLAG_RESET_ON_FORK } else { 0 },
        priority: priority as u32,
        nice: target.sched.params().nice,
        ..SchedRequest::default()
    };
    target.set_scheduler(&req, &SchedPermission::of(cx.thread.process(), &target))?;
    // A PI waiter's new priority moves it in its queue and down the chain.
    task::futex::pi::priority_changed(&target);
    Ok(0)
}

pub fn priority_range(policy: u64, max: bool) -> KResult<usize> {
    match policy as i32 {
        0 | 3 | 5 | 6 => Ok(0),
        1 | 2 => Ok(if max { 99 } else { 1 }),
        _ => Err(Errno::EINVAL),
    }
}

/// sched_rr_get_interval(2): SCHED_RR's quantum, 0 for SCHED_FIFO, and
/// for the fair and idle policies the slice the executor gives (Linux
/// reports CFS's sched_slice there).
pub fn sched_rr_get_interval(cx: &mut SyscallContext<'_>, pid: u64, interval: u64) -> KResult<usize> {
    let pid = pid as i32;
    if pid < 0 {
        return Err(Errno::EINVAL);
    }
    let ns = match target_thread(cx, pid)?.sched.class() {
        runtime::SchedClass::RealTime { round_robin: true, .. } => runtime::RR_INTERVAL_NS,
        runtime::SchedClass::RealTime { round_robin: false, .. } => 0,
        _ => runtime::Config::default().slice_ns,
    };
    let ts = [(ns / 1_000_000_000) as i64, (ns % 1_000_000_000) as i64];
    cx.write(interval, &ts)?;
    Ok(0)
}

/// getpriority(2): the raw call returns 20 - the lowest nice value among
/// the threads named (ESRCH when none).
pub fn getpriority(cx: &mut SyscallContext<'_>, which: u64, who: u64) -> KResult<usize> {
    let targets = prio_targets(cx.thread, which as i32, who as i32)?;
    let best = targets.iter().map(|t| 20 - t.sched.params().nice).max().ok_or(Errno::ESRCH)?;
    Ok(best as usize)
}

/// setpriority(2): each named thread by set_one_prio's rules; the result
/// is the last refusal (EPERM, EACCES), or success once any thread
/// changed, or ESRCH when none was named.
pub fn setpriority(cx: &mut SyscallContext<'_>, which: u64, who: u64, prio: u64) -> KResult<usize> {
    let nice = (prio as i32).clamp(MIN_NICE, MAX_NICE);
    let targets = prio_targets(cx.thread, which as i32, who as i32)?;
    let mut result = Err(Errno::ESRCH);
    for t in &targets {
        match t.set_nice(nice, &SchedPermission::of(cx.thread.process(), t)) {
            Err(e) => result = Err(e),
            Ok(()) if result == Err(Errno::ESRCH) => result = Ok(0),
            Ok(()) => {}
        }
    }
    result
}

const MEMBARRIER_CMD_QUERY: u64 = 0;
const MEMBARRIER_CMD_GLOBAL: u64 = 1;
const MEMBARRIER_CMD_GLOBAL_EXPEDITED: u64 = 2;
const MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED: u64 = 4;
const MEMBARRIER_CMD_PRIVATE_EXPEDITED: u64 = 8;
const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: u64 = 16;
const MEMBARRIER_SUPPORTED: u64 = MEMBARRIER_CMD_GLOBAL
    | MEMBARRIER_CMD_GLOBAL_EXPEDITED
    | MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED
    | MEMBARRIER_CMD_PRIVATE_EXPEDITED
    | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;

/// membarrier(2): every other CPU passes a full memory barrier before the
/// call returns. Each gets a task pinned to it, awaited: a CPU runs it only
/// after leaving whatever it ran (a user thread traps into the kernel
/// first), and its executor's locked operations are full barriers on x86.
/// PRIVATE_EXPEDITED needs the process's registration first (EPERM), as on
/// Linux; the sync-core and rseq commands are not offered (QUERY).
pub async fn membarrier(cx: &mut SyscallContext<'_>, cmd: u64, flags: u64, _cpu: u64) -> KResult<usize> {
    use core::sync::atomic::Ordering;
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    let process = cx.thread.process();
    match cmd {
        MEMBARRIER_CMD_QUERY => return Ok(MEMBARRIER_SUPPORTED as usize),
        MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED => {
            process.membarrier_registered.fetch_or(cmd as u32, Ordering::AcqRel);
            return Ok(0);
        }
        MEMBARRIER_CMD_PRIVATE_EXPEDITED => {
            if process.membarrier_registered.load(Ordering::Acquire) & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED as u32 == 0 {
                return Err(Errno::EPERM);
            }
        }
        MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED => {}
        _ => return Err(Errno::EINVAL),
    }
    core::sync::atomic::fence(Ordering::SeqCst);
    let me = arch::percpu::cpu_id();
    let others: alloc::vec::Vec<_> = (0..runtime::global().cpu_count())
        .filter(|&c| c != me)
        .map(|c| runtime::Builder::new().name("membarrier").affinity(1 << c).spawn(async { core::sync::atomic::fence(Ordering::SeqCst) }))
        .collect();
    for barrier in others {
        barrier.await;
    }
    Ok(0)
}

/// `sizeof(struct sched_attr)`: SCHED_ATTR_SIZE_VER0 and VER1.
const SCHED_ATTR_SIZE_VER0: u32 = 48;
const SCHED_ATTR_SIZE_VER1: u32 = 56;

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from(u32_at(b, at)) | u64::from(u32_at(b, at + 4)) << 32
}

/// sched_getattr(2): policy, reset-on-fork, and the priority (real-time)
/// or nice (others); no utilization clamps (Linux without
/// CONFIG_UCLAMP_TASK reports 0). `size` bytes, at most the kernel's.
pub fn sched_getattr(cx: &mut SyscallContext<'_>, pid: u64, attr: u64, size: u64, flags: u64) -> KResult<usize> {
    let (pid, size) = (pid as i32, size as u32);
    if attr == 0 || pid < 0 || !(SCHED_ATTR_SIZE_VER0..=4096).contains(&size) || flags as u32 != 0 {
        return Err(Errno::EINVAL);
    }
    let params = target_thread(cx, pid)?.sched.params();
    let size = size.min(SCHED_ATTR_SIZE_VER1);
    let mut bytes = [0u8; SCHED_ATTR_SIZE_VER1 as usize];
    bytes[0..4].copy_from_slice(&size.to_le_bytes());
    bytes[4..8].copy_from_slice(&params.policy.to_le_bytes());
    let flags = if params.reset_on_fork { SCHED_FLAG_RESET_ON_FORK } else { 0 };
    bytes[8..16].copy_from_slice(&flags.to_le_bytes());
    if params.is_real_time() {
        bytes[20..24].copy_from_slice(&params.rt_priority.to_le_bytes());
    } else {
        bytes[16..20].copy_from_slice(&params.nice.to_le_bytes());
    }
    cx.write_bytes(attr, &bytes[..size as usize])?;
    Ok(0)
}

/// sched_setattr(2): Linux's sched_copy_attr (size rules, E2BIG with the
/// kernel's size written back), then the same change as
/// sched_setscheduler with the attr's flags, nice and priority.
pub fn sched_setattr(cx: &mut SyscallContext<'_>, pid: u64, attr: u64, flags: u64) -> KResult<usize> {
    let pid = pid as i32;
    if attr == 0 || pid < 0 || flags as u32 != 0 {
        return Err(Errno::EINVAL);
    }
    let mut size: u32 = cx.read(attr)?;
    if size == 0 {
        size = SCHED_ATTR_SIZE_VER0;
    }
    if size < SCHED_ATTR_SIZE_VER0 || size > 4096 {
        cx.write(attr, &SCHED_ATTR_SIZE_VER1)?;
        return Err(Errno::E2BIG);
    }
    let mut bytes = cx.read_bytes(attr, size as usize)?;
    if bytes.get(SCHED_ATTR_SIZE_VER1 as usize..).is_some_and(|rest| rest.iter().any(|&b| b != 0)) {
        cx.write(attr, &SCHED_ATTR_SIZE_VER1)?;
        return Err(Errno::E2BIG);
    }
    bytes.resize(SCHED_ATTR_SIZE_VER1 as usize, 0);
    let sched_flags = u64_at(&bytes, 8);
    if sched_flags & SCHED_FLAG_UTIL_CLAMP != 0 && size < SCHED_ATTR_SIZE_VER1 {
        return Err(Errno::EINVAL);
    }
    let policy = u32_at(&bytes, 4);
    if (policy as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    let req = SchedRequest {
        policy: if sched_flags & SCHED_FLAG_KEEP_POLICY != 0 { None } else { Some(policy) },
        flags: sched_flags,
        priority: u32_at(&bytes, 20),
        nice: (u32_at(&bytes, 16) as i32).clamp(MIN_NICE, MAX_NICE),
        deadline: DeadlineParams { runtime: u64_at(&bytes, 24), deadline: u64_at(&bytes, 32), period: u64_at(&bytes, 40) },
    };
    let target = target_thread(cx, pid)?;
    target.set_scheduler(&req, &SchedPermission::of(cx.thread.process(), &target))?;
    // A PI waiter's new priority moves it in its queue and down the chain.
    task::futex::pi::priority_changed(&target);
    Ok(0)
}
