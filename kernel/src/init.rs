//! The root file system and the first process.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use arch::boot::BootInfo;
use arch::fpu::FpuState;
use arch::user::UserContext;
use fs::{FdTable, FsContext, Location, OpenFlags};

/// Builds the root file system: a ramfs holding the initramfs, with a
/// devtmpfs on /dev.
pub fn root_fs(boot: &BootInfo) -> Location {
    match fs::boot::mount_root(boot.initrd_bytes().unwrap_or(&[])) {
        Ok((root, stats)) => {
            log::info!("initramfs: {} entries, {} KiB of files", stats.entries, stats.bytes >> 10);
            root
        }
        Err(e) => panic!("cannot build the root file system: {e:?}"),
    }
}

/// Starts `path` (with the words of `args` after argv[0]) as process 1, with the console
/// on fds 0, 1 and 2. Returns false when it cannot be started.
pub fn start_init(root: Location, path: &str, args: &str) -> bool {
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
    argv.extend(args.split_ascii_whitespace().map(|a| a.as_bytes().to_vec()));
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
