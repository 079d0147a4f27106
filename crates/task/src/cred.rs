//! Credentials: user and group ids (one set per process; weft's threads
//! share them, which matches what POSIX threads expect from libc's
//! set*id wrappers).

/// Real, effective, saved and file-system ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cred {
    pub uid: u32,
    pub euid: u32,
    pub suid: u32,
    pub fsuid: u32,
    pub gid: u32,
    pub egid: u32,
    pub sgid: u32,
    pub fsgid: u32,
    pub groups: alloc::vec::Vec<u32>,
    pub caps: crate::caps::Capabilities,
}

impl Cred {
    /// root, as init starts.
    pub fn root() -> Self {
        Self::default()
    }

    /// Whether the process has the privileges of root (CAP_SYS_ADMIN and
    /// friends: weft's model of capabilities is "euid 0").
    pub fn is_privileged(&self) -> bool {
        self.euid == 0
    }

    /// setuid(2): root sets all three; others may set the effective id to
    /// the real or saved one.
    pub fn setuid(&mut self, uid: u32) -> abi::KResult<()> {
        let old = self.uids();
        if self.is_privileged() {
            self.uid = uid;
            self.euid = uid;
            self.suid = uid;
        } else if uid == self.uid || uid == self.suid {
            self.euid = uid;
        } else {
            return Err(abi::Errno::EPERM);
        }
        self.fsuid = self.euid;
        self.caps.after_uid_change(old, self.uids());
        Ok(())
    }

    /// (real, effective, saved) uids.
    pub fn uids(&self) -> (u32, u32, u32) {
        (self.uid, self.euid, self.suid)
    }

    /// setgid(2), likewise.
    pub fn setgid(&mut self, gid: u32) -> abi::KResult<()> {
        if self.is_privileged() {
            self.gid = gid;
            self.egid = gid;
            self.sgid = gid;
        } else if gid == self.gid || gid == self.sgid {
            self.egid = gid;
        } else {
            return Err(abi::Errno::EPERM);
        }
        self.fsgid = self.egid;
        Ok(())
    }
}
