//! `cargo xtask bench`: the benchmark programs of `user/bench` on weft and on
//! Debian's Linux kernel in the same QEMU configuration, as a table of
//! ratios, `target/bench/results.csv` and a PNG chart. Also the smoke test
//! (`smoke`), which `cargo xtask test` runs: each benchmark once with `-q`.
//!
//! docs/bench.md says what each benchmark measures and how to read the
//! figures.

mod boot;
mod chart;
mod linux;
mod rt_tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::kernel::{self, Flavor};
use crate::{BenchOpts, BuildOpts, initramfs, root};

/// What a benchmark's figure is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Nanoseconds per operation (the BENCH line's value); less is better.
    NsPerOp,
    /// Bytes per thread (the value); less is better.
    BytesPerThread,
    /// A thread count (the BENCH line's iteration field); more is better.
    Threads,
    /// Microseconds of latency (the value); less is better.
    Micros,
    /// Seconds for a whole run (the value); less is better.
    Seconds,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::NsPerOp => "ns/op",
            Unit::BytesPerThread => "bytes/thread",
            Unit::Threads => "threads",
            Unit::Micros => "µs",
            Unit::Seconds => "s",
        }
    }
}

/// Every benchmark, in the order bench_all runs them (user/bench/bench_all.c
/// keeps the same list; `check_suite` compares it with user/bench/*.c).
pub const SUITE: &[(&str, Unit)] = &[
    ("getppid", Unit::NsPerOp),
    ("gettid", Unit::NsPerOp),
    ("signal_roundtrip", Unit::NsPerOp),
    ("sched_yield", Unit::NsPerOp),
    ("futex_pingpong", Unit::NsPerOp),
    ("mutex_contended_2t", Unit::NsPerOp),
    ("mutex_contended_4t", Unit::NsPerOp),
    ("pipe_pingpong_thread", Unit::NsPerOp),
    ("pipe_pingpong_proc", Unit::NsPerOp),
    ("mmap_touch_munmap_4k", Unit::NsPerOp),
    ("pagefault_64m", Unit::NsPerOp),
    ("thread_create_join", Unit::NsPerOp),
    ("fork_exit_wait", Unit::NsPerOp),
    ("vfork_exec_wait", Unit::NsPerOp),
    ("posix_spawn_exec_wait", Unit::NsPerOp),
    ("kill_64_threads", Unit::NsPerOp),
    ("thread_mem_bytes", Unit::BytesPerThread),
    ("threads_max", Unit::Threads),
    ("kill_many_threads", Unit::NsPerOp),
    ("cyclictest_max", Unit::Micros),
    ("cyclictest_avg", Unit::Micros),
    ("hackbench", Unit::Seconds),
];

/// Programs that print several rows of SUITE: (program, its rows). Every
/// other row is printed by the program of the same name. A program's
/// `BENCH <program> n/a <reason>` line (it failed, hung, crashed) stands
/// for each of its rows.
const MULTI_ROW: &[(&str, &[&str])] = &[("cyclictest", &["cyclictest_max", "cyclictest_avg"])];

/// Programs in user/bench that are not benchmarks.
const HELPERS: &[&str] = &["bench_all", "true"];

/// The user/bench program that prints `row`.
fn program_of(row: &str) -> &str {
    MULTI_ROW
        .iter()
        .find(|(_, rows)| rows.contains(&row))
        .map(|(p, _)| *p)
        .unwrap_or(row)
}

/// The programs of SUITE (what bench_all runs), in suite order.
fn suite_programs() -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for (row, _) in SUITE {
        let p = program_of(row);
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// A parsed result line as rows: a multi-row program's own n/a line
/// becomes one n/a per row.
pub fn expand(name: String, outcome: Outcome) -> Vec<(String, Outcome)> {
    match MULTI_ROW.iter().find(|(p, _)| *p == name) {
        Some((_, rows)) => rows
            .iter()
            .map(|r| (r.to_string(), outcome.clone()))
            .collect(),
        None => vec![(name, outcome)],
    }
}

fn unit_of(name: &str) -> Unit {
    SUITE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, u)| *u)
        .unwrap_or(Unit::NsPerOp)
}

/// Which kernels `cargo xtask bench` boots.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kernels {
    Both,
    Linux,
    Weft,
}

/// One benchmark's result on one kernel.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// `BENCH <name> <iterations> <value>`.
    Value { iterations: u64, value: f64 },
    /// `BENCH <name> n/a <reason>`, or why no line came.
    Na(String),
}

impl Outcome {
    /// The figure of merit in the benchmark's unit.
    fn figure(&self, unit: Unit) -> Option<f64> {
        match self {
            Outcome::Value { iterations, value } => Some(if unit == Unit::Threads {
                *iterations as f64
            } else {
                *value
            }),
            Outcome::Na(_) => None,
        }
    }

    /// For progress lines.
    fn short(&self) -> String {
        match self {
            Outcome::Value { iterations, value } => format!("{value:.1} ({iterations} iterations)"),
            Outcome::Na(why) => format!("n/a ({why})"),
        }
    }
}

