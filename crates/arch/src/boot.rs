//! PVH boot: the ELF note QEMU looks for, the 32-bit entry, the switch to
//! long mode and the higher half, and the decoding of `hvm_start_info`.
//!
//! QEMU's `-kernel` loads our ELF at its physical (LMA) addresses, finds the
//! `XEN_ELFNOTE_PHYS32_ENTRY` note and jumps to that address in 32-bit
//! protected mode with paging off and `%ebx` pointing at `hvm_start_info`.
//! The entry builds temporary page tables that map the first 4 GiB three
//! times (identity, direct map at `PHYS_OFFSET`, and the first 1 GiB at
//! `KERNEL_VMA`), enters long mode and calls [`boot_entry`] on the boot stack.
//! `mm` replaces these tables with the kernel's own once frames exist.

use core::arch::global_asm;

use crate::{phys_to_virt, serial};

/// Magic value of `hvm_start_info.magic`.
const HVM_START_MAGIC: u32 = 0x336e_c578;
/// Largest memory map weft keeps; QEMU gives fewer than ten entries.
const MAX_MEMORY_REGIONS: usize = 64;
/// Size of the boot processor's first stack (in `.bss`; replaced by a
/// guarded stack before the executor starts).
pub const BOOT_STACK_SIZE: usize = 64 * 1024;

global_asm!(
    r#"
    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                      /* name size */
    .long 4                      /* desc size */
    .long 18                     /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_start32 - 0xffffffff80000000

    .section .text.boot, "ax"
    .code32
    .global pvh_start32
    .type pvh_start32, @function
pvh_start32:
    cli
    cld
    mov esi, ebx                 /* hvm_start_info, kept for Rust */

    /* Zero .bss: the boot page tables and stack live there. */
    lea edi, [__bss_start - 0xffffffff80000000]
    lea ecx, [__bss_end - 0xffffffff80000000]
    sub ecx, edi
    shr ecx, 2
    xor eax, eax
    rep stosd

    lea esp, [boot_stack_top - 0xffffffff80000000]

    /* 4 page directories of 2 MiB pages: physical 0..4 GiB. */
    lea edi, [boot_pd - 0xffffffff80000000]
    xor ecx, ecx
1:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83                 /* present, writable, huge */
    mov [edi + ecx * 8], eax
    inc ecx
    cmp ecx, 2048
    jne 1b

    /* PDPT for the identity map and the direct map: 4 x 1 GiB. */
    lea edi, [boot_pdpt_low - 0xffffffff80000000]
    lea eax, [boot_pd - 0xffffffff80000000]
    or eax, 3
    mov [edi], eax
    add eax, 4096
    mov [edi + 8], eax
    add eax, 4096
    mov [edi + 16], eax
    add eax, 4096
    mov [edi + 24], eax

    /* PDPT for the kernel image: entry 510 -> first GiB. */
    lea edi, [boot_pdpt_high - 0xffffffff80000000]
    lea eax, [boot_pd - 0xffffffff80000000]
    or eax, 3
    mov [edi + 510 * 8], eax

    /* PML4: 0 (identity), 256 (direct map), 511 (kernel image). */
    lea edi, [boot_pml4 - 0xffffffff80000000]
    lea eax, [boot_pdpt_low - 0xffffffff80000000]
    or eax, 3
    mov [edi], eax
    mov [edi + 256 * 8], eax
    lea eax, [boot_pdpt_high - 0xffffffff80000000]
    or eax, 3
    mov [edi + 511 * 8], eax

    /* CR4: PAE | PGE */
    mov eax, cr4
    or eax, (1 << 5) | (1 << 7)
    mov cr4, eax
    lea eax, [boot_pml4 - 0xffffffff80000000]
    mov cr3, eax

    /* EFER: LME | SCE, and NXE when the CPU has NX. */
    mov eax, 0x80000001
    cpuid
    mov ebx, 0
    test edx, (1 << 20)
    jz 2f
    mov ebx, (1 << 11)
2:
    mov ecx, 0xC0000080
    rdmsr
    or eax, (1 << 8) | (1 << 0)
    or eax, ebx
    wrmsr

    /* CR0: PG | WP | PE */
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1
    mov cr0, eax

    lgdt [boot_gdt_ptr - 0xffffffff80000000]
    push 0x08
    lea eax, [long_mode_low - 0xffffffff80000000]
    push eax
    retf

    .code64
long_mode_low:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    movabs rax, offset long_mode_high
    jmp rax
long_mode_high:
    lea rsp, [rip + boot_stack_top]
    xor ebp, ebp
    mov edi, esi
    call {entry}
3:
    hlt
    jmp 3b

    .section .rodata.boot, "a"
    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff     /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff     /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt - 0xffffffff80000000

    .section .bss.boot, "aw", @nobits
    .p2align 12
    .global boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4096 * 4
    .global boot_stack_guard
boot_stack_guard:
    .skip 4096                   /* left unmapped by mm: overflow faults */
    .global boot_stack_bottom
boot_stack_bottom:
    .skip {stack_size}
boot_stack_top:
    .code64
    .text
"#,
    entry = sym boot_entry,
    stack_size = const BOOT_STACK_SIZE,
);

