//! Signal sets (the kernel's 64-bit `sigset_t`).

use super::{NSIG, SIGKILL, SIGSTOP};

/// A set of signals; bit `n - 1` stands for signal `n`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SigSet(pub u64);

impl SigSet {
    pub const EMPTY: SigSet = SigSet(0);
    /// What a mask may contain: everything but SIGKILL and SIGSTOP.
    pub const BLOCKABLE: SigSet = SigSet(!((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1))));

    pub fn of(sig: u32) -> SigSet {
        debug_assert!((1..=NSIG).contains(&sig));
        SigSet(1u64 << (sig - 1))
    }

    pub fn contains(self, sig: u32) -> bool {
        (1..=NSIG).contains(&sig) && self.0 & (1u64 << (sig - 1)) != 0
    }

    pub fn add(&mut self, sig: u32) {
        self.0 |= SigSet::of(sig).0;
    }

    pub fn remove(&mut self, sig: u32) {
        self.0 &= !SigSet::of(sig).0;
    }

    pub fn union(self, other: SigSet) -> SigSet {
        SigSet(self.0 | other.0)
    }

    pub fn minus(self, other: SigSet) -> SigSet {
        SigSet(self.0 & !other.0)
    }

    pub fn intersect(self, other: SigSet) -> SigSet {
        SigSet(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set with SIGKILL and SIGSTOP removed, as every mask change does.
    pub fn blockable(self) -> SigSet {
        self.intersect(SigSet::BLOCKABLE)
    }

    /// Lowest signal number in the set.
    pub fn lowest(self) -> Option<u32> {
        (self.0 != 0).then(|| self.0.trailing_zeros() + 1)
    }
}
