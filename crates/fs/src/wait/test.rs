use super::*;
use crate::test_util::CountingWaker;

#[test]
fn register_dedupes_and_wake_all_empties() {
    let a = CountingWaker::new();
    let b = CountingWaker::new();
    let mut list = WakerList::new();
    list.register(&a.waker());
    list.register(&a.waker());
    list.register(&b.waker());
    assert_eq!(list.len(), 2);
    list.wake_all();
    assert!(list.is_empty());
    assert_eq!(a.count(), 1);
    assert_eq!(b.count(), 1);
}

#[test]
fn take_then_wake_outside() {
    let a = CountingWaker::new();
    let mut list = WakerList::new();
    list.register(&a.waker());
    let mut taken = list.take();
    assert!(list.is_empty());
    assert_eq!(a.count(), 0);
    taken.wake_all();
    assert_eq!(a.count(), 1);
}
