//! The initramfs: a newc cpio archive (what Linux accepts), gzip-compressed.
//!
//! The writer is ours (a few lines) rather than a crate's so the archive is
//! byte-for-byte reproducible and can hold symlinks and device nodes without
//! touching the host file system.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::{BuildOpts, out_dir, userprogs};

/// One entry of the archive.
pub enum Entry {
    Dir { path: String, mode: u32 },
    File { path: String, mode: u32, data: Vec<u8> },
    Symlink { path: String, target: String },
    CharDev { path: String, mode: u32, major: u32, minor: u32 },
}

/// Builds `target/weft/initramfs.cpio.gz` with busybox, the user programs,
/// and `/init`.
pub fn build(opts: &BuildOpts) -> Result<PathBuf> {
    build_with(opts, &[], "initramfs.cpio.gz")
}

/// The same archive plus `extra` files (path in the archive, host file),
/// written to `target/weft/<name>`: `cargo xtask fuzz --trinity` adds
/// `/usr/bin/trinity` so.
pub fn build_with(opts: &BuildOpts, extra: &[(String, PathBuf)], name: &str) -> Result<PathBuf> {
    let mut programs = userprogs::build(opts)?;
    programs.extend(extra.iter().cloned());
    let mut entries = vec![];
    for dir in [
        "bin", "sbin", "dev", "proc", "sys", "tmp", "etc", "root", "usr", "usr/bin", "usr/lib", "usr/lib/x86_64-linux-gnu", "usr/lib64",
        "tests", "mnt",
    ] {
        entries.push(Entry::Dir { path: dir.into(), mode: 0o755 });
    }
    entries.push(Entry::CharDev { path: "dev/console".into(), mode: 0o600, major: 5, minor: 1 });
    entries.push(Entry::CharDev { path: "dev/null".into(), mode: 0o666, major: 1, minor: 3 });
    let busybox = fs::read("/bin/busybox").context("reading /bin/busybox (busybox-static)")?;
    entries.push(Entry::File { path: "bin/busybox".into(), mode: 0o755, data: busybox });
    for applet in BUSYBOX_APPLETS {
        entries.push(Entry::Symlink { path: format!("bin/{applet}"), target: "busybox".into() });
    }
    for (dest, host) in userprogs::GLIBC_RUNTIME.iter().chain(userprogs::DEBIAN_TOOLS) {
        let data = fs::read(host).with_context(|| format!("reading {host} (from Debian's libc6, util-linux, bsdutils, coreutils)"))?;
        entries.push(Entry::File { path: dest.to_string(), mode: 0o755, data });
    }
    entries.push(Entry::Symlink { path: "lib".into(), target: "usr/lib".into() });
    entries.push(Entry::Symlink { path: "lib64".into(), target: "usr/lib64".into() });
    entries.push(Entry::Symlink {
        path: "usr/lib64/ld-linux-x86-64.so.2".into(),
        target: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2".into(),
    });
    entries.push(Entry::File { path: "init".into(), mode: 0o755, data: INIT_SCRIPT.as_bytes().to_vec() });
    entries.push(Entry::File { path: "etc/passwd".into(), mode: 0o644, data: b"root:x:0:0:root:/root:/bin/sh\n".to_vec() });
    entries.push(Entry::File { path: "etc/group".into(), mode: 0o644, data: b"root:x:0:\n".to_vec() });
    // Parent directories first: Linux's unpacker does not create them.
    let mut dirs: Vec<String> = programs
        .iter()
        .flat_map(|(dest, _)| {
            let parts: Vec<&str> = dest.split('/').collect();
            (1..parts.len()).map(move |n| parts[..n].join("/")).collect::<Vec<_>>()
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        if !entries.iter().any(|e| matches!(e, Entry::Dir { path, .. } if *path == dir)) {
            entries.push(Entry::Dir { path: dir, mode: 0o755 });
        }
    }
    for (dest, path) in programs {
        let data = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        entries.push(Entry::File { path: dest, mode: 0o755, data });
    }
    let out = out_dir().join(name);
    write_gz(&out, &entries)?;
    Ok(out)
}

/// The first program: mounts what exists, then a shell on the console.
const INIT_SCRIPT: &str = r#"#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/tests
export HOME=/root
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null
mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 tmpfs /dev/shm 2>/dev/null
mkdir -p /dev/mqueue && mount -t mqueue none /dev/mqueue 2>/dev/null
cd /root
echo "weft: /init running; type 'poweroff -f' to leave"
exec /bin/sh
"#;

const BUSYBOX_APPLETS: &[&str] = &[
    "sh", "ash", "cat", "echo", "ls", "mkdir", "rmdir", "rm", "cp", "mv", "ln", "grep", "sed", "awk", "sort",
    "uniq", "wc", "head", "tail", "cut", "tr", "find", "xargs", "test", "[", "expr", "seq", "yes", "date",
    "sleep", "kill", "ps", "true", "false", "mount", "umount", "poweroff", "reboot", "halt", "uname", "env",
    "printf", "pwd", "touch", "chmod", "stat", "dd", "od", "hexdump", "tee", "basename", "dirname", "free",
    "uptime", "dmesg", "pidof", "killall", "top", "nproc", "id", "whoami", "hostname", "sync", "md5sum",
    "readlink", "realpath", "du", "df", "diff", "cmp", "timeout", "time", "which", "vi", "less", "more",
    "clear", "reset", "stty", "tty", "watch", "usleep", "mktemp", "rev", "fold", "paste",
    "bzip2", "gzip", "gunzip", "tar",
];

/// Writes a gzip-compressed newc archive.
pub fn write_gz(path: &Path, entries: &[Entry]) -> Result<()> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
    gz.write_all(&newc(entries))?;
    fs::write(path, gz.finish()?)?;
    Ok(())
}

/// Encodes `entries` as a newc ("070701") archive with the trailer.
pub fn newc(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for (ino, entry) in entries.iter().enumerate() {
        let ino = ino as u32 + 1;
        let (path, mode, data, rdev): (&str, u32, &[u8], (u32, u32)) = match entry {
            Entry::Dir { path, mode } => (path, 0o040000 | mode, &[], (0, 0)),
            Entry::File { path, mode, data } => (path, 0o100000 | mode, data, (0, 0)),
            Entry::Symlink { path, target } => (path, 0o120777, target.as_bytes(), (0, 0)),
            Entry::CharDev { path, mode, major, minor } => (path, 0o020000 | mode, &[], (*major, *minor)),
        };
        push_header(&mut out, ino, mode, data.len() as u32, rdev, path);
        out.extend_from_slice(data);
        pad4(&mut out);
    }
    push_header(&mut out, 0, 0, 0, (0, 0), "TRAILER!!!");
    out
}

fn push_header(out: &mut Vec<u8>, ino: u32, mode: u32, size: u32, rdev: (u32, u32), name: &str) {
    let nlink = if mode & 0o170000 == 0o040000 { 2 } else { 1 };
    let fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev.0, rdev.1, name.len() as u32 + 1, 0];
    out.extend_from_slice(b"070701");
    for f in fields {
        out.extend_from_slice(format!("{f:08x}").as_bytes());
    }
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    pad4(out);
}

fn pad4(out: &mut Vec<u8>) {
    while out.len() % 4 != 0 {
        out.push(0);
    }
}
