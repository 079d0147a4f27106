//! Kernel log lines and the ring buffer `dmesg` reads.
//!
//! A line looks like Linux's printk output with the CPU and level added:
//!
//! ```text
//! [    1.234567] cpu1 INFO  weft: 2 CPUs online
//! ```
//!
//! Formatting and the ring live here, apart from the serial port, so both
//! are tested on the host.
#![no_std]
#![forbid(unsafe_code)]

use core::fmt::{self, Write};

/// Writes one log line (with its trailing newline) to `out`.
pub fn format_line(
    out: &mut impl Write,
    uptime_ns: u64,
    cpu: usize,
    level: log::Level,
    target: &str,
    args: fmt::Arguments<'_>,
) -> fmt::Result {
    let secs = uptime_ns / 1_000_000_000;
    let micros = (uptime_ns % 1_000_000_000) / 1000;
    let level = match level {
        log::Level::Error => "ERROR",
        log::Level::Warn => "WARN ",
        log::Level::Info => "INFO ",
        log::Level::Debug => "DEBUG",
        log::Level::Trace => "TRACE",
    };
    writeln!(out, "[{secs:5}.{micros:06}] cpu{cpu} {level} {target}: {args}")
}

/// Parses a `log=` value: error, warn, info, debug, trace, off.
pub fn parse_level(value: &str) -> Option<log::LevelFilter> {
    match value {
        "off" => Some(log::LevelFilter::Off),
        "error" => Some(log::LevelFilter::Error),
        "warn" => Some(log::LevelFilter::Warn),
        "info" => Some(log::LevelFilter::Info),
        "debug" => Some(log::LevelFilter::Debug),
        "trace" => Some(log::LevelFilter::Trace),
        _ => None,
    }
}

/// A fixed-size byte ring holding the most recent log output.
pub struct LogRing<const N: usize> {
    buf: [u8; N],
    /// Total bytes ever written; the ring holds the last min(N, written).
    written: usize,
}

impl<const N: usize> LogRing<N> {
    pub const fn new() -> Self {
        Self { buf: [0; N], written: 0 }
    }

    /// Appends bytes, overwriting the oldest when full.
    pub fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.buf[self.written % N] = b;
            self.written += 1;
        }
    }

    /// Bytes currently held.
    pub fn len(&self) -> usize {
        self.written.min(N)
    }

    pub fn is_empty(&self) -> bool {
        self.written == 0
    }

    /// Copies the held bytes, oldest first, into `out`; returns the count.
    pub fn read(&self, out: &mut [u8]) -> usize {
        let len = self.len();
        let start = self.written - len;
        let n = len.min(out.len());
        for (i, slot) in out.iter_mut().take(n).enumerate() {
            *slot = self.buf[(start + i) % N];
        }
        n
    }

    /// Forgets everything (syslog's SYSLOG_ACTION_CLEAR).
    pub fn clear(&mut self) {
        self.written = 0;
    }
}

impl<const N: usize> Default for LogRing<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Write for LogRing<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod test {
    extern crate std;
    use std::string::String;

    use super::*;

    #[test]
    fn line_has_time_cpu_level_and_target() {
        let mut s = String::new();
        format_line(&mut s, 1_234_567_891, 1, log::Level::Info, "weft", format_args!("{} CPUs online", 2)).unwrap();
        assert_eq!(s, "[    1.234567] cpu1 INFO  weft: 2 CPUs online\n");
    }

    #[test]
    fn levels_are_padded_to_one_width() {
        let mut s = String::new();
        format_line(&mut s, 0, 0, log::Level::Warn, "x", format_args!("y")).unwrap();
        format_line(&mut s, 0, 0, log::Level::Error, "x", format_args!("y")).unwrap();
        let lines: std::vec::Vec<_> = s.lines().collect();
        assert_eq!(lines[0], "[    0.000000] cpu0 WARN  x: y");
        assert_eq!(lines[1], "[    0.000000] cpu0 ERROR x: y");
    }

    #[test]
    fn parses_levels() {
        assert_eq!(parse_level("debug"), Some(log::LevelFilter::Debug));
        assert_eq!(parse_level("off"), Some(log::LevelFilter::Off));
        assert_eq!(parse_level("loud"), None);
    }

    #[test]
    fn ring_keeps_the_newest_bytes() {
        let mut r = LogRing::<8>::new();
        r.push(b"abcdef");
        r.push(b"ghij");
        let mut out = [0u8; 16];
        let n = r.read(&mut out);
        assert_eq!(&out[..n], b"cdefghij");
        r.clear();
        assert_eq!(r.read(&mut out), 0);
    }
}
