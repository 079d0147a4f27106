//! poll, ppoll, select and pselect6 over fs's readiness protocol.

use alloc::vec;
use alloc::vec::Vec;
use core::task::Poll;

use abi::{Errno, KResult};
use fs::PollEvents;
use fs::poll::{PollItem, poll_files};
use task::signal::SigSet;

use crate::ctx::SyscallContext;
use crate::interruptible;

/// Waits until at least one item is ready or `deadline` passes (None:
/// forever, Some(0)-like past deadlines: just look). Returns the count.
async fn wait_ready(cx: &SyscallContext<'_>, items: &mut [PollItem], deadline: Option<u64>) -> KResult<usize> {
    let ready = poll_files(items, None);
    if ready > 0 || deadline.is_some_and(|d| d <= arch::time::now_ns()) {
        return Ok(ready);
    }
    let wait = interruptible(
        cx.thread,
        runtime::poll_fn(|wcx| {
            let n = poll_files(items, Some(wcx));
            if n > 0 { Poll::Ready(Ok(n)) } else { Poll::Pending }
        }),
    );
    match deadline {
        None => wait.await,
        Some(d) => match runtime::global().timeout(d, wait).await {
            Ok(r) => r,
            Err(_) => Ok(0),
        },
    }
}

/// Runs `f` with the signal mask temporarily replaced (ppoll, pselect);
/// the old mask returns on the way back to user mode.
pub(crate) fn swap_mask(cx: &SyscallContext<'_>, mask: Option<SigSet>) {
    if let Some(mask) = mask {
        let old = cx.thread.signals.blocked();
        *cx.thread.signals.saved_mask.lock() = Some(old);
        cx.thread.signals.set_blocked(mask);
        crate::signal::recheck(cx.thread);
    }
}

async fn do_poll(cx: &mut SyscallContext<'_>, fds: u64, nfds: u64, deadline: Option<u64>) -> KResult<usize> {
    let limit = crate::sys::process::nofile_limit(cx) as u64;
    if nfds > limit.max(1024) {
        return Err(Errno::EINVAL);
    }
    let raw = cx.read_bytes(fds, nfds as usize * 8)?;
    let files = cx.thread.files();
    let mut slots = Vec::with_capacity(nfds as usize);
    let mut items = Vec::new();
    for i in 0..nfds as usize {
        let fd = i32::from_le_bytes(raw[i * 8..i * 8 + 4].try_into().unwrap());
        let events = u16::from_le_bytes(raw[i * 8 + 4..i * 8 + 6].try_into().unwrap());
        if fd < 0 {
            slots.push(None);
            continue;
        }
        slots.push(Some(items.len()));
        items.push(PollItem::new(files.get(fd).ok(), PollEvents::from_bits_truncate(events as u32)));
    }
    let result = wait_ready(cx, &mut items, deadline).await;
    let ready = match result {
        Ok(n) => n,
        // poll is never restarted after a handler (Linux: ERESTARTNOHAND).
        Err(Errno::ERESTARTSYS) => return Err(Errno::ERESTARTNOHAND),
        Err(e) => return Err(e),
    };
    let mut out = raw;
    for (i, slot) in slots.iter().enumerate() {
        let revents = slot.map(|s| items[s].revents.bits() as u16).unwrap_or(0);
        out[i * 8 + 6..i * 8 + 8].copy_from_slice(&revents.to_le_bytes());
    }
    cx.write_bytes(fds, &out)?;
    Ok(ready)
}

pub async fn poll(cx: &mut SyscallContext<'_>, fds: u64, nfds: u64, timeout_ms: u64) -> KResult<usize> {
    let timeout = timeout_ms as i32;
    let deadline = (timeout >= 0).then(|| arch::time::now_ns().saturating_add(timeout as u64 * 1_000_000));
    do_poll(cx, fds, nfds, deadline).await
}

pub async fn ppoll(cx: &mut SyscallContext<'_>, fds: u64, nfds: u64, tsp: u64, sigmask: u64, sigsetsize: u64) -> KResult<usize> {
    let deadline = if tsp != 0 { Some(arch::time::now_ns().saturating_add(crate::sys::time::read_timespec(cx, tsp)?)) } else { None };
    let mask = read_mask(cx, sigmask, sigsetsize)?;
    swap_mask(cx, mask);
    do_poll(cx, fds, nfds, deadline).await
}

