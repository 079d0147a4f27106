//! POSIX message queues: mq_open, mq_unlink, mq_timedsend,
//! mq_timedreceive, mq_notify, mq_getsetattr. Thin handlers over
//! `fs::mqueue`; argument checks and their order follow Linux's
//! ipc/mqueue.c.

use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::any::Any;
use core::future::Future;
use core::task::Poll;

use abi::{Errno, KResult};
use fs::mqueue::limits::{Creator, PRIO_MAX};
use fs::mqueue::queue::{MessageQueue, NotifyHow, ReceiveWait, Registration};
use fs::mqueue::{self, OpenRequest};
use fs::{FileType, OpenFile, OpenFlags};
use task::process::Process;
use task::process::signal_send::send_to_process;
use task::signal::SigInfo;
use task::signal::info::code::SI_MESGQ;

use crate::ctx::SyscallContext;
use crate::interruptible;
use crate::sys::fd::file;
use crate::sys::process::{may_open_file, nofile_limit};
use crate::sys::time::realtime_offset_ns;

const SIGEV_SIGNAL: i32 = 0;
const SIGEV_NONE: i32 = 1;
const SIGEV_THREAD: i32 = 2;
/// The cookie glibc/musl pass for SIGEV_THREAD (NOTIFY_COOKIE_LEN).
const NOTIFY_COOKIE_LEN: usize = 32;
/// Linux's _NSIG: `valid_signal` accepts 0..=64 (0 registers but sends
/// nothing).
const NSIG: u32 = 64;
/// `struct mq_attr`: mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs, 4 reserved.
type RawAttr = [i64; 8];

/// Who a new queue is charged to: the real uid (Linux's
/// `current_user()`), whether it may pass the limits, its RLIMIT_MSGQUEUE.
fn creator(cx: &SyscallContext<'_>) -> Creator {
    let privileged = cx.thread.process().cred.lock().is_privileged();
    let uid = cx.thread.process().cred.lock().uid;
    let rlimit_bytes = cx.thread.process().limits.lock().cur(task::rlimit::RLIMIT_MSGQUEUE);
    Creator { uid, privileged, rlimit_bytes }
}

pub fn mq_open(cx: &mut SyscallContext<'_>, name: u64, oflag: u64, mode: u64, attr: u64) -> KResult<usize> {
    let attr = if attr == 0 { None } else { Some(cx.read::<RawAttr>(attr)?) };
    let name = cx.read_path(name)?;
    let oflag = oflag as u32;
    let cloexec = oflag & OpenFlags::CLOEXEC.bits() != 0;
    // Linux reserves the descriptor before it looks the name up.
    let limit = nofile_limit(cx);
    if cx.thread.files().count() >= limit {
        return Err(Errno::EMFILE);
    }
    let cred = cx.thread.process().cred.lock().clone();
    let umask = cx.thread.fs().umask();
    let req = OpenRequest {
        name: &name,
        flags: OpenFlags::from_bits_truncate(oflag),
        perm: mode as u32 & 0o7777 & !umask,
        attr: attr.map(|a| (a[1], a[2])),
        cred: fs::Cred { uid: cred.fsuid, gid: cred.fsgid, groups: &cred.groups },
        creator: creator(cx),
    };
    let inode = mqueue::open(&req)?;
    may_open_file(cx)?;
    let status = OpenFlags::from_bits_truncate(oflag) & (OpenFlags::NONBLOCK | OpenFlags::RDWR | OpenFlags::WRONLY);
    let mut label = Vec::new();
    label.try_reserve_exact(name.len() + 1).map_err(|_| Errno::ENOMEM)?;
    label.push(b'/');
    label.extend_from_slice(&name);
    let ops: Arc<dyn fs::FileOps> = inode.queue().clone();
    let file = OpenFile::new_anon(ops, inode, status, label);
    Ok(cx.thread.files().insert(file, cloexec, limit)? as usize)
}

pub fn mq_unlink(cx: &mut SyscallContext<'_>, name: u64) -> KResult<usize> {
    let name = cx.read_path(name)?;
    let cred = cx.thread.process().cred.lock().clone();
    mqueue::unlink(&name, &fs::Cred { uid: cred.fsuid, gid: cred.fsgid, groups: &cred.groups })?;
    Ok(0)
}

