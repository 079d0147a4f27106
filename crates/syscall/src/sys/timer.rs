//! POSIX timers: timer_create, timer_settime, timer_gettime,
//! timer_getoverrun, timer_delete. Each armed timer has a runtime task
//! that sleeps until the next expiry and sends the signal.

use alloc::sync::{Arc, Weak};
use core::sync::atomic::Ordering;

use abi::{Errno, KResult};
use task::process::expiry::ExpirySlot;
use task::process::posix_timer::{Notify, PosixTimer};
use task::process::signal_send::{send_to_process, send_to_thread};
use task::process::{Process, find_thread};

use crate::ctx::SyscallContext;
use crate::sys::time::realtime_offset_ns;

const SIGEV_SIGNAL: i32 = 0;
const SIGEV_NONE: i32 = 1;
const SIGEV_THREAD: i32 = 2;
const SIGEV_THREAD_ID: i32 = 4;
const CLOCK_REALTIME: i32 = 0;
const CLOCK_MONOTONIC: i32 = 1;
const CLOCK_BOOTTIME: i32 = 7;
const SIGALRM: u32 = 14;
const TIMER_ABSTIME: u64 = 1;
const NS_PER_SEC: u64 = 1_000_000_000;

pub fn timer_create(cx: &mut SyscallContext<'_>, clock: u64, sevp: u64, timerid: u64) -> KResult<usize> {
    let clock = clock as i32;
    // Timers on the CPU-time clocks are not supported (EINVAL, as for an
    // unknown clock).
    if !matches!(clock, CLOCK_REALTIME | CLOCK_MONOTONIC | CLOCK_BOOTTIME) {
        return Err(Errno::EINVAL);
    }
    let (notify, signo, value) = if sevp == 0 {
        (Notify::Process, SIGALRM, u64::MAX)
    } else {
        let raw: [u8; 64] = cx.read(sevp)?;
        let value = u64::from_le_bytes(raw[0..8].try_into().unwrap());
        let signo = i32::from_le_bytes(raw[8..12].try_into().unwrap());
        let how = i32::from_le_bytes(raw[12..16].try_into().unwrap());
        let tid = i32::from_le_bytes(raw[16..20].try_into().unwrap());
        let notify = match how {
            SIGEV_NONE => Notify::None,
            SIGEV_SIGNAL | SIGEV_THREAD => Notify::Process,
            SIGEV_THREAD_ID => {
                let t = find_thread(tid).filter(|t| t.pid() == cx.pid()).ok_or(Errno::EINVAL)?;
                Notify::Thread(t.tid())
            }
            _ => return Err(Errno::EINVAL),
        };
        if notify != Notify::None && !task::signal::is_valid(signo as u32) {
            return Err(Errno::EINVAL);
        }
        (notify, signo as u32, value)
    };
    let max = cx.thread.process().limits.lock().cur(task::rlimit::RLIMIT_SIGPENDING);
    let timer = cx
        .thread
        .process()
        .timers
        .create(max, |id| {
            // With no sigevent, the value is the timer id (Linux).
            let value = if value == u64::MAX { id as u64 } else { value };
            PosixTimer::new(id, clock, notify, signo, value)
        })
        .ok_or(Errno::EAGAIN)?;
    if let Err(e) = cx.write(timerid, &timer.id) {
        cx.thread.process().timers.delete(timer.id);
        return Err(e);
    }
    Ok(0)
}

fn timer(cx: &SyscallContext<'_>, id: u64) -> KResult<Arc<PosixTimer>> {
    cx.thread.process().timers.get(id as i32).ok_or(Errno::EINVAL)
}

/// Reads a `struct itimerspec` as (value, interval) ns (EINVAL when out
/// of range).
pub(crate) fn read_itimerspec(cx: &SyscallContext<'_>, addr: u64) -> KResult<(u64, u64)> {
    let [isec, insec, vsec, vnsec]: [i64; 4] = cx.read(addr)?;
    let ok = |s: i64, ns: i64| s >= 0 && (0..NS_PER_SEC as i64).contains(&ns);
    if !ok(isec, insec) || !ok(vsec, vnsec) {
        return Err(Errno::EINVAL);
    }
    let ns = |s: i64, n: i64| (s as u64).saturating_mul(NS_PER_SEC).saturating_add(n as u64);
    Ok((ns(vsec, vnsec), ns(isec, insec)))
}

