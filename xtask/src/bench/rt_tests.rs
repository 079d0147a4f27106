//! Debian bookworm's rt-tests (`cyclictest`, `hackbench`) for the bench
//! initramfs: `apt-get download rt-tests libnuma1`, unpacked with
//! `dpkg-deb -x` and cached in `target/rt-tests/`.
//!
//! The programs are dynamically linked against glibc. What `readelf -d`
//! says they need (NEEDED, and what those libraries need in turn) comes
//! either from the unpacked packages (libnuma.so.1) or, for glibc's own
//! libraries, from the host's Debian libc6, as `userprogs::GLIBC_RUNTIME`
//! does for the `glibc` test group. Anything else fails the build with the
//! library's name, rather than an initramfs whose programs cannot start.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Packages to unpack: the programs, and libnuma.so.1 for cyclictest.
const PACKAGES: &[&str] = &["rt-tests", "libnuma1"];

/// The programs the bench wrappers (user/bench/cyclictest.c,
/// hackbench.c) run, as `/usr/bin/<name>`.
const PROGRAMS: &[&str] = &["cyclictest", "hackbench"];

/// glibc's libraries, taken from the host (the same glibc as the loader
/// and libc.so.6 of `GLIBC_RUNTIME`; mixing versions would not load).
const HOST_GLIBC: &[&str] = &[
    "ld-linux-x86-64.so.2",
    "libc.so.6",
    "libpthread.so.0",
    "librt.so.1",
    "libm.so.6",
];

/// Where Debian keeps both the packages' and the host's libraries.
const LIBDIR: &str = "usr/lib/x86_64-linux-gnu";

/// The files to carry: (path in the initramfs, host file). Fetches the
/// packages on first use.
pub fn files() -> Result<Vec<(String, PathBuf)>> {
    let dir = crate::root().join("target").join("rt-tests");
    // Written once every package is unpacked: an interrupted fetch is redone.
    let done = dir.join("fetched");
    if !done.exists() {
        fetch(&dir)?;
        std::fs::write(&done, PACKAGES.join("\n") + "\n")?;
    }
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    let mut todo: Vec<PathBuf> = Vec::new();
    for p in PROGRAMS {
        let bin = dir.join("usr/bin").join(p);
        if !bin.exists() {
            bail!(
                "Debian's rt-tests holds no usr/bin/{p} (in {})",
                dir.display()
            );
        }
        out.push((format!("usr/bin/{p}"), bin.clone()));
        todo.push(bin);
    }
    // The loader is not NEEDED but PT_INTERP; carry it always.
    for (dest, host) in crate::userprogs::GLIBC_RUNTIME {
        out.push((dest.to_string(), PathBuf::from(host)));
    }
    while let Some(elf) = todo.pop() {
        for lib in needed(&elf)? {
            let dest = format!("{LIBDIR}/{lib}");
            if out.iter().any(|(d, _)| *d == dest) {
                continue;
            }
            let host = if HOST_GLIBC.contains(&lib.as_str()) {
                Path::new("/").join(LIBDIR).join(&lib)
            } else {
                // A package's library; not from the host, whose libnuma
                // (if any) is not what the build checked.
                let packaged = dir.join(LIBDIR).join(&lib);
                if !packaged.exists() {
                    bail!(
                        "{} needs {lib}, which neither {PACKAGES:?} nor the host's glibc provides \
                         (add its Debian package to xtask/src/bench/rt_tests.rs PACKAGES)",
                        elf.display()
                    );
                }
                todo.push(packaged.clone());
                packaged
            };
            if !host.exists() {
                bail!(
                    "{} needs {lib}, but {} is missing (Debian's libc6)",
                    elf.display(),
                    host.display()
                );
            }
            out.push((dest, host));
        }
    }
    Ok(out)
}

/// Downloads and unpacks PACKAGES into `dir`.
fn fetch(dir: &Path) -> Result<()> {
    eprintln!(
        "xtask: fetching Debian's {} into {}",
        PACKAGES.join(" "),
        dir.display()
    );
    for package in PACKAGES {
        let deb = crate::debian::download(package, &dir.join("download"))?;
        crate::debian::unpack(&deb, dir)?;
    }
    Ok(())
}

/// The NEEDED entries of an ELF file's dynamic section.
fn needed(elf: &Path) -> Result<Vec<String>> {
    let out = Command::new("readelf")
        .arg("-d")
        .arg(elf)
        .output()
        .context("running readelf (binutils)")?;
    if !out.status.success() {
        bail!(
            "readelf -d {} failed: {}",
            elf.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(parse_needed(&String::from_utf8_lossy(&out.stdout)))
}

/// " 0x..1 (NEEDED)  Shared library: [libc.so.6]" -> "libc.so.6".
fn parse_needed(readelf: &str) -> Vec<String> {
    readelf
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| Some(l.split('[').nth(1)?.split(']').next()?.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_readelf() {
        let text = " 0x0000000000000001 (NEEDED)             Shared library: [libnuma.so.1]\n \
                    0x000000000000000c (INIT)               0x2000\n \
                    0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]\n";
        assert_eq!(parse_needed(text), vec!["libnuma.so.1", "libc.so.6"]);
    }
}
