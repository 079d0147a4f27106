//! Host tests of `FilePages` as file storage (no mappings; the shared
//! mappings are in `crate::test::shared_file`).

use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::frame::{self, FrameKind};
use crate::test::serial;

fn cache_frames() -> usize {
    frame::stats().in_use(FrameKind::PageCache)
}

#[test]
fn reads_back_writes_with_holes_as_zeros() {
    let _s = serial();
    let f = FilePages::new();
    assert_eq!(f.write_at(10_000, b"abc"), Ok(3));
    assert_eq!(f.size(), 10_003);
    assert_eq!(f.resident_pages(), 1, "only the written page has a frame");
    let mut buf = vec![0xffu8; 10_010];
    assert_eq!(f.read_at(0, &mut buf), 10_003);
    assert!(buf[..10_000].iter().all(|&b| b == 0));
    assert_eq!(&buf[10_000..10_003], b"abc");
    assert_eq!(f.read_at(10_003, &mut buf), 0);
    assert_eq!(f.read_at(u64::MAX, &mut buf), 0);
}

#[test]
fn writes_across_pages_and_appends() {
    let _s = serial();
    let f = FilePages::new();
    let data: Vec<u8> = (0..9000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(f.write_at(100, &data), Ok(9000));
    let mut back = vec![0u8; 9000];
    assert_eq!(f.read_at(100, &mut back), 9000);
    assert_eq!(back, data);
    assert_eq!(f.append(b"end"), Ok((9100, 3)));
    assert_eq!(f.size(), 9103);
    assert_eq!(f.size_and_pages(), (9103, 3));
    assert_eq!(f.write_at(u64::MAX - 1, b"xy"), Err(Errno::EFBIG));
}

#[test]
fn truncate_drops_pages_and_zeros_the_tail() {
    let _s = serial();
    let f = FilePages::new();
    f.write_at(0, &[7u8; 3 * PAGE_SIZE]).unwrap();
    assert_eq!(f.resident_pages(), 3);
    f.truncate(150);
    assert_eq!(f.size(), 150);
    assert_eq!(f.resident_pages(), 1);
    f.truncate(2 * PAGE_SIZE as u64);
    let mut buf = vec![0xffu8; 2 * PAGE_SIZE];
    assert_eq!(f.read_at(0, &mut buf), 2 * PAGE_SIZE);
    assert!(buf[..150].iter().all(|&b| b == 7));
    assert!(buf[150..].iter().all(|&b| b == 0), "growing after shrinking reads zeros");
    assert_eq!(f.resident_pages(), 1, "growing allocates nothing");
}

#[test]
fn frames_are_page_cache_and_freed_with_the_file() {
    let _s = serial();
    let before = cache_frames();
    let f = FilePages::new();
    f.write_at(0, &[1u8; 4 * PAGE_SIZE]).unwrap();
    assert_eq!(cache_frames(), before + 4);
    let held = f.frame(1).unwrap();
    assert_eq!(held.kind(), FrameKind::PageCache);
    f.truncate(PAGE_SIZE as u64);
    assert_eq!(cache_frames(), before + 2, "page 1 is still held by a handle");
    drop(held);
    assert_eq!(cache_frames(), before + 1);
    drop(f);
    assert_eq!(cache_frames(), before);
}

#[test]
fn fault_lookup_fills_holes_and_stops_at_the_end() {
    let _s = serial();
    let f = FilePages::new();
    f.truncate(PAGE_SIZE as u64 + 1);
    let p1 = f.page_for_fault(1).unwrap();
    assert_eq!(f.resident_pages(), 1, "a hole gets a frame when mapped");
    p1.write(0, b"m");
    let mut b = [0u8; 1];
    assert_eq!(f.read_at(PAGE_SIZE as u64, &mut b), 1);
    assert_eq!(&b, b"m", "the mapped frame is the file's data");
    assert_eq!(f.page_for_fault(2).err(), Some(Fault::Bus));
    f.truncate(0);
    assert_eq!(f.page_for_fault(0).err(), Some(Fault::Bus));
}
