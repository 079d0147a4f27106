//! The reference Linux kernel: Debian bookworm's `linux-image-amd64`
//! metapackage names a versioned `linux-image-6.1.0-NN-amd64`, whose
//! `/boot/vmlinuz-*` is fetched with `apt-get download`, unpacked with
//! `dpkg-deb` and cached in `target/bench/linux/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

const METAPACKAGE: &str = "linux-image-amd64";

/// The cached Linux image, fetched on first use.
pub fn kernel(dir: &Path) -> Result<PathBuf> {
    if let Some(image) = cached(dir) {
        return Ok(image);
    }
    let package = versioned_package()?;
    eprintln!(
        "xtask: fetching {package} (Debian's {METAPACKAGE}) into {}",
        dir.display()
    );
    let deb = crate::debian::download(&package, &dir.parent().unwrap().join("download"))?;
    // Only /boot is needed (the image is self-contained for this machine:
    // serial console, initramfs and gzip are built in); the modules would
    // add some 400 MB.
    std::fs::create_dir_all(dir)?;
    let status = Command::new("sh")
        .arg("-c")
        .arg("dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" ./boot")
        .arg("sh")
        .arg(&deb)
        .arg(dir)
        .status()
        .context("running dpkg-deb")?;
    if !status.success() {
        bail!("unpacking {} with dpkg-deb failed", deb.display());
    }
    std::fs::remove_file(&deb).ok();
    cached(dir).with_context(|| format!("{} holds no boot/vmlinuz-*", deb.display()))
}

/// The newest `boot/vmlinuz-*` under `dir`.
fn cached(dir: &Path) -> Option<PathBuf> {
    let mut images: Vec<PathBuf> = std::fs::read_dir(dir.join("boot"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vmlinuz-"))
        })
        .collect();
    images.sort();
    images.pop()
}

/// `linux-image-6.1.0-NN-amd64`, from the metapackage's dependencies; runs
/// `apt-get update` (as root only) when the metapackage is unknown.
fn versioned_package() -> Result<String> {
    if let Some(p) = depends()? {
        return Ok(p);
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    if !root {
        bail!("apt does not know {METAPACKAGE}; run as root: apt-get update");
    }
    eprintln!("xtask: {METAPACKAGE} unknown to apt; running apt-get update");
    let status = Command::new("apt-get").args(["update", "-q"]).status()?;
    if !status.success() {
        bail!("apt-get update failed");
    }
    depends()?.with_context(|| format!("apt knows no {METAPACKAGE} even after apt-get update"))
}

fn depends() -> Result<Option<String>> {
    let out = Command::new("apt-cache")
        .args(["depends", METAPACKAGE])
        .output()
        .context("running apt-cache")?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Depends: "))
        .map(str::trim)
        .find(|p| p.starts_with("linux-image-") && p.ends_with("-amd64") && *p != METAPACKAGE)
        .map(str::to_string))
}

/// "6.1.0-56-amd64" from ".../vmlinuz-6.1.0-56-amd64".
pub fn version(image: &Path) -> String {
    image
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .trim_start_matches("vmlinuz-")
                .to_string()
        })
        .unwrap_or_default()
}
