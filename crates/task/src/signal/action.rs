//! What a signal does: the handler table and Linux's default actions.

use super::set::SigSet;
use super::*;

pub const SIG_DFL: u64 = 0;
pub const SIG_IGN: u64 = 1;

pub const SA_NOCLDSTOP: u64 = 0x0000_0001;
pub const SA_NOCLDWAIT: u64 = 0x0000_0002;
pub const SA_SIGINFO: u64 = 0x0000_0004;
pub const SA_RESTORER: u64 = 0x0400_0000;
pub const SA_ONSTACK: u64 = 0x0800_0000;
pub const SA_RESTART: u64 = 0x1000_0000;
pub const SA_NODEFER: u64 = 0x4000_0000;
pub const SA_RESETHAND: u64 = 0x8000_0000;

/// One entry of the action table (`struct kernel_sigaction` on x86_64:
/// handler, flags, restorer, mask).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigAction {
    pub handler: u64,
    pub flags: u64,
    pub restorer: u64,
    pub mask: SigSet,
}

impl SigAction {
    pub fn is_default(&self) -> bool {
        self.handler == SIG_DFL
    }

    pub fn is_ignore(&self) -> bool {
        self.handler == SIG_IGN
    }

    /// Encodes as the 32-byte `struct kernel_sigaction`.
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        b[0..8].copy_from_slice(&self.handler.to_le_bytes());
        b[8..16].copy_from_slice(&self.flags.to_le_bytes());
        b[16..24].copy_from_slice(&self.restorer.to_le_bytes());
        b[24..32].copy_from_slice(&self.mask.0.to_le_bytes());
        b
    }

    pub fn from_bytes(b: &[u8; 32]) -> Self {
        let word = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap());
        Self { handler: word(0), flags: word(1), restorer: word(2), mask: SigSet(word(3)) }
    }
}

/// What a signal does when its action is SIG_DFL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultAction {
    Terminate,
    /// Terminate with the core-dump bit in the wait status (no core file).
    Core,
    Stop,
    Continue,
    Ignore,
}

/// Linux's default action of `sig` (signal(7)).
pub fn default_action(sig: u32) -> DefaultAction {
    match sig {
        SIGQUIT | SIGILL | SIGTRAP | SIGABRT | SIGBUS | SIGFPE | SIGSEGV | SIGXCPU | SIGXFSZ | SIGSYS => {
            DefaultAction::Core
        }
        SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU => DefaultAction::Stop,
        SIGCONT => DefaultAction::Continue,
        SIGCHLD | SIGURG | SIGWINCH => DefaultAction::Ignore,
        _ => DefaultAction::Terminate,
    }
}

/// The action table, shared by a CLONE_SIGHAND family.
#[derive(Clone, Debug)]
pub struct SigActions {
    table: [SigAction; NSIG as usize],
}

impl Default for SigActions {
    fn default() -> Self {
        Self { table: [SigAction::default(); NSIG as usize] }
    }
}

impl SigActions {
    pub fn get(&self, sig: u32) -> SigAction {
        self.table[sig as usize - 1]
    }

    /// rt_sigaction's update: EINVAL for SIGKILL/SIGSTOP. SIGKILL and SIGSTOP
    /// never enter a handler's mask.
    pub fn set(&mut self, sig: u32, mut action: SigAction) -> Result<SigAction, abi::Errno> {
        if !is_valid(sig) || is_unblockable(sig) {
            return Err(abi::Errno::EINVAL);
        }
        action.mask = action.mask.blockable();
        let old = self.table[sig as usize - 1];
        self.table[sig as usize - 1] = action;
        Ok(old)
    }

    /// SA_RESETHAND: back to SIG_DFL after one delivery.
    pub fn reset_to_default(&mut self, sig: u32) {
        self.table[sig as usize - 1] = SigAction::default();
    }

    /// execve: caught signals go back to SIG_DFL; ignored ones stay ignored.
    pub fn reset_for_exec(&mut self) {
        for a in self.table.iter_mut() {
            if !a.is_ignore() {
                *a = SigAction::default();
            } else {
                a.flags = 0;
                a.mask = SigSet::EMPTY;
            }
        }
    }

    /// Whether delivering `sig` now would do nothing (ignored explicitly, or
    /// by default). Such signals are discarded when sent.
    pub fn is_ignored(&self, sig: u32) -> bool {
        let a = self.get(sig);
        a.is_ignore() || (a.is_default() && default_action(sig) == DefaultAction::Ignore)
    }

    /// Whether `sig` would kill the process if delivered (default action
    /// terminate or core, no handler).
    pub fn is_fatal(&self, sig: u32) -> bool {
        let a = self.get(sig);
        a.is_default() && matches!(default_action(sig), DefaultAction::Terminate | DefaultAction::Core)
    }
}
