//! One direction of a unix socket's data: a bounded queue of messages into
//! the socket that owns it.
//!
//! Every unix socket owns one channel, its receive queue. A connected
//! stream or seqpacket socket writes into its peer's channel; a datagram
//! socket into the channel of whichever socket it sends to. Messages keep
//! their boundaries: a datagram or seqpacket read takes one, a stream read
//! runs on across them (but not past one that carried file descriptors, as
//! Linux's `unix_stream_read_generic` stops there).
//!
//! Lock: `Channel::state` is a leaf; wakers are woken after it is released.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::task::Waker;

use abi::{Errno, KResult};
use ksync::SpinLock;

use super::addr::UnixAddr;
use crate::file::OpenFile;
use crate::wait::WakerList;

/// Bytes a channel holds (Linux's default unix send buffer, 208 KiB).
pub const CAPACITY: usize = 212_992;
/// Messages a datagram channel holds (Linux's `max_dgram_qlen` is 10 for
/// the receiver's backlog; weft queues more and bounds by bytes too).
pub const MAX_MESSAGES: usize = 512;

/// Who sent a message (SCM_CREDENTIALS, SO_PEERCRED).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ucred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}

/// One message.
pub struct Message {
    pub data: Vec<u8>,
    /// Bytes of `data` already read (streams read messages in parts).
    read: usize,
    /// SCM_RIGHTS: open files in flight.
    pub files: Vec<Arc<OpenFile>>,
    pub from: UnixAddr,
    pub cred: Ucred,
}

impl Message {
    pub fn new(data: Vec<u8>, files: Vec<Arc<OpenFile>>, from: UnixAddr, cred: Ucred) -> Self {
        Self { data, read: 0, files, from, cred }
    }

    fn unread(&self) -> &[u8] {
        &self.data[self.read..]
    }
}

/// What a read took.
#[derive(Default)]
pub struct Received {
    /// Bytes copied into the caller's buffer.
    pub len: usize,
    /// The whole message's length (datagrams: for MSG_TRUNC).
    pub full_len: usize,
    pub files: Vec<Arc<OpenFile>>,
    pub from: UnixAddr,
    pub cred: Ucred,
}

#[derive(Default)]
struct State {
    messages: VecDeque<Message>,
    bytes: usize,
    /// No more messages will come (the stream peer closed or shut down
    /// writing): reads drain the queue, then see end of file.
    writers_gone: bool,
    /// The owner closed or shut down reading: writes fail with EPIPE.
    reader_gone: bool,
    readers: WakerList,
    writers: WakerList,
}

#[derive(Default)]
pub struct Channel {
    state: SpinLock<State>,
}

/// Where a write stands.
pub enum Sent {
    /// `n` bytes queued (all of a message; part of a stream write).
    Queued(usize),
    /// No room now; the waker (if any) was registered.
    Full,
}

impl Channel {
    pub fn new() -> Arc<Channel> {
        Arc::default()
    }

    /// Queues `data` with its ancillary `files` (taken only when something
    /// is queued). A stream write (`whole` false) may queue a part; a
    /// datagram or seqpacket message goes whole or not at all (EMSGSIZE if
    /// it could never fit). EPIPE once the reader is gone.
    pub fn send(&self, data: &[u8], files: &mut Vec<Arc<OpenFile>>, whole: bool, from: &UnixAddr, cred: Ucred, waker: Option<&Waker>) -> KResult<Sent> {
        if whole && data.len() > CAPACITY {
            return Err(Errno::EMSGSIZE);
        }
        let mut st = self.state.lock();
        if st.reader_gone {
            return Err(Errno::EPIPE);
        }
        let room = CAPACITY - st.bytes;
        let fits = if whole { data.len() <= room && st.messages.len() < MAX_MESSAGES } else { room > 0 || data.is_empty() };
        if !fits {
            if let Some(w) = waker {
                st.writers.register(w);
            }
            return Ok(Sent::Full);
        }
        let n = if whole { data.len() } else { data.len().min(room) };
        super::gc::sent(files);
        st.messages.push_back(Message::new(data[..n].to_vec(), core::mem::take(files), from.clone(), cred));
        st.bytes += n;
        let mut woken = st.readers.take();
        drop(st);
        woken.wake_all();
        Ok(Sent::Queued(n))
    }

