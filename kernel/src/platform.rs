//! The runtime's view of the machine: CPU ids, the clock, wake IPIs,
//! halting and the one-shot timer interrupt the runtime arms.

use alloc::boxed::Box;
use core::sync::atomic::Ordering;

use arch::trap::{self, TrapFrame};

struct KernelPlatform;

impl runtime::Platform for KernelPlatform {
    fn cpu_id(&self) -> usize {
        arch::percpu::cpu_id()
    }

    fn now_ns(&self) -> u64 {
        arch::time::now_ns()
    }

    fn wake_cpu(&self, cpu: usize) {
        if cpu != arch::percpu::cpu_id() {
            arch::apic::send_ipi(arch::percpu::of(cpu).apic_id(), trap::VEC_WAKE_IPI);
        }
    }

    fn idle(&self, still_idle: &dyn Fn() -> bool) {
        // An idle CPU holds no user page table, so it needs no TLB
        // shootdowns while it sleeps.
        mm::leave_user_space();
        arch::cpu::disable_interrupts();
        // still_idle also arms the timer for the next deadline (or stops
        // it): `sti; hlt` then sleeps until that or another interrupt.
        if still_idle() {
            arch::cpu::enable_interrupts_and_halt();
        } else {
            arch::cpu::enable_interrupts();
        }
    }

    fn set_timer(&self, delay_ns: Option<u64>) {
        match delay_ns {
            Some(delay) => {
                let armed = arch::apic::set_timer(delay.max(1));
                debug_assert!(armed, "a non-zero delay is never due");
            }
            None => arch::apic::stop_timer(),
        }
    }
}

static PLATFORM: KernelPlatform = KernelPlatform;

/// Starts the runtime on `cpus` CPUs and installs the tick and wake
/// interrupts and the stackful-stack allocator.
pub fn init(cpus: usize) {
    runtime::init(&PLATFORM, cpus);
    runtime::set_stack_allocator(|| {
        mm::kstack::KernelStack::new(mm::kstack::KSTACK_SIZE).map(|s| Box::new(s) as Box<dyn arch::context::StackMemory>)
    });
    trap::set_irq_handler(trap::VEC_TIMER, on_timer);
    // A wake IPI ends a halt, or tells a busy CPU that a task was queued
    // for it (it may need its slice tick now, or it outranks the running
    // task, which is then preempted as at a tick).
    trap::set_irq_handler(trap::VEC_WAKE_IPI, |_| {
        if runtime::recheck_tick() {
            arch::percpu::this().need_resched.store(true, Ordering::Relaxed);
        }
    });
}

/// The timer interrupt, armed by the runtime (`runtime/src/tick.rs`): a
/// slice that is over marks the CPU for preemption (a user thread yields on
/// its way out of the interrupt; a stackful task is switched out by
/// `arch`). The lockup watchdog looks at every CPU from here.
fn on_timer(frame: &TrapFrame) {
    crate::watchdog::check_from_timer(frame);
    if runtime::tick() {
        arch::percpu::this().need_resched.store(true, Ordering::Relaxed);
    }
}
