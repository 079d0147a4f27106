//! System-wide files: meminfo, stat, uptime, loadavg, version, cmdline,
//! filesystems (formats of Linux 6.1's fs/proc/*.c).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use ksync::SpinLock;
use mm::frame::{FrameKind, FrameStats};

use crate::fmt::{kb_meminfo, secs_2, ticks};
use crate::{loadavg, snapshot, system};

/// `/proc/meminfo` from the frame allocator's counters. weft has no swap,
/// no huge pages and no reclaimable caches, so those lines are zero and
/// MemAvailable equals MemFree.
pub fn meminfo_text(f: &FrameStats) -> Vec<u8> {
    let kb = |frames: usize| frames as u64 * 4;
    let anon = kb(f.in_use(FrameKind::UserAnon));
    let cache = kb(f.in_use(FrameKind::PageCache));
    let heap = kb(f.in_use(FrameKind::KernelHeap));
    let total = kb(f.total);
    let mut s = String::new();
    for (name, v) in [
        ("MemTotal", total),
        ("MemFree", kb(f.free)),
        ("MemAvailable", kb(f.free)),
        ("Buffers", 0),
        ("Cached", cache),
        ("SwapCached", 0),
        ("Active", anon + cache),
        ("Inactive", 0),
        ("Active(anon)", anon),
        ("Inactive(anon)", 0),
        ("Active(file)", cache),
        ("Inactive(file)", 0),
        ("Unevictable", 0),
        ("Mlocked", 0),
        ("SwapTotal", 0),
        ("SwapFree", 0),
        ("Dirty", 0),
        ("Writeback", 0),
        ("AnonPages", anon),
        ("Mapped", cache),
        ("Shmem", 0),
        ("KReclaimable", 0),
        ("Slab", heap),
        ("SReclaimable", 0),
        ("SUnreclaim", heap),
        ("KernelStack", kb(f.in_use(FrameKind::KernelStack))),
        ("PageTables", kb(f.in_use(FrameKind::PageTable))),
        ("NFS_Unstable", 0),
        ("Bounce", 0),
        ("WritebackTmp", 0),
        ("CommitLimit", total / 2),
        ("Committed_AS", anon),
        ("VmallocTotal", 34_359_738_367),
        ("VmallocUsed", 0),
        ("VmallocChunk", 0),
        ("Percpu", 0),
        ("HardwareCorrupted", 0),
        ("AnonHugePages", 0),
        ("ShmemHugePages", 0),
        ("ShmemPmdMapped", 0),
        ("FileHugePages", 0),
        ("FilePmdMapped", 0),
    ] {
        kb_meminfo(&mut s, name, v);
    }
    for name in ["HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp"] {
        let label = alloc::format!("{name}:");
        let _ = writeln!(s, "{label:<16}{:>8}", 0);
    }
    kb_meminfo(&mut s, "Hugepagesize", 2048);
    kb_meminfo(&mut s, "Hugetlb", 0);
    s.into_bytes()
}

/// Busy and idle time of each CPU: idle as the runtime measured it, busy
/// the rest of the uptime, split between user and system in the
/// proportion of all threads' user and system times.
#[derive(Clone, Copy, Default)]
struct CpuTimes {
    user: u64,
    system: u64,
    idle: u64,
}

/// The figures last reported, per CPU. Tools subtract two readings, so
/// every counter must only grow; the estimates above may step back a
/// little (a halt is counted as idle only when it ends, the user/system
/// proportion moves), so each reading is clamped to the last one.
/// Lock order: leaf.
static LAST: SpinLock<Vec<CpuTimes>> = SpinLock::new(Vec::new());

