//! Trap entry: one stub per vector, and the split between traps taken in
//! kernel mode (handled here, on the current stack) and traps taken in user
//! mode (which end `user::run_user` as if it had returned).
//!
//! A trap from ring 3 arrives on the stack `TSS.RSP0` names, which
//! `run_user` points at the end of the running thread's [`TrapFrame`]
//! (`user::UserContext`): the CPU pushes the interrupt frame straight into
//! the context and the stub pushes the general registers below it. No
//! kernel stack holds anything of a thread that is not running.

use core::arch::global_asm;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::percpu::OFF_KERNEL_RSP;
use crate::{apic, backtrace, context, cpu, percpu};

/// Registers saved by the trap stubs, lowest address first. Also the layout
/// of a user thread's saved registers.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrapFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    /// Trap vector, or [`SYSCALL_VECTOR`] for the `syscall` instruction.
    pub vector: u64,
    pub error_code: u64,
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

/// `vector` value of a frame saved by the `syscall` instruction entry.
pub const SYSCALL_VECTOR: u64 = 0x100;

pub const VEC_DIVIDE_ERROR: u64 = 0;
pub const VEC_DEBUG: u64 = 1;
pub const VEC_NMI: u64 = 2;
pub const VEC_BREAKPOINT: u64 = 3;
pub const VEC_OVERFLOW: u64 = 4;
pub const VEC_BOUND: u64 = 5;
pub const VEC_INVALID_OPCODE: u64 = 6;
pub const VEC_DEVICE_NOT_AVAILABLE: u64 = 7;
pub const VEC_DOUBLE_FAULT: u64 = 8;
pub const VEC_INVALID_TSS: u64 = 10;
pub const VEC_SEGMENT_NOT_PRESENT: u64 = 11;
pub const VEC_STACK_SEGMENT: u64 = 12;
pub const VEC_GENERAL_PROTECTION: u64 = 13;
pub const VEC_PAGE_FAULT: u64 = 14;
pub const VEC_X87_FP: u64 = 16;
pub const VEC_ALIGNMENT_CHECK: u64 = 17;
pub const VEC_SIMD_FP: u64 = 19;
/// First vector for external interrupts and IPIs.
pub const VEC_FIRST_IRQ: u64 = 32;
pub const VEC_TIMER: u64 = 32;
pub const VEC_WAKE_IPI: u64 = 33;
pub const VEC_TLB_SHOOTDOWN: u64 = 34;
pub const VEC_STOP: u64 = 35;
/// ISA IRQ n is routed to vector `VEC_ISA_BASE + n` through the IOAPIC.
pub const VEC_ISA_BASE: u64 = 48;
pub const VEC_SPURIOUS: u64 = 255;

/// Page-fault error code bits.
pub mod pf {
    pub const PRESENT: u64 = 1;
    pub const WRITE: u64 = 2;
    pub const USER: u64 = 4;
    pub const RESERVED: u64 = 8;
    pub const INSTRUCTION: u64 = 16;
}

global_asm!(
    r#"
    .section .text.trap, "ax"
    .p2align 4
    .global trap_stubs
    .type trap_stubs, @function
trap_stubs:
    .set vec, 0
    .rept 256
    .p2align 4
    .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    push 0
    .endif
    push vec
    jmp trap_common
    .set vec, vec + 1
    .endr

trap_common:
    test qword ptr [rsp + 24], 3
    jnz 1f
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
    mov rdi, rsp
    cld
    call {kernel_trap}
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
    add rsp, 16
    iretq

1:  /* From user mode: rsp points into the thread's context. */
    swapgs
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
    cld
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
    .text
"#,
    kernel_trap = sym kernel_trap,
    kernel_rsp = const OFF_KERNEL_RSP,
);

/// Address of the entry stub of `vector`.
pub(crate) fn stub_address(vector: usize) -> u64 {
    unsafe extern "C" {
        static trap_stubs: u8;
    }
    // SAFETY: only the symbol's address is taken; stubs are 16 bytes apart.
    (unsafe { &trap_stubs as *const u8 as u64 }) + vector as u64 * 16
}

/// Interrupt handlers for vectors 32..=255, as `fn(&mut TrapFrame)`
/// addresses (0 = none). They run with interrupts disabled, in kernel mode,
/// whether the interrupt came from user or kernel mode.
static IRQ_HANDLERS: [AtomicUsize; 256] = [const { AtomicUsize::new(0) }; 256];

/// Installs the handler of an interrupt vector (32..=255).
pub fn set_irq_handler(vector: u64, handler: fn(&TrapFrame)) {
    assert!((VEC_FIRST_IRQ..256).contains(&vector));
    IRQ_HANDLERS[vector as usize].store(handler as usize, Ordering::Release);
}

/// The handler of non-maskable interrupts (0 = none), as a
/// `fn(&TrapFrame)` address.
static NMI_HANDLER: AtomicUsize = AtomicUsize::new(0);

/// Installs the NMI handler. It runs in kernel mode, possibly in the middle
/// of any kernel code (interrupts off or not, locks held): it must take no
/// lock that interrupted code could hold.
pub fn set_nmi_handler(handler: fn(&TrapFrame)) {
    NMI_HANDLER.store(handler as usize, Ordering::Release);
}

