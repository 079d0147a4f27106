//! The socket system calls over `fs::socket::unix` (AF_UNIX; other
//! families are EAFNOSUPPORT). Argument checks and errnos follow Linux's
//! net/socket.c and net/unix/af_unix.c.

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use fs::socket::unix::{SocketType, Ucred, UnixAddr, UnixSocket};
use fs::{OpenFile, OpenFlags};
use task::signal::{SIGPIPE, SigInfo};

use crate::ctx::SyscallContext;
use crate::interruptible;
use crate::sys::fd::file;
use crate::sys::path::with_resolver;
use crate::sys::process::nofile_limit;

const AF_UNIX: u64 = 1;
const AF_MAX: u64 = 46;
const SOCK_RAW: u32 = 3;
const SOCK_NONBLOCK: u64 = 0o4000;
const SOCK_CLOEXEC: u64 = 0o2000000;

const MSG_PEEK: u64 = 0x2;
const MSG_CTRUNC: u32 = 0x8;
const MSG_TRUNC: u64 = 0x20;
const MSG_DONTWAIT: u64 = 0x40;
const MSG_WAITALL: u64 = 0x100;
const MSG_NOSIGNAL: u64 = 0x4000;
const MSG_CMSG_CLOEXEC: u64 = 0x4000_0000;

const SOL_SOCKET: u64 = 1;
const SCM_RIGHTS: i32 = 1;
const SCM_CREDENTIALS: i32 = 2;
/// Linux's SCM_MAX_FD: files one message may carry.
const SCM_MAX_FD: usize = 253;

/// The unix socket behind `fd` (ENOTSOCK for other files).
fn socket_file(cx: &SyscallContext<'_>, fd: u64) -> KResult<Arc<OpenFile>> {
    let f = file(cx, fd)?;
    if UnixSocket::of(&f).is_none() {
        return Err(Errno::ENOTSOCK);
    }
    Ok(f)
}

fn sock(f: &OpenFile) -> &UnixSocket {
    UnixSocket::of(f).expect("checked by socket_file")
}

fn caller_cred(cx: &SyscallContext<'_>) -> Ucred {
    let cred = cx.thread.process().cred.lock().clone();
    Ucred { pid: cx.thread.pid(), uid: cred.euid, gid: cred.egid }
}

/// The type argument of socket/socketpair: (type, O_NONBLOCK?, cloexec).
fn parse_type(domain: u64, raw: u64, protocol: u64) -> KResult<(SocketType, OpenFlags, bool)> {
    if domain != AF_UNIX {
        return Err(Errno::EAFNOSUPPORT);
    }
    if raw & !(SOCK_NONBLOCK | SOCK_CLOEXEC | 0xf) != 0 {
        return Err(Errno::EINVAL);
    }
    let base = (raw & 0xf) as u32;
    // Linux makes a unix SOCK_RAW a datagram socket.
    let kind = if base == SOCK_RAW { Some(SocketType::Dgram) } else { SocketType::from_raw(base) }.ok_or(Errno::ESOCKTNOSUPPORT)?;
    if protocol != 0 && protocol != AF_UNIX {
        return Err(Errno::EPROTONOSUPPORT);
    }
    let status = if raw & SOCK_NONBLOCK != 0 { OpenFlags::NONBLOCK } else { OpenFlags::empty() };
    Ok((kind, status, raw & SOCK_CLOEXEC != 0))
}

pub fn socket(cx: &mut SyscallContext<'_>, domain: u64, kind: u64, protocol: u64) -> KResult<usize> {
    if domain >= AF_MAX {
        return Err(Errno::EAFNOSUPPORT);
    }
    let (kind, status, cloexec) = parse_type(domain, kind, protocol)?;
    crate::sys::process::may_open_file(cx)?;
    let f = UnixSocket::new_file(kind, status, caller_cred(cx));
    Ok(cx.thread.files().insert(f, cloexec, nofile_limit(cx))? as usize)
}

pub fn socketpair(cx: &mut SyscallContext<'_>, domain: u64, kind: u64, protocol: u64, sv: u64) -> KResult<usize> {
    let (kind, status, cloexec) = parse_type(domain, kind, protocol)?;
    crate::sys::process::may_open_file(cx)?;
    let (a, b) = UnixSocket::pair(kind, status, caller_cred(cx));
    let files = cx.thread.files();
    let limit = nofile_limit(cx);
    let fa = files.insert(a, cloexec, limit)?;
    let fb = match files.insert(b, cloexec, limit) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = files.close(fa);
            return Err(e);
        }
    };
    if let Err(e) = cx.write(sv, &[fa, fb]) {
        let _ = files.close(fa);
        let _ = files.close(fb);
        return Err(e);
    }
    Ok(0)
}

