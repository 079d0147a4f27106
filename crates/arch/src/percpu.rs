//! Per-CPU data, reached through the GS base.
//!
//! While a CPU runs kernel code, `IA32_GS_BASE` points at its [`PerCpu`];
//! in user mode the two GS bases are swapped (`swapgs` on every entry and
//! exit). The first fields sit at fixed offsets because the trap and syscall
//! entry code addresses them as `gs:[offset]`.

use core::arch::asm;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use x86_64::structures::tss::TaskStateSegment;

use crate::{MAX_CPUS, cpu, gdt};

/// Offsets used by the entry code (see `trap.rs`, `user.rs`).
pub(crate) const OFF_USER_RSP_SCRATCH: usize = 8;
pub(crate) const OFF_KERNEL_RSP: usize = 16;
pub(crate) const OFF_USER_CTX_END: usize = 24;
pub(crate) const OFF_TSS_RSP0: usize = 32;
pub(crate) const OFF_CPU_ID: usize = 40;

/// Size of the stack the double-fault handler runs on.
const DOUBLE_FAULT_STACK_SIZE: usize = 16 * 1024;

/// State of one CPU.
///
/// Fields are written only by their own CPU, except the atomics, which other
/// CPUs read (and `need_resched`, which they may set).
#[repr(C, align(64))]
pub struct PerCpu {
    // --- fixed layout: entry code uses these offsets ---
    self_ptr: UnsafeCell<usize>,
    user_rsp_scratch: UnsafeCell<usize>,
    kernel_rsp: UnsafeCell<usize>,
    user_ctx_end: UnsafeCell<usize>,
    tss_rsp0: UnsafeCell<usize>,
    cpu_id: UnsafeCell<usize>,
    // --- the rest: Rust only ---
    apic_id: AtomicU64,
    online: AtomicBool,
    /// Timer interrupts seen by this CPU.
    pub ticks: AtomicU64,
    /// Entries into user mode (a heartbeat for the lockup watchdog).
    user_entries: AtomicU64,
    /// Set by the timer when the current time slice is over.
    pub need_resched: AtomicBool,
    /// The FS base and user GS base currently in their MSRs (caches: the
    /// writes are slow, and user code cannot change them: CR4.FSGSBASE is
    /// off).
    fs_base_loaded: AtomicU64,
    gs_base_loaded: AtomicU64,
    /// Whether CR4.TSD (rdtsc faults in user mode) is set on this CPU; a
    /// cache like the bases above.
    tsc_disabled_loaded: AtomicBool,
    /// The LDT this CPU has loaded (base address, entries; 0 entries: none),
    /// a cache like the bases above.
    ldt_loaded: UnsafeCell<(u64, usize)>,
    /// Set while this CPU runs a stackful task that the timer may preempt
    /// (the address of its `context::StackfulSlot`, or 0).
    pub(crate) preemptible_slot: AtomicUsize,
    tss: UnsafeCell<TaskStateSegment>,
    gdt: UnsafeCell<[u64; gdt::GDT_ENTRIES]>,
}

// SAFETY: the UnsafeCell fields are only written by the CPU that owns the
// PerCpu (during its own bring-up or from its own entry code); other CPUs
// use only the atomic fields.
unsafe impl Sync for PerCpu {}

impl PerCpu {
    const fn new() -> Self {
        Self {
            self_ptr: UnsafeCell::new(0),
            user_rsp_scratch: UnsafeCell::new(0),
            kernel_rsp: UnsafeCell::new(0),
            user_ctx_end: UnsafeCell::new(0),
            tss_rsp0: UnsafeCell::new(0),
            cpu_id: UnsafeCell::new(0),
            apic_id: AtomicU64::new(0),
            online: AtomicBool::new(false),
            ticks: AtomicU64::new(0),
            user_entries: AtomicU64::new(0),
            need_resched: AtomicBool::new(false),
            fs_base_loaded: AtomicU64::new(0),
            gs_base_loaded: AtomicU64::new(0),
            tsc_disabled_loaded: AtomicBool::new(false),
            ldt_loaded: UnsafeCell::new((0, 0)),
            preemptible_slot: AtomicUsize::new(0),
            tss: UnsafeCell::new(TaskStateSegment::new()),
            gdt: UnsafeCell::new([0; gdt::GDT_ENTRIES]),
        }
    }

    /// The APIC id of this CPU.
    pub fn apic_id(&self) -> u32 {
        self.apic_id.load(Ordering::Relaxed) as u32
    }

    pub(crate) fn loaded_fs_base(&self) -> u64 {
        self.fs_base_loaded.load(Ordering::Relaxed)
    }

    pub(crate) fn set_loaded_fs_base(&self, value: u64) {
        self.fs_base_loaded.store(value, Ordering::Relaxed);
    }

    pub(crate) fn loaded_tsc_disabled(&self) -> bool {
        self.tsc_disabled_loaded.load(Ordering::Relaxed)
    }

    pub(crate) fn set_loaded_tsc_disabled(&self, value: bool) {
        self.tsc_disabled_loaded.store(value, Ordering::Relaxed);
    }

