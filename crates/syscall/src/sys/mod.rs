//! System call handlers, one module per family.

pub mod caps;
pub mod event;
pub mod fd;
pub mod ipc;
pub mod ldt;
pub mod futex;
pub mod futex_waitv;
pub mod mem;
pub mod memfd;
pub mod misc;
pub mod mqueue;
pub mod path;
pub mod pidfd;
pub mod poll;
pub mod prctl;
pub mod process;
pub mod sched;
pub mod signal;
pub mod socket;
pub mod time;
pub mod timer;
