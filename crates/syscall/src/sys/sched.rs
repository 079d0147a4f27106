//! Scheduling system calls: yield, CPU affinity, getcpu, and the policy
//! queries programs make (weft has one policy, SCHED_OTHER).

use abi::{Errno, KResult};
use task::process::find_thread;

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
        // Linux's check_same_owner, or CAP_SYS_NICE.
        let thread = find_thread(tid as i32).ok_or(Errno::ESRCH)?;
        // One lock at a time (not a tuple, whose first guard lives on):
        // the target may be a thread of the caller's own process.
        let mine = cx.thread.process().cred.lock().clone();
        let theirs = thread.process().cred.lock().clone();
        if !mine.is_privileged() && mine.euid != theirs.euid && mine.euid != theirs.uid {
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

pub fn sched_getscheduler(_cx: &mut SyscallContext<'_>, pid: u64) -> KResult<usize> {
    if (pid as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    Ok(0) // SCHED_OTHER
}

pub fn sched_getparam(cx: &mut SyscallContext<'_>, pid: u64, param: u64) -> KResult<usize> {
    if (pid as i32) < 0 || param == 0 {
        return Err(Errno::EINVAL);
    }
    cx.write(param, &0i32)?;
    Ok(0)
}

pub fn sched_setscheduler(cx: &mut SyscallContext<'_>, pid: u64, policy: u64, param: u64) -> KResult<usize> {
    if (pid as i32) < 0 || param == 0 {
        return Err(Errno::EINVAL);
    }
    // struct sched_param: the priority, read before the policy is checked.
    let priority: i32 = cx.read(param)?;
    // Only SCHED_OTHER/BATCH/IDLE need no privilege; weft runs them alike.
    match policy & !0x4000_0000 {
        0 | 3 | 5 if priority != 0 => Err(Errno::EINVAL),
        0 | 3 | 5 => Ok(0),
        1 | 2 => Err(Errno::EPERM),
        _ => Err(Errno::EINVAL),
    }
}

pub fn priority_range(policy: u64, max: bool) -> KResult<usize> {
    match policy {
        0 | 3 | 5 => Ok(0),
        1 | 2 => Ok(if max { 99 } else { 1 }),
        _ => Err(Errno::EINVAL),
    }
}

pub fn getpriority(_cx: &mut SyscallContext<'_>, which: u64, _who: u64) -> KResult<usize> {
    if which > 2 {
        return Err(Errno::EINVAL);
    }
    // The raw syscall returns 20 - nice.
    Ok(20)
}

pub fn setpriority(cx: &mut SyscallContext<'_>, which: u64, _who: u64, prio: u64) -> KResult<usize> {
    if which > 2 {
        return Err(Errno::EINVAL);
    }
    if (prio as i32) < 0 && !cx.thread.process().cred.lock().is_privileged() {
        return Err(Errno::EACCES);
    }
    Ok(0)
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

/// sched_getattr(2), consistent with sched_getscheduler: every thread is
/// SCHED_OTHER at nice 0 until weft has scheduling policies (issue 14).
pub fn sched_getattr(cx: &mut SyscallContext<'_>, pid: u64, attr: u64, size: u64, flags: u64) -> KResult<usize> {
    let size = size as u32;
    if (pid as i32) < 0 || flags != 0 || attr == 0 || !(SCHED_ATTR_SIZE_VER0..=4096).contains(&size) {
        return Err(Errno::EINVAL);
    }
    if pid != 0 && find_thread(pid as i32).is_none() {
        return Err(Errno::ESRCH);
    }
    let size = size.min(SCHED_ATTR_SIZE_VER1);
    // size, policy (SCHED_OTHER), flags, nice, priority, runtime, deadline,
    // period, util_min, util_max.
    let mut bytes = alloc::vec![0u8; SCHED_ATTR_SIZE_VER1 as usize];
    bytes[0..4].copy_from_slice(&size.to_le_bytes());
    bytes[52..56].copy_from_slice(&1024u32.to_le_bytes()); // util_max: SCHED_CAPACITY_SCALE
    cx.write_bytes(attr, &bytes[..size as usize])?;
    Ok(0)
}

/// sched_setattr(2): the normal policies are accepted (weft runs them
/// alike, as sched_setscheduler does); real-time ones are EPERM and
/// SCHED_DEADLINE EINVAL until weft has policies (issue 14).
pub fn sched_setattr(cx: &mut SyscallContext<'_>, pid: u64, attr: u64, flags: u64) -> KResult<usize> {
    if (pid as i32) < 0 || flags != 0 || attr == 0 {
        return Err(Errno::EINVAL);
    }
    let mut size: u32 = cx.read(attr)?;
    if size == 0 {
        size = SCHED_ATTR_SIZE_VER0;
    }
    if size < SCHED_ATTR_SIZE_VER0 || size > 4096 {
        // Linux writes back the size it knows.
        cx.write(attr, &SCHED_ATTR_SIZE_VER1)?;
        return Err(Errno::E2BIG);
    }
    let bytes = cx.read_bytes(attr, size as usize)?;
    if bytes.get(SCHED_ATTR_SIZE_VER1 as usize..).is_some_and(|rest| rest.iter().any(|&b| b != 0)) {
        cx.write(attr, &SCHED_ATTR_SIZE_VER1)?;
        return Err(Errno::E2BIG);
    }
    let policy = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes"));
    let priority = u32::from_le_bytes(bytes[20..24].try_into().expect("4 bytes"));
    if pid != 0 && find_thread(pid as i32).is_none() {
        return Err(Errno::ESRCH);
    }
    match policy {
        0 | 3 | 5 if priority == 0 => Ok(0),
        1 | 2 => Err(Errno::EPERM),
        _ => Err(Errno::EINVAL),
    }
}
