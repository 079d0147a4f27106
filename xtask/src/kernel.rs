//! Building the kernel ELF with Debian's Rust and filling its symbol table.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};
use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

use crate::{BuildOpts, out_dir, root};

/// Which kernel: the normal one, or the one that runs in-kernel tests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Normal,
    Ktest,
}

const TARGET: &str = "x86_64-unknown-none";

/// Builds the kernel and returns the path of the bootable ELF
/// (`target/weft/weft.elf`, or `weft-ktest.elf`).
pub fn build(opts: &BuildOpts, flavor: Flavor) -> Result<PathBuf> {
    let mut cmd = Command::new("/usr/bin/cargo");
    cmd.current_dir(root())
        .env("RUSTC", "/usr/bin/rustc")
        .env("RUSTC_BOOTSTRAP", "1")
        // Whatever the outer (rustup) cargo put in the environment must not
        // leak into Debian's.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .args(["build", "--package", "kernel", "--bin", "weft", "--target", TARGET])
        .args(["-Zbuild-std=core,alloc,compiler_builtins", "-Zbuild-std-features=compiler-builtins-mem"])
        .args(["--target-dir", "target/kernel"]);
    if opts.release {
        cmd.arg("--release");
    }
    if flavor == Flavor::Ktest {
        cmd.args(["--features", "ktest"]);
    }
    eprintln!("xtask: building the kernel{}", if flavor == Flavor::Ktest { " (ktest)" } else { "" });
    let status = cmd.status().context("running /usr/bin/cargo (Debian's cargo-web)")?;
    if !status.success() {
        bail!("kernel build failed");
    }
    let profile = if opts.release { "release" } else { "debug" };
    let built = root().join("target/kernel").join(TARGET).join(profile).join("weft");
    let name = if flavor == Flavor::Ktest { "weft-ktest.elf" } else { "weft.elf" };
    let elf = out_dir().join(name);
    let mut image = fs::read(&built).with_context(|| format!("reading {}", built.display()))?;
    fill_symbol_table(&mut image)?;
    fs::write(&elf, image)?;
    Ok(elf)
}

/// Writes the sorted, demangled function symbols into the `.ksyms` section
/// (format in crates/arch/src/backtrace.rs).
fn fill_symbol_table(image: &mut [u8]) -> Result<()> {
    let (offset, size, table) = {
        let file = object::File::parse(&*image).context("parsing the kernel ELF")?;
        let section = file.section_by_name(".ksyms").context("the kernel has no .ksyms section")?;
        let (offset, size) = section.file_range().context(".ksyms has no file data")?;
        let mut symbols: Vec<(u64, String)> = file
            .symbols()
            .filter(|s| s.kind() == SymbolKind::Text && s.address() != 0)
            .filter_map(|s| Some((s.address(), format!("{:#}", rustc_demangle::demangle(s.name().ok()?)))))
            .collect();
        symbols.sort();
        symbols.dedup_by_key(|s| s.0);
        (offset as usize, size as usize, encode_table(&symbols))
    };
    if table.len() > size {
        bail!(".ksyms is {size} bytes but the symbol table needs {}", table.len());
    }
    image[offset..offset + table.len()].copy_from_slice(&table);
    Ok(())
}

fn encode_table(symbols: &[(u64, String)]) -> Vec<u8> {
    let mut names = Vec::new();
    let mut entries = Vec::new();
    for (addr, name) in symbols {
        entries.extend_from_slice(&addr.to_le_bytes());
        entries.extend_from_slice(&(names.len() as u32).to_le_bytes());
        entries.extend_from_slice(&(name.len() as u32).to_le_bytes());
        names.extend_from_slice(name.as_bytes());
    }
    let mut out = b"KSYMTAB1".to_vec();
    out.extend_from_slice(&(symbols.len() as u64).to_le_bytes());
    out.extend_from_slice(&(names.len() as u64).to_le_bytes());
    out.extend(entries);
    out.extend(names);
    out
}
