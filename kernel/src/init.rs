//! The root file system and the first process.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use arch::boot::BootInfo;
use arch::fpu::FpuState;
use arch::user::UserContext;
use fs::{FdTable, FileSystem, FsContext, Inode, Location, Mount, OpenFlags};

/// Builds the root file system: a ramfs holding the initramfs, with the
/// device nodes added to /dev when the archive lacks them.
pub fn root_fs(boot: &BootInfo) -> Location {
    let rootfs = fs::ramfs::RamFs::new("rootfs", 0o755);
    let root: Arc<dyn Inode> = rootfs.root();
    match boot.initrd_bytes() {
        Some(image) => match fs::initramfs::unpack(&root, image) {
            Ok(stats) => log::info!("initramfs: {} entries, {} KiB of files", stats.entries, stats.bytes >> 10),
            Err(e) => log::error!("initramfs: cannot unpack: {e:?}"),
        },
        None => log::warn!("no initramfs given (-initrd)"),
    }
    fs::dev::register_mem_devices();
    let dev = match root.lookup(b"dev") {
        Ok(d) => Ok(d),
        Err(_) => root.create(b"dev", fs::NewNode::Directory, 0o755, 0, 0),
    };
    if let Ok(dev) = dev {
        if let Err(e) = fs::dev::populate_dev(&dev) {
            log::warn!("cannot populate /dev: {e:?}");
        }
    }
    let mount = Mount::new_root(rootfs, b"rootfs");
    Location::mount_root(&mount)
}

/// Starts `path` (with `args` after argv[0]) as process 1, with the console
/// on fds 0, 1 and 2. Returns false when it cannot be started.
pub fn start_init(root: Location, path: &str, args: &[&str]) -> bool {
    let fs_ctx = Arc::new(FsContext::new(root));
    let files = Arc::new(FdTable::new());
    let console = fs_ctx.resolver(fs::Cred::ROOT).open(None, b"/dev/console", OpenFlags::RDWR, 0);
    match console {
        Ok(file) => {
            for _ in 0..3 {
                let _ = files.insert(file.clone(), false, 1024);
            }
        }
        Err(e) => log::warn!("init: cannot open /dev/console: {e:?}"),
    }
    let vm = match mm::AddressSpace::new() {
        Ok(vm) => vm,
        Err(e) => {
            log::error!("init: no address space: {e:?}");
            return false;
        }
    };
    let thread = match task::process::fork::create_init(vm, files, fs_ctx, arch::time::now_ns()) {
        Ok(t) => t,
        Err(e) => {
            log::error!("init: cannot create process 1: {e:?}");
            return false;
        }
    };
    let mut argv: Vec<Vec<u8>> = vec![path.as_bytes().to_vec()];
    argv.extend(args.iter().map(|a| a.as_bytes().to_vec()));
    let envp = vec![b"HOME=/".to_vec(), b"TERM=linux".to_vec(), b"PATH=/sbin:/bin:/usr/sbin:/usr/bin".to_vec()];
    let program = match task::process::exec::load_program(&thread, path.as_bytes(), argv, envp) {
        Ok(p) => p,
        Err(e) => {
            log::error!("init: cannot execute {path}: {e:?}");
            return false;
        }
    };
    let (entry, sp) = (program.entry, program.stack_pointer);
    task::process::exec::commit_exec(&thread, program);
    syscall::spawn_user_thread(thread, UserContext::new(entry, sp), FpuState::new());
    log::info!("started {path} as pid 1");
    true
}
