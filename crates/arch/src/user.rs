//! Entering user mode and coming back.
//!
//! [`UserContext::run`] enters ring 3 from whatever kernel stack calls it
//! (the executor's) and returns when the thread traps back: a `syscall`, an
//! exception or an interrupt. The entry code stores the user registers
//! straight into the context and then resumes the kernel right after the
//! call, restoring the callee-saved registers it pushed (see `trap.rs` for
//! interrupts and exceptions, `syscall_entry` below for system calls).
//!
//! Nothing is saved on a kernel stack while user code runs, so a thread that
//! is blocked in the kernel owns no kernel stack (DESIGN.md §3).

use core::arch::global_asm;

use crate::gdt::{KERNEL_CS, USER_CS, USER_DS};
use crate::percpu::{OFF_KERNEL_RSP, OFF_TSS_RSP0, OFF_USER_CTX_END, OFF_USER_RSP_SCRATCH};
use crate::trap::{self, SYSCALL_VECTOR, TrapFrame};
use crate::{cpu, percpu};
use x86_64::registers::control::{Cr4, Cr4Flags};
use x86_64::registers::segmentation::{FS, GS, Segment, SegmentSelector};

extern crate alloc;
use alloc::sync::Arc;

/// User addresses are below this (the canonical lower half).
pub const USER_TOP: usize = 0x0000_8000_0000_0000;

/// RFLAGS bits a user context may carry (Linux's FLAG_MASK: CF PF AF ZF SF
/// TF DF OF NT AC ID and the IOPL bits stay 0; IF is always set).
const USER_RFLAGS_MASK: u64 = 0x0025_4dd5;
const RFLAGS_IF: u64 = 1 << 9;
const RFLAGS_RESERVED1: u64 = 1 << 1;

/// Why [`UserContext::run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnReason {
    /// The thread executed `syscall`; the number is in `rax`.
    Syscall,
    /// An exception (vector < 32) the kernel must turn into a signal or
    /// resolve (page faults).
    Exception { vector: u64, error_code: u64, fault_addr: usize },
    /// An interrupt arrived while user code ran; it has been handled.
    Interrupt { vector: u64 },
}

/// A user thread's saved registers.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct UserContext {
    /// General registers and the interrupt frame; written by the entry code.
    pub regs: TrapFrame,
    /// The thread's FS base (TLS pointer). Change it with
    /// [`UserContext::set_fs_base`], which also clears the selector.
    pub fs_base: u64,
    /// The thread's GS base as user code sees it.
    pub gs_base: u64,
    /// The FS selector user code loaded (almost always 0). A non-null one
    /// set the base from its descriptor, so it is part of the thread's
    /// state, as Linux's `thread.fsindex` (see [`UserContext::run`]).
    fs_selector: u16,
    /// Set when the registers must be restored exactly (after an exception,
    /// an interrupt, signal delivery or `rt_sigreturn`): `iretq` then, not
    /// `sysretq`, which clobbers rcx and r11.
    pub needs_full_restore: bool,
    /// PR_SET_TSC(PR_TSC_SIGSEGV): rdtsc/rdtscp in user mode raise #GP
    /// (CR4.TSD, switched at each entry into this thread). Linux keeps it
    /// across fork, clone and execve.
    pub tsc_disabled: bool,
    /// The LDT this thread runs with (modify_ldt; None: none) and its
    /// generation. Holding it keeps the table alive while a CPU may have
    /// it loaded: it is replaced only at the next entry into user mode.
    ldt: Option<Arc<[u64]>>,
    ldt_generation: u64,
}

impl Default for UserContext {
    fn default() -> Self {
        Self::new(0, 0)
    }
}

impl UserContext {
    /// A context that starts at `entry` with stack pointer `stack`.
    pub fn new(entry: u64, stack: u64) -> Self {
        let regs = TrapFrame {
            rip: entry,
            rsp: stack,
            cs: USER_CS as u64,
            ss: USER_DS as u64,
            rflags: RFLAGS_IF | RFLAGS_RESERVED1,
            ..TrapFrame::default()
        };
        Self {
            regs,
            fs_base: 0,
            gs_base: 0,
            fs_selector: 0,
            needs_full_restore: true,
            tsc_disabled: false,
            ldt: None,
            ldt_generation: 0,
        }
    }

