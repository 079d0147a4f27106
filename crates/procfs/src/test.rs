//! Host tests of the formats (the live-object side is tested by the C
//! tests in user/tests/proc, which also pass on Linux).

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use mm::{ProgramLayout, SpaceStats};

use crate::fmt::{cpu_list, cpumask_hex, kb_meminfo, load};
use crate::loadavg::calc_load;
use crate::snapshot::{ProcSnap, RunState, ThreadSnap};
use crate::{stat, status};

fn sample() -> ProcSnap {
    let thread = |tid, state| ThreadSnap {
        tid,
        comm: b"worker".to_vec(),
        state: Some(state),
        cpu: 1,
        user_ns: 250_000_000,
        system_ns: 50_000_000,
        start_ns: 2_000_000_000,
        blocked: 1 << 1,
        affinity: 3,
        polls: 7,
        ..ThreadSnap::default()
    };
    let layout = ProgramLayout { start_code: 0x40_1000, end_code: 0x50_1000, start_data: 0x58_0000, end_data: 0x58_3000, start_stack: 0x7fff_e000 };
    let vm = SpaceStats { vm_pages: 100, rss_pages: 30, data_pages: 10, stack_pages: 8, brk_start: 0x60_0000, layout, ..SpaceStats::default() };
    ProcSnap {
        pid: 42,
        ppid: 1,
        pgid: 42,
        sid: 1,
        comm: b"prog".to_vec(),
        threads: vec![thread(42, RunState::Running), thread(43, RunState::Sleeping)],
        exit_signal: 17,
        user_ns: 1_230_000_000,
        system_ns: 40_000_000,
        start_ns: 1_500_000_000,
        umask: 0o22,
        fd_size: 64,
        vm: Some(vm),
        ..ProcSnap::default()
    }
}

fn fields(line: &[u8]) -> Vec<String> {
    let text = String::from_utf8(line.to_vec()).unwrap();
    let close = text.rfind(')').unwrap();
    let mut f: Vec<String> = vec![text[..text.find(' ').unwrap()].into(), text[text.find('(').unwrap()..=close].into()];
    f.extend(text[close + 1..].split_whitespace().map(String::from));
    f
}

#[test]
fn stat_has_52_fields_in_linux_order() {
    let f = fields(&stat::stat_line(&sample(), None));
    assert_eq!(f.len(), 52);
    assert_eq!((f[0].as_str(), f[1].as_str(), f[2].as_str()), ("42", "(prog)", "R"));
    assert_eq!((f[3].as_str(), f[4].as_str(), f[5].as_str()), ("1", "42", "1")); // ppid pgrp session
    assert_eq!((f[13].as_str(), f[14].as_str()), ("123", "4")); // utime stime in ticks
    assert_eq!(f[19], "2"); // num_threads
    assert_eq!(f[21], "150"); // starttime in ticks
    assert_eq!(f[22], "409600"); // vsize in bytes
    assert_eq!(f[23], "30"); // rss in pages
    assert_eq!((f[25].as_str(), f[26].as_str()), ("4198400", "5246976")); // text
    assert_eq!(f[37], "17"); // exit_signal
    assert_eq!(f[38], "1"); // processor
}

#[test]
fn thread_stat_shows_the_thread() {
    let f = fields(&stat::stat_line(&sample(), Some(43)));
    assert_eq!((f[0].as_str(), f[1].as_str(), f[2].as_str()), ("43", "(worker)", "S"));
    assert_eq!((f[13].as_str(), f[14].as_str()), ("25", "5"));
    assert_eq!(f[21], "200");
}

#[test]
fn status_lines_have_linux_names_and_units() {
    let text = String::from_utf8(status::status_text(&sample(), None, 2)).unwrap();
    let get = |key: &str| text.lines().find_map(|l| l.strip_prefix(key)).unwrap_or_else(|| panic!("no {key} in\n{text}"));
    assert_eq!(get("Name:\t"), "prog");
    assert_eq!(get("Umask:\t"), "0022");
    assert_eq!(get("State:\t"), "R (running)");
    assert_eq!(get("Tgid:\t"), "42");
    assert_eq!(get("PPid:\t"), "1");
    assert_eq!(get("Threads:\t"), "2");
    assert_eq!(get("VmSize:\t"), "     400 kB");
    assert_eq!(get("VmRSS:\t"), "     120 kB");
    assert_eq!(get("VmExe:\t"), "    1024 kB");
    assert_eq!(get("SigBlk:\t"), "0000000000000002");
    assert_eq!(get("Cpus_allowed_list:\t"), "0-1");
    assert_eq!(get("Groups:\t"), " ");
}

#[test]
fn zombie_and_kernel_task_have_no_memory_lines() {
    let mut z = sample();
    z.zombie = true;
    z.vm = None;
    z.threads.clear();
    let text = String::from_utf8(status::status_text(&z, None, 2)).unwrap();
    assert!(text.contains("State:\tZ (zombie)\n"));
    assert!(!text.contains("VmRSS"));
    let f = fields(&stat::stat_line(&z, None));
    assert_eq!((f[2].as_str(), f[22].as_str(), f[23].as_str()), ("Z", "0", "0"));
    assert_eq!(stat::statm_line(&z), b"0 0 0 0 0 0 0\n");
}

#[test]
fn masks_and_lists_as_linux_prints_them() {
    assert_eq!(cpumask_hex(3, 2), "3");
    assert_eq!(cpumask_hex(0xf, 4), "f");
    assert_eq!(cpumask_hex(u64::MAX, 40), "ff,ffffffff");
    assert_eq!(cpu_list(0b1011, 4), "0-1,3");
    assert_eq!(cpu_list(1, 1), "0");
}

#[test]
fn meminfo_lines_pad_to_linux_columns() {
    let mut s = String::new();
    kb_meminfo(&mut s, "MemTotal", 8_029_108);
    kb_meminfo(&mut s, "Active(anon)", 5);
    assert_eq!(s, "MemTotal:        8029108 kB\nActive(anon):          5 kB\n");
}

#[test]
fn load_average_converges_like_linux() {
    let mut avg = 0;
    for _ in 0..1000 {
        avg = calc_load(avg, 1884, 2 << 11);
    }
    assert_eq!(load(avg), "2.00");
    assert_eq!(load(0), "0.00");
    assert_eq!(load(1024 + 2048), "1.50");
}
