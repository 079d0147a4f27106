//! Trinity, the Linux system-call fuzzer (Dave Jones), as Debian bookworm
//! packages it: `apt-get download trinity`, unpacked with `dpkg-deb` and
//! cached in `target/trinity/`. The binary needs only `libc.so.6` (checked
//! with `readelf -d` when it is fetched), which the initramfs already
//! carries for the `glibc` test group (`userprogs::GLIBC_RUNTIME`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

const PACKAGE: &str = "trinity";

/// The shared libraries `usr/bin/trinity` may need: what the initramfs has.
const PROVIDED: &[&str] = &["libc.so.6"];

/// The cached `usr/bin/trinity`, fetched on first use.
pub fn binary() -> Result<PathBuf> {
    let dir = crate::root().join("target").join("trinity");
    let bin = dir.join("usr/bin/trinity");
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("xtask: fetching Debian's {PACKAGE} into {}", dir.display());
    let deb = crate::debian::download(PACKAGE, &dir.join("download"))?;
    crate::debian::unpack(&deb, &dir)?;
    if !bin.exists() {
        bail!("{} holds no usr/bin/trinity", deb.display());
    }
    check_needed(&bin)?;
    Ok(bin)
}

/// Fails when the binary needs a shared library the initramfs lacks.
fn check_needed(bin: &Path) -> Result<()> {
    let out = Command::new("readelf")
        .arg("-d")
        .arg(bin)
        .output()
        .context("running readelf (binutils)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    for lib in text
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1)?.split(']').next())
    {
        if !PROVIDED.contains(&lib) {
            std::fs::remove_file(bin).ok();
            bail!(
                "{} needs {lib}, which the initramfs does not carry (xtask/src/trinity.rs PROVIDED)",
                bin.display()
            );
        }
    }
    Ok(())
}
