//! `/proc/sys/kernel/`, `/proc/sys/vm/` and `/proc/sys/fs/`: the few knobs programs read
//! (kernel/sysctl.c).

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use fs::Inode;
use fs::mqueue::limits::Knob;

use ipc::limits::Sysctl;

use crate::node::{self, Ctx, Maker};
use crate::sysctl_knobs as knobs;
use crate::system;

/// Inode numbers 0x100.. belong to this directory.
const BASE: u64 = 0x100;

pub const SYS: &[(&str, Maker)] = &[
    ("kernel", |c, p| node::fixed_dir(c, BASE + 1, Some(p.clone()), KERNEL)),
    ("vm", |c, p| node::fixed_dir(c, BASE + 15, Some(p.clone()), VM)),
    ("fs", |c, p| node::fixed_dir(c, BASE + 17, Some(p.clone()), FS)),
];

/// `/proc/sys/fs/`.
const FS: &[(&str, Maker)] = &[
    ("file-max", |c, _| node::rw_file(c, BASE + 18, 0o644, (0, 0), file_max, set_file_max)),
    // Open files, free ones (always 0 since Linux 2.6), the maximum.
    ("file-nr", |c, _| {
        ro(c, 19, || alloc::format!("{}\t0\t{}\n", fs::file::open_files(), fs::file::file_max()).into_bytes())
    }),
    ("mqueue", |c, p| node::fixed_dir(c, BASE + 20, Some(p.clone()), MQUEUE)),
    // Pipe and descriptor limits (sysctl_knobs.rs); inodes BASE + 0x60...
    ("nr_open", |c, _| knob(c, 0x60, knobs::nr_open, knobs::set_nr_open)),
    ("pipe-max-size", |c, _| knob(c, 0x61, knobs::pipe_max_size, knobs::set_pipe_max_size)),
    ("pipe-user-pages-hard", |c, _| knob(c, 0x62, knobs::pipe_user_pages_hard, knobs::set_pipe_user_pages_hard)),
    ("pipe-user-pages-soft", |c, _| knob(c, 0x63, knobs::pipe_user_pages_soft, knobs::set_pipe_user_pages_soft)),
];

/// A root-owned 0644 knob (writes by others: EACCES at open).
fn knob(ctx: Ctx, n: u64, read: fn() -> KResult<Vec<u8>>, write: fn(&[u8]) -> KResult<usize>) -> Arc<dyn Inode> {
    node::rw_file(ctx, BASE + n, 0o644, (0, 0), read, write)
}

/// `/proc/sys/fs/mqueue/` (ipc/mq_sysctl.c): the limits of POSIX message
/// queues, root-writable, EINVAL outside Linux's ranges.
const MQUEUE: &[(&str, Maker)] = &[
    ("msg_default", |c, _| mq_knob(c, 21, Knob::MsgDefault)),
    ("msg_max", |c, _| mq_knob(c, 22, Knob::MsgMax)),
    ("msgsize_default", |c, _| mq_knob(c, 23, Knob::MsgsizeDefault)),
    ("msgsize_max", |c, _| mq_knob(c, 24, Knob::MsgsizeMax)),
    ("queues_max", |c, _| mq_knob(c, 25, Knob::QueuesMax)),
];

fn mq_knob(ctx: Ctx, n: u64, knob: Knob) -> Arc<dyn Inode> {
    let read = move || Ok(line(alloc::format!("{}", knob.get()).as_bytes()));
    let write = move |buf: &[u8]| {
        let text = core::str::from_utf8(first_line(buf)).map_err(|_| Errno::EINVAL)?;
        let n: i64 = text.trim().parse().map_err(|_| Errno::EINVAL)?;
        knob.set(n)?;
        Ok(buf.len())
    };
    node::rw_file(ctx, BASE + n, 0o644, (0, 0), read, write)
}

fn file_max() -> KResult<Vec<u8>> {
    Ok(line(alloc::format!("{}", fs::file::file_max()).as_bytes()))
}

fn set_file_max(buf: &[u8]) -> KResult<usize> {
    let text = core::str::from_utf8(first_line(buf)).map_err(|_| Errno::EINVAL)?;
    let n: u64 = text.trim().parse().map_err(|_| Errno::EINVAL)?;
    // Linux: 0 ..= LONG_MAX.
    fs::file::set_file_max(usize::try_from(n.min(i64::MAX as u64)).unwrap_or(usize::MAX));
    Ok(buf.len())
}

/// `/proc/sys/vm/`.
const VM: &[(&str, Maker)] = &[
    // Write-only, even for root, as on Linux (a 0200 sysctl).
    ("drop_caches", |c, _| node::rw_file(c, BASE + 16, 0o200, (0, 0), || Err(Errno::EACCES), drop_caches)),
    // Address-space knobs (sysctl_knobs.rs).
    ("max_map_count", |c, _| knob(c, 0x64, knobs::max_map_count, knobs::set_max_map_count)),
    ("overcommit_memory", |c, _| knob(c, 0x65, knobs::overcommit_memory, knobs::set_overcommit_memory)),
];

