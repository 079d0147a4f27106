//! tmpfs mount options (`mount -t tmpfs -o size=64m,nr_inodes=1k,mode=700`),
//! parsed as Linux's `shmem_parse_one` does.
//!
//! - `size=N[kmgtpe]` in bytes, rounded up to pages, or `size=N%` of RAM;
//!   `size=0` is unlimited. Default: half of RAM.
//! - `nr_inodes=N[kmgtpe]`; 0 is unlimited. Default: half as many inodes
//!   as RAM has pages.
//! - `mode=` (octal), `uid=`, `gid=`: the root directory's.
//! - The generic words a mount(2) caller may leave in the data (`rw`,
//!   `relatime`, ...) change nothing here and are accepted; any other
//!   word is EINVAL, as Linux's "Unknown parameter".

use abi::{Errno, KResult};

/// What the options ask for. `None` in a limit means the default; use
/// [`TmpfsOptions::limits`] for the numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TmpfsOptions {
    /// Pages (`Some(0)`: unlimited).
    pub size_pages: Option<u64>,
    /// Inodes (`Some(0)`: unlimited).
    pub nr_inodes: Option<u64>,
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// Words the VFS takes as mount flags; tmpfs has nothing to do with them.
const GENERIC_WORDS: &[&[u8]] = &[
    b"rw", b"relatime", b"norelatime", b"noatime", b"strictatime", b"nodiratime", b"silent", b"loud", b"async",
    b"lazytime", b"nolazytime", b"defaults",
];

impl TmpfsOptions {
    /// Parses the comma-separated option string of mount(2)'s `data`.
    /// `ram_pages` is the machine's memory in pages (for `size=N%`).
    pub fn parse(data: &[u8], ram_pages: u64) -> KResult<TmpfsOptions> {
        let mut opts = TmpfsOptions::default();
        for word in data.split(|&b| b == b',').filter(|w| !w.is_empty()) {
            let (key, value) = match word.iter().position(|&b| b == b'=') {
                Some(i) => (&word[..i], Some(&word[i + 1..])),
                None => (word, None),
            };
            match (key, value) {
                (b"size", Some(v)) => opts.size_pages = Some(parse_size(v, ram_pages)?),
                (b"nr_inodes", Some(v)) => opts.nr_inodes = Some(memparse(v)?),
                (b"mode", Some(v)) => opts.mode = Some(parse_number(v, 8)? as u32 & 0o7777),
                (b"uid", Some(v)) => opts.uid = Some(parse_id(v)?),
                (b"gid", Some(v)) => opts.gid = Some(parse_id(v)?),
                (w, None) if GENERIC_WORDS.contains(&w) => {}
                _ => return Err(Errno::EINVAL),
            }
        }
        Ok(opts)
    }

    /// (page limit, inode limit) with Linux's defaults filled in; `None`
    /// is unlimited.
    pub fn limits(&self, ram_pages: u64) -> (Option<u64>, Option<u64>) {
        let unlimited_if_zero = |n: u64| (n != 0).then_some(n);
        let half = (ram_pages / 2).max(1);
        (
            unlimited_if_zero(self.size_pages.unwrap_or(half)),
            unlimited_if_zero(self.nr_inodes.unwrap_or(half)),
        )
    }
}

fn parse_size(v: &[u8], ram_pages: u64) -> KResult<u64> {
    if let Some(percent) = v.strip_suffix(b"%") {
        let percent = parse_number(percent, 10)?;
        // Linux: size = totalram_pages() * N / 100, no more than 100 * RAM.
        return ram_pages
            .checked_mul(percent)
            .map(|n| n / 100)
            .ok_or(Errno::EINVAL);
    }
    Ok(memparse(v)?.div_ceil(crate::ramfs::PAGE_SIZE as u64))
}

/// A number with an optional binary suffix (Linux's `memparse`).
fn memparse(v: &[u8]) -> KResult<u64> {
    let (digits, shift) = match v.last().map(u8::to_ascii_lowercase) {
        Some(b'k') => (&v[..v.len() - 1], 10),
        Some(b'm') => (&v[..v.len() - 1], 20),
        Some(b'g') => (&v[..v.len() - 1], 30),
        Some(b't') => (&v[..v.len() - 1], 40),
        Some(b'p') => (&v[..v.len() - 1], 50),
        Some(b'e') => (&v[..v.len() - 1], 60),
        _ => (v, 0),
    };
    parse_number(digits, 10)?
        .checked_mul(1u64 << shift)
        .ok_or(Errno::EINVAL)
}

fn parse_id(v: &[u8]) -> KResult<u32> {
    u32::try_from(parse_number(v, 10)?).map_err(|_| Errno::EINVAL)
}

fn parse_number(v: &[u8], radix: u32) -> KResult<u64> {
    let text = core::str::from_utf8(v).map_err(|_| Errno::EINVAL)?;
    u64::from_str_radix(text, radix).map_err(|_| Errno::EINVAL)
}
