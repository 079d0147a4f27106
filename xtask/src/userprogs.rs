//! User programs: every C file under `user/` is built with
//! `musl-gcc -static` and placed in the initramfs.
//!
//! `user/tests/<group>/<name>.c` becomes `/tests/<group>/<name>` (shell
//! scripts, `<name>.sh`, are copied as they are);
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
        for src in collect_c_recursive(&dir)? {
            if src.components().any(|c| c.as_os_str() == "lib") {
                continue;
            }
            let rel = src.strip_prefix(&dir)?.with_extension("");
            let bin = out_dir().join("user").join(tree).join(&rel);
            compile(&src, &lib, &dir.join("lib"), &bin)?;
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

fn compile(src: &Path, lib: &[PathBuf], include: &Path, bin: &Path) -> Result<()> {
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
    let status = Command::new("musl-gcc")
        .args(["-static", "-O2", "-g0", "-Wall", "-pthread", "-o"])
        .arg(bin)
        .arg("-I")
        .arg(include)
        .arg(src)
        .args(lib)
        .status()
        .context("running musl-gcc (musl-tools)")?;
    if !status.success() {
        bail!("compiling {} failed", src.display());
    }
    Ok(())
}
