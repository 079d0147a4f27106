//! `/proc/sysvipc/{shm,sem,msg}`: the System V IPC objects, one line each,
//! in Linux's format (ipc/{shm,sem,msg}.c `sysvipc_*_proc_show`), and the
//! IPC limits of `/proc/sys/kernel/`.

use alloc::sync::Arc;

use abi::KResult;
use fs::Inode;
use ipc::limits::Sysctl;

use crate::node::{self, Ctx, Maker};

/// Inode numbers 0x300.. belong to this directory.
pub const SYSVIPC_INO: u64 = 0x300;

pub const SYSVIPC: &[(&str, Maker)] = &[
    ("shm", |c, _| node::file(c, SYSVIPC_INO + 1, 0o444, || Ok(ipc::shm::proc_text().into_bytes()))),
    ("sem", |c, _| node::file(c, SYSVIPC_INO + 2, 0o444, || Ok(ipc::sem::proc_text().into_bytes()))),
    ("msg", |c, _| node::file(c, SYSVIPC_INO + 3, 0o444, || Ok(ipc::msg::proc_text().into_bytes()))),
];

/// `/proc/sys/kernel/<name>` for IPC limit `which` (root-writable, 0644).
pub fn limit_file(ctx: Ctx, which: Sysctl) -> Arc<dyn Inode> {
    let index = Sysctl::ALL.iter().position(|(_, s)| *s == which).unwrap_or(0) as u64;
    node::rw_file(
        ctx,
        SYSVIPC_INO + 0x10 + index,
        0o644,
        (0, 0),
        move || Ok(which.read().into_bytes()),
        move |buf: &[u8]| -> KResult<usize> {
            which.write(buf)?;
            Ok(buf.len())
        },
    )
}
