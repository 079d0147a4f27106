//! Message queues (ipc/msg.c): msgget, msgsnd, msgrcv (by type, MSG_EXCEPT,
//! MSG_NOERROR, MSG_COPY) and msgctl.
//!
//! Blocked senders wait on the queue's `senders` queue and are woken by
//! every receive; blocked receivers on `receivers`, woken by every send.
//! Both look again under the queue lock. IPC_RMID and IPC_SET wake both.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Write;

use abi::{Errno, KResult};
use ksync::SpinLock;
use runtime::sync::WaitQueue;

use crate::ids::{IdTable, KeyLookup};
use crate::limits::{self, MSGSSZ};
use crate::perm::{self, IpcPerm, PermSet, put_i32, put_i64, put_u64};
use crate::{Caller, IPC_INFO, IPC_NOWAIT, IPC_STAT};

pub const MSG_NOERROR: u32 = 0o10000;
pub const MSG_EXCEPT: u32 = 0o20000;
pub const MSG_COPY: u32 = 0o40000;
pub const MSG_STAT: i32 = 11;
pub const MSG_INFO: i32 = 12;
pub const MSG_STAT_ANY: i32 = 13;

/// One message.
pub struct Message {
    pub mtype: i64,
    pub text: Vec<u8>,
}

struct Inner {
    messages: VecDeque<Message>,
    cbytes: u64,
    qbytes: u64,
    lspid: i32,
    lrpid: i32,
    stime: i64,
    rtime: i64,
    ctime: i64,
    removed: bool,
}

impl Inner {
    /// Linux's `msg_fits_inqueue`: bytes and message count both bounded by
    /// msg_qbytes.
    fn fits(&self, size: u64) -> bool {
        size + self.cbytes <= self.qbytes && (self.messages.len() as u64) < self.qbytes
    }
}

pub struct MsgQueue {
    inner: SpinLock<Inner>,
    senders: WaitQueue,
    receivers: WaitQueue,
}

static QUEUES: SpinLock<IdTable<Arc<MsgQueue>>> = SpinLock::new(IdTable::new());

/// msgget(2).
pub fn msgget(caller: &Caller, key: i32, flags: u32) -> KResult<usize> {
    let mut t = QUEUES.lock();
    match t.lookup_key(key, flags, caller, |_| Ok(()))? {
        KeyLookup::Existing(index) => Ok(t.at_index(index as i32)?.perm.id as usize),
        KeyLookup::Create => {
            let q = Arc::new(MsgQueue {
                inner: SpinLock::new(Inner {
                    messages: VecDeque::new(),
                    cbytes: 0,
                    qbytes: limits::msgmnb().max(0) as u64,
                    lspid: 0,
                    lrpid: 0,
                    stime: 0,
                    rtime: 0,
                    ctime: caller.now,
                    removed: false,
                }),
                senders: WaitQueue::new(),
                receivers: WaitQueue::new(),
            });
            Ok(t.add(IpcPerm::new(key, flags, caller), q, limits::msgmni())? as usize)
        }
    }
}

/// The queue `id` if the caller may `access` it (EINVAL, EACCES).
pub fn target(caller: &Caller, id: i32, access: u32) -> KResult<Arc<MsgQueue>> {
    let t = QUEUES.lock();
    let e = t.get(id)?;
    e.perm.check(caller, access)?;
    Ok(e.obj.clone())
}

