//! PR_SET_PDEATHSIG: a signal a process asks for when its parent *thread*
//! exits (Linux's `real_parent` is the thread that created it, and
//! forget_original_parent signals the children of each exiting thread).
//!
//! Each process remembers the tid of that thread. When it exits, each
//! such child gets a new parent thread (another live thread of the same
//! process, else its new reaper's leader), and every thread of the child
//! that has a parent-death signal sends it to its process.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::process::Process;
use super::signal_send::send_to_process;
use super::table::ProcessTable;
use super::thread::Thread;
use crate::signal::SigInfo;

/// Children of `dying`'s process whose parent thread is `dying`. Called
/// with TABLE held, before the topology forgets the thread.
pub(crate) fn children_of_thread(table: &ProcessTable, dying: &Thread) -> Vec<Arc<Process>> {
    let Some(group) = table.topo.group(dying.pid()) else { return Vec::new() };
    group
        .children
        .iter()
        .filter_map(|&pid| table.process(pid))
        .filter(|child| child.parent_thread() == dying.tid())
        .collect()
}

/// A de-threading execve gave the caller the leader's tid: its children
/// follow it. Called with TABLE held.
pub(crate) fn parent_thread_renamed(table: &ProcessTable, tgid: crate::topology::Pid, old: crate::topology::Pid, new: crate::topology::Pid) {
    let Some(group) = table.topo.group(tgid) else { return };
    for child in group.children.iter().filter_map(|&pid| table.process(pid)) {
        if child.parent_thread() == old {
            child.set_parent_thread(new);
        }
    }
}

/// After `dying` left its process: hands its children to their new parent
/// thread and sends the parent-death signals they asked for.
pub(crate) fn notify_children(dying: &Thread, children: Vec<Arc<Process>>) {
    let process = dying.process();
    let survivor = process.first_thread().map(|t| t.tid());
    let uid = process.cred.lock().uid;
    for child in children {
        // Reparented to another process: that process's leader stands for
        // the reaping thread.
        child.set_parent_thread(survivor.unwrap_or_else(|| child.parent_pid()));
        for thread in child.threads() {
            let sig = thread.pdeath_signal();
            if sig != 0 {
                let _ = send_to_process(&child, SigInfo::user(sig, process.pid(), uid));
            }
        }
    }
}
