//! Signals: numbers and sets, actions and their defaults, pending queues,
//! the choice of receiving thread, and the user-stack frame of a handler.
//!
//! Who holds what (DESIGN.md §4): each thread has its blocked mask and its
//! own pending queue (thread-directed signals: tkill, tgkill, faults); the
//! group has a shared pending queue (process-directed: kill); the action
//! table is shared by the threads of a CLONE_SIGHAND family.

pub mod action;
pub mod deliver;
pub mod frame;
pub mod info;
pub mod pending;
pub mod set;

pub use action::{DefaultAction, SigAction, SigActions};
pub use info::SigInfo;
pub use pending::{Enqueued, SigPending};
pub use set::SigSet;

pub const SIGHUP: u32 = 1;
pub const SIGINT: u32 = 2;
pub const SIGQUIT: u32 = 3;
pub const SIGILL: u32 = 4;
pub const SIGTRAP: u32 = 5;
pub const SIGABRT: u32 = 6;
pub const SIGBUS: u32 = 7;
pub const SIGFPE: u32 = 8;
pub const SIGKILL: u32 = 9;
pub const SIGUSR1: u32 = 10;
pub const SIGSEGV: u32 = 11;
pub const SIGUSR2: u32 = 12;
pub const SIGPIPE: u32 = 13;
pub const SIGALRM: u32 = 14;
pub const SIGTERM: u32 = 15;
pub const SIGSTKFLT: u32 = 16;
pub const SIGCHLD: u32 = 17;
pub const SIGCONT: u32 = 18;
pub const SIGSTOP: u32 = 19;
pub const SIGTSTP: u32 = 20;
pub const SIGTTIN: u32 = 21;
pub const SIGTTOU: u32 = 22;
pub const SIGURG: u32 = 23;
pub const SIGXCPU: u32 = 24;
pub const SIGXFSZ: u32 = 25;
pub const SIGVTALRM: u32 = 26;
pub const SIGPROF: u32 = 27;
pub const SIGWINCH: u32 = 28;
pub const SIGIO: u32 = 29;
pub const SIGPWR: u32 = 30;
pub const SIGSYS: u32 = 31;
pub const SIGRTMIN: u32 = 32;
/// Highest signal number (_NSIG).
pub const NSIG: u32 = 64;

/// Whether `sig` is a valid signal number (1..=64).
pub fn is_valid(sig: u32) -> bool {
    (1..=NSIG).contains(&sig)
}

/// Real-time signals queue every instance; standard ones coalesce.
pub fn is_realtime(sig: u32) -> bool {
    sig >= SIGRTMIN
}

/// Signals that can be neither caught, blocked nor ignored.
pub fn is_unblockable(sig: u32) -> bool {
    sig == SIGKILL || sig == SIGSTOP
}
