use alloc::sync::Arc;
use alloc::vec;
use core::task::Poll;

use super::*;
use crate::file::OpenFile;
use crate::flags::{OpenFlags, PollEvents};
use crate::test_util::{VecUserMemory, poll_once, ready};

fn pipe() -> (Arc<OpenFile>, Arc<OpenFile>) {
    new_pipe(OpenFlags::empty(), 0, 0)
}

#[test]
fn write_then_read() {
    let (r, w) = pipe();
    assert_eq!(ready(|cx| w.poll_write(cx, b"hello")), Ok(5));
    let mut buf = [0u8; 16];
    assert_eq!(ready(|cx| r.poll_read(cx, &mut buf)), Ok(5));
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(r.metadata().file_type(), crate::types::FileType::Fifo);
    assert_eq!(ready(|cx| r.poll_write(cx, b"x")), Err(Errno::EBADF));
    assert_eq!(r.pread(0, &mut buf), Err(Errno::ESPIPE));
    assert_eq!(r.seek(0, 0), Err(Errno::ESPIPE));
}

#[test]
fn read_waits_then_is_woken_by_write() {
    let (r, w) = pipe();
    let mut buf = [0u8; 4];
    let (p, waker) = poll_once(|cx| r.poll_read(cx, &mut buf));
    assert_eq!(p, Poll::Pending);
    assert_eq!(waker.count(), 0);
    ready(|cx| w.poll_write(cx, b"ab")).unwrap();
    assert_eq!(waker.count(), 1);
    assert_eq!(ready(|cx| r.poll_read(cx, &mut buf)), Ok(2));
}

#[test]
fn eof_when_writers_gone() {
    let (r, w) = pipe();
    let mut buf = [0u8; 4];
    let (p, waker) = poll_once(|cx| r.poll_read(cx, &mut buf));
    assert!(p.is_pending());
    ready(|cx| w.poll_write(cx, b"z")).unwrap();
    drop(w);
    assert!(waker.count() >= 1);
    assert_eq!(ready(|cx| r.poll_read(cx, &mut buf)), Ok(1), "data first");
    assert_eq!(ready(|cx| r.poll_read(cx, &mut buf)), Ok(0), "then EOF");
    assert!(r.poll_ready(None).contains(PollEvents::HUP));
}

#[test]
fn epipe_when_readers_gone() {
    let (r, w) = pipe();
    drop(r);
    assert_eq!(ready(|cx| w.poll_write(cx, b"x")), Err(Errno::EPIPE));
    assert!(w.poll_ready(None).contains(PollEvents::ERR));
    assert_eq!(ready(|cx| w.poll_write(cx, b"")), Ok(0));
}

#[test]
fn nonblocking_gives_eagain() {
    let (r, w) = new_pipe(OpenFlags::NONBLOCK, 0, 0);
    let mut buf = [0u8; 4];
    assert_eq!(ready(|cx| r.poll_read(cx, &mut buf)), Err(Errno::EAGAIN));
    let big = vec![7u8; PIPE_CAPACITY];
    assert_eq!(ready(|cx| w.poll_write(cx, &big)), Ok(PIPE_CAPACITY));
    assert_eq!(ready(|cx| w.poll_write(cx, b"x")), Err(Errno::EAGAIN));
    assert!(!w.poll_ready(None).contains(PollEvents::OUT));
}

#[test]
fn large_write_is_partial_when_full() {
    let (r, w) = pipe();
    let big = vec![1u8; PIPE_CAPACITY + 100];
    assert_eq!(ready(|cx| w.poll_write(cx, &big)), Ok(PIPE_CAPACITY));
    let (p, waker) = poll_once(|cx| w.poll_write(cx, &big[..100]));
    assert!(p.is_pending());
    let mut buf = vec![0u8; 50];
    assert_eq!(ready(|cx| r.poll_read(cx, &mut buf)), Ok(50));
    assert_eq!(waker.count(), 1);
    // Every buffer still in use (Linux counts buffers, not bytes): a
    // 100-byte (atomic) write and a large one both wait...
    assert!(poll_once(|cx| w.poll_write(cx, &big[..100])).0.is_pending());
    let large = vec![2u8; 2 * PIPE_BUF + 1];
    assert!(poll_once(|cx| w.poll_write(cx, &large)).0.is_pending());
    // ...until the first buffer is drained; then the large one takes a page.
    let mut page = vec![0u8; PIPE_BUF - 50];
    assert_eq!(ready(|cx| r.poll_read(cx, &mut page)), Ok(PIPE_BUF - 50));
    assert_eq!(ready(|cx| w.poll_write(cx, &large)), Ok(PIPE_BUF));
}

