//! `cargo xtask fuzz`: boots weft with /sbin/fuzz (user/sbin/fuzz.c), a
//! random-syscall fuzzer whose workers run as `nobody`, and judges the run.
//!
//! A run fails on a kernel panic or watchdog report (the report names the
//! last system calls of each CPU, so a finding becomes a regression test),
//! on a hang (the fuzzer never prints `FUZZ DONE`), and on a leak: after
//! the fuzzer has killed its workers, the process count must be back to its
//! baseline and MemFree within `MEMFREE_SLACK_KB` of it.

use std::time::Duration;

use anyhow::Result;

use crate::kernel::{self, Flavor};
use crate::qemu::{self, Captured, Ending, Machine};
use crate::{BuildOpts, FuzzOpts};

/// MemFree may end this much below its baseline: memory the kernel keeps
/// on purpose (slab caches, the heap's high-water mark, /proc's inodes).
const MEMFREE_SLACK_KB: i64 = 32 * 1024;

/// One fuzz run's verdict.
pub struct Verdict {
    /// Empty when the run was clean.
    pub problems: Vec<String>,
    /// The fuzzer's own summary line, or the end of the output.
    pub summary: String,
    pub output: String,
}

pub fn run(opts: &FuzzOpts) -> Result<()> {
    let verdict = fuzz_once(&opts.build, opts.seed, opts.seconds, opts.smp, opts.workers)?;
    println!("serial log: target/fuzz/seed{}.log", opts.seed);
    if verdict.problems.is_empty() {
        println!("fuzz seed {}: clean: {}", opts.seed, verdict.summary);
        return Ok(());
    }
    println!("{}", excerpt(&verdict.output));
    println!("fuzz seed {}: {}", opts.seed, verdict.problems.join("; "));
    std::process::exit(1);
}

/// Boots weft and fuzzes it for `seconds` with `seed`.
pub fn fuzz_once(build: &BuildOpts, seed: u64, seconds: u64, smp: u32, workers: u32) -> Result<Verdict> {
    let elf = kernel::build(build, Flavor::Normal)?;
    let initrd = crate::initramfs::build(build)?;
    let append = format!("log=warn init=/sbin/testinit -- --exec /sbin/fuzz -s {seed} -t {seconds} -w {workers}");
    let machine = Machine { elf: &elf, initrd: Some(&initrd), append, smp, mem: "1G".into() };
    let progress = crate::progress::spinner(&format!("fuzzing weft for {seconds} s (seed {seed}, {smp} CPUs)"));
    let run = qemu::run_captured(&machine, b"", Duration::from_secs(seconds + 150))?;
    progress.finish_and_clear();
    let log = crate::root().join("target/fuzz");
    std::fs::create_dir_all(&log)?;
    std::fs::write(log.join(format!("seed{seed}.log")), &run.output)?;
    Ok(judge(run))
}

fn judge(run: Captured) -> Verdict {
    let out = run.output;
    let mut problems = Vec::new();
    if let Some(line) = out.lines().find(|l| l.contains("KERNEL PANIC")) {
        problems.push(format!("kernel panic: {}", line.trim()));
    }
    if let Some(line) = out.lines().find(|l| l.starts_with("LOCKUP on")) {
        problems.push(format!("watchdog: {}", line.trim()));
    }
    let done = out.lines().any(|l| l.trim() == "FUZZ DONE");
    if !done && problems.is_empty() {
        problems.push(format!("the fuzzer did not finish (run ended {:?}): a hang", run.ending));
    }
    let field = |line: &str, key: &str| -> Option<i64> {
        line.split_whitespace().find_map(|w| w.strip_prefix(key)?.parse().ok())
    };
    let baseline = out.lines().find(|l| l.starts_with("FUZZ baseline"));
    let end = out.lines().find(|l| l.starts_with("FUZZ end"));
    if let (Some(base), Some(end)) = (baseline, end) {
        match (field(base, "procs="), field(end, "procs=")) {
            (Some(b), Some(e)) if e > b => problems.push(format!("{} processes left behind ({b} before, {e} after)", e - b)),
            (Some(_), Some(_)) => {}
            _ => problems.push("no process counts in the fuzzer's report".into()),
        }
        match (field(base, "memfree_kb="), field(end, "memfree_kb=")) {
            (Some(b), Some(e)) if b - e > MEMFREE_SLACK_KB => {
                problems.push(format!("MemFree {} KiB below its baseline after the run ({b} -> {e} KiB)", b - e))
            }
            (Some(_), Some(_)) => {}
            _ => problems.push("no MemFree figures in the fuzzer's report".into()),
        }
    } else if done {
        problems.push("no baseline or end line in the fuzzer's report".into());
    }
    if done && run.ending != Ending::DebugExit(qemu::exit_code::POWER_OFF) && run.ending != Ending::Exited(0) {
        problems.push(format!("the machine did not power off after the fuzzer ({:?})", run.ending));
    }
    let summary = end.map(|l| l.trim().to_string()).unwrap_or_default();
    Verdict { problems, summary, output: out }
}

/// What to show of a failed run: from the panic or lockup report on, or the
/// last lines.
pub fn excerpt(output: &str) -> String {
    let start = output.find("KERNEL PANIC").or_else(|| output.find("LOCKUP on"));
    let text = match start {
        Some(i) => &output[output[..i].rfind('\n').map_or(0, |n| n + 1)..],
        None => output,
    };
    let lines: Vec<&str> = text.lines().collect();
    let lines = if start.is_some() { &lines[..lines.len().min(80)] } else { &lines[lines.len().saturating_sub(40)..] };
    lines.join("\n")
}
