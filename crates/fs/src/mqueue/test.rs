use alloc::sync::{Arc, Weak};
use core::any::Any;
use core::task::{Context, Poll, Waker};

use super::queue::{NotifyHow, ReceiveWait, Registration};
use super::*;

const ROOT: Creator = Creator { uid: 0, privileged: true, rlimit_bytes: 819_200 };

fn request<'a>(name: &'a [u8], flags: OpenFlags, attr: Option<(i64, i64)>, groups: &'a [u32]) -> OpenRequest<'a> {
    OpenRequest { name, flags, perm: 0o600, attr, cred: Cred { uid: 0, gid: 0, groups }, creator: ROOT }
}

fn send(q: &MessageQueue, data: &[u8], prio: u32) -> KResult<queue::Sent> {
    let mut slot = Some(data.to_vec());
    match q.poll_send(None, &mut slot, prio) {
        Poll::Ready(r) => r,
        Poll::Pending => panic!("non-blocking send pended"),
    }
}

fn receive(q: &MessageQueue) -> KResult<queue::Message> {
    let mut wait = ReceiveWait::new(q);
    match q.poll_receive(None, &mut wait) {
        Poll::Ready(r) => r,
        Poll::Pending => panic!("non-blocking receive pended"),
    }
}

#[test]
fn names_are_checked_like_lookup_one_len() {
    let g = [0];
    for bad in [&b""[..], b".", b"..", b"a/b"] {
        assert_eq!(open(&request(bad, OpenFlags::CREAT, None, &g)).err(), Some(Errno::EACCES));
    }
    let long = [b'x'; 256];
    assert_eq!(open(&request(&long, OpenFlags::CREAT, None, &g)).err(), Some(Errno::ENAMETOOLONG));
}

#[test]
fn create_open_exclusive_and_unlink() {
    let g = [0];
    let name = b"unit-create";
    assert_eq!(open(&request(name, OpenFlags::RDWR, None, &g)).err(), Some(Errno::ENOENT));
    let q = open(&request(name, OpenFlags::CREAT | OpenFlags::RDWR, Some((4, 16)), &g)).unwrap();
    assert_eq!(q.queue().attr().maxmsg, 4);
    let excl = OpenFlags::CREAT | OpenFlags::EXCL | OpenFlags::RDWR;
    assert_eq!(open(&request(name, excl, None, &g)).err(), Some(Errno::EEXIST));
    let again = open(&request(name, OpenFlags::WRONLY, None, &g)).unwrap();
    assert!(Arc::ptr_eq(&q, &again));
    unlink(name, &Cred { uid: 0, gid: 0, groups: &g }).unwrap();
    assert_eq!(unlink(name, &Cred { uid: 0, gid: 0, groups: &g }).err(), Some(Errno::ENOENT));
    // Still usable through the open reference.
    send(q.queue(), b"kept", 1).unwrap();
    assert_eq!(receive(q.queue()).unwrap().data, b"kept");
}

#[test]
fn priority_order_then_fifo() {
    let g = [0];
    let q = open(&request(b"unit-prio", OpenFlags::CREAT | OpenFlags::RDWR, Some((8, 16)), &g)).unwrap();
    let q = q.queue();
    for (data, prio) in [(&b"a"[..], 1), (b"b", 5), (b"c", 1), (b"d", 5), (b"e", 0)] {
        send(q, data, prio).unwrap();
    }
    let order: Vec<u8> = (0..5).map(|_| receive(q).unwrap().data[0]).collect();
    assert_eq!(order, b"bdace");
    assert_eq!(receive(q).err(), Some(Errno::EAGAIN));
    unlink(b"unit-prio", &Cred { uid: 0, gid: 0, groups: &g }).unwrap();
}

#[test]
fn full_queue_is_eagain_and_pollout_goes() {
    let g = [0];
    let q = open(&request(b"unit-full", OpenFlags::CREAT | OpenFlags::RDWR, Some((2, 16)), &g)).unwrap();
    let q = q.queue();
    send(q, b"1", 0).unwrap();
    send(q, b"2", 0).unwrap();
    assert_eq!(send(q, b"3", 0).err(), Some(Errno::EAGAIN));
    let mut cx = Context::from_waker(Waker::noop());
    let mut slot = Some(b"3".to_vec());
    assert!(q.poll_send(Some(&mut cx), &mut slot, 0).is_pending());
    unlink(b"unit-full", &Cred { uid: 0, gid: 0, groups: &g }).unwrap();
}

#[test]
fn notification_fires_once_on_empty_to_non_empty() {
    let g = [0];
    let q = open(&request(b"unit-notify", OpenFlags::CREAT | OpenFlags::RDWR, Some((4, 16)), &g)).unwrap();
    let q = q.queue();
    let owner: Arc<dyn Any + Send + Sync> = Arc::new(7u32);
    let other: Arc<dyn Any + Send + Sync> = Arc::new(8u32);
    let how = NotifyHow::Signal { signo: 10, value: 99 };
    let reg = |pid: i32, o: &Arc<dyn Any + Send + Sync>| Registration {
        owner_pid: pid,
        owner: Arc::downgrade(o),
        owner_alive: |_| true,
        how,
    };
    q.set_notify(reg(7, &owner), false).unwrap();
    assert_eq!(q.set_notify(reg(8, &other), false).err(), Some(Errno::EBUSY));
    // Unregistering by a non-owner is silently nothing.
    q.set_notify(reg(8, &other), true).unwrap();
    assert!(core::str::from_utf8(&q.status_line()).unwrap().contains("NOTIFY_PID:7"));
    let sent = send(q, b"x", 0).unwrap();
    assert_eq!(sent.notify.map(|r| r.how), Some(how));
    assert!(send(q, b"y", 0).unwrap().notify.is_none(), "removed after one");
    // A close by the owner drops a registration; one by another does not.
    q.set_notify(reg(7, &owner), false).unwrap();
    let other_weak: Weak<dyn Any + Send + Sync> = Arc::downgrade(&other);
    q.closed_by(&other_weak);
    assert_eq!(q.set_notify(reg(8, &other), false).err(), Some(Errno::EBUSY));
    let owner_weak: Weak<dyn Any + Send + Sync> = Arc::downgrade(&owner);
    q.closed_by(&owner_weak);
    // A registration whose owner is gone no longer counts.
    q.set_notify(reg(8, &other), false).unwrap();
    drop(other);
    q.set_notify(reg(7, &owner), false).unwrap();
    q.set_notify(reg(7, &owner), true).unwrap();
    assert_eq!(
        core::str::from_utf8(&q.status_line()).unwrap(),
        "QSIZE:2          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"
    );
    unlink(b"unit-notify", &Cred { uid: 0, gid: 0, groups: &g }).unwrap();
}
