//! What priority inheritance needs from the scheduler: a thread's
//! effective real-time priority and a way to lend it a boost.
//!
//! weft keeps no per-thread scheduling policy yet (sched_setscheduler is
//! being added in crates/task/src/sched.rs): every user thread runs in the
//! fair class, so no waiter has a real-time priority to lend and no owner
//! needs a boost. These two functions are the whole interface the PI code
//! uses; they become calls into the thread's scheduling attributes
//! (`effective_rt_priority`, `set_pi_boost`) when those exist.

use crate::process::thread::Thread;

/// The thread's real-time priority (1..=99) including any PI boost, or
/// `None` for a non-real-time thread.
pub fn effective_rt_priority(_thread: &Thread) -> Option<u8> {
    None
}

/// Sets (or with `None` clears) the priority `thread` inherits from the
/// waiters of the PI futexes it owns.
pub fn set_pi_boost(_thread: &Thread, _prio: Option<u8>) {}
