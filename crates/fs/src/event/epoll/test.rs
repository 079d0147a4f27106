use alloc::sync::Arc;
use alloc::vec::Vec;
use core::task::{Context, Poll};

use super::*;
use crate::event::eventfd::EventFd;
use crate::pipe::new_pipe;
use crate::test_util::{CountingWaker, ready};

fn epoll_file() -> Arc<OpenFile> {
    Epoll::new_file()
}

fn ep(f: &Arc<OpenFile>) -> &Epoll {
    f.ops().as_epoll().unwrap()
}

fn ev(events: u32, data: u64) -> Event {
    Event { events, data }
}

fn wait(f: &Arc<OpenFile>, max: usize) -> Vec<Event> {
    match ep(f).poll_wait(max, None) {
        Poll::Ready(v) => v,
        Poll::Pending => unreachable!("no context: never pending"),
    }
}

fn write(f: &Arc<OpenFile>, bytes: &[u8]) {
    ready(|cx| f.poll_write(cx, bytes)).unwrap();
}

fn read(f: &Arc<OpenFile>, n: usize) {
    let mut buf = alloc::vec![0u8; n];
    ready(|cx| f.poll_read(cx, &mut buf)).unwrap();
}

#[test]
fn level_triggered_reports_while_ready() {
    let e = epoll_file();
    let (r, w) = new_pipe(OpenFlags::empty(), 0, 0);
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &r, ev(EPOLLIN, 7)).unwrap();
    assert!(wait(&e, 8).is_empty());
    write(&w, b"ab");
    assert_eq!(wait(&e, 8), [ev(EPOLLIN, 7)]);
    assert_eq!(wait(&e, 8), [ev(EPOLLIN, 7)], "still readable: reported again");
    read(&r, 2);
    assert!(wait(&e, 8).is_empty(), "drained");
}

#[test]
fn edge_triggered_reports_each_change_once() {
    let e = epoll_file();
    let (r, w) = new_pipe(OpenFlags::empty(), 0, 0);
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &r, ev(EPOLLIN | EPOLLET, 1)).unwrap();
    write(&w, b"a");
    assert_eq!(wait(&e, 8), [ev(EPOLLIN, 1)]);
    assert!(wait(&e, 8).is_empty(), "no new change: not reported again");
    write(&w, b"b");
    assert_eq!(wait(&e, 8), [ev(EPOLLIN, 1)], "a new write is a new edge");
}

#[test]
fn oneshot_disarms_until_modified() {
    let e = epoll_file();
    let (r, w) = new_pipe(OpenFlags::empty(), 0, 0);
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &r, ev(EPOLLIN | EPOLLONESHOT, 1)).unwrap();
    write(&w, b"a");
    assert_eq!(wait(&e, 8), [ev(EPOLLIN, 1)]);
    write(&w, b"b");
    assert!(wait(&e, 8).is_empty(), "disarmed");
    ep(&e).ctl(&e, EPOLL_CTL_MOD, 3, &r, ev(EPOLLIN | EPOLLONESHOT, 2)).unwrap();
    assert_eq!(wait(&e, 8), [ev(EPOLLIN, 2)], "re-armed, still readable");
}

#[test]
fn hangup_and_error_are_always_reported() {
    let e = epoll_file();
    let (r, w) = new_pipe(OpenFlags::empty(), 0, 0);
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &r, ev(0, 9)).unwrap();
    drop(w);
    assert_eq!(wait(&e, 8), [ev(EPOLLHUP, 9)]);
}

#[test]
fn closing_the_last_reference_removes_the_file() {
    let e = epoll_file();
    let (r, w) = new_pipe(OpenFlags::empty(), 0, 0);
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &r, ev(EPOLLIN, 1)).unwrap();
    write(&w, b"a");
    assert_eq!(ep(&e).len(), 1);
    drop(r);
    assert_eq!(ep(&e).len(), 0, "gone from the interest list");
    assert!(wait(&e, 8).is_empty());
}

#[test]
fn ctl_errors_as_linux() {
    let e = epoll_file();
    let (r, _w) = new_pipe(OpenFlags::empty(), 0, 0);
    assert_eq!(ep(&e).ctl(&e, EPOLL_CTL_ADD, 4, &e, ev(EPOLLIN, 0)), Err(Errno::EINVAL), "itself");
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &r, ev(EPOLLIN, 0)).unwrap();
    assert_eq!(ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &r, ev(EPOLLIN, 0)), Err(Errno::EEXIST));
    assert_eq!(ep(&e).ctl(&e, EPOLL_CTL_MOD, 5, &r, ev(EPOLLIN, 0)), Err(Errno::ENOENT), "other fd, same file");
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 5, &r, ev(EPOLLIN, 0)).unwrap();
    assert_eq!(ep(&e).ctl(&e, EPOLL_CTL_DEL, 3, &r, ev(0, 0)), Ok(()));
    assert_eq!(ep(&e).ctl(&e, EPOLL_CTL_DEL, 3, &r, ev(0, 0)), Err(Errno::ENOENT));
    assert_eq!(ep(&e).ctl(&e, 9, 5, &r, ev(0, 0)), Err(Errno::EINVAL));
    let (r2, _w2) = new_pipe(OpenFlags::empty(), 0, 0);
    assert_eq!(ep(&e).ctl(&e, EPOLL_CTL_ADD, 6, &r2, ev(EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0)), Err(Errno::EINVAL));
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 6, &r2, ev(EPOLLIN | EPOLLEXCLUSIVE, 0)).unwrap();
    assert_eq!(ep(&e).ctl(&e, EPOLL_CTL_MOD, 6, &r2, ev(EPOLLIN, 0)), Err(Errno::EINVAL), "MOD of an exclusive item");
}

