//! The kernel's page table: the direct map of physical memory, the kernel
//! image with per-section permissions, and the kernel-stack region.
//!
//! Built once on the boot CPU to replace the boot tables. Every user
//! address space copies its upper half (PML4 entries 256..512), so all
//! upper-half PML4 entries the kernel will ever use are created here and
//! never change afterwards; later kernel mappings only fill lower levels.

use arch::boot::{BootInfo, MemoryKind};
use arch::irq::IrqMutex;
use arch::{KERNEL_VMA, PHYS_OFFSET, phys_to_virt};
use x86_64::structures::paging::mapper::MapToError;
use x86_64::structures::paging::{
    FrameAllocator as PtFrameSource, Mapper, OffsetPageTable, Page, PageTable, PageTableFlags as Flags,
    PhysFrame, Size2MiB, Size4KiB,
};
use x86_64::{PhysAddr, VirtAddr};

use crate::PAGE_SIZE;
use crate::frame::{FRAMES, FrameKind, alloc_frame};

/// Physical memory below this is left to firmware, the boot loader and the
/// AP trampoline; the frame allocator never hands it out.
const LOW_MEMORY_END: u64 = 1 << 20;

/// Physical address of the kernel's PML4 (0 before `init`).
static KERNEL_PML4: IrqMutex<u64> = IrqMutex::new(0);

/// Takes page-table frames from the global frame allocator.
struct PageTableFrames;

// SAFETY: every frame returned comes fresh from the frame allocator, so it
// is unused; the mapper zeroes new tables before linking them.
unsafe impl PtFrameSource<Size4KiB> for PageTableFrames {
    fn allocate_frame(&mut self) -> Option<PhysFrame> {
        let phys = alloc_frame(FrameKind::PageTable)?;
        Some(PhysFrame::containing_address(PhysAddr::new(phys)))
    }
}