pub(crate) fn read_mask(cx: &SyscallContext<'_>, sigmask: u64, size: u64) -> KResult<Option<SigSet>> {
    if sigmask == 0 {
        return Ok(None);
    }
    if size != 8 {
        return Err(Errno::EINVAL);
    }
    Ok(Some(SigSet(cx.read::<u64>(sigmask)?)))
}

/// select's three fd sets as bit vectors of `n` bits.
async fn do_select(cx: &mut SyscallContext<'_>, n: u64, sets: [u64; 3], deadline: Option<u64>) -> KResult<usize> {
    if (n as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    let n = (n as usize).min(crate::sys::process::nofile_limit(cx));
    let bytes = n.div_ceil(64) * 8;
    let mut bits: [Vec<u8>; 3] = [vec![0; bytes], vec![0; bytes], vec![0; bytes]];
    for (k, &addr) in sets.iter().enumerate() {
        if addr != 0 {
            bits[k] = cx.read_bytes(addr, bytes)?;
        }
    }
    let is_set = |b: &[u8], fd: usize| b[fd / 8] & (1 << (fd % 8)) != 0;
    let files = cx.thread.files();
    let mut items = Vec::new();
    let mut fds = Vec::new();
    for fd in 0..n {
        let mut interest = PollEvents::empty();
        if is_set(&bits[0], fd) {
            interest |= PollEvents::SELECT_READ;
        }
        if is_set(&bits[1], fd) {
            interest |= PollEvents::SELECT_WRITE;
        }
        if is_set(&bits[2], fd) {
            interest |= PollEvents::PRI;
        }
        if interest.is_empty() {
            continue;
        }
        let file = files.get(fd as i32).map_err(|_| Errno::EBADF)?;
        items.push(PollItem::new(Some(file), interest));
        fds.push(fd);
    }
    let ready = match wait_ready(cx, &mut items, deadline).await {
        Ok(r) => r,
        Err(Errno::ERESTARTSYS) => return Err(Errno::ERESTARTNOHAND),
        Err(e) => return Err(e),
    };
    let _ = ready;
    let mut out: [Vec<u8>; 3] = [vec![0; bytes], vec![0; bytes], vec![0; bytes]];
    let mut count = 0;
    for (item, &fd) in items.iter().zip(&fds) {
        let ev = item.revents;
        let marks = [
            is_set(&bits[0], fd) && ev.intersects(PollEvents::SELECT_READ),
            is_set(&bits[1], fd) && ev.intersects(PollEvents::SELECT_WRITE),
            is_set(&bits[2], fd) && ev.intersects(PollEvents::PRI),
        ];
        for (k, &m) in marks.iter().enumerate() {
            if m {
                out[k][fd / 8] |= 1 << (fd % 8);
                count += 1;
            }
        }
    }
    for (k, &addr) in sets.iter().enumerate() {
        if addr != 0 {
            cx.write_bytes(addr, &out[k])?;
        }
    }
    Ok(count)
}

pub async fn select(cx: &mut SyscallContext<'_>, n: u64, r: u64, w: u64, e: u64, tv: u64) -> KResult<usize> {
    let deadline = if tv != 0 {
        let [sec, usec]: [i64; 2] = cx.read(tv)?;
        if sec < 0 || !(0..1_000_000).contains(&usec) {
            return Err(Errno::EINVAL);
        }
        Some(arch::time::now_ns().saturating_add((sec as u64).saturating_mul(1_000_000_000)).saturating_add(usec as u64 * 1000))
    } else {
        None
    };
    do_select(cx, n, [r, w, e], deadline).await
}

pub async fn pselect6(cx: &mut SyscallContext<'_>, n: u64, r: u64, w: u64, e: u64, ts: u64, sig: u64) -> KResult<usize> {
    let deadline = if ts != 0 { Some(arch::time::now_ns().saturating_add(crate::sys::time::read_timespec(cx, ts)?)) } else { None };
    if sig != 0 {
        let [mask_ptr, size]: [u64; 2] = cx.read(sig)?;
        let mask = read_mask(cx, mask_ptr, size)?;
        swap_mask(cx, mask);
    }
    do_select(cx, n, [r, w, e], deadline).await
}
