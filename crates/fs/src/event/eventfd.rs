//! eventfd: a 64-bit counter as a file (eventfd(2)).
//!
//! A write adds its 8-byte value to the counter; a read returns the counter
//! and resets it to 0, or, in semaphore mode (`EFD_SEMAPHORE`), returns 1
//! and decrements it. A read of a zero counter waits (EAGAIN when
//! non-blocking); a write that would take the counter past
//! `u64::MAX - 1` waits until a read makes room. Readable while the counter
//! is non-zero, writable while at least 1 can be added.

use alloc::sync::Arc;
use core::task::{Context, Poll};

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::{FileOps, OpenFile};
use crate::flags::{OpenFlags, PollEvents};
use crate::wait::WakerList;

/// The largest value the counter holds.
const MAX: u64 = u64::MAX - 1;

pub struct EventFd {
    semaphore: bool,
    /// Lock order: leaf (wakers are woken after it is released).
    state: SpinLock<State>,
}

struct State {
    count: u64,
    readers: WakerList,
    writers: WakerList,
}

impl EventFd {
    /// `eventfd2(initval, flags)`: `flags` is the file's status flags
    /// (`O_NONBLOCK`); `semaphore` is `EFD_SEMAPHORE`.
    pub fn new_file(initval: u32, semaphore: bool, flags: OpenFlags) -> Arc<OpenFile> {
        let ops = Arc::new(EventFd {
            semaphore,
            state: SpinLock::new(State { count: initval as u64, readers: WakerList::new(), writers: WakerList::new() }),
        });
        super::anon_file(ops, "[eventfd]", flags | OpenFlags::RDWR)
    }
}

impl FileOps for EventFd {
    fn poll_read(&self, file: &OpenFile, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<KResult<usize>> {
        if buf.len() < 8 {
            return Poll::Ready(Err(Errno::EINVAL));
        }
        let mut st = self.state.lock();
        if st.count == 0 {
            if file.is_nonblocking() {
                return Poll::Ready(Err(Errno::EAGAIN));
            }
            st.readers.register(cx.waker());
            return Poll::Pending;
        }
        let value = if self.semaphore { 1 } else { st.count };
        st.count -= value;
        let mut woken = st.writers.take();
        drop(st);
        woken.wake_all();
        buf[..8].copy_from_slice(&value.to_ne_bytes());
        Poll::Ready(Ok(8))
    }

    fn poll_write(&self, file: &OpenFile, cx: &mut Context<'_>, buf: &[u8]) -> Poll<KResult<usize>> {
        let Some(bytes) = buf.get(..8) else { return Poll::Ready(Err(Errno::EINVAL)) };
        let value = u64::from_ne_bytes(bytes.try_into().expect("8 bytes"));
        if value == u64::MAX {
            return Poll::Ready(Err(Errno::EINVAL));
        }
        let mut st = self.state.lock();
        if value > MAX - st.count {
            if file.is_nonblocking() {
                return Poll::Ready(Err(Errno::EAGAIN));
            }
            st.writers.register(cx.waker());
            return Poll::Pending;
        }
        st.count += value;
        let mut woken = if value > 0 { st.readers.take() } else { WakerList::new() };
        drop(st);
        woken.wake_all();
        Poll::Ready(Ok(8))
    }

    fn writes_records(&self) -> bool {
        true
    }

    fn poll_ready(&self, _file: &OpenFile, cx: Option<&mut Context<'_>>) -> PollEvents {
        let mut st = self.state.lock();
        let mut ev = PollEvents::empty();
        if st.count > 0 {
            ev |= PollEvents::READABLE;
        }
        if st.count < MAX {
            ev |= PollEvents::WRITABLE;
        }
        if let Some(cx) = cx {
            st.readers.register(cx.waker());
            st.writers.register(cx.waker());
        }
        ev
    }

    fn can_poll(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod test {
    use core::task::{Context, Poll, Waker};

    use super::*;
    use crate::test_util::CountingWaker;

    fn read(f: &OpenFile, cx: &mut Context<'_>) -> Poll<KResult<u64>> {
        let mut buf = [0u8; 8];
        f.poll_read(cx, &mut buf).map(|r| r.map(|_| u64::from_ne_bytes(buf)))
    }

    fn write(f: &OpenFile, cx: &mut Context<'_>, v: u64) -> Poll<KResult<usize>> {
        f.poll_write(cx, &v.to_ne_bytes())
    }

    #[test]
    fn counter_adds_writes_and_a_read_takes_all() {
        let f = EventFd::new_file(3, false, OpenFlags::empty());
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(write(&f, &mut cx, 4), Poll::Ready(Ok(8)));
        assert_eq!(read(&f, &mut cx), Poll::Ready(Ok(7)));
        assert!(read(&f, &mut cx).is_pending(), "empty: the read waits");
    }

    #[test]
    fn semaphore_mode_reads_one_at_a_time() {
        let f = EventFd::new_file(2, true, OpenFlags::NONBLOCK);
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(read(&f, &mut cx), Poll::Ready(Ok(1)));
        assert_eq!(read(&f, &mut cx), Poll::Ready(Ok(1)));
        assert_eq!(read(&f, &mut cx), Poll::Ready(Err(Errno::EAGAIN)));
    }

    #[test]
    fn overflow_waits_and_bad_values_are_einval() {
        let f = EventFd::new_file(0, false, OpenFlags::NONBLOCK);
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(write(&f, &mut cx, u64::MAX), Poll::Ready(Err(Errno::EINVAL)));
        assert_eq!(write(&f, &mut cx, u64::MAX - 1), Poll::Ready(Ok(8)));
        assert_eq!(write(&f, &mut cx, 1), Poll::Ready(Err(Errno::EAGAIN)));
        assert_eq!(f.poll_ready(None), PollEvents::READABLE, "full: not writable");
        assert_eq!(f.poll_write(&mut cx, &[0; 4]), Poll::Ready(Err(Errno::EINVAL)));
        let mut small = [0u8; 4];
        assert_eq!(f.poll_read(&mut cx, &mut small), Poll::Ready(Err(Errno::EINVAL)));
    }

    #[test]
    fn a_write_wakes_a_waiting_reader() {
        let f = EventFd::new_file(0, false, OpenFlags::empty());
        let counter = CountingWaker::new();
        let waker = counter.waker();
        let mut cx = Context::from_waker(&waker);
        assert!(read(&f, &mut cx).is_pending());
        let mut other = Context::from_waker(Waker::noop());
        assert_eq!(write(&f, &mut other, 1), Poll::Ready(Ok(8)));
        assert_eq!(counter.count(), 1);
        assert_eq!(read(&f, &mut cx), Poll::Ready(Ok(1)));
    }
}