/// Hands usable RAM to the frame allocator, builds the kernel page table
/// and switches to it, then sets up what user address spaces need: the
/// per-frame reference counts (`page::init_metadata`) and the TLB-shootdown
/// IPI handler (`tlb::init`). Must run on the boot CPU before the other
/// CPUs start. Returns (total, free) frames.
pub fn init(boot: &BootInfo) -> (usize, usize) {
    let (kernel_start, kernel_end) = boot.kernel_image;
    let initrd = boot.initrd.map(|(start, len)| (start, start + len)).unwrap_or((0, 0));
    let mut top_of_ram = 0;
    {
        let mut frames = FRAMES.lock();
        for region in boot.memory_map().iter().filter(|r| r.kind == MemoryKind::Usable) {
            let (start, end) = (region.start.max(LOW_MEMORY_END), region.start + region.len);
            top_of_ram = top_of_ram.max(end);
            // Carve out the kernel image and the initramfs.
            let mut pieces = [(start, end); 3];
            let mut n = 1;
            for (hole_start, hole_end) in [(kernel_start, kernel_end), initrd] {
                let mut next = [(0, 0); 3];
                let mut m = 0;
                for &(s, e) in &pieces[..n] {
                    if hole_end <= s || hole_start >= e || hole_start == hole_end {
                        next[m] = (s, e);
                        m += 1;
                        continue;
                    }
                    if s < hole_start {
                        next[m] = (s, hole_start);
                        m += 1;
                    }
                    if hole_end < e {
                        next[m] = (hole_end, e);
                        m += 1;
                    }
                }
                pieces = next;
                n = m;
            }
            for &(s, e) in &pieces[..n] {
                let first = (s as usize).div_ceil(PAGE_SIZE);
                let last = e as usize / PAGE_SIZE;
                if first < last {
                    frames.add_free(first..last);
                }
            }
        }
    }

    let pml4_phys = alloc_frame(FrameKind::PageTable).expect("no memory for the kernel page table");
    let pml4 = phys_to_virt(pml4_phys) as *mut PageTable;
    // SAFETY: the frame is fresh from the allocator and direct-mapped.
    unsafe { pml4.write(PageTable::new()) };
    // SAFETY: `pml4` is a valid, exclusively owned table, and every table
    // reachable from it is reachable through the direct map at PHYS_OFFSET.
    let mut mapper = unsafe { OffsetPageTable::new(&mut *pml4, VirtAddr::new(PHYS_OFFSET as u64)) };
    let nx = if arch::cpu::has_nx() { Flags::NO_EXECUTE } else { Flags::empty() };

    // Direct map: all of RAM, and at least 4 GiB to cover the MMIO holes
    // (APICs, HPET), with 2 MiB pages.
    let direct_end = top_of_ram.max(4 << 30).next_multiple_of(2 << 20);
    for phys in (0..direct_end).step_by(2 << 20) {
        let page = Page::<Size2MiB>::containing_address(VirtAddr::new(phys_to_virt(phys) as u64));
        let frame = PhysFrame::<Size2MiB>::containing_address(PhysAddr::new(phys));
        map_or_die(unsafe_map(&mut mapper, page, frame, Flags::PRESENT | Flags::WRITABLE | Flags::GLOBAL | nx));
    }

    // Kernel image, section by section.
    let sections = arch_sections();
    let guard = boot_stack_guard();
    for (start, end, flags) in [
        (sections.text.0, sections.text.1, Flags::PRESENT | Flags::GLOBAL),
        (sections.rodata.0, sections.rodata.1, Flags::PRESENT | Flags::GLOBAL | nx),
        (sections.data.0, sections.data.1, Flags::PRESENT | Flags::WRITABLE | Flags::GLOBAL | nx),
    ] {
        for virt in (start..end).step_by(PAGE_SIZE) {
            if virt == guard {
                continue;
            }
            let page = Page::<Size4KiB>::containing_address(VirtAddr::new(virt as u64));
            let frame = PhysFrame::containing_address(PhysAddr::new((virt - KERNEL_VMA) as u64));
            map_or_die(unsafe_map(&mut mapper, page, frame, flags));
        }
    }

    // The kernel-stack region's PML4 entry, so address spaces share it.
    let kstack_index = (arch::paging::KSTACK_REGION_START >> 39) & 511;
    let pdpt = alloc_frame(FrameKind::PageTable).expect("no memory for the kernel page table");
    // SAFETY: fresh frame, direct-mapped.
    unsafe { (phys_to_virt(pdpt) as *mut PageTable).write(PageTable::new()) };
    // SAFETY: `pml4` is ours and not active yet.
    unsafe {
        (&mut *pml4)[kstack_index].set_addr(PhysAddr::new(pdpt), Flags::PRESENT | Flags::WRITABLE);
    }

    // SAFETY: the new table maps the kernel image at the same addresses as
    // the boot tables (the code running now), the direct map, and the
    // boot stack we are on (in .bss).
    unsafe { arch::paging::activate_page_table(pml4_phys) };
    arch::paging::set_kernel_page_table(pml4_phys);
    *KERNEL_PML4.lock() = pml4_phys;
    // User address spaces need the per-frame reference counts (allocated
    // on the heap, which works now) and the shootdown IPI handler.
    crate::page::init_metadata();
    crate::tlb::init();
    let frames = FRAMES.lock();
    (frames.total(), frames.free())
}

/// Maps a fresh zeroed frame at kernel address `virt` (read-write, no
/// execute). Returns `None` when out of memory.
pub fn map_new_page(virt: usize, kind: FrameKind) -> Option<u64> {
    let phys = alloc_frame(kind)?;
    // SAFETY: fresh frame, direct-mapped; zero it before it becomes visible.
    unsafe { core::ptr::write_bytes(phys_to_virt(phys) as *mut u8, 0, PAGE_SIZE) };
    let pml4_phys = KERNEL_PML4.lock();
    let pml4 = phys_to_virt(*pml4_phys) as *mut PageTable;
    // SAFETY: the kernel PML4 is valid and only modified under KERNEL_PML4's
    // lock (held); tables are reachable through the direct map.
    let mut mapper = unsafe { OffsetPageTable::new(&mut *pml4, VirtAddr::new(PHYS_OFFSET as u64)) };
    let nx = if arch::cpu::has_nx() { Flags::NO_EXECUTE } else { Flags::empty() };
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(virt as u64));
    let frame = PhysFrame::containing_address(PhysAddr::new(phys));
    match unsafe_map(&mut mapper, page, frame, Flags::PRESENT | Flags::WRITABLE | Flags::GLOBAL | nx) {
        Ok(()) => Some(phys),
        Err(_) => {
            crate::frame::free_frame(phys, kind);
            None
        }
    }
}

