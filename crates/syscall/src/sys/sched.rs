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
    target_task(cx, tid)?.set_affinity(bits).map_err(|_| Errno::EINVAL)?;
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

pub fn sched_setscheduler(_cx: &mut SyscallContext<'_>, pid: u64, policy: u64, _param: u64) -> KResult<usize> {
    if (pid as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    // Only SCHED_OTHER/BATCH/IDLE need no privilege; weft runs them alike.
    match policy & !0x4000_0000 {
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
