//! The system as a whole: uname and host names, randomness, sysinfo,
//! reboot, the kernel log.

use abi::{Errno, KResult};
use ksync::{Once, SpinLock};

use crate::ctx::SyscallContext;

/// The UTS names that can change (sethostname, setdomainname).
pub static HOSTNAME: SpinLock<([u8; 65], usize)> = SpinLock::new((*b"weft\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 4));
pub static DOMAINNAME: SpinLock<([u8; 65], usize)> = SpinLock::new(([0; 65], 0));

/// The release weft reports: a Linux version whose ABI it follows, so libc
/// feature checks pass, with weft's name after it.
pub const RELEASE: &str = "6.1.0-weft";
pub const VERSION: &str = "#1 SMP weft 0.1.0";

/// Reads the kernel log ring (installed by the kernel).
pub type LogReader = fn(&mut [u8]) -> usize;
static LOG_READER: Once<LogReader> = Once::new();

pub fn set_log_reader(reader: LogReader) {
    LOG_READER.call_once(|| reader);
}

/// The 1, 5 and 15-minute load averages in sysinfo's fixed point (1 <<
/// 16 = 1.0), installed by the kernel from procfs's sampler.
pub type Loads = fn() -> [u64; 3];
static LOADS: Once<Loads> = Once::new();

pub fn set_loads(loads: Loads) {
    LOADS.call_once(|| loads);
}

/// Memory figures for sysinfo and /proc/meminfo (installed by the kernel):
/// (total bytes, free bytes).
pub type MemInfo = fn() -> (u64, u64);
static MEM_INFO: Once<MemInfo> = Once::new();

pub fn set_mem_info(info: MemInfo) {
    MEM_INFO.call_once(|| info);
}

fn field(s: &[u8]) -> [u8; 65] {
    let mut f = [0u8; 65];
    let n = s.len().min(64);
    f[..n].copy_from_slice(&s[..n]);
    f
}

pub fn uname(cx: &mut SyscallContext<'_>, buf: u64) -> KResult<usize> {
    let mut out = [0u8; 65 * 6];
    let host = *HOSTNAME.lock();
    let domain = *DOMAINNAME.lock();
    let fields = [
        field(b"Linux"),
        field(&host.0[..host.1]),
        field(RELEASE.as_bytes()),
        field(VERSION.as_bytes()),
        field(b"x86_64"),
        field(&domain.0[..domain.1]),
    ];
    for (i, f) in fields.iter().enumerate() {
        out[i * 65..(i + 1) * 65].copy_from_slice(f);
    }
    cx.write_bytes(buf, &out)?;
    Ok(0)
}

fn set_name(cx: &mut SyscallContext<'_>, target: &SpinLock<([u8; 65], usize)>, name: u64, len: u64) -> KResult<usize> {
    if !cx.thread.process().cred.lock().is_privileged() {
        return Err(Errno::EPERM);
    }
    if len > 64 {
        return Err(Errno::EINVAL);
    }
    let bytes = cx.read_bytes(name, len as usize)?;
    *target.lock() = (field(&bytes), bytes.len());
    Ok(0)
}

pub fn sethostname(cx: &mut SyscallContext<'_>, name: u64, len: u64) -> KResult<usize> {
    set_name(cx, &HOSTNAME, name, len)
}

pub fn setdomainname(cx: &mut SyscallContext<'_>, name: u64, len: u64) -> KResult<usize> {
    set_name(cx, &DOMAINNAME, name, len)
}

pub fn getrandom(cx: &mut SyscallContext<'_>, buf: u64, len: u64, flags: u64) -> KResult<usize> {
    const GRND_NONBLOCK: u64 = 1;
    const GRND_RANDOM: u64 = 2;
    const GRND_INSECURE: u64 = 4;
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0 || flags & (GRND_RANDOM | GRND_INSECURE) == GRND_RANDOM | GRND_INSECURE {
        return Err(Errno::EINVAL);
    }
    let len = len.min(32 << 20) as usize;
    let mut chunk = [0u8; 256];
    let mut done = 0;
    while done < len {
        let n = (len - done).min(chunk.len());
        fs::hooks::fill_random(&mut chunk[..n]);
        cx.write_bytes(buf + done as u64, &chunk[..n])?;
        done += n;
    }
    Ok(done)
}

pub fn sysinfo(cx: &mut SyscallContext<'_>, info: u64) -> KResult<usize> {
    let (total, free) = MEM_INFO.get().map(|f| f()).unwrap_or((0, 0));
    let procs = task::process::TABLE.lock().thread_count() as u16;
    let mut b = [0u8; 112];
    b[0..8].copy_from_slice(&((arch::time::now_ns() / 1_000_000_000) as i64).to_le_bytes());
    let loads = LOADS.get().map(|f| f()).unwrap_or_default();
    for (i, load) in loads.iter().enumerate() {
        b[8 + i * 8..16 + i * 8].copy_from_slice(&load.to_le_bytes());
    }
    b[32..40].copy_from_slice(&total.to_le_bytes());
    b[40..48].copy_from_slice(&free.to_le_bytes());
    b[80..82].copy_from_slice(&procs.to_le_bytes());
    b[104..108].copy_from_slice(&1u32.to_le_bytes());
    cx.write_bytes(info, &b)?;
    Ok(0)
}

/// reboot(2): the magic numbers and commands of include/uapi/linux/reboot.h.
pub fn reboot(cx: &mut SyscallContext<'_>, magic1: u64, magic2: u64, cmd: u64, _arg: u64) -> KResult<usize> {
    const MAGIC1: u32 = 0xfee1_dead;
    const MAGIC2: [u32; 4] = [672_274_793, 85_072_278, 369_367_448, 537_993_216];
    const CMD_RESTART: u32 = 0x0123_4567;
    const CMD_HALT: u32 = 0xcdef_0123;
    const CMD_POWER_OFF: u32 = 0x4321_fedc;
    const CMD_CAD_ON: u32 = 0x89ab_cdef;
    const CMD_CAD_OFF: u32 = 0;
    if !cx.thread.process().cred.lock().is_privileged() {
        return Err(Errno::EPERM);
    }
    if magic1 as u32 != MAGIC1 || !MAGIC2.contains(&(magic2 as u32)) {
        return Err(Errno::EINVAL);
    }
    match cmd as u32 {
        CMD_CAD_ON | CMD_CAD_OFF => Ok(0),
        CMD_POWER_OFF | CMD_HALT => {
            log::info!("{}", if cmd as u32 == CMD_HALT { "System halted." } else { "Power down." });
            arch::power::debug_exit(0);
            arch::power::acpi_poweroff();
            arch::cpu::halt_forever()
        }
        CMD_RESTART => {
            log::info!("Restarting system.");
            arch::power::reset()
        }
        _ => Err(Errno::EINVAL),
    }
}

/// syslog(2): the actions dmesg uses.
pub fn syslog(cx: &mut SyscallContext<'_>, action: u64, buf: u64, len: u64) -> KResult<usize> {
    const READ_ALL: u64 = 3;
    const CLEAR: u64 = 5;
    const CONSOLE_OFF: u64 = 6;
    const CONSOLE_ON: u64 = 7;
    const CONSOLE_LEVEL: u64 = 8;
    const SIZE_UNREAD: u64 = 9;
    const SIZE_BUFFER: u64 = 10;
    const RING_SIZE: usize = 128 * 1024;
    match action {
        0 | 1 => Ok(0), // close, open
        READ_ALL | 4 => {
            if (len as i64) < 0 {
                return Err(Errno::EINVAL);
            }
            let mut all = alloc::vec![0u8; RING_SIZE];
            let n = LOG_READER.get().map(|r| r(&mut all)).unwrap_or(0);
            let take = n.min(len as usize);
            // The newest bytes when the buffer is short.
            cx.write_bytes(buf, &all[n - take..n])?;
            Ok(take)
        }
        CLEAR | CONSOLE_OFF | CONSOLE_ON => Ok(0),
        CONSOLE_LEVEL => if (1..=8).contains(&len) { Ok(0) } else { Err(Errno::EINVAL) },
        SIZE_UNREAD => Ok(0),
        SIZE_BUFFER => Ok(RING_SIZE),
        _ => Err(Errno::EINVAL),
    }
}

/// vhangup(2): EPERM without CAP_SYS_TTY_CONFIG; otherwise Linux hangs up
/// the caller's controlling terminal, if it has one. In weft no process
/// has one: the console is opened as /dev/console, which never becomes a
/// controlling terminal on Linux either, and TIOCSCTTY does not attach it
/// (`fs::tty`). So the call has nothing to hang up, as on Linux for a
/// caller without a controlling terminal. When weft gets terminals that
/// can be controlling, this must hang them up (SIGHUP and SIGCONT to the
/// session leader, hung-up file operations).
pub fn vhangup(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    const CAP_SYS_TTY_CONFIG: u64 = 26;
    if !cx.thread.process().cred.lock().caps.has(CAP_SYS_TTY_CONFIG) {
        return Err(Errno::EPERM);
    }
    Ok(0)
}
