//! Threads and processes as objects: the resources they hold and the
//! lifecycle operations on them (create, signal, wait, exec, exit). The
//! pure rules these use live in the sibling modules (`topology`,
//! `clone_args`, `signal`, `futex`, `exec`).

pub mod cpu_itimer;
pub mod exec;
pub mod exit;
pub mod expiry;
pub mod fork;
pub mod group_signal;
pub mod group_stop;
pub mod oom;
pub mod parent_death;
pub mod posix_timer;
pub mod prio_targets;
#[allow(clippy::module_inception)]
pub mod process;
pub mod signal_quota;
pub mod signal_send;
pub mod table;
pub mod thread;
pub mod thread_attrs;
pub mod wait;

pub use process::Process;
pub use table::{TABLE, find_process, find_thread};
pub use thread::Thread;

/// The user thread the calling task runs (the one making the current
/// system call); `None` in kernel tasks. Files whose answer depends on who
/// asks (a signalfd reads the caller's signals) use it.
pub fn current_thread() -> Option<alloc::sync::Arc<Thread>> {
    if !runtime::is_initialized() {
        return None;
    }
    runtime::current_task()?.context()?.downcast::<Thread>().ok()
}