#[test]
fn packet_mode_reads_one_packet_and_drops_its_rest() {
    let (r, w) = pipe();
    w.set_status_flags(w.flags() | OpenFlags::DIRECT);
    assert_eq!(ready(|cx| w.poll_write(cx, b"hello")), Ok(5));
    assert_eq!(ready(|cx| w.poll_write(cx, b"world")), Ok(5));
    let mut buf = [0u8; 3];
    assert_eq!(ready(|cx| r.poll_read(cx, &mut buf)), Ok(3));
    assert_eq!(&buf, b"hel");
    let mut buf = [0u8; 16];
    assert_eq!(ready(|cx| r.poll_read(cx, &mut buf)), Ok(5));
    assert_eq!(&buf[..5], b"world");
}

#[test]
fn set_size_rounds_and_refuses_shrinking_below_contents() {
    let (r, w) = pipe();
    let pipe = r.ops().as_any().unwrap().downcast_ref::<PipeOps>().unwrap().pipe().clone();
    assert_eq!(pipe.set_size(5000, false), Ok(8192));
    assert_eq!(pipe.set_size(0, false), Ok(4096));
    assert_eq!(pipe.set_size((1 << 31) + 1, true), Err(Errno::EINVAL));
    assert_eq!(pipe.set_size(1 << 21, false), Err(Errno::EPERM));
    assert_eq!(pipe.set_size(1 << 21, true), Ok(1 << 21));
    let data = vec![0u8; 3 * 4096];
    assert_eq!(ready(|cx| w.poll_write(cx, &data)), Ok(data.len()));
    assert_eq!(pipe.set_size(8192, true), Err(Errno::EBUSY));
    assert_eq!(pipe.set_size(16384, false), Ok(16384));
    assert_eq!(pipe.size(), 16384);
}

#[test]
fn small_writes_are_atomic_with_interleaved_writers() {
    // Two writers alternate PIPE_BUF-sized records into a pipe that a reader
    // drains in odd-sized chunks; every record must come out whole.
    let (r, w1) = pipe();
    let w2 = w1.clone();
    let rec = |id: u8| vec![id; PIPE_BUF];
    let mut pending: [usize; 2] = [20, 20];
    let mut out = alloc::vec::Vec::new();
    let mut buf = vec![0u8; 3001];
    while pending.iter().any(|&n| n > 0) {
        for (i, w) in [&w1, &w2].into_iter().enumerate() {
            if pending[i] == 0 {
                continue;
            }
            match poll_once(|cx| w.poll_write(cx, &rec(b'a' + i as u8))).0 {
                Poll::Ready(n) => {
                    assert_eq!(n, Ok(PIPE_BUF), "never partial");
                    pending[i] -= 1;
                }
                Poll::Pending => {}
            }
        }
        if let Poll::Ready(n) = poll_once(|cx| r.poll_read(cx, &mut buf)).0 {
            out.extend_from_slice(&buf[..n.unwrap()]);
        }
    }
    drop((w1, w2));
    loop {
        let n = ready(|cx| r.poll_read(cx, &mut buf)).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    assert_eq!(out.len(), 40 * PIPE_BUF);
    for chunk in out.chunks(PIPE_BUF) {
        assert!(chunk.iter().all(|&b| b == chunk[0]), "record interleaved");
    }
}

#[test]
fn readiness_and_fionread() {
    let (r, w) = pipe();
    assert_eq!(r.poll_ready(None), PollEvents::empty());
    assert_eq!(w.poll_ready(None), PollEvents::WRITABLE);
    let (_, waker) = poll_once(|cx| Poll::Ready(r.poll_ready(Some(cx))));
    ready(|cx| w.poll_write(cx, b"abc")).unwrap();
    assert_eq!(waker.count(), 1, "poll waiter woken by data");
    assert_eq!(r.poll_ready(None), PollEvents::READABLE);
    let mem = VecUserMemory::new(8);
    r.ioctl(abi::ioctl::FIONREAD, 4, &mem).unwrap();
    assert_eq!(mem.0.lock()[4..8], 3i32.to_ne_bytes());
}

#[test]
fn fifo_open_waits_for_partner() {
    let pipe = Arc::new(Pipe::new());
    let loc = crate::test_util::new_root();
    // Nonblocking writer without readers: ENXIO.
    assert_eq!(
        pipe.open_fifo(OpenFlags::WRONLY | OpenFlags::NONBLOCK)
            .err(),
        Some(Errno::ENXIO)
    );
    let r_ops = pipe.open_fifo(OpenFlags::empty()).unwrap();
    let reader = OpenFile::new(r_ops, loc.clone(), OpenFlags::empty());
    let (p, waker) = poll_once(|cx| reader.ops().poll_open(&reader, cx));
    assert!(p.is_pending(), "reader waits for a writer");
    let w_ops = pipe.open_fifo(OpenFlags::WRONLY).unwrap();
    assert_eq!(waker.count(), 1);
    let writer = OpenFile::new(w_ops, loc, OpenFlags::WRONLY);
    assert!(ready(|cx| reader.ops().poll_open(&reader, cx)).is_ok());
    assert!(ready(|cx| writer.ops().poll_open(&writer, cx)).is_ok());
    assert_eq!(pipe.end_counts(), (1, 1));
    drop(writer);
    assert_eq!(pipe.end_counts(), (1, 0));
}
