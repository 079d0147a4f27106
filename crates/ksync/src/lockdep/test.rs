//! The order table on the host.

use super::table::{ClassSet, Order, OrderTable, class_id};

const A: u32 = 0x1000;
const B: u32 = 0x2000;
const C: u32 = 0x3000;

fn stack_of(addrs: &'static [usize]) -> impl FnOnce(&mut [usize]) -> usize {
    move |out| {
        out[..addrs.len()].copy_from_slice(addrs);
        addrs.len()
    }
}

fn no_stack(_: &mut [usize]) -> usize {
    0
}

#[test]
fn records_pairs_with_their_stack_once() {
    let t = OrderTable::<64, 4>::new();
    assert_eq!(t.acquire(A, B, stack_of(&[1, 2, 3])), Order::New);
    assert_eq!(t.acquire(A, B, |_| panic!("captured a known pair")), Order::Known);
    assert_eq!(t.acquire(A, C, no_stack), Order::New);
    assert!(t.contains(A, B) && t.contains(A, C));
    assert!(!t.contains(B, A));
    assert_eq!(t.len(), 2);
    let mut out = [0; 4];
    assert_eq!(t.saved_stack(A, B, &mut out), 3);
    assert_eq!(out[..3], [1, 2, 3]);
    assert_eq!(t.saved_stack(B, C, &mut out), 0);
}

#[test]
fn finds_an_inversion() {
    let t = OrderTable::<64, 4>::new();
    assert_eq!(t.acquire(A, B, stack_of(&[7])), Order::New);
    assert_eq!(t.acquire(B, C, no_stack), Order::New);
    assert_eq!(t.acquire(B, A, no_stack), Order::Inverted);
    // The stack to show with the report is the one saved with A -> B.
    let mut out = [0; 4];
    assert_eq!(t.saved_stack(A, B, &mut out), 1);
    assert_eq!(out[0], 7);
    // Direct pairs only: A -> B -> C does not make C -> A an inversion.
    assert_eq!(t.acquire(C, A, no_stack), Order::New);
}

#[test]
fn skips_same_class() {
    let t = OrderTable::<64, 4>::new();
    assert_eq!(t.acquire(A, A, |_| panic!("recorded a same-class pair")), Order::SameClass);
    assert_eq!(t.acquire(A, A, no_stack), Order::SameClass);
    assert_eq!(t.len(), 0);
}

#[test]
fn full_table_turns_checking_off_without_panicking() {
    let t = OrderTable::<8, 2>::new();
    let mut orders = (1..100u32).map(|i| t.acquire(i, i + 1000, no_stack));
    assert!(orders.by_ref().take(8).all(|o| o == Order::New));
    assert_eq!(orders.next(), Some(Order::Off));
    assert_eq!(t.len(), 8);
    // From now on nothing is checked, not even a plain inversion.
    assert_eq!(t.acquire(1001, 1, no_stack), Order::Off);
    assert_eq!(t.acquire(5000, 5001, no_stack), Order::Off);
}

#[test]
fn stack_is_cut_to_the_frames_kept() {
    let t = OrderTable::<16, 2>::new();
    t.acquire(A, B, |out| {
        out.copy_from_slice(&[1, 2]);
        5 // claims more than there was room for
    });
    let mut out = [0; 8];
    assert_eq!(t.saved_stack(A, B, &mut out), 2);
}

#[test]
fn class_set_reports_each_class_once() {
    let s = ClassSet::<4>::new();
    assert!(s.insert(A));
    assert!(!s.insert(A));
    assert!(s.insert(B));
    assert!(!s.insert(0));
    assert!(s.insert(C) && s.insert(C + 1));
    assert!(!s.insert(C + 2), "a full set reports nothing more");
}

#[test]
fn classes_are_init_sites() {
    #[track_caller]
    fn here() -> &'static core::panic::Location<'static> {
        core::panic::Location::caller()
    }
    let (first, second) = (here(), here());
    assert_ne!(class_id(first), class_id(second));
    assert_eq!(class_id(first), class_id(first));
}
