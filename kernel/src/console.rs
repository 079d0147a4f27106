//! The serial console's input path: COM1's receive interrupt (ISA IRQ 4,
//! routed through the I/O APIC to the boot CPU) drains the UART and hands
//! the bytes to whoever consumes console input (the tty, once it exists).

use arch::firmware::Platform;
use arch::trap::{self, TrapFrame};
use ksync::Once;

/// COM1's ISA interrupt line.
const COM1_IRQ: u8 = 4;

/// Receives console input bytes (in interrupt context: must not block).
pub type InputSink = fn(&[u8]);

static SINK: Once<InputSink> = Once::new();

/// Routes COM1's interrupt and starts delivering input to `sink`.
pub fn init(platform: &Platform, sink: InputSink) {
    SINK.call_once(|| sink);
    let Some(ioapic) = platform.ioapic_phys else {
        log::warn!("console: no I/O APIC; serial input disabled");
        return;
    };
    let (gsi, active_low, level) = platform.isa_irq(COM1_IRQ);
    trap::set_irq_handler(trap::VEC_ISA_BASE + COM1_IRQ as u64, on_serial_interrupt);
    arch::apic::route_isa_irq(ioapic, COM1_IRQ, gsi, arch::percpu::this().apic_id(), active_low, level);
    arch::serial::enable_receive_interrupt();
}

fn on_serial_interrupt(_frame: &TrapFrame) {
    let mut buf = [0u8; 64];
    let mut n = 0;
    while let Some(byte) = arch::serial::try_read_byte() {
        buf[n] = byte;
        n += 1;
        if n == buf.len() {
            deliver(&buf[..n]);
            n = 0;
        }
    }
    if n > 0 {
        deliver(&buf[..n]);
    }
}

fn deliver(bytes: &[u8]) {
    if let Some(sink) = SINK.get() {
        sink(bytes);
    }
}