fn cpu_times() -> Vec<CpuTimes> {
    let now = system::now_ns();
    let (mut user, mut sys) = (0u64, 0u64);
    for pid in snapshot::user_pids() {
        if let Some(p) = task::process::find_process(pid) {
            let (u, s) = p.cpu_time();
            let (cu, cs) = p.children_cpu_time();
            user += u + cu;
            sys += s + cs;
        }
    }
    let n = system::cpu_count();
    let idle: Vec<u64> = (0..n).map(|cpu| if runtime::is_initialized() { runtime::cpu_info(cpu).idle_ns.min(now) } else { 0 }).collect();
    let mut last = LAST.lock();
    last.resize(n, CpuTimes::default());
    for (cpu, prev) in last.iter_mut().enumerate() {
        let idle = idle[cpu].max(prev.idle);
        let busy = now.saturating_sub(idle);
        let u = if user + sys == 0 { 0 } else { (busy as u128 * user as u128 / (user + sys) as u128) as u64 };
        *prev = CpuTimes { user: u.max(prev.user), system: (busy - u).max(prev.system), idle };
    }
    last.clone()
}

/// `/proc/stat`.
pub fn stat_text() -> Vec<u8> {
    let cpus = cpu_times();
    let line = |s: &mut String, label: &str, t: &CpuTimes| {
        let _ = writeln!(s, "{label} {} 0 {} {} 0 0 0 0 0 0", ticks(t.user), ticks(t.system), ticks(t.idle));
    };
    let sum = cpus.iter().fold(CpuTimes { user: 0, system: 0, idle: 0 }, |a, t| CpuTimes {
        user: a.user + t.user,
        system: a.system + t.system,
        idle: a.idle + t.idle,
    });
    let mut s = String::new();
    line(&mut s, "cpu ", &sum);
    for (i, t) in cpus.iter().enumerate() {
        line(&mut s, &alloc::format!("cpu{i}"), t);
    }
    let switches: u64 = if runtime::is_initialized() { (0..cpus.len()).map(|c| runtime::cpu_info(c).polls).sum() } else { 0 };
    let _ = writeln!(s, "intr 0\nctxt {switches}\nbtime {}", system::boot_unix_secs());
    let _ = writeln!(s, "processes {}", last_pid());
    let _ = writeln!(s, "procs_running {}\nprocs_blocked 0", loadavg::running_tasks().max(1));
    s.push_str("softirq 0 0 0 0 0 0 0 0 0 0 0\n");
    s.into_bytes()
}

/// `/proc/uptime`: seconds since boot and idle seconds summed over CPUs.
pub fn uptime_text() -> Vec<u8> {
    let idle: u64 = cpu_times().iter().map(|t| t.idle).sum();
    alloc::format!("{} {}\n", secs_2(system::now_ns()), secs_2(idle)).into_bytes()
}

/// `/proc/loadavg`.
pub fn loadavg_text() -> Vec<u8> {
    // Every id in use, as Linux's nr_threads counts every task (zombies and
    // exited leaders of live groups included). Two statements: the table
    // lock must be released before kernel_tasks takes it again.
    let threads = task::process::TABLE.lock().topo.ids_in_use();
    let total = threads + snapshot::kernel_tasks().len();
    loadavg::text(loadavg::running_tasks().max(1), total, last_pid())
}

/// The most recently allocated pid, as Linux shows it: O(1), where the
/// highest live id took a walk of every thread.
fn last_pid() -> i32 {
    task::process::TABLE.lock().topo.last_id()
}

/// `/proc/version`.
pub fn version_text() -> Vec<u8> {
    alloc::format!("Linux version {} (weft@weft) (rustc) {}\n", system::release(), system::version()).into_bytes()
}

/// `/proc/cmdline`.
pub fn cmdline_text() -> Vec<u8> {
    alloc::format!("{}\n", system::cmdline()).into_bytes()
}

/// `/proc/filesystems`: the types mount(2) accepts.
pub fn filesystems_text() -> Vec<u8> {
    b"nodev\tsysfs\nnodev\ttmpfs\nnodev\tramfs\nnodev\tproc\nnodev\tdevtmpfs\n".to_vec()
}