fn unsafe_map<S: x86_64::structures::paging::PageSize>(
    mapper: &mut OffsetPageTable<'_>,
    page: Page<S>,
    frame: PhysFrame<S>,
    flags: Flags,
) -> Result<(), MapToError<S>>
where
    for<'a> OffsetPageTable<'a>: Mapper<S>,
{
    let table_flags = Flags::PRESENT | Flags::WRITABLE;
    // SAFETY: kernel mappings of frames that nothing else maps with
    // conflicting attributes: the direct map and image map their own
    // physical memory, and stack pages are fresh frames. The flush is
    // skipped because the address was unmapped (no stale TLB entry).
    unsafe { mapper.map_to_with_table_flags(page, frame, flags, table_flags, &mut PageTableFrames) }
        .map(|flush| flush.ignore())
}

fn map_or_die<S: x86_64::structures::paging::PageSize + core::fmt::Debug>(r: Result<(), MapToError<S>>) {
    if let Err(e) = r {
        panic!("building the kernel page table: {e:?}");
    }
}

struct Sections {
    text: (usize, usize),
    rodata: (usize, usize),
    data: (usize, usize),
}

fn arch_sections() -> Sections {
    unsafe extern "C" {
        static __text_start: u8;
        static __text_end: u8;
        static __rodata_start: u8;
        static __rodata_end: u8;
        static __data_start: u8;
        static __bss_end: u8;
    }
    let addr = |s: &u8| s as *const u8 as usize;
    // SAFETY: only the addresses of linker-script symbols are taken; the
    // script aligns each to a page.
    unsafe {
        Sections {
            text: (addr(&__text_start), addr(&__text_end).next_multiple_of(PAGE_SIZE)),
            rodata: (addr(&__rodata_start), addr(&__rodata_end).next_multiple_of(PAGE_SIZE)),
            data: (addr(&__data_start), addr(&__bss_end).next_multiple_of(PAGE_SIZE)),
        }
    }
}

fn boot_stack_guard() -> usize {
    let (bottom, _) = arch::boot::boot_stack_range();
    bottom - PAGE_SIZE
}

/// Unmaps the kernel page at `virt` (this CPU's TLB only: for pages no
/// other CPU has touched) and frees its frame.
pub fn unmap_page(virt: usize, kind: FrameKind) -> Option<u64> {
    let pml4_phys = KERNEL_PML4.lock();
    let pml4 = phys_to_virt(*pml4_phys) as *mut PageTable;
    // SAFETY: as in `map_new_page`.
    let mut mapper = unsafe { OffsetPageTable::new(&mut *pml4, VirtAddr::new(PHYS_OFFSET as u64)) };
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(virt as u64));
    let (frame, flush) = mapper.unmap(page).ok()?;
    flush.flush();
    crate::frame::free_frame(frame.start_address().as_u64(), kind);
    Some(frame.start_address().as_u64())
}

/// The physical address `virt` maps to in the kernel page table.
pub fn translate(virt: usize) -> Option<u64> {
    use x86_64::structures::paging::Translate;
    let pml4_phys = KERNEL_PML4.lock();
    let pml4 = phys_to_virt(*pml4_phys) as *mut PageTable;
    // SAFETY: as in `map_new_page`.
    let mapper = unsafe { OffsetPageTable::new(&mut *pml4, VirtAddr::new(PHYS_OFFSET as u64)) };
    mapper.translate_addr(VirtAddr::new(virt as u64)).map(|p| p.as_u64())
}

/// Test helper: writes a pattern through `virt` and reads it back through
/// the direct map of `phys`, proving both name the same frame.
pub fn fill_and_check(virt: usize, phys: u64, pattern: u8) -> Result<(), alloc::string::String> {
    // SAFETY: the caller just mapped `virt` to `phys` (one page, writable)
    // and owns it; the direct map aliases the same frame.
    let (a, b) = unsafe {
        core::ptr::write_bytes(virt as *mut u8, pattern, PAGE_SIZE);
        (
            core::slice::from_raw_parts(virt as *const u8, PAGE_SIZE),
            core::slice::from_raw_parts(phys_to_virt(phys) as *const u8, PAGE_SIZE),
        )
    };
    if a == b && a.iter().all(|&x| x == pattern) { Ok(()) } else { Err("mapped page does not alias its frame".into()) }
}