    /// Reads into `buf`: one message (`whole`), or as many bytes as there
    /// are (a stream). `Ok(None)` when there is nothing yet (the waker, if
    /// any, was registered); `Ok(Some(r))` with `r.len == 0` at end of file.
    /// `peek` leaves what it read queued.
    pub fn recv(&self, buf: &mut [u8], whole: bool, peek: bool, waker: Option<&Waker>) -> Option<Received> {
        let mut st = self.state.lock();
        if st.messages.is_empty() {
            if st.writers_gone {
                return Some(Received::default());
            }
            if let Some(w) = waker {
                st.readers.register(w);
            }
            return None;
        }
        let mut out = Received::default();
        if whole {
            let m = st.messages.front().expect("not empty");
            out.full_len = m.data.len();
            out.len = m.data.len().min(buf.len());
            buf[..out.len].copy_from_slice(&m.data[..out.len]);
            out.from = m.from.clone();
            out.cred = m.cred;
            if !peek {
                let m = st.messages.pop_front().expect("not empty");
                st.bytes -= m.data.len();
                super::gc::landed(&m.files);
                out.files = m.files;
            } else {
                out.files = m.files.clone();
            }
        } else {
            let mut i = 0;
            while out.len < buf.len() && i < st.messages.len() {
                let m = &mut st.messages[i];
                if out.len == 0 {
                    out.from = m.from.clone();
                    out.cred = m.cred;
                } else if !m.files.is_empty() {
                    break; // its files go with a read of their own
                }
                let n = m.unread().len().min(buf.len() - out.len);
                buf[out.len..out.len + n].copy_from_slice(&m.unread()[..n]);
                out.len += n;
                let had_files = !m.files.is_empty();
                if peek {
                    out.files.extend(m.files.iter().cloned());
                    i += 1;
                } else {
                    m.read += n;
                    super::gc::landed(&m.files);
                    out.files.append(&mut m.files);
                    if m.read == m.data.len() {
                        st.messages.pop_front();
                    }
                    st.bytes -= n;
                }
                if had_files {
                    break;
                }
            }
            out.full_len = out.len;
        }
        let mut woken = if peek { WakerList::new() } else { st.writers.take() };
        drop(st);
        woken.wake_all();
        Some(out)
    }

    /// Readable now: a message, or end of file.
    pub fn readable(&self, waker: Option<&Waker>) -> bool {
        let mut st = self.state.lock();
        if let Some(w) = waker {
            st.readers.register(w);
        }
        !st.messages.is_empty() || st.writers_gone
    }

    /// Room for a write now (or the reader is gone, so a write would fail
    /// at once).
    pub fn writable(&self, waker: Option<&Waker>) -> bool {
        let mut st = self.state.lock();
        if let Some(w) = waker {
            st.writers.register(w);
        }
        st.reader_gone || (st.bytes < CAPACITY && st.messages.len() < MAX_MESSAGES)
    }

    /// Bytes queued (FIONREAD, SIOCINQ).
    pub fn queued(&self) -> usize {
        self.state.lock().bytes
    }

    /// Whether the writing side is gone (end of file after the queue).
    pub fn writers_gone(&self) -> bool {
        self.state.lock().writers_gone
    }

    /// Whether the reading side is gone (writes get EPIPE).
    pub fn reader_gone(&self) -> bool {
        self.state.lock().reader_gone
    }

    /// The writing side closed or shut down.
    pub fn close_writers(&self) {
        let mut st = self.state.lock();
        st.writers_gone = true;
        let mut woken = st.readers.take();
        drop(st);
        woken.wake_all();
    }

    /// The reading side closed: queued messages (and the files in them) are
    /// dropped, writers are told. Returns the dropped messages so that the
    /// files in flight are released outside the lock.
    pub fn close_reader(&self) -> Vec<Message> {
        let mut st = self.state.lock();
        st.reader_gone = true;
        st.bytes = 0;
        let dropped: Vec<Message> = st.messages.drain(..).collect();
        for m in &dropped {
            super::gc::landed(&m.files);
        }
        let mut woken = st.writers.take();
        woken.append(st.readers.take());
        drop(st);
        woken.wake_all();
        dropped
    }

    /// The files of every queued message (for the collector).
    pub(crate) fn files_in_flight(&self) -> Vec<Arc<OpenFile>> {
        self.state.lock().messages.iter().flat_map(|m| m.files.iter().cloned()).collect()
    }

    /// The collector found the owner unreachable: drops the queue. Returns
    /// the messages, to be dropped after every lock is released.
    pub(crate) fn purge(&self) -> Vec<Message> {
        let mut st = self.state.lock();
        st.bytes = 0;
        let purged: Vec<Message> = st.messages.drain(..).collect();
        for m in &purged {
            super::gc::landed(&m.files);
        }
        purged
    }

    /// Reading shut down (SHUT_RD): writes fail, reads drain what is
    /// queued and then see end of file.
    pub fn shut_reader(&self) {
        let mut st = self.state.lock();
        st.reader_gone = true;
        st.writers_gone = true;
        let mut woken = st.writers.take();
        woken.append(st.readers.take());
        drop(st);
        woken.wake_all();
    }
}
