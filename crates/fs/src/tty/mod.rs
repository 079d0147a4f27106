//! The console tty: a [`LineDiscipline`] behind a lock, its readers' wakers,
//! the window size, the foreground process group, and the [`TtyHost`] that
//! connects it to the serial port and to signals.
//!
//! Input arrives through [`Tty::receive`] (the kernel's serial interrupt
//! path); output and echo leave through [`TtyHost::output`]. Readers wait
//! (`Pending`) for a line, or for `VMIN` bytes in non-canonical mode.
//!
//! Job control: `ISIG` characters signal the foreground group through
//! [`TtyHost::signal_foreground`]. Background reads (SIGTTIN) and writes
//! with `TOSTOP` (SIGTTOU) are decided by the host's [`TtyHost::check_read`]
//! and [`TtyHost::check_write`], which know the calling process.
//!
//! Locks: `state` is a leaf; host hooks are called and wakers woken after
//! it is released.

mod ioctl;
pub mod ldisc;
pub mod termios;

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::task::{Context, Poll};

use abi::linux as l;
use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::{FileOps, OpenFile};
use crate::flags::PollEvents;
use crate::user::UserMemory;
use crate::wait::WakerList;

pub use ldisc::{Effects, LineDiscipline};
pub use termios::{Termios, Winsize};

/// What a tty needs from the kernel.
pub trait TtyHost: Send + Sync {
    /// Sends `sig` to process group `pgrp` (the foreground group).
    fn signal_foreground(&self, pgrp: i32, sig: u32);

    /// Writes bytes to the terminal (the serial port).
    fn output(&self, bytes: &[u8]);

    /// Job control before a read, given the foreground group (0 if none):
    /// for a caller in a background group the host sends SIGTTIN and returns
    /// the error to fail the read with (EIO if the signal is ignored or
    /// blocked or the group is orphaned). Default: allow.
    fn check_read(&self, _foreground: i32) -> KResult<()> {
        Ok(())
    }

    /// Job control before a write when `TOSTOP` is set (SIGTTOU). Default: allow.
    fn check_write(&self, _foreground: i32) -> KResult<()> {
        Ok(())
    }

    /// The caller's (session id, process group id), for `TIOCSCTTY`.
    /// Default: unknown (the foreground group is left unchanged).
    fn caller_session(&self) -> Option<(i32, i32)> {
        None
    }
}

struct TtyState {
    ldisc: LineDiscipline,
    winsize: Winsize,
    /// Foreground process group (0: none).
    foreground: i32,
    /// Session that has this tty as controlling terminal (0: none).
    session: i32,
    /// Readers and pollers.
    readers: WakerList,
}

/// A terminal with the N_TTY line discipline.
pub struct Tty {
    /// Lock order: leaf.
    state: SpinLock<TtyState>,
    host: Arc<dyn TtyHost>,
}

impl Tty {
    /// A tty with default settings (cooked, echo, 80x24) talking to `host`.
    pub fn new(host: Arc<dyn TtyHost>) -> Arc<Tty> {
        let state = TtyState {
            ldisc: LineDiscipline::default(),
            winsize: Winsize::default(),
            foreground: 0,
            session: 0,
            readers: WakerList::new(),
        };
        Arc::new(Tty {
            state: SpinLock::new(state),
            host,
        })
    }

    /// Input from the terminal (called from the serial interrupt path).
    pub fn receive(&self, bytes: &[u8]) {
        let mut fx = Effects::default();
        let mut st = self.state.lock();
        st.ldisc.receive(bytes, &mut fx);
        let foreground = st.foreground;
        let mut wake = if fx.wake_readers || !fx.signals.is_empty() {
            st.readers.take()
        } else {
            WakerList::new()
        };
        drop(st);
        if !fx.echo.is_empty() {
            self.host.output(&fx.echo);
        }
        if foreground > 0 {
            for sig in fx.signals {
                self.host.signal_foreground(foreground, sig);
            }
        }
        wake.wake_all();
    }

    /// The current settings.
    pub fn termios(&self) -> Termios {
        *self.state.lock().ldisc.termios()
    }

    /// Changes the settings (`TCSETS`); `flush` discards pending input (`TCSETSF`).
    pub fn set_termios(&self, t: Termios, flush: bool) {
        let mut st = self.state.lock();
        if flush {
            st.ldisc.flush_input();
        }
        st.ldisc.set_termios(t);
        let mut wake = st.readers.take();
        drop(st);
        wake.wake_all();
    }

    /// The foreground process group (0: none).
    pub fn foreground(&self) -> i32 {
        self.state.lock().foreground
    }

    /// Sets the foreground process group (`TIOCSPGRP`; also for the kernel
    /// when it starts init on the console).
    pub fn set_foreground(&self, pgrp: i32) {
        self.state.lock().foreground = pgrp;
    }

    /// The session this is the controlling terminal of (0: none).
    pub fn session(&self) -> i32 {
        self.state.lock().session
    }

    /// Output processing and host output, shared by `write` and the kernel's
    /// own console messages.
    pub fn write_output(&self, buf: &[u8]) {
        let mut out = Vec::with_capacity(buf.len() + buf.len() / 8);
        self.state.lock().ldisc.process_output(buf, &mut out);
        self.host.output(&out);
    }
}

impl FileOps for Tty {
    fn poll_read(
        &self,
        file: &OpenFile,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<KResult<usize>> {
        let foreground = self.foreground();
        if let Err(e) = self.host.check_read(foreground) {
            return Poll::Ready(Err(e));
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let mut st = self.state.lock();
        if let Some(n) = st.ldisc.read(buf) {
            return Poll::Ready(Ok(n));
        }
        if file.is_nonblocking() {
            return Poll::Ready(Err(Errno::EAGAIN));
        }
        st.readers.register(cx.waker());
        Poll::Pending
    }

    fn poll_write(
        &self,
        _file: &OpenFile,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<KResult<usize>> {
        let (tostop, foreground) = {
            let st = self.state.lock();
            (st.ldisc.termios().l(l::TOSTOP), st.foreground)
        };
        if tostop && let Err(e) = self.host.check_write(foreground) {
            return Poll::Ready(Err(e));
        }
        self.write_output(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn can_poll(&self) -> bool {
        true
    }

    fn poll_ready(&self, _file: &OpenFile, cx: Option<&mut Context<'_>>) -> PollEvents {
        let mut st = self.state.lock();
        let mut ev = PollEvents::WRITABLE;
        if st.ldisc.readable() {
            ev |= PollEvents::READABLE;
        }
        if let Some(cx) = cx {
            st.readers.register(cx.waker());
        }
        ev
    }

    fn ioctl(
        &self,
        _file: &OpenFile,
        cmd: u32,
        arg: usize,
        user: &dyn UserMemory,
    ) -> KResult<usize> {
        self.do_ioctl(cmd, arg, user)
    }
}

#[cfg(test)]
mod test;
