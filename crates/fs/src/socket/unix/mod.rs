//! AF_UNIX sockets: SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET.
//!
//! ```text
//!            connect                          accept
//!  client ────────────▶ listener.backlog ─────────────▶ server socket
//!  (Connected: tx = server.rx)             (Connected: tx = client.rx)
//! ```
//!
//! Every socket owns its receive [`Channel`]; a connected socket writes into
//! its peer's. A stream connect completes at once, as on Linux: the server
//! side socket is made and connected then, and waits in the listener's
//! backlog until `accept` takes it (a full backlog makes connect wait, or
//! EAGAIN). Datagram sockets send into the channel of the socket their
//! destination names (or their connected peer's).
//!
//! Names: a path binding creates a socket inode in its directory (bind
//! fails with EADDRINUSE if the name exists) and registers the socket under
//! that inode; an abstract name (leading NUL) is registered by its bytes;
//! `bind` with only the family autobinds an abstract five-hex-digit name.
//! Bindings go away with the socket, not with the file.
//!
//! Closing: the socket's channel refuses writers (EPIPE) and drops what
//! was queued (files in flight included); its peer's channel sees end of
//! file. Sockets that only messages in flight keep alive (a socket sent
//! over itself, a ring of them) are collected by [`gc`].
//!
//! Locks: a socket's `state`, then channel locks; two sockets' states are
//! never held together; the name registry is a leaf.

pub mod addr;
pub mod channel;
pub mod gc;

use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::{Context, Poll, Waker};

use abi::{Errno, KResult};
use ksync::SpinLock;

pub use addr::UnixAddr;
pub use channel::{Channel, Received, Sent, Ucred};

use crate::file::{FileOps, OpenFile};
use crate::flags::{OpenFlags, PollEvents};
use crate::hooks;
use crate::inode::MetaInode;
use crate::location::Location;
use crate::types::{DevId, FileType, Metadata};
use crate::user::UserMemory;
use crate::vfs::Resolver;
use crate::wait::WakerList;

/// The socket types (`SOCK_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketType {
    Stream = 1,
    Dgram = 2,
    SeqPacket = 5,
}

impl SocketType {
    pub fn from_raw(raw: u32) -> Option<SocketType> {
        match raw {
            1 => Some(SocketType::Stream),
            2 => Some(SocketType::Dgram),
            5 => Some(SocketType::SeqPacket),
            _ => None,
        }
    }

    fn connection_based(self) -> bool {
        self != SocketType::Dgram
    }

    /// Whether messages keep their boundaries.
    fn messages(self) -> bool {
        self != SocketType::Stream
    }
}

/// Linux's SOMAXCONN: the largest backlog `listen` takes.
pub const SOMAXCONN: usize = 4096;

/// Where a bound socket is registered.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum BindKey {
    Inode(DevId, u64),
    Abstract(Vec<u8>),
}

/// The bound sockets. Lock: a leaf.
static NAMES: SpinLock<BTreeMap<BindKey, Weak<UnixSocket>>> = SpinLock::new(BTreeMap::new());
/// Autobind names are handed out from here (wrapping at 2^20).
static NEXT_AUTOBIND: AtomicU32 = AtomicU32::new(0);

enum Conn {
    Unconnected,
    Listening { backlog: VecDeque<Arc<OpenFile>>, max: usize, waiters: WakerList },
    Connected { peer: Weak<UnixSocket>, tx: Arc<Channel>, peer_addr: UnixAddr, peer_cred: Ucred },
}

struct State {
    local: UnixAddr,
    key: Option<BindKey>,
    conn: Conn,
    /// A stream socket that was connected once and lost its peer.
    disconnected: bool,
    shut_rd: bool,
    shut_wr: bool,
    /// SO_ERROR, cleared when read.
    error: Option<Errno>,
    /// SO_PASSCRED.
    pass_cred: bool,
    /// SO_RCVTIMEO and SO_SNDTIMEO in ns (0: none).
    rcv_timeout: u64,
    snd_timeout: u64,
}

/// One AF_UNIX socket (the operations of its open file).
pub struct UnixSocket {
    kind: SocketType,
    me: Weak<UnixSocket>,
    /// Who created it (SO_PEERCRED of its peer).
    cred: Ucred,
    rx: Arc<Channel>,
    state: SpinLock<State>,
    /// Messages in flight that hold this socket's open file (`gc`).
    inflight: core::sync::atomic::AtomicUsize,
    /// Its inode number (what /proc/net/unix and fstat show).
    ino: core::sync::atomic::AtomicU64,
}

