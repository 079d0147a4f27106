use alloc::vec;
use alloc::vec::Vec;
use core::task::{Context, Poll, Waker};

use super::*;
use crate::test_util::{new_root, root_resolver};

const CRED: Ucred = Ucred { pid: 7, uid: 0, gid: 0 };

fn cx() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

fn sock(f: &Arc<OpenFile>) -> &UnixSocket {
    UnixSocket::of(f).unwrap()
}

fn send(f: &Arc<OpenFile>, data: &[u8], r: &Resolver<'_>) -> Poll<KResult<usize>> {
    { let _ = r; sock(f).poll_send(data, &mut Vec::new(), None, CRED, true, &mut cx()) }
}

fn recv(f: &Arc<OpenFile>, n: usize) -> Poll<KResult<Vec<u8>>> {
    let mut buf = vec![0u8; n];
    sock(f).poll_recv(&mut buf, false, true, &mut cx()).map(|r| {
        r.map(|r| {
            buf.truncate(r.len);
            buf
        })
    })
}

#[test]
fn a_stream_pair_carries_bytes_both_ways_and_sees_eof() {
    let root = new_root();
    let r = root_resolver(&root);
    let (a, b) = UnixSocket::pair(SocketType::Stream, OpenFlags::empty(), CRED);
    assert_eq!(send(&a, b"hello", &r), Poll::Ready(Ok(5)));
    assert_eq!(send(&a, b" you", &r), Poll::Ready(Ok(4)));
    assert_eq!(recv(&b, 100), Poll::Ready(Ok(b"hello you".to_vec())), "a stream runs on across writes");
    assert_eq!(send(&b, b"x", &r), Poll::Ready(Ok(1)));
    assert_eq!(recv(&a, 1), Poll::Ready(Ok(b"x".to_vec())));
    assert_eq!(recv(&a, 1), Poll::Ready(Err(Errno::EAGAIN)));
    drop(b);
    assert_eq!(recv(&a, 10), Poll::Ready(Ok(Vec::new())), "end of file");
    assert_eq!(send(&a, b"y", &r), Poll::Ready(Err(Errno::EPIPE)));
    assert!(a.poll_ready(None).contains(PollEvents::HUP));
}

#[test]
fn datagrams_keep_their_boundaries_and_truncate() {
    let root = new_root();
    let r = root_resolver(&root);
    let (a, b) = UnixSocket::pair(SocketType::Dgram, OpenFlags::empty(), CRED);
    assert_eq!(send(&a, b"one", &r), Poll::Ready(Ok(3)));
    assert_eq!(send(&a, b"two!", &r), Poll::Ready(Ok(4)));
    assert_eq!(recv(&b, 2), Poll::Ready(Ok(b"on".to_vec())), "truncated, the rest dropped");
    assert_eq!(recv(&b, 100), Poll::Ready(Ok(b"two!".to_vec())));
}

