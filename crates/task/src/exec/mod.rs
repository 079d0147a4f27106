//! execve planning: what to map from an ELF file and what to put on the new
//! stack. The kernel carries the plan out with the memory manager.

pub mod elf;
pub mod stack;
