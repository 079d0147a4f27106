use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::task::Poll;

use super::*;
use crate::dev::{self, SharedOps, numbers};
use crate::flags::OpenFlags;
use crate::test_util::{VecUserMemory, new_root, poll_once, ready, root_resolver};

#[derive(Default)]
struct RecordingHost {
    out: SpinLock<Vec<u8>>,
    signals: SpinLock<Vec<(i32, u32)>>,
    deny_read: SpinLock<Option<Errno>>,
}

impl TtyHost for RecordingHost {
    fn signal_foreground(&self, pgrp: i32, sig: u32) {
        self.signals.lock().push((pgrp, sig));
    }
    fn output(&self, bytes: &[u8]) {
        self.out.lock().extend_from_slice(bytes);
    }
    fn check_read(&self, _fg: i32) -> KResult<()> {
        match *self.deny_read.lock() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
    fn caller_session(&self) -> Option<(i32, i32)> {
        Some((7, 8))
    }
}

fn console() -> (Arc<Tty>, Arc<RecordingHost>, Arc<OpenFile>) {
    let host = Arc::new(RecordingHost::default());
    let tty = Tty::new(host.clone());
    // Private device number so parallel tests do not share the console.
    let id = crate::types::DevId::new(240, crate::hooks::alloc_ino() as u32);
    dev::register_char_device(id, Arc::new(SharedOps(tty.clone())));
    let root = new_root();
    let r = root_resolver(&root);
    r.mknod(None, b"/console", abi::linux::S_IFCHR | 0o600, id)
        .unwrap();
    let f = r.open(None, b"/console", OpenFlags::RDWR, 0).unwrap();
    let _ = numbers::CONSOLE;
    (tty, host, f)
}

#[test]
fn reader_waits_for_a_line() {
    let (tty, host, f) = console();
    let mut buf = [0u8; 32];
    let (p, waker) = poll_once(|cx| f.poll_read(cx, &mut buf));
    assert_eq!(p, Poll::Pending);
    tty.receive(b"ab");
    assert_eq!(waker.count(), 0, "no line yet");
    tty.receive(b"\r");
    assert_eq!(waker.count(), 1);
    assert_eq!(ready(|cx| f.poll_read(cx, &mut buf)), Ok(3));
    assert_eq!(&buf[..3], b"ab\n");
    assert_eq!(*host.out.lock(), b"ab\r\n");
    assert_eq!(f.pread(0, &mut buf), Err(Errno::ESPIPE));
}

#[test]
fn write_maps_newlines() {
    let (_tty, host, f) = console();
    assert_eq!(ready(|cx| f.poll_write(cx, b"a\nb")), Ok(3));
    assert_eq!(*host.out.lock(), b"a\r\nb");
}

#[test]
fn signals_go_to_foreground_group() {
    let (tty, host, f) = console();
    let mut buf = [0u8; 8];
    let (_, waker) = poll_once(|cx| f.poll_read(cx, &mut buf));
    tty.receive(b"\x03");
    assert!(host.signals.lock().is_empty(), "no foreground group yet");
    let mem = VecUserMemory::new(64);
    mem.write(0, &42i32.to_ne_bytes()).unwrap();
    f.ioctl(abi::ioctl::TIOCSPGRP, 0, &mem).unwrap();
    tty.receive(b"\x03\x1a");
    assert_eq!(
        *host.signals.lock(),
        vec![(42, abi::linux::SIGINT), (42, abi::linux::SIGTSTP)]
    );
    assert!(waker.count() >= 1);
    f.ioctl(abi::ioctl::TIOCGPGRP, 8, &mem).unwrap();
    assert_eq!(mem.0.lock()[8..12], 42i32.to_ne_bytes());
}

#[test]
fn termios_ioctls_round_trip() {
    let (tty, _host, f) = console();
    let mem = VecUserMemory::new(128);
    f.ioctl(abi::ioctl::TCGETS, 0, &mem).unwrap();
    let mut t = tty.termios().decode(&mem.0.lock()[..termios::TERMIOS_SIZE]);
    assert_eq!(t, tty.termios());
    t.lflag &= !abi::linux::ICANON;
    mem.write(0, &t.encode()).unwrap();
    f.ioctl(abi::ioctl::TCSETSW, 0, &mem).unwrap();
    assert!(!tty.termios().l(abi::linux::ICANON));
    f.ioctl(abi::ioctl::TCGETS2, 64, &mem).unwrap();
    assert_eq!(mem.0.lock()[64 + 36..64 + 40], 38400u32.to_ne_bytes());
    // Winsize: default 80x24, set, SIGWINCH only with a foreground group.
    f.ioctl(abi::ioctl::TIOCGWINSZ, 0, &mem).unwrap();
    assert_eq!(mem.0.lock()[..4], [24, 0, 80, 0]);
    mem.write(0, &[50, 0, 132, 0, 0, 0, 0, 0]).unwrap();
    f.ioctl(abi::ioctl::TIOCSWINSZ, 0, &mem).unwrap();
    f.ioctl(abi::ioctl::TIOCGWINSZ, 16, &mem).unwrap();
    assert_eq!(mem.0.lock()[16..20], [50, 0, 132, 0]);
    assert_eq!(f.ioctl(0x1234, 0, &mem), Err(Errno::ENOTTY));
}

#[test]
fn fionread_flush_and_nonblock() {
    let (tty, _host, f) = console();
    let mem = VecUserMemory::new(16);
    tty.receive(b"abc\n");
    f.ioctl(abi::ioctl::FIONREAD, 0, &mem).unwrap();
    assert_eq!(mem.0.lock()[..4], 4i32.to_ne_bytes());
    assert!(f.poll_ready(None).contains(PollEvents::IN));
    f.ioctl(abi::ioctl::TCFLSH, abi::linux::TCIFLUSH as usize, &mem)
        .unwrap();
    assert!(!f.poll_ready(None).contains(PollEvents::IN));
    f.set_status_flags(OpenFlags::NONBLOCK);
    assert_eq!(
        ready(|cx| f.poll_read(cx, &mut [0u8; 4])),
        Err(Errno::EAGAIN)
    );
}

#[test]
fn sctty_and_job_control_hook() {
    let (tty, host, f) = console();
    let mem = VecUserMemory::new(16);
    f.ioctl(abi::ioctl::TIOCSCTTY, 0, &mem).unwrap();
    assert_eq!((tty.session(), tty.foreground()), (7, 8));
    f.ioctl(abi::ioctl::TIOCGSID, 0, &mem).unwrap();
    assert_eq!(mem.0.lock()[..4], 7i32.to_ne_bytes());
    *host.deny_read.lock() = Some(Errno::EIO);
    assert_eq!(ready(|cx| f.poll_read(cx, &mut [0u8; 4])), Err(Errno::EIO));
}

#[test]
fn poll_waiter_woken_by_input() {
    let (tty, _host, f) = console();
    let (_, waker) = poll_once(|cx| Poll::Ready(f.poll_ready(Some(cx))));
    tty.receive(b"x\n");
    assert_eq!(waker.count(), 1);
}
