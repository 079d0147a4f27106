//! The panic handler: message, symbolized backtrace, other CPUs stopped,
//! and QEMU told the run failed.

use core::fmt::Write;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::exit_code;

static PANICKING: AtomicBool = AtomicBool::new(false);

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    arch::cpu::disable_interrupts();
    if PANICKING.swap(true, Ordering::SeqCst) {
        // A second CPU (or a nested panic): let the first one report.
        arch::cpu::halt_forever();
    }
    arch::apic::send_ipi_all_others(arch::trap::VEC_STOP);
    let mut out = PanicWriter;
    let _ = writeln!(out, "\nKERNEL PANIC on cpu{}: {}", arch::percpu::cpu_id(), info.message());
    if let Some(loc) = info.location() {
        let _ = writeln!(out, "  at {}:{}:{}", loc.file(), loc.line(), loc.column());
    }
    arch::backtrace::print_here();
    let _ = syscall::trail::write_recent(&mut out);
    arch::power::debug_exit(exit_code::PANIC);
    arch::cpu::halt_forever()
}

struct PanicWriter;

impl Write for PanicWriter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        arch::serial::write_bytes_panicking(s.as_bytes());
        Ok(())
    }
}
