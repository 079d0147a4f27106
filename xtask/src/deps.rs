//! The Debian packages weft's build and tests need, installed on demand.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

/// (package, a file it provides)
const PACKAGES: &[(&str, &str)] = &[
    ("rustc-web", "/usr/bin/rustc"),
    ("cargo-web", "/usr/bin/cargo"),
    ("rust-web-src", "/usr/lib/rustlib/src/rust/library/core/Cargo.toml"),
    ("qemu-system-x86", "/usr/bin/qemu-system-x86_64"),
    ("musl-tools", "/usr/bin/musl-gcc"),
    ("busybox-static", "/bin/busybox"),
    ("gdb", "/usr/bin/gdb"),
    // The glibc test group: the host's gcc against Debian's glibc, whose
    // loader and libc go into the initramfs.
    ("gcc", "/usr/bin/gcc"),
    ("libc6-dev", "/usr/include/stdio.h"),
    // The go test group: Go programs built on the host.
    ("golang-go", "/usr/bin/go"),
];

/// Installs missing packages when root, or says exactly what to run.
pub fn ensure() -> Result<()> {
    let missing: Vec<&str> =
        PACKAGES.iter().filter(|(_, file)| !Path::new(file).exists()).map(|(pkg, _)| *pkg).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let line = format!("apt-get install -y {}", missing.join(" "));
    if !is_root {
        bail!("missing Debian packages; run as root:\n  apt-get update && {line}");
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("apt-get update -q && DEBIAN_FRONTEND=noninteractive {line}"))
        .status()?;
    if !status.success() {
        bail!("`{line}` failed");
    }
    Ok(())
}
