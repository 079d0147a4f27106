//! User programs: every C file under `user/` is built with
//! `musl-gcc -static` and placed in the initramfs.
//!
//! `user/tests/<group>/<name>.c` becomes `/tests/<group>/<name>` (shell
//! scripts, `<name>.sh`, are copied as they are); the `glibc` group is
//! built with the host's gcc against Debian's glibc, dynamically linked,
//! and the initramfs carries the loader and libc it needs
//! (`GLIBC_RUNTIME`);
//! `user/bench/<name>.c` becomes `/bench/<name>`; `user/demo/<name>.c`
//! becomes `/bin/<name>`; `user/sbin/<name>.c` becomes `/sbin/<name>`. Files in a `lib/` folder are linked into every
//! program of the same tree.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{BuildOpts, out_dir, root};

/// Builds the programs; returns (path in the initramfs, built file).
pub fn build(_opts: &BuildOpts) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for (tree, dest) in [("tests", "tests"), ("bench", "bench"), ("demo", "bin"), ("sbin", "sbin")] {
        let dir = root().join("user").join(tree);
        if !dir.exists() {
            continue;
        }
        let lib = collect_c(&dir.join("lib"));
        for script in collect_ext_recursive(&dir, "sh")? {
            let rel = script.strip_prefix(&dir)?;
            out.push((format!("{dest}/{}", rel.display()), script.clone()));
        }
        if tree == "tests" {
            out.extend(build_go(&dir.join("go"))?);
            out.extend(build_rust(&root().join("user").join("rust"))?);
        }
        for src in collect_c_recursive(&dir)? {
            if src.components().any(|c| c.as_os_str() == "lib") {
                continue;
            }
            let rel = src.strip_prefix(&dir)?.with_extension("");
            let bin = out_dir().join("user").join(tree).join(&rel);
            let toolchain = if rel.starts_with("glibc") { Toolchain::GlibcDynamic } else { Toolchain::MuslStatic };
            compile(toolchain, &src, &lib, &dir.join("lib"), &bin)?;
            out.push((format!("{dest}/{}", rel.display()), bin));
        }
    }
    Ok(out)
}

fn collect_c(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else { return vec![] };
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "c")).collect();
    v.sort();
    v
}

fn collect_c_recursive(dir: &Path) -> Result<Vec<PathBuf>> {
    collect_ext_recursive(dir, "c")
}

fn collect_ext_recursive(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            v.extend(collect_ext_recursive(&p, ext)?);
        } else if p.extension().is_some_and(|x| x == ext) {
            v.push(p);
        }
    }
    v.sort();
    Ok(v)
}

/// The `go` test group: each `user/tests/go/<name>.go` is a Go program
/// built by the host's Go (Debian's golang-go, `CGO_ENABLED=0`: static),
/// then run once on the build host, whose `CHECKSUM ...` line becomes
/// `/usr/share/weft-tests/<name>.expect` in the initramfs; on weft the
/// program compares its own line with it and exits 0 only on a match.
fn build_go(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let cache = root().join("target").join("go");
    for src in collect_ext_recursive(dir, "go")? {
        let name = src.file_stem().expect("a file name").to_string_lossy().into_owned();
        let bin = out_dir().join("user").join("tests").join("go").join(&name);
        let expect = out_dir().join("user").join("tests").join("go").join(format!("{name}.expect"));
        let fresh = |target: &Path, input: &Path| match (target.metadata().and_then(|m| m.modified()), input.metadata().and_then(|m| m.modified())) {
            (Ok(t), Ok(i)) => t >= i,
            _ => false,
        };
        if !fresh(&bin, &src) {
            std::fs::create_dir_all(bin.parent().unwrap())?;
            let status = Command::new("go")
                .current_dir(dir)
                .env("CGO_ENABLED", "0")
                .env("GOCACHE", cache.join("cache"))
                .env("GOPATH", cache.join("path"))
                .env("GO111MODULE", "off")
                // Without symbol tables: every boot unpacks these.
                .args(["build", "-ldflags=-s -w", "-o"])
                .arg(&bin)
                .arg(&src)
                .status()
                .context("running go (golang-go)")?;
            if !status.success() {
                bail!("building {} failed", src.display());
            }
        }
        record_host_checksum(&bin, &expect)?;
        out.push((format!("tests/go/{name}"), bin));
        out.push((format!("usr/share/weft-tests/{name}.expect"), expect));
    }
    Ok(out)
}

