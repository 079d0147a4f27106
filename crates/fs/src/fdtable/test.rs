use alloc::sync::Arc;

use super::*;
use crate::flags::OpenFlags;
use crate::pipe::new_pipe;

fn file() -> Arc<OpenFile> {
    new_pipe(OpenFlags::empty(), 0, 0).0
}

#[test]
fn lowest_free_and_limits() {
    let t = FdTable::new();
    assert_eq!(t.insert(file(), false, 3), Ok(0));
    assert_eq!(t.insert(file(), false, 3), Ok(1));
    assert_eq!(t.insert(file(), false, 3), Ok(2));
    assert_eq!(t.insert(file(), false, 3), Err(Errno::EMFILE));
    t.close(1).unwrap();
    assert_eq!(t.insert(file(), false, 3), Ok(1));
    assert_eq!(t.close(7), Err(Errno::EBADF));
    assert_eq!(t.close(-1), Err(Errno::EBADF));
    assert_eq!(t.get(-5).err(), Some(Errno::EBADF));
    assert_eq!(t.count(), 3);
}

#[test]
fn dup_family() {
    let t = FdTable::new();
    let f = file();
    t.insert(f.clone(), true, 64).unwrap();
    assert_eq!(t.dup(0, 64), Ok(1));
    assert!(Arc::ptr_eq(&t.get(1).unwrap(), &f));
    assert_eq!(t.cloexec(1), Ok(false), "dup clears close-on-exec");
    assert_eq!(t.dup2(0, 0, 64), Ok(0), "dup2 onto itself");
    assert_eq!(t.dup2(5, 5, 64), Err(Errno::EBADF));
    assert_eq!(t.dup2(0, 10, 64), Ok(10));
    assert_eq!(t.dup2(0, 64, 64), Err(Errno::EBADF));
    assert_eq!(t.dup3(0, 0, OpenFlags::CLOEXEC, 64), Err(Errno::EINVAL));
    assert_eq!(t.dup3(0, 3, OpenFlags::NONBLOCK, 64), Err(Errno::EINVAL));
    assert_eq!(t.dup3(0, 3, OpenFlags::CLOEXEC, 64), Ok(3));
    assert_eq!(t.cloexec(3), Ok(true));
    assert_eq!(t.dup_min(0, 5, true, 64), Ok(5));
    assert_eq!(t.dup_min(0, 5, false, 64), Ok(6));
    assert_eq!(t.dup_min(0, 64, false, 64), Err(Errno::EINVAL));
    assert_eq!(t.dup_min(0, -1, false, 64), Err(Errno::EINVAL));
}

#[test]
fn dup2_over_open_fd_releases_it() {
    let t = FdTable::new();
    let (r, w) = new_pipe(OpenFlags::empty(), 0, 0);
    t.insert(r, false, 64).unwrap();
    t.insert(w, false, 64).unwrap();
    let other = file();
    t.insert(other, false, 64).unwrap();
    // Replacing the only write end closes it: the pipe sees EOF.
    t.dup2(2, 1, 64).unwrap();
    let r = t.get(0).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(
        crate::test_util::ready(|cx| r.poll_read(cx, &mut buf)),
        Ok(0)
    );
}

#[test]
fn exec_and_fork() {
    let t = FdTable::new();
    t.insert(file(), true, 64).unwrap();
    t.insert(file(), false, 64).unwrap();
    t.set_cloexec(1, true).unwrap();
    t.set_cloexec(1, false).unwrap();
    let child = t.fork_copy();
    assert!(
        Arc::ptr_eq(&child.get(1).unwrap(), &t.get(1).unwrap()),
        "fork shares descriptions"
    );
    child.close_on_exec();
    assert_eq!(child.get(0).err(), Some(Errno::EBADF));
    assert!(child.get(1).is_ok());
    assert!(t.get(0).is_ok(), "parent unaffected");
    assert_eq!(t.open_fds().len(), 2);
    t.close_range(0, u32::MAX, true).unwrap();
    assert_eq!(t.cloexec(1), Ok(true));
    t.close_range(1, 5, false).unwrap();
    assert_eq!(t.count(), 1);
    assert_eq!(t.close_range(3, 2, false), Err(Errno::EINVAL));
    t.close_all();
    assert_eq!(t.count(), 0);
}

#[test]
fn every_way_of_closing_makes_the_lowest_fd_free_again() {
    let t = FdTable::new();
    for want in 0..8 {
        assert_eq!(t.insert(file(), want % 2 == 1, 64), Ok(want));
    }
    // A start above the lowest free fd leaves the hint alone.
    t.close(2).unwrap();
    assert_eq!(t.insert_from(5, file(), false, 64), Ok(8));
    assert_eq!(t.insert(file(), false, 64), Ok(2));
    t.close_range(4, 5, false).unwrap();
    assert_eq!(t.insert(file(), false, 64), Ok(4));
    t.close_on_exec(); // 1, 3, 5 (re-opened without), 7
    assert_eq!(t.insert(file(), false, 64), Ok(1));
    assert_eq!(t.insert(file(), false, 64), Ok(3));
    assert_eq!(t.insert(file(), false, 64), Ok(5));
    assert_eq!(t.insert(file(), false, 64), Ok(7));
    assert_eq!(t.insert(file(), false, 64), Ok(9));
    let child = t.fork_copy();
    child.close(0).unwrap();
    assert_eq!(child.insert(file(), false, 64), Ok(0));
    assert_eq!(t.insert(file(), false, 64), Ok(10));
    t.close_all();
    assert_eq!(t.insert(file(), false, 64), Ok(0));
}
