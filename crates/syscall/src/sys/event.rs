//! epoll, eventfd, timerfd and signalfd: thin handlers over `fs::event`
//! and `task::event`. Argument checks and their order follow Linux's
//! fs/eventpoll.c, fs/eventfd.c, fs/timerfd.c and fs/signalfd.c.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::task::Poll;

use abi::{Errno, KResult};
use fs::event::epoll::{self, Epoll, Event};
use fs::event::eventfd::EventFd;
use task::event::signalfd::SignalFd;
use task::event::timerfd::{self, TimerFd};
use task::signal::SigSet;
use fs::{OpenFile, OpenFlags};

use crate::ctx::SyscallContext;
use crate::interruptible;
use crate::sys::fd::file;
use crate::sys::poll;
use crate::sys::process::nofile_limit;

/// `sizeof(struct epoll_event)` on x86_64 (packed: u32 events, u64 data).
const EVENT_SIZE: usize = 12;
/// Linux's `EP_MAX_EVENTS`.
const MAX_EVENTS: u64 = (i32::MAX as u64) / EVENT_SIZE as u64;
const EFD_SEMAPHORE: u64 = 1;

/// Makes a new file (ENFILE at fs.file-max first) and gives it an fd.
fn install(cx: &SyscallContext<'_>, make: impl FnOnce() -> Arc<OpenFile>, cloexec: bool) -> KResult<usize> {
    crate::sys::process::may_open_file(cx)?;
    let fd = cx.thread.files().insert(make(), cloexec, nofile_limit(cx))?;
    Ok(fd as usize)
}

pub fn epoll_create(cx: &mut SyscallContext<'_>, size: u64) -> KResult<usize> {
    if size as i32 <= 0 {
        return Err(Errno::EINVAL);
    }
    install(cx, Epoll::new_file, false)
}

pub fn epoll_create1(cx: &mut SyscallContext<'_>, flags: u64) -> KResult<usize> {
    if flags & !(OpenFlags::CLOEXEC.bits() as u64) != 0 {
        return Err(Errno::EINVAL);
    }
    install(cx, Epoll::new_file, flags != 0)
}

fn epoll_of(file: &OpenFile) -> KResult<&Epoll> {
    file.ops().as_epoll().ok_or(Errno::EINVAL)
}

pub fn epoll_ctl(cx: &mut SyscallContext<'_>, epfd: u64, op: u64, fd: u64, event: u64) -> KResult<usize> {
    let op = op as i32;
    // Linux copies the event in before it looks at the fds.
    let event = if op == epoll::EPOLL_CTL_DEL {
        Event { events: 0, data: 0 }
    } else {
        let raw: [u8; EVENT_SIZE] = cx.read(event)?;
        Event {
            events: u32::from_le_bytes(raw[..4].try_into().expect("4 bytes")),
            data: u64::from_le_bytes(raw[4..].try_into().expect("8 bytes")),
        }
    };
    let this = file(cx, epfd)?;
    let target = file(cx, fd)?;
    if !target.ops().can_poll() {
        return Err(Errno::EPERM);
    }
    epoll_of(&this)?.ctl(&this, op, fd as i32, &target, event)?;
    Ok(0)
}

/// epoll_wait's common part: `deadline` None waits forever.
async fn wait(cx: &mut SyscallContext<'_>, epfd: u64, events: u64, max: u64, deadline: Option<u64>) -> KResult<usize> {
    let max = max as i32;
    if max <= 0 || max as u64 > MAX_EVENTS {
        return Err(Errno::EINVAL);
    }
    let len = max as u64 * EVENT_SIZE as u64;
    if events.checked_add(len).is_none_or(|end| end > mm::layout::TASK_SIZE as u64) {
        return Err(Errno::EFAULT);
    }
    let this = file(cx, epfd)?;
    let epoll = epoll_of(&this)?;
    let max = max as usize;
    let ready = match epoll.poll_wait(max, None) {
        Poll::Ready(ready) if !ready.is_empty() => ready,
        _ if deadline.is_some_and(|d| d <= arch::time::now_ns()) => Vec::new(),
        _ => {
            let waiting = interruptible(cx.thread, runtime::poll_fn(|wcx| epoll.poll_wait(max, Some(wcx)).map(Ok)));
            let result = match deadline {
                None => waiting.await,
                Some(d) => runtime::global().timeout(d, waiting).await.unwrap_or(Ok(Vec::new())),
            };
            // epoll_wait is never restarted after a signal (Linux: EINTR).
            result.map_err(|e| if e == Errno::ERESTARTSYS { Errno::EINTR } else { e })?
        }
    };
    let mut out = Vec::with_capacity(ready.len() * EVENT_SIZE);
    for e in &ready {
        out.extend_from_slice(&e.events.to_le_bytes());
        out.extend_from_slice(&e.data.to_le_bytes());
    }
    cx.write_bytes(events, &out)?;
    Ok(ready.len())
}

fn deadline_ms(timeout_ms: u64) -> Option<u64> {
    let ms = timeout_ms as i32;
    (ms >= 0).then(|| arch::time::now_ns().saturating_add(ms as u64 * 1_000_000))
}

pub async fn epoll_wait(cx: &mut SyscallContext<'_>, epfd: u64, events: u64, max: u64, timeout_ms: u64) -> KResult<usize> {
    wait(cx, epfd, events, max, deadline_ms(timeout_ms)).await
}

/// Swaps in the caller's mask for the wait (epoll_pwait, epoll_pwait2), as
/// ppoll does; the old one returns on the way back to user mode.
fn swap_mask(cx: &SyscallContext<'_>, sigmask: u64, size: u64) -> KResult<()> {
    let mask = poll::read_mask(cx, sigmask, size)?;
    poll::swap_mask(cx, mask);
    Ok(())
}

