//! Memory management: physical frames, the kernel heap, guarded kernel
//! stacks and the kernel's page table (and, later, user address spaces).
//!
//! The allocator logic builds and runs on the host (`cargo test -p mm`);
//! the modules that touch real memory are compiled for the kernel target
//! only. Those few low-level modules may use `unsafe` (DESIGN.md §2); each
//! block carries its proof.
#![no_std]

extern crate alloc;

pub mod frame;

#[cfg(target_os = "none")]
pub mod heap;
#[cfg(target_os = "none")]
pub mod kernel_space;
#[cfg(target_os = "none")]
pub mod kstack;

/// Size of a base page.
pub const PAGE_SIZE: usize = 4096;
