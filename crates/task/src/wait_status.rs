//! The status word wait4 reports (Linux's encoding, see `man 2 wait`).

/// How a child changed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitStatus {
    /// exit(code): `(code & 0xff) << 8`.
    Exited(u8),
    /// Killed by a signal; `core` sets the 0x80 bit (WCOREDUMP).
    Signaled { signal: u32, core: bool },
    /// Stopped by a signal: `(sig << 8) | 0x7f`.
    Stopped(u32),
    /// Continued by SIGCONT: 0xffff.
    Continued,
}

impl WaitStatus {
    /// The int stored through wait4's status pointer.
    pub fn encode(self) -> i32 {
        match self {
            WaitStatus::Exited(code) => (code as i32) << 8,
            WaitStatus::Signaled { signal, core } => (signal as i32 & 0x7f) | if core { 0x80 } else { 0 },
            WaitStatus::Stopped(sig) => ((sig as i32) << 8) | 0x7f,
            WaitStatus::Continued => 0xffff,
        }
    }

    /// waitid's (si_code, si_status): CLD_EXITED=1, CLD_KILLED=2,
    /// CLD_DUMPED=3, CLD_STOPPED=5, CLD_CONTINUED=6.
    pub fn siginfo_code_status(self) -> (i32, i32) {
        match self {
            WaitStatus::Exited(code) => (1, code as i32),
            WaitStatus::Signaled { signal, core: false } => (2, signal as i32),
            WaitStatus::Signaled { signal, core: true } => (3, signal as i32),
            WaitStatus::Stopped(sig) => (5, sig as i32),
            WaitStatus::Continued => (6, 18 /* SIGCONT */),
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn encodings_match_the_wait_macros() {
        assert_eq!(WaitStatus::Exited(3).encode(), 0x300);
        assert_eq!(WaitStatus::Exited(255).encode(), 0xff00);
        assert_eq!(WaitStatus::Signaled { signal: 9, core: false }.encode(), 9);
        assert_eq!(WaitStatus::Signaled { signal: 11, core: true }.encode(), 0x8b);
        assert_eq!(WaitStatus::Stopped(19).encode(), 0x137f);
        assert_eq!(WaitStatus::Continued.encode(), 0xffff);
    }
}
