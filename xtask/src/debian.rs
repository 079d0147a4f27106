//! Debian packages fetched for tests and benchmarks (the reference Linux
//! kernel, trinity): `apt-get download` into a cache directory under
//! `target/`, no installation.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Downloads `package`'s .deb into `dir` and returns its path.
pub fn download(package: &str, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let fetched = Command::new("apt-get")
        .current_dir(dir)
        .args(["download", "-q", package])
        .status();
    if !fetched.as_ref().is_ok_and(|s| s.success()) {
        bail!("`apt-get download {package}` failed (as root, `apt-get update` may help)");
    }
    std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{package}_")))
        })
        .with_context(|| format!("apt-get download left no {package}_*.deb in {}", dir.display()))
}

/// Unpacks a downloaded .deb into `dir` (`dpkg-deb -x`) and removes it.
pub fn unpack(deb: &Path, dir: &Path) -> Result<()> {
    let status = Command::new("dpkg-deb").arg("-x").arg(deb).arg(dir).status().context("running dpkg-deb")?;
    if !status.success() {
        bail!("unpacking {} with dpkg-deb failed", deb.display());
    }
    std::fs::remove_file(deb).ok();
    Ok(())
}