#[test]
fn bind_listen_connect_accept_by_path_and_abstract_name() {
    let root = new_root();
    let r = root_resolver(&root);
    let server = UnixSocket::new_file(SocketType::Stream, OpenFlags::empty(), CRED);
    sock(&server).bind(Some(UnixAddr::Path(b"/s".to_vec())), &r).unwrap();
    assert_eq!(r.stat(None, b"/s", true).unwrap().file_type(), FileType::Socket, "a socket inode appears");
    let client = UnixSocket::new_file(SocketType::Stream, OpenFlags::empty(), CRED);
    let to = UnixAddr::Path(b"/s".to_vec());
    assert_eq!(sock(&client).poll_connect(&to, &r, true, &mut cx()), Poll::Ready(Err(Errno::ECONNREFUSED)), "not listening yet");
    sock(&server).listen(8).unwrap();
    assert_eq!(sock(&client).poll_connect(&to, &r, true, &mut cx()), Poll::Ready(Ok(())));
    assert_eq!(sock(&client).poll_connect(&to, &r, true, &mut cx()), Poll::Ready(Err(Errno::EISCONN)));
    assert!(server.poll_ready(None).contains(PollEvents::IN));
    let conn = match sock(&server).poll_accept(OpenFlags::empty(), true, &mut cx()) {
        Poll::Ready(Ok(f)) => f,
        other => panic!("accept: {:?}", other.map(|r| r.map(|_| ()))),
    };
    assert_eq!(sock(&conn).local_addr(), to);
    assert_eq!(sock(&client).peer_addr(), Ok(to.clone()));
    assert_eq!(send(&client, b"ping", &r), Poll::Ready(Ok(4)));
    assert_eq!(recv(&conn, 10), Poll::Ready(Ok(b"ping".to_vec())));

    let other = UnixSocket::new_file(SocketType::Stream, OpenFlags::empty(), CRED);
    assert_eq!(sock(&other).bind(Some(UnixAddr::Path(b"/s".to_vec())), &r), Err(Errno::EADDRINUSE));
    sock(&other).bind(Some(UnixAddr::Abstract(b"abs".to_vec())), &r).unwrap();
    let third = UnixSocket::new_file(SocketType::Stream, OpenFlags::empty(), CRED);
    assert_eq!(sock(&third).bind(Some(UnixAddr::Abstract(b"abs".to_vec())), &r), Err(Errno::EADDRINUSE));
    drop(other);
    sock(&third).bind(Some(UnixAddr::Abstract(b"abs".to_vec())), &r).unwrap();
}

#[test]
fn autobind_gives_an_abstract_name() {
    let root = new_root();
    let r = root_resolver(&root);
    let s = UnixSocket::new_file(SocketType::Dgram, OpenFlags::empty(), CRED);
    sock(&s).bind(None, &r).unwrap();
    match sock(&s).local_addr() {
        UnixAddr::Abstract(name) => assert_eq!(name.len(), 5),
        other => panic!("{other:?}"),
    }
    assert_eq!(sock(&s).bind(None, &r), Err(Errno::EINVAL), "bound already");
}

#[test]
fn shutdown_write_is_eof_for_the_peer_and_epipe_for_us() {
    let root = new_root();
    let r = root_resolver(&root);
    let (a, b) = UnixSocket::pair(SocketType::Stream, OpenFlags::empty(), CRED);
    assert_eq!(send(&a, b"last", &r), Poll::Ready(Ok(4)));
    sock(&a).shutdown(1).unwrap();
    assert_eq!(send(&a, b"more", &r), Poll::Ready(Err(Errno::EPIPE)));
    assert!(b.poll_ready(None).contains(PollEvents::RDHUP));
    assert_eq!(recv(&b, 10), Poll::Ready(Ok(b"last".to_vec())));
    assert_eq!(recv(&b, 10), Poll::Ready(Ok(Vec::new())));
    assert_eq!(send(&b, b"back", &r), Poll::Ready(Ok(4)), "the other direction still works");
    assert_eq!(sock(&a).shutdown(7), Err(Errno::EINVAL));
}

#[test]
fn files_travel_with_their_message_and_closing_drops_them() {
    let root = new_root();
    let r = root_resolver(&root);
    let (a, b) = UnixSocket::pair(SocketType::Stream, OpenFlags::empty(), CRED);
    let (p, _w) = crate::pipe::new_pipe(OpenFlags::empty(), 0, 0);
    let weak = Arc::downgrade(&p);
    assert_eq!(sock(&a).poll_send(b"f", &mut vec![p], None, CRED, true, &mut cx()), Poll::Ready(Ok(1)));
    assert_eq!(send(&a, b"g", &r), Poll::Ready(Ok(1)));
    let mut buf = [0u8; 10];
    let got = match sock(&b).poll_recv(&mut buf, false, true, &mut cx()) {
        Poll::Ready(Ok(r)) => r,
        _ => panic!("recv"),
    };
    assert_eq!((got.len, got.files.len()), (1, 1), "the read stops after the message with files");
    drop(got);
    assert!(weak.upgrade().is_none(), "received and dropped: gone");
    let (q, _w2) = crate::pipe::new_pipe(OpenFlags::empty(), 0, 0);
    let weak = Arc::downgrade(&q);
    assert_eq!(sock(&a).poll_send(b"h", &mut vec![q], None, CRED, true, &mut cx()), Poll::Ready(Ok(1)));
    drop(b);
    assert!(weak.upgrade().is_none(), "in flight to a closed socket: dropped");
}