pub async fn epoll_pwait(cx: &mut SyscallContext<'_>, epfd: u64, events: u64, max: u64, timeout_ms: u64, sigmask: u64, size: u64) -> KResult<usize> {
    swap_mask(cx, sigmask, size)?;
    wait(cx, epfd, events, max, deadline_ms(timeout_ms)).await
}

pub async fn epoll_pwait2(cx: &mut SyscallContext<'_>, epfd: u64, events: u64, max: u64, timeout: u64, sigmask: u64, size: u64) -> KResult<usize> {
    let deadline = if timeout == 0 {
        None
    } else {
        Some(arch::time::now_ns().saturating_add(crate::sys::time::read_timespec(cx, timeout)?))
    };
    swap_mask(cx, sigmask, size)?;
    wait(cx, epfd, events, max, deadline).await
}

pub fn eventfd2(cx: &mut SyscallContext<'_>, initval: u64, flags: u64) -> KResult<usize> {
    let allowed = OpenFlags::CLOEXEC.bits() as u64 | OpenFlags::NONBLOCK.bits() as u64 | EFD_SEMAPHORE;
    if flags & !allowed != 0 {
        return Err(Errno::EINVAL);
    }
    let status = OpenFlags::from_bits_truncate(flags as u32) & OpenFlags::NONBLOCK;
    let make = || EventFd::new_file(initval as u32, flags & EFD_SEMAPHORE != 0, status);
    install(cx, make, flags & OpenFlags::CLOEXEC.bits() as u64 != 0)
}

pub fn eventfd(cx: &mut SyscallContext<'_>, initval: u64) -> KResult<usize> {
    eventfd2(cx, initval, 0)
}

const TFD_CLOEXEC: u64 = 0o2000000;
const TFD_NONBLOCK: u64 = 0o4000;
const CLOCK_REALTIME_ALARM: i32 = 8;
const CLOCK_BOOTTIME_ALARM: i32 = 9;

pub fn timerfd_create(cx: &mut SyscallContext<'_>, clock: u64, flags: u64) -> KResult<usize> {
    if flags & !(TFD_CLOEXEC | TFD_NONBLOCK) != 0 {
        return Err(Errno::EINVAL);
    }
    // The alarm clocks (which would wake a suspended machine) are their
    // plain clocks here: weft does not suspend.
    let clock = match clock as i32 {
        timerfd::CLOCK_REALTIME | CLOCK_REALTIME_ALARM => timerfd::CLOCK_REALTIME,
        timerfd::CLOCK_MONOTONIC => timerfd::CLOCK_MONOTONIC,
        timerfd::CLOCK_BOOTTIME | CLOCK_BOOTTIME_ALARM => timerfd::CLOCK_BOOTTIME,
        _ => return Err(Errno::EINVAL),
    };
    let status = if flags & TFD_NONBLOCK != 0 { OpenFlags::NONBLOCK } else { OpenFlags::empty() };
    install(cx, || TimerFd::new_file(clock, status), flags & TFD_CLOEXEC != 0)
}

fn timerfd_of(file: &OpenFile) -> KResult<&TimerFd> {
    file.ops().as_any().and_then(|a| a.downcast_ref::<TimerFd>()).ok_or(Errno::EINVAL)
}

pub fn timerfd_settime(cx: &mut SyscallContext<'_>, fd: u64, flags: u64, new: u64, old: u64) -> KResult<usize> {
    if flags & !((timerfd::TFD_TIMER_ABSTIME | timerfd::TFD_TIMER_CANCEL_ON_SET) as u64) != 0 {
        return Err(Errno::EINVAL);
    }
    let (value, interval) = crate::sys::timer::read_itimerspec(cx, new)?;
    let f = file(cx, fd)?;
    let previous = timerfd_of(&f)?.set(flags as u32, value, interval, crate::sys::time::realtime_offset_ns());
    if old != 0 {
        crate::sys::timer::write_itimerspec(cx, old, previous)?;
    }
    Ok(0)
}

pub fn timerfd_gettime(cx: &mut SyscallContext<'_>, fd: u64, out: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    let current = timerfd_of(&f)?.get();
    crate::sys::timer::write_itimerspec(cx, out, current)?;
    Ok(0)
}

const SFD_CLOEXEC: u64 = 0o2000000;
const SFD_NONBLOCK: u64 = 0o4000;

pub fn signalfd4(cx: &mut SyscallContext<'_>, fd: u64, mask: u64, size: u64, flags: u64) -> KResult<usize> {
    if size != 8 || flags & !(SFD_CLOEXEC | SFD_NONBLOCK) != 0 {
        return Err(Errno::EINVAL);
    }
    let mask = SigSet(cx.read::<u64>(mask)?);
    if fd as i32 == -1 {
        let status = if flags & SFD_NONBLOCK != 0 { OpenFlags::NONBLOCK } else { OpenFlags::empty() };
        return install(cx, || SignalFd::new_file(mask, status), flags & SFD_CLOEXEC != 0);
    }
    let f = file(cx, fd)?;
    f.ops().as_any().and_then(|a| a.downcast_ref::<SignalFd>()).ok_or(Errno::EINVAL)?.set_mask(mask);
    Ok(fd as i32 as usize)
}

pub fn signalfd(cx: &mut SyscallContext<'_>, fd: u64, mask: u64, size: u64) -> KResult<usize> {
    signalfd4(cx, fd, mask, size, 0)
}