/// A sockaddr the caller passed.
fn read_addr(cx: &SyscallContext<'_>, addr: u64, len: u64) -> KResult<Option<UnixAddr>> {
    if len as i32 <= 0 || len > fs::socket::unix::addr::SOCKADDR_UN_SIZE as u64 {
        return Err(Errno::EINVAL);
    }
    UnixAddr::parse(&cx.read_bytes(addr, len as usize)?)
}

/// Reports an address the way Linux's `move_addr_to_user` does: copies at
/// most `*lenp` bytes and stores the full length in `*lenp`.
/// Linux's `move_addr_to_user`: copies as much of `bytes` as `*lenp` has
/// room for to `out`, then stores the full length in `*lenp`.
fn write_addr_bytes(cx: &SyscallContext<'_>, bytes: &[u8], out: u64, lenp: u64) -> KResult<()> {
    let room = cx.read::<i32>(lenp)?;
    if room < 0 {
        return Err(Errno::EINVAL);
    }
    let n = bytes.len().min(room as usize);
    if n > 0 {
        cx.write_bytes(out, &bytes[..n])?;
    }
    cx.write(lenp, &(bytes.len() as i32))
}

/// A socket's own or peer address (getsockname, getpeername, accept): an
/// unnamed one is just the family. A NULL `out` is written like any other.
fn write_addr(cx: &SyscallContext<'_>, addr: &UnixAddr, out: u64, lenp: u64) -> KResult<()> {
    write_addr_bytes(cx, &addr.encode(), out, lenp)
}

/// A sender's address as recvfrom and recvmsg report it: nothing at all
/// for an unnamed sender (Linux's `unix_copy_addr` leaves the length 0).
fn sender_bytes(from: &UnixAddr) -> Vec<u8> {
    if *from == UnixAddr::Unnamed { Vec::new() } else { from.encode() }
}

pub fn bind(cx: &mut SyscallContext<'_>, fd: u64, addr: u64, len: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let addr = read_addr(cx, addr, len)?;
    with_resolver(cx, |r| sock(&f).bind(addr, r))?;
    Ok(0)
}

pub fn listen(cx: &mut SyscallContext<'_>, fd: u64, backlog: u64) -> KResult<usize> {
    sock(&*socket_file(cx, fd)?).listen(backlog as i32)?;
    Ok(0)
}

pub async fn connect(cx: &mut SyscallContext<'_>, fd: u64, addr: u64, len: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let addr = read_addr(cx, addr, len)?.ok_or(Errno::EINVAL)?;
    let cred = cx.thread.process().cred.lock().clone();
    let resolver = cx.thread.fs().resolver(fs::Cred { uid: cred.fsuid, gid: cred.fsgid, groups: &cred.groups });
    let nonblocking = f.is_nonblocking();
    interruptible(cx.thread, runtime::poll_fn(|wcx| sock(&f).poll_connect(&addr, &resolver, nonblocking, wcx))).await?;
    Ok(0)
}

