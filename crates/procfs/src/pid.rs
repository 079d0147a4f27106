//! `/proc/<pid>` and `/proc/<pid>/task/<tid>`: one table of entries for
//! both (a thread directory has all but `task/`), each made for a
//! [`View`]. Files look their process up again at every open, so a file
//! of a process that is gone fails with ESRCH instead of keeping it alive.

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use fs::{DirEntry, FileType, Inode};
use task::process::{Process, Thread};
use task::topology::Pid;

use crate::node::{self, Ctx, Ino};
use crate::snapshot::{self, GroupTimes, ProcSnap, current_thread};
use crate::{fd, limits, stat, status, system};

/// Which process (and which of its threads) a directory shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    pub pid: Pid,
    /// `Some`: a thread directory (`task/<tid>`), or `/proc/<tid>`.
    pub tid: Option<Pid>,
}

impl View {
    fn ino(&self, kind: u64) -> u64 {
        Ino::of(self.pid, self.tid.unwrap_or(0), kind)
    }

    /// The thread this view shows: its own, or the process's leader.
    fn thread(&self) -> KResult<Arc<Thread>> {
        let t = snapshot::find_thread(self.tid.unwrap_or(self.pid)).ok_or(Errno::ESRCH)?;
        if t.pid() != self.pid {
            return Err(Errno::ESRCH);
        }
        Ok(t)
    }

    /// Any live thread of the process (the leader may have exited).
    fn any_thread(&self) -> KResult<Arc<Thread>> {
        self.thread().or_else(|_| self.process()?.first_thread().ok_or(Errno::ESRCH))
    }

    fn process(&self) -> KResult<Arc<Process>> {
        task::process::find_process(self.pid).ok_or(Errno::ESRCH)
    }

    /// Bytes from the process; empty for a kernel task, as a kthread's
    /// cmdline and environ are on Linux.
    fn user_bytes(&self, get: impl Fn(&Process) -> Vec<u8>) -> KResult<Vec<u8>> {
        if self.pid >= snapshot::KTHREAD_PID_BASE {
            return snapshot::process(self.pid).map(|_| Vec::new()).ok_or(Errno::ESRCH);
        }
        Ok(get(&*self.process()?))
    }

    fn snap(&self) -> KResult<ProcSnap> {
        self.snap_with(GroupTimes::Skip)
    }

    fn snap_with(&self, times: GroupTimes) -> KResult<ProcSnap> {
        let s = snapshot::process_view(self.pid, self.tid, times).ok_or(Errno::ESRCH)?;
        if let Some(tid) = self.tid
            && s.thread(tid).is_none()
        {
            return Err(Errno::ESRCH);
        }
        Ok(s)
    }
}

type Make = fn(Ctx, View, (u32, u32), &Arc<dyn Inode>) -> Arc<dyn Inode>;

/// Entries of a process directory, in Linux's listing order; `task` is
/// left out of thread directories.
const ENTRIES: &[(&str, Make)] = &[
    ("task", |c, v, o, p| task_dir(c, v, o, p)),
    ("fd", |c, v, o, p| fd::fd_dir(c, v.pid, o, p, false)),
    ("fdinfo", |c, v, o, p| fd::fd_dir(c, v.pid, o, p, true)),
    ("environ", |c, v, o, _| text(c, v, 7, 0o400, o, move || v.user_bytes(|p| p.environ.lock().clone()))),
    ("status", |c, v, o, _| text(c, v, 3, 0o444, o, move || Ok(status::status_text(&v.snap()?, v.tid, system::cpu_count())))),
    ("limits", |c, v, o, _| text(c, v, 14, 0o444, o, move || v.user_bytes(|p| limits::limits_text(&p.limits.lock())))),
    ("cmdline", |c, v, o, _| text(c, v, 5, 0o444, o, move || v.user_bytes(|p| p.cmdline.lock().clone()))),
    ("stat", |c, v, o, _| text(c, v, 2, 0o444, o, move || Ok(stat::stat_line(&v.snap_with(GroupTimes::Sum)?, v.tid)))),
    ("statm", |c, v, o, _| text(c, v, 4, 0o444, o, move || Ok(stat::statm_line(&v.snap()?)))),
    ("maps", |c, v, o, _| text(c, v, 8, 0o444, o, move || maps_text(v))),
    ("mounts", |c, v, o, _| text(c, v, 16, 0o444, o, move || Ok(fs::mount::proc_mounts_text(&v.any_thread()?.try_fs().ok_or(Errno::ESRCH)?.root())))),
    ("comm", comm_file),
    ("cwd", |c, v, o, _| node::link(c, v.ino(10), 0o777, o, move || cwd_path(v, false))),
    ("root", |c, v, o, _| node::link(c, v.ino(11), 0o777, o, move || cwd_path(v, true))),
    ("exe", |c, v, o, _| node::link(c, v.ino(9), 0o777, o, move || exe_path(v))),
];

