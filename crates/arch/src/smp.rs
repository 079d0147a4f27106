//! Per-CPU bring-up: the boot CPU's own setup, and application processors
//! started with INIT-SIPI-SIPI through a real-mode trampoline.
//!
//! An AP starts in real mode at `TRAMPOLINE_PHYS`, switches to protected
//! mode, then to long mode on the boot page tables (which identity-map low
//! memory), jumps to `ap_entry_high` in the kernel image, and only there
//! loads the kernel's page table and its own guarded stack.

use core::arch::global_asm;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::{apic, cpu, fpu, idt, percpu, phys_to_virt, time, user};

/// Where the trampoline is copied (SIPI vector 0x08). Low memory below
/// 1 MiB is never given to the frame allocator.
pub const TRAMPOLINE_PHYS: u64 = 0x8000;

global_asm!(
    r#"
    .set TRAMPOLINE, 0x8000
    .section .rodata.trampoline, "a"
    .p2align 4
    .global ap_trampoline_start
ap_trampoline_start:
    .code16
    cli
    cld
    mov ax, cs
    mov ds, ax
    lgdt [AP_GDT_PTR_OFF]
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    .byte 0x66, 0xea                         /* ljmpl $0x08, $ap_pm */
    .long TRAMPOLINE + (ap_pm - ap_trampoline_start)
    .word 0x08

    .code32
ap_pm:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, (1 << 5) | (1 << 7)               /* PAE | PGE */
    mov cr4, eax
    mov eax, [AT_AP_BOOT_CR3]
    mov cr3, eax
    mov ecx, 0xC0000080
    rdmsr
    or eax, (1 << 8) | (1 << 0)               /* LME | SCE */
    or eax, [AT_AP_EFER_EXTRA]
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16)             /* PG | WP */
    mov cr0, eax
    .byte 0xea                               /* ljmp $0x18, $ap_lm */
    .long TRAMPOLINE + (ap_lm - ap_trampoline_start)
    .word 0x18

    .code64
ap_lm:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsi, [AT_AP_KERNEL_CR3]
    mov rdx, [AT_AP_STACK]
    mov rdi, [AT_AP_CPU]
    mov rax, [AT_AP_ENTRY]
    jmp rax

    .p2align 3
ap_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff                 /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff                 /* 0x10: data */
    .quad 0x00af9a000000ffff                 /* 0x18: 64-bit code */
ap_gdt_ptr:
    .word ap_gdt_ptr - ap_gdt - 1
    .long TRAMPOLINE + (ap_gdt - ap_trampoline_start)
    .p2align 3
    .global ap_trampoline_data
ap_trampoline_data:
ap_boot_cr3:    .quad 0
ap_efer_extra:  .quad 0
ap_kernel_cr3:  .quad 0
ap_stack:       .quad 0
ap_cpu:         .quad 0
ap_entry:       .quad 0
    .global ap_trampoline_end
ap_trampoline_end:
    .set AP_GDT_PTR_OFF, ap_gdt_ptr - ap_trampoline_start
    .set AT_AP_BOOT_CR3, TRAMPOLINE + (ap_boot_cr3 - ap_trampoline_start)
    .set AT_AP_EFER_EXTRA, TRAMPOLINE + (ap_efer_extra - ap_trampoline_start)
    .set AT_AP_KERNEL_CR3, TRAMPOLINE + (ap_kernel_cr3 - ap_trampoline_start)
    .set AT_AP_STACK, TRAMPOLINE + (ap_stack - ap_trampoline_start)
    .set AT_AP_CPU, TRAMPOLINE + (ap_cpu - ap_trampoline_start)
    .set AT_AP_ENTRY, TRAMPOLINE + (ap_entry - ap_trampoline_start)

    .text
    .code64
ap_entry_high:
    mov cr3, rsi
    mov rsp, rdx
    xor ebp, ebp
    call {ap_rust}
    ud2
    .global ap_entry_high_addr
    .section .rodata
    .p2align 3
ap_entry_high_addr:
    .quad ap_entry_high
    .text
"#,
    ap_rust = sym ap_rust_entry,
);

/// Mirrors the data block at the end of the trampoline.
#[repr(C)]
struct TrampolineData {
    boot_cr3: u64,
    efer_extra: u64,
    kernel_cr3: u64,
    stack: u64,
    cpu: u64,
    entry: u64,
}