struct NotPollable;

impl FileOps for NotPollable {
    fn poll_read(&self, _: &OpenFile, _: &mut Context<'_>, _: &mut [u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Ok(0))
    }
    fn poll_write(&self, _: &OpenFile, _: &mut Context<'_>, b: &[u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Ok(b.len()))
    }
}

#[test]
fn files_without_readiness_are_eperm() {
    let e = epoll_file();
    let plain = crate::event::anon_file(Arc::new(NotPollable), "[test]", OpenFlags::RDWR);
    assert_eq!(ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &plain, ev(EPOLLIN, 0)), Err(Errno::EPERM));
}

#[test]
fn a_waiter_is_woken_when_an_item_becomes_ready() {
    let e = epoll_file();
    let efd = EventFd::new_file(0, false, OpenFlags::empty());
    ep(&e).ctl(&e, EPOLL_CTL_ADD, 3, &efd, ev(EPOLLIN, 5)).unwrap();
    let waiter = CountingWaker::new();
    let waker = waiter.waker();
    let mut cx = Context::from_waker(&waker);
    assert!(ep(&e).poll_wait(8, Some(&mut cx)).is_pending());
    write(&efd, &1u64.to_ne_bytes());
    assert_eq!(waiter.count(), 1);
    assert_eq!(ep(&e).poll_wait(8, Some(&mut cx)), Poll::Ready(alloc::vec![ev(EPOLLIN, 5)]));
}

#[test]
fn more_ready_than_asked_for_come_in_turns() {
    let e = epoll_file();
    let files: Vec<_> = (0..5).map(|_| EventFd::new_file(1, false, OpenFlags::empty())).collect();
    for (i, f) in files.iter().enumerate() {
        ep(&e).ctl(&e, EPOLL_CTL_ADD, i as i32, f, ev(EPOLLIN | EPOLLET, i as u64)).unwrap();
    }
    let first = wait(&e, 3);
    let second = wait(&e, 3);
    assert_eq!(first.len(), 3);
    assert_eq!(second.len(), 2, "the two not reported yet");
    let mut all: Vec<u64> = first.iter().chain(&second).map(|e| e.data).collect();
    all.sort();
    assert_eq!(all, [0, 1, 2, 3, 4]);
}

#[test]
fn nested_epoll_propagates_and_refuses_loops() {
    let outer = epoll_file();
    let inner = epoll_file();
    let efd = EventFd::new_file(0, false, OpenFlags::empty());
    ep(&inner).ctl(&inner, EPOLL_CTL_ADD, 3, &efd, ev(EPOLLIN, 1)).unwrap();
    ep(&outer).ctl(&outer, EPOLL_CTL_ADD, 4, &inner, ev(EPOLLIN, 2)).unwrap();
    assert!(wait(&outer, 8).is_empty());
    write(&efd, &1u64.to_ne_bytes());
    assert_eq!(wait(&outer, 8), [ev(EPOLLIN, 2)], "the inner epoll became readable");
    assert_eq!(ep(&inner).ctl(&inner, EPOLL_CTL_ADD, 5, &outer, ev(EPOLLIN, 0)), Err(Errno::ELOOP));
}

#[test]
fn nesting_deeper_than_linux_allows_is_eloop() {
    let chain: Vec<_> = (0..6).map(|_| epoll_file()).collect();
    let mut result = Ok(());
    for i in 1..chain.len() {
        result = ep(&chain[i]).ctl(&chain[i], EPOLL_CTL_ADD, 3, &chain[i - 1], ev(EPOLLIN, 0));
        if result.is_err() {
            assert_eq!(i, 5, "4 levels below are allowed");
            break;
        }
    }
    assert_eq!(result, Err(Errno::ELOOP));
}

#[test]
fn of_several_exclusive_registrations_one_is_woken_per_change() {
    let efd = EventFd::new_file(0, false, OpenFlags::empty());
    let epolls: Vec<_> = (0..3).map(|_| epoll_file()).collect();
    for e in &epolls {
        ep(e).ctl(e, EPOLL_CTL_ADD, 3, &efd, ev(EPOLLIN | EPOLLEXCLUSIVE, 0)).unwrap();
    }
    write(&efd, &1u64.to_ne_bytes());
    let woken = epolls.iter().filter(|e| ep(e).state.lock().ready.len() > 0).count();
    assert_eq!(woken, 1, "one exclusive registration took the change");
    // Without EPOLLEXCLUSIVE every registration hears it.
    let efd2 = EventFd::new_file(0, false, OpenFlags::empty());
    for e in &epolls {
        ep(e).ctl(e, EPOLL_CTL_ADD, 4, &efd2, ev(EPOLLIN, 0)).unwrap();
    }
    for e in &epolls {
        let _ = wait(e, 8);
    }
    write(&efd2, &1u64.to_ne_bytes());
    let woken = epolls.iter().filter(|e| ep(e).state.lock().ready.len() > 0).count();
    assert_eq!(woken, 3);
}
