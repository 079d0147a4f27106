//! weft: the bootable kernel. This crate only wires the others together:
//! the order of initialization, the logger, the panic handler, the hooks
//! the logic crates call back through, and the first process.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

mod cmdline;
mod console;
mod init;
#[cfg(feature = "ktest")]
mod ktest;
mod logger;
mod panic;
mod platform;
mod random;
mod reclaim;
mod watchdog;

use core::sync::atomic::{AtomicBool, Ordering};

use arch::boot::BootInfo;

/// Status codes for QEMU's isa-debug-exit (QEMU exits with `code*2+1`).
pub mod exit_code {
    /// A clean power-off.
    pub const POWER_OFF: u8 = 0;
    /// A kernel panic.
    pub const PANIC: u8 = 1;
    /// In-kernel tests ran and some failed.
    pub const TESTS_FAILED: u8 = 2;
    /// In-kernel tests ran and all passed.
    pub const TESTS_PASSED: u8 = 3;
}

/// Set once the runtime exists; application processors wait for it.
static RUNTIME_READY: AtomicBool = AtomicBool::new(false);

/// Called by `arch` on the boot CPU, on the boot stack, interrupts off.
#[allow(unsafe_code)] // the symbol `arch`'s boot code calls
#[unsafe(no_mangle)]
fn weft_kernel_main(boot: &'static BootInfo) -> ! {
    arch::smp::init_boot_cpu();
    arch::trap::set_irq_handler(arch::trap::VEC_STOP, |_| arch::cpu::halt_forever());
    let args = cmdline::parse(boot.cmdline);
    logger::init(args.log_level);
    watchdog::init(args.watchdog);
    let mut brand = [0u8; 48];
    log::info!("weft {} (x86_64) on {}", env!("CARGO_PKG_VERSION"), arch::cpu::brand_string(&mut brand));
    log::info!("command line: \"{}\"", boot.cmdline);

    let ram: u64 = boot.memory_map().iter().filter(|r| r.kind == arch::boot::MemoryKind::Usable).map(|r| r.len).sum();
    let (_, free) = mm::kernel_space::init(boot);
    log::info!("memory: {} MiB RAM, {} MiB free for the kernel and programs", ram >> 20, (free * mm::PAGE_SIZE) >> 20);

    let platform = arch::firmware::discover(boot.rsdp).unwrap_or_default();
    if let Some((port, typ)) = platform.poweroff {
        arch::power::set_acpi_poweroff(port, typ);
    }
    let apic_ids = if platform.apic_ids.is_empty() { alloc::vec![arch::apic::local_apic_id()] } else { platform.apic_ids.clone() };
    let online = arch::smp::start_application_processors(&apic_ids, |_cpu| {
        let stack = mm::kstack::KernelStack::new(mm::kstack::KSTACK_SIZE).expect("no memory for a CPU stack");
        let top = arch::context::StackMemory::top(&stack);
        core::mem::forget(stack); // a CPU's stack lives as long as the CPU
        top
    });
    log::info!("{online} CPUs online");

    platform::init(online);
    install_hooks();
    install_procfs(boot.cmdline);
    #[cfg(not(feature = "ktest"))]
    reclaim::start();
    RUNTIME_READY.store(true, Ordering::Release);

    #[cfg(feature = "ktest")]
    ktest::start(&args);
    #[cfg(not(feature = "ktest"))]
    start_user_space(boot, &args, &platform);
    // Kernel code runs with interrupts on; spin locks turn them off.
    arch::cpu::enable_interrupts();
    runtime::run_executor()
}

/// The root file system, the console, and process 1.
#[cfg(not(feature = "ktest"))]
fn start_user_space(boot: &BootInfo, args: &cmdline::Args<'_>, platform: &arch::firmware::Platform) {
    let root = init::root_fs(boot);
    console::init(platform);
    if !init::start_init(root, args.init, args.init_args) {
        panic!("no init: could not start {}", args.init);
    }
}

/// Called by `arch` on each application processor, on its own stack.
#[allow(unsafe_code)] // the symbol `arch`'s AP start-up code calls
#[unsafe(no_mangle)]
fn weft_ap_main(cpu: usize) -> ! {
    while !RUNTIME_READY.load(Ordering::Acquire) {
        arch::cpu::pause();
    }
    log::debug!("cpu{cpu} online (APIC id {})", arch::percpu::this().apic_id());
    arch::cpu::enable_interrupts();
    runtime::run_executor()
}

/// What the logic crates call back into the kernel for.
fn install_hooks() {
    random::init();
    fs::hooks::set_random_source(random::fill);
    fs::hooks::set_clock(|| {
        let ns = arch::time::now_ns() + arch::time::boot_unix_ns();
        fs::Timespec { sec: (ns / 1_000_000_000) as i64, nsec: (ns % 1_000_000_000) as u32 }
    });
    syscall::set_log_reader(logger::read_ring);
    syscall::set_mem_info(|| {
        let total = mm::frame::total_frames() as u64 * mm::PAGE_SIZE as u64;
        let free = mm::frame::free_frames() as u64 * mm::PAGE_SIZE as u64;
        (total, free)
    });
    task::process::TABLE.lock().set_threads_max_for_memory(mm::frame::total_frames());
    // Linux's files_maxfiles_init: a tenth of free memory in KiB, at least
    // NR_FILE (8,192).
    fs::file::set_file_max((mm::frame::free_frames() * (mm::PAGE_SIZE / 1024) / 10).max(8192));
    let edx = core::arch::x86_64::__cpuid(1).edx;
    task::process::exec::HWCAP.store(edx as u64, Ordering::Relaxed);
    let xsave = arch::cpu::features().xsave_size as u64;
    task::process::exec::MINSIGSTKSZ.store((xsave + 1024).max(2048), Ordering::Relaxed);
}

/// /proc and /sys: mount(2) creates them through procfs, which learns the
/// kernel's facts here and starts its load-average task.
fn install_procfs(cmdline: &'static str) {
    syscall::set_fs_factory(procfs::new_fs);
    syscall::set_loads(procfs::loadavg::sysinfo_loads);
    procfs::set_system(procfs::System {
        cmdline,
        release: syscall::RELEASE,
        version: syscall::VERSION,
        boot_unix_ns: arch::time::boot_unix_ns,
        cpu_hz: arch::time::tsc_hz,
        hostname: || {
            let (name, len) = *syscall::HOSTNAME.lock();
            name[..len].to_vec()
        },
        set_hostname: |name| {
            if name.len() > 64 {
                return Err(abi::Errno::EINVAL);
            }
            let mut host = syscall::HOSTNAME.lock();
            host.0 = [0; 65];
            host.0[..name.len()].copy_from_slice(name);
            host.1 = name.len();
            Ok(())
        },
    });
    procfs::start();
}