/// The absolute CLOCK_REALTIME timeout as a monotonic deadline: EFAULT,
/// EINVAL for a bad timespec (Linux checks it before anything else, even
/// when the call would not block).
fn deadline(cx: &SyscallContext<'_>, timeout: u64) -> KResult<Option<u64>> {
    if timeout == 0 {
        return Ok(None);
    }
    let realtime = crate::sys::time::read_timespec(cx, timeout)?;
    Ok(Some(realtime.saturating_sub(realtime_offset_ns())))
}

/// The open queue behind `fd`: EBADF for a bad fd or another kind of file.
fn open_queue(cx: &SyscallContext<'_>, fd: u64) -> KResult<Arc<OpenFile>> {
    let file = file(cx, fd)?;
    mqueue::queue_of(file.ops())?;
    Ok(file)
}

fn queue(file: &OpenFile) -> &MessageQueue {
    mqueue::queue_of(file.ops()).expect("checked by open_queue")
}

/// Waits for `op` (which registers its waker when it cannot go on) until
/// `deadline`: ETIMEDOUT after it, ERESTARTSYS on a signal.
async fn wait_until<T>(cx: &SyscallContext<'_>, deadline: Option<u64>, op: impl Future<Output = KResult<T>>) -> KResult<T> {
    let waiting = interruptible(cx.thread, op);
    match deadline {
        None => waiting.await,
        Some(d) => runtime::timeout(d, waiting).await.unwrap_or(Err(Errno::ETIMEDOUT)),
    }
}

pub async fn mq_timedsend(cx: &mut SyscallContext<'_>, fd: u64, msg: u64, len: u64, prio: u64, timeout: u64) -> KResult<usize> {
    let deadline = deadline(cx, timeout)?;
    let prio = prio as u32;
    if prio >= PRIO_MAX {
        return Err(Errno::EINVAL);
    }
    let file = open_queue(cx, fd)?;
    if !file.flags().writable() {
        return Err(Errno::EBADF);
    }
    let q = queue(&file);
    if len > q.msgsize() as u64 {
        return Err(Errno::EMSGSIZE);
    }
    let mut data = Some(cx.read_bytes(msg, len as usize)?);
    let sent = if file.is_nonblocking() {
        match q.poll_send(None, &mut data, prio) {
            Poll::Ready(r) => r?,
            Poll::Pending => return Err(Errno::EAGAIN),
        }
    } else {
        wait_until(cx, deadline, runtime::poll_fn(|w| q.poll_send(Some(w), &mut data, prio))).await?
    };
    if let Some(registration) = sent.notify {
        notify(cx, registration);
    }
    Ok(0)
}

/// Sends the SIGEV_SIGNAL notification a message triggered: si_code
/// SI_MESGQ, the registered value, the sender's pid and real uid. Linux
/// bypasses the kill permission check here, and so does this.
fn notify(cx: &SyscallContext<'_>, registration: Registration) {
    let NotifyHow::Signal { signo, value } = registration.how else { return };
    if signo == 0 {
        return;
    }
    let Some(owner) = registration.owner.upgrade() else { return };
    let Ok(process) = owner.downcast::<Process>() else { return };
    let uid = cx.thread.process().cred.lock().uid;
    let info = SigInfo { signo, code: SI_MESGQ, pid: cx.pid(), uid, value, ..SigInfo::default() };
    // The owner may be exiting; then there is nobody to tell.
    let _ = send_to_process(&process, info);
}

pub async fn mq_timedreceive(cx: &mut SyscallContext<'_>, fd: u64, msg: u64, len: u64, prio_out: u64, timeout: u64) -> KResult<usize> {
    let deadline = deadline(cx, timeout)?;
    let file = open_queue(cx, fd)?;
    if !file.flags().readable() {
        return Err(Errno::EBADF);
    }
    let q = queue(&file);
    if len < q.msgsize() as u64 {
        return Err(Errno::EMSGSIZE);
    }
    let mut wait = ReceiveWait::new(q);
    let message = if file.is_nonblocking() {
        match q.poll_receive(None, &mut wait) {
            Poll::Ready(r) => r?,
            Poll::Pending => return Err(Errno::EAGAIN),
        }
    } else {
        wait_until(cx, deadline, runtime::poll_fn(|w| q.poll_receive(Some(w), &mut wait))).await?
    };
    drop(wait);
    // The message is taken either way; a bad buffer loses it (Linux).
    if prio_out != 0 {
        cx.write(prio_out, &message.prio)?;
    }
    cx.write_bytes(msg, &message.data)?;
    Ok(message.data.len())
}

