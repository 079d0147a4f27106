//! Threads and thread groups as Linux has them.
//!
//! This crate holds the logic of processes that does not touch hardware:
//! the id allocator, the topology of thread groups (parents, children,
//! members, zombies), clone flag rules, wait selection, signal state and
//! delivery decisions, and the ELF/initial-stack planning of execve. It
//! builds and is tested on the host.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod caps;
pub mod clone_args;
pub mod cred;
pub mod event;
pub mod exec;
pub mod futex;
pub mod ids;
pub mod process;
pub mod rlimit;
pub mod sched;
pub mod signal;
pub mod topology;
pub mod wait_status;