#[test]
fn a_socket_sent_over_itself_and_closed_is_collected() {
    let (a, b) = UnixSocket::pair(SocketType::Stream, OpenFlags::empty(), CRED);
    let (weak_a, weak_b) = (Arc::downgrade(&a), Arc::downgrade(&b));
    // b travels to b's own queue (sent by a), then both descriptors go.
    assert_eq!(sock(&a).poll_send(b"x", &mut vec![b.clone()], None, CRED, true, &mut cx()), Poll::Ready(Ok(1)));
    drop(b);
    assert!(weak_b.upgrade().is_some(), "only its own queue holds b");
    drop(a);
    assert!(weak_a.upgrade().is_none());
    assert!(weak_b.upgrade().is_some(), "a ring of one: alive until collected");
    // (Another test's collection may get to it first: check the effect.)
    gc::collect();
    assert!(weak_b.upgrade().is_none(), "collected");
}

#[test]
fn a_socket_in_flight_to_a_reachable_queue_is_not_collected() {
    let (a, b) = UnixSocket::pair(SocketType::Stream, OpenFlags::empty(), CRED);
    let (c, d) = UnixSocket::pair(SocketType::Stream, OpenFlags::empty(), CRED);
    let weak_c = Arc::downgrade(&c);
    // c travels to b's queue; b stays open (a program may still read it).
    assert_eq!(sock(&a).poll_send(b"x", &mut vec![c.clone()], None, CRED, true, &mut cx()), Poll::Ready(Ok(1)));
    drop(c);
    drop(d);
    gc::collect();
    assert!(weak_c.upgrade().is_some(), "b can still receive it");
    let mut buf = [0u8; 4];
    let got = match sock(&b).poll_recv(&mut buf, false, true, &mut cx()) {
        Poll::Ready(Ok(r)) => r,
        _ => panic!("recv"),
    };
    assert_eq!(got.files.len(), 1);
    drop(a);
}

#[test]
fn the_backlog_holds_one_more_than_asked_and_negative_means_the_maximum() {
    let root = new_root();
    let r = root_resolver(&root);
    let server = UnixSocket::new_file(SocketType::Stream, OpenFlags::empty(), CRED);
    sock(&server).bind(Some(UnixAddr::Abstract(b"backlog-test".to_vec())), &r).unwrap();
    sock(&server).listen(1).unwrap();
    let to = UnixAddr::Abstract(b"backlog-test".to_vec());
    let clients: Vec<_> = (0..3).map(|_| UnixSocket::new_file(SocketType::Stream, OpenFlags::empty(), CRED)).collect();
    assert_eq!(sock(&clients[0]).poll_connect(&to, &r, true, &mut cx()), Poll::Ready(Ok(())));
    assert_eq!(sock(&clients[1]).poll_connect(&to, &r, true, &mut cx()), Poll::Ready(Ok(())), "backlog 1 queues 2");
    assert_eq!(sock(&clients[2]).poll_connect(&to, &r, true, &mut cx()), Poll::Ready(Err(Errno::EAGAIN)));
    sock(&server).listen(-1).unwrap();
    assert_eq!(sock(&clients[2]).poll_connect(&to, &r, true, &mut cx()), Poll::Ready(Ok(())), "-1: SOMAXCONN");
}
