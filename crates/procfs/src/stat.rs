//! `/proc/<pid>/stat`, `/proc/<pid>/task/<tid>/stat` and `statm`: one
//! line of numbers in Linux's order (fs/proc/array.c `do_task_stat` and
//! `proc_pid_statm`, Linux 6.1).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use task::rlimit::RLIMIT_RSS;

use crate::fmt::ticks;
use crate::snapshot::{ProcSnap, ThreadSnap};

/// Linux's PF_KTHREAD task flag (the only flag tools look at).
const PF_KTHREAD: u64 = 0x0020_0000;

/// The stat line of process `p` (`tid` None: the whole group, Linux's
/// "whole" mode) or of its thread `tid`.
pub fn stat_line(p: &ProcSnap, tid: Option<i32>) -> Vec<u8> {
    let one: Option<&ThreadSnap> = tid.and_then(|t| p.thread(t));
    let main = one.or_else(|| p.threads.iter().find(|t| t.tid == p.pid));
    let (id, comm, state) = match one {
        Some(t) => (t.tid, &t.comm, t.state.unwrap_or(p.state())),
        None => (p.pid, &p.comm, p.state()),
    };
    let (utime, stime) = match one {
        Some(t) => (t.user_ns, t.system_ns),
        None => (p.user_ns, p.system_ns),
    };
    let start_ns = one.map_or(p.start_ns, |t| t.start_ns);
    let vm = p.vm.as_ref();
    let layout = vm.map(|v| v.layout).unwrap_or_default();
    let rsslim = p.limits.get(RLIMIT_RSS).map_or(u64::MAX, |l| l.cur);
    // The thread's own pending set and mask (Linux prints the task's).
    let (pending, blocked) = main.map_or((0, 0), |t| (t.pending, t.blocked));
    // One allocation: a stat line is 150 to 300 bytes.
    let mut s = String::with_capacity(320);
    let _ = write!(s, "{id} ({}) {} ", String::from_utf8_lossy(comm), state.letter());
    let _ = write!(s, "{} {} {} 0 -1 ", p.ppid, p.pgid, p.sid); // tty_nr, tpgid: no controlling tty is tracked
    let _ = write!(s, "{} 0 0 0 0 ", if p.kernel { PF_KTHREAD } else { 0 }); // flags, page faults (not counted)
    let _ = write!(s, "{} {} {} {} ", ticks(utime), ticks(stime), ticks(p.child_user_ns), ticks(p.child_system_ns));
    // Scheduling fields are the thread's, or the leader's for the whole
    // process (do_task_stat reads them from the task the file is for).
    let sched = one.or(main).map(|t| t.sched).unwrap_or_default();
    let _ = write!(s, "{} {} {} 0 {} ", sched.prio, sched.nice, p.num_threads().max(1), ticks(start_ns));
    let _ = write!(s, "{} {} {rsslim} ", vm.map_or(0, |v| v.vm_pages * 4096), vm.map_or(0, |v| v.rss_pages));
    let _ = write!(s, "{} {} {} 0 0 ", layout.start_code, layout.end_code, layout.start_stack); // esp, eip: 0 as Linux shows
    let sig31 = |x: u64| x & 0x7fff_ffff;
    let _ = write!(s, "{} {} {} {} ", sig31(pending), sig31(blocked), sig31(p.ignored), sig31(p.caught));
    let cpu = main.map_or(0, |t| t.cpu);
    // wchan, nswap, cnswap, exit_signal, processor, rt_priority, policy;
    // blkio delay and guest times 0.
    let _ = write!(s, "0 0 0 {} {cpu} {} {} 0 0 0 ", p.exit_signal, sched.rt_priority, sched.policy);
    match vm {
        Some(v) => {
            let _ = write!(s, "{} {} {} 0 0 0 0 ", layout.start_data, layout.end_data, v.brk_start);
        }
        None => s.push_str("0 0 0 0 0 0 0 "),
    }
    let _ = writeln!(s, "{}", p.exit_code);
    s.into_bytes()
}

/// `statm`: size resident shared text lib data dt, in pages.
pub fn statm_line(p: &ProcSnap) -> Vec<u8> {
    let Some(v) = p.vm.as_ref() else { return b"0 0 0 0 0 0 0\n".to_vec() };
    let text = v.layout.exe_bytes() / 4096;
    let data = v.data_pages + v.stack_pages;
    alloc::format!("{} {} 0 {text} 0 {data} 0\n", v.vm_pages, v.rss_pages).into_bytes()
}
