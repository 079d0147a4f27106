//! Delivery decisions: which thread takes a process-directed signal, what
//! a dequeued signal does, and whether an interrupted system call restarts.

use abi::Errno;

use super::action::{DefaultAction, SA_RESTART, SigAction, default_action};
use super::set::SigSet;

/// What taking signal `sig` with action `action` means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    Ignore,
    /// Run the user handler.
    Handler(SigAction),
    /// End the whole group; `core` sets WCOREDUMP.
    Terminate { core: bool },
    /// Stop the whole group (job control).
    Stop,
    /// SIGCONT's default: the group already continued when it was sent.
    Continue,
}

/// The disposition of `sig` under `action`.
pub fn disposition(sig: u32, action: SigAction) -> Disposition {
    if action.is_ignore() {
        return Disposition::Ignore;
    }
    if !action.is_default() {
        return Disposition::Handler(action);
    }
    match default_action(sig) {
        DefaultAction::Terminate => Disposition::Terminate { core: false },
        DefaultAction::Core => Disposition::Terminate { core: true },
        DefaultAction::Stop => Disposition::Stop,
        DefaultAction::Continue => Disposition::Continue,
        DefaultAction::Ignore => Disposition::Ignore,
    }
}

/// A thread as the receiver choice sees it.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    pub tid: i32,
    pub blocked: SigSet,
    pub exiting: bool,
}

/// Picks the thread that takes a process-directed `sig` (Linux's
/// `complete_signal`): the first live thread, the leader's turn first, that
/// does not block it. `None` when every thread blocks it: the signal stays
/// pending on the group.
pub fn choose_receiver(threads: &[Candidate], sig: u32) -> Option<i32> {
    threads.iter().find(|t| !t.exiting && !t.blocked.contains(sig)).map(|t| t.tid)
}

/// How an interrupted system call continues once a signal is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restart {
    /// Re-execute the system call (rip -= 2, rax = its number).
    Again,
    /// Re-execute through restart_syscall (nanosleep's remaining time).
    ViaRestartSyscall,
    /// Return this error to the program.
    Fail(Errno),
    /// Not an interrupted call: keep the return value.
    Keep,
}

/// Linux's `handle_signal` restart rules (arch/x86/kernel/signal.c) for a
/// system call that returned `ret`. `handler` is the action when a user
/// handler runs, `None` when the signal needed no handler (ignored, stop,
/// continue), in which case the call is always restarted.
pub fn restart_rule(ret: Errno, handler: Option<&SigAction>) -> Restart {
    match (ret, handler) {
        (Errno::ERESTARTNOHAND | Errno::ERESTARTSYS | Errno::ERESTARTNOINTR, None) => Restart::Again,
        (Errno::ERESTART_RESTARTBLOCK, None) => Restart::ViaRestartSyscall,
        (Errno::ERESTARTNOHAND | Errno::ERESTART_RESTARTBLOCK, Some(_)) => Restart::Fail(Errno::EINTR),
        (Errno::ERESTARTSYS, Some(a)) if a.flags & SA_RESTART == 0 => Restart::Fail(Errno::EINTR),
        (Errno::ERESTARTSYS | Errno::ERESTARTNOINTR, Some(_)) => Restart::Again,
        _ => Restart::Keep,
    }
}

/// Whether `ret` is one of the kernel-internal restart codes that must
/// never reach user space.
pub fn is_restart_code(ret: Errno) -> bool {
    matches!(ret, Errno::ERESTARTSYS | Errno::ERESTARTNOINTR | Errno::ERESTARTNOHAND | Errno::ERESTART_RESTARTBLOCK)
}

#[cfg(test)]
mod test {
    use super::super::action::{SIG_DFL, SIG_IGN};
    use super::super::*;
    use super::*;

    fn handler(flags: u64) -> SigAction {
        SigAction { handler: 0x401000, flags, ..Default::default() }
    }

    #[test]
    fn dispositions_follow_the_defaults() {
        let dfl = SigAction { handler: SIG_DFL, ..Default::default() };
        assert_eq!(disposition(SIGSEGV, dfl), Disposition::Terminate { core: true });
        assert_eq!(disposition(SIGTERM, dfl), Disposition::Terminate { core: false });
        assert_eq!(disposition(SIGCHLD, dfl), Disposition::Ignore);
        assert_eq!(disposition(SIGTSTP, dfl), Disposition::Stop);
        assert_eq!(disposition(SIGCONT, dfl), Disposition::Continue);
        assert_eq!(disposition(SIGTERM, SigAction { handler: SIG_IGN, ..Default::default() }), Disposition::Ignore);
        assert!(matches!(disposition(SIGUSR1, handler(0)), Disposition::Handler(_)));
    }

    #[test]
    fn receiver_is_the_first_thread_not_blocking() {
        let threads = [
            Candidate { tid: 10, blocked: SigSet::of(SIGUSR1), exiting: false },
            Candidate { tid: 11, blocked: SigSet::EMPTY, exiting: true },
            Candidate { tid: 12, blocked: SigSet::EMPTY, exiting: false },
        ];
        assert_eq!(choose_receiver(&threads, SIGUSR1), Some(12));
        assert_eq!(choose_receiver(&threads, SIGUSR2), Some(10));
        assert_eq!(choose_receiver(&threads[..2], SIGUSR1), None);
    }

    #[test]
    fn restart_rules_match_linux() {
        assert_eq!(restart_rule(Errno::ERESTARTSYS, Some(&handler(SA_RESTART))), Restart::Again);
        assert_eq!(restart_rule(Errno::ERESTARTSYS, Some(&handler(0))), Restart::Fail(Errno::EINTR));
        assert_eq!(restart_rule(Errno::ERESTARTSYS, None), Restart::Again);
        assert_eq!(restart_rule(Errno::ERESTARTNOHAND, Some(&handler(SA_RESTART))), Restart::Fail(Errno::EINTR));
        assert_eq!(restart_rule(Errno::ERESTART_RESTARTBLOCK, None), Restart::ViaRestartSyscall);
        assert_eq!(restart_rule(Errno::EAGAIN, None), Restart::Keep);
    }
}
