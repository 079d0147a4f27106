use alloc::vec;

use super::*;
use crate::flags::OpenFlags;
use crate::pipe::new_pipe;
use crate::test_util::{CountingWaker, ready};

#[test]
fn reports_ready_and_registers_when_none() {
    let (r1, w1) = new_pipe(OpenFlags::empty(), 0, 0);
    let (r2, _w2) = new_pipe(OpenFlags::empty(), 0, 0);
    let mut items = vec![
        PollItem::new(Some(r1.clone()), PollEvents::IN),
        PollItem::new(Some(r2.clone()), PollEvents::IN),
        PollItem::new(Some(w1.clone()), PollEvents::empty()),
    ];
    let w = CountingWaker::new();
    let waker = w.waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(poll_files(&mut items, Some(&mut cx)), 0);
    ready(|cx| w1.poll_write(cx, b"x")).unwrap();
    assert_eq!(w.count(), 1, "registered on r1");
    assert_eq!(poll_files(&mut items, None), 1);
    assert_eq!(items[0].revents, PollEvents::IN);
    assert_eq!(items[2].revents, PollEvents::empty(), "OUT not asked for");
}

#[test]
fn always_reported_events_and_nval() {
    let (r, w) = new_pipe(OpenFlags::empty(), 0, 0);
    drop(w);
    let mut items = vec![
        PollItem::new(Some(r), PollEvents::empty()),
        PollItem::new(None, PollEvents::IN),
    ];
    assert_eq!(poll_files(&mut items, None), 2);
    assert_eq!(items[0].revents, PollEvents::HUP);
    assert_eq!(items[1].revents, PollEvents::NVAL);
}
