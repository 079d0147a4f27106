//! The runtime's view of the machine: CPU ids, the clock, wake IPIs and
//! halting, plus the timer tick that drives time slices.

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
        let cpu = arch::percpu::cpu_id();
        arch::cpu::disable_interrupts();
        if !still_idle() {
            arch::cpu::enable_interrupts();
            return;
        }
        // A timer due before the next tick: wake exactly then.
        let next = runtime::global().next_timer(cpu);
        let now = arch::time::now_ns();
        let oneshot = next != u64::MAX && next.saturating_sub(now) < arch::apic::TICK_NS;
        if oneshot {
            arch::apic::arm_oneshot(next.saturating_sub(now));
        }
        arch::cpu::enable_interrupts_and_halt();
        if oneshot {
            arch::apic::start_timer();
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
    trap::set_irq_handler(trap::VEC_TIMER, on_tick);
    trap::set_irq_handler(trap::VEC_WAKE_IPI, |_| {});
}

/// Every 4 ms on every CPU: a slice that is over marks the CPU for
/// preemption (a user thread yields on its way out of the interrupt; a
/// stackful task is switched out by `arch`).
fn on_tick(_frame: &TrapFrame) {
    if runtime::tick() {
        arch::percpu::this().need_resched.store(true, Ordering::Relaxed);
    }
}
