//! `cargo xtask`: builds, boots, tests, benchmarks and debugs weft.
//!
//! The kernel is built with Debian's Rust (`/usr/bin/cargo`, build-std;
//! docs/boot.md "Toolchain"); everything else with the machine's normal
//! toolchain. Missing Debian packages are installed when running as root.

mod bench;
mod debian;
mod deps;
mod fuzz;
mod gdbtest;
mod initramfs;
mod kernel;
mod progress;
mod qemu;
mod test;
mod trinity;
mod userprogs;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, run and test weft")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the kernel ELF and the initramfs; print their paths.
    Build(BuildOpts),
    /// Boot weft in QEMU with busybox `sh` on the serial console.
    Run(RunOpts),
    /// Run every test tier; ends with `N passed, N failed`.
    Test(TestOpts),
    /// Boot weft halted under QEMU's gdb stub and attach gdb.
    Gdb(RunOpts),
    /// Run the benchmarks on weft and on Debian's Linux in the same QEMU;
    /// print the ratios, write target/bench/results.{csv,txt,png}.
    Bench(BenchOpts),
    /// Fuzz weft with random system calls (user/sbin/fuzz.c, or Debian's
    /// trinity with --trinity); fails on a panic, a hang or a leak.
    Fuzz(FuzzOpts),
}

#[derive(Args, Clone)]
pub struct BuildOpts {
    /// Optimized kernel build.
    #[arg(long)]
    pub release: bool,
}

#[derive(Args, Clone)]
pub struct MachineOpts {
    /// Number of CPUs.
    #[arg(long, default_value_t = 2)]
    pub smp: u32,
    /// Memory size, as QEMU's -m takes it.
    #[arg(long, default_value = "1G")]
    pub mem: String,
    /// Seconds before QEMU is killed (0: never).
    #[arg(long, default_value_t = 0)]
    pub timeout: u64,
}

#[derive(Args, Clone)]
pub struct RunOpts {
    #[command(flatten)]
    pub build: BuildOpts,
    #[command(flatten)]
    pub machine: MachineOpts,
    /// Extra kernel command-line words (e.g. `log=debug`).
    #[arg(long, default_value = "")]
    pub append: String,
}

#[derive(Args, Clone)]
pub struct TestOpts {
    #[command(flatten)]
    pub build: BuildOpts,
    /// Run the whole suite this many times (stops at the first failing run).
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Only run tests whose name contains this.
    #[arg(long)]
    pub filter: Option<String>,
    /// Skip the host `cargo test` tier.
    #[arg(long)]
    pub no_host: bool,
}

#[derive(Args, Clone)]
pub struct FuzzOpts {
    #[command(flatten)]
    pub build: BuildOpts,
    /// How long the fuzzer runs.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// The seed: one seed makes the same calls in each worker generation.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of CPUs.
    #[arg(long, default_value_t = 2)]
    pub smp: u32,
    /// Fuzzing processes running at once (trinity's children with --trinity).
    #[arg(long, default_value_t = 4)]
    pub workers: u32,
    /// Run Debian's trinity (fetched into target/trinity/) instead of
    /// user/sbin/fuzz.c.
    #[arg(long)]
    pub trinity: bool,
    /// Extra trinity arguments (e.g. "-c mmap" to fuzz one call).
    #[arg(long, value_name = "ARGS", default_value = "", allow_hyphen_values = true)]
    pub trinity_args: String,
    /// Extra kernel command-line words (e.g. `log=info`).
    #[arg(long, default_value = "")]
    pub append: String,
}

#[derive(Args, Clone)]
pub struct BenchOpts {
    /// Number of CPUs (both kernels).
    #[arg(long, default_value_t = 2)]
    pub smp: u32,
    /// Memory size, as QEMU's -m takes it (both kernels).
    #[arg(long, default_value = "1G")]
    pub mem: String,
    /// Also print the change against a results.csv saved from an earlier run.
    #[arg(long, value_name = "OLD.CSV")]
    pub compare: Option<PathBuf>,
    /// Only these benchmarks (names as in the table, or `cyclictest` for both of its rows;
    /// several, or comma-separated).
    #[arg(long, value_name = "NAME", num_args = 1.., value_delimiter = ',')]
    pub only: Vec<String>,
    /// One repetition with tiny iteration counts: checks the pipeline, measures nothing.
    #[arg(long)]
    pub quick: bool,
    /// Which kernels to boot.
    #[arg(long, value_enum, default_value = "both")]
    pub kernel: bench::Kernels,
    /// Before each boot, wait up to SECS for the host to be at least 80% idle
    /// (other QEMUs and builds distort the figures); 0: do not wait.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    pub wait_quiet: u64,
    /// Boot each kernel this many times, alternating (Linux, weft, Linux...);
    /// the table shows per-benchmark medians of the rounds.
    #[arg(long, default_value_t = 1)]
    pub rounds: u32,
    /// Extra kernel command-line words for Linux only (e.g. "idle=poll").
    #[arg(long, value_name = "WORDS", default_value = "", allow_hyphen_values = true)]
    pub linux_append: String,
    /// Extra kernel command-line words for weft only (e.g. "log=info").
    #[arg(long, value_name = "WORDS", default_value = "", allow_hyphen_values = true)]
    pub weft_append: String,
    /// Run the smoke test instead (each benchmark once with -q; PASS/FAIL lines).
    #[arg(long, hide = true)]
    pub smoke: bool,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(opts) => {
            deps::ensure()?;
            let elf = kernel::build(&opts, kernel::Flavor::Normal)?;
            let initrd = initramfs::build(&opts)?;
            println!("kernel:    {}", elf.display());
            println!("initramfs: {}", initrd.display());
            Ok(())
        }
        Command::Run(opts) => {
            deps::ensure()?;
            let elf = kernel::build(&opts.build, kernel::Flavor::Normal)?;
            let initrd = initramfs::build(&opts.build)?;
            qemu::run_interactive(&elf, &initrd, &opts)
        }
        Command::Test(opts) => {
            deps::ensure()?;
            test::run(&opts)
        }
        Command::Gdb(opts) => {
            deps::ensure()?;
            let elf = kernel::build(&opts.build, kernel::Flavor::Normal)?;
            let initrd = initramfs::build(&opts.build)?;
            qemu::run_gdb(&elf, &initrd, &opts)
        }
        Command::Bench(opts) => {
            deps::ensure()?;
            bench::run(&opts)
        }
        Command::Fuzz(opts) => {
            deps::ensure()?;
            fuzz::run(&opts)
        }
    }
}

/// The workspace root (xtask's parent directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Where xtask puts what it builds: `target/weft/`.
pub fn out_dir() -> PathBuf {
    let dir = root().join("target").join("weft");
    std::fs::create_dir_all(&dir).expect("cannot create target/weft");
    dir
}