/// Parses `BENCH <name> <iterations> <value>` / `BENCH <name> n/a <reason>`.
pub fn parse_line(line: &str) -> Option<(String, Outcome)> {
    let rest = line.strip_prefix("BENCH ")?;
    let (name, rest) = rest.split_once(' ')?;
    let (first, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let outcome = if first == "n/a" {
        Outcome::Na(rest.trim().to_string())
    } else {
        let iterations = first.parse().ok()?;
        let value: f64 = rest.trim().parse().ok()?;
        if !value.is_finite() {
            return None;
        }
        Outcome::Value { iterations, value }
    };
    Some((name.to_string(), outcome))
}

/// Where the bench artifacts go: `target/bench/`.
fn bench_dir() -> PathBuf {
    let dir = root().join("target").join("bench");
    std::fs::create_dir_all(&dir).expect("cannot create target/bench");
    dir
}

/// The initramfs both kernels boot: `/bench/*` (the programs of
/// user/bench, built by `crate::userprogs` like every user program),
/// Debian's cyclictest and hackbench under /usr/bin with the glibc and
/// libnuma they load (`rt_tests`), empty
/// /proc, /dev and /tmp, and /dev/console, written with
/// `crate::initramfs`'s newc writer. Init is `/bench/bench_all`, named on
/// the command line. (The full `initramfs::build` archive would do as well,
/// but it has no directory entry for `bench/`, and Linux's unpacker does not
/// create missing parents, so /bench would be empty there.)
fn bench_initramfs(build: &BuildOpts, dir: &Path) -> Result<PathBuf> {
    use initramfs::Entry;
    let programs = crate::userprogs::build(build)?;
    let rt_tests = rt_tests::files().context("Debian's rt-tests (cyclictest, hackbench)")?;
    let mut entries = Vec::new();
    for d in [
        "bench",
        "dev",
        "proc",
        "sys",
        "tmp",
        "usr",
        "usr/bin",
        "usr/lib",
        "usr/lib/x86_64-linux-gnu",
        "usr/lib64",
    ] {
        entries.push(Entry::Dir {
            path: d.into(),
            mode: 0o755,
        });
    }
    // Debian's layout, which the rt-tests programs' PT_INTERP
    // (/lib64/ld-linux-x86-64.so.2) and the loader's search path expect.
    entries.push(Entry::Symlink {
        path: "lib".into(),
        target: "usr/lib".into(),
    });
    entries.push(Entry::Symlink {
        path: "lib64".into(),
        target: "usr/lib64".into(),
    });
    entries.push(Entry::Symlink {
        path: "usr/lib64/ld-linux-x86-64.so.2".into(),
        target: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2".into(),
    });
    entries.push(Entry::CharDev {
        path: "dev/console".into(),
        mode: 0o600,
        major: 5,
        minor: 1,
    });
    entries.push(Entry::CharDev {
        path: "dev/null".into(),
        mode: 0o666,
        major: 1,
        minor: 3,
    });
    let mut found = 0;
    for (dest, path) in programs {
        if dest.starts_with("bench/") && !dest[6..].contains('/') {
            let data =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            entries.push(Entry::File {
                path: dest,
                mode: 0o755,
                data,
            });
            found += 1;
        }
    }
    for (dest, path) in rt_tests {
        let data = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        entries.push(Entry::File {
            path: dest,
            mode: 0o755,
            data,
        });
    }
    if found < suite_programs().len() + HELPERS.len() {
        bail!("only {found} programs from user/bench were built");
    }
    let out = dir.join("initramfs.cpio.gz");
    initramfs::write_gz(&out, &entries)?;
    Ok(out)
}

/// The benchmark programs in user/bench must be exactly SUITE (plus the
/// helpers), so that no benchmark is silently left out of the table.
fn check_suite() -> Result<()> {
    let dir = root().join("user/bench");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| !HELPERS.contains(&n.as_str()))
        .collect();
    found.sort();
    let mut known: Vec<String> = suite_programs().iter().map(|n| n.to_string()).collect();
    known.sort();
    if found != known {
        let extra: Vec<&String> = found.iter().filter(|n| !known.contains(n)).collect();
        let missing: Vec<&String> = known.iter().filter(|n| !found.contains(n)).collect();
        bail!(
            "user/bench and the suite list differ (programs not in SUITE: {extra:?}; SUITE entries without a program: \
             {missing:?}); keep xtask/src/bench.rs SUITE and user/bench/bench_all.c SUITE in step"
        );
    }
    Ok(())
}

/// The selected rows, in suite order. A name is a row or a program
/// (`cyclictest` selects both of its rows; so does either row, since the
/// program prints both).
fn selection(only: &[String]) -> Result<Vec<String>> {
    let wanted: Vec<&str> = only.iter().map(|n| program_of(n)).collect();
    for (name, program) in only.iter().zip(&wanted) {
        if !suite_programs().contains(program) {
            let mut all: Vec<&str> = SUITE.iter().map(|(n, _)| *n).collect();
            all.extend(MULTI_ROW.iter().map(|(p, _)| *p));
            bail!(
                "no benchmark named \"{name}\"; the benchmarks are: {}",
                all.join(" ")
            );
        }
    }
    Ok(SUITE
        .iter()
        .map(|(n, _)| n.to_string())
        .filter(|n| only.is_empty() || wanted.contains(&program_of(n)))
        .collect())
}

/// A kernel to boot, or why there is none.
struct Side {
    label: String,
    image: Result<PathBuf, String>,
    /// Kernel command-line words for this kernel only.
    append: String,
}

/// Results of one kernel: per benchmark, in suite order.
struct Column {
    label: String,
    results: BTreeMap<String, Outcome>,
    problem: Option<String>,
    wall: Option<Duration>,
    /// Notes worth showing under the table (why thread creation stopped...).
    notes: Vec<String>,
    /// The host's load around the boot.
    host: String,
    /// Per benchmark: the fastest and slowest repetition, ns/op.
    spreads: BTreeMap<String, (f64, f64)>,
    /// Guest and host seconds for the whole suite.
    clock: Option<(f64, f64)>,
    /// Rounds in which a benchmark that has a figure failed (--rounds).
    failures: Vec<String>,
}

