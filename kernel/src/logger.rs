//! The `log` backend: each line goes to the serial port and to the ring
//! buffer `dmesg` reads.

use core::fmt::{self, Write};

use arch::irq::IrqMutex;
use klog::LogRing;

/// Size of the kernel log ring (Linux's default is 128 KiB too).
const LOG_RING_SIZE: usize = 128 * 1024;
/// Longest line kept; longer messages are cut.
const MAX_LINE: usize = 1024;

struct Logger;

static RING: IrqMutex<LogRing<LOG_RING_SIZE>> = IrqMutex::new(LogRing::new());

/// A line being formatted on the stack (no heap: logging must work when
/// the heap cannot).
struct LineBuffer {
    bytes: [u8; MAX_LINE],
    len: usize,
}

impl Write for LineBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(MAX_LINE - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let target = record.target().split("::").next().unwrap_or("");
        let mut line = LineBuffer { bytes: [0; MAX_LINE], len: 0 };
        let _ = klog::format_line(
            &mut line,
            arch::time::now_ns(),
            arch::percpu::cpu_id(),
            record.level(),
            target,
            *record.args(),
        );
        if line.len == MAX_LINE {
            line.bytes[MAX_LINE - 1] = b'\n';
        }
        let line = &line.bytes[..line.len];
        RING.lock().push(line);
        arch::serial::write_bytes(line);
    }

    fn flush(&self) {}
}

static LOGGER: Logger = Logger;

pub fn init(level: log::LevelFilter) {
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(level);
}

/// Copies the kernel log into `out`; returns the byte count.
pub fn read_ring(out: &mut [u8]) -> usize {
    RING.lock().read(out)
}
