#![cfg(not(loom))]
//! Random sequences of waiters arriving, being polled, giving up, and
//! tokens being released: no token is ever stranded while a waiter exists,
//! tokens are conserved, and no entry leaks.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Wake, Waker};

use proptest::prelude::*;
use runtime::WaitQueue;

#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// A waiter: its future, its wake counter, and the wakes it had seen at
/// its last poll.
type Waiter<'a> = (Pin<Box<dyn Future<Output = ()> + 'a>>, Arc<Count>, usize);

#[derive(Clone, Debug)]
enum Op {
    /// A new waiter arrives and is polled once.
    Arrive,
    /// Poll waiter `i % live` (as its executor would after a wake, or
    /// spuriously).
    Poll(usize),
    /// Waiter `i % live` gives up (timeout, signal).
    Cancel(usize),
    /// One token released, one waiter woken.
    Give,
    /// `n` tokens released, everybody woken.
    GiveAll(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Arrive),
        4 => any::<usize>().prop_map(Op::Poll),
        2 => any::<usize>().prop_map(Op::Cancel),
        3 => Just(Op::Give),
        1 => (1usize..4).prop_map(Op::GiveAll),
    ]
}

fn take(tokens: &AtomicUsize) -> Option<()> {
    tokens.fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1)).ok().map(|_| ())
}

proptest! {
    #[test]
    fn no_token_is_stranded_while_someone_waits(ops in proptest::collection::vec(op(), 1..60)) {
        let q = WaitQueue::new();
        let tokens = AtomicUsize::new(0);
        let (mut given, mut taken) = (0usize, 0usize);
        let mut waiters: Vec<Waiter<'_>> = Vec::new();

        let poll_one = |w: &mut Waiter<'_>| {
            let waker = Waker::from(w.1.clone());
            w.2 = w.1.0.load(SeqCst);
            w.0.as_mut().poll(&mut Context::from_waker(&waker))
        };

        for op in ops {
            match op {
                Op::Arrive => {
                    let fut: Pin<Box<dyn Future<Output = ()> + '_>> = Box::pin(q.wait_until(|| take(&tokens)));
                    let mut w = (fut, Arc::new(Count::default()), 0);
                    if poll_one(&mut w).is_ready() { taken += 1 } else { waiters.push(w) }
                }
                Op::Poll(i) if !waiters.is_empty() => {
                    let i = i % waiters.len();
                    if poll_one(&mut waiters[i]).is_ready() {
                        taken += 1;
                        drop(waiters.remove(i));
                    }
                }
                Op::Cancel(i) if !waiters.is_empty() => {
                    let i = i % waiters.len();
                    drop(waiters.remove(i));
                }
                Op::Give => {
                    tokens.fetch_add(1, SeqCst);
                    given += 1;
                    q.wake_one();
                }
                Op::GiveAll(n) => {
                    tokens.fetch_add(n, SeqCst);
                    given += n;
                    q.wake_all();
                }
                Op::Poll(_) | Op::Cancel(_) => {}
            }
            let avail = tokens.load(SeqCst);
            prop_assert_eq!(given, taken + avail, "tokens conserved");
            prop_assert_eq!(q.len(), waiters.len(), "one entry per live waiter");
            if avail > 0 && !waiters.is_empty() {
                let pending_wakes = waiters.iter().filter(|w| w.1.0.load(SeqCst) > w.2).count();
                prop_assert!(pending_wakes > 0, "{} token(s) free, {} waiter(s), none woken", avail, waiters.len());
            }
        }
        drop(waiters);
        prop_assert!(q.is_empty());
    }
}