/// msgsnd(2)'s size check, before the text is read: EINVAL.
pub fn check_send(size: usize, mtype: i64) -> KResult<()> {
    if size > limits::msgmax().max(0) as usize || mtype < 1 {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// msgsnd(2): queues `msg`, waiting for room unless IPC_NOWAIT.
pub async fn send(queue: &MsgQueue, msg: Message, flags: u32, caller: &Caller) -> KResult<()> {
    let mut msg = Some(msg);
    let result = queue
        .senders
        .wait_until(|| {
            let mut g = queue.inner.lock();
            if g.removed {
                return Some(Err(Errno::EIDRM));
            }
            let size = msg.as_ref().map_or(0, |m| m.text.len() as u64);
            if !g.fits(size) {
                return if flags & IPC_NOWAIT != 0 { Some(Err(Errno::EAGAIN)) } else { None };
            }
            if g.messages.try_reserve(1).is_err() {
                return Some(Err(Errno::ENOMEM));
            }
            let m = msg.take()?;
            g.cbytes += size;
            g.messages.push_back(m);
            g.lspid = caller.tgid;
            g.stime = caller.now;
            Some(Ok(()))
        })
        .await;
    if result.is_ok() {
        queue.receivers.wake_all();
    }
    result
}

/// How msgrcv picks (Linux's `convert_mode`).
#[derive(Clone, Copy)]
enum Search {
    Any,
    Equal(i64),
    NotEqual(i64),
    LessEqual(i64),
    Number(usize),
}

impl Search {
    fn new(msgtyp: i64, flags: u32) -> Self {
        if flags & MSG_COPY != 0 {
            // A negative number matches no message (ENOMSG).
            return Search::Number(usize::try_from(msgtyp).unwrap_or(usize::MAX));
        }
        match msgtyp {
            0 => Search::Any,
            t if t < 0 => Search::LessEqual(t.checked_neg().unwrap_or(i64::MAX)),
            t if flags & MSG_EXCEPT != 0 => Search::NotEqual(t),
            t => Search::Equal(t),
        }
    }

    /// The index of the message to take (Linux's `find_msg`).
    fn find(self, messages: &VecDeque<Message>) -> Option<usize> {
        match self {
            Search::Any => (!messages.is_empty()).then_some(0),
            Search::Equal(t) => messages.iter().position(|m| m.mtype == t),
            Search::NotEqual(t) => messages.iter().position(|m| m.mtype != t),
            // The lowest type <= t, the first of equals.
            Search::LessEqual(t) => {
                let mut best: Option<usize> = None;
                for (i, m) in messages.iter().enumerate() {
                    if m.mtype <= t && best.is_none_or(|b| m.mtype < messages[b].mtype) {
                        best = Some(i);
                    }
                }
                best
            }
            Search::Number(n) => (n < messages.len()).then_some(n),
        }
    }
}

/// msgrcv(2)'s argument checks: EINVAL for a negative size and for
/// MSG_COPY without IPC_NOWAIT or with MSG_EXCEPT.
pub fn check_receive(size: i64, flags: u32) -> KResult<()> {
    if size < 0 {
        return Err(Errno::EINVAL);
    }
    if flags & MSG_COPY != 0 && (flags & MSG_EXCEPT != 0 || flags & IPC_NOWAIT == 0) {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// msgrcv(2): the message picked by `msgtyp` and `flags`, its text cut to
/// `size` with MSG_NOERROR (E2BIG otherwise), waiting for one unless
/// IPC_NOWAIT (ENOMSG).
pub async fn receive(queue: &MsgQueue, size: usize, msgtyp: i64, flags: u32, caller: &Caller) -> KResult<Message> {
    let search = Search::new(msgtyp, flags);
    let result = queue
        .receivers
        .wait_until(|| {
            let mut g = queue.inner.lock();
            if g.removed {
                return Some(Err(Errno::EIDRM));
            }
            let Some(index) = search.find(&g.messages) else {
                return if flags & IPC_NOWAIT != 0 { Some(Err(Errno::ENOMSG)) } else { None };
            };
            if g.messages[index].text.len() > size && flags & MSG_NOERROR == 0 {
                return Some(Err(Errno::E2BIG));
            }
            if flags & MSG_COPY != 0 {
                let m = &g.messages[index];
                let n = m.text.len().min(size);
                let mut text = Vec::new();
                if text.try_reserve_exact(n).is_err() {
                    return Some(Err(Errno::ENOMEM));
                }
                text.extend_from_slice(&m.text[..n]);
                return Some(Ok(Message { mtype: m.mtype, text }));
            }
            let mut m = g.messages.remove(index)?;
            g.cbytes -= m.text.len() as u64;
            g.rtime = caller.now;
            g.lrpid = caller.tgid;
            m.text.truncate(size);
            Some(Ok(m))
        })
        .await;
    if result.is_ok() && flags & MSG_COPY == 0 {
        queue.senders.wake_all();
    }
    result
}

/// `struct msqid64_ds` (120 bytes).
fn msqid_ds(perm: &IpcPerm, q: &MsgQueue) -> [u8; 120] {
    let mut b = [0u8; 120];
    b[..48].copy_from_slice(&perm.to_user());
    let g = q.inner.lock();
    put_i64(&mut b, 48, g.stime);
    put_i64(&mut b, 56, g.rtime);
    put_i64(&mut b, 64, g.ctime);
    put_u64(&mut b, 72, g.cbytes);
    put_u64(&mut b, 80, g.messages.len() as u64);
    put_u64(&mut b, 88, g.qbytes);
    put_i32(&mut b, 96, g.lspid);
    put_i32(&mut b, 100, g.lrpid);
    b
}

/// IPC_STAT, MSG_STAT, MSG_STAT_ANY.
pub fn stat(caller: &Caller, id: i32, cmd: i32) -> KResult<(usize, [u8; 120])> {
    let t = QUEUES.lock();
    let e = if cmd == IPC_STAT { t.get(id)? } else { t.at_index(id)? };
    if cmd != MSG_STAT_ANY {
        e.perm.check(caller, perm::READ)?;
    }
    let result = if cmd == IPC_STAT { 0 } else { e.perm.id as usize };
    Ok((result, msqid_ds(&e.perm, &e.obj)))
}

/// IPC_INFO and MSG_INFO: `struct msginfo` (32 bytes) and the highest
/// index in use.
pub fn info(cmd: i32) -> (usize, [u8; 32]) {
    let t = QUEUES.lock();
    let mnb = limits::msgmnb();
    let mni = limits::msgmni() as i32;
    // MSGPOOL (KiB), MSGMAP, MSGTQL: Linux's compile-time constants, from
    // the default MSGMNI and MSGMNB; MSG_INFO puts usage in their place.
    const MSGPOOL: i32 = 32000 * 16384 / 1024;
    const MSGMAP: i32 = 16384;
    const MSGTQL: i32 = 16384;
    let (pool, map, tql) = if cmd == IPC_INFO {
        (MSGPOOL, MSGMAP, MSGTQL)
    } else {
        let (mut msgs, mut bytes) = (0usize, 0u64);
        for e in t.iter() {
            let g = e.obj.inner.lock();
            msgs += g.messages.len();
            bytes += g.cbytes;
        }
        (t.in_use() as i32, msgs as i32, bytes as i32)
    };
    let fields = [pool, map, limits::msgmax(), mnb, mni, MSGSSZ, tql];
    let mut b = [0u8; 32];
    for (i, f) in fields.iter().enumerate() {
        put_i32(&mut b, i * 4, *f);
    }
    b[28..30].copy_from_slice(&0xffffu16.to_le_bytes());
    (t.info_result(), b)
}

/// IPC_SET: owner, mode and msg_qbytes (raising it past msgmnb needs root:
/// EPERM).
pub fn set(caller: &Caller, id: i32, new: &PermSet, qbytes: u64) -> KResult<()> {
    let q = {
        let mut t = QUEUES.lock();
        let e = t.get_mut(id)?;
        e.perm.check_owner(caller)?;
        if qbytes > limits::msgmnb().max(0) as u64 && !caller.privileged {
            return Err(Errno::EPERM);
        }
        e.perm.set(new);
        let mut g = e.obj.inner.lock();
        g.qbytes = qbytes;
        g.ctime = caller.now;
        drop(g);
        e.obj.clone()
    };
    // A larger queue may let senders in; the new mode may lock readers out.
    q.senders.wake_all();
    q.receivers.wake_all();
    Ok(())
}

/// IPC_RMID: waiters fail with EIDRM.
pub fn remove(caller: &Caller, id: i32) -> KResult<()> {
    let mut t = QUEUES.lock();
    t.get(id)?.perm.check_owner(caller)?;
    let e = t.remove(id)?;
    drop(t);
    let messages = {
        let mut g = e.obj.inner.lock();
        g.removed = true;
        core::mem::take(&mut g.messages)
    };
    drop(messages);
    e.obj.senders.wake_all();
    e.obj.receivers.wake_all();
    Ok(())
}

/// The text of /proc/sysvipc/msg.
pub fn proc_text() -> String {
    let mut s = String::from(
        "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
    );
    for e in QUEUES.lock().iter() {
        let p = &e.perm;
        let g = e.obj.inner.lock();
        let _ = writeln!(
            s,
            "{:>10} {:>10}  {:>4o}  {:>10} {:>10} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>10} {:>10} {:>10}",
            p.key,
            p.id,
            p.mode,
            g.cbytes,
            g.messages.len(),
            g.lspid,
            g.lrpid,
            p.uid,
            p.gid,
            p.cuid,
            p.cgid,
            g.stime,
            g.rtime,
            g.ctime
        );
    }
    s
}
