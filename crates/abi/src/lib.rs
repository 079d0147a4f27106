//! The Linux x86_64 user ABI: errno values, syscall numbers, flags and
//! structures, taken from `linux-raw-sys` where it has them.
#![no_std]
#![forbid(unsafe_code)]

pub mod errno;
pub mod sysno;

pub use errno::{Errno, KResult};
/// Linux's own constants and structure layouts (x86_64).
pub use linux_raw_sys::general as linux;
pub use linux_raw_sys::ioctl;
