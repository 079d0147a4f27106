//! The 16550 UART on COM1: the kernel log and the console.
//!
//! Hand-written rather than the `uart_16550` crate: the console needs
//! interrupt-driven receive with our own IRQ-safe lock, and the driver is a
//! handful of port writes.

use core::fmt;

use x86_64::instructions::port::Port;

use crate::irq::IrqMutex;

const COM1: u16 = 0x3f8;

struct Uart {
    base: u16,
}

impl Uart {
    fn reg(&self, offset: u16) -> Port<u8> {
        Port::new(self.base + offset)
    }

    fn init(&mut self) {
        // SAFETY (all port accesses in this impl): COM1 is a 16550 UART on
        // every PC-compatible QEMU machine; these registers have no effect
        // on memory.
        unsafe {
            self.reg(1).write(0x00); // no interrupts yet
            self.reg(3).write(0x80); // DLAB on
            self.reg(0).write(0x01); // divisor 1: 115200 baud
            self.reg(1).write(0x00);
            self.reg(3).write(0x03); // 8N1, DLAB off
            self.reg(2).write(0xc7); // FIFO on, cleared, 14-byte threshold
            self.reg(4).write(0x0b); // DTR, RTS, OUT2 (IRQ line enabled)
        }
    }

    fn write_byte(&mut self, byte: u8) {
        // SAFETY: see `init`.
        unsafe {
            while self.reg(5).read() & 0x20 == 0 {
                core::hint::spin_loop();
            }
            self.reg(0).write(byte);
        }
    }

    fn try_read_byte(&mut self) -> Option<u8> {
        // SAFETY: see `init`.
        unsafe { if self.reg(5).read() & 1 != 0 { Some(self.reg(0).read()) } else { None } }
    }

    fn enable_receive_interrupt(&mut self) {
        // SAFETY: see `init`.
        unsafe { self.reg(1).write(0x01) };
    }
}

static UART: IrqMutex<Uart> = IrqMutex::new(Uart { base: COM1 });

pub(crate) fn init() {
    UART.lock().init();
}

/// Writes bytes to the serial port, turning "\n" into "\r\n".
pub fn write_bytes(bytes: &[u8]) {
    let mut uart = UART.lock();
    for &b in bytes {
        if b == b'\n' {
            uart.write_byte(b'\r');
        }
        uart.write_byte(b);
    }
}

/// Writes bytes exactly as given (the tty layer does its own translation).
pub fn write_raw(bytes: &[u8]) {
    let mut uart = UART.lock();
    for &b in bytes {
        uart.write_byte(b);
    }
}

/// Reads one received byte, if any.
pub fn try_read_byte() -> Option<u8> {
    UART.lock().try_read_byte()
}

/// Asks the UART to raise IRQ 4 when a byte arrives.
pub fn enable_receive_interrupt() {
    UART.lock().enable_receive_interrupt();
}

/// Writes on the panic path without waiting for a lock another CPU may hold
/// forever.
pub fn write_bytes_panicking(bytes: &[u8]) {
    if UART.is_locked() {
        // SAFETY: we are panicking; the holder is stopped or is this CPU,
        // and will never use its guard again.
        unsafe { UART.force_unlock() };
    }
    write_bytes(bytes);
}

/// `fmt::Write` over the serial port.
pub struct SerialWriter;

impl fmt::Write for SerialWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_bytes(s.as_bytes());
        Ok(())
    }
}
