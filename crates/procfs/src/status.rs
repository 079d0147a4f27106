//! `/proc/<pid>/status` and `/proc/<pid>/task/<tid>/status`, in the order
//! and formats of Linux 6.1's `proc_pid_status` (fs/proc/array.c,
//! fs/proc/task_mmu.c `task_mem`).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use task::rlimit::RLIMIT_SIGPENDING;

use crate::fmt::{cpu_list, cpumask_hex, escaped_name, kb_tab};
use mm::SpaceStats;

use crate::snapshot::ProcSnap;

/// Capabilities of root: every capability up to CAP_CHECKPOINT_RESTORE
/// (40), as Linux 6.1 reports them.
const ALL_CAPS: u64 = (1 << 41) - 1;

/// The status text of `p` (`tid` None: the process as its leader shows
/// it) on a machine with `ncpus` CPUs.
pub fn status_text(p: &ProcSnap, tid: Option<i32>, ncpus: usize) -> Vec<u8> {
    let one = tid.and_then(|t| p.thread(t));
    let leader = p.threads.iter().find(|t| t.tid == p.pid);
    let shown = one.or(leader);
    let (id, name, state) = match one {
        Some(t) => (t.tid, &t.comm, t.state.unwrap_or(p.state())),
        None => (p.pid, &p.comm, p.state()),
    };
    let c = &p.cred;
    // One allocation: a status text is about 1,300 bytes.
    let mut s = String::with_capacity(1536);
    let _ = writeln!(s, "Name:\t{}", escaped_name(name));
    let _ = writeln!(s, "Umask:\t{:04o}", p.umask);
    let _ = writeln!(s, "State:\t{}", state.describe());
    let _ = writeln!(s, "Tgid:\t{}\nNgid:\t0\nPid:\t{id}\nPPid:\t{}\nTracerPid:\t0", p.pid, p.ppid);
    let _ = writeln!(s, "Uid:\t{}\t{}\t{}\t{}", c.uid, c.euid, c.suid, c.fsuid);
    let _ = writeln!(s, "Gid:\t{}\t{}\t{}\t{}", c.gid, c.egid, c.sgid, c.fsgid);
    let _ = writeln!(s, "FDSize:\t{}", p.fd_size);
    s.push_str("Groups:\t");
    for (i, g) in c.groups.iter().enumerate() {
        let _ = write!(s, "{}{g}", if i > 0 { " " } else { "" });
    }
    s.push_str(" \n"); // Linux's trailing space
    let _ = writeln!(s, "NStgid:\t{}\nNSpid:\t{id}\nNSpgid:\t{}\nNSsid:\t{}", p.pid, p.pgid, p.sid);
    if let Some(v) = &p.vm {
        vm_lines(&mut s, v);
    }
    let _ = writeln!(s, "CoreDumping:\t0\nTHP_enabled:\t0");
    let _ = writeln!(s, "Threads:\t{}", p.num_threads().max(1));
    let queued = (shown.map_or(0, |t| t.pending) | p.shared_pending).count_ones();
    let limit = p.limits.get(RLIMIT_SIGPENDING).map_or(0, |l| l.cur);
    let _ = writeln!(s, "SigQ:\t{queued}/{limit}");
    let _ = writeln!(s, "SigPnd:\t{:016x}", shown.map_or(0, |t| t.pending));
    let _ = writeln!(s, "ShdPnd:\t{:016x}", p.shared_pending);
    let _ = writeln!(s, "SigBlk:\t{:016x}", shown.map_or(0, |t| t.blocked));
    let _ = writeln!(s, "SigIgn:\t{:016x}\nSigCgt:\t{:016x}", p.ignored, p.caught);
    let caps = if c.euid == 0 { ALL_CAPS } else { 0 };
    let _ = writeln!(s, "CapInh:\t{:016x}\nCapPrm:\t{caps:016x}\nCapEff:\t{caps:016x}", 0);
    let _ = writeln!(s, "CapBnd:\t{ALL_CAPS:016x}\nCapAmb:\t{:016x}", 0);
    let _ = writeln!(s, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0");
    let _ = writeln!(s, "Speculation_Store_Bypass:\tvulnerable\nSpeculationIndirectBranch:\tunknown");
    let affinity = shown.map_or(u64::MAX, |t| t.affinity);
    let _ = writeln!(s, "Cpus_allowed:\t{}\nCpus_allowed_list:\t{}", cpumask_hex(affinity, ncpus), cpu_list(affinity, ncpus));
    let _ = writeln!(s, "Mems_allowed:\t1\nMems_allowed_list:\t0");
    // A thread gives up its CPU at every poll that ends Pending: weft
    // counts those polls, not the two kinds Linux separates. The
    // process's file shows its leader's, as Linux's does.
    let switches: u64 = shown.map_or(0, |t| t.polls);
    let _ = writeln!(s, "voluntary_ctxt_switches:\t{switches}\nnonvoluntary_ctxt_switches:\t0");
    s.into_bytes()
}

/// The Vm* and Rss* lines (`task_mem`). weft keeps no high-water mark of
/// the mapped size, so VmPeak repeats VmSize; VmHWM is the resident peak.
/// Resident pages are not split by backing, so RssAnon carries them all.
fn vm_lines(s: &mut String, st: &SpaceStats) {
    let kb = |pages: usize| pages as u64 * 4;
    let exe_kb = st.layout.exe_bytes() as u64 / 1024;
    kb_tab(s, "VmPeak", kb(st.vm_pages));
    kb_tab(s, "VmSize", kb(st.vm_pages));
    kb_tab(s, "VmLck", kb(st.locked_pages));
    kb_tab(s, "VmPin", 0);
    kb_tab(s, "VmHWM", kb(st.peak_rss_pages));
    kb_tab(s, "VmRSS", kb(st.rss_pages));
    kb_tab(s, "RssAnon", kb(st.rss_pages));
    kb_tab(s, "RssFile", 0);
    kb_tab(s, "RssShmem", 0);
    kb_tab(s, "VmData", kb(st.data_pages));
    kb_tab(s, "VmStk", kb(st.stack_pages));
    kb_tab(s, "VmExe", exe_kb);
    kb_tab(s, "VmLib", 0);
    kb_tab(s, "VmPTE", kb(st.page_table_frames));
    kb_tab(s, "VmSwap", 0);
    kb_tab(s, "HugetlbPages", 0);
}
