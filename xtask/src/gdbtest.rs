//! The gdb tier of `cargo xtask test`: weft boots halted under QEMU's gdb
//! stub, the console shell starts a multithreaded program
//! (`/tests/proc/task_lists_threads hold 4`: a main thread and three
//! named "worker"), gdb stops at weft's uname handler once that program
//! calls it (all its threads exist by then), and each `weft ...` command
//! of tools/gdb/weft.py runs in batch mode. Every command's output must
//! name the expected processes, threads and mappings.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::qemu::Machine;

/// The helper's name as the kernel shows it (TASK_COMM_LEN - 1 bytes).
const COMM: &str = "task_lists_thre";

/// One check's name and outcome.
pub type Outcome = (String, Result<(), String>);

/// The gdb script: continue to the breakpoint until the helper exists (the
/// shell calls uname too), print its pid, then run every command.
fn script(port: u16) -> String {
    format!(
        r#"set pagination off
set confirm off
target remote 127.0.0.1:{port}
source {py}
break syscall::sys::misc::uname
python
found = None
for _ in range(40):
    gdb.execute("continue", to_string=True)
    for line in gdb.execute("weft ps", to_string=True).splitlines():
        if line.rstrip().endswith("{COMM}"):
            found = int(line.split()[0])
    if found:
        break
print("HELPER %s" % found)
if found:
    for cmd in ["weft cpus", "weft ps", "weft threads %d" % found, "weft threads", "weft runq",
                "weft vm %d" % found, "weft pt %d 0x401000" % found, "weft pmem"]:
        print("=== " + cmd)
        try:
            gdb.execute(cmd)
        except Exception as e:
            print("ERROR %s" % e)
    print("=== end")
end
kill
"#,
        py = crate::root().join("tools/gdb/weft.py").display(),
    )
}

/// Runs the scenario; returns one outcome per command checked.
pub fn run(elf: &Path, initrd: &Path) -> Result<Vec<Outcome>> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let machine = Machine { elf, initrd: Some(initrd), append: "log=warn".into(), smp: 2, mem: "1G".into() };
    let mut qemu = machine
        .command()
        .args(["-serial", "stdio", "-S", "-gdb", &format!("tcp:127.0.0.1:{port}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting qemu-system-x86_64")?;
    // Type the command once the shell is there (input sent earlier could
    // reach the UART before the console driver exists).
    let mut stdin = qemu.stdin.take().unwrap();
    let stdout = qemu.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("/init running") {
                std::thread::sleep(Duration::from_millis(300));
                let _ = stdin.write_all(b"/tests/proc/task_lists_threads hold 4\n");
                let _ = stdin.flush();
            }
        }
    });
    let script_path = crate::out_dir().join("gdbtest.gdb");
    std::fs::write(&script_path, script(port))?;
    let gdb = Command::new("timeout")
        .arg("300")
        .arg("gdb")
        .args(["-batch", "-nx"])
        .arg(elf)
        .arg("-x")
        .arg(&script_path)
        .output();
    qemu.kill().ok();
    qemu.wait().ok();
    let gdb = gdb.context("running gdb (apt-get install gdb)")?;
    let text = String::from_utf8_lossy(&gdb.stdout).into_owned() + &String::from_utf8_lossy(&gdb.stderr);
    // Kept for reading (docs/debugging.md shows such output).
    std::fs::write(crate::out_dir().join("gdbtest.out"), &text)?;
    Ok(check(&text))
}

/// The output of one `=== cmd` section.
fn section<'a>(text: &'a str, cmd_prefix: &str) -> Option<&'a str> {
    let start = text.find(&format!("=== {cmd_prefix}"))?;
    let body = &text[start..];
    let body = &body[body.find('\n')? + 1..];
    Some(&body[..body.find("=== ").unwrap_or(body.len())])
}

fn check(text: &str) -> Vec<Outcome> {
    let pid: Option<u32> = text.lines().find_map(|l| l.strip_prefix("HELPER ")).and_then(|p| p.trim().parse().ok());
    let Some(pid) = pid else {
        return vec![("gdb/breakpoint_after_threads_started".into(), Err(format!("the helper never showed up:\n{}", tail(text))))];
    };
    let p = pid.to_string();
    let expect = |name: &str, cmd: &str, ok: &dyn Fn(&str) -> bool| -> Outcome {
        let out = section(text, cmd).unwrap_or("");
        let result = if !out.contains("ERROR") && ok(out) { Ok(()) } else { Err(format!("`{cmd}` printed:\n{out}")) };
        (format!("gdb/{name}"), result)
    };
    let rows = |out: &str, f: &dyn Fn(&[&str]) -> bool| out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>()).filter(|w| f(w)).count();
    vec![
        expect("cpus_lists_both_cpus", "weft cpus", &|o| rows(o, &|w| w.get(2) == Some(&"yes")) == 2),
        expect("ps_names_the_helper_with_4_threads", "weft ps", &|o| {
            rows(o, &|w| w.first() == Some(&p.as_str()) && w.get(3) == Some(&"4") && w.last() == Some(&COMM)) == 1
                && o.contains(" sh")
                && o.contains("[loadavg]")
        }),
        expect("threads_of_the_helper", &format!("weft threads {pid}"), &|o| {
            // The workers sleep in pause(2), which gdb reads from their loops.
            rows(o, &|w| w.get(1) == Some(&p.as_str())) == 4
                && rows(o, &|w| w.get(1) == Some(&p.as_str()) && w.get(4) == Some(&"worker") && w.get(5) == Some(&"pause")) == 3
        }),
        expect("runq_shows_each_cpu_and_the_current_task", "weft runq", &|o| {
            o.contains("cpu0:") && o.contains("cpu1:") && o.contains(&format!("tid {pid} ({COMM})"))
        }),
        expect("vm_lists_program_stack_and_thread_stacks", &format!("weft vm {pid}"), &|o| {
            o.contains("r-x") && o.contains("/tests/proc/task_lists_threads") && o.contains("[stack]") && rows(o, &|w| w.get(1) == Some(&"---")) >= 3
        }),
        expect("pt_walks_to_the_program_text", &format!("weft pt {pid} 0x401000"), &|o| {
            o.contains("PML4[  0]") && o.contains("PT  [  1]") && o.contains("0x401000 -> phys")
        }),
        expect("pmem_counts_frames_by_kind", "weft pmem", &|o| {
            ["total", "free", "kernel heap", "page tables", "user anonymous"].iter().all(|k| o.contains(k))
        }),
    ]
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
