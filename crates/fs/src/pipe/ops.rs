//! [`PipeOps`]: the file operations of one opened pipe or fifo end.

use alloc::sync::Arc;
use core::task::{Context, Poll};

use abi::{Errno, KResult};

use super::{PIPE_BUF, Pipe};
use crate::file::{FileOps, OpenFile};
use crate::flags::OpenFlags;
use crate::flags::PollEvents;
use crate::user::UserMemory;
use crate::wait::WakerList;

/// One open end: read side, write side, or both (a fifo opened `O_RDWR`).
pub struct PipeOps {
    pipe: Arc<Pipe>,
    read: bool,
    write: bool,
    /// `read_opens` when this end was opened (a fifo writer waits for more).
    read_opens_at_open: u64,
    /// `write_opens` when this end was opened (a fifo reader waits for more;
    /// `POLLHUP` is reported only once a writer came after this open).
    write_opens_at_open: u64,
}

impl PipeOps {
    pub(super) fn new(
        pipe: Arc<Pipe>,
        read: bool,
        write: bool,
        read_opens: u64,
        write_opens: u64,
    ) -> PipeOps {
        // The counts include this end's own open: an end never waits for itself.
        PipeOps {
            pipe,
            read,
            write,
            read_opens_at_open: read_opens,
            write_opens_at_open: write_opens,
        }
    }

    /// The pipe this end belongs to.
    pub fn pipe(&self) -> &Arc<Pipe> {
        &self.pipe
    }
}

impl FileOps for PipeOps {
    fn poll_read(
        &self,
        file: &OpenFile,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<KResult<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let mut st = self.pipe.state.lock();
        if !st.buf.is_empty() {
            let n = st.buf.read(buf);
            let mut wake = st.write_waiters.take();
            drop(st);
            wake.wake_all();
            return Poll::Ready(Ok(n));
        }
        if st.writers == 0 {
            return Poll::Ready(Ok(0));
        }
        if file.is_nonblocking() {
            return Poll::Ready(Err(Errno::EAGAIN));
        }
        st.read_waiters.register(cx.waker());
        Poll::Pending
    }

    fn poll_write(
        &self,
        file: &OpenFile,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<KResult<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let mut st = self.pipe.state.lock();
        if st.readers == 0 {
            return Poll::Ready(Err(Errno::EPIPE));
        }
        // Linux is_packetized: the writer's O_DIRECT makes each page a packet.
        let packet = file.flags().contains(OpenFlags::DIRECT);
        // Atomic writes wait for room for all of it; larger ones take what fits.
        let room = if buf.len() <= PIPE_BUF { st.buf.fits_atomic(buf.len(), packet) } else { !st.buf.is_full() };
        let n = if room { st.buf.write(buf, packet) } else { 0 };
        if n == 0 && room {
            // Room in the pipe, but no memory for the buffer.
            return Poll::Ready(Err(Errno::ENOMEM));
        }
        if n == 0 {
            if file.is_nonblocking() {
                return Poll::Ready(Err(Errno::EAGAIN));
            }
            st.write_waiters.register(cx.waker());
            return Poll::Pending;
        }
        let mut wake = st.read_waiters.take();
        drop(st);
        wake.wake_all();
        Poll::Ready(Ok(n))
    }

    fn can_poll(&self) -> bool {
        true
    }

    fn poll_ready(&self, _file: &OpenFile, cx: Option<&mut Context<'_>>) -> PollEvents {
        let mut st = self.pipe.state.lock();
        let mut ev = PollEvents::empty();
        if self.read {
            if !st.buf.is_empty() {
                ev |= PollEvents::READABLE;
            }
            if st.writers == 0 && st.write_opens != self.write_opens_at_open {
                ev |= PollEvents::HUP;
            }
        }
        if self.write {
            // Linux pipe_poll: writable while a buffer is free.
            if !st.buf.is_full() {
                ev |= PollEvents::WRITABLE;
            }
            if st.readers == 0 {
                ev |= PollEvents::ERR;
            }
        }
        if let Some(cx) = cx {
            if self.read {
                st.read_waiters.register(cx.waker());
            }
            if self.write {
                st.write_waiters.register(cx.waker());
            }
        }
        ev
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }

    fn ioctl(
        &self,
        _file: &OpenFile,
        cmd: u32,
        arg: usize,
        user: &dyn UserMemory,
    ) -> KResult<usize> {
        match cmd {
            abi::ioctl::FIONREAD => {
                let n = self.pipe.len();
                user.write_i32(arg, n as i32)?;
                Ok(0)
            }
            _ => Err(Errno::ENOTTY),
        }
    }

    fn poll_open(&self, file: &OpenFile, cx: &mut Context<'_>) -> Poll<KResult<()>> {
        if self.read && self.write || file.is_nonblocking() {
            return Poll::Ready(Ok(()));
        }
        let mut st = self.pipe.state.lock();
        if self.read {
            if st.writers > 0 || st.write_opens != self.write_opens_at_open {
                return Poll::Ready(Ok(()));
            }
            st.read_waiters.register(cx.waker());
        } else {
            if st.readers > 0 || st.read_opens != self.read_opens_at_open {
                return Poll::Ready(Ok(()));
            }
            st.write_waiters.register(cx.waker());
        }
        Poll::Pending
    }

    fn release(&self, _file: &OpenFile) {
        let mut st = self.pipe.state.lock();
        let mut wake = WakerList::new();
        if self.read {
            st.readers -= 1;
            wake.append(st.write_waiters.take());
        }
        if self.write {
            st.writers -= 1;
            wake.append(st.read_waiters.take());
        }
        drop(st);
        wake.wake_all();
    }
}
