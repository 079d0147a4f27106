//! `/proc/<pid>/fd/` (a symlink per open descriptor, named by number,
//! pointing at the file's path) and `/proc/<pid>/fdinfo/` (position,
//! flags, mount id and inode number per descriptor).
//!
//! Opening `fd/N` resolves the link's text again (weft's VFS has no
//! "magic links" yet, see docs/fs.md), so it works for files that still
//! have their path, not for pipes.

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use fs::{FdTable, FileType, Inode, OpenFile, OpenFlags};
use task::topology::Pid;

use crate::node::{self, Ctx, Ino};


/// The descriptor table and root of process `pid` (through any live thread).
fn files_of(pid: Pid) -> KResult<(Arc<FdTable>, fs::Location)> {
    let p = task::process::find_process(pid).ok_or(Errno::ESRCH)?;
    let t = p.first_thread().ok_or(Errno::ESRCH)?;
    let files = t.try_files().ok_or(Errno::ESRCH)?;
    let root = t.try_fs().ok_or(Errno::ESRCH)?.root();
    Ok((files, root))
}

/// `fd/` (`info` false) or `fdinfo/` (true) of process `pid`.
pub fn fd_dir(ctx: Ctx, pid: Pid, owner: (u32, u32), parent: &Arc<dyn Inode>, info: bool) -> Arc<dyn Inode> {
    let kind = if info { 13 } else { 12 };
    let m = node::meta(ctx, Ino::of(pid, 0, kind), FileType::Directory, 0o500, owner.0, owner.1);
    node::dir(
        m,
        Some(parent.clone()),
        move |_| {
            let Ok((files, _)) = files_of(pid) else { return Vec::new() };
            files
                .open_fds()
                .into_iter()
                .map(|(n, file)| (alloc::format!("{n}").into_bytes(), entry(ctx, pid, n, &file, owner, info)))
                .collect()
        },
        move |_, name| {
            let n: i32 = core::str::from_utf8(name).ok()?.parse().ok()?;
            let file = files_of(pid).ok()?.0.get(n).ok()?;
            Some(entry(ctx, pid, n, &file, owner, info))
        },
    )
}

fn entry(ctx: Ctx, pid: Pid, n: i32, file: &OpenFile, owner: (u32, u32), info: bool) -> Arc<dyn Inode> {
    let ino = Ino::fd(pid, n, info);
    if info {
        return node::rw_file(ctx, ino, 0o444, owner, move || fdinfo_text(pid, n), |_| Err(Errno::EACCES));
    }
    // Linux: r-x for a readable descriptor, -wx for a writable one.
    let flags = file.flags();
    let perm = if flags.readable() { 0o500 } else { 0 } | if flags.writable() { 0o300 } else { 0 };
    node::link(ctx, ino, perm, owner, move || {
        let (files, root) = files_of(pid)?;
        Ok(files.get(n).map_err(|_| Errno::ENOENT)?.path(&root))
    })
}

/// One fdinfo file (fs/proc/fd.c `seq_show`).
fn fdinfo_text(pid: Pid, n: i32) -> KResult<Vec<u8>> {
    let (files, _) = files_of(pid)?;
    let file = files.get(n).map_err(|_| Errno::ENOENT)?;
    let mut flags = file.flags().bits();
    if files.cloexec(n).unwrap_or(false) {
        flags |= OpenFlags::CLOEXEC.bits();
    }
    let pos = *file.pos();
    let mnt = file.location().map_or(0, |l| l.mount().id());
    let ino = file.inode().ino();
    Ok(alloc::format!("pos:\t{pos}\nflags:\t0{flags:o}\nmnt_id:\t{mnt}\nino:\t{ino}\n").into_bytes())
}

