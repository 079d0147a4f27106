//! Starting QEMU: interactively, under gdb, or captured for a test.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::RunOpts;

/// Exit code the kernel writes to isa-debug-exit (see kernel/src/main.rs).
pub mod exit_code {
    pub const POWER_OFF: i32 = 0;
    pub const PANIC: i32 = 1;
    pub const TESTS_FAILED: i32 = 2;
    pub const TESTS_PASSED: i32 = 3;
}

/// A machine to boot.
pub struct Machine<'a> {
    pub elf: &'a Path,
    pub initrd: Option<&'a Path>,
    pub append: String,
    pub smp: u32,
    pub mem: String,
}

impl Machine<'_> {
    pub(crate) fn command(&self) -> Command {
        let mut cmd = Command::new("qemu-system-x86_64");
        cmd.args(["-accel", "tcg", "-m", &self.mem, "-smp", &self.smp.to_string()])
            .args(["-display", "none", "-no-reboot"])
            .args(["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"])
            .arg("-kernel")
            .arg(self.elf);
        if let Some(initrd) = self.initrd {
            cmd.arg("-initrd").arg(initrd);
        }
        cmd.args(["-append", &self.append]);
        cmd
    }
}

/// How a captured run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The kernel wrote this value to isa-debug-exit.
    DebugExit(i32),
    /// QEMU exited by itself with this status (0: ACPI power-off).
    Exited(i32),
    /// Killed after the timeout.
    TimedOut,
}

pub struct Captured {
    pub output: String,
    pub ending: Ending,
}

/// Boots `machine`, feeds `input` to the console, and collects the serial
/// output until QEMU exits or `timeout` passes.
pub fn run_captured(machine: &Machine<'_>, input: &[u8], timeout: Duration) -> Result<Captured> {
    let mut child = machine
        .command()
        .args(["-serial", "stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting qemu-system-x86_64")?;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).ok();
    let output = collect_output(&mut child);
    let deadline = Instant::now() + timeout;
    let ending = loop {
        if let Some(status) = child.try_wait()? {
            let code = status.code().unwrap_or(-1);
            break if code > 0 && code % 2 == 1 { Ending::DebugExit((code - 1) / 2) } else { Ending::Exited(code) };
        }
        if Instant::now() >= deadline {
            child.kill().ok();
            child.wait().ok();
            break Ending::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    let bytes = output.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
    Ok(Captured { output: clean(&bytes), ending })
}

fn collect_output(child: &mut Child) -> mpsc::Receiver<Vec<u8>> {
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).ok();
        tx.send(buf).ok();
    });
    rx
}

/// One step of a console conversation: wait until the output (after the
/// previous step's match) contains `expect`, then type `send`.
pub struct Step<'a> {
    pub expect: &'a str,
    /// Milliseconds to wait after seeing `expect`, before typing.
    pub delay_ms: u64,
    pub send: &'a str,
}

/// Boots `machine` and drives its console through `steps`; returns the
/// whole output. Fails the conversation (returns what was seen, with an
/// error) when an expected text does not appear within `step_timeout`.
pub fn converse(machine: &Machine<'_>, steps: &[Step<'_>], step_timeout: Duration, total: Duration) -> Result<(Captured, Option<String>)> {
    use std::sync::{Arc, Mutex};
    let mut child = machine
        .command()
        .args(["-serial", "stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting qemu-system-x86_64")?;
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let seen = Arc::new(Mutex::new(Vec::<u8>::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let started = Instant::now();
    let mut from = 0;
    let mut problem = None;
    for step in steps {
        let deadline = Instant::now() + step_timeout;
        loop {
            let text = clean(&seen.lock().unwrap());
            if let Some(at) = text.get(from..).and_then(|t| t.find(step.expect)) {
                from += at + step.expect.len();
                break;
            }
            if Instant::now() > deadline || child.try_wait()?.is_some() {
                problem = Some(format!("did not see {:?}", step.expect));
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if problem.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(step.delay_ms));
        // Type like a person: the line discipline sees bytes as they come.
        for b in step.send.bytes() {
            stdin.write_all(&[b]).ok();
            stdin.flush().ok();
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let ending = loop {
        if let Some(status) = child.try_wait()? {
            let code = status.code().unwrap_or(-1);
            break if code > 0 && code % 2 == 1 { Ending::DebugExit((code - 1) / 2) } else { Ending::Exited(code) };
        }
        if started.elapsed() > total || problem.is_some() {
            child.kill().ok();
            child.wait().ok();
            break Ending::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    reader.join().ok();
    let output = clean(&seen.lock().unwrap());
    Ok((Captured { output, ending }, problem))
}

/// Serial output as text: CRs dropped.
fn clean(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\r', "")
}

/// `cargo xtask run`: the console on this terminal (Ctrl-A X quits QEMU).
pub fn run_interactive(elf: &Path, initrd: &Path, opts: &RunOpts) -> Result<()> {
    let machine = Machine {
        elf,
        initrd: Some(initrd),
        append: opts.append.clone(),
        smp: opts.machine.smp,
        mem: opts.machine.mem.clone(),
    };
    let mut cmd = machine.command();
    cmd.args(["-serial", "mon:stdio"]);
    eprintln!("xtask: booting weft ({} CPUs, {}); Ctrl-A X quits QEMU", opts.machine.smp, opts.machine.mem);
    let mut child = cmd.spawn().context("starting qemu-system-x86_64")?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            let code = status.code().unwrap_or(-1);
            if code != 0 && code != 1 {
                eprintln!("xtask: QEMU exited with status {code}");
            }
            return Ok(());
        }
        if opts.machine.timeout > 0 && start.elapsed() > Duration::from_secs(opts.machine.timeout) {
            child.kill().ok();
            eprintln!("xtask: timeout after {} s", opts.machine.timeout);
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `cargo xtask gdb`: QEMU halted with its gdb stub, gdb attached with the
/// project's commands.
pub fn run_gdb(elf: &Path, initrd: &Path, opts: &RunOpts) -> Result<()> {
    let machine = Machine {
        elf,
        initrd: Some(initrd),
        append: opts.append.clone(),
        smp: opts.machine.smp,
        mem: opts.machine.mem.clone(),
    };
    let log = crate::out_dir().join("gdb-serial.log");
    let mut qemu = machine.command().args(["-serial"]).arg(format!("file:{}", log.display())).args(["-s", "-S"]).spawn()?;
    eprintln!("xtask: serial output goes to {}", log.display());
    let gdb_dir = crate::root().join("tools/gdb");
    let status = Command::new("gdb")
        .arg(elf)
        .args(["-ex", "set pagination off"])
        .args(["-ex", &format!("source {}", gdb_dir.join("weft.py").display())])
        .args(["-ex", "target remote :1234"])
        .status();
    qemu.kill().ok();
    status?;
    Ok(())
}
