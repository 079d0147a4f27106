//! `struct kern_ipc_perm` and Linux's checks on it (ipc/util.c).

use abi::{Errno, KResult};

use crate::Caller;

/// The permission bits of `mode` (S_IRWXUGO).
pub const MODE_BITS: u32 = 0o777;
/// Access asked of an object, in `rwx` triplets (Linux `S_IRUGO`, ...).
pub const READ: u32 = 0o444;
pub const WRITE: u32 = 0o222;

/// Owner, creator, mode and sequence number of an IPC object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpcPerm {
    pub key: i32,
    pub id: i32,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    /// Permission bits plus family flags (SHM_DEST, ...).
    pub mode: u32,
    pub seq: u32,
}

impl IpcPerm {
    /// A new object's permissions: owned and created by the caller.
    pub fn new(key: i32, mode: u32, caller: &Caller) -> Self {
        Self {
            key,
            id: 0,
            uid: caller.euid,
            gid: caller.egid,
            cuid: caller.euid,
            cgid: caller.egid,
            mode: mode & MODE_BITS,
            seq: 0,
        }
    }

    /// Linux's `ipcperms`: whether `caller` may access the object as
    /// `flag` asks (any of its rwx triplets); root may always.
    pub fn allows(&self, caller: &Caller, flag: u32) -> bool {
        let requested = (flag >> 6) | (flag >> 3) | flag;
        let mut granted = self.mode;
        if caller.euid == self.cuid || caller.euid == self.uid {
            granted >>= 6;
        } else if caller.in_group(self.cgid) || caller.in_group(self.gid) {
            granted >>= 3;
        }
        requested & !granted & 0o7 == 0 || caller.privileged
    }

    /// EACCES unless `allows`.
    pub fn check(&self, caller: &Caller, flag: u32) -> KResult<()> {
        if self.allows(caller, flag) { Ok(()) } else { Err(Errno::EACCES) }
    }

    /// Linux's `ipcctl_obtain_check` for IPC_SET and IPC_RMID: the owner,
    /// the creator or root; EPERM otherwise.
    pub fn check_owner(&self, caller: &Caller) -> KResult<()> {
        if caller.euid == self.cuid || caller.euid == self.uid || caller.privileged {
            Ok(())
        } else {
            Err(Errno::EPERM)
        }
    }

    /// IPC_SET: new owner and permission bits (the family flags stay).
    pub fn set(&mut self, new: &PermSet) {
        self.uid = new.uid;
        self.gid = new.gid;
        self.mode = (self.mode & !MODE_BITS) | (new.mode & MODE_BITS);
    }

    /// `struct ipc64_perm` as x86_64 user space sees it (48 bytes).
    pub fn to_user(&self) -> [u8; 48] {
        let mut b = [0u8; 48];
        put_i32(&mut b, 0, self.key);
        put_u32(&mut b, 4, self.uid);
        put_u32(&mut b, 8, self.gid);
        put_u32(&mut b, 12, self.cuid);
        put_u32(&mut b, 16, self.cgid);
        put_u32(&mut b, 20, self.mode);
        b[24..26].copy_from_slice(&(self.seq as u16).to_le_bytes());
        b
    }
}

/// The fields of `struct ipc64_perm` IPC_SET takes.
#[derive(Clone, Copy, Debug, Default)]
pub struct PermSet {
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
}

impl PermSet {
    /// Reads them from the start of a user `*id64_ds`.
    pub fn from_user(b: &[u8]) -> Self {
        Self { uid: get_u32(b, 4), gid: get_u32(b, 8), mode: get_u32(b, 20) }
    }
}

pub(crate) fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_i32(b: &mut [u8], at: usize, v: i32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_i64(b: &mut [u8], at: usize, v: i64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

pub fn get_u32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

pub fn get_u64(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}