/// One range of the physical memory map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryRegion {
    pub start: u64,
    pub len: u64,
    pub kind: MemoryKind,
}

/// E820 types, as the PVH memory map reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MemoryKind {
    Usable,
    #[default]
    Reserved,
    AcpiReclaimable,
    AcpiNvs,
    Unusable,
}

impl MemoryKind {
    fn from_e820(kind: u32) -> Self {
        match kind {
            1 => Self::Usable,
            3 => Self::AcpiReclaimable,
            4 => Self::AcpiNvs,
            5 => Self::Unusable,
            _ => Self::Reserved,
        }
    }
}

/// What the boot loader told us, decoded from `hvm_start_info`.
#[derive(Debug)]
pub struct BootInfo {
    /// The kernel command line (`-append`).
    pub cmdline: &'static str,
    regions: [MemoryRegion; MAX_MEMORY_REGIONS],
    region_count: usize,
    /// Physical range of the initramfs (`-initrd`), if one was given.
    pub initrd: Option<(u64, u64)>,
    /// Physical address of the ACPI RSDP, when the loader passed it.
    pub rsdp: Option<u64>,
    /// Physical range occupied by the kernel image, `.bss` included.
    pub kernel_image: (u64, u64),
}

impl BootInfo {
    pub fn memory_map(&self) -> &[MemoryRegion] {
        &self.regions[..self.region_count]
    }

    /// The initramfs image.
    pub fn initrd_bytes(&self) -> Option<&'static [u8]> {
        let (start, len) = self.initrd?;
        // SAFETY: (1) the range is the module QEMU loaded into RAM and the
        // memory map marks usable; (2) mm never hands it to the frame
        // allocator (kernel_space::init carves it out), so nothing writes
        // it; (3) the direct map covers all RAM.
        Some(unsafe { core::slice::from_raw_parts(crate::phys_to_virt(start) as *const u8, len as usize) })
    }
}

/// Physical address of the boot page tables' PML4 (used by AP start-up
/// until `mm` installs the kernel's own tables).
pub fn boot_page_table_phys() -> u64 {
    unsafe extern "C" {
        static boot_pml4: u8;
    }
    // SAFETY: only the address of the linker-placed symbol is taken.
    crate::virt_to_phys(unsafe { &boot_pml4 as *const u8 as usize })
}

/// Guard-less boot stack range (virtual), for the stack-overflow check.
pub fn boot_stack_range() -> (usize, usize) {
    unsafe extern "C" {
        static boot_stack_bottom: u8;
    }
    // SAFETY: only the address of the linker-placed symbol is taken.
    let bottom = unsafe { &boot_stack_bottom as *const u8 as usize };
    (bottom, bottom + BOOT_STACK_SIZE)
}

