//! One QEMU boot that runs `/bench/bench_all` as init, read line by line as
//! it runs (for progress and for the time limits).
//!
//! Both kernels boot with exactly the same QEMU command line; only
//! `-kernel` differs. The flags are those of `crate::qemu::Machine` plus an
//! explicit `-cpu qemu64` (QEMU's default, spelled out because the figures
//! depend on it).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::ProgressBar;

use super::{Outcome, expand, parse_line};

/// What to boot.
pub struct Boot<'a> {
    /// "Linux 6.1.0-56-amd64" or "weft"; used in messages.
    pub label: String,
    pub kernel: &'a Path,
    pub initrd: &'a Path,
    pub smp: u32,
    pub mem: String,
    /// Extra kernel command-line words before `init=`.
    pub extra_append: String,
    /// Arguments for bench_all (after `--`).
    pub args: Vec<String>,
    /// Benchmarks bench_all will run, in order.
    pub expected: Vec<String>,
    /// Limit for the boot until `BENCH_SUITE_START`.
    pub start_timeout: Duration,
    /// Limit between two result lines once the suite runs.
    pub idle_timeout: Duration,
    /// Limit for the whole boot.
    pub total_timeout: Duration,
    /// Where the whole serial output is saved.
    pub log: PathBuf,
}

/// How the boot went.
pub struct Run {
    /// Per expected benchmark, in order: its outcome. Benchmarks without a
    /// result line get an n/a saying why (hang, panic, no user space).
    pub results: Vec<(String, Outcome)>,
    /// How the run ended when it did not end well: a short form (used in
    /// the n/a reasons) and the long one (with the last console line).
    pub problem: Option<(String, String)>,
    pub wall: Duration,
    /// `# ` lines (notes from bench_all and the benchmarks).
    pub notes: Vec<String>,
    /// The suite's duration by the guest's clock (bench_all) and by the
    /// host's, in seconds: a kernel whose clock runs fast or slow would
    /// report wrong ns/op figures.
    pub clock: Option<(f64, f64)>,
}