    /// Makes `table` (address, entries; 0 entries: none) this CPU's LDT.
    /// Called with interrupts off, on this CPU's own data.
    pub(crate) fn load_ldt(&self, table: (u64, usize)) {
        // SAFETY: only this CPU touches its own `ldt_loaded` and GDT slot,
        // with interrupts off, so nothing else runs between the reads and
        // writes. `lldt` reads the slot just written; the table it names
        // is kept alive by the thread's context until another load
        // replaces it (see `UserContext::run`).
        unsafe {
            let loaded = &mut *self.ldt_loaded.get();
            if *loaded == table {
                return;
            }
            if table.1 == 0 {
                core::arch::asm!("lldt {0:x}", in(reg) 0u16, options(nostack, preserves_flags));
            } else {
                gdt::set_ldt(&mut *self.gdt.get(), table.0, table.1);
                core::arch::asm!("lldt {0:x}", in(reg) gdt::LDT_SELECTOR, options(nostack, preserves_flags));
            }
            *loaded = table;
        }
    }

    pub(crate) fn loaded_gs_base(&self) -> u64 {
        self.gs_base_loaded.load(Ordering::Relaxed)
    }

    pub(crate) fn set_loaded_gs_base(&self, value: u64) {
        self.gs_base_loaded.store(value, Ordering::Relaxed);
    }

    /// Counts an entry into user mode. Only the CPU itself writes the
    /// counter, so a plain load and store do (no locked instruction on the
    /// way to user mode).
    pub(crate) fn count_user_entry(&self) {
        self.user_entries.store(self.user_entries.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    }

    /// Entries into user mode so far.
    pub fn user_entries(&self) -> u64 {
        self.user_entries.load(Ordering::Relaxed)
    }

    /// Whether the CPU finished bring-up.
    pub fn is_online(&self) -> bool {
        self.online.load(Ordering::Acquire)
    }
}

static PERCPU: [PerCpu; MAX_CPUS] = [const { PerCpu::new() }; MAX_CPUS];

#[repr(C, align(16))]
struct IstStack([u8; DOUBLE_FAULT_STACK_SIZE]);
static mut DOUBLE_FAULT_STACKS: [IstStack; MAX_CPUS] =
    [const { IstStack([0; DOUBLE_FAULT_STACK_SIZE]) }; MAX_CPUS];

/// Makes `cpu` the identity of the calling CPU: builds and loads its GDT and
/// TSS and sets the GS base. Called once per CPU during bring-up.
pub(crate) fn init_this_cpu(cpu: usize) {
    assert!(cpu < MAX_CPUS);
    let me = &PERCPU[cpu];
    // SAFETY: this CPU is being brought up; no other code uses this PerCpu's
    // cells yet. The GDT and TSS live in a static, so they never move.
    unsafe {
        *me.self_ptr.get() = me as *const PerCpu as usize;
        *me.cpu_id.get() = cpu;
        let tss = &mut *me.tss.get();
        let df_stack = core::ptr::addr_of_mut!(DOUBLE_FAULT_STACKS[cpu]) as usize;
        tss.interrupt_stack_table[crate::idt::DOUBLE_FAULT_IST_INDEX as usize] =
            x86_64::VirtAddr::new((df_stack + DOUBLE_FAULT_STACK_SIZE) as u64);
        // I/O bitmap beyond the limit: no port access from user mode.
        tss.iomap_base = core::mem::size_of::<TaskStateSegment>() as u16;
        *me.tss_rsp0.get() = core::ptr::addr_of_mut!(tss.privilege_stack_table[0]) as usize;
        gdt::build(&mut *me.gdt.get(), me.tss.get());
        gdt::load(me.gdt.get());
        cpu::wrmsr(cpu::MSR_GS_BASE, me as *const PerCpu as u64);
        cpu::wrmsr(cpu::MSR_KERNEL_GS_BASE, 0);
        cpu::wrmsr(cpu::MSR_TSC_AUX, cpu as u64);
    }
}

/// Records the calling CPU's APIC id (once its APIC is enabled).
pub(crate) fn set_apic_id(apic_id: u32) {
    this().apic_id.store(apic_id as u64, Ordering::Relaxed);
}

/// Marks the calling CPU as online.
pub(crate) fn set_online() {
    this().online.store(true, Ordering::Release);
}

/// Index of the calling CPU (0 is the boot CPU).
#[inline]
pub fn cpu_id() -> usize {
    let id: usize;
    // SAFETY: GS base points at this CPU's PerCpu in kernel mode (set in
    // init_this_cpu before any caller runs); the field is at OFF_CPU_ID.
    unsafe { asm!("mov {}, gs:[{off}]", out(reg) id, off = const OFF_CPU_ID, options(nostack, readonly, preserves_flags)) };
    id
}

/// This CPU's data.
#[inline]
pub fn this() -> &'static PerCpu {
    &PERCPU[cpu_id()]
}

/// Another CPU's data.
pub fn of(cpu: usize) -> &'static PerCpu {
    &PERCPU[cpu]
}

/// Indices of the CPUs that are online.
pub fn online_cpus() -> impl Iterator<Item = usize> {
    (0..MAX_CPUS).filter(|&i| PERCPU[i].is_online())
}

/// Number of CPUs online.
pub fn online_count() -> usize {
    online_cpus().count()
}
