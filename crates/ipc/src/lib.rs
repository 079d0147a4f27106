//! System V IPC (Linux v6.1 `ipc/`): shared memory segments, semaphore
//! arrays and message queues in one IPC namespace, with Linux's ids, keys,
//! permissions, limits and errnos. The syscall layer decodes arguments and
//! copies user memory; everything here works on kernel values, so it
//! builds and tests on the host.
//!
//! Lock order: a family's id table -> an object's own lock -> a wait
//! queue's lock. The SEM_UNDO registry (`sem::UNDO_OWNERS`) is never held
//! with another of these. At a process's death `task` calls
//! `sem::exit_undo` with its process table locked: table -> registry, then
//! table -> one array at a time; no IPC path takes the process table.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod ids;
pub mod limits;
pub mod msg;
pub mod perm;
pub mod sem;
pub mod shm;

#[cfg(test)]
mod test;

/// `IPC_PRIVATE`: a key that always creates a new object.
pub const IPC_PRIVATE: i32 = 0;
pub const IPC_CREAT: u32 = 0o1000;
pub const IPC_EXCL: u32 = 0o2000;
pub const IPC_NOWAIT: u32 = 0o4000;

pub const IPC_RMID: i32 = 0;
pub const IPC_SET: i32 = 1;
pub const IPC_STAT: i32 = 2;
pub const IPC_INFO: i32 = 3;

/// Who is calling, as the checks need it.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    pub euid: u32,
    pub egid: u32,
    /// The group id permission checks use (Linux's `in_group_p`).
    pub fsgid: u32,
    pub groups: alloc::vec::Vec<u32>,
    /// root (weft's stand-in for CAP_IPC_OWNER, CAP_SYS_ADMIN and
    /// CAP_SYS_RESOURCE).
    pub privileged: bool,
    pub tgid: i32,
    /// Wall-clock seconds, for the time stamps.
    pub now: i64,
}

impl Caller {
    pub(crate) fn in_group(&self, gid: u32) -> bool {
        self.fsgid == gid || self.groups.contains(&gid)
    }
}
