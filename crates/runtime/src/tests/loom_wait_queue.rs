//! The wait-queue protocols: register-then-recheck, and passing on the
//! wake of a cancelled waiter.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::sync::Arc;

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::{AcqRel, Acquire, Release, SeqCst}};
use loom::thread;

use super::{counter, model};
use crate::WaitQueue;

fn poll<F: Future + Unpin>(f: &mut F, w: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(w))
}

/// A waker racing a waiter never leaves the waiter asleep with the
/// condition true: if the poll returned Pending, the waiter was woken.
#[test]
fn loom_waiter_never_sleeps_with_the_condition_true() {
    model(|| {
        let q = Arc::new(WaitQueue::new());
        let flag = Arc::new(AtomicBool::new(false));
        let (q2, f2) = (q.clone(), flag.clone());
        let waker = thread::spawn(move || {
            f2.store(true, Release);
            q2.wake_one();
        });
        let (count, w) = counter();
        let mut wait = q.wait_until(|| flag.load(Acquire).then_some(()));
        let first = poll(&mut wait, &w);
        waker.join().unwrap();
        if first.is_pending() {
            assert_eq!(count.0.load(SeqCst), 1, "asleep with the condition true and no wake");
            assert_eq!(poll(&mut wait, &w), Poll::Ready(()));
        }
        drop(wait);
        assert!(q.is_empty());
    });
}

/// `wake_one` racing the cancellation of the waiter it picks: the token
/// still reaches the other waiter.
#[test]
fn loom_cancelled_waiter_passes_the_wake_on() {
    model(|| {
        let q = Arc::new(WaitQueue::new());
        let tokens = Arc::new(AtomicUsize::new(0));
        let take = |t: &AtomicUsize| {
            let mut n = t.load(Acquire);
            while n > 0 {
                match t.compare_exchange(n, n - 1, AcqRel, Acquire) {
                    Ok(_) => return Some(()),
                    Err(m) => n = m,
                }
            }
            None
        };
        let (c1, w1) = counter();
        let (c2, w2) = counter();
        let mut f1 = q.wait_until(|| take(&tokens));
        let mut f2 = q.wait_until(|| take(&tokens));
        assert!(poll(&mut f1, &w1).is_pending());
        assert!(poll(&mut f2, &w2).is_pending());
        let (q2, t2) = (q.clone(), tokens.clone());
        let giver = thread::spawn(move || {
            t2.fetch_add(1, Release);
            q2.wake_one();
        });
        drop(f1); // the first waiter gives up (timeout, signal)
        giver.join().unwrap();
        let _ = c1;
        assert_eq!(c2.0.load(SeqCst), 1, "the token's wake was lost with the cancelled waiter");
        assert_eq!(poll(&mut f2, &w2), Poll::Ready(()));
        drop(f2);
        assert!(q.is_empty());
    });
}
