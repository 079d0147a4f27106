//! In-kernel tests (the `ktest` build). Each test prints one line
//!
//! ```text
//! ktest: <name> ... ok
//! ktest: <name> ... FAILED: <why>
//! ```
//!
//! and the run ends with `ktest: done, N passed, M failed` and a QEMU exit
//! status that says which. `ktest=NAME` on the command line runs one boot
//! scenario instead (`panic`, `exception`, `stack_overflow`, `lockdep`, and
//! with `watchdog=panic` `lockup` and `hard_lockup`), each of which must end
//! in a reported failure that xtask checks.
//!
//! The tests run in a runtime task (the "driver") while every CPU runs its
//! executor: the plain tests in [`TESTS`] one after the other, then the
//! async tests of the runtime (`runtime_tests`) and of address spaces
//! (`mm_tests`).

mod lockdep_scenario;
mod mm_tests;
mod runtime_tests;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use crate::cmdline::Args;
use crate::exit_code;

pub type TestResult = Result<(), String>;

/// The tests, in the order they run.
const TESTS: &[(&str, fn() -> TestResult)] = &[
    ("heap_stress_100k_random_sizes", heap_stress),
    ("heap_collections", heap_collections),
    ("map_and_unmap_kernel_pages", map_and_unmap_pages),
    ("page_fault_fixup_on_bad_user_address", page_fault_fixup),
    ("monotonic_clock_advances", monotonic_clock),
    ("guarded_stack_has_guard_page", guarded_stack_layout),
];

/// Runs a failure scenario (never returns), or starts the driver task and
/// returns so the boot CPU can enter its executor.
pub fn start(args: &Args<'_>) {
    match args.ktest {
        "all" => {}
        "panic" => panic!("deliberate panic (ktest=panic)"),
        "exception" => deliberate_exception(),
        "stack_overflow" => deliberate_stack_overflow(),
        "lockdep" => lockdep_scenario::deliberate_inversion(),
        // The watchdog scenarios (boot with `watchdog=panic`): a task that
        // never returns from its poll, with interrupts on (the CPU sees
        // itself from its timer interrupt) or off (another CPU sees it and
        // fetches its backtrace by NMI). The executors run it.
        "lockup" => {
            runtime::Builder::new().name("lockup").spawn(async { deliberate_kernel_loop(false) });
            return;
        }
        "hard_lockup" => {
            let last_cpu = arch::percpu::online_count() - 1;
            runtime::Builder::new().name("hard-lockup").affinity(1 << last_cpu).spawn(async { deliberate_kernel_loop(true) });
            return;
        }
        other => {
            log::error!("ktest: unknown scenario {other}");
            arch::power::debug_exit(exit_code::TESTS_FAILED);
        }
    }
    runtime::Builder::new().name("ktest").spawn(driver());
}

/// Counts and prints results.
#[derive(Default)]
pub struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    pub fn record(&mut self, name: &str, result: TestResult) {
        match result {
            Ok(()) => {
                self.passed += 1;
                println(format_args!("ktest: {name} ... ok"));
            }
            Err(why) => {
                self.failed += 1;
                println(format_args!("ktest: {name} ... FAILED: {why}"));
            }
        }
    }
}

async fn driver() {
    let mut tally = Tally::default();
    for (name, test) in TESTS {
        tally.record(name, test());
    }
    runtime_tests::run(&mut tally).await;
    mm_tests::run(&mut tally).await;
    println(format_args!("ktest: done, {} passed, {} failed", tally.passed, tally.failed));
    arch::power::debug_exit(if tally.failed == 0 { exit_code::TESTS_PASSED } else { exit_code::TESTS_FAILED });
    arch::cpu::halt_forever()
}

pub fn println(args: core::fmt::Arguments<'_>) {
    use core::fmt::Write;
    let _ = writeln!(arch::serial::SerialWriter, "{args}");
}

/// xorshift64*: a tiny deterministic generator for test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

pub fn check(cond: bool, what: impl FnOnce() -> String) -> TestResult {
    if cond { Ok(()) } else { Err(what()) }
}

/// 100k allocations of random sizes (1 B .. 16 KiB), each filled with a
/// pattern; at most 1000 stay live (a random one is freed when the set is
/// full), and every block is checked before it is freed.
fn heap_stress() -> TestResult {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut live: Vec<(Box<[u8]>, u8)> = Vec::new();
    for i in 0..100_000u32 {
        let size = 1 + (rng.next() % 16384) as usize;
        let tag = (i % 251) as u8;
        live.push((alloc::vec![tag; size].into_boxed_slice(), tag));
        if live.len() > 1000 {
            let victim = (rng.next() as usize) % live.len();
            let (buf, tag) = live.swap_remove(victim);
            check(buf.iter().all(|&b| b == tag), || "heap block corrupted".to_string())?;
        }
    }
    for (buf, tag) in &live {
        check(buf.iter().all(|b| b == tag), || "heap block corrupted".to_string())?;
    }
    Ok(())
}

