//! Signals on the way back to user mode: handler frames, restarts of
//! interrupted system calls, group stops, and rt_sigreturn.

use alloc::sync::Arc;
use core::sync::atomic::Ordering;

use abi::{Errno, KResult};
use arch::fpu::FpuState;
use arch::user::UserContext;
use task::process::Thread;
use task::process::exit::exit_group;
use task::process::signal_send::{Delivery, get_signal};
use task::signal::action::{SA_NODEFER, SA_ONSTACK, SA_SIGINFO};
use task::signal::deliver::{Restart, restart_rule};
use task::signal::frame::{self, AltStack, FrameRequest, Registers, SS_AUTODISARM, SS_DISABLE};
use task::signal::SIGSEGV;
use task::wait_status::WaitStatus;

use crate::ctx::{LoopState, SyscallContext};
use crate::user_loop::{SharedFpu, group_death_status};

/// restart_syscall's number (Linux x86_64).
const NR_RESTART_SYSCALL: u64 = 219;
/// RFLAGS bits cleared on handler entry: TF, DF, RF (Linux `setup_rt_frame`).
const HANDLER_CLEARED_FLAGS: u64 = (1 << 8) | (1 << 10) | (1 << 16);

/// Everything between a trap and the next return to user mode: stops,
/// exit, handlers, and restarting an interrupted system call. Returns the
/// thread's exit status when it must leave.
pub async fn prepare_return(
    thread: &Arc<Thread>,
    regs: &mut UserContext,
    fpu: &Arc<SharedFpu>,
    state: &mut LoopState,
) -> Option<WaitStatus> {
    if !thread.signals.attention.load(Ordering::Acquire) && state.interrupted.is_none() && !thread.must_exit() {
        return None;
    }
    loop {
        thread.signals.attention.store(false, Ordering::Release);
        match get_signal(thread) {
            Delivery::None => {
                if let Some((code, nr)) = state.interrupted.take() {
                    apply_restart(regs, restart_rule(code, None), nr);
                }
                if restore_saved_mask(thread) {
                    // The caller's mask (ppoll, pselect, epoll_pwait,
                    // sigsuspend) may let a pending signal through: it is
                    // delivered now, before user mode (Linux's
                    // set_current_blocked recalculates sigpending).
                    continue;
                }
                return None;
            }
            Delivery::Exit => return Some(group_death_status()),
            Delivery::Stopped => {
                let process = thread.process().clone();
                task::process::signal_send::participate_in_stop(thread);
                process
                    .continued
                    .wait_until(|| (!process.stop.lock().stopped || thread.must_exit() || process.is_exiting()).then_some(()))
                    .await;
            }
            Delivery::Handler { info, action } => {
                if let Some((code, nr)) = state.interrupted.take() {
                    apply_restart(regs, restart_rule(code, Some(&action)), nr);
                }
                if setup_frame(thread, regs, fpu, &info, &action).is_err() {
                    // Linux's force_sigsegv: a frame that cannot be written
                    // kills the process.
                    exit_group(thread, WaitStatus::Signaled { signal: SIGSEGV, core: true });
                    return Some(group_death_status());
                }
            }
        }
    }
}

fn apply_restart(regs: &mut UserContext, rule: Restart, nr: u64) {
    match rule {
        Restart::Again => {
            regs.regs.rax = nr;
            regs.regs.rip -= 2;
            regs.needs_full_restore = true;
        }
        Restart::ViaRestartSyscall => {
            regs.regs.rax = NR_RESTART_SYSCALL;
            regs.regs.rip -= 2;
            regs.needs_full_restore = true;
        }
        Restart::Fail(e) => regs.set_return(e.to_return_value()),
        Restart::Keep => {}
    }
}

/// After sigsuspend-like calls: put the caller's mask back unless a
/// handler frame saved it already. Whether there was one to put back.
fn restore_saved_mask(thread: &Thread) -> bool {
    let saved = thread.signals.saved_mask.lock().take();
    if let Some(mask) = saved {
        thread.signals.set_blocked(mask);
    }
    saved.is_some()
}

fn registers_of(regs: &UserContext) -> Registers {
    let r = &regs.regs;
    Registers {
        r8: r.r8,
        r9: r.r9,
        r10: r.r10,
        r11: r.r11,
        r12: r.r12,
        r13: r.r13,
        r14: r.r14,
        r15: r.r15,
        rdi: r.rdi,
        rsi: r.rsi,
        rbp: r.rbp,
        rbx: r.rbx,
        rdx: r.rdx,
        rax: r.rax,
        rcx: r.rcx,
        rsp: r.rsp,
        rip: r.rip,
        rflags: r.rflags,
        cs: r.cs as u16,
        ss: r.ss as u16,
        err: r.error_code,
        trapno: if r.vector < 32 { r.vector } else { 0 },
        cr2: 0,
    }
}