/// The (remaining, interval) of a timer now.
fn current(t: &PosixTimer) -> (u64, u64) {
    let (deadline, interval) = *t.setting.lock();
    let remaining = if deadline == 0 { 0 } else { deadline.saturating_sub(arch::time::now_ns()).max(1) };
    (remaining, interval)
}

pub(crate) fn write_itimerspec(cx: &SyscallContext<'_>, addr: u64, (value, interval): (u64, u64)) -> KResult<()> {
    let ts = |ns: u64| [(ns / NS_PER_SEC) as i64, (ns % NS_PER_SEC) as i64];
    let (i, v) = (ts(interval), ts(value));
    cx.write(addr, &[i[0], i[1], v[0], v[1]])
}

pub fn timer_settime(cx: &mut SyscallContext<'_>, id: u64, flags: u64, new: u64, old: u64) -> KResult<usize> {
    // A NULL new value is EINVAL (Linux's first check), a bad one EFAULT.
    if new == 0 {
        return Err(Errno::EINVAL);
    }
    let t = timer(cx, id)?;
    let (value, interval) = read_itimerspec(cx, new)?;
    if flags & !TIMER_ABSTIME != 0 {
        return Err(Errno::EINVAL);
    }
    let previous = current(&t);
    let now = arch::time::now_ns();
    let deadline = match (value, flags & TIMER_ABSTIME != 0) {
        (0, _) => 0,
        (v, true) if t.clock == CLOCK_REALTIME => v.saturating_sub(realtime_offset_ns()).max(1),
        (v, true) => v.max(1),
        (v, false) => now.saturating_add(v),
    };
    let generation = t.generation.fetch_add(1, Ordering::AcqRel) + 1;
    *t.setting.lock() = (deadline, interval);
    if deadline != 0 {
        arm(Arc::downgrade(cx.thread.process()), t.clone(), generation, deadline);
    } else {
        t.task.clear();
    }
    if old != 0 {
        write_itimerspec(cx, old, previous)?;
    }
    Ok(0)
}

/// The expiry task of one setting of one timer.
fn arm(process: Weak<Process>, t: Arc<PosixTimer>, generation: u64, first: u64) {
    let stop = t.task.replace();
    runtime::Builder::new().name("posix-timer").spawn(async move {
        let mut deadline = first;
        loop {
            if !ExpirySlot::sleep_until(&stop, deadline).await {
                return;
            }
            if t.generation.load(Ordering::Acquire) != generation {
                return;
            }
            let Some(p) = process.upgrade() else { return };
            if p.thread_count() == 0 {
                return;
            }
            if let Some(info) = t.expire() {
                let _ = match t.notify {
                    Notify::Thread(tid) => match find_thread(tid) {
                        Some(th) => send_to_thread(&th, info),
                        None => send_to_process(&p, info),
                    },
                    _ => send_to_process(&p, info),
                };
            }
            let interval = t.setting.lock().1;
            if interval == 0 {
                t.setting.lock().0 = 0;
                return;
            }
            deadline = deadline.saturating_add(interval);
            t.setting.lock().0 = deadline;
        }
    });
}

pub fn timer_gettime(cx: &mut SyscallContext<'_>, id: u64, out: u64) -> KResult<usize> {
    let t = timer(cx, id)?;
    write_itimerspec(cx, out, current(&t))?;
    Ok(0)
}

pub fn timer_getoverrun(cx: &mut SyscallContext<'_>, id: u64) -> KResult<usize> {
    Ok(timer(cx, id)?.overrun() as usize)
}

pub fn timer_delete(cx: &mut SyscallContext<'_>, id: u64) -> KResult<usize> {
    cx.thread.process().timers.delete(id as i32).map(|_| 0).ok_or(Errno::EINVAL)
}