/// The directory of process `pid` (`tid` None) or of one of its threads.
/// None if there is no such process or thread.
pub fn pid_dir(ctx: Ctx, view: View, parent: &Arc<dyn Inode>) -> Option<Arc<dyn Inode>> {
    let owner = snapshot::owner(view.pid, view.tid)?;
    let entries = move || ENTRIES.iter().filter(move |(name, _)| view.tid.is_none() || *name != "task");
    let m = node::meta(ctx, view.ino(1), FileType::Directory, 0o555, owner.0, owner.1);
    Some(node::dir(
        m,
        Some(parent.clone()),
        move |this| entries().map(|(name, make)| (name.as_bytes().to_vec(), make(ctx, view, owner, this))).collect(),
        move |this, name| entries().find(|(n, _)| n.as_bytes() == name).map(|(_, make)| make(ctx, view, owner, this)),
    ))
}

/// `task/`: one directory per live thread.
fn task_dir(ctx: Ctx, view: View, owner: (u32, u32), parent: &Arc<dyn Inode>) -> Arc<dyn Inode> {
    let pid = view.pid;
    let m = node::meta(ctx, view.ino(15), FileType::Directory, 0o555, owner.0, owner.1);
    // Listed by name: making each thread's directory to list it cost more
    // than all the rest with 32,000 threads.
    node::dir_of_names(
        m,
        parent.clone(),
        move || {
            snapshot::thread_ids(pid)
                .into_iter()
                .map(|tid| DirEntry {
                    ino: View { pid, tid: Some(tid) }.ino(1),
                    file_type: FileType::Directory,
                    name: alloc::format!("{tid}").into_bytes(),
                    next_offset: 0,
                })
                .collect()
        },
        move |this, name| {
            let tid: Pid = core::str::from_utf8(name).ok()?.parse().ok()?;
            pid_dir(ctx, View { pid, tid: Some(tid) }, this)
        },
    )
}

fn text(ctx: Ctx, v: View, kind: u64, perm: u32, owner: (u32, u32), read: impl Fn() -> KResult<Vec<u8>> + Send + Sync + 'static) -> Arc<dyn Inode> {
    let m = node::meta(ctx, v.ino(kind), FileType::Regular, perm, owner.0, owner.1);
    fs::synthetic::SynthFile::new(m, alloc::boxed::Box::new(read), None)
}

/// `comm`: the thread's name; writable by the threads of the same process
/// (Linux's `comm_write`: at most 15 bytes are kept, a newline included;
/// EINVAL from another process).
fn comm_file(ctx: Ctx, v: View, owner: (u32, u32), _parent: &Arc<dyn Inode>) -> Arc<dyn Inode> {
    node::rw_file(
        ctx,
        v.ino(6),
        0o644,
        owner,
        move || {
            let snap = v.snap()?;
            let name = match v.tid {
                Some(tid) => snap.thread(tid).map(|t| t.comm.clone()).unwrap_or_default(),
                None => snap.comm,
            };
            Ok([name.as_slice(), b"\n"].concat())
        },
        move |buf| {
            let target = v.thread()?;
            let me = current_thread().ok_or(Errno::EINVAL)?;
            if me.pid() != target.pid() {
                return Err(Errno::EINVAL);
            }
            target.set_comm(&buf[..buf.len().min(15)]);
            Ok(buf.len())
        },
    )
}

fn maps_text(v: View) -> KResult<Vec<u8>> {
    let Ok(t) = v.any_thread() else {
        return if snapshot::process(v.pid).is_some() { Ok(Vec::new()) } else { Err(Errno::ESRCH) };
    };
    // No lock is held while the address space lists its VMAs.
    let Some(vm) = t.try_vm() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for e in vm.maps() {
        out.extend_from_slice(alloc::format!("{e}\n").as_bytes());
    }
    Ok(out)
}

/// `cwd` (or `root`): the path of the directory as seen from the root.
fn cwd_path(v: View, root: bool) -> KResult<Vec<u8>> {
    let fs = v.any_thread()?.try_fs().ok_or(Errno::ENOENT)?;
    let top = fs.root();
    if root {
        return Ok(b"/".to_vec());
    }
    fs.cwd().absolute_path(&top)
}

/// `exe`: the program's file, as Linux's `mm->exe_file`: the file of the
/// lowest file mapping (the main image; exec names mappings by the file's
/// real path). Without one, the path execve was given, completed with
/// the current directory.
fn exe_path(v: View) -> KResult<Vec<u8>> {
    if let Some(vm) = v.any_thread().ok().and_then(|t| t.try_vm()) {
        // No lock is held while the address space lists its VMAs.
        if let Some(e) = vm.maps().into_iter().find(|e| e.inode != 0 && e.name.starts_with('/')) {
            return Ok(e.name.into_bytes());
        }
    }
    let exe = v.process()?.exe.lock().clone();
    if exe.is_empty() {
        return Err(Errno::ENOENT);
    }
    if exe.starts_with(b"/") {
        return Ok(exe);
    }
    let mut path = cwd_path(v, false)?;
    if path != b"/" {
        path.push(b'/');
    }
    path.extend_from_slice(exe.strip_prefix(b"./").unwrap_or(&exe));
    Ok(path)
}