/// Every live unix socket, by address (for /proc/net/unix). Lock: a leaf.
static ALL: SpinLock<BTreeMap<usize, Weak<UnixSocket>>> = SpinLock::new(BTreeMap::new());

/// A line of /proc/net/unix.
#[derive(Clone, Debug)]
pub struct SocketInfo {
    pub kind: SocketType,
    pub listening: bool,
    pub connected: bool,
    pub ino: u64,
    pub addr: UnixAddr,
}

/// Every live unix socket (for /proc/net/unix).
pub fn sockets() -> Vec<SocketInfo> {
    let all: Vec<Arc<UnixSocket>> = ALL.lock().values().filter_map(Weak::upgrade).collect();
    all.iter()
        .map(|s| {
            let st = s.state.lock();
            SocketInfo {
                kind: s.kind,
                listening: matches!(st.conn, Conn::Listening { .. }),
                connected: matches!(st.conn, Conn::Connected { .. }),
                ino: s.ino.load(Ordering::Relaxed),
                addr: st.local.clone(),
            }
        })
        .collect()
}

impl Drop for UnixSocket {
    fn drop(&mut self) {
        ALL.lock().remove(&(self as *const UnixSocket as usize));
    }
}

fn socket_dev() -> DevId {
    static DEV: ksync::Lazy<DevId> = ksync::Lazy::new(hooks::alloc_anon_dev);
    *DEV
}

impl UnixSocket {
    fn new(kind: SocketType, cred: Ucred) -> Arc<UnixSocket> {
        let socket = Arc::new_cyclic(|me| UnixSocket {
            kind,
            me: me.clone(),
            cred,
            rx: Channel::new(),
            inflight: core::sync::atomic::AtomicUsize::new(0),
            ino: core::sync::atomic::AtomicU64::new(0),
            state: SpinLock::new(State {
                local: UnixAddr::Unnamed,
                key: None,
                conn: Conn::Unconnected,
                disconnected: false,
                shut_rd: false,
                shut_wr: false,
                error: None,
                pass_cred: false,
                rcv_timeout: 0,
                snd_timeout: 0,
            }),
        });
        ALL.lock().insert(Arc::as_ptr(&socket) as usize, Arc::downgrade(&socket));
        socket
    }

    fn open(self: Arc<Self>, flags: OpenFlags) -> Arc<OpenFile> {
        let ino = hooks::alloc_ino();
        self.ino.store(ino, Ordering::Relaxed);
        let mut meta = Metadata::new(ino, FileType::Socket, 0o777, self.cred.uid, self.cred.gid, hooks::now());
        meta.dev = socket_dev();
        let name = alloc::format!("socket:[{ino}]").into_bytes();
        OpenFile::new_anon(self, Arc::new(MetaInode { meta }), (flags & OpenFlags::NONBLOCK) | OpenFlags::RDWR, name)
    }

    /// socket(AF_UNIX, kind, 0) by a process with credentials `cred`.
    pub fn new_file(kind: SocketType, flags: OpenFlags, cred: Ucred) -> Arc<OpenFile> {
        Self::new(kind, cred).open(flags)
    }

    /// socketpair(AF_UNIX, kind, 0): two sockets connected to each other.
    pub fn pair(kind: SocketType, flags: OpenFlags, cred: Ucred) -> (Arc<OpenFile>, Arc<OpenFile>) {
        let (a, b) = (Self::new(kind, cred), Self::new(kind, cred));
        a.state.lock().conn = Conn::Connected { peer: Arc::downgrade(&b), tx: b.rx.clone(), peer_addr: UnixAddr::Unnamed, peer_cred: cred };
        b.state.lock().conn = Conn::Connected { peer: Arc::downgrade(&a), tx: a.rx.clone(), peer_addr: UnixAddr::Unnamed, peer_cred: cred };
        (a.open(flags), b.open(flags))
    }

    /// The socket behind `file`, if it is a unix socket.
    pub fn of(file: &OpenFile) -> Option<&UnixSocket> {
        file.ops().as_any()?.downcast_ref::<UnixSocket>()
    }

    pub fn kind(&self) -> SocketType {
        self.kind
    }

