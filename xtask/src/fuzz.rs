//! `cargo xtask fuzz`: boots weft with /sbin/fuzz (user/sbin/fuzz.c), a
//! random-syscall fuzzer whose workers run as `nobody`, and judges the run.
//! With `--trinity`, /sbin/fuzz runs Debian's trinity as `nobody` instead
//! (xtask/src/trinity.rs fetches it) and the same verdict applies.
//!
//! A run fails on a kernel panic or watchdog report (the report names the
//! last system calls of each CPU, so a finding becomes a regression test),
//! on a hang (the fuzzer never prints `FUZZ DONE`), and on a leak: after
//! the fuzzer has killed its workers, the process count must be back to its
//! baseline and MemFree within `MEMFREE_SLACK_KB` of it. A `FUZZ error`
//! line (a fuzzer that could not start or run) fails it too.

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

/// Which fuzzer runs on weft.
#[derive(Clone, Copy)]
pub enum Fuzzer<'a> {
    /// user/sbin/fuzz.c with this many workers.
    Own { workers: u32 },
    /// Debian's trinity with this many children and extra arguments, run by
    /// /sbin/fuzz in exec mode (as uid 65534 in /tmp/fuzz-0, killed after
    /// the time).
    Trinity { children: u32, extra: &'a str },
}

impl Fuzzer<'_> {
    fn name(self) -> &'static str {
        match self {
            Fuzzer::Own { .. } => "fuzz",
            Fuzzer::Trinity { .. } => "trinity",
        }
    }

    /// The serial log, under target/fuzz/.
    fn log(self, seed: u64) -> String {
        match self {
            Fuzzer::Own { .. } => format!("seed{seed}.log"),
            Fuzzer::Trinity { .. } => format!("trinity-seed{seed}.log"),
        }
    }
}

/// Trinity's options besides the seed and the children (docs/reliability.md
/// "Trinity"):
/// - `-q -l off`: quiet, no log files (the console is the log);
/// - `-a64`: 64-bit calls only. weft has no 32-bit (`int 0x80`) system
///   calls, and when trinity disables its 32-bit calls after failures, its
///   children crash on the holes this leaves in its table;
/// - `--disable-fds=sockets`: no socket cache. Building it, trinity's main
///   process calls `do_random_sso`, which indexes its 45-entry protocol
///   table with `rnd() % PF_MAX` (46 in bookworm's glibc): a segfault that
///   ends the run (trinity's bug, on Linux too; its pull request 30 is the
///   same bug one protocol earlier). The children's `socket` calls still
///   make sockets.
const TRINITY_OPTIONS: &str = "-q -l off -a64 --disable-fds=sockets";

/// System calls trinity is told not to make (`-x`), and why.
const TRINITY_EXCLUDED: &[&str] = &[];

pub fn run(opts: &FuzzOpts) -> Result<()> {
    let fuzzer = if opts.trinity {
        Fuzzer::Trinity { children: opts.workers, extra: &opts.trinity_args }
    } else {
        Fuzzer::Own { workers: opts.workers }
    };
    let verdict = fuzz_once(&opts.build, fuzzer, opts.seed, opts.seconds, opts.smp, &opts.append)?;
    let name = fuzzer.name();
    println!("serial log: target/fuzz/{}", fuzzer.log(opts.seed));
    if verdict.problems.is_empty() {
        println!("{name} seed {}: clean: {}", opts.seed, verdict.summary);
        return Ok(());
    }
    println!("{}", excerpt(&verdict.output));
    println!("{name} seed {}: {}", opts.seed, verdict.problems.join("; "));
    std::process::exit(1);
}

/// Boots weft and fuzzes it for `seconds` with `seed`; `append`: extra
/// kernel command-line words.
pub fn fuzz_once(build: &BuildOpts, fuzzer: Fuzzer<'_>, seed: u64, seconds: u64, smp: u32, append: &str) -> Result<Verdict> {
    let elf = kernel::build(build, Flavor::Normal)?;
    let (initrd, program) = match fuzzer {
        Fuzzer::Own { workers } => (crate::initramfs::build(build)?, format!("-w {workers}")),
        Fuzzer::Trinity { children, extra } => {
            let bin = crate::trinity::binary()?;
            let initrd = crate::initramfs::build_with(build, &[("usr/bin/trinity".into(), bin)], "initramfs-trinity.cpio.gz")?;
            let mut args = format!("/usr/bin/trinity {TRINITY_OPTIONS} -s {seed} -C {children}");
            for call in TRINITY_EXCLUDED {
                args += &format!(" -x {call}");
            }
            if !extra.is_empty() {
                args += &format!(" {extra}");
            }
            (initrd, args)
        }
    };
    let append = format!("log=warn {append} init=/sbin/testinit -- --exec /sbin/fuzz -s {seed} -t {seconds} {program}");
    let machine = Machine { elf: &elf, initrd: Some(&initrd), append, smp, mem: "1G".into() };
    let name = fuzzer.name();
    let progress = crate::progress::spinner(&format!("{name}: fuzzing weft for {seconds} s (seed {seed}, {smp} CPUs)"));
    let run = qemu::run_captured(&machine, b"", Duration::from_secs(seconds + 180))?;
    progress.finish_and_clear();
    let log = crate::root().join("target/fuzz");
    std::fs::create_dir_all(&log)?;
    std::fs::write(log.join(fuzzer.log(seed)), &run.output)?;
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
    if let Some(line) = out.lines().find(|l| l.starts_with("FUZZ error")) {
        problems.push(line.trim().to_string());
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
            (Some(b), Some(e)) if e > b => {
                // The fuzzer names the first leftovers: put them in the
                // verdict itself, which CI's excerpt always shows.
                let named: Vec<&str> = out.lines().filter(|l| l.starts_with("FUZZ leftover")).map(str::trim).collect();
                problems.push(format!("{} processes left behind ({b} before, {e} after)\n{}", e - b, named.join("\n")))
            }
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
    let mut summary = end.map(|l| l.trim().to_string()).unwrap_or_default();
    if let Some(slow) = out.lines().find(|l| l.starts_with("FUZZ slow exits")) {
        summary = format!("{summary} ({})", slow.trim());
    }
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
