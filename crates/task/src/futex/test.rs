extern crate std;

use alloc::sync::Arc;
use alloc::task::Wake;
use core::future::Future;
use core::pin::pin;
use core::sync::atomic::AtomicUsize;
use core::task::{Context, Poll, Waker};

use super::*;

struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn waker() -> (Arc<CountingWaker>, Waker) {
    let w = Arc::new(CountingWaker(AtomicUsize::new(0)));
    (w.clone(), Waker::from(w))
}

fn key(addr: u64) -> FutexKey {
    FutexKey::Private { space: 1, addr }
}

#[test]
fn wake_wakes_a_queued_waiter_once() {
    let t = FutexTable::new();
    let (count, w) = waker();
    let mut cx = Context::from_waker(&w);
    let mut fut = pin!(t.lock(key(0x1000)).enqueue(BITSET_ANY));
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(t.waiters(key(0x1000)), 1);
    assert_eq!(t.wake(key(0x1000), 1, BITSET_ANY), 1);
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(()));
    assert_eq!(t.wake(key(0x1000), 1, BITSET_ANY), 0);
}

#[test]
fn wake_before_first_poll_is_not_lost() {
    let t = FutexTable::new();
    let (_, w) = waker();
    let mut cx = Context::from_waker(&w);
    let mut fut = pin!(t.lock(key(8)).enqueue(BITSET_ANY));
    assert_eq!(t.wake(key(8), 1, BITSET_ANY), 1);
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(()));
}

#[test]
fn dropping_a_wait_dequeues_it() {
    let t = FutexTable::new();
    {
        let _fut = t.lock(key(16)).enqueue(BITSET_ANY);
        assert_eq!(t.waiters(key(16)), 1);
    }
    assert_eq!(t.waiters(key(16)), 0);
    assert_eq!(t.wake(key(16), 1, BITSET_ANY), 0);
}

#[test]
fn bitsets_select_waiters() {
    let t = FutexTable::new();
    let _a = t.lock(key(24)).enqueue(0b01);
    let _b = t.lock(key(24)).enqueue(0b10);
    assert_eq!(t.wake(key(24), 10, 0b10), 1);
    assert_eq!(t.waiters(key(24)), 1);
    assert_eq!(t.wake(key(24), 10, 0b100), 0);
}

#[test]
fn requeue_moves_the_rest() {
    let t = FutexTable::new();
    let futs: alloc::vec::Vec<_> = (0..5).map(|_| t.lock(key(100)).enqueue(BITSET_ANY)).collect();
    let n = t.requeue::<()>(key(100), key(200), 1, 2, || Ok(())).unwrap();
    assert_eq!(n, 3);
    assert_eq!(t.waiters(key(100)), 2);
    assert_eq!(t.waiters(key(200)), 2);
    assert_eq!(t.wake(key(200), 10, BITSET_ANY), 2);
    assert_eq!(futs.iter().filter(|f| f.is_woken()).count(), 3);
    assert_eq!(t.requeue(key(100), key(200), 1, 1, || Err(11)), Err(11));
}

#[test]
fn requeued_waiter_drop_finds_its_new_bucket() {
    let t = FutexTable::new();
    let fut = t.lock(key(300)).enqueue(BITSET_ANY);
    t.requeue::<()>(key(300), key(4000), 0, 1, || Ok(())).unwrap();
    assert_eq!(t.waiters(key(4000)), 1);
    drop(fut);
    assert_eq!(t.waiters(key(4000)), 0);
}

#[test]
fn wake_op_decodes_like_linux() {
    // FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GT, 0)
    let encoded = (1 << 28) | (4 << 24) | (1 << 12);
    assert_eq!(wake_op_apply(encoded, 5), Some((6, true)));
    assert_eq!(wake_op_apply(encoded, 0), Some((1, false)));
    // OPARG_SHIFT with SET: 1 << 3
    let shifted = (8 << 28) | (3 << 12);
    assert_eq!(wake_op_apply(shifted, 0), Some((8, true)));
    let t = FutexTable::new();
    let _a = t.lock(key(1)).enqueue(BITSET_ANY);
    let _b = t.lock(key(2)).enqueue(BITSET_ANY);
    assert_eq!(t.wake_op::<()>(key(1), key(2), 1, 1, || Ok(true)).unwrap(), 2);
}