    /// bind(2): `None` autobinds an abstract name.
    pub fn bind(&self, addr: Option<UnixAddr>, resolver: &Resolver<'_>) -> KResult<()> {
        if self.state.lock().key.is_some() {
            return Err(Errno::EINVAL);
        }
        let me = self.me.clone();
        let (addr, key) = match addr {
            None | Some(UnixAddr::Unnamed) => loop {
                let n = NEXT_AUTOBIND.fetch_add(1, Ordering::Relaxed) & 0xfffff;
                let name = alloc::format!("{n:05x}").into_bytes();
                let key = BindKey::Abstract(name.clone());
                if register(&key, &me).is_ok() {
                    break (UnixAddr::Abstract(name), key);
                }
            },
            Some(UnixAddr::Abstract(name)) => {
                let key = BindKey::Abstract(name.clone());
                register(&key, &me)?;
                (UnixAddr::Abstract(name), key)
            }
            Some(UnixAddr::Path(path)) => {
                let inode = resolver.bind_socket(None, &path).map_err(|e| if e == Errno::EEXIST { Errno::EADDRINUSE } else { e })?;
                let meta = inode.metadata();
                let key = BindKey::Inode(meta.dev, meta.ino);
                register(&key, &me)?;
                (UnixAddr::Path(path), key)
            }
        };
        let mut st = self.state.lock();
        if st.key.is_some() {
            // Bound meanwhile by another thread: undo ours.
            drop(st);
            unregister(&key, self);
            return Err(Errno::EINVAL);
        }
        st.local = addr;
        st.key = Some(key);
        Ok(())
    }

    /// listen(2).
    pub fn listen(&self, backlog: i32) -> KResult<()> {
        if !self.kind.connection_based() {
            return Err(Errno::EOPNOTSUPP);
        }
        // Linux compares the backlog as unsigned with somaxconn: a negative
        // one (Rust's std passes -1) asks for the maximum.
        let max = (backlog as u32 as usize).min(SOMAXCONN);
        let mut st = self.state.lock();
        if st.key.is_none() {
            return Err(Errno::EINVAL);
        }
        match &mut st.conn {
            Conn::Listening { max: m, .. } => *m = max,
            Conn::Connected { .. } => return Err(Errno::EINVAL),
            Conn::Unconnected => st.conn = Conn::Listening { backlog: VecDeque::new(), max, waiters: WakerList::new() },
        }
        Ok(())
    }

    /// Finds the socket `addr` names (ECONNREFUSED if none is bound there).
    pub fn lookup(addr: &UnixAddr, resolver: &Resolver<'_>) -> KResult<Arc<UnixSocket>> {
        let key = match addr {
            UnixAddr::Unnamed => return Err(Errno::EINVAL),
            UnixAddr::Abstract(name) => BindKey::Abstract(name.clone()),
            UnixAddr::Path(path) => {
                let loc: Location = resolver.lookup(None, path, true)?;
                let meta = loc.inode().metadata();
                if meta.file_type() != FileType::Socket {
                    return Err(Errno::ECONNREFUSED);
                }
                crate::perm::check_access(&meta, resolver.cred(), crate::perm::Access::WRITE)?;
                BindKey::Inode(meta.dev, meta.ino)
            }
        };
        NAMES.lock().get(&key).and_then(Weak::upgrade).ok_or(Errno::ECONNREFUSED)
    }

    /// connect(2). A stream or seqpacket connect waits (`cx`) while the
    /// listener's backlog is full; `nonblocking` makes that EAGAIN.
    pub fn poll_connect(&self, addr: &UnixAddr, resolver: &Resolver<'_>, nonblocking: bool, cx: &mut Context<'_>) -> Poll<KResult<()>> {
        let target = match Self::lookup(addr, resolver) {
            Ok(t) => t,
            Err(e) => return Poll::Ready(Err(e)),
        };
        if target.kind != self.kind {
            return Poll::Ready(Err(Errno::EPROTOTYPE));
        }
        if !self.kind.connection_based() {
            let peer_addr = target.state.lock().local.clone();
            self.state.lock().conn = Conn::Connected { peer: Arc::downgrade(&target), tx: target.rx.clone(), peer_addr, peer_cred: target.cred };
            return Poll::Ready(Ok(()));
        }
        {
            let st = self.state.lock();
            match st.conn {
                Conn::Connected { .. } => return Poll::Ready(Err(Errno::EISCONN)),
                Conn::Listening { .. } => return Poll::Ready(Err(Errno::EINVAL)),
                Conn::Unconnected => {}
            }
        }
        let server = UnixSocket::new(self.kind, target.cred);
        let mut listener = target.state.lock();
        let listen_addr = listener.local.clone();
        let Conn::Listening { backlog, max, waiters } = &mut listener.conn else {
            return Poll::Ready(Err(Errno::ECONNREFUSED));
        };
        // Full past the backlog, as Linux's unix_recvq_full (so a backlog
        // of 0 still queues one connection).
        if backlog.len() > *max {
            if nonblocking {
                return Poll::Ready(Err(Errno::EAGAIN));
            }
            waiters.register(cx.waker());
            return Poll::Pending;
        }
        let my_addr = {
            let mut st = self.state.lock();
            if !matches!(st.conn, Conn::Unconnected) {
                return Poll::Ready(Err(Errno::EISCONN));
            }
            st.conn = Conn::Connected { peer: Arc::downgrade(&server), tx: server.rx.clone(), peer_addr: listen_addr.clone(), peer_cred: target.cred };
            st.local.clone()
        };
        {
            let mut s = server.state.lock();
            s.local = listen_addr;
            s.conn = Conn::Connected { peer: self.me.clone(), tx: self.rx.clone(), peer_addr: my_addr, peer_cred: self.cred };
        }
        backlog.push_back(server.open(OpenFlags::empty()));
        let mut woken = waiters.take();
        drop(listener);
        woken.wake_all();
        Poll::Ready(Ok(()))
    }