pub fn mq_notify(cx: &mut SyscallContext<'_>, fd: u64, sevp: u64) -> KResult<usize> {
    let how = if sevp == 0 {
        None
    } else {
        let raw: [u8; 64] = cx.read(sevp)?;
        let value = u64::from_le_bytes(raw[0..8].try_into().expect("8 bytes"));
        let signo = i32::from_le_bytes(raw[8..12].try_into().expect("4 bytes"));
        let kind = i32::from_le_bytes(raw[12..16].try_into().expect("4 bytes"));
        match kind {
            SIGEV_NONE => Some(NotifyHow::Nothing),
            SIGEV_SIGNAL if signo as u32 <= NSIG => Some(NotifyHow::Signal { signo: signo as u32, value }),
            SIGEV_THREAD => return Err(thread_notification_error(cx, value, signo)),
            _ => return Err(Errno::EINVAL),
        }
    };
    let file = open_queue(cx, fd)?;
    let registration = Registration {
        owner_pid: cx.pid(),
        owner: owner(cx),
        owner_alive: process_alive,
        how: how.unwrap_or(NotifyHow::Nothing),
    };
    queue(&file).set_notify(registration, how.is_none())?;
    Ok(0)
}

/// The caller's process as a registration owner.
fn owner(cx: &SyscallContext<'_>) -> Weak<dyn Any + Send + Sync> {
    Arc::downgrade(cx.thread.process()) as Weak<dyn Any + Send + Sync>
}

fn process_alive(owner: &(dyn Any + Send + Sync)) -> bool {
    owner.downcast_ref::<Process>().is_some_and(|p| !p.is_exiting())
}

/// close(2) of a queue descriptor: the caller's notification goes, as in
/// Linux's `mqueue_flush_file`. (An exit counts through `process_alive`;
/// the closes of exec and dup2 do not drop it.)
pub fn closed(cx: &SyscallContext<'_>, file: &OpenFile) {
    if let Ok(q) = mqueue::queue_of(file.ops()) {
        q.closed_by(&owner(cx));
    }
}

/// SIGEV_THREAD: `sigev_signo` is a netlink socket that Linux sends the
/// 32-byte cookie at `sival_ptr` through. weft has no netlink sockets, so
/// this is always an error, the one Linux gives for what it finds: EFAULT
/// for the cookie, EBADF for the fd, ENOTSOCK for a file that is not a
/// socket, ECONNREFUSED for a socket that is not netlink.
fn thread_notification_error(cx: &SyscallContext<'_>, cookie: u64, sock: i32) -> Errno {
    if let Err(e) = cx.read::<[u8; NOTIFY_COOKIE_LEN]>(cookie) {
        return e;
    }
    match file(cx, sock as u32 as u64) {
        Err(e) => e,
        Ok(f) if f.metadata().file_type() != FileType::Socket => Errno::ENOTSOCK,
        Ok(_) => Errno::ECONNREFUSED,
    }
}

pub fn mq_getsetattr(cx: &mut SyscallContext<'_>, fd: u64, new: u64, old: u64) -> KResult<usize> {
    let new = if new == 0 { None } else { Some(cx.read::<RawAttr>(new)?) };
    let nonblock = OpenFlags::NONBLOCK.bits() as i64;
    if new.is_some_and(|a| a[0] & !nonblock != 0) {
        return Err(Errno::EINVAL);
    }
    let file = open_queue(cx, fd)?;
    let attr = queue(&file).attr();
    let before = [file.flags().bits() as i64 & nonblock, attr.maxmsg, attr.msgsize, attr.curmsgs, 0, 0, 0, 0];
    if let Some(new) = new {
        let status = file.flags() - OpenFlags::NONBLOCK;
        let status = if new[0] & nonblock != 0 { status | OpenFlags::NONBLOCK } else { status };
        file.set_status_flags(status);
    }
    if old != 0 {
        cx.write(old, &before)?;
    }
    Ok(0)
}
