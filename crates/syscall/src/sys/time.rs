//! Clocks, sleeps, CPU accounting and the real-time interval timer.

use alloc::sync::Arc;
use core::sync::atomic::Ordering;

use abi::{Errno, KResult};
use task::process::cpu_itimer::{CpuItimer, Setting};
use task::process::expiry::ExpirySlot;
use task::process::{Process, find_process, find_thread};
use task::signal::SIGALRM;

use crate::ctx::{RestartBlock, SyscallContext};
use crate::interruptible;

const CLOCK_REALTIME: i32 = 0;
const CLOCK_MONOTONIC: i32 = 1;
const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
const CLOCK_MONOTONIC_RAW: i32 = 4;
const CLOCK_REALTIME_COARSE: i32 = 5;
const CLOCK_MONOTONIC_COARSE: i32 = 6;
const CLOCK_BOOTTIME: i32 = 7;
const TIMER_ABSTIME: u64 = 1;
/// What clock_getres reports for the coarse clocks: Linux's tick at
/// HZ=250 (weft's coarse clocks read the precise clock, so they are never
/// coarser than this).
const COARSE_RESOLUTION_NS: u64 = 4_000_000;
const ITIMER_REAL: u64 = 0;
/// Clock ticks per second reported to user space (USER_HZ).
const USER_HZ: u64 = 100;
const NS_PER_SEC: u64 = 1_000_000_000;

/// Nanoseconds to add to the monotonic clock to get wall-clock time.
pub fn realtime_offset_ns() -> u64 {
    arch::time::boot_unix_ns()
}

/// Reads a `struct timespec` as nanoseconds (EINVAL when out of range).
pub fn read_timespec(cx: &SyscallContext<'_>, addr: u64) -> KResult<u64> {
    let [sec, nsec]: [i64; 2] = cx.read(addr)?;
    if sec < 0 || !(0..NS_PER_SEC as i64).contains(&nsec) {
        return Err(Errno::EINVAL);
    }
    Ok((sec as u64).saturating_mul(NS_PER_SEC).saturating_add(nsec as u64))
}

fn timespec(ns: u64) -> [i64; 2] {
    [(ns / NS_PER_SEC) as i64, (ns % NS_PER_SEC) as i64]
}

fn timeval(ns: u64) -> [i64; 2] {
    [(ns / NS_PER_SEC) as i64, ((ns % NS_PER_SEC) / 1000) as i64]
}

/// The CPU-time clocks Linux encodes in negative clock ids
/// (`CPUCLOCK_*`: ~pid << 3 | which, bit 2 = per thread).
fn cpu_clock(cx: &SyscallContext<'_>, clock: i32) -> KResult<u64> {
    let id = !(clock >> 3);
    let per_thread = clock & 4 != 0;
    let which = clock & 3;
    if which == 3 {
        return Err(Errno::EINVAL);
    }
    let now = arch::time::now_ns();
    let (user, total) = if per_thread {
        let t = if id == 0 { cx.thread.clone() } else { find_thread(id).ok_or(Errno::EINVAL)? };
        (t.cpu_time.user(), t.cpu_time.total(now))
    } else {
        let p = if id == 0 { cx.thread.process().clone() } else { find_process(id).ok_or(Errno::EINVAL)? };
        (p.cpu_time().0, p.cpu_total(now))
    };
    // CPUCLOCK_VIRT counts user time (at tick granularity); CPUCLOCK_PROF
    // and CPUCLOCK_SCHED count all of it.
    Ok(if which == 1 { user } else { total })
}

/// The value of `clock` in ns.
pub fn clock_now(cx: &SyscallContext<'_>, clock: i32) -> KResult<u64> {
    let mono = arch::time::now_ns();
    Ok(match clock {
        CLOCK_REALTIME | CLOCK_REALTIME_COARSE => mono + realtime_offset_ns(),
        CLOCK_MONOTONIC | CLOCK_MONOTONIC_RAW | CLOCK_MONOTONIC_COARSE | CLOCK_BOOTTIME => mono,
        CLOCK_PROCESS_CPUTIME_ID => cx.thread.process().cpu_total(mono),
        CLOCK_THREAD_CPUTIME_ID => cx.thread.cpu_time.total(mono),
        c if c < 0 => cpu_clock(cx, c)?,
        _ => return Err(Errno::EINVAL),
    })
}

pub fn clock_gettime(cx: &mut SyscallContext<'_>, clock: u64, tp: u64) -> KResult<usize> {
    let ns = clock_now(cx, clock as i32)?;
    cx.write(tp, &timespec(ns))?;
    Ok(0)
}

pub fn clock_getres(cx: &mut SyscallContext<'_>, clock: u64, res: u64) -> KResult<usize> {
    clock_now(cx, clock as i32)?;
    if res != 0 {
        let coarse = matches!(clock as i32, CLOCK_REALTIME_COARSE | CLOCK_MONOTONIC_COARSE);
        cx.write(res, &timespec(if coarse { COARSE_RESOLUTION_NS } else { 1 }))?;
    }
    Ok(0)
}