    /// accept(2): the next connection, as an open file with `flags`.
    pub fn poll_accept(&self, flags: OpenFlags, nonblocking: bool, cx: &mut Context<'_>) -> Poll<KResult<Arc<OpenFile>>> {
        let mut st = self.state.lock();
        let Conn::Listening { backlog, waiters, .. } = &mut st.conn else {
            return Poll::Ready(Err(if self.kind.connection_based() { Errno::EINVAL } else { Errno::EOPNOTSUPP }));
        };
        match backlog.pop_front() {
            Some(file) => {
                file.set_status_flags(flags & OpenFlags::NONBLOCK);
                // Room in the backlog: a waiting connect may go on.
                let mut woken = waiters.take();
                drop(st);
                woken.wake_all();
                Poll::Ready(Ok(file))
            }
            None if nonblocking => Poll::Ready(Err(Errno::EAGAIN)),
            None => {
                waiters.register(cx.waker());
                Poll::Pending
            }
        }
    }

    /// Sends `data` (with `files` in flight) to the peer, or to `to` (a
    /// datagram socket's destination, found with [`UnixSocket::lookup`]).
    /// Returns the bytes queued; a stream may queue part. EPIPE when the
    /// peer is gone or writing is shut down (the caller raises SIGPIPE
    /// unless MSG_NOSIGNAL).
    pub fn poll_send(
        &self,
        data: &[u8],
        files: &mut Vec<Arc<OpenFile>>,
        to: Option<&Arc<UnixSocket>>,
        cred: Ucred,
        nonblocking: bool,
        cx: &mut Context<'_>,
    ) -> Poll<KResult<usize>> {
        let (tx, from) = {
            let mut st = self.state.lock();
            if st.shut_wr {
                return Poll::Ready(Err(Errno::EPIPE));
            }
            if let Some(e) = st.error.take() {
                return Poll::Ready(Err(e));
            }
            let from = st.local.clone();
            match (&st.conn, to) {
                (Conn::Connected { .. }, Some(_)) if self.kind.connection_based() => return Poll::Ready(Err(Errno::EISCONN)),
                (Conn::Connected { tx, .. }, None) => (tx.clone(), from),
                (_, Some(target)) if !self.kind.connection_based() => {
                    if target.kind != self.kind {
                        return Poll::Ready(Err(Errno::EPROTOTYPE));
                    }
                    (target.rx.clone(), from)
                }
                (_, Some(_)) => return Poll::Ready(Err(Errno::EOPNOTSUPP)),
                (_, None) if self.kind.connection_based() && st.disconnected => return Poll::Ready(Err(Errno::EPIPE)),
                (_, None) if self.kind.connection_based() => return Poll::Ready(Err(Errno::ENOTCONN)),
                (_, None) => return Poll::Ready(Err(Errno::EDESTADDRREQ)),
            }
        };
        match tx.send(data, files, self.kind.messages(), &from, cred, Some(cx.waker())) {
            Ok(Sent::Queued(n)) => Poll::Ready(Ok(n)),
            Ok(Sent::Full) if nonblocking => Poll::Ready(Err(Errno::EAGAIN)),
            Ok(Sent::Full) => Poll::Pending,
            // A datagram peer that is gone refuses (Linux: ECONNREFUSED).
            Err(Errno::EPIPE) if !self.kind.connection_based() => Poll::Ready(Err(Errno::ECONNREFUSED)),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    /// Receives into `buf` (`peek`: MSG_PEEK). `Ok(r)` with `r.len == 0` and
    /// no files is end of file on a stream.
    pub fn poll_recv(&self, buf: &mut [u8], peek: bool, nonblocking: bool, cx: &mut Context<'_>) -> Poll<KResult<Received>> {
        {
            let st = self.state.lock();
            if self.kind.connection_based() && !matches!(st.conn, Conn::Connected { .. }) && !st.disconnected {
                return Poll::Ready(Err(if matches!(st.conn, Conn::Listening { .. }) { Errno::EINVAL } else { Errno::ENOTCONN }));
            }
        }
        match self.rx.recv(buf, self.kind.messages(), peek, Some(cx.waker())) {
            Some(r) => Poll::Ready(Ok(r)),
            None if self.state.lock().shut_rd => Poll::Ready(Ok(Received::default())),
            None if nonblocking => Poll::Ready(Err(Errno::EAGAIN)),
            None => Poll::Pending,
        }
    }

    /// shutdown(2): `how` is SHUT_RD (0), SHUT_WR (1) or SHUT_RDWR (2).
    pub fn shutdown(&self, how: u32) -> KResult<()> {
        if how > 2 {
            return Err(Errno::EINVAL);
        }
        let mut st = self.state.lock();
        let Conn::Connected { tx, .. } = &st.conn else {
            return Err(Errno::ENOTCONN);
        };
        let tx = tx.clone();
        let (rd, wr) = (how != 1, how != 0);
        if rd {
            st.shut_rd = true;
        }
        if wr {
            st.shut_wr = true;
        }
        drop(st);
        if rd {
            self.rx.shut_reader();
        }
        if wr {
            tx.close_writers();
        }
        Ok(())
    }

    /// getsockname.
    pub fn local_addr(&self) -> UnixAddr {
        self.state.lock().local.clone()
    }

    /// getpeername (ENOTCONN when not connected).
    pub fn peer_addr(&self) -> KResult<UnixAddr> {
        match &self.state.lock().conn {
            Conn::Connected { peer_addr, .. } => Ok(peer_addr.clone()),
            _ => Err(Errno::ENOTCONN),
        }
    }

    /// SO_PEERCRED: the peer's creator (connected sockets), else nobody.
    pub fn peer_cred(&self) -> Ucred {
        match &self.state.lock().conn {
            Conn::Connected { peer_cred, .. } => *peer_cred,
            _ => Ucred { pid: 0, uid: u32::MAX, gid: u32::MAX },
        }
    }

    /// SO_ERROR: the pending error, cleared.
    pub fn take_error(&self) -> Option<Errno> {
        self.state.lock().error.take()
    }

    pub fn set_pass_cred(&self, on: bool) {
        self.state.lock().pass_cred = on;
    }

    pub fn pass_cred(&self) -> bool {
        self.state.lock().pass_cred
    }

    /// SO_RCVTIMEO / SO_SNDTIMEO in ns (0: wait forever).
    pub fn set_timeouts(&self, rcv: Option<u64>, snd: Option<u64>) {
        let mut st = self.state.lock();
        if let Some(t) = rcv {
            st.rcv_timeout = t;
        }
        if let Some(t) = snd {
            st.snd_timeout = t;
        }
    }

    pub fn timeouts(&self) -> (u64, u64) {
        let st = self.state.lock();
        (st.rcv_timeout, st.snd_timeout)
    }

    /// Whether it is listening (SO_ACCEPTCONN).
    pub fn is_listening(&self) -> bool {
        matches!(self.state.lock().conn, Conn::Listening { .. })
    }

    /// Bytes waiting to be read (FIONREAD).
    pub fn queued(&self) -> usize {
        self.rx.queued()
    }
}

fn register(key: &BindKey, socket: &Weak<UnixSocket>) -> KResult<()> {
    let mut names = NAMES.lock();
    if names.get(key).is_some_and(|w| w.strong_count() > 0) {
        return Err(Errno::EADDRINUSE);
    }
    names.insert(key.clone(), socket.clone());
    Ok(())
}

fn unregister(key: &BindKey, socket: &UnixSocket) {
    let mut names = NAMES.lock();
    if names.get(key).is_some_and(|w| w.as_ptr() == socket as *const UnixSocket) {
        names.remove(key);
    }
}

impl FileOps for UnixSocket {
    fn poll_read(&self, file: &OpenFile, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<KResult<usize>> {
        self.poll_recv(buf, false, file.is_nonblocking(), cx).map(|r| r.map(|r| r.len))
    }

    fn poll_write(&self, file: &OpenFile, cx: &mut Context<'_>, buf: &[u8]) -> Poll<KResult<usize>> {
        // write(2): no destination, no files; the credentials a receiver
        // with SO_PASSCRED sees are the socket creator's.
        self.poll_send(buf, &mut Vec::new(), None, self.cred, file.is_nonblocking(), cx)
    }

    fn poll_ready(&self, _file: &OpenFile, mut cx: Option<&mut Context<'_>>) -> PollEvents {
        let waker: Option<Waker> = cx.as_deref_mut().map(|c| c.waker().clone());
        let mut st = self.state.lock();
        let mut ev = PollEvents::empty();
        if st.error.is_some() {
            ev |= PollEvents::ERR;
        }
        match &mut st.conn {
            Conn::Listening { backlog, waiters, .. } => {
                if let Some(w) = &waker {
                    waiters.register(w);
                }
                if !backlog.is_empty() {
                    ev |= PollEvents::READABLE;
                }
            }
            Conn::Connected { tx, .. } => {
                let tx = tx.clone();
                let (shut_rd, shut_wr) = (st.shut_rd, st.shut_wr);
                drop(st);
                let peer_shut_wr = self.rx.writers_gone();
                let peer_gone = tx.reader_gone();
                if self.rx.readable(waker.as_ref()) || shut_rd {
                    ev |= PollEvents::READABLE;
                }
                if peer_shut_wr || shut_rd {
                    ev |= PollEvents::RDHUP | PollEvents::READABLE;
                }
                if (peer_shut_wr || shut_rd) && (peer_gone || shut_wr) {
                    ev |= PollEvents::HUP;
                }
                if !shut_wr && tx.writable(waker.as_ref()) {
                    ev |= PollEvents::WRITABLE;
                }
                return ev;
            }
            Conn::Unconnected => {
                let disconnected = st.disconnected;
                drop(st);
                if self.rx.readable(waker.as_ref()) {
                    ev |= PollEvents::READABLE;
                }
                if self.kind.connection_based() {
                    // Never connected, or its peer went: Linux reports HUP
                    // (and OUT) for such a stream socket.
                    ev |= PollEvents::HUP | PollEvents::WRITABLE;
                    if disconnected {
                        ev |= PollEvents::RDHUP | PollEvents::READABLE;
                    }
                } else {
                    ev |= PollEvents::WRITABLE;
                }
                return ev;
            }
        }
        ev
    }

    fn can_poll(&self) -> bool {
        true
    }

    /// FIONREAD (SIOCINQ): the bytes queued; EINVAL on a listening socket.
    fn ioctl(&self, _file: &OpenFile, cmd: u32, arg: usize, user: &dyn UserMemory) -> KResult<usize> {
        match cmd {
            abi::ioctl::FIONREAD if self.is_listening() => Err(Errno::EINVAL),
            abi::ioctl::FIONREAD => {
                user.write_i32(arg, self.queued().min(i32::MAX as usize) as i32)?;
                Ok(0)
            }
            _ => Err(Errno::ENOTTY),
        }
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }

    fn release(&self, _file: &OpenFile) {
        let (key, conn) = {
            let mut st = self.state.lock();
            (st.key.take(), core::mem::replace(&mut st.conn, Conn::Unconnected))
        };
        if let Some(key) = key {
            unregister(&key, self);
        }
        // Files in flight to us are dropped after every lock is released.
        let dropped = self.rx.close_reader();
        match conn {
            Conn::Connected { peer, tx, .. } => {
                tx.close_writers();
                if let Some(peer) = peer.upgrade() {
                    peer.peer_closed();
                }
            }
            Conn::Listening { backlog, .. } => drop(backlog),
            Conn::Unconnected => {}
        }
        drop(dropped);
    }
}

impl UnixSocket {
    /// The connected peer closed: a stream socket reads to end of file and
    /// then is disconnected (writes EPIPE); a datagram socket forgets it.
    fn peer_closed(&self) {
        let mut st = self.state.lock();
        if self.kind.connection_based() {
            st.disconnected = true;
        } else {
            st.conn = Conn::Unconnected;
        }
    }
}

#[cfg(test)]
mod test;