impl Column {
    /// Several rounds of one kernel as one column: per benchmark, the median
    /// of the rounds' figures (n/a only when every round was n/a), the
    /// widest spread, every problem.
    fn merge(mut cols: Vec<Column>) -> Column {
        if cols.len() == 1 {
            return cols.pop().unwrap();
        }
        let rounds = cols.len();
        let first = &cols[0];
        let mut merged = Column {
            label: first.label.clone(),
            results: BTreeMap::new(),
            problem: None,
            wall: first.wall.map(|_| cols.iter().filter_map(|c| c.wall).sum()),
            notes: Vec::new(),
            host: String::new(),
            spreads: BTreeMap::new(),
            clock: None,
            failures: Vec::new(),
        };
        for name in first.results.keys() {
            let unit = unit_of(name);
            let mut values: Vec<Outcome> = cols
                .iter()
                .filter_map(|c| c.results.get(name))
                .filter(|o| o.figure(unit).is_some())
                .cloned()
                .collect();
            let outcome = if values.is_empty() {
                cols.iter()
                    .find_map(|c| c.results.get(name))
                    .cloned()
                    .unwrap_or(Outcome::Na("no result".into()))
            } else {
                values.sort_by(|a, b| a.figure(unit).partial_cmp(&b.figure(unit)).unwrap());
                let k = values.len();
                let median = (values[(k - 1) / 2].figure(unit).unwrap()
                    + values[k / 2].figure(unit).unwrap())
                    / 2.0;
                match values[k / 2].clone() {
                    Outcome::Value { iterations, .. } if unit != Unit::Threads => Outcome::Value {
                        iterations,
                        value: median,
                    },
                    Outcome::Value { value, .. } => Outcome::Value {
                        iterations: median.round() as u64,
                        value,
                    },
                    na => na,
                }
            };
            if outcome.figure(unit).is_some() {
                for (i, c) in cols.iter().enumerate() {
                    if let Some(Outcome::Na(why)) = c.results.get(name) {
                        merged
                            .failures
                            .push(format!("{name}: n/a in round {} of {rounds}: {why}", i + 1));
                    }
                }
            }
            merged.results.insert(name.clone(), outcome);
            let spreads: Vec<(f64, f64)> = cols
                .iter()
                .filter_map(|c| c.spreads.get(name).copied())
                .collect();
            if !spreads.is_empty() {
                let lo = spreads.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
                let hi = spreads.iter().map(|s| s.1).fold(0.0, f64::max);
                merged.spreads.insert(name.clone(), (lo, hi));
            }
        }
        let problems: Vec<String> = cols
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.problem.as_ref().map(|p| format!("round {}: {p}", i + 1)))
            .collect();
        merged.problem = (!problems.is_empty()).then(|| problems.join("; "));
        for c in &cols {
            for n in &c.notes {
                if !merged.notes.contains(n) {
                    merged.notes.push(n.clone());
                }
            }
        }
        merged.host = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.host.is_empty())
            .map(|(i, c)| format!("round {}: {}", i + 1, c.host))
            .collect::<Vec<_>>()
            .join("; ");
        // The round whose clock was furthest off.
        merged.clock = cols.iter().filter_map(|c| c.clock).max_by(|a, b| {
            (a.0 / a.1 - 1.0)
                .abs()
                .partial_cmp(&(b.0 / b.1 - 1.0).abs())
                .unwrap()
        });
        if merged.wall.is_some() {
            merged
                .notes
                .push(format!("figures are medians of {rounds} rounds"));
        }
        merged
    }

    fn absent(label: &str, names: &[String], why: &str) -> Column {
        Column {
            label: label.to_string(),
            results: names
                .iter()
                .map(|n| (n.clone(), Outcome::Na(why.to_string())))
                .collect(),
            problem: None,
            wall: None,
            notes: Vec::new(),
            host: String::new(),
            spreads: BTreeMap::new(),
            clock: None,
            failures: Vec::new(),
        }
    }
}

fn linux_side(dir: &Path) -> Side {
    match linux::kernel(&dir.join("linux")) {
        Ok(image) => Side {
            label: format!("Linux {}", linux::version(&image)),
            image: Ok(image),
            append: String::new(),
        },
        Err(e) => Side {
            label: "Linux".into(),
            image: Err(format!("no Linux kernel: {e:#}")),
            append: String::new(),
        },
    }
}

fn weft_side(build: &BuildOpts, dir: &Path) -> Side {
    let image = kernel::build(build, Flavor::Normal)
        .map_err(|e| format!("weft kernel build failed: {e:#}"))
        .and_then(|elf| {
            // A private copy: `cargo xtask run` rewrites target/weft/weft.elf.
            let copy = dir.join("weft.elf");
            std::fs::copy(&elf, &copy).map_err(|e| format!("copying {}: {e}", elf.display()))?;
            Ok(copy)
        });
    Side {
        label: "weft".into(),
        image,
        append: String::new(),
    }
}

