//! Whom getpriority and setpriority act on (kernel/sys.c): PRIO_PROCESS
//! names one thread (a tid, as Linux's find_task_by_vpid), PRIO_PGRP every
//! thread of every process in a process group, PRIO_USER every thread
//! whose real uid matches. `who` 0 means the caller, its group, its uid.

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};

use super::table::{TABLE, find_thread, process_group};
use super::thread::Thread;

pub const PRIO_PROCESS: i32 = 0;
pub const PRIO_PGRP: i32 = 1;
pub const PRIO_USER: i32 = 2;

/// The threads `which`/`who` name; EINVAL for a bad `which`. An empty
/// list is the caller's ESRCH to report.
pub fn prio_targets(caller: &Arc<Thread>, which: i32, who: i32) -> KResult<Vec<Arc<Thread>>> {
    match which {
        PRIO_PROCESS if who == 0 => Ok(alloc::vec![caller.clone()]),
        PRIO_PROCESS => Ok(find_thread(who).into_iter().collect()),
        PRIO_PGRP => {
            let pgid = if who == 0 { TABLE.lock().topo.group(caller.pid()).map_or(0, |g| g.pgid) } else { who };
            Ok(process_group(pgid).iter().flat_map(|p| p.threads()).collect())
        }
        PRIO_USER => {
            let uid = if who == 0 { caller.process().cred.lock().uid } else { who as u32 };
            let processes: Vec<_> = TABLE.lock().processes().cloned().collect();
            Ok(processes.iter().filter(|p| p.cred.lock().uid == uid).flat_map(|p| p.threads()).collect())
        }
        _ => Err(Errno::EINVAL),
    }
}
