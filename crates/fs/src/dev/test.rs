use alloc::vec;

use super::*;
use crate::test_util::{new_root, ready, root_resolver};

fn devfs_resolver() -> crate::vfs::Resolver<'static> {
    register_mem_devices();
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/dev", 0o755).unwrap();
    r.mount(None, b"/dev", new_devfs().unwrap(), b"devtmpfs")
        .unwrap();
    r
}

#[test]
fn null_zero_full() {
    let r = devfs_resolver();
    let null = r.open(None, b"/dev/null", OpenFlags::RDWR, 0).unwrap();
    let mut buf = [7u8; 8];
    assert_eq!(ready(|cx| null.poll_read(cx, &mut buf)), Ok(0));
    assert_eq!(ready(|cx| null.poll_write(cx, b"gone")), Ok(4));
    assert_eq!(null.seek(100, 0), Ok(0));
    let zero = r.open(None, b"/dev/zero", OpenFlags::RDWR, 0).unwrap();
    assert_eq!(ready(|cx| zero.poll_read(cx, &mut buf)), Ok(8));
    assert_eq!(buf, [0; 8]);
    let full = r.open(None, b"/dev/full", OpenFlags::RDWR, 0).unwrap();
    assert_eq!(ready(|cx| full.poll_write(cx, b"x")), Err(Errno::ENOSPC));
    assert_eq!(null.metadata().rdev, numbers::NULL);
}

#[test]
fn random_uses_the_hook() {
    fn fours(buf: &mut [u8]) {
        buf.fill(4);
    }
    let r = devfs_resolver();
    let f = r
        .open(None, b"/dev/urandom", OpenFlags::empty(), 0)
        .unwrap();
    let mut a = vec![0u8; 64];
    ready(|cx| f.poll_read(cx, &mut a)).unwrap();
    assert!(
        a.iter().any(|&b| b != 0),
        "fallback generator produces bytes"
    );
    crate::hooks::set_random_source(fours);
    ready(|cx| f.poll_read(cx, &mut a)).unwrap();
    assert!(a.iter().all(|&b| b == 4));
}

#[test]
fn devfs_layout_and_missing_driver() {
    let r = devfs_resolver();
    assert_eq!(r.readlink(None, b"/dev/fd").unwrap(), b"/proc/self/fd");
    assert!(r.stat(None, b"/dev/shm", true).unwrap().is_dir());
    assert_eq!(
        r.stat(None, b"/dev/console", true).unwrap().rdev,
        numbers::CONSOLE
    );
    r.mknod(
        None,
        b"/dev/nothing",
        abi::linux::S_IFCHR | 0o600,
        DevId::new(250, 250),
    )
    .unwrap();
    assert_eq!(
        r.open(None, b"/dev/nothing", OpenFlags::empty(), 0).err(),
        Some(Errno::ENXIO)
    );
    // Nothing registered the console in this test process's registry under 5:1 here,
    // unless another test did: only check the node itself.
    assert_eq!(r.stat(None, b"/dev/tty", true).unwrap().rdev, numbers::TTY);
}