    /// The generation of the LDT this context runs with (0: none).
    pub fn ldt_generation(&self) -> u64 {
        self.ldt_generation
    }

    /// Runs with `table` as the LDT from the next entry into user mode.
    pub fn set_ldt(&mut self, generation: u64, table: Option<Arc<[u64]>>) {
        self.ldt_generation = generation;
        self.ldt = table.filter(|t| !t.is_empty());
    }

    /// arch_prctl(ARCH_SET_FS) and CLONE_SETTLS: a new base with the null
    /// selector (Linux: "ARCH_SET_FS has always overwritten the index and
    /// the base").
    pub fn set_fs_base(&mut self, base: u64) {
        self.fs_base = base;
        self.fs_selector = 0;
    }

    /// Enters user mode and runs the thread until it traps back.
    ///
    /// Must be called with this thread's FPU state loaded (see `fpu`).
    /// Returns with interrupts enabled.
    pub fn run(&mut self) -> ReturnReason {
        self.sanitize();
        let ctx = &mut self.regs as *mut TrapFrame;
        cpu::disable_interrupts();
        percpu::this().load_ldt(self.ldt.as_ref().map_or((0, 0), |t| (t.as_ptr() as u64, t.len())));
        load_fs_selector(self.fs_selector);
        load_user_bases(self.fs_base, self.gs_base);
        load_tsc_mode(self.tsc_disabled);
        let fast = !self.needs_full_restore && is_canonical_user(self.regs.rip);
        percpu::this().count_user_entry();
        // SAFETY: `ctx` points at a valid, 16-byte aligned TrapFrame that
        // stays in place until the call returns (we hold &mut self); its
        // segment selectors and RFLAGS were sanitized above so the return to
        // ring 3 cannot fault in kernel mode; the per-CPU area was set up by
        // `percpu::init_this_cpu`; interrupts are off, as both entry paths
        // require until the final `sysretq`/`iretq`.
        unsafe {
            if fast { run_user_sysret(ctx) } else { run_user_iret(ctx) }
        }
        self.save_segment_bases();
        let reason = match self.regs.vector {
            SYSCALL_VECTOR => {
                self.needs_full_restore = false;
                ReturnReason::Syscall
            }
            trap::VEC_NMI => {
                self.needs_full_restore = true;
                trap::handle_nmi(&self.regs);
                ReturnReason::Interrupt { vector: trap::VEC_NMI }
            }
            v if v < trap::VEC_FIRST_IRQ => {
                self.needs_full_restore = true;
                let fault_addr = if v == trap::VEC_PAGE_FAULT { cpu::read_cr2() } else { 0 };
                ReturnReason::Exception { vector: v, error_code: self.regs.error_code, fault_addr }
            }
            v => {
                self.needs_full_restore = true;
                trap::handle_irq(&self.regs);
                ReturnReason::Interrupt { vector: v }
            }
        };
        cpu::enable_interrupts();
        reason
    }

    /// User code may load FS or GS with a selector (`mov %ax, %fs`), which
    /// sets the base from the descriptor behind the kernel's back. Then the
    /// base in the CPU is the thread's: keep it, and tell the per-CPU cache,
    /// or the next thread on this CPU with the cached base would run on
    /// this one's. Cheap when, as nearly always, both selectors are null.
    fn save_segment_bases(&mut self) {
        let (fs, gs) = (FS::get_reg().0, GS::get_reg().0);
        let this = percpu::this();
        if fs != 0 {
            self.fs_selector = fs;
            self.fs_base = cpu::rdmsr(cpu::MSR_FS_BASE);
            this.set_loaded_fs_base(self.fs_base);
        }
        if gs != 0 {
            // In kernel mode the user's GS base is the swapped-out one.
            self.gs_base = cpu::rdmsr(cpu::MSR_KERNEL_GS_BASE);
            this.set_loaded_gs_base(self.gs_base);
        }
    }

    /// Keeps the context returnable to ring 3 whatever code changed it
    /// (a signal handler's frame, ptrace-like writes): user selectors,
    /// interrupts on, no privileged flags.
    fn sanitize(&mut self) {
        let r = &mut self.regs;
        r.cs = USER_CS as u64;
        r.ss = USER_DS as u64;
        r.rflags = (r.rflags & USER_RFLAGS_MASK) | RFLAGS_IF | RFLAGS_RESERVED1;
    }

