//! signalfd: pending signals read as a file (signalfd(2)).
//!
//! Like Linux's, a signalfd has no queue of its own: a read takes, from the
//! *reading* thread's pending signals and then its process's, those in the
//! signalfd's mask (the signals are normally blocked, so no handler takes
//! them first), and returns them as `struct signalfd_siginfo`. So a forked
//! child reading an inherited signalfd gets the child's signals, and an
//! execve'd program keeps reading through its fd. Senders wake the process's
//! `signalfd_waiters` on every signal they queue.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll};

use abi::{Errno, KResult};
use fs::{FileOps, OpenFile, OpenFlags, PollEvents};

use crate::process::{Thread, current_thread};
use crate::signal::{SigInfo, SigSet};

/// `sizeof(struct signalfd_siginfo)`.
pub const SIGINFO_SIZE: usize = 128;

pub struct SignalFd {
    /// The signals it reads (SIGKILL and SIGSTOP never: Linux drops them).
    mask: AtomicU64,
}

impl SignalFd {
    pub fn new_file(mask: SigSet, flags: OpenFlags) -> Arc<OpenFile> {
        let ops = Arc::new(SignalFd { mask: AtomicU64::new(mask.blockable().0) });
        fs::event::anon_file(ops, "[signalfd]", flags | OpenFlags::RDWR)
    }

    /// `signalfd(fd, mask)` on an existing signalfd replaces its mask.
    pub fn set_mask(&self, mask: SigSet) {
        self.mask.store(mask.blockable().0, Ordering::Relaxed);
    }

    fn mask(&self) -> SigSet {
        SigSet(self.mask.load(Ordering::Relaxed))
    }

    /// Takes one pending signal of the mask, the thread's own first.
    fn take(&self, thread: &Thread) -> Option<SigInfo> {
        let others = SigSet(!self.mask().0);
        let mut info = thread.signals.pending.lock().dequeue(others).or_else(|| thread.process().shared_pending.lock().dequeue(others))?;
        crate::process::posix_timer::complete_timer_signal(thread.process(), &mut info);
        Some(info)
    }

    fn pending(&self, thread: &Thread) -> bool {
        let pending = thread.signals.pending.lock().set().union(thread.process().shared_pending.lock().set());
        !pending.intersect(self.mask()).is_empty()
    }
}

impl FileOps for SignalFd {
    fn poll_read(&self, file: &OpenFile, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<KResult<usize>> {
        if buf.len() < SIGINFO_SIZE {
            return Poll::Ready(Err(Errno::EINVAL));
        }
        // Only a user thread reads files.
        let Some(thread) = current_thread() else { return Poll::Ready(Err(Errno::EINVAL)) };
        // Register before looking: a signal queued after the look wakes us.
        if !file.is_nonblocking() {
            thread.process().signalfd_waiters.lock().register(cx.waker());
        }
        let mut n = 0;
        while n + SIGINFO_SIZE <= buf.len() {
            let Some(info) = self.take(&thread) else { break };
            buf[n..n + SIGINFO_SIZE].copy_from_slice(&info.to_signalfd_bytes());
            n += SIGINFO_SIZE;
        }
        match n {
            0 if file.is_nonblocking() => Poll::Ready(Err(Errno::EAGAIN)),
            0 => Poll::Pending,
            n => Poll::Ready(Ok(n)),
        }
    }

    fn poll_write(&self, _file: &OpenFile, _cx: &mut Context<'_>, _buf: &[u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Err(Errno::EINVAL))
    }

    fn poll_ready(&self, _file: &OpenFile, cx: Option<&mut Context<'_>>) -> PollEvents {
        let Some(thread) = current_thread() else { return PollEvents::empty() };
        if let Some(cx) = cx {
            thread.process().signalfd_waiters.lock().register(cx.waker());
        }
        if self.pending(&thread) { PollEvents::READABLE } else { PollEvents::empty() }
    }

    fn can_poll(&self) -> bool {
        true
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }
}