/// Boots `side` with bench_all as init.
fn boot_side(side: &Side, initrd: &Path, opts: &SuiteRun<'_>, log: PathBuf) -> Result<Column> {
    let image = match &side.image {
        Ok(image) => image,
        Err(why) => return Ok(Column::absent(&side.label, opts.names, why)),
    };
    let boot = boot::Boot {
        label: side.label.clone(),
        kernel: image,
        initrd,
        smp: opts.smp,
        mem: opts.mem.to_string(),
        extra_append: side.append.clone(),
        args: opts.args.clone(),
        expected: opts.names.to_vec(),
        start_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(200),
        total_timeout: Duration::from_secs(180 + 120 * opts.names.len() as u64),
        log,
    };
    let quiet = wait_quiet(opts.wait_quiet);
    let progress = crate::progress::spinner(&format!("{}: booting", side.label));
    let run = boot::run(&boot, &progress);
    progress.finish_and_clear();
    let run = run?;
    let problem = run.problem.as_ref().map(|(_, long)| long.clone());
    if let Some(p) = &problem {
        eprintln!("xtask: {p}");
    }
    Ok(Column {
        label: side.label.clone(),
        results: run.results.into_iter().collect(),
        problem,
        wall: Some(run.wall),
        spreads: run.notes.iter().filter_map(|n| spread(n)).collect(),
        clock: run.clock,
        failures: Vec::new(),
        notes: run
            .notes
            .into_iter()
            .filter(|n| is_interesting(n))
            .collect(),
        host: format!("host {quiet}; load average after: {}", loadavg()),
    })
}

/// "<name>: 5 reps x N ops: min A median B max C ns/op" -> (name, (A, C)).
fn spread(note: &str) -> Option<(String, (f64, f64))> {
    let (name, rest) = note.split_once(": ")?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let after = |key: &str| {
        words
            .iter()
            .position(|w| *w == key)
            .and_then(|i| words.get(i + 1)?.parse().ok())
    };
    rest.contains(" reps x ").then_some(())?;
    Some((name.to_string(), (after("min")?, after("max")?)))
}

/// Notes shown under the table: why the thread
/// benchmarks stopped where they did (not the per-repetition spreads, which
/// stay in the serial logs).
fn is_interesting(note: &str) -> bool {
    (note.starts_with("threads_max:")
        || note.starts_with("thread_mem_bytes:")
        || note.starts_with("kill_many_threads:")
        || note.starts_with("pagefault_64m:"))
        && !note.contains(" reps x ")
        && !note.contains(" us per create")
        && !note.ends_with(" s")
}

/// The host's 1, 5 and 15 minute load averages.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Idle fraction of the host's CPUs over `sample`, from /proc/stat.
fn host_idle(sample: Duration) -> Option<f64> {
    let read = || -> Option<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .filter_map(|f| f.parse().ok())
            .collect();
        let idle = fields.get(3)? + fields.get(4).unwrap_or(&0);
        Some((idle, fields.iter().sum()))
    };
    let (i0, t0) = read()?;
    std::thread::sleep(sample);
    let (i1, t1) = read()?;
    (t1 > t0).then(|| (i1 - i0) as f64 / (t1 - t0) as f64)
}

/// `--wait-quiet SECS`: waits until the host is at least 80% idle, at most
/// `secs`; says how idle it was.
fn wait_quiet(secs: u64) -> String {
    let sample = Duration::from_secs(2);
    let mut idle = host_idle(sample).unwrap_or(0.0);
    if secs == 0 {
        return format!("{:.0}% idle before the boot", idle * 100.0);
    }
    let start = std::time::Instant::now();
    let progress = crate::progress::spinner("waiting for a quiet host");
    while idle < 0.8 && start.elapsed() < Duration::from_secs(secs) {
        progress.set_message(format!(
            "waiting for a quiet host (idle {:.0}%, want 80%)",
            idle * 100.0
        ));
        idle = host_idle(sample).unwrap_or(1.0);
    }
    progress.finish_and_clear();
    let waited = start.elapsed().as_secs();
    if idle < 0.8 {
        format!(
            "{:.0}% idle before the boot (still busy after waiting {waited} s)",
            idle * 100.0
        )
    } else {
        format!(
            "{:.0}% idle before the boot (waited {waited} s)",
            idle * 100.0
        )
    }
}

/// Settings shared by the boots of one run.
struct SuiteRun<'a> {
    names: &'a [String],
    args: Vec<String>,
    smp: u32,
    mem: &'a str,
    wait_quiet: u64,
}