    /// Syscall number and arguments, in the Linux register convention.
    pub fn syscall_args(&self) -> (u64, [u64; 6]) {
        let r = &self.regs;
        (r.rax, [r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9])
    }

    /// Sets the syscall return value.
    pub fn set_return(&mut self, value: u64) {
        self.regs.rax = value;
    }
}

/// Whether `addr` is a canonical lower-half address (safe for `sysretq`).
pub fn is_canonical_user(addr: u64) -> bool {
    (addr as usize) < USER_TOP
}

/// Puts the thread's FS selector back when another thread's is loaded.
/// Loading a selector changes the base, so the cached base is then
/// unknown and `load_user_bases` writes it again. GS is left alone: its
/// selector cannot be loaded in kernel mode without swapping the kernel's
/// own GS base out, so a thread sees the GS selector of whoever ran last
/// (the base, which is what matters, is always its own).
fn load_fs_selector(selector: u16) {
    if FS::get_reg().0 == selector {
        return;
    }
    // A selector the thread loaded may name an LDT entry cleared since:
    // then it gets the null one (Linux's loadsegment fixup does the same).
    let selector = if is_loadable_data(selector) { selector } else { 0 };
    // SAFETY: the kernel never uses FS. The selector is null or names a
    // present code-readable or data descriptor that privilege 3 may load
    // (checked just above, against the tables now loaded), so loading it
    // cannot fault.
    unsafe { FS::set_reg(SegmentSelector(selector)) };
    percpu::this().set_loaded_fs_base(u64::MAX);
}

/// Whether a user-mode `mov` could load `selector` into a data segment
/// register now: present, code-or-data, readable, privilege 3 (`lar`
/// checks visibility and returns the access rights without faulting).
fn is_loadable_data(selector: u16) -> bool {
    if selector & !3 == 0 {
        return false;
    }
    let rights: u32;
    let visible: u8;
    // SAFETY: `lar` only reads the descriptor tables and sets ZF; it does
    // not fault on a bad selector.
    unsafe {
        core::arch::asm!(
            "lar {rights:e}, {sel:e}",
            "setz {visible}",
            sel = in(reg) selector as u32,
            rights = inout(reg) 0u32 => rights,
            visible = out(reg_byte) visible,
            options(nostack, nomem),
        );
    }
    const PRESENT: u32 = 1 << 15;
    const DPL3: u32 = 3 << 13;
    const CODE_OR_DATA: u32 = 1 << 12;
    const CODE: u32 = 1 << 11;
    const READABLE_CODE: u32 = 1 << 9;
    let readable = rights & CODE == 0 || rights & READABLE_CODE != 0;
    visible == 1 && rights & (PRESENT | DPL3 | CODE_OR_DATA) == PRESENT | DPL3 | CODE_OR_DATA && readable
}

fn load_user_bases(fs_base: u64, gs_base: u64) {
    // Cache: writing the MSR costs far more than comparing.
    let this = crate::percpu::this();
    if this.loaded_fs_base() != fs_base {
        // SAFETY: FS_BASE only affects user-mode FS-relative accesses; the
        // kernel never uses FS.
        unsafe { cpu::wrmsr(cpu::MSR_FS_BASE, fs_base) };
        this.set_loaded_fs_base(fs_base);
    }
    if this.loaded_gs_base() != gs_base {
        // SAFETY: while in kernel mode, KERNEL_GS_BASE holds the user's GS
        // base, which swapgs exchanges on the way out.
        unsafe { cpu::wrmsr(cpu::MSR_KERNEL_GS_BASE, gs_base) };
        this.set_loaded_gs_base(gs_base);
    }
}

/// Sets CR4.TSD as the thread wants it (Linux switches it in
/// `switch_to_extra`; weft at each entry, comparing with a per-CPU cache).
fn load_tsc_mode(disabled: bool) {
    let this = crate::percpu::this();
    if this.loaded_tsc_disabled() == disabled {
        return;
    }
    // SAFETY: CR4.TSD only makes rdtsc/rdtscp fault at CPL 3; the kernel's
    // own uses of the TSC run at CPL 0 and are unaffected. The other CR4
    // bits are written back unchanged.
    unsafe {
        Cr4::update(|flags| flags.set(Cr4Flags::TIMESTAMP_DISABLE, disabled));
    }
    this.set_loaded_tsc_disabled(disabled);
}

