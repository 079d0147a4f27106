//! Exceptions raised by user code: page faults the memory manager
//! resolves, and everything else turned into the signal Linux sends, with
//! its si_code and si_addr (arch/x86/kernel/traps.c, arch/x86/mm/fault.c).

use alloc::sync::Arc;

use arch::trap::{self, pf};
use arch::user::UserContext;
use mm::{Access, Fault};
use task::process::Thread;
use task::process::oom::OomVerdict;
use task::process::signal_send::send_to_thread;
use task::signal::info::code;
use task::signal::{SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP, SigInfo};

/// What the user loop does after an exception.
#[derive(PartialEq, Eq)]
pub enum AfterException {
    /// Return to user mode (a resolved fault, or a signal to deliver).
    Resume,
    /// Memory ran out and another process was killed for it: wait a
    /// moment for its memory before faulting again.
    WaitForMemory,
}

/// Handles exception `vector` taken by `thread` in user mode.
pub fn handle_exception(thread: &Arc<Thread>, regs: &UserContext, vector: u64, error_code: u64, fault_addr: usize) -> AfterException {
    let info = match vector {
        trap::VEC_PAGE_FAULT => {
            let access = if error_code & pf::INSTRUCTION != 0 {
                Access::Exec
            } else if error_code & pf::WRITE != 0 {
                Access::Write
            } else {
                Access::Read
            };
            match thread.vm().handle_fault(fault_addr, access, true) {
                Ok(()) => return AfterException::Resume,
                Err(Fault::OutOfMemory) => {
                    return match task::process::oom::out_of_memory(thread.process()) {
                        OomVerdict::Wait => AfterException::WaitForMemory,
                        OomVerdict::KillSelf => {
                            let killed = task::wait_status::WaitStatus::Signaled { signal: task::signal::SIGKILL, core: false };
                            task::process::exit::exit_group(thread, killed);
                            AfterException::Resume
                        }
                    };
                }
                Err(fault) => {
                    let signo = if fault == Fault::Bus { SIGBUS } else { SIGSEGV };
                    log_unhandled(thread, regs, signo, fault_addr, error_code);
                    SigInfo::fault(signo, fault.si_code(), fault_addr as u64)
                }
            }
        }
        trap::VEC_DIVIDE_ERROR => SigInfo::fault(SIGFPE, code::FPE_INTDIV, regs.regs.rip),
        trap::VEC_INVALID_OPCODE => SigInfo::fault(SIGILL, code::ILL_ILLOPN, regs.regs.rip),
        trap::VEC_BREAKPOINT | trap::VEC_OVERFLOW => SigInfo { signo: SIGTRAP, code: code::SI_KERNEL, ..SigInfo::default() },
        trap::VEC_DEBUG => SigInfo::fault(SIGTRAP, code::TRAP_BRKPT, regs.regs.rip),
        trap::VEC_X87_FP | trap::VEC_SIMD_FP => SigInfo::fault(SIGFPE, code::FPE_FLTINV, regs.regs.rip),
        trap::VEC_ALIGNMENT_CHECK => SigInfo::fault(SIGBUS, 1, 0),
        // #GP, #SS, #NP, #TS: Linux sends SIGSEGV with SI_KERNEL, no address.
        _ => SigInfo { signo: SIGSEGV, code: code::SI_KERNEL, ..SigInfo::default() },
    };
    force_signal(thread, info);
    AfterException::Resume
}

/// Linux's show_unhandled_signals line, at info level: a page fault that
/// no handler catches ("prog[tid]: segfault at ADDR ip IP sp SP error E").
fn log_unhandled(thread: &Arc<Thread>, regs: &UserContext, signo: u32, fault_addr: usize, error_code: u64) {
    if !log::log_enabled!(log::Level::Info) {
        return;
    }
    let action = thread.sighand().lock().get(signo);
    if !thread.signals.blocked().contains(signo) && !action.is_default() && !action.is_ignore() {
        return;
    }
    let comm = thread.comm();
    let len = comm.iter().position(|&b| b == 0).unwrap_or(comm.len());
    let what = if signo == SIGBUS { "bus error" } else { "segfault" };
    log::info!(
        "{}[{}]: {what} at {fault_addr:#x} ip {:#x} sp {:#x} error {error_code:#x}",
        core::str::from_utf8(&comm[..len]).unwrap_or("?"),
        thread.tid(),
        regs.regs.rip,
        regs.regs.rsp
    );
}

/// Linux's `force_sig_info`: a synchronous fault cannot be blocked or
/// ignored; if it is, the action goes back to the default (death).
pub fn force_signal(thread: &Arc<Thread>, info: SigInfo) {
    let sig = info.signo;
    let sighand = thread.sighand();
    {
        let mut actions = sighand.lock();
        let blocked = thread.signals.blocked().contains(sig);
        if blocked || actions.get(sig).is_ignore() {
            actions.reset_to_default(sig);
        }
        if blocked {
            let mut mask = thread.signals.blocked();
            mask.remove(sig);
            thread.signals.set_blocked(mask);
        }
    }
    let _ = send_to_thread(thread, info);
}