pub async fn accept4(cx: &mut SyscallContext<'_>, fd: u64, addr: u64, lenp: u64, flags: u64) -> KResult<usize> {
    if flags & !(SOCK_NONBLOCK | SOCK_CLOEXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    let f = socket_file(cx, fd)?;
    // Linux makes the new file before it waits for a connection.
    crate::sys::process::may_open_file(cx)?;
    let status = if flags & SOCK_NONBLOCK != 0 { OpenFlags::NONBLOCK } else { OpenFlags::empty() };
    let nonblocking = f.is_nonblocking();
    let conn = interruptible(cx.thread, runtime::poll_fn(|wcx| sock(&f).poll_accept(status, nonblocking, wcx))).await?;
    let peer = sock(&conn).peer_addr().unwrap_or_default();
    let newfd = cx.thread.files().insert(conn, flags & SOCK_CLOEXEC != 0, nofile_limit(cx))?;
    // No address wanted: the length pointer is not even read.
    if addr != 0
        && let Err(e) = write_addr(cx, &peer, addr, lenp)
    {
        let _ = cx.thread.files().close(newfd);
        return Err(e);
    }
    Ok(newfd as usize)
}

pub async fn accept(cx: &mut SyscallContext<'_>, fd: u64, addr: u64, lenp: u64) -> KResult<usize> {
    accept4(cx, fd, addr, lenp, 0).await
}

pub fn getsockname(cx: &mut SyscallContext<'_>, fd: u64, addr: u64, lenp: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    write_addr(cx, &sock(&f).local_addr(), addr, lenp)?;
    Ok(0)
}

pub fn getpeername(cx: &mut SyscallContext<'_>, fd: u64, addr: u64, lenp: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let peer = sock(&f).peer_addr()?;
    write_addr(cx, &peer, addr, lenp)?;
    Ok(0)
}

pub fn shutdown(cx: &mut SyscallContext<'_>, fd: u64, how: u64) -> KResult<usize> {
    sock(&*socket_file(cx, fd)?).shutdown(how as u32)?;
    Ok(0)
}

/// Waits for `f` with the socket's SO_RCVTIMEO/SO_SNDTIMEO: EAGAIN when it
/// passes (Linux reports a timed-out socket wait as EAGAIN).
async fn with_timeout<T>(cx: &SyscallContext<'_>, timeout: u64, fut: impl core::future::Future<Output = KResult<T>>) -> KResult<T> {
    let fut = interruptible(cx.thread, fut);
    if timeout == 0 {
        return fut.await;
    }
    let deadline = arch::time::now_ns().saturating_add(timeout);
    runtime::global().timeout(deadline, fut).await.unwrap_or(Err(Errno::EAGAIN))
}

/// Sends one message (a datagram, a seqpacket record, or stream bytes):
/// the common part of write, sendto and sendmsg.
async fn send_bytes(cx: &SyscallContext<'_>, f: &Arc<OpenFile>, data: &[u8], files: Vec<Arc<OpenFile>>, to: Option<UnixAddr>, flags: u64, cred: Ucred) -> KResult<usize> {
    let s = sock(f);
    let target = match &to {
        Some(addr) => Some(with_resolver(cx, |r| UnixSocket::lookup(addr, r))?),
        None => None,
    };
    let nonblocking = f.is_nonblocking() || flags & MSG_DONTWAIT != 0;
    let (_, snd_timeout) = s.timeouts();
    let stream = s.kind() == SocketType::Stream;
    let mut sent = 0;
    // The files go with the first bytes queued.
    let mut files = files;
    loop {
        let chunk = &data[sent..];
        let result = with_timeout(cx, snd_timeout, runtime::poll_fn(|wcx| s.poll_send(chunk, &mut files, target.as_ref(), cred, nonblocking, wcx))).await;
        match result {
            Ok(n) => {
                sent += n;
                if !stream || sent == data.len() || nonblocking {
                    return Ok(sent);
                }
            }
            Err(Errno::EPIPE) => {
                if flags & MSG_NOSIGNAL == 0 {
                    let _ = task::process::signal_send::send_to_thread(cx.thread, SigInfo::kernel(SIGPIPE));
                }
                return if sent > 0 { Ok(sent) } else { Err(Errno::EPIPE) };
            }
            Err(_) if sent > 0 => return Ok(sent),
            Err(e) => return Err(e),
        }
    }
}

/// What recv took, for recvmsg's extras.
struct Got {
    len: usize,
    full_len: usize,
    files: Vec<Arc<OpenFile>>,
    from: UnixAddr,
    cred: Ucred,
}

/// Receives into a buffer of `len` bytes: the common part of read,
/// recvfrom and recvmsg. MSG_WAITALL keeps a stream read going until the
/// buffer is full (or end of file, a signal, an error).
async fn recv_bytes(cx: &SyscallContext<'_>, f: &Arc<OpenFile>, len: usize, flags: u64) -> KResult<(Vec<u8>, Got)> {
    let s = sock(f);
    let nonblocking = f.is_nonblocking() || flags & MSG_DONTWAIT != 0;
    let peek = flags & MSG_PEEK != 0;
    let (rcv_timeout, _) = s.timeouts();
    // A read returns at most what a socket holds, so the kernel buffer
    // needs no more (a user's length may be anything); MSG_WAITALL fills
    // the whole length, fallibly.
    let waitall = flags & MSG_WAITALL != 0 && s.kind() == SocketType::Stream && !peek;
    let mut buf = crate::ctx::zeroed_buffer(if waitall { len } else { len.min(fs::socket::unix::channel::CAPACITY) })?;
    let mut got = Got { len: 0, full_len: 0, files: Vec::new(), from: UnixAddr::Unnamed, cred: Ucred::default() };
    loop {
        let at = got.len;
        let result = with_timeout(cx, rcv_timeout, runtime::poll_fn(|wcx| s.poll_recv(&mut buf[at..], peek, nonblocking, wcx))).await;
        match result {
            Ok(r) => {
                if got.len == 0 {
                    got.from = r.from;
                    got.cred = r.cred;
                }
                got.len += r.len;
                got.full_len = got.len.max(r.full_len);
                got.files.extend(r.files);
                if !waitall || r.len == 0 || got.len == len || nonblocking {
                    break;
                }
            }
            Err(_) if got.len > 0 => break,
            Err(e) => return Err(e),
        }
    }
    buf.truncate(got.len);
    Ok((buf, got))
}

/// write(2) and read(2) on a socket.
pub async fn write(cx: &SyscallContext<'_>, f: &Arc<OpenFile>, addr: u64, len: u64) -> KResult<usize> {
    let data = cx.read_bytes(addr, len as usize)?;
    send_bytes(cx, f, &data, Vec::new(), None, 0, caller_cred(cx)).await
}

pub async fn read(cx: &SyscallContext<'_>, f: &Arc<OpenFile>, addr: u64, len: u64) -> KResult<usize> {
    let (data, _) = recv_bytes(cx, f, len as usize, 0).await?;
    cx.write_bytes(addr, &data)?;
    Ok(data.len())
}

pub async fn sendto(cx: &mut SyscallContext<'_>, fd: u64, buf: u64, len: u64, flags: u64, addr: u64, addrlen: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let to = if addr != 0 { Some(read_addr(cx, addr, addrlen)?.ok_or(Errno::EINVAL)?) } else { None };
    let len = len.min(i32::MAX as u64) as usize;
    let data = cx.read_bytes(buf, len)?;
    send_bytes(cx, &f, &data, Vec::new(), to, flags, caller_cred(cx)).await
}

pub async fn recvfrom(cx: &mut SyscallContext<'_>, fd: u64, buf: u64, len: u64, flags: u64, addr: u64, lenp: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let len = len.min(i32::MAX as u64) as usize;
    let (data, got) = recv_bytes(cx, &f, len, flags).await?;
    cx.write_bytes(buf, &data)?;
    if addr != 0 {
        write_addr_bytes(cx, &sender_bytes(&got.from), addr, lenp)?;
    }
    Ok(if flags & MSG_TRUNC != 0 { got.full_len } else { got.len })
}

/// `struct msghdr` (x86_64 layout).
struct MsgHdr {
    name: u64,
    namelen: u32,
    iov: u64,
    iovlen: u64,
    control: u64,
    controllen: u64,
}

fn read_msghdr(cx: &SyscallContext<'_>, addr: u64) -> KResult<MsgHdr> {
    let raw: [u64; 7] = cx.read(addr)?;
    Ok(MsgHdr { name: raw[0], namelen: raw[1] as u32, iov: raw[2], iovlen: raw[3], control: raw[4], controllen: raw[5] })
}

/// The (base, len) pairs of an iovec array, with Linux's limits.
fn read_iov(cx: &SyscallContext<'_>, iov: u64, count: u64) -> KResult<Vec<(u64, usize)>> {
    if count > 1024 {
        return Err(Errno::EMSGSIZE);
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut total: usize = 0;
    for i in 0..count {
        let [base, len]: [u64; 2] = cx.read(iov + i * 16)?;
        total = total.checked_add(len as usize).filter(|&t| t <= i32::MAX as usize).ok_or(Errno::EINVAL)?;
        out.push((base, len as usize));
    }
    Ok(out)
}

const CMSG_HDR: usize = 16;

fn cmsg_align(n: usize) -> usize {
    (n + 7) & !7
}

/// The files and credentials of a sendmsg's control buffer.
fn read_control(cx: &SyscallContext<'_>, control: u64, len: u64, cred: &mut Ucred) -> KResult<Vec<Arc<OpenFile>>> {
    // A NULL buffer with a length is read like any other (EFAULT).
    if len == 0 {
        return Ok(Vec::new());
    }
    if len > 64 * 1024 {
        return Err(Errno::ENOBUFS);
    }
    let bytes = cx.read_bytes(control, len as usize)?;
    let mut files = Vec::new();
    let mut at = 0;
    while at + CMSG_HDR <= bytes.len() {
        let clen = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8")) as usize;
        let level = i32::from_le_bytes(bytes[at + 8..at + 12].try_into().expect("4"));
        let kind = i32::from_le_bytes(bytes[at + 12..at + 16].try_into().expect("4"));
        if clen < CMSG_HDR || at + clen > bytes.len() {
            return Err(Errno::EINVAL);
        }
        let data = &bytes[at + CMSG_HDR..at + clen];
        if level as u64 != SOL_SOCKET {
            return Err(Errno::EINVAL);
        }
        match kind {
            SCM_RIGHTS => {
                let n = data.len() / 4;
                if files.len() + n > SCM_MAX_FD {
                    return Err(Errno::EINVAL);
                }
                for i in 0..n {
                    let fd = i32::from_le_bytes(data[i * 4..i * 4 + 4].try_into().expect("4"));
                    files.push(cx.thread.files().get(fd)?);
                }
            }
            SCM_CREDENTIALS if data.len() >= 12 => {
                let pid = i32::from_le_bytes(data[0..4].try_into().expect("4"));
                let uid = u32::from_le_bytes(data[4..8].try_into().expect("4"));
                let gid = u32::from_le_bytes(data[8..12].try_into().expect("4"));
                // Only root may claim other credentials (Linux's scm_check_creds).
                if cred.uid != 0 && (pid != cred.pid || uid != cred.uid || gid != cred.gid) {
                    return Err(Errno::EPERM);
                }
                *cred = Ucred { pid, uid, gid };
            }
            _ => return Err(Errno::EINVAL),
        }
        at += cmsg_align(clen);
    }
    Ok(files)
}

async fn sendmsg_one(cx: &SyscallContext<'_>, fd: u64, msg: u64, flags: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let hdr = read_msghdr(cx, msg)?;
    let to = if hdr.name != 0 && hdr.namelen != 0 { Some(read_addr(cx, hdr.name, hdr.namelen as u64)?.ok_or(Errno::EINVAL)?) } else { None };
    let iov = read_iov(cx, hdr.iov, hdr.iovlen)?;
    let mut data = Vec::new();
    data.try_reserve_exact(iov.iter().map(|v| v.1).sum()).map_err(|_| Errno::ENOMEM)?;
    for (base, len) in iov {
        data.extend_from_slice(&cx.read_bytes(base, len)?);
    }
    let mut cred = caller_cred(cx);
    let files = read_control(cx, hdr.control, hdr.controllen, &mut cred)?;
    send_bytes(cx, &f, &data, files, to, flags, cred).await
}

pub async fn sendmsg(cx: &mut SyscallContext<'_>, fd: u64, msg: u64, flags: u64) -> KResult<usize> {
    sendmsg_one(cx, fd, msg, flags).await
}

/// Builds recvmsg's control buffer: SCM_RIGHTS with the received files
/// installed, SCM_CREDENTIALS with SO_PASSCRED. Files that do not fit are
/// closed and MSG_CTRUNC is set, as Linux does.
fn write_control(cx: &SyscallContext<'_>, hdr: &MsgHdr, got: Got, pass_cred: bool, flags: u64) -> KResult<(u64, u32)> {
    let mut out = Vec::new();
    let mut msg_flags = 0;
    let room = if hdr.control == 0 { 0 } else { hdr.controllen as usize };
    if pass_cred {
        let clen = CMSG_HDR + 12;
        if out.len() + clen <= room {
            out.extend_from_slice(&(clen as u64).to_le_bytes());
            out.extend_from_slice(&(SOL_SOCKET as i32).to_le_bytes());
            out.extend_from_slice(&SCM_CREDENTIALS.to_le_bytes());
            out.extend_from_slice(&got.cred.pid.to_le_bytes());
            out.extend_from_slice(&got.cred.uid.to_le_bytes());
            out.extend_from_slice(&got.cred.gid.to_le_bytes());
            out.resize(cmsg_align(out.len()), 0);
        } else {
            msg_flags |= MSG_CTRUNC;
        }
    }
    if !got.files.is_empty() {
        let fit = room.saturating_sub(out.len() + CMSG_HDR) / 4;
        if fit < got.files.len() {
            msg_flags |= MSG_CTRUNC;
        }
        let take = fit.min(got.files.len());
        if take > 0 {
            let cloexec = flags & MSG_CMSG_CLOEXEC != 0;
            let mut fds = Vec::with_capacity(take);
            for file in got.files.into_iter().take(take) {
                match cx.thread.files().insert(file, cloexec, nofile_limit(cx)) {
                    Ok(fd) => fds.push(fd),
                    Err(_) => {
                        msg_flags |= MSG_CTRUNC;
                        break;
                    }
                }
            }
            let clen = CMSG_HDR + 4 * fds.len();
            out.extend_from_slice(&(clen as u64).to_le_bytes());
            out.extend_from_slice(&(SOL_SOCKET as i32).to_le_bytes());
            out.extend_from_slice(&SCM_RIGHTS.to_le_bytes());
            for fd in fds {
                out.extend_from_slice(&fd.to_le_bytes());
            }
            out.resize(cmsg_align(out.len()).min(room), 0);
        }
    }
    if !out.is_empty() {
        cx.write_bytes(hdr.control, &out)?;
    }
    Ok((out.len() as u64, msg_flags))
}

async fn recvmsg_one(cx: &SyscallContext<'_>, fd: u64, msg: u64, flags: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let hdr = read_msghdr(cx, msg)?;
    let iov = read_iov(cx, hdr.iov, hdr.iovlen)?;
    let total: usize = iov.iter().map(|(_, l)| l).sum();
    let (data, got) = recv_bytes(cx, &f, total, flags).await?;
    let mut at = 0;
    for (base, len) in iov {
        if at >= data.len() {
            break;
        }
        let n = len.min(data.len() - at);
        cx.write_bytes(base, &data[at..at + n])?;
        at += n;
    }
    let (len, full_len, from) = (got.len, got.full_len, got.from.clone());
    if hdr.name != 0 {
        let bytes = sender_bytes(&from);
        let n = bytes.len().min(hdr.namelen as usize);
        if n > 0 {
            cx.write_bytes(hdr.name, &bytes[..n])?;
        }
        cx.write(msg + 8, &(bytes.len() as u32))?;
    }
    let (controllen, mut msg_flags) = write_control(cx, &hdr, got, sock(&f).pass_cred(), flags)?;
    cx.write(msg + 40, &controllen)?;
    if full_len > len {
        msg_flags |= MSG_TRUNC as u32;
    }
    cx.write(msg + 48, &msg_flags)?;
    Ok(if flags & MSG_TRUNC != 0 { full_len } else { len })
}

pub async fn recvmsg(cx: &mut SyscallContext<'_>, fd: u64, msg: u64, flags: u64) -> KResult<usize> {
    recvmsg_one(cx, fd, msg, flags).await
}

/// `struct mmsghdr`: a msghdr and the length sent or received.
const MMSGHDR_SIZE: u64 = 64;

pub async fn sendmmsg(cx: &mut SyscallContext<'_>, fd: u64, vec: u64, count: u64, flags: u64) -> KResult<usize> {
    let count = count.min(1024);
    let mut done = 0;
    while done < count {
        let entry = vec + done * MMSGHDR_SIZE;
        match sendmsg_one(cx, fd, entry, flags).await {
            Ok(n) => cx.write(entry + 56, &(n as u32))?,
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        }
        done += 1;
    }
    Ok(done as usize)
}

pub async fn recvmmsg(cx: &mut SyscallContext<'_>, fd: u64, vec: u64, count: u64, flags: u64, timeout: u64) -> KResult<usize> {
    const MSG_WAITFORONE: u64 = 0x10000;
    let _ = timeout; // a deadline between messages; each recv waits by itself
    let count = count.min(1024);
    let mut done = 0;
    let mut flags = flags;
    while done < count {
        let entry = vec + done * MMSGHDR_SIZE;
        match recvmsg_one(cx, fd, entry, flags & !MSG_WAITFORONE).await {
            Ok(n) => cx.write(entry + 56, &(n as u32))?,
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        }
        done += 1;
        if flags & MSG_WAITFORONE != 0 {
            flags |= MSG_DONTWAIT;
        }
    }
    Ok(done as usize)
}

const SO_REUSEADDR: u64 = 2;
const SO_TYPE: u64 = 3;
const SO_ERROR: u64 = 4;
const SO_SNDBUF: u64 = 7;
const SO_RCVBUF: u64 = 8;
const SO_KEEPALIVE: u64 = 9;
const SO_LINGER: u64 = 13;
const SO_PASSCRED: u64 = 16;
const SO_PEERCRED: u64 = 17;
const SO_RCVTIMEO: u64 = 20;
const SO_SNDTIMEO: u64 = 21;
const SO_ACCEPTCONN: u64 = 30;
const SO_PROTOCOL: u64 = 38;
const SO_DOMAIN: u64 = 39;
const SO_REUSEPORT: u64 = 15;

fn read_timeval_ns(cx: &SyscallContext<'_>, val: u64, len: u64) -> KResult<u64> {
    if len < 16 {
        return Err(Errno::EINVAL);
    }
    let [sec, usec]: [i64; 2] = cx.read(val)?;
    if !(0..1_000_000).contains(&usec) {
        return Err(Errno::EDOM);
    }
    if sec < 0 {
        return Ok(0);
    }
    Ok((sec as u64).saturating_mul(1_000_000_000).saturating_add(usec as u64 * 1000))
}

pub fn setsockopt(cx: &mut SyscallContext<'_>, fd: u64, level: u64, name: u64, val: u64, len: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let s = sock(&f);
    if level != SOL_SOCKET {
        return Err(Errno::ENOPROTOOPT);
    }
    let int = |cx: &SyscallContext<'_>| -> KResult<i32> {
        if len < 4 {
            return Err(Errno::EINVAL);
        }
        cx.read::<i32>(val)
    };
    match name {
        SO_PASSCRED => s.set_pass_cred(int(cx)? != 0),
        SO_RCVTIMEO => s.set_timeouts(Some(read_timeval_ns(cx, val, len)?), None),
        SO_SNDTIMEO => s.set_timeouts(None, Some(read_timeval_ns(cx, val, len)?)),
        // Accepted, as on Linux; the buffers here have fixed sizes.
        SO_REUSEADDR | SO_REUSEPORT | SO_KEEPALIVE | SO_SNDBUF | SO_RCVBUF | SO_LINGER => {
            int(cx)?;
        }
        _ => return Err(Errno::ENOPROTOOPT),
    }
    Ok(0)
}

pub fn getsockopt(cx: &mut SyscallContext<'_>, fd: u64, level: u64, name: u64, val: u64, lenp: u64) -> KResult<usize> {
    let f = socket_file(cx, fd)?;
    let s = sock(&f);
    if level != SOL_SOCKET {
        return Err(Errno::ENOPROTOOPT);
    }
    let room = cx.read::<i32>(lenp)?;
    if room < 0 {
        return Err(Errno::EINVAL);
    }
    let timeval = |ns: u64| -> Vec<u8> {
        let mut v = ((ns / 1_000_000_000) as i64).to_le_bytes().to_vec();
        v.extend_from_slice(&(((ns % 1_000_000_000) / 1000) as i64).to_le_bytes());
        v
    };
    let bytes: Vec<u8> = match name {
        SO_TYPE => (s.kind() as i32).to_le_bytes().to_vec(),
        SO_ERROR => s.take_error().map_or(0, |e| e.0 as i32).to_le_bytes().to_vec(),
        SO_ACCEPTCONN => (s.is_listening() as i32).to_le_bytes().to_vec(),
        SO_DOMAIN => (AF_UNIX as i32).to_le_bytes().to_vec(),
        SO_PROTOCOL => 0i32.to_le_bytes().to_vec(),
        SO_PASSCRED => (s.pass_cred() as i32).to_le_bytes().to_vec(),
        SO_SNDBUF | SO_RCVBUF => (fs::socket::unix::channel::CAPACITY as i32).to_le_bytes().to_vec(),
        SO_REUSEADDR | SO_REUSEPORT | SO_KEEPALIVE => 0i32.to_le_bytes().to_vec(),
        SO_RCVTIMEO => timeval(s.timeouts().0),
        SO_SNDTIMEO => timeval(s.timeouts().1),
        SO_PEERCRED => {
            let c = s.peer_cred();
            let mut v = c.pid.to_le_bytes().to_vec();
            v.extend_from_slice(&c.uid.to_le_bytes());
            v.extend_from_slice(&c.gid.to_le_bytes());
            v
        }
        _ => return Err(Errno::ENOPROTOOPT),
    };
    let n = bytes.len().min(room as usize);
    cx.write_bytes(val, &bytes[..n])?;
    cx.write(lenp, &(n as i32))?;
    Ok(0)
}