unsafe extern "C" {
    fn run_user_iret(ctx: *mut TrapFrame);
    fn run_user_sysret(ctx: *mut TrapFrame);
    fn syscall_entry();
}

const FRAME_SIZE: usize = core::mem::size_of::<TrapFrame>();
const OFF_RIP: usize = core::mem::offset_of!(TrapFrame, rip);
const OFF_RFLAGS: usize = core::mem::offset_of!(TrapFrame, rflags);
const OFF_RSP: usize = core::mem::offset_of!(TrapFrame, rsp);
const OFF_VECTOR: usize = core::mem::offset_of!(TrapFrame, vector);

global_asm!(
    r#"
    .section .text.user, "ax"

    /* Saves the kernel's callee-saved registers, publishes where the
       context ends (for the syscall entry and TSS.RSP0), and loads the user
       general registers. Leaves rsp at &ctx.vector. */
    .macro ENTER_USER_PROLOGUE
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov gs:[{kernel_rsp}], rsp
    lea rax, [rdi + {frame_size}]
    mov gs:[{ctx_end}], rax
    mov rcx, gs:[{tss_rsp0}]
    mov [rcx], rax
    mov rsp, rdi
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    .endm

    .global run_user_iret
    .type run_user_iret, @function
run_user_iret:
    ENTER_USER_PROLOGUE
    add rsp, 16                  /* skip vector and error code */
    swapgs
    iretq

    .global run_user_sysret
    .type run_user_sysret, @function
run_user_sysret:
    ENTER_USER_PROLOGUE
    /* rsp = &ctx.vector; sysretq takes rip from rcx and rflags from r11. */
    mov rcx, [rsp + {rip} - {vector}]
    mov r11, [rsp + {rflags} - {vector}]
    mov rsp, [rsp + {rsp_off} - {vector}]
    swapgs
    sysretq

    .global syscall_entry
    .type syscall_entry, @function
syscall_entry:
    swapgs
    mov gs:[{scratch}], rsp
    mov rsp, gs:[{ctx_end}]
    push {user_ds}
    push qword ptr gs:[{scratch}]
    push r11
    push {user_cs}
    push rcx
    push 0
    push {syscall_vector}
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rsp, gs:[{kernel_rsp}]
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
    .text
"#,
    kernel_rsp = const OFF_KERNEL_RSP,
    ctx_end = const OFF_USER_CTX_END,
    tss_rsp0 = const OFF_TSS_RSP0,
    scratch = const OFF_USER_RSP_SCRATCH,
    frame_size = const FRAME_SIZE,
    rip = const OFF_RIP,
    rflags = const OFF_RFLAGS,
    rsp_off = const OFF_RSP,
    vector = const OFF_VECTOR,
    user_ds = const USER_DS,
    user_cs = const USER_CS,
    syscall_vector = const SYSCALL_VECTOR,
);

/// Programs the SYSCALL/SYSRET MSRs on this CPU.
pub(crate) fn init_syscall_msrs() {
    // STAR[47:32]: kernel CS (SS = CS + 8). STAR[63:48]: base for SYSRET,
    // which loads CS = base + 16 and SS = base + 8 (Linux's layout).
    let star = ((USER32_CS_BASE as u64) << 48) | ((KERNEL_CS as u64) << 32);
    // SAFETY: standard SYSCALL setup: the entry point is `syscall_entry`;
    // SFMASK clears IF, TF, DF, AC and NT on entry so the entry code runs
    // with interrupts off and the string direction forward.
    unsafe {
        cpu::wrmsr(cpu::MSR_STAR, star);
        cpu::wrmsr(cpu::MSR_LSTAR, syscall_entry as *const () as u64);
        cpu::wrmsr(cpu::MSR_SFMASK, (1 << 9) | (1 << 8) | (1 << 10) | (1 << 18) | (1 << 14));
    }
}

/// SYSRET selector base: user CS32 (0x23) with RPL cleared.
const USER32_CS_BASE: u16 = crate::gdt::USER32_CS & !3;