fn heap_collections() -> TestResult {
    let mut map = BTreeMap::new();
    for i in 0..10_000u64 {
        map.insert(i * 7 % 10_007, i);
    }
    let s: String = (0..100).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    check(map.len() == 10_000 && s.len() == 100, || "collections misbehave".to_string())
}

fn map_and_unmap_pages() -> TestResult {
    // A scratch address in the kernel-stack region, far above real stacks.
    let base = arch::paging::KSTACK_REGION_START + (arch::paging::KSTACK_SLOTS - 1) * arch::paging::KSTACK_SLOT_SIZE;
    let free_before = mm::frame::free_frames();
    for i in 0..16 {
        let virt = base + i * mm::PAGE_SIZE;
        let phys = mm::kernel_space::map_new_page(virt, mm::frame::FrameKind::Other)
            .ok_or_else(|| "map_new_page failed".to_string())?;
        mm::kernel_space::fill_and_check(virt, phys, i as u8)?;
        mm::kernel_space::unmap_page(virt, mm::frame::FrameKind::Other)
            .ok_or_else(|| "unmap_page found nothing".to_string())?;
        check(mm::kernel_space::translate(virt).is_none(), || "page still mapped after unmap".to_string())?;
    }
    let free_after = mm::frame::free_frames();
    check(free_after + 4 >= free_before, || alloc::format!("leaked frames: {free_before} -> {free_after}"))
}

fn page_fault_fixup() -> TestResult {
    let mut buf = [0u8; 64];
    let addr = 0x0000_7000_dead_0000usize;
    match arch::usercopy::copy_from_user(&mut buf, addr) {
        Err(fault) => check(fault.addr == addr, || alloc::format!("fault at {:#x}, expected {addr:#x}", fault.addr)),
        Ok(()) => Err("copy from an unmapped user address succeeded".to_string()),
    }?;
    match arch::usercopy::copy_to_user(0xffff_8000_0000_0000, &buf) {
        Err(_) => Ok(()),
        Ok(()) => Err("copy_to_user accepted a kernel address".to_string()),
    }
}

fn monotonic_clock() -> TestResult {
    let a = arch::time::now_ns();
    arch::time::spin_delay_ns(1_000_000);
    let b = arch::time::now_ns();
    check(b > a && b - a >= 1_000_000 && b - a < 1_000_000_000, || alloc::format!("clock went {a} -> {b}"))
}

fn guarded_stack_layout() -> TestResult {
    use arch::context::StackMemory;
    let stack = mm::kstack::KernelStack::new(16 * 1024).ok_or_else(|| "no stack".to_string())?;
    let below = stack.bottom() - 1;
    check(arch::paging::is_stack_guard(below), || "byte below the stack is not a guard".to_string())?;
    check(mm::kernel_space::translate(below).is_none(), || "guard page is mapped".to_string())
}

#[inline(never)]
fn deliberate_kernel_loop(interrupts_off: bool) -> ! {
    log::info!("ktest: looping forever in the kernel (interrupts {})", if interrupts_off { "off" } else { "on" });
    if interrupts_off {
        arch::cpu::disable_interrupts();
    }
    loop {
        core::hint::spin_loop();
    }
}

fn deliberate_exception() -> ! {
    log::info!("ktest: raising #UD in kernel mode");
    // SAFETY-free way to trap: an invalid opcode through `arch`.
    arch::cpu::invalid_opcode();
}

#[allow(unconditional_recursion)]
fn recurse(depth: u64, sink: &mut [u64; 64]) -> u64 {
    let mut local = [depth; 64];
    local[(depth % 64) as usize] = sink[0];
    core::hint::black_box(&mut local);
    recurse(depth + 1, &mut local) + local[3]
}

fn deliberate_stack_overflow() -> ! {
    log::info!("ktest: overflowing a guarded kernel stack");
    let stack = mm::kstack::KernelStack::new(16 * 1024).expect("no stack");
    let mut ctx = arch::context::StackfulContext::new(
        Box::new(stack),
        Box::new(|| {
            let mut sink = [0u64; 64];
            let r = recurse(0, &mut sink);
            core::hint::black_box(r);
        }),
    );
    ctx.resume();
    panic!("stack overflow was not caught");
}