#[test]
fn concurrent_waiters_and_wakers_lose_nothing() {
    let t = Arc::new(FutexTable::new());
    let word = Arc::new(core::sync::atomic::AtomicU32::new(0));
    let mut handles = std::vec::Vec::new();
    for i in 0..4u64 {
        let (t, word) = (t.clone(), word.clone());
        handles.push(std::thread::spawn(move || {
            // Wait while the word is 0, as a futex-based flag would.
            let bucket = t.lock(key(0x5000));
            if word.load(Ordering::SeqCst) != 0 {
                return i;
            }
            let fut = bucket.enqueue(BITSET_ANY);
            let (_, w) = waker();
            let mut cx = Context::from_waker(&w);
            let mut fut = core::pin::pin!(fut);
            while fut.as_mut().poll(&mut cx).is_pending() {
                std::thread::yield_now();
            }
            i
        }));
    }
    std::thread::sleep(std::time::Duration::from_millis(20));
    word.store(1, Ordering::SeqCst);
    t.wake(key(0x5000), usize::MAX, BITSET_ANY);
    for h in handles {
        h.join().unwrap();
    }
}

/// Queues a waitv on `addrs` (no value checks: the words are implicit).
fn waitv<'a>(t: &'a FutexTable, addrs: &[u64]) -> FutexWaitv<'a> {
    let mut v = FutexWaitv::with_capacity(addrs.len()).unwrap();
    for &a in addrs {
        v.push(t.lock(key(a)).enqueue(BITSET_ANY));
    }
    v
}

#[test]
fn waitv_wake_on_any_word_reports_its_index_and_dequeues_all() {
    let t = FutexTable::new();
    let (count, w) = waker();
    let mut cx = Context::from_waker(&w);
    for woken in 0..3u64 {
        let v = waitv(&t, &[0x100, 0x200, 0x300]);
        assert_eq!(v.poll_any(&mut cx), Poll::Pending);
        // One wake finds exactly one entry, however many it may wake.
        assert_eq!(t.wake(key(0x100 * (woken + 1)), 10, BITSET_ANY), 1);
        assert_eq!(v.poll_any(&mut cx), Poll::Ready(()));
        assert_eq!(v.unqueue(), Some(woken as usize));
        for a in [0x100, 0x200, 0x300] {
            assert_eq!(t.waiters(key(a)), 0);
        }
    }
    assert_eq!(count.0.load(Ordering::SeqCst), 3);
}

#[test]
fn waitv_unqueue_reports_the_last_woken_or_none() {
    let t = FutexTable::new();
    let v = waitv(&t, &[0x10, 0x20, 0x30]);
    assert_eq!(t.wake(key(0x10), 1, BITSET_ANY), 1);
    assert_eq!(t.wake(key(0x20), 1, BITSET_ANY), 1);
    assert_eq!(v.unqueue(), Some(1));
    let v = waitv(&t, &[0x10, 0x20]);
    assert_eq!(v.unqueue(), None);
    assert_eq!(t.waiters(key(0x10)) + t.waiters(key(0x20)), 0);
    // Nothing left for a later wake to find.
    assert_eq!(t.wake(key(0x10), 1, BITSET_ANY), 0);
}

#[test]
fn waitv_wake_before_first_poll_is_not_lost() {
    let t = FutexTable::new();
    let (_, w) = waker();
    let mut cx = Context::from_waker(&w);
    let v = waitv(&t, &[0x40, 0x44]);
    assert_eq!(t.wake(key(0x44), 1, BITSET_ANY), 1);
    assert_eq!(v.poll_any(&mut cx), Poll::Ready(()));
    assert_eq!(v.unqueue(), Some(1));
}

#[test]
fn waitv_same_word_twice_is_two_entries() {
    let t = FutexTable::new();
    let v = waitv(&t, &[0x80, 0x80]);
    assert_eq!(t.waiters(key(0x80)), 2);
    assert_eq!(t.wake(key(0x80), 1, BITSET_ANY), 1);
    assert_eq!(v.unqueue(), Some(0));
    assert_eq!(t.waiters(key(0x80)), 0);
}

/// The syscall's protocol against concurrent wakers: each word is checked
/// under its own bucket lock, then queued; a waker bumps a word and wakes
/// it. Every round must end with a mismatch or a woken entry, never a
/// hang (a lost wake-up).
#[test]
fn waitv_concurrent_wakers_lose_nothing() {
    use core::sync::atomic::AtomicU32;
    let t = Arc::new(FutexTable::new());
    let words: Arc<[AtomicU32; 3]> = Arc::new([AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0)]);
    let stop = Arc::new(AtomicBool::new(false));
    let mut wakers = std::vec::Vec::new();
    for j in 0..3usize {
        let (t, words, stop) = (t.clone(), words.clone(), stop.clone());
        wakers.push(std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                words[j].fetch_add(1, Ordering::SeqCst);
                t.wake(key(0x1000 + 4 * j as u64), 1, BITSET_ANY);
                std::thread::yield_now();
            }
        }));
    }
    let (_, w) = waker();
    let mut cx = Context::from_waker(&w);
    let (mut woke, mut mismatched) = (0, 0);
    for _ in 0..2000 {
        let expected: std::vec::Vec<u32> = words.iter().map(|w| w.load(Ordering::SeqCst)).collect();
        let mut v = FutexWaitv::with_capacity(3).unwrap();
        let mut mismatch = false;
        for j in 0..3 {
            let bucket = t.lock(key(0x1000 + 4 * j as u64));
            if words[j].load(Ordering::SeqCst) != expected[j] {
                mismatch = true;
                break;
            }
            v.push(bucket.enqueue(BITSET_ANY));
        }
        if mismatch {
            mismatched += 1;
            v.unqueue();
            continue;
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while v.poll_any(&mut cx).is_pending() {
            assert!(std::time::Instant::now() < deadline, "lost wake-up");
            std::thread::yield_now();
        }
        assert!(v.unqueue().is_some());
        woke += 1;
    }
    stop.store(true, Ordering::SeqCst);
    for h in wakers {
        h.join().unwrap();
    }
    assert_eq!(woke + mismatched, 2000);
}