/// `cargo xtask bench`.
pub fn run(opts: &BenchOpts) -> Result<()> {
    if opts.smoke {
        return smoke_command(opts);
    }
    check_suite()?;
    let names = selection(&opts.only)?;
    let dir = bench_dir();
    let build = BuildOpts { release: true };
    let initrd = bench_initramfs(&build, &dir)?;
    let want_linux = opts.kernel != Kernels::Weft;
    let want_weft = opts.kernel != Kernels::Linux;
    // `log=warn` is weft's `quiet`; Linux hands it to init's environment.
    let linux = want_linux.then(|| Side {
        append: format!("log=warn {}", opts.linux_append),
        ..linux_side(&dir)
    });
    let weft = want_weft.then(|| Side {
        append: format!("log=warn {}", opts.weft_append),
        ..weft_side(&build, &dir)
    });

    let mut args = Vec::new();
    if opts.quick {
        args.push("-q".to_string());
    }
    if !opts.only.is_empty() {
        for n in &names {
            let p = program_of(n).to_string();
            if !args.contains(&p) {
                args.push(p);
            }
        }
    }
    let suite = SuiteRun {
        names: &names,
        args,
        smp: opts.smp,
        mem: &opts.mem,
        wait_quiet: opts.wait_quiet,
    };
    let mut header = header(&opts.smp, &opts.mem, linux.as_ref(), want_weft, opts.quick);
    for (label, words) in [("Linux", &opts.linux_append), ("weft", &opts.weft_append)] {
        if !words.trim().is_empty() {
            writeln!(header, "extra command line for {label}: {words}").ok();
        }
    }
    eprint!("{header}");

    // Rounds alternate the kernels (Linux, weft, Linux, weft...) so that a
    // change in host load hits both sides alike.
    let rounds = opts.rounds.max(1);
    let (mut linux_cols, mut weft_cols) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        if rounds > 1 {
            eprintln!("xtask: round {round} of {rounds}");
        }
        let log = |kernel: &str| {
            dir.join(if rounds > 1 {
                format!("{kernel}-round{round}.log")
            } else {
                format!("{kernel}.log")
            })
        };
        linux_cols.push(match &linux {
            Some(side) => boot_side(side, &initrd, &suite, log("linux"))?,
            None => Column::absent("Linux", &names, "not run: --kernel weft"),
        });
        weft_cols.push(match &weft {
            Some(side) => boot_side(side, &initrd, &suite, log("weft"))?,
            None => Column::absent("weft", &names, "not run: --kernel linux"),
        });
    }
    let linux_col = Column::merge(linux_cols);
    let weft_col = Column::merge(weft_cols);

    let rows: Vec<Row> = names
        .iter()
        .map(|n| Row {
            name: n.clone(),
            unit: unit_of(n),
            linux: linux_col
                .results
                .get(n)
                .cloned()
                .unwrap_or(Outcome::Na("no result".into())),
            weft: weft_col
                .results
                .get(n)
                .cloned()
                .unwrap_or(Outcome::Na("no result".into())),
            linux_spread: linux_col.spreads.get(n).copied(),
            weft_spread: weft_col.spreads.get(n).copied(),
        })
        .collect();
    let mut report = header.clone();
    report.push_str(&table(&rows, &linux_col.label));
    for col in [&linux_col, &weft_col] {
        if let Some(p) = &col.problem {
            writeln!(report, "{}: {p}", col.label)?;
        }
        for note in col.failures.iter().chain(&col.notes) {
            writeln!(report, "{}: {note}", col.label)?;
        }
        if let Some((guest, host)) = col.clock {
            let off = (guest / host - 1.0) * 100.0;
            writeln!(
                report,
                "{}: clock check: the suite took {guest:.1} s by the guest's clock, {host:.1} s by the host's{}",
                col.label,
                if off.abs() > 5.0 && host > 20.0 {
                    format!(
                        " -- WARNING: the guest clock is {off:+.0}% off, so its ns/op figures are wrong by as much"
                    )
                } else {
                    String::new()
                }
            )?;
        }
        if let Some(w) = col.wall {
            writeln!(
                report,
                "{}: QEMU ran {:.1} s in all; {}",
                col.label,
                w.as_secs_f64(),
                col.host
            )?;
        }
    }
    if opts.quick {
        writeln!(
            report,
            "(--quick: one repetition with tiny iteration counts; not a measurement)"
        )?;
    }
    println!("{report}");

    let csv = dir.join("results.csv");
    std::fs::write(&csv, to_csv(&rows))?;
    std::fs::write(dir.join("results.txt"), &report)?;
    let png = dir.join("results.png");
    let bars: Vec<chart::Bar> = rows
        .iter()
        .map(|r| chart::Bar {
            label: if r.unit == Unit::Threads {
                format!("{} (Linux/weft)", r.name)
            } else {
                r.name.clone()
            },
            ratio: r.ratio(),
            text: match r.ratio() {
                Some(x) => format!("{x:.2}"),
                None => {
                    let why = match (&r.linux, &r.weft) {
                        (Outcome::Na(w), _) => format!("Linux: {w}"),
                        (_, Outcome::Na(w)) => format!("weft: {w}"),
                        _ => String::new(),
                    };
                    format!("n/a {}", why.chars().take(26).collect::<String>())
                }
            },
        })
        .collect();
    let subtitle = format!(
        "{} vs weft, QEMU TCG -smp {} -m {}; bars: weft/Linux, below 1 is better",
        linux_col.label, opts.smp, opts.mem
    );
    match chart::draw(&png, "cargo xtask bench: weft / Linux", &subtitle, &bars) {
        Ok(()) => println!(
            "wrote {}, {}, {}",
            csv.display(),
            dir.join("results.txt").display(),
            png.display()
        ),
        Err(e) => println!("wrote {}; the chart failed: {e:#}", csv.display()),
    }
    println!(
        "serial logs: {}",
        dir.join(if rounds > 1 {
            "{linux,weft}-round*.log"
        } else {
            "{linux,weft}.log"
        })
        .display()
    );
    if let Some(old) = &opts.compare {
        println!("{}", compare(old, &rows)?);
    }
    Ok(())
}