/// Runs the NMI handler (kernel mode here; user mode through `run_user`).
/// NMIs need no end-of-interrupt.
pub fn handle_nmi(frame: &TrapFrame) {
    let handler = NMI_HANDLER.load(Ordering::Acquire);
    if handler != 0 {
        // SAFETY: only `set_nmi_handler` stores non-zero values, and it
        // stores `fn(&TrapFrame)` pointers.
        let handler: fn(&TrapFrame) = unsafe { core::mem::transmute(handler) };
        handler(frame);
    }
}

/// Runs the handler of an interrupt and acknowledges it. Called for
/// interrupts from kernel mode here, and by the user-thread loop for those
/// that ended `run_user`.
pub fn handle_irq(frame: &TrapFrame) {
    let vector = frame.vector as usize;
    if vector == VEC_SPURIOUS as usize {
        return;
    }
    if frame.vector == VEC_TIMER {
        percpu::this().ticks.fetch_add(1, Ordering::Relaxed);
    }
    let handler = IRQ_HANDLERS[vector].load(Ordering::Acquire);
    if handler != 0 {
        // SAFETY: only `set_irq_handler` stores non-zero values, and it
        // stores `fn(&TrapFrame)` pointers.
        let handler: fn(&TrapFrame) = unsafe { core::mem::transmute(handler) };
        handler(frame);
    }
    apic::end_of_interrupt();
}

/// Rust side of a trap taken in kernel mode.
extern "C" fn kernel_trap(frame: &mut TrapFrame) {
    match frame.vector {
        VEC_PAGE_FAULT => {
            if let Some(fixup) = crate::usercopy::fixup_for(frame.rip) {
                frame.rip = fixup;
                return;
            }
            let addr = cpu::read_cr2();
            if crate::paging::is_stack_guard(addr) {
                fatal(frame, "kernel stack overflow");
            }
            fatal(frame, "page fault in kernel mode");
        }
        VEC_DOUBLE_FAULT => {
            let addr = cpu::read_cr2();
            if crate::paging::is_stack_guard(addr) || crate::paging::is_stack_guard(frame.rsp as usize) {
                fatal(frame, "kernel stack overflow");
            }
            fatal(frame, "double fault");
        }
        VEC_NMI => handle_nmi(frame),
        v if v < VEC_FIRST_IRQ => fatal(frame, exception_name(v)),
        _ => {
            handle_irq(frame);
            // A preemptible (stackful) task whose slice is over gives the CPU
            // back to its executor; it resumes here later.
            if frame.vector == VEC_TIMER {
                context::preempt_if_requested();
            }
        }
    }
}

/// Human name of an exception vector.
pub fn exception_name(vector: u64) -> &'static str {
    match vector {
        0 => "#DE divide error",
        1 => "#DB debug",
        2 => "NMI",
        3 => "#BP breakpoint",
        4 => "#OF overflow",
        5 => "#BR bound range",
        6 => "#UD invalid opcode",
        7 => "#NM device not available",
        8 => "#DF double fault",
        10 => "#TS invalid TSS",
        11 => "#NP segment not present",
        12 => "#SS stack-segment fault",
        13 => "#GP general protection fault",
        14 => "#PF page fault",
        16 => "#MF x87 floating-point error",
        17 => "#AC alignment check",
        18 => "#MC machine check",
        19 => "#XM SIMD floating-point error",
        _ => "exception",
    }
}

/// Reports an unrecoverable kernel-mode trap and panics.
fn fatal(frame: &TrapFrame, what: &str) -> ! {
    use core::fmt::Write;
    let mut out = crate::serial::SerialWriter;
    let _ = writeln!(
        out,
        "\nKERNEL TRAP on cpu{}: {} (vector {}, error {:#x})",
        percpu::cpu_id(),
        what,
        frame.vector,
        frame.error_code
    );
    if frame.vector == VEC_PAGE_FAULT || frame.vector == VEC_DOUBLE_FAULT {
        let _ = writeln!(out, "  cr2 {:#018x}", cpu::read_cr2());
    }
    let _ = write_registers(&mut out, frame);
    backtrace::print_from(frame.rip as usize, frame.rbp as usize);
    panic!("{what}");
}

/// Writes a register dump of `frame`.
pub fn write_registers(out: &mut impl core::fmt::Write, f: &TrapFrame) -> core::fmt::Result {
    writeln!(out, "  rip {:#018x} cs {:#x} rflags {:#x}", f.rip, f.cs, f.rflags)?;
    writeln!(out, "  rsp {:#018x} ss {:#x}", f.rsp, f.ss)?;
    writeln!(out, "  rax {:#018x} rbx {:#018x} rcx {:#018x}", f.rax, f.rbx, f.rcx)?;
    writeln!(out, "  rdx {:#018x} rsi {:#018x} rdi {:#018x}", f.rdx, f.rsi, f.rdi)?;
    writeln!(out, "  rbp {:#018x} r8  {:#018x} r9  {:#018x}", f.rbp, f.r8, f.r9)?;
    writeln!(out, "  r10 {:#018x} r11 {:#018x} r12 {:#018x}", f.r10, f.r11, f.r12)?;
    writeln!(out, "  r13 {:#018x} r14 {:#018x} r15 {:#018x}", f.r13, f.r14, f.r15)
}