unsafe extern "C" {
    static ap_trampoline_start: u8;
    static ap_trampoline_data: u8;
    static ap_trampoline_end: u8;
    static ap_entry_high_addr: u64;
}

unsafe extern "Rust" {
    /// The kernel's entry for an application processor, defined by the
    /// `kernel` crate.
    fn weft_ap_main(cpu: usize) -> !;
}

static AP_STARTED: AtomicBool = AtomicBool::new(false);

/// Sets up the boot CPU: descriptor tables, per-CPU area, PIC off, local
/// APIC, clocks, SYSCALL and FPU. Call once, early, with interrupts off.
pub fn init_boot_cpu() {
    idt::init();
    percpu::init_this_cpu(0);
    idt::load();
    apic::disable_legacy_pic();
    apic::enable_local_apic();
    percpu::set_apic_id(apic::local_apic_id());
    time::calibrate();
    apic::calibrate_timer();
    // One-shot and stopped: from here on the runtime arms it.
    apic::init_timer();
    user::init_syscall_msrs();
    fpu::init_this_cpu();
    percpu::set_online();
}

/// Starts the APs listed in `apic_ids` (skipping the caller's own) one at a
/// time. `stack_top(cpu)` gives each a stack in the kernel page table.
/// Returns the number of CPUs that came online, the caller included.
pub fn start_application_processors(apic_ids: &[u32], mut stack_top: impl FnMut(usize) -> usize) -> usize {
    let len = {
        // SAFETY: only addresses of the linker-placed trampoline are taken.
        unsafe { &ap_trampoline_end as *const u8 as usize - &ap_trampoline_start as *const u8 as usize }
    };
    let dst = phys_to_virt(TRAMPOLINE_PHYS) as *mut u8;
    // SAFETY: the trampoline page (0x8000) is low memory that the frame
    // allocator never hands out; the direct map covers it.
    unsafe { core::ptr::copy_nonoverlapping(&ap_trampoline_start as *const u8, dst, len) };
    let data_offset =
        // SAFETY: as above, addresses only.
        unsafe { &ap_trampoline_data as *const u8 as usize - &ap_trampoline_start as *const u8 as usize };
    let data = (dst as usize + data_offset) as *mut TrampolineData;
    let me = apic::local_apic_id();
    let mut next_cpu = 1;
    for &apic_id in apic_ids.iter().filter(|&&id| id != me) {
        if next_cpu >= crate::MAX_CPUS {
            log::warn!("smp: more than {} CPUs; ignoring APIC id {apic_id}", crate::MAX_CPUS);
            break;
        }
        let cpu = next_cpu;
        AP_STARTED.store(false, Ordering::Release);
        // SAFETY: `data` points into the copied trampoline; no AP is running
        // it now (each AP is waited for before the next starts).
        unsafe {
            data.write(TrampolineData {
                boot_cr3: crate::boot::boot_page_table_phys(),
                efer_extra: if cpu::has_nx() { 1 << 11 } else { 0 },
                kernel_cr3: crate::paging::kernel_page_table(),
                stack: stack_top(cpu) as u64,
                cpu: cpu as u64,
                entry: ap_entry_high_addr,
            });
        }
        apic::send_init(apic_id);
        time::spin_delay_ns(10_000_000);
        for _ in 0..2 {
            apic::send_startup(apic_id, (TRAMPOLINE_PHYS >> 12) as u8);
            time::spin_delay_ns(200_000);
            if AP_STARTED.load(Ordering::Acquire) {
                break;
            }
        }
        let deadline = time::now_ns() + 1_000_000_000;
        while !AP_STARTED.load(Ordering::Acquire) && time::now_ns() < deadline {
            cpu::pause();
        }
        if AP_STARTED.load(Ordering::Acquire) {
            next_cpu += 1;
        } else {
            log::warn!("smp: CPU with APIC id {apic_id} did not start");
        }
    }
    next_cpu
}

extern "C" fn ap_rust_entry(cpu: usize) -> ! {
    idt::load();
    percpu::init_this_cpu(cpu);
    apic::enable_local_apic();
    percpu::set_apic_id(apic::local_apic_id());
    apic::init_timer();
    user::init_syscall_msrs();
    fpu::init_this_cpu();
    percpu::set_online();
    AP_STARTED.store(true, Ordering::Release);
    // SAFETY: the kernel crate defines this symbol with this signature.
    unsafe { weft_ap_main(cpu) }
}
