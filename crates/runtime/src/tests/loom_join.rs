//! JoinHandle: the task completing races the handle being dropped or
//! polled.

use core::task::{Context, Poll};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize as StdAtomicUsize;

use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;

use super::{counter, model};
use crate::task::{JoinCell, JoinNotify};

struct Output(Arc<StdAtomicUsize>);

impl Drop for Output {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Completion (complete + dispose) racing the handle's drop: the output
/// is dropped exactly once, whoever gets there last.
#[test]
fn loom_join_completion_vs_handle_drop_drops_the_output_once() {
    model(|| {
        let cell = Arc::new(JoinCell::new());
        let drops = Arc::new(StdAtomicUsize::new(0));
        let (c, d) = (cell.clone(), drops.clone());
        let task = thread::spawn(move || {
            c.complete(Output(d));
            if let Some(w) = c.task_disposed() {
                w.wake();
            }
        });
        cell.detach();
        task.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// Completion racing a poll of the handle: a Pending poll is always
/// followed by a wake, and the output then comes out once.
#[test]
fn loom_join_completion_vs_poll_never_misses_the_output() {
    model(|| {
        let cell = Arc::new(JoinCell::new());
        let c = cell.clone();
        let task = thread::spawn(move || {
            c.complete(7u32);
            if let Some(w) = c.task_disposed() {
                w.wake();
            }
        });
        let (count, w) = counter();
        let first = cell.poll_output(&mut Context::from_waker(&w));
        task.join().unwrap();
        match first {
            Poll::Ready(v) => assert_eq!(v, 7),
            Poll::Pending => {
                assert_eq!(count.0.load(SeqCst), 1, "joiner never woken");
                assert_eq!(cell.poll_output(&mut Context::from_waker(&w)), Poll::Ready(7));
            }
        }
    });
}
