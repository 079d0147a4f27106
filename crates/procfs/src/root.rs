//! The root of /proc: the system-wide files, `self` and `thread-self`,
//! `sys/`, and a directory per process (kernel tasks included). A thread
//! id that is not a process id is not listed but can be looked up, as on
//! Linux (`/proc/<tid>` shows that thread).

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::Errno;
use fs::Inode;
use task::topology::Pid;

use crate::node::{self, Ctx, Entries, Ino, Maker};
use crate::pid::{View, pid_dir};
use crate::snapshot::{self, current_thread};
use crate::{cpuinfo, global, net, sysctl, system, sysvipc};

const FIXED: &[(&str, Maker)] = &[
    ("self", |c, _| node::link(c, 0x10, 0o777, (0, 0), || Ok(alloc::format!("{}", me()?.0).into_bytes()))),
    ("thread-self", |c, _| {
        node::link(c, 0x11, 0o777, (0, 0), || {
            let (pid, tid) = me()?;
            Ok(alloc::format!("{pid}/task/{tid}").into_bytes())
        })
    }),
    ("mounts", |c, _| node::link(c, 0x12, 0o777, (0, 0), || Ok(b"self/mounts".to_vec()))),
    ("meminfo", |c, _| node::file(c, 0x13, 0o444, || Ok(global::meminfo_text(&mm::frame::stats())))),
    ("cpuinfo", |c, _| node::file(c, 0x14, 0o444, || Ok(cpuinfo::cpuinfo_text(system::cpu_count())))),
    ("stat", |c, _| node::file(c, 0x15, 0o444, || Ok(global::stat_text()))),
    ("uptime", |c, _| node::file(c, 0x16, 0o444, || Ok(global::uptime_text()))),
    ("loadavg", |c, _| node::file(c, 0x17, 0o444, || Ok(global::loadavg_text()))),
    ("cmdline", |c, _| node::file(c, 0x18, 0o444, || Ok(global::cmdline_text()))),
    ("filesystems", |c, _| node::file(c, 0x19, 0o444, || Ok(global::filesystems_text()))),
    ("version", |c, _| node::file(c, 0x1a, 0o444, || Ok(global::version_text()))),
    ("sys", |c, p| node::fixed_dir(c, 0x1b, Some(p.clone()), sysctl::SYS)),
    ("net", |c, p| node::fixed_dir(c, net::NET_INO, Some(p.clone()), net::NET)),
    ("sysvipc", |c, p| node::fixed_dir(c, sysvipc::SYSVIPC_INO, Some(p.clone()), sysvipc::SYSVIPC)),
];

/// (pid, tid) of the caller: ENOENT outside a user thread, as Linux's
/// /proc/self is for a kernel thread.
fn me() -> Result<(Pid, Pid), Errno> {
    let t = current_thread().ok_or(Errno::ENOENT)?;
    Ok((t.pid(), t.tid()))
}

/// The root directory of a new procfs instance.
pub fn root(ctx: Ctx) -> Arc<dyn Inode> {
    let m = node::meta(ctx, Ino::ROOT, fs::FileType::Directory, 0o555, 0, 0);
    node::dir(
        m,
        None,
        move |this| {
            let mut out: Entries = FIXED.iter().map(|(n, make)| (n.as_bytes().to_vec(), make(ctx, this))).collect();
            let pids: Vec<Pid> = snapshot::user_pids().into_iter().chain(snapshot::kernel_pids()).collect();
            for pid in pids {
                if let Some(d) = pid_dir(ctx, View { pid, tid: None }, this) {
                    out.push((alloc::format!("{pid}").into_bytes(), d));
                }
            }
            out
        },
        move |this, name| {
            if let Some((_, make)) = FIXED.iter().find(|(n, _)| n.as_bytes() == name) {
                return Some(make(ctx, this));
            }
            let id: Pid = core::str::from_utf8(name).ok()?.parse().ok()?;
            if name.starts_with(b"0") || name.starts_with(b"+") {
                return None;
            }
            let pid = snapshot::tgid_of(id)?;
            let view = if pid == id { View { pid, tid: None } } else { View { pid, tid: Some(id) } };
            pid_dir(ctx, view, this)
        },
    )
}
