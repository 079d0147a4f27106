//! Boot-time assembly of the file system tree, so the kernel's wiring stays
//! a few lines: the root ramfs filled from the initramfs, the memory devices,
//! the console, and a devtmpfs on /dev (as Linux's `CONFIG_DEVTMPFS_MOUNT`).

use alloc::sync::Arc;

use abi::{Errno, KResult};

use crate::dev::{self, SharedOps, numbers};
use crate::initramfs::{self, UnpackStats};
use crate::location::Location;
use crate::mount::Mount;
use crate::perm::Cred;
use crate::ramfs::RamFs;
use crate::tty::Tty;
use crate::vfs::Resolver;

/// Registers `tty` as `/dev/console`, `/dev/tty` (weft has one terminal, so
/// every process's controlling tty is the console) and `/dev/ttyS0`.
pub fn register_console(tty: &Arc<Tty>) {
    for id in [numbers::CONSOLE, numbers::TTY, numbers::TTYS0] {
        dev::register_char_device(id, Arc::new(SharedOps(tty.clone())));
    }
}

/// Makes the root ramfs, unpacks `initramfs` into it (an empty slice gives
/// an empty root), registers the memory devices and mounts a devtmpfs on
/// /dev (created if missing). Returns the root location for the first
/// process's `FsContext` and what was unpacked.
pub fn mount_root(initramfs: &[u8]) -> KResult<(Location, UnpackStats)> {
    let fs = RamFs::new("rootfs", 0o755);
    let root_dir = fs.root_inode().clone();
    let mount = Mount::new_root(fs, b"rootfs");
    let root = Location::mount_root(&mount);
    let stats = if initramfs.is_empty() {
        UnpackStats::default()
    } else {
        initramfs::unpack(&(root_dir as Arc<dyn crate::Inode>), initramfs)?
    };
    dev::register_mem_devices();
    let r = Resolver::new(root.clone(), root.clone(), Cred::ROOT, 0);
    match r.mkdir(None, b"/dev", 0o755) {
        Ok(()) | Err(Errno::EEXIST) => {}
        Err(e) => return Err(e),
    }
    r.mount(None, b"/dev", dev::new_devfs()?, b"devtmpfs")?;
    Ok((root, stats))
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::flags::OpenFlags;
    use crate::test_util::ready;

    #[test]
    fn root_with_dev() {
        let (root, stats) = mount_root(&[]).unwrap();
        assert_eq!(stats.entries, 0);
        let r = Resolver::new(root.clone(), root, Cred::ROOT, 0);
        let null = r.open(None, b"/dev/null", OpenFlags::RDWR, 0).unwrap();
        assert_eq!(ready(|cx| null.poll_write(cx, b"x")), Ok(1));
        let text = crate::mount::proc_mounts_text(r.root());
        assert_eq!(
            core::str::from_utf8(&text).unwrap(),
            "rootfs / rootfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n"
        );
    }
}
