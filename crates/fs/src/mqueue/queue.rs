//! One POSIX message queue: messages ordered by priority (highest first,
//! FIFO within a priority), bounded by `mq_maxmsg` messages of at most
//! `mq_msgsize` bytes, with the waiters and the one `mq_notify`
//! registration of Linux's ipc/mqueue.c.
//!
//! Readiness: POLLIN while a message is queued, POLLOUT while there is
//! room. Senders, receivers and pollers (poll, select, epoll) wait in three
//! waker lists; every change wakes the lists it may satisfy, and woken
//! parties re-check (the protocol of [`crate::wait`]).
//!
//! Linux hands a sent message straight to a waiting receiver; here it is
//! queued and the receiver is woken, which is the same to user space
//! except for one thing this module keeps: a message that arrives while a
//! receiver is blocked does not trigger the notification. Blocked
//! receivers are therefore counted ([`ReceiveWait`]).

use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::Weak;
use alloc::vec::Vec;
use core::any::Any;
use core::task::{Context, Poll};

use abi::{Errno, KResult};
use ksync::SpinLock;

use super::limits::Charge;
use crate::file::{FileOps, OpenFile};
use crate::flags::PollEvents;
use crate::wait::WakerList;

/// `sigev_notify` values.
pub const SIGEV_SIGNAL: i32 = 0;
pub const SIGEV_NONE: i32 = 1;

/// What a registered process asked for (`struct sigevent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyHow {
    /// SIGEV_NONE: registered, but nothing is sent.
    Nothing,
    /// SIGEV_SIGNAL with this signal (0 sends nothing, as on Linux) and value.
    Signal { signo: u32, value: u64 },
}

/// An `mq_notify` registration.
#[derive(Clone)]
pub struct Registration {
    /// The registered process's id, shown as NOTIFY_PID.
    pub owner_pid: i32,
    /// The registered process itself (the syscall layer's process object),
    /// so that a recycled pid is not taken for it.
    pub owner: Weak<dyn Any + Send + Sync>,
    /// Whether the owner still counts: false once it is exiting (Linux
    /// drops the registration when the owner closes the queue, which an
    /// exit does).
    pub owner_alive: fn(&(dyn Any + Send + Sync)) -> bool,
    pub how: NotifyHow,
}

impl Registration {
    fn is_owned_by(&self, owner: &Weak<dyn Any + Send + Sync>) -> bool {
        Weak::ptr_eq(&self.owner, owner)
    }

    /// The owner is gone or going: the registration no longer counts.
    fn is_stale(&self) -> bool {
        self.owner.upgrade().is_none_or(|owner| !(self.owner_alive)(&*owner))
    }
}

/// A received message.
#[derive(Debug, PartialEq, Eq)]
pub struct Message {
    pub data: Vec<u8>,
    pub prio: u32,
}

/// The sizes fixed at creation (`struct mq_attr` without the flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr {
    pub maxmsg: i64,
    pub msgsize: i64,
    pub curmsgs: i64,
}

pub struct MessageQueue {
    maxmsg: usize,
    msgsize: usize,
    /// Lock order: leaf (wakers are woken and signals sent after it is
    /// released).
    state: SpinLock<State>,
    /// Released when the queue is freed (unlinked and closed).
    _charge: Charge,
}

struct State {
    /// By priority; within one, oldest first.
    messages: BTreeMap<u32, VecDeque<Vec<u8>>>,
    count: usize,
    /// Bytes of message data queued (QSIZE).
    bytes: usize,
    notify: Option<Registration>,
    /// Receivers blocked in mq_timedreceive now.
    blocked_receivers: usize,
    receivers: WakerList,
    senders: WakerList,
    pollers: WakerList,
}

/// What a successful send leaves for the caller to do once no lock is held.
pub struct Sent {
    /// The registration the message triggered (already removed).
    pub notify: Option<Registration>,
}