pub fn gettimeofday(cx: &mut SyscallContext<'_>, tv: u64, tz: u64) -> KResult<usize> {
    if tv != 0 {
        cx.write(tv, &timeval(arch::time::now_ns() + realtime_offset_ns()))?;
    }
    if tz != 0 {
        cx.write(tz, &[0i32; 2])?;
    }
    Ok(0)
}

pub fn time(cx: &mut SyscallContext<'_>, out: u64) -> KResult<usize> {
    let secs = (arch::time::now_ns() + realtime_offset_ns()) / NS_PER_SEC;
    if out != 0 {
        cx.write(out, &(secs as i64))?;
    }
    Ok(secs as usize)
}

/// Sleeps until `deadline` (monotonic ns); when a signal interrupts,
/// writes the remaining time to `rmtp` and arranges a restart through
/// restart_syscall (Linux: ERESTART_RESTARTBLOCK).
async fn sleep_until(cx: &mut SyscallContext<'_>, deadline: u64, rmtp: u64, relative: bool) -> KResult<usize> {
    let thread = cx.thread.clone();
    let result = interruptible(&thread, async {
        runtime::sleep_until(deadline).await;
        Ok(0)
    })
    .await;
    match result {
        Err(Errno::ERESTARTSYS) => {
            if relative && rmtp != 0 {
                cx.write(rmtp, &timespec(deadline.saturating_sub(arch::time::now_ns())))?;
            }
            cx.state.restart_block = Some(RestartBlock::Nanosleep { deadline_ns: deadline, rmtp });
            Err(if relative { Errno::ERESTART_RESTARTBLOCK } else { Errno::ERESTARTNOHAND })
        }
        other => other,
    }
}

pub async fn nanosleep(cx: &mut SyscallContext<'_>, req: u64, rem: u64) -> KResult<usize> {
    let ns = read_timespec(cx, req)?;
    let deadline = arch::time::now_ns().saturating_add(ns);
    sleep_until(cx, deadline, rem, true).await
}

pub async fn clock_nanosleep(cx: &mut SyscallContext<'_>, clock: u64, flags: u64, req: u64, rem: u64) -> KResult<usize> {
    let clock = clock as i32;
    // Sleeping on a CPU-time clock is not supported (Linux supports the
    // process clock; nothing weft runs uses it).
    if !matches!(clock, CLOCK_REALTIME | CLOCK_MONOTONIC | CLOCK_BOOTTIME) {
        return Err(Errno::EINVAL);
    }
    let ns = read_timespec(cx, req)?;
    let now = arch::time::now_ns();
    let deadline = if flags & TIMER_ABSTIME != 0 {
        if clock == CLOCK_REALTIME { ns.saturating_sub(realtime_offset_ns()) } else { ns }
    } else {
        now.saturating_add(ns)
    };
    // clock_nanosleep returns the error number instead of -1/errno, which
    // libc handles; the kernel side is the same as nanosleep.
    sleep_until(cx, deadline, rem, flags & TIMER_ABSTIME == 0).await
}

/// restart_syscall(2): resumes what the last interrupted call left.
pub async fn restart_syscall(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    match cx.state.restart_block.take() {
        Some(RestartBlock::Nanosleep { deadline_ns, rmtp }) => sleep_until(cx, deadline_ns, rmtp, true).await,
        None => Err(Errno::EINTR),
    }
}

fn ticks(ns: u64) -> i64 {
    (ns / (NS_PER_SEC / USER_HZ)) as i64
}

pub fn times(cx: &mut SyscallContext<'_>, buf: u64) -> KResult<usize> {
    if buf != 0 {
        let p = cx.thread.process();
        let (u, s) = p.cpu_time();
        let (cu, cs) = p.children_cpu_time();
        cx.write(buf, &[ticks(u), ticks(s), ticks(cu), ticks(cs)])?;
    }
    Ok(ticks(arch::time::now_ns()) as usize)
}

/// `struct rusage` with the two times and ru_maxrss (KiB) filled (the
/// counters stay 0).
pub fn rusage_bytes(user_ns: u64, system_ns: u64, maxrss_pages: usize) -> [u8; 144] {
    let mut b = [0u8; 144];
    let fields = [timeval(user_ns), timeval(system_ns)];
    for (i, tv) in fields.iter().enumerate() {
        b[i * 16..i * 16 + 8].copy_from_slice(&tv[0].to_le_bytes());
        b[i * 16 + 8..i * 16 + 16].copy_from_slice(&tv[1].to_le_bytes());
    }
    let maxrss_kb = (maxrss_pages as u64).saturating_mul(mm::PAGE_SIZE as u64 / 1024);
    b[32..40].copy_from_slice(&maxrss_kb.to_le_bytes());
    b
}