unsafe extern "Rust" {
    /// The kernel's entry point, defined by the `kernel` crate.
    fn weft_kernel_main(boot: &'static BootInfo) -> !;
}

static mut BOOT_INFO: BootInfo = BootInfo {
    cmdline: "",
    regions: [MemoryRegion { start: 0, len: 0, kind: MemoryKind::Reserved }; MAX_MEMORY_REGIONS],
    region_count: 0,
    initrd: None,
    rsdp: None,
    kernel_image: (0, 0),
};

/// Rust side of the boot processor's entry, still on the boot stack, with
/// the boot page tables and no IDT.
extern "C" fn boot_entry(start_info_phys: u32) -> ! {
    serial::init();
    // SAFETY: the boot processor runs this once before any other CPU starts
    // or any other code reads BOOT_INFO; afterwards it is only read.
    let info = unsafe {
        let info = &mut *core::ptr::addr_of_mut!(BOOT_INFO);
        decode_start_info(start_info_phys as u64, info);
        &*info
    };
    crate::cpu::init_boot_cpu_features();
    // SAFETY: the kernel crate defines this symbol with this signature.
    unsafe { weft_kernel_main(info) }
}

/// Reads `hvm_start_info` (xen/include/public/arch-x86/hvm/start_info.h).
///
/// # Safety
/// `phys` must be the address QEMU passed in `%ebx`, still mapped by the
/// boot tables' direct map.
unsafe fn decode_start_info(phys: u64, info: &mut BootInfo) {
    let base = phys_to_virt(phys) as *const u8;
    // SAFETY (for every read below): the structure and the tables it points
    // to lie in low RAM, which the boot tables map at PHYS_OFFSET; fields are
    // read unaligned-safe at their documented offsets.
    let rd32 = |off: usize| unsafe { (base.add(off) as *const u32).read_unaligned() };
    let rd64 = |off: usize| unsafe { (base.add(off) as *const u64).read_unaligned() };
    if rd32(0) != HVM_START_MAGIC {
        panic!("boot: hvm_start_info magic {:#x} is wrong", rd32(0));
    }
    let version = rd32(4);
    let nr_modules = rd32(12);
    let modlist = rd64(16);
    let cmdline = rd64(24);
    let rsdp = rd64(32);
    if cmdline != 0 {
        let ptr = phys_to_virt(cmdline) as *const u8;
        let mut len = 0;
        // SAFETY: the command line is a NUL-terminated string in low RAM.
        while len < 4096 && unsafe { *ptr.add(len) } != 0 {
            len += 1;
        }
        // SAFETY: `len` bytes were just read; the loader's memory below the
        // kernel is never handed to the frame allocator (see `mm`).
        let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
        info.cmdline = core::str::from_utf8(bytes).unwrap_or("");
    }
    if rsdp != 0 {
        info.rsdp = Some(rsdp);
    }
    if nr_modules > 0 && modlist != 0 {
        let entry = phys_to_virt(modlist) as *const u64;
        // SAFETY: module 0's entry is {paddr, size, cmdline, reserved}.
        let (paddr, size) = unsafe { (entry.read_unaligned(), entry.add(1).read_unaligned()) };
        if size > 0 {
            info.initrd = Some((paddr, size));
        }
    }
    if version >= 1 {
        let memmap = rd64(40);
        let entries = rd32(48) as usize;
        for i in 0..entries.min(MAX_MEMORY_REGIONS) {
            let e = (phys_to_virt(memmap) + i * 24) as *const u8;
            // SAFETY: entry i of the memory map: {addr u64, size u64, type u32, pad}.
            let (start, len, kind) = unsafe {
                (
                    (e as *const u64).read_unaligned(),
                    (e.add(8) as *const u64).read_unaligned(),
                    (e.add(16) as *const u32).read_unaligned(),
                )
            };
            info.regions[i] = MemoryRegion { start, len, kind: MemoryKind::from_e820(kind) };
            info.region_count = i + 1;
        }
    }
    unsafe extern "C" {
        static __kernel_phys_start: u8;
        static __bss_end: u8;
    }
    // SAFETY: only the addresses of linker-script symbols are taken.
    let (start, end) = unsafe {
        (&__kernel_phys_start as *const u8 as usize, &__bss_end as *const u8 as usize)
    };
    info.kernel_image = (crate::virt_to_phys(start), crate::virt_to_phys(end));
}
