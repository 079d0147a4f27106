//! The console: COM1 behind the tty line discipline. Input arrives from
//! the serial interrupt (ISA IRQ 4 through the I/O APIC, on the boot CPU);
//! output goes straight to the UART; ^C and friends signal the tty's
//! foreground process group.

use alloc::sync::Arc;

use arch::firmware::Platform;
use arch::trap::{self, TrapFrame};
use fs::tty::{Tty, TtyHost};
use ksync::Once;
use task::process::signal_send::send_to_process;
use task::process::group_signal::GroupSignal;
use task::signal::SigInfo;

/// COM1's ISA interrupt line.
const COM1_IRQ: u8 = 4;

static CONSOLE: Once<Arc<Tty>> = Once::new();

struct SerialHost;

impl TtyHost for SerialHost {
    fn signal_foreground(&self, pgrp: i32, sig: u32) {
        let send = GroupSignal::begin(|table| table.group_members(pgrp));
        for p in &send.targets {
            let _ = send_to_process(p, SigInfo::kernel(sig));
        }
    }

    fn output(&self, bytes: &[u8]) {
        arch::serial::write_raw(bytes);
    }
}

/// Creates the console tty, registers it as /dev/console, /dev/tty and
/// /dev/ttyS0, and routes the serial interrupt to it.
///
/// Process 1's group is made the console's foreground group, as if init
/// had taken it as controlling terminal: busybox sh running as init then
/// gets job control, and ^C reaches the jobs it puts in the foreground.
pub fn init(platform: &Platform) -> Arc<Tty> {
    let tty = CONSOLE.call_once(|| Tty::new(Arc::new(SerialHost))).clone();
    fs::boot::register_console(&tty);
    match platform.ioapic_phys {
        Some(ioapic) => {
            let (gsi, active_low, level) = platform.isa_irq(COM1_IRQ);
            trap::set_irq_handler(trap::VEC_ISA_BASE + COM1_IRQ as u64, on_serial_interrupt);
            arch::apic::route_isa_irq(ioapic, COM1_IRQ, gsi, arch::percpu::this().apic_id(), active_low, level);
            arch::serial::enable_receive_interrupt();
        }
        None => log::warn!("console: no I/O APIC; serial input disabled"),
    }
    tty.set_foreground(1);
    tty
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
    if let Some(tty) = CONSOLE.get() {
        tty.receive(bytes);
    }
}
