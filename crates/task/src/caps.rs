//! Capability sets of a process: what capget reports, what capset and
//! PR_CAPBSET_DROP narrow, and how changing uids narrows them
//! (security/commoncap.c).
//!
//! weft's permission checks still ask "is the effective uid 0"
//! (`Cred::is_privileged`); these sets are the state user space reads and
//! changes, kept as Linux keeps it. The ambient set and file capabilities
//! are not modelled (always empty).

use abi::{Errno, KResult};

/// The highest capability number Linux 6.1 knows (CAP_CHECKPOINT_RESTORE).
pub const CAP_LAST_CAP: u64 = 40;
/// The capability needed to drop from the bounding set.
pub const CAP_SETPCAP: u64 = 8;
/// Raising priorities, real-time policies, other users' threads
/// (sched_setscheduler, setpriority, sched_setaffinity).
pub const CAP_SYS_NICE: u64 = 23;
/// Every valid capability.
pub const FULL_SET: u64 = (1 << (CAP_LAST_CAP + 1)) - 1;

/// The sets of one process (Linux keeps them per task in `struct cred`;
/// weft's credentials are per process).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    pub effective: u64,
    pub permitted: u64,
    pub inheritable: u64,
    pub bounding: u64,
    /// PR_SET_KEEPCAPS (SECURE_KEEP_CAPS): keep the permitted set when every
    /// uid leaves 0. Cleared at execve.
    pub keep_caps: bool,
}

impl Default for Capabilities {
    /// root's sets as init starts with them.
    fn default() -> Self {
        Self { effective: FULL_SET, permitted: FULL_SET, inheritable: 0, bounding: FULL_SET, keep_caps: false }
    }
}

/// cap_valid().
pub fn is_valid(cap: u64) -> bool {
    cap <= CAP_LAST_CAP
}

impl Capabilities {
    pub fn has(&self, cap: u64) -> bool {
        is_valid(cap) && self.effective & (1 << cap) != 0
    }

    /// PR_CAPBSET_READ.
    pub fn in_bounding_set(&self, cap: u64) -> KResult<bool> {
        if !is_valid(cap) {
            return Err(Errno::EINVAL);
        }
        Ok(self.bounding & (1 << cap) != 0)
    }

    /// PR_CAPBSET_DROP: the permission is checked before the number
    /// (cap_prctl_drop).
    pub fn drop_from_bounding_set(&mut self, cap: u64) -> KResult<()> {
        if !self.has(CAP_SETPCAP) {
            return Err(Errno::EPERM);
        }
        if !is_valid(cap) {
            return Err(Errno::EINVAL);
        }
        self.bounding &= !(1 << cap);
        Ok(())
    }

    /// capset's checks and update (cap_capset). Bits past CAP_LAST_CAP are
    /// ignored, as sys_capset masks them.
    pub fn set(&mut self, effective: u64, permitted: u64, inheritable: u64) -> KResult<()> {
        let (effective, permitted, inheritable) = (effective & FULL_SET, permitted & FULL_SET, inheritable & FULL_SET);
        let inheritable_capped = !self.has(CAP_SETPCAP);
        if inheritable_capped && inheritable & !(self.inheritable | self.permitted) != 0 {
            return Err(Errno::EPERM);
        }
        if inheritable & !(self.inheritable | self.bounding) != 0 {
            return Err(Errno::EPERM);
        }
        if permitted & !self.permitted != 0 || effective & !permitted != 0 {
            return Err(Errno::EPERM);
        }
        self.effective = effective;
        self.permitted = permitted;
        self.inheritable = inheritable;
        Ok(())
    }

    /// cap_emulate_setxuid: after setuid/setreuid/setresuid changed the
    /// (real, effective, saved) uids from `old` to `new`.
    pub fn after_uid_change(&mut self, old: (u32, u32, u32), new: (u32, u32, u32)) {
        let had_root = old.0 == 0 || old.1 == 0 || old.2 == 0;
        let has_root = new.0 == 0 || new.1 == 0 || new.2 == 0;
        if had_root && !has_root && !self.keep_caps {
            self.permitted = 0;
            self.effective = 0;
        }
        if old.1 == 0 && new.1 != 0 {
            self.effective = 0;
        }
        if old.1 != 0 && new.1 == 0 {
            self.effective = self.permitted;
        }
    }

    /// The sets after execve of a file without capabilities or set-id
    /// bits (cap_bprm_creds_from_file): root gets its bounding set (and
    /// inheritable set) as permitted, effective too if its euid is 0;
    /// anyone else ends with none, the ambient set being empty.
    pub fn after_exec(&mut self, uid: u32, euid: u32) {
        self.keep_caps = false;
        if uid == 0 || euid == 0 {
            self.permitted = self.bounding | self.inheritable;
            self.effective = if euid == 0 { self.permitted } else { 0 };
        } else {
            self.permitted = 0;
            self.effective = 0;
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn root_drops_then_cannot_regain() {
        let mut c = Capabilities::default();
        c.set(0, FULL_SET & !1, 0).unwrap();
        assert_eq!(c.set(1, 1, 0), Err(Errno::EPERM));
        assert_eq!(c.set(2, 0, 0), Err(Errno::EPERM));
        assert_eq!(c.effective, 0);
    }

    #[test]
    fn bounding_set_drop_needs_setpcap_before_validity() {
        let mut c = Capabilities::default();
        assert_eq!(c.drop_from_bounding_set(41), Err(Errno::EINVAL));
        c.drop_from_bounding_set(CAP_SETPCAP).unwrap();
        assert_eq!(c.in_bounding_set(CAP_SETPCAP), Ok(false));
        c.effective = 0;
        assert_eq!(c.drop_from_bounding_set(41), Err(Errno::EPERM));
    }

    #[test]
    fn leaving_root_clears_unless_keepcaps() {
        let mut c = Capabilities::default();
        c.after_uid_change((0, 0, 0), (1, 1, 1));
        assert_eq!((c.permitted, c.effective), (0, 0));
        let mut k = Capabilities { keep_caps: true, ..Default::default() };
        k.after_uid_change((0, 0, 0), (1, 1, 1));
        assert_eq!((k.permitted, k.effective), (FULL_SET, 0));
        k.after_uid_change((1, 1, 1), (1, 0, 1));
        assert_eq!(k.effective, FULL_SET);
    }
}