impl MessageQueue {
    pub fn new(maxmsg: i64, msgsize: i64, charge: Charge) -> MessageQueue {
        MessageQueue {
            maxmsg: maxmsg as usize,
            msgsize: msgsize as usize,
            state: SpinLock::new(State {
                messages: BTreeMap::new(),
                count: 0,
                bytes: 0,
                notify: None,
                blocked_receivers: 0,
                receivers: WakerList::new(),
                senders: WakerList::new(),
                pollers: WakerList::new(),
            }),
            _charge: charge,
        }
    }

    pub fn msgsize(&self) -> usize {
        self.msgsize
    }

    pub fn attr(&self) -> Attr {
        let count = self.state.lock().count;
        Attr { maxmsg: self.maxmsg as i64, msgsize: self.msgsize as i64, curmsgs: count as i64 }
    }

    /// Queues `data` (its length already checked against `mq_msgsize` and
    /// its buffer allocated by the caller), or waits for room: `cx` None
    /// means non-blocking (EAGAIN when full).
    pub fn poll_send(&self, cx: Option<&mut Context<'_>>, data: &mut Option<Vec<u8>>, prio: u32) -> Poll<KResult<Sent>> {
        let mut st = self.state.lock();
        if st.count >= self.maxmsg {
            let Some(cx) = cx else { return Poll::Ready(Err(Errno::EAGAIN)) };
            st.senders.register(cx.waker());
            return Poll::Pending;
        }
        let Some(data) = data.take() else { return Poll::Ready(Err(Errno::EINVAL)) };
        let slot = st.messages.entry(prio).or_default();
        if slot.try_reserve(1).is_err() {
            // No empty priority may stay behind: receive takes the top one.
            if slot.is_empty() {
                st.messages.remove(&prio);
            }
            return Poll::Ready(Err(Errno::ENOMEM));
        }
        let len = data.len();
        slot.push_back(data);
        st.count += 1;
        st.bytes += len;
        // Linux's __do_notify: only on the empty -> non-empty change and
        // only when no receiver is waiting for the message.
        let notify = if st.count == 1 && st.blocked_receivers == 0 { st.notify.take() } else { None };
        let notify = notify.filter(|r| !r.is_stale());
        let mut woken = st.receivers.take();
        woken.append(st.pollers.take());
        drop(st);
        woken.wake_all();
        Poll::Ready(Ok(Sent { notify }))
    }

    /// Takes the highest-priority, oldest message, or waits: `cx` None
    /// means non-blocking (EAGAIN when empty). `wait` counts this receiver
    /// as blocked while it waits.
    pub fn poll_receive(&self, cx: Option<&mut Context<'_>>, wait: &mut ReceiveWait<'_>) -> Poll<KResult<Message>> {
        let mut st = self.state.lock();
        let Some(mut top) = st.messages.last_entry() else {
            let Some(cx) = cx else { return Poll::Ready(Err(Errno::EAGAIN)) };
            st.receivers.register(cx.waker());
            if !wait.counted {
                wait.counted = true;
                st.blocked_receivers += 1;
            }
            return Poll::Pending;
        };
        let prio = *top.key();
        let data = top.get_mut().pop_front().unwrap_or_default();
        if top.get().is_empty() {
            top.remove();
        }
        st.count -= 1;
        st.bytes -= data.len();
        if wait.counted {
            wait.counted = false;
            st.blocked_receivers -= 1;
        }
        let mut woken = st.senders.take();
        woken.append(st.pollers.take());
        drop(st);
        woken.wake_all();
        Poll::Ready(Ok(Message { data, prio }))
    }