/// Runs `bin` on the build host and keeps its `CHECKSUM ...` line in
/// `expect` (unless `expect` is newer than `bin`).
fn record_host_checksum(bin: &Path, expect: &Path) -> Result<()> {
    if let (Ok(e), Ok(b)) = (expect.metadata().and_then(|m| m.modified()), bin.metadata().and_then(|m| m.modified())) {
        if e >= b {
            return Ok(());
        }
    }
    let run = Command::new(bin).output().with_context(|| format!("running {} on the host", bin.display()))?;
    let text = String::from_utf8_lossy(&run.stdout);
    let Some(line) = text.lines().find(|l| l.starts_with("CHECKSUM ")) else {
        bail!("{} printed no CHECKSUM line on the host:\n{text}", bin.display());
    };
    std::fs::write(expect, format!("{line}\n"))?;
    Ok(())
}

/// The `rust` test group: each `user/rust/<name>/` is a Cargo project of
/// its own (tokio from crates.io), built by the host's cargo for the host's
/// glibc target with `-C target-feature=+crt-static`, and checked against
/// its build-host checksum as the Go programs are.
fn build_rust(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let target_dir = root().join("target").join("rust");
    let mut projects: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("Cargo.toml").exists()).collect();
    projects.sort();
    for project in projects {
        let name = project.file_name().expect("a directory name").to_string_lossy().into_owned();
        let status = Command::new("cargo")
            .current_dir(&project)
            .env("RUSTFLAGS", "-C target-feature=+crt-static")
            .env("CARGO_TARGET_DIR", &target_dir)
            .args(["build", "--quiet", "--release", "--locked", "--target", "x86_64-unknown-linux-gnu"])
            .status()
            .context("running cargo for a user/rust program")?;
        if !status.success() {
            bail!("building {} failed", project.display());
        }
        let bin = target_dir.join("x86_64-unknown-linux-gnu").join("release").join(&name);
        let expect = target_dir.join(format!("{name}.expect"));
        record_host_checksum(&bin, &expect)?;
        out.push((format!("tests/rust/{name}"), bin));
        out.push((format!("usr/share/weft-tests/{name}.expect"), expect));
    }
    Ok(out)
}

/// Debian's glibc runtime that the `glibc` test group's programs load:
/// (path in the initramfs, host file). `/lib` and `/lib64` are symlinks
/// into `/usr`, as on Debian.
pub const GLIBC_RUNTIME: &[(&str, &str)] = &[
    ("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
    ("usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
];

/// Debian's own scheduling tools, as the host's Essential packages install
/// them (util-linux's chrt, bsdutils' renice, coreutils' nice; each needs
/// only libc.so.6): the `glibc` group's `sched_tools.sh` runs them.
pub const DEBIAN_TOOLS: &[(&str, &str)] = &[
    ("usr/bin/chrt", "/usr/bin/chrt"),
    ("usr/bin/renice", "/usr/bin/renice"),
    ("usr/bin/nice", "/usr/bin/nice"),
];

#[derive(Clone, Copy)]
enum Toolchain {
    /// musl-gcc -static: every other program.
    MuslStatic,
    /// gcc, dynamic, against the host's (Debian's) glibc.
    GlibcDynamic,
}

fn compile(toolchain: Toolchain, src: &Path, lib: &[PathBuf], include: &Path, bin: &Path) -> Result<()> {
    let newest_input = std::iter::once(src)
        .chain(lib.iter().map(|p| p.as_path()))
        .filter_map(|p| p.metadata().and_then(|m| m.modified()).ok())
        .max();
    if let (Some(input), Ok(out)) = (newest_input, bin.metadata().and_then(|m| m.modified())) {
        if out >= input {
            return Ok(());
        }
    }
    std::fs::create_dir_all(bin.parent().unwrap())?;
    let (compiler, link) = match toolchain {
        Toolchain::MuslStatic => ("musl-gcc", "-static"),
        Toolchain::GlibcDynamic => ("gcc", "-Wl,--as-needed"),
    };
    let status = Command::new(compiler)
        .args([link, "-O2", "-g0", "-Wall", "-pthread", "-o"])
        .arg(bin)
        .arg("-I")
        .arg(include)
        .arg(src)
        .args(lib)
        .status()
        .with_context(|| format!("running {compiler}"))?;
    if !status.success() {
        bail!("compiling {} failed", src.display());
    }
    Ok(())
}