/// Date, machine and configuration, for the report.
fn header(smp: &u32, mem: &str, linux: Option<&Side>, weft: bool, quick: bool) -> String {
    let sh = |cmd: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let mut h = String::new();
    let date = sh("date -u '+%Y-%m-%d %H:%M UTC'");
    let cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2");
    let host = format!("{} CPUs ({}), {}", sh("nproc"), cpu.trim(), sh("uname -sr"));
    let qemu = sh("qemu-system-x86_64 --version | head -1");
    let commit = sh(&format!(
        "git -C '{}' rev-parse --short HEAD",
        root().display()
    ));
    writeln!(h, "date: {date}").ok();
    writeln!(
        h,
        "host: {host}; load average {}",
        sh("cut -d' ' -f1-3 /proc/loadavg")
    )
    .ok();
    writeln!(
        h,
        "qemu: {qemu}: -accel tcg -cpu qemu64 -smp {smp} -m {mem}"
    )
    .ok();
    if let Some(side) = linux {
        writeln!(h, "linux: {}", side.label).ok();
    }
    if weft {
        writeln!(h, "weft: commit {commit}, release build").ok();
    }
    if quick {
        writeln!(h, "--quick: one repetition with tiny iteration counts").ok();
    }
    h
}

struct Row {
    name: String,
    unit: Unit,
    linux: Outcome,
    weft: Outcome,
    /// Fastest and slowest repetition (ns/op), when there were several.
    linux_spread: Option<(f64, f64)>,
    weft_spread: Option<(f64, f64)>,
}

impl Row {
    /// weft/Linux, oriented so that below 1 means weft is better (for a
    /// thread count, which is better higher, that is Linux/weft).
    fn ratio(&self) -> Option<f64> {
        let (l, w) = (self.linux.figure(self.unit)?, self.weft.figure(self.unit)?);
        let r = if self.unit == Unit::Threads {
            l / w
        } else {
            w / l
        };
        r.is_finite().then_some(r)
    }
}

/// A figure for people: 512 ns, 36.5 µs, 1.45 ms; 25.3 KB; 7555.
fn human(value: f64, unit: Unit) -> String {
    match unit {
        Unit::NsPerOp if value < 1e3 => format!("{value:.0} ns"),
        Unit::NsPerOp if value < 1e6 => format!("{} µs", sig3(value / 1e3)),
        Unit::NsPerOp => format!("{} ms", sig3(value / 1e6)),
        Unit::BytesPerThread => format!("{:.1} KiB", value / 1024.0),
        Unit::Threads => format!("{value:.0}"),
        Unit::Micros if value < 100.0 => format!("{value:.1} µs"),
        Unit::Micros => format!("{value:.0} µs"),
        Unit::Seconds => format!("{value:.2} s"),
    }
}

