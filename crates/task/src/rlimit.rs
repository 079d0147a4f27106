//! Resource limits (getrlimit/setrlimit/prlimit64), per process.

use abi::{Errno, KResult};

pub const RLIMIT_CPU: u32 = 0;
pub const RLIMIT_FSIZE: u32 = 1;
pub const RLIMIT_DATA: u32 = 2;
pub const RLIMIT_STACK: u32 = 3;
pub const RLIMIT_CORE: u32 = 4;
pub const RLIMIT_RSS: u32 = 5;
pub const RLIMIT_NPROC: u32 = 6;
pub const RLIMIT_NOFILE: u32 = 7;
pub const RLIMIT_MEMLOCK: u32 = 8;
pub const RLIMIT_AS: u32 = 9;
pub const RLIMIT_LOCKS: u32 = 10;
pub const RLIMIT_SIGPENDING: u32 = 11;
pub const RLIMIT_MSGQUEUE: u32 = 12;
pub const RLIMIT_NICE: u32 = 13;
pub const RLIMIT_RTPRIO: u32 = 14;
pub const RLIMIT_RTTIME: u32 = 15;
pub const RLIM_NLIMITS: usize = 16;
pub const RLIM_INFINITY: u64 = u64::MAX;

/// One limit: (soft, hard).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit {
    pub cur: u64,
    pub max: u64,
}

/// A process's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rlimits([Rlimit; RLIM_NLIMITS]);

/// RLIMIT_NPROC's default (Linux derives it from memory as threads-max /
/// 2; root, which init runs as, is exempt anyway).
pub const DEFAULT_NPROC: u64 = 63_382;

impl Default for Rlimits {
    /// Linux's defaults for init (include/asm-generic/resource.h).
    fn default() -> Self {
        let inf = Rlimit { cur: RLIM_INFINITY, max: RLIM_INFINITY };
        let mut l = [inf; RLIM_NLIMITS];
        l[RLIMIT_STACK as usize] = Rlimit { cur: 8 << 20, max: RLIM_INFINITY };
        l[RLIMIT_CORE as usize] = Rlimit { cur: 0, max: RLIM_INFINITY };
        l[RLIMIT_NPROC as usize] = Rlimit { cur: DEFAULT_NPROC, max: DEFAULT_NPROC };
        l[RLIMIT_NOFILE as usize] = Rlimit { cur: 1024, max: 4096 };
        l[RLIMIT_MEMLOCK as usize] = Rlimit { cur: 8 << 20, max: 8 << 20 };
        l[RLIMIT_SIGPENDING as usize] = Rlimit { cur: 4096, max: 4096 };
        l[RLIMIT_MSGQUEUE as usize] = Rlimit { cur: 819200, max: 819200 };
        l[RLIMIT_NICE as usize] = Rlimit { cur: 0, max: 0 };
        l[RLIMIT_RTPRIO as usize] = Rlimit { cur: 0, max: 0 };
        Self(l)
    }
}

impl Rlimits {
    pub fn get(&self, resource: u32) -> KResult<Rlimit> {
        self.0.get(resource as usize).copied().ok_or(Errno::EINVAL)
    }

    /// setrlimit: soft above hard is EINVAL; raising the hard limit needs
    /// privilege (EPERM); RLIMIT_NOFILE cannot exceed `nr_open`.
    pub fn set(&mut self, resource: u32, new: Rlimit, privileged: bool, nr_open: u64) -> KResult<Rlimit> {
        let old = self.get(resource)?;
        if new.cur > new.max {
            return Err(Errno::EINVAL);
        }
        if new.max > old.max && !privileged {
            return Err(Errno::EPERM);
        }
        if resource == RLIMIT_NOFILE && new.max > nr_open {
            return Err(Errno::EPERM);
        }
        self.0[resource as usize] = new;
        Ok(old)
    }

    /// The soft limit of `resource`.
    pub fn cur(&self, resource: u32) -> u64 {
        self.0[resource as usize].cur
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn setrlimit_rules() {
        let mut l = Rlimits::default();
        assert_eq!(l.get(99), Err(Errno::EINVAL));
        assert_eq!(l.set(RLIMIT_NOFILE, Rlimit { cur: 10, max: 5 }, true, 1 << 20), Err(Errno::EINVAL));
        assert!(l.set(RLIMIT_NOFILE, Rlimit { cur: 10, max: 100 }, false, 1 << 20).is_ok());
        assert_eq!(l.set(RLIMIT_NOFILE, Rlimit { cur: 10, max: 200 }, false, 1 << 20), Err(Errno::EPERM));
        assert!(l.set(RLIMIT_NOFILE, Rlimit { cur: 10, max: 200 }, true, 1 << 20).is_ok());
        assert_eq!(l.cur(RLIMIT_NOFILE), 10);
    }
}
