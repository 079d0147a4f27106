//! pidfd: a process as a file (pidfd_open(2), CLONE_PIDFD).
//!
//! The file holds the process; it becomes readable when the process has
//! exited (every thread gone: a zombie or already reaped), which the exit
//! path announces by waking `Process::exit_waiters`. Signals go to it with
//! pidfd_send_signal, its fds can be duplicated with pidfd_getfd, and
//! waitid(P_PIDFD) waits for it. A pid reused after the process is reaped
//! cannot be reached through the pidfd: it names the process, not the
//! number.

use alloc::sync::Arc;
use core::task::{Context, Poll};

use abi::{Errno, KResult};
use fs::{FileOps, OpenFile, OpenFlags, PollEvents};

use crate::process::Process;

pub struct PidFd {
    process: Arc<Process>,
}

impl PidFd {
    /// A pidfd for `process`; `flags` may hold O_NONBLOCK (PIDFD_NONBLOCK:
    /// waitid(P_PIDFD) then returns EAGAIN instead of waiting).
    pub fn new_file(process: Arc<Process>, flags: OpenFlags) -> Arc<OpenFile> {
        fs::event::anon_file(Arc::new(PidFd { process }), "[pidfd]", flags | OpenFlags::RDWR)
    }

    /// The process behind `file`, if it is a pidfd.
    pub fn process_of(file: &OpenFile) -> Option<Arc<Process>> {
        file.ops().as_any()?.downcast_ref::<PidFd>().map(|p| p.process.clone())
    }
}

impl FileOps for PidFd {
    fn poll_read(&self, _file: &OpenFile, _cx: &mut Context<'_>, _buf: &mut [u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Err(Errno::EINVAL))
    }

    fn poll_write(&self, _file: &OpenFile, _cx: &mut Context<'_>, _buf: &[u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Err(Errno::EINVAL))
    }

    fn poll_ready(&self, _file: &OpenFile, cx: Option<&mut Context<'_>>) -> PollEvents {
        // Registered before the look: the exit path empties the thread list
        // and then wakes the list.
        if let Some(cx) = cx {
            self.process.exit_waiters.lock().register(cx.waker());
        }
        if self.process.thread_count() == 0 { PollEvents::READABLE } else { PollEvents::empty() }
    }

    fn can_poll(&self) -> bool {
        true
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }
}