#[test]
fn waiters_of_a_key_are_woken_first_queued_first_and_a_departure_keeps_the_order() {
    let t = FutexTable::new();
    let waits: Vec<_> = (0..4).map(|_| t.lock(key(32)).enqueue(BITSET_ANY)).collect();
    let mut waits: Vec<Option<FutexWait<'_>>> = waits.into_iter().map(Some).collect();
    // The second gives up (a timeout or a kill): it leaves the queue.
    waits[1] = None;
    assert_eq!(t.waiters(key(32)), 3);
    assert_eq!(t.wake(key(32), 1, BITSET_ANY), 1);
    assert!(waits[0].as_ref().unwrap().is_woken());
    assert!(!waits[2].as_ref().unwrap().is_woken() && !waits[3].as_ref().unwrap().is_woken());
    assert_eq!(t.wake(key(32), 1, BITSET_ANY), 1);
    assert!(waits[2].as_ref().unwrap().is_woken());
    assert!(!waits[3].as_ref().unwrap().is_woken());
}

#[test]
fn a_requeued_waiter_goes_behind_those_already_there() {
    let t = FutexTable::new();
    let there = t.lock(key(48)).enqueue(BITSET_ANY);
    let moved = t.lock(key(40)).enqueue(BITSET_ANY);
    assert_eq!(t.requeue::<()>(key(40), key(48), 0, 1, || Ok(())), Ok(1));
    assert_eq!(t.wake(key(48), 1, BITSET_ANY), 1);
    assert!(there.is_woken() && !moved.is_woken());
    drop(moved);
    assert_eq!(t.waiters(key(48)), 0);
}

/// A wait given up (timeout, signal) after a wake took its waiter counts
/// as woken, as Linux's futex_wait: the wake was counted and must not be
/// lost. One given up first is dequeued, and a later wake finds nobody.
#[test]
fn a_wait_cancelled_after_a_wake_counts_as_woken() {
    let t = FutexTable::new();
    let (_, w) = waker();
    let mut cx = Context::from_waker(&w);
    let mut woken = t.lock(key(0x2000)).enqueue(BITSET_ANY);
    assert_eq!(Pin::new(&mut woken).poll(&mut cx), Poll::Pending);
    assert_eq!(t.wake(key(0x2000), 1, BITSET_ANY), 1);
    assert!(!woken.cancel(), "the wake came first: the wait succeeded");

    let mut abandoned = t.lock(key(0x2000)).enqueue(BITSET_ANY);
    assert_eq!(Pin::new(&mut abandoned).poll(&mut cx), Poll::Pending);
    assert!(abandoned.cancel(), "no wake came: the wait timed out");
    assert_eq!(t.waiters(key(0x2000)), 0);
    assert_eq!(t.wake(key(0x2000), 1, BITSET_ANY), 0);
}

/// Wakers run after the bucket lock is released (FUTEX_WAKE of many must
/// not hold it while each waiter is queued on a CPU): a waker that takes
/// the same bucket's lock would otherwise deadlock.
#[test]
fn wakers_run_outside_the_bucket_lock() {
    struct Relocking(&'static FutexTable, AtomicUsize);
    impl Wake for Relocking {
        fn wake(self: Arc<Self>) {
            self.1.store(self.0.waiters(key(0x3000)) + 1, Ordering::SeqCst);
        }
    }
    let t: &'static FutexTable = alloc::boxed::Box::leak(alloc::boxed::Box::new(FutexTable::new()));
    let relock = Arc::new(Relocking(t, AtomicUsize::new(0)));
    let w = Waker::from(relock.clone());
    let mut cx = Context::from_waker(&w);
    let mut waits: alloc::vec::Vec<_> = (0..3).map(|_| t.lock(key(0x3000)).enqueue(BITSET_ANY)).collect();
    for wait in &mut waits {
        assert_eq!(Pin::new(wait).poll(&mut cx), Poll::Pending);
    }
    assert_eq!(t.wake(key(0x3000), 3, BITSET_ANY), 3);
    assert_eq!(relock.1.load(Ordering::SeqCst), 1, "the waker saw the bucket, empty");
}
