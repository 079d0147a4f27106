//! What priority inheritance needs from the scheduler: a thread's
//! effective real-time priority and a way to lend it a boost (the thread's
//! scheduling attributes, `crate::sched`).
//!
//! Called with the PI lock held; they take the thread's scheduling lock,
//! so the scheduling code must not call into `pi` while holding it
//! (`pi::priority_changed` is called after a change, with it released).

use crate::process::thread::Thread;

/// The thread's real-time priority (1..=99) including any PI boost, or
/// `None` for a non-real-time thread.
pub fn effective_rt_priority(thread: &Thread) -> Option<u8> {
    thread.effective_rt_priority()
}

/// Sets (or with `None` clears) the priority `thread` inherits from the
/// waiters of the PI futexes it owns.
pub fn set_pi_boost(thread: &Thread, prio: Option<u8>) {
    if thread.sched.pi_boost() != prio {
        thread.set_pi_boost(prio);
    }
}