    /// `mq_notify`: `unregister` removes the caller's registration
    /// (silently nothing when another process is registered); otherwise
    /// `registration` is made, EBUSY while another live one exists.
    pub fn set_notify(&self, registration: Registration, unregister: bool) -> KResult<()> {
        let mut st = self.state.lock();
        if st.notify.as_ref().is_some_and(Registration::is_stale) {
            st.notify = None;
        }
        if unregister {
            if st.notify.as_ref().is_some_and(|r| r.is_owned_by(&registration.owner)) {
                st.notify = None;
            }
        } else if st.notify.is_some() {
            return Err(Errno::EBUSY);
        } else {
            st.notify = Some(registration);
        }
        Ok(())
    }

    /// A descriptor of the queue was closed by `owner` (Linux's
    /// `mqueue_flush_file`): its registration, if any, goes.
    pub fn closed_by(&self, owner: &Weak<dyn Any + Send + Sync>) {
        let mut st = self.state.lock();
        if st.notify.as_ref().is_some_and(|r| r.is_owned_by(owner)) {
            st.notify = None;
        }
    }

    /// The line `read(2)` of a queue returns.
    pub fn status_line(&self) -> Vec<u8> {
        let st = self.state.lock();
        let live = st.notify.as_ref().filter(|r| !r.is_stale());
        let (how, signo, pid) = match live {
            None => (0, 0, 0),
            Some(r) => match r.how {
                NotifyHow::Nothing => (SIGEV_NONE, 0, r.owner_pid),
                NotifyHow::Signal { signo, .. } => (SIGEV_SIGNAL, signo as i32, r.owner_pid),
            },
        };
        let bytes = st.bytes;
        drop(st);
        alloc::format!("QSIZE:{bytes:<10} NOTIFY:{how:<5} SIGNO:{signo:<5} NOTIFY_PID:{pid:<6}\n").into_bytes()
    }

    fn readiness(&self, cx: Option<&mut Context<'_>>) -> PollEvents {
        let mut st = self.state.lock();
        let mut ev = PollEvents::empty();
        if st.count > 0 {
            ev |= PollEvents::READABLE;
        }
        if st.count < self.maxmsg {
            ev |= PollEvents::WRITABLE;
        }
        if let Some(cx) = cx {
            st.pollers.register(cx.waker());
        }
        ev
    }
}

/// A receiver's stake in [`MessageQueue::poll_receive`]: while it is
/// blocked the queue counts it; dropping it (a timeout, a signal) takes it
/// off the count.
pub struct ReceiveWait<'a> {
    queue: &'a MessageQueue,
    counted: bool,
}

impl<'a> ReceiveWait<'a> {
    pub fn new(queue: &'a MessageQueue) -> Self {
        ReceiveWait { queue, counted: false }
    }
}

impl Drop for ReceiveWait<'_> {
    fn drop(&mut self) {
        if self.counted {
            self.queue.state.lock().blocked_receivers -= 1;
        }
    }
}

/// An open queue. read(2) gives the status line; write(2) is EINVAL, as
/// Linux's mqueue files have no write operation.
impl FileOps for MessageQueue {
    fn poll_read(&self, file: &OpenFile, _cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<KResult<usize>> {
        let line = self.status_line();
        let mut pos = file.pos();
        let start = usize::try_from(*pos).unwrap_or(usize::MAX).min(line.len());
        let n = buf.len().min(line.len() - start);
        buf[..n].copy_from_slice(&line[start..start + n]);
        *pos += n as u64;
        Poll::Ready(Ok(n))
    }

    fn poll_write(&self, _file: &OpenFile, _cx: &mut Context<'_>, _buf: &[u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Err(Errno::EINVAL))
    }

    fn seek(&self, file: &OpenFile, offset: i64, whence: u32) -> KResult<u64> {
        let mut pos = file.pos();
        let at = crate::file::seek_position(*pos, super::FILENT_SIZE, offset, whence)?;
        *pos = at;
        Ok(at)
    }

    fn poll_ready(&self, _file: &OpenFile, cx: Option<&mut Context<'_>>) -> PollEvents {
        self.readiness(cx)
    }

    fn can_poll(&self) -> bool {
        true
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}