pub fn getrusage(cx: &mut SyscallContext<'_>, who: u64, usage: u64) -> KResult<usize> {
    const RUSAGE_SELF: i32 = 0;
    const RUSAGE_CHILDREN: i32 = -1;
    const RUSAGE_THREAD: i32 = 1;
    let process = cx.thread.process();
    // ru_maxrss: RUSAGE_THREAD reports the process's, as Linux does.
    let ((u, s), maxrss) = match who as i32 {
        RUSAGE_SELF => (process.cpu_time(), process.maxrss_pages()),
        RUSAGE_CHILDREN => (process.children_cpu_time(), process.children_maxrss_pages()),
        RUSAGE_THREAD => (cx.thread.cpu_time.adjusted(arch::time::now_ns()), process.maxrss_pages()),
        _ => return Err(Errno::EINVAL),
    };
    cx.write_bytes(usage, &rusage_bytes(u, s, maxrss))?;
    Ok(0)
}

/// Arms (or disarms, with `value == 0`) ITIMER_REAL; returns the old
/// (remaining, interval).
fn arm_real_timer(process: &Arc<Process>, value: u64, interval: u64) -> (u64, u64) {
    let now = arch::time::now_ns();
    let generation = process.real_timer_gen.fetch_add(1, Ordering::AcqRel) + 1;
    let old = {
        let mut t = process.real_timer.lock();
        let old = (t.0.saturating_sub(now), t.1);
        *t = if value == 0 { (0, 0) } else { (now.saturating_add(value), interval) };
        old
    };
    if value == 0 {
        process.real_timer_task.clear();
    } else {
        let stop = process.real_timer_task.replace();
        let p = Arc::downgrade(process);
        runtime::Builder::new().name("itimer-real").spawn(async move {
            let mut deadline = now.saturating_add(value);
            loop {
                if !ExpirySlot::sleep_until(&stop, deadline).await {
                    return;
                }
                let Some(p) = p.upgrade() else { return };
                if p.real_timer_gen.load(Ordering::Acquire) != generation || p.thread_count() == 0 {
                    return;
                }
                task::process::signal_send::kernel_signal(p.pid(), SIGALRM);
                let interval = p.real_timer.lock().1;
                if interval == 0 {
                    *p.real_timer.lock() = (0, 0);
                    return;
                }
                deadline = deadline.saturating_add(interval);
                p.real_timer.lock().0 = deadline;
            }
        });
    }
    old
}

pub fn alarm(cx: &mut SyscallContext<'_>, seconds: u64) -> KResult<usize> {
    // alarm takes an unsigned int (Linux): the product always fits.
    let (remaining, _) = arm_real_timer(cx.thread.process(), (seconds as u32 as u64) * NS_PER_SEC, 0);
    // Rounded up, and at least 1 while a timer was pending (POSIX).
    Ok(remaining.div_ceil(NS_PER_SEC) as usize)
}

fn read_itimerval(cx: &SyscallContext<'_>, addr: u64) -> KResult<(u64, u64)> {
    let [isec, iusec, vsec, vusec]: [i64; 4] = cx.read(addr)?;
    let ok = |s: i64, us: i64| s >= 0 && (0..1_000_000).contains(&us);
    if !ok(isec, iusec) || !ok(vsec, vusec) {
        return Err(Errno::EINVAL);
    }
    let ns = |s: i64, us: i64| (s as u64).saturating_mul(NS_PER_SEC).saturating_add(us as u64 * 1000);
    Ok((ns(vsec, vusec), ns(isec, iusec)))
}

fn write_itimerval(cx: &SyscallContext<'_>, addr: u64, value: u64, interval: u64) -> KResult<()> {
    let (i, v) = (timeval(interval), timeval(value));
    cx.write(addr, &[i[0], i[1], v[0], v[1]])
}

/// setitimer(2): ITIMER_REAL counts wall time; ITIMER_VIRTUAL and
/// ITIMER_PROF count the process's CPU time (`task::process::cpu_itimer`).
pub fn setitimer(cx: &mut SyscallContext<'_>, which: u64, new: u64, old: u64) -> KResult<usize> {
    // Linux copies the new value in before it looks at `which`.
    let (value, interval) = if new != 0 { read_itimerval(cx, new)? } else { (0, 0) };
    let cpu_timer = match which {
        ITIMER_REAL => None,
        w => Some(CpuItimer::from_which(w).ok_or(Errno::EINVAL)?),
    };
    let (old_value, old_interval) = match cpu_timer {
        None => arm_real_timer(cx.thread.process(), value, interval),
        Some(timer) => {
            let setting = Setting { remaining_ns: value, interval_ns: interval };
            let was = cx.thread.process().cpu_itimers.set(timer, setting);
            (was.remaining_ns, was.interval_ns)
        }
    };
    if old != 0 {
        write_itimerval(cx, old, old_value, old_interval)?;
    }
    Ok(0)
}

pub fn getitimer(cx: &mut SyscallContext<'_>, which: u64, out: u64) -> KResult<usize> {
    let (value, interval) = match which {
        ITIMER_REAL => {
            let (deadline, interval) = *cx.thread.process().real_timer.lock();
            let remaining = if deadline == 0 { 0 } else { deadline.saturating_sub(arch::time::now_ns()) };
            (remaining, interval)
        }
        w => {
            let setting = cx.thread.process().cpu_itimers.get(CpuItimer::from_which(w).ok_or(Errno::EINVAL)?);
            (setting.remaining_ns, setting.interval_ns)
        }
    };
    write_itimerval(cx, out, value, interval)?;
    Ok(0)
}