pub fn run(boot: &Boot<'_>, progress: &ProgressBar) -> Result<Run> {
    let mut append = String::from("console=ttyS0 quiet panic=-1");
    if !boot.extra_append.is_empty() {
        append.push(' ');
        append.push_str(&boot.extra_append);
    }
    // Linux runs `rdinit=` from an initramfs (`init=` names a program on a
    // root file system); weft reads `init=`. Words after `--` are init's
    // arguments.
    append.push_str(" rdinit=/bench/bench_all init=/bench/bench_all");
    if !boot.args.is_empty() {
        append.push_str(" -- ");
        append.push_str(&boot.args.join(" "));
    }
    let mut child = Command::new("qemu-system-x86_64")
        .args([
            "-accel",
            "tcg",
            "-cpu",
            "qemu64",
            "-m",
            &boot.mem,
            "-smp",
            &boot.smp.to_string(),
        ])
        .args(["-display", "none", "-no-reboot", "-serial", "stdio"])
        .args(["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"])
        .arg("-kernel")
        .arg(boot.kernel)
        .arg("-initrd")
        .arg(boot.initrd)
        .args(["-append", &append])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting qemu-system-x86_64")?;

    let (tx, rx) = mpsc::channel::<Option<String>>();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut buf = Vec::new();
        while reader.read_until(b'\n', &mut buf).is_ok_and(|n| n > 0) {
            let line = String::from_utf8_lossy(&buf).replace('\r', "");
            if tx
                .send(Some(line.trim_end_matches('\n').to_string()))
                .is_err()
            {
                return;
            }
            buf.clear();
        }
        tx.send(None).ok();
    });
    std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            text.push_str(&line);
            text.push('\n');
        }
        if !text.is_empty() {
            tx2.send(Some(format!("qemu: {}", text.trim_end()))).ok();
        }
    });

    let start = Instant::now();
    let mut last_activity = start;
    let mut log = String::new();
    let mut results: Vec<(String, Outcome)> = Vec::new();
    let mut notes = Vec::new();
    let (mut started, mut finished, mut eof) = (false, false, false);
    let mut panic_line: Option<String> = None;
    let mut last_line = String::new();
    let total = boot.expected.len();
    let mut problem = None;
    let mut finished_at: Option<Instant> = None;
    let mut suite_start: Option<Instant> = None;
    let mut clock: Option<(f64, f64)> = None;

    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Some(line)) => {
                log.push_str(&line);
                log.push('\n');
                let trimmed = line.trim();
                if !trimmed.is_empty() {
                    last_line = trimmed.chars().take(120).collect();
                }
                if trimmed.contains("KERNEL PANIC") || trimmed.contains("Kernel panic") {
                    panic_line.get_or_insert_with(|| trimmed.to_string());
                }
                if trimmed.starts_with("BENCH_SUITE_START") {
                    started = true;
                    last_activity = Instant::now();
                    suite_start = Some(last_activity);
                } else if trimmed.starts_with("BENCH_SUITE_END") {
                    finished = true;
                    finished_at = Some(Instant::now());
                } else if let Some(note) = trimmed.strip_prefix("# ") {
                    // "bench_all: 111.2 s in all": the guest's clock against ours.
                    let guest = note
                        .strip_prefix("bench_all: ")
                        .and_then(|r| r.strip_suffix(" s in all"));
                    if let (Some(g), Some(t0)) =
                        (guest.and_then(|g| g.parse::<f64>().ok()), suite_start)
                    {
                        clock = Some((g, t0.elapsed().as_secs_f64()));
                    }
                    notes.push(note.to_string());
                } else if let Some((name, outcome)) = parse_line(trimmed) {
                    last_activity = Instant::now();
                    for (name, outcome) in expand(name, outcome) {
                        progress.suspend(|| {
                            eprintln!("  {:<24} {:<28} {}", name, boot.label, outcome.short())
                        });
                        results.push((name, outcome));
                    }
                }
            }
            Ok(None) => eof = true,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => eof = true,
        }
        let done = results.len();
        let current = boot.expected.get(done).map(String::as_str).unwrap_or("-");
        progress.set_message(if started {
            format!(
                "{}: {current} ({}/{total})",
                boot.label,
                (done + 1).min(total)
            )
        } else {
            format!("{}: booting", boot.label)
        });
        if let Some(status) = child.try_wait()? {
            // Drain what is left of the output, briefly.
            if !eof {
                let until = Instant::now() + Duration::from_secs(2);
                while Instant::now() < until {
                    match rx.recv_timeout(Duration::from_millis(100)) {
                        Ok(Some(line)) => {
                            log.push_str(&line);
                            log.push('\n');
                            let t = line.trim();
                            if t.starts_with("BENCH_SUITE_END") {
                                finished = true;
                            } else if let Some((name, outcome)) = parse_line(t) {
                                results.extend(expand(name, outcome));
                            }
                            if t.contains("KERNEL PANIC") || t.contains("Kernel panic") {
                                panic_line.get_or_insert_with(|| t.to_string());
                            }
                        }
                        _ => break,
                    }
                }
            }
            if !finished {
                let code = status.code().unwrap_or(-1);
                problem = Some(match &panic_line {
                    Some(p) => (
                        "kernel panic".to_string(),
                        format!("{} panicked: {p}", boot.label),
                    ),
                    None => {
                        let how = if code > 0 && code % 2 == 1 {
                            format!("isa-debug-exit code {}", (code - 1) / 2)
                        } else {
                            format!("QEMU exit status {code}")
                        };
                        let short = format!("kernel stopped ({how}) before the suite ended");
                        let long =
                            format!("{} {short}; last console line: \"{last_line}\"", boot.label);
                        (short, long)
                    }
                });
            }
            break;
        }
        let now = Instant::now();
        let secs = |d: Duration| d.as_secs();
        let last = if last_line.is_empty() {
            "none".to_string()
        } else {
            format!("\"{last_line}\"")
        };
        let limit: Option<(String, String)> = if let Some(at) = finished_at {
            // bench_all powers off after BENCH_SUITE_END; do not wait long.
            (now - at > Duration::from_secs(30)).then(|| {
                (
                    "did not power off".into(),
                    "did not power off after the suite".into(),
                )
            })
        } else if let Some(p) = &panic_line {
            (now - last_activity > Duration::from_secs(10))
                .then(|| ("kernel panic".into(), format!("panicked: {p}")))
        } else if now - start > boot.total_timeout {
            let short = format!("timed out after {} s in all", secs(boot.total_timeout));
            Some((
                short.clone(),
                format!("{short} (last console line: {last})"),
            ))
        } else if !started {
            (now - start > boot.start_timeout).then(|| {
                let short = format!(
                    "bench_all did not start within {} s",
                    secs(boot.start_timeout)
                );
                (
                    short.clone(),
                    format!("{short} (last console line: {last})"),
                )
            })
        } else {
            (now - last_activity > boot.idle_timeout).then(|| {
                let short = format!("kernel hung (no result for {} s)", secs(boot.idle_timeout));
                (short.clone(), format!("{short}; last console line: {last}"))
            })
        };
        if let Some((short, long)) = limit {
            child.kill().ok();
            child.wait().ok();
            if !finished {
                problem = Some((short, format!("{} {long}", boot.label)));
            }
            break;
        }
    }
    std::fs::write(&boot.log, &log).ok();

    // One outcome per expected benchmark, in order.
    let mut ordered = Vec::new();
    let mut blamed = false;
    for name in &boot.expected {
        if let Some((_, o)) = results.iter().find(|(n, _)| n == name) {
            ordered.push((name.clone(), o.clone()));
            continue;
        }
        let why = match (&problem, started) {
            (Some((p, _)), false) => p.clone(),
            (Some((p, _)), true) if !blamed => {
                blamed = true;
                p.clone()
            }
            (Some(_), true) => "not run (the run ended earlier)".to_string(),
            (None, _) => "bench_all printed no result line".to_string(),
        };
        ordered.push((name.clone(), Outcome::Na(why)));
    }
    Ok(Run {
        results: ordered,
        problem,
        wall: start.elapsed(),
        notes,
        clock,
    })
}