fn setup_frame(
    thread: &Thread,
    regs: &mut UserContext,
    fpu: &Arc<SharedFpu>,
    info: &task::signal::SigInfo,
    action: &task::signal::SigAction,
) -> KResult<()> {
    // No spin lock may be held while touching user memory (mm's rule):
    // copy the FPU image out first.
    let image = {
        let mut slot = fpu.lock();
        slot.save_if_live();
        slot.state.as_bytes().to_vec()
    };
    let features = arch::cpu::features();
    let altstack = *thread.signals.altstack.lock();
    let use_altstack = action.flags & SA_ONSTACK != 0 && altstack.flags & SS_DISABLE == 0 && !altstack.contains(regs.regs.rsp);
    // With SA_SIGINFO clear, the saved mask is the old one as well; the
    // frame layout is the same (x86_64 has only rt frames).
    let _ = SA_SIGINFO;
    let saved_mask = thread.signals.saved_mask.lock().take().unwrap_or(thread.signals.blocked());
    let f = frame::build(&FrameRequest {
        regs: registers_of(regs),
        info: *info,
        saved_mask,
        altstack,
        use_altstack,
        restorer: action.restorer,
        fpu: &image,
        xsave: features.xsave,
        xfeatures: if features.avx { 7 } else { 3 },
    });
    thread.vm().copy_to_user(f.addr as usize, &f.bytes)?;
    if use_altstack && altstack.flags & SS_AUTODISARM != 0 {
        *thread.signals.altstack.lock() = AltStack { sp: 0, flags: SS_DISABLE, size: 0 };
    }
    let r = &mut regs.regs;
    r.rsp = f.addr;
    r.rip = action.handler;
    r.rdi = info.signo as u64;
    r.rsi = f.siginfo_addr;
    r.rdx = f.ucontext_addr;
    r.rax = 0;
    r.rflags &= !HANDLER_CLEARED_FLAGS;
    regs.needs_full_restore = true;
    // The handler starts with a clean FPU (Linux `fpu__clear_user_states`).
    {
        let mut slot = fpu.lock();
        slot.state = FpuState::new();
        slot.invalidate();
    }
    let mut blocked = saved_mask.union(action.mask);
    if action.flags & SA_NODEFER == 0 {
        blocked.add(info.signo);
    }
    thread.signals.set_blocked(blocked);
    Ok(())
}

/// rt_sigreturn(2): restore what the frame below the stack pointer saved.
/// A frame that cannot be read, or that names a non-canonical address,
/// kills the process with SIGSEGV.
pub fn sys_rt_sigreturn(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    match restore_frame(cx) {
        Ok(rax) => Ok(rax as usize),
        Err(_) => {
            exit_group(cx.thread, WaitStatus::Signaled { signal: SIGSEGV, core: true });
            cx.state.exit_status = Some(group_death_status());
            Ok(0)
        }
    }
}

fn restore_frame(cx: &mut SyscallContext<'_>) -> KResult<u64> {
    let uc_addr = cx.regs.regs.rsp;
    let mut uc = [0u8; frame::UCONTEXT_SIZE];
    cx.vm().copy_from_user(uc_addr as usize, &mut uc)?;
    let restored = frame::parse_ucontext(&uc);
    let r = restored.regs;
    if !arch::user::is_canonical_user(r.rip) || !arch::user::is_canonical_user(r.rsp) {
        return Err(Errno::EFAULT);
    }
    if restored.fpstate != 0 {
        let len = if restored.xsave { arch::cpu::features().xsave_size as usize } else { 512 };
        let image = cx.read_bytes(restored.fpstate, len)?;
        let mut slot = cx.fpu.lock();
        slot.invalidate();
        slot.state.set_bytes(&image);
        drop(slot);
    }
    let regs = &mut cx.regs.regs;
    regs.r8 = r.r8;
    regs.r9 = r.r9;
    regs.r10 = r.r10;
    regs.r11 = r.r11;
    regs.r12 = r.r12;
    regs.r13 = r.r13;
    regs.r14 = r.r14;
    regs.r15 = r.r15;
    regs.rdi = r.rdi;
    regs.rsi = r.rsi;
    regs.rbp = r.rbp;
    regs.rbx = r.rbx;
    regs.rdx = r.rdx;
    regs.rcx = r.rcx;
    regs.rsp = r.rsp;
    regs.rip = r.rip;
    regs.rflags = r.rflags;
    cx.regs.needs_full_restore = true;
    cx.thread.signals.set_blocked(restored.mask);
    // Restoring the alternate stack follows sigaltstack's rules; errors are
    // ignored as in Linux's `restore_altstack`.
    let _ = crate::sys::signal::set_altstack(cx.thread, cx.regs.regs.rsp, &restored.altstack);
    cx.thread.signals.attention.store(true, Ordering::Release);
    Ok(r.rax)
}

/// Marks the thread to look at its signals (after it changes its mask).
pub fn recheck(thread: &Thread) {
    thread.signals.attention.store(true, Ordering::Release);
}