/// `echo 1|2|3 > drop_caches`: weft has no page cache to drop (a tmpfs
/// file's pages are its data), so every value gives the kernel heap's free
/// memory back (`mm::reclaim`), as Linux's drop_slab shrinks its caches.
fn drop_caches(buf: &[u8]) -> KResult<usize> {
    let text = core::str::from_utf8(first_line(buf)).map_err(|_| Errno::EINVAL)?;
    let n: u32 = text.trim().parse().map_err(|_| Errno::EINVAL)?;
    // Linux: 1 (page cache), 2 (slab), 3 (both), 4 (stop the log line).
    if !(1..=4).contains(&n) {
        return Err(Errno::EINVAL);
    }
    mm::reclaim();
    Ok(buf.len())
}

const KERNEL: &[(&str, Maker)] = &[
    ("hostname", |c, _| node::rw_file(c, BASE + 2, 0o644, (0, 0), || Ok(line(&system::hostname())), set_hostname)),
    ("ostype", |c, _| ro(c, 3, || b"Linux\n".to_vec())),
    ("osrelease", |c, _| ro(c, 4, || line(system::release().as_bytes()))),
    ("version", |c, _| ro(c, 5, || line(system::version().as_bytes()))),
    ("pid_max", |c, _| knob(c, 6, knobs::pid_max, knobs::set_pid_max)),
    ("threads-max", |c, _| node::rw_file(c, BASE + 7, 0o644, (0, 0), threads_max, set_threads_max)),
    ("tainted", |c, _| ro(c, 8, || b"0\n".to_vec())),
    // console_loglevel, default_message_loglevel, minimum, default console.
    ("printk", |c, _| knob(c, 9, knobs::printk, knobs::set_printk)),
    ("core_pattern", |c, _| knob(c, 0x66, knobs::core_pattern, knobs::set_core_pattern)),
    ("random", |c, p| node::fixed_dir(c, BASE + 10, Some(p.clone()), RANDOM)),
    ("shmmax", |c, _| crate::sysvipc::limit_file(c, Sysctl::ShmMax)),
    ("shmall", |c, _| crate::sysvipc::limit_file(c, Sysctl::ShmAll)),
    ("shmmni", |c, _| crate::sysvipc::limit_file(c, Sysctl::ShmMni)),
    ("sem", |c, _| crate::sysvipc::limit_file(c, Sysctl::Sem)),
    ("msgmax", |c, _| crate::sysvipc::limit_file(c, Sysctl::MsgMax)),
    ("msgmnb", |c, _| crate::sysvipc::limit_file(c, Sysctl::MsgMnb)),
    ("msgmni", |c, _| crate::sysvipc::limit_file(c, Sysctl::MsgMni)),
];

/// `/proc/sys/kernel/random/`: a UUID fixed for the boot, and a new one at
/// every read (drivers/char/random.c).
const RANDOM: &[(&str, Maker)] = &[
    ("boot_id", |c, _| ro(c, 11, || line(&boot_id()))),
    ("uuid", |c, _| ro(c, 12, || line(&uuid(random_bytes())))),
    ("entropy_avail", |c, _| ro(c, 13, || b"256\n".to_vec())),
    ("poolsize", |c, _| ro(c, 14, || b"256\n".to_vec())),
];

fn random_bytes() -> [u8; 16] {
    let mut b = [0u8; 16];
    fs::hooks::fill_random(&mut b);
    b
}

fn boot_id() -> Vec<u8> {
    static BOOT_ID: ksync::Lazy<[u8; 16]> = ksync::Lazy::new(random_bytes);
    uuid(*BOOT_ID)
}

/// A version-4 UUID in its text form.
fn uuid(mut b: [u8; 16]) -> Vec<u8> {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: alloc::string::String = b.iter().map(|x| alloc::format!("{x:02x}")).collect();
    alloc::format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]).into_bytes()
}

fn ro(ctx: Ctx, n: u64, read: fn() -> Vec<u8>) -> Arc<dyn Inode> {
    node::file(ctx, BASE + n, 0o444, move || Ok(read()))
}

fn line(v: &[u8]) -> Vec<u8> {
    [v, b"\n"].concat()
}

/// The first line of a write, without its newline.
fn first_line(buf: &[u8]) -> &[u8] {
    buf.split(|&b| b == b'\n').next().unwrap_or(buf)
}

fn set_hostname(buf: &[u8]) -> KResult<usize> {
    system::set_hostname(first_line(buf))?;
    Ok(buf.len())
}

fn threads_max() -> KResult<Vec<u8>> {
    Ok(line(alloc::format!("{}", task::process::TABLE.lock().threads_max).as_bytes()))
}

/// Linux accepts 1..=FUTEX_TID_MASK (0x3fffffff).
fn set_threads_max(buf: &[u8]) -> KResult<usize> {
    let text = core::str::from_utf8(first_line(buf)).map_err(|_| Errno::EINVAL)?;
    let n: usize = text.trim().parse().map_err(|_| Errno::EINVAL)?;
    if !(1..=0x3fff_ffff).contains(&n) {
        return Err(Errno::EINVAL);
    }
    task::process::TABLE.lock().threads_max = n;
    Ok(buf.len())
}
