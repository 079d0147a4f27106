use alloc::format;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::*;
use crate::inode::FileSystem;
use crate::ramfs::RamFs;
use crate::types::{DevId, FileType};

/// A tiny newc writer.
#[derive(Default)]
struct Newc {
    out: Vec<u8>,
    crc: bool,
}

struct Entry<'a> {
    name: &'a str,
    mode: u32,
    ino: u32,
    nlink: u32,
    rdev: (u32, u32),
    data: &'a [u8],
}

fn entry<'a>(name: &'a str, mode: u32, data: &'a [u8]) -> Entry<'a> {
    Entry {
        name,
        mode,
        ino: 0,
        nlink: 1,
        rdev: (0, 0),
        data,
    }
}

impl Newc {
    fn add(&mut self, e: &Entry<'_>) -> &mut Self {
        let check = if self.crc {
            e.data.iter().map(|&b| b as u32).sum::<u32>()
        } else {
            0
        };
        let magic = if self.crc { "070702" } else { "070701" };
        let fields = [
            e.ino,
            e.mode,
            0,
            0,
            e.nlink,
            1000,
            e.data.len() as u32,
            0,
            0,
            e.rdev.0,
            e.rdev.1,
            e.name.len() as u32 + 1,
            check,
        ];
        self.out.extend_from_slice(magic.as_bytes());
        for f in fields {
            self.out.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        self.out.extend_from_slice(e.name.as_bytes());
        self.out.push(0);
        self.pad();
        self.out.extend_from_slice(e.data);
        self.pad();
        self
    }
    fn pad(&mut self) {
        while !self.out.len().is_multiple_of(4) {
            self.out.push(0);
        }
    }
    fn finish(&mut self) -> Vec<u8> {
        self.add(&entry("TRAILER!!!", 0, b""));
        core::mem::take(&mut self.out)
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = alloc::vec![0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3];
    out.extend_from_slice(b"name.cpio\0"); // FNAME
    out.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(data, 6));
    out.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn sample_archive() -> Vec<u8> {
    Newc::default()
        .add(&entry(".", 0o40755, b""))
        .add(&entry("bin", 0o40755, b""))
        .add(&entry("bin/busybox", 0o100755, b"\x7fELF pretend"))
        .add(&entry("bin/sh", 0o120777, b"busybox"))
        .add(&Entry {
            rdev: (5, 1),
            ..entry("dev/console", 0o20600, b"")
        })
        .add(&Entry {
            rdev: (8, 0),
            ..entry("dev/sda", 0o60660, b"")
        })
        .add(&entry("fifo", 0o10644, b""))
        .finish()
}

fn root() -> Arc<dyn Inode> {
    RamFs::new("ramfs", 0o755).root()
}

fn path(root: &Arc<dyn Inode>, p: &str) -> Arc<dyn Inode> {
    p.split('/')
        .fold(root.clone(), |d, c| d.lookup(c.as_bytes()).unwrap())
}

fn content(inode: &Arc<dyn Inode>) -> Vec<u8> {
    let mut buf = alloc::vec![0u8; inode.metadata().size as usize];
    inode.read_at(0, &mut buf).unwrap();
    buf
}

fn check_sample(r: &Arc<dyn Inode>) {
    let bb = path(r, "bin/busybox");
    assert_eq!(content(&bb), b"\x7fELF pretend");
    assert_eq!(bb.metadata().mode, 0o100755);
    assert_eq!(bb.metadata().mtime.sec, 1000);
    assert_eq!(path(r, "bin/sh").read_link().unwrap(), b"busybox");
    let console = path(r, "dev/console").metadata();
    assert_eq!(
        (console.file_type(), console.rdev),
        (FileType::CharDevice, DevId::new(5, 1))
    );
    assert_eq!(
        path(r, "dev/sda").metadata().file_type(),
        FileType::BlockDevice
    );
    assert_eq!(
        path(r, "dev").metadata().mode,
        0o40755,
        "missing parents are created"
    );
    assert_eq!(path(r, "fifo").metadata().file_type(), FileType::Fifo);
}

#[test]
fn plain_archive() {
    let r = root();
    let stats = unpack(&r, &sample_archive()).unwrap();
    assert_eq!(stats.entries, 7);
    check_sample(&r);
}

#[test]
fn gzip_archive() {
    let r = root();
    unpack(&r, &gzip(&sample_archive())).unwrap();
    check_sample(&r);
}

#[test]
fn concatenated_plain_gzip_and_padding() {
    let mut image = Newc::default()
        .add(&entry("a", 0o100644, b"first"))
        .finish();
    image.extend_from_slice(&[0; 512]);
    image.extend_from_slice(&gzip(&sample_archive()));
    // A second gzip member whose archive overrides "a".
    image.extend_from_slice(&gzip(
        &Newc::default()
            .add(&entry("a", 0o100600, b"second"))
            .finish(),
    ));
    let r = root();
    unpack(&r, &image).unwrap();
    check_sample(&r);
    let a = path(&r, "a");
    assert_eq!(content(&a), b"second");
    assert_eq!(a.metadata().mode, 0o100600);
}

#[test]
fn hard_links_share_one_inode() {
    // GNU cpio style: the data comes with the last link.
    let archive = Newc::default()
        .add(&Entry {
            ino: 77,
            nlink: 3,
            ..entry("x1", 0o100644, b"")
        })
        .add(&Entry {
            ino: 77,
            nlink: 3,
            ..entry("x2", 0o100644, b"")
        })
        .add(&Entry {
            ino: 77,
            nlink: 3,
            ..entry("x3", 0o100644, b"shared")
        })
        .add(&Entry {
            ino: 78,
            nlink: 1,
            ..entry("other", 0o100644, b"alone")
        })
        .finish();
    let r = root();
    unpack(&r, &archive).unwrap();
    let (a, b, c) = (path(&r, "x1"), path(&r, "x2"), path(&r, "x3"));
    assert_eq!(a.ino(), b.ino());
    assert_eq!(b.ino(), c.ino());
    assert_eq!(a.metadata().nlink, 3);
    assert_eq!(content(&a), b"shared");
    assert_ne!(path(&r, "other").ino(), a.ino());
}

#[test]
fn checksummed_archive() {
    let mut w = Newc {
        crc: true,
        ..Newc::default()
    };
    let good = w.add(&entry("c", 0o100644, b"checked")).finish();
    let r = root();
    unpack(&r, &good).unwrap();
    assert_eq!(content(&path(&r, "c")), b"checked");
    let mut bad = good.clone();
    let pos = bad.windows(7).position(|x| x == b"checked").unwrap();
    bad[pos] = b'C';
    assert_eq!(unpack(&root(), &bad).err(), Some(abi::Errno::EINVAL));
}

#[test]
fn malformed_input() {
    assert!(unpack(&root(), b"garbage").is_err());
    let mut truncated = sample_archive();
    truncated.truncate(200);
    assert!(unpack(&root(), &truncated).is_err());
    let mut gz = gzip(&sample_archive());
    let n = gz.len();
    gz[n - 8] ^= 1; // CRC
    assert!(unpack(&root(), &gz).is_err());
    assert_eq!(parse_header(b"070701").err(), Some(abi::Errno::EINVAL));
}

#[test]
fn header_fields() {
    let archive = sample_archive();
    let h = parse_header(&archive).unwrap();
    assert_eq!((h.mode, h.namesize, h.check), (0o40755, 2, None));
    let _: &dyn FileSystem = &*RamFs::new("ramfs", 0o755);
}