/// Three significant digits (for values from 1 to 999).
fn sig3(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

fn cell(o: &Outcome, unit: Unit) -> String {
    match o {
        Outcome::Value { .. } => human(o.figure(unit).unwrap(), unit),
        Outcome::Na(why) => format!("n/a ({why})"),
    }
}

fn table(rows: &[Row], linux_label: &str) -> String {
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            let ratio = match r.ratio() {
                Some(x) if r.unit == Unit::Threads => format!("{x:.2} (Linux/weft)"),
                Some(x) => format!("{x:.2}"),
                None => "n/a".into(),
            };
            [
                format!("{} [{}]", r.name, r.unit.name()),
                cell(&r.linux, r.unit),
                cell(&r.weft, r.unit),
                ratio,
            ]
        })
        .collect();
    let head = [
        "benchmark".to_string(),
        linux_label.to_string(),
        "weft".to_string(),
        "ratio (weft/Linux, below 1 is better)".to_string(),
    ];
    // Long n/a reasons would stretch every row: cap the value columns.
    let clip = |s: &str, w: usize| {
        if s.chars().count() > w {
            s.chars().take(w - 1).collect::<String>() + "…"
        } else {
            s.to_string()
        }
    };
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            let w = cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([head[i].chars().count()])
                .max()
                .unwrap_or(0);
            if i == 1 || i == 2 { w.min(48) } else { w }
        })
        .collect();
    let mut out = String::new();
    let mut line = |c: &[String]| {
        let parts: Vec<String> = c
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{:<w$}", clip(s, widths[i]), w = widths[i]))
            .collect();
        writeln!(out, "{}", parts.join("  ").trim_end()).ok();
    };
    line(&head);
    line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>());
    for c in &cells {
        line(c);
    }
    // Full reasons, once each.
    let mut reasons: Vec<String> = Vec::new();
    for r in rows {
        for (side, o) in [(linux_label, &r.linux), ("weft", &r.weft)] {
            if let Outcome::Na(why) = o {
                let s = format!("{side}: {why}");
                if s.chars().count() > 48 && !reasons.contains(&s) {
                    reasons.push(s);
                }
            }
        }
    }
    if !reasons.is_empty() {
        writeln!(out, "\nn/a reasons in full:").ok();
        for r in reasons {
            writeln!(out, "  {r}").ok();
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const CSV_HEADER: &str = "benchmark,unit,linux,weft,ratio,linux_iterations,weft_iterations,linux_note,weft_note,\
                          linux_min,linux_max,weft_min,weft_max";

/// results.csv: one row per benchmark; empty figures where a side has
/// none, with the reason in its note column. ratio is oriented like the
/// table (below 1: weft better).
fn to_csv(rows: &[Row]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in rows {
        let side = |o: &Outcome| -> (String, String, String) {
            match o {
                Outcome::Value { iterations, value } => (
                    if r.unit == Unit::Seconds {
                        format!("{:.3}", o.figure(r.unit).unwrap())
                    } else {
                        format!("{:.1}", o.figure(r.unit).unwrap())
                    },
                    iterations.to_string(),
                    if r.unit == Unit::Threads {
                        format!("{value:.0} ns per thread created")
                    } else {
                        String::new()
                    },
                ),
                Outcome::Na(why) => (String::new(), String::new(), format!("n/a: {why}")),
            }
        };
        let (lv, li, ln) = side(&r.linux);
        let (wv, wi, wn) = side(&r.weft);
        let ratio = r.ratio().map(|x| format!("{x:.4}")).unwrap_or_default();
        let range = |s: Option<(f64, f64)>| {
            s.map(|(a, b)| (a.to_string(), b.to_string()))
                .unwrap_or_default()
        };
        let ((lmin, lmax), (wmin, wmax)) = (range(r.linux_spread), range(r.weft_spread));
        let fields = [
            r.name.clone(),
            r.unit.name().to_string(),
            lv,
            wv,
            ratio,
            li,
            wi,
            ln,
            wn,
            lmin,
            lmax,
            wmin,
            wmax,
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// Splits one CSV line (RFC 4180 quoting).
fn csv_split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// `--compare old.csv`: the change per benchmark and kernel.
fn compare(old: &Path, rows: &[Row]) -> Result<String> {
    let text =
        std::fs::read_to_string(old).with_context(|| format!("reading {}", old.display()))?;
    let mut lines = text.lines();
    let head = csv_split(lines.next().unwrap_or_default());
    let col = |name: &str| head.iter().position(|h| h == name);
    let (Some(ib), Some(il), Some(iw)) = (col("benchmark"), col("linux"), col("weft")) else {
        bail!(
            "{} is not a results.csv of cargo xtask bench",
            old.display()
        );
    };
    let mut before: BTreeMap<String, (Option<f64>, Option<f64>)> = BTreeMap::new();
    for line in lines {
        let f = csv_split(line);
        let get = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok());
        if let Some(name) = f.get(ib) {
            before.insert(name.clone(), (get(il), get(iw)));
        }
    }
    let change = |old: Option<f64>, new: Option<f64>, unit: Unit| -> String {
        match (old, new) {
            (Some(o), Some(n)) if o > 0.0 => {
                let pct = (n / o - 1.0) * 100.0;
                let better = if unit == Unit::Threads {
                    pct > 0.0
                } else {
                    pct < 0.0
                };
                let tag = if pct.abs() < 5.0 {
                    ""
                } else if better {
                    " better"
                } else {
                    " worse"
                };
                format!("{} -> {} ({pct:+.1}%{tag})", human(o, unit), human(n, unit))
            }
            (None, Some(n)) => format!("n/a -> {}", human(n, unit)),
            (Some(o), None) => format!("{} -> n/a", human(o, unit)),
            _ => "n/a".into(),
        }
    };
    let mut out = format!(
        "change since {} (new vs old; ±5% is within noise for the fastest benchmarks, far more for cross-CPU wakeups):\n",
        old.display()
    );
    let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(9).max(9);
    let cw = 38;
    writeln!(out, "{:<w$}  {:<cw$}  weft", "benchmark", "Linux")?;
    for r in rows {
        let (ol, ow) = before.get(&r.name).copied().unwrap_or((None, None));
        if !before.contains_key(&r.name) {
            writeln!(out, "{:<w$}  (not in the old run)", r.name)?;
            continue;
        }
        writeln!(
            out,
            "{:<w$}  {:<cw$}  {}",
            r.name,
            change(ol, r.linux.figure(r.unit), r.unit),
            change(ow, r.weft.figure(r.unit), r.unit)
        )?;
    }
    Ok(out)
}

/// Which kernel the smoke test boots.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Target {
    Weft,
    Linux,
}

/// The smoke test: boots `target` with the same initramfs and runs every
/// benchmark once with `-q` (one repetition, tiny iteration counts).
/// Returns, per benchmark in suite order, Ok or why it failed (an n/a line,
/// no line, a hang, a panic). Err only when nothing could be booted at all
/// (build failure, no Linux image); `cargo xtask test` counts that as one
/// failure.
///
/// From `cargo xtask test`:
/// ```ignore
/// for (name, outcome) in crate::bench::smoke(crate::bench::Target::Weft, &opts.build)? {
///     match outcome {
///         Ok(()) => report.pass(&format!("bench/{name}")),
///         Err(why) => report.fail(&format!("bench/{name}"), &why),
///     }
/// }
/// ```
pub fn smoke(target: Target, build: &BuildOpts) -> Result<Vec<(String, Result<(), String>)>> {
    check_suite()?;
    let dir = bench_dir();
    let names: Vec<String> = SUITE.iter().map(|(n, _)| n.to_string()).collect();
    let initrd = bench_initramfs(build, &dir)?;
    let side = match target {
        Target::Weft => weft_side(build, &dir),
        Target::Linux => linux_side(&dir),
    };
    if let Err(why) = &side.image {
        bail!("{why}");
    }
    let suite = SuiteRun {
        names: &names,
        args: vec!["-q".into()],
        smp: 2,
        mem: "1G",
        wait_quiet: 0,
    };
    let log = dir.join(format!(
        "smoke-{}.log",
        if target == Target::Weft {
            "weft"
        } else {
            "linux"
        }
    ));
    let col = boot_side(&side, &initrd, &suite, log)?;
    Ok(names
        .iter()
        .map(|n| {
            let verdict = match col.results.get(n) {
                Some(Outcome::Value { value, .. }) if *value > 0.0 => Ok(()),
                // A mean latency can round to 0 µs on a fast machine.
                Some(Outcome::Value { value, .. })
                    if *value == 0.0 && unit_of(n) == Unit::Micros =>
                {
                    Ok(())
                }
                Some(Outcome::Value { value, .. }) => Err(format!("implausible figure {value}")),
                Some(Outcome::Na(why)) => Err(why.clone()),
                None => Err("no result".to_string()),
            };
            (n.clone(), verdict)
        })
        .collect())
}

/// `cargo xtask bench --smoke [--kernel linux|weft]`: the smoke test by
/// hand, PASS/FAIL per benchmark.
fn smoke_command(opts: &BenchOpts) -> Result<()> {
    let targets: &[Target] = match opts.kernel {
        Kernels::Linux => &[Target::Linux],
        Kernels::Weft => &[Target::Weft],
        Kernels::Both => &[Target::Linux, Target::Weft],
    };
    let (mut passed, mut failed) = (0, 0);
    for &target in targets {
        let label = if target == Target::Weft {
            "weft"
        } else {
            "linux"
        };
        match smoke(target, &BuildOpts { release: false }) {
            Ok(results) => {
                for (name, r) in results {
                    match r {
                        Ok(()) => {
                            println!("PASS bench-smoke/{label}/{name}");
                            passed += 1;
                        }
                        Err(why) => {
                            println!("FAIL bench-smoke/{label}/{name}: {why}");
                            failed += 1;
                        }
                    }
                }
            }
            Err(e) => {
                println!("FAIL bench-smoke/{label}: {e:#}");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_result_lines() {
        assert!(
            matches!(parse_line("BENCH getppid 1000 512.5"), Some((n, Outcome::Value { iterations: 1000, value })) if n == "getppid" && value == 512.5)
        );
        assert!(
            matches!(parse_line("BENCH x n/a no /proc/meminfo: ENOENT"), Some((_, Outcome::Na(w))) if w == "no /proc/meminfo: ENOENT")
        );
        assert!(parse_line("BENCH_SUITE_END").is_none());
        assert!(parse_line("BENCH x 12 abc").is_none());
    }

    #[test]
    fn multi_row_programs() {
        assert_eq!(program_of("cyclictest_avg"), "cyclictest");
        assert_eq!(program_of("hackbench"), "hackbench");
        let progs = suite_programs();
        assert!(progs.contains(&"cyclictest") && !progs.contains(&"cyclictest_max"));
        assert_eq!(progs.len(), SUITE.len() - 1);
        // The program's n/a stands for both rows; a row's line is itself.
        let rows = expand("cyclictest".into(), Outcome::Na("failed: x".into()));
        let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["cyclictest_max", "cyclictest_avg"]);
        assert!(
            rows.iter()
                .all(|(_, o)| matches!(o, Outcome::Na(w) if w == "failed: x"))
        );
        let (name, outcome) = parse_line("BENCH cyclictest_avg 8460 294.5").unwrap();
        assert!(
            matches!(&expand(name, outcome)[..], [(n, Outcome::Value { iterations: 8460, .. })] if n == "cyclictest_avg")
        );
        // Selecting the program or one row selects both rows.
        for only in ["cyclictest", "cyclictest_max"] {
            assert_eq!(
                selection(&[only.to_string()]).unwrap(),
                ["cyclictest_max", "cyclictest_avg"]
            );
        }
        assert_eq!(
            selection(&["hackbench".to_string()]).unwrap(),
            ["hackbench"]
        );
        assert!(selection(&["cyclic".to_string()]).is_err());
    }

    #[test]
    fn csv_round_trip() {
        let f = csv_split(&csv_field("a, \"b\""));
        assert_eq!(f, vec!["a, \"b\"".to_string()]);
        assert_eq!(csv_split("a,,\"c,d\""), vec!["a", "", "c,d"]);
    }

    #[test]
    fn parses_spread_notes() {
        let (name, (min, max)) =
            spread("getppid: 5 reps x 1238236 ops: min 780.2 median 790.4 max 801.4 ns/op")
                .unwrap();
        assert_eq!((name.as_str(), min, max), ("getppid", 780.2, 801.4));
        assert!(spread("threads_max: reached the cap of 200 threads").is_none());
    }

    #[test]
    fn merges_rounds() {
        let col = |v: Option<f64>| {
            let mut c = Column::absent("weft", &["getppid".to_string()], "x");
            c.wall = Some(Duration::from_secs(1));
            if let Some(v) = v {
                c.results.insert(
                    "getppid".into(),
                    Outcome::Value {
                        iterations: 10,
                        value: v,
                    },
                );
            }
            c
        };
        let m = Column::merge(vec![col(Some(100.0)), col(None), col(Some(300.0))]);
        assert!(matches!(m.results["getppid"], Outcome::Value { value, .. } if value == 200.0));
        assert_eq!(
            m.failures,
            vec!["getppid: n/a in round 2 of 3: x".to_string()]
        );
        let m = Column::merge(vec![col(None), col(None)]);
        assert!(matches!(&m.results["getppid"], Outcome::Na(w) if w == "x"));
    }

    #[test]
    fn human_units() {
        assert_eq!(human(512.4, Unit::NsPerOp), "512 ns");
        assert_eq!(human(36_512.0, Unit::NsPerOp), "36.5 µs");
        assert_eq!(human(1_450_000.0, Unit::NsPerOp), "1.45 ms");
        assert_eq!(human(6.5, Unit::Micros), "6.5 µs");
        assert_eq!(human(20501.0, Unit::Micros), "20501 µs");
        assert_eq!(human(12.4817, Unit::Seconds), "12.48 s");
    }
}
