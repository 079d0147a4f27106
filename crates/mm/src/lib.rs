//! Memory management: physical frames, the kernel heap, guarded kernel
//! stacks, the kernel's page table, and user address spaces (VMAs, demand
//! paging, copy-on-write, mmap/brk/mprotect/mremap policy, page faults,
//! TLB shootdowns, user-memory access with fault fixup).
//!
//! Layers (docs/memory.md has the full picture):
//!
//! | module         | what                                                   | unsafe |
//! |----------------|--------------------------------------------------------|--------|
//! | `frame`        | frame allocator and per-kind counters                  | no     |
//! | `phys`         | reaching frame bytes (direct map / host arena)         | yes    |
//! | `page`         | `UserFrame`: reference-counted user frames             | yes    |
//! | `pt`           | user page tables, `MmuSpace` (tree + lock + CR3)       | yes    |
//! | `tlb`          | who runs what, shootdown protocol, `MmLock`            | yes    |
//! | `layout`       | the user virtual layout (Linux's numbers)              | no     |
//! | `vma`          | VMAs in an ordered map: split, merge, gaps             | no     |
//! | `space`        | `AddressSpace`: create, fork, activate, introspection  | no     |
//! | `mmap`         | mmap/munmap/mprotect/mremap/brk/madvise policy         | no     |
//! | `advise`       | madvise: dropping pages, fork flags                    | no     |
//! | `lock`         | mlock/mlockall: locked VMAs, RLIMIT_MEMLOCK counting   | no     |
//! | `fault`        | page-fault resolution                                  | no     |
//! | `uaccess`      | copies to and from user memory                         | no     |
//! | `shared`, `file` | shared-anonymous objects, the file-backing trait     | no     |
//! | `cache`        | page cache of a file (ramfs data, shared file mappings) | no    |
//!
//! The logic builds and runs on the host (`cargo test -p mm`), where
//! physical memory is an arena and there is one simulated CPU; the kernel
//! modules (`heap`, `kernel_space`, `kstack`) build for the kernel only.
//! Unsafe code is allowed only in the low-level modules (DESIGN.md §2);
//! each block carries its proof.
#![no_std]
#![deny(unsafe_code)]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod cache;
pub mod file;
pub mod frame;
pub mod layout;
pub mod ldt;
pub mod shared;
pub mod vma;

#[allow(unsafe_code)] // low level: frame bytes through the direct map or the host arena
pub mod phys;
#[allow(unsafe_code)] // low level: per-frame reference counts over raw frames
pub mod page;
#[allow(unsafe_code)] // low level: page-table entries in physical memory
pub mod pt;
#[allow(unsafe_code)] // low level: CR3 switches in the shootdown protocol
pub mod tlb;

mod advise;
mod fault;
mod lock;
mod mmap;
mod remap;
mod space;
mod sysv_attach;
mod uaccess;

#[cfg(target_os = "none")]
#[allow(unsafe_code)] // low level: the global allocator over claimed frames
pub mod heap;
#[cfg(target_os = "none")]
#[allow(unsafe_code)] // low level: builds the kernel page table
pub mod kernel_space;
#[cfg(target_os = "none")]
#[allow(unsafe_code)] // low level: `StackMemory` for kernel stacks
pub mod kstack;

pub use fault::{Access, Fault};

/// Gives free kernel-heap memory back to the frame allocator (`heap`'s
/// `reclaim`); returns the frames given back. Host builds have no kernel
/// heap of their own.
pub fn reclaim() -> usize {
    #[cfg(target_os = "none")]
    return heap::reclaim();
    #[cfg(not(target_os = "none"))]
    0
}

pub use cache::FilePages;
pub use file::{FileBacking, FileId};
pub use mmap::{MmapFile, MmapRequest};
pub use sysv_attach::AttachAt;
pub use space::{AddressSpace, MapsEntry, ProgramLayout, SpaceStats, StackArea};
pub use uaccess::{FutexKey, UserPtr};
pub use tlb::leave_user_space;
pub use lock::{MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT};
pub use vma::{Prot, VmaFlags};

/// Size of a base page.
pub const PAGE_SIZE: usize = 4096;

#[cfg(test)]
mod test;
