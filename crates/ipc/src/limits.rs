//! The IPC limits, with Linux's defaults (include/uapi/linux/{shm,sem,msg}.h),
//! readable and settable through /proc/sys/kernel/.

use core::sync::atomic::{AtomicI32, AtomicU64, Ordering::Relaxed};

use abi::{Errno, KResult};

use crate::ids::IPCMNI;

/// SHMMAX and SHMALL: ULONG_MAX - 2^24 (bytes; pages).
const SHM_UNLIMITED: u64 = u64::MAX - (1 << 24);
pub const SHMMIN: u64 = 1;
/// SEMVMX: the largest semaphore value; SEMAEM: the largest undo value.
pub const SEMVMX: i32 = 32767;
pub const SEMAEM: i32 = SEMVMX;
pub const SEMUSZ: i32 = 20;
pub const MSGSSZ: i32 = 16;

pub static SHMMAX: AtomicU64 = AtomicU64::new(SHM_UNLIMITED);
pub static SHMALL: AtomicU64 = AtomicU64::new(SHM_UNLIMITED);
pub static SHMMNI: AtomicI32 = AtomicI32::new(4096);
/// `kernel.sem`: SEMMSL (per array), SEMMNS (in all), SEMOPM (per semop),
/// SEMMNI (arrays).
pub static SEM: [AtomicI32; 4] = [AtomicI32::new(32000), AtomicI32::new(1_024_000_000), AtomicI32::new(500), AtomicI32::new(32000)];
pub static MSGMAX: AtomicI32 = AtomicI32::new(8192);
pub static MSGMNB: AtomicI32 = AtomicI32::new(16384);
pub static MSGMNI: AtomicI32 = AtomicI32::new(32000);

pub fn shmmax() -> u64 {
    SHMMAX.load(Relaxed)
}
pub fn shmall() -> u64 {
    SHMALL.load(Relaxed)
}
pub fn shmmni() -> usize {
    SHMMNI.load(Relaxed).max(0) as usize
}
pub fn semmsl() -> i32 {
    SEM[0].load(Relaxed)
}
pub fn semmns() -> i32 {
    SEM[1].load(Relaxed)
}
pub fn semopm() -> i32 {
    SEM[2].load(Relaxed)
}
pub fn semmni() -> usize {
    SEM[3].load(Relaxed).max(0) as usize
}
pub fn msgmax() -> i32 {
    MSGMAX.load(Relaxed)
}
pub fn msgmnb() -> i32 {
    MSGMNB.load(Relaxed)
}
pub fn msgmni() -> usize {
    MSGMNI.load(Relaxed).max(0) as usize
}

/// The sysctl files of kernel/ipc (ipc/ipc_sysctl.c).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sysctl {
    ShmMax,
    ShmAll,
    ShmMni,
    Sem,
    MsgMax,
    MsgMnb,
    MsgMni,
}

impl Sysctl {
    pub const ALL: [(&'static str, Sysctl); 7] = [
        ("shmmax", Sysctl::ShmMax),
        ("shmall", Sysctl::ShmAll),
        ("shmmni", Sysctl::ShmMni),
        ("sem", Sysctl::Sem),
        ("msgmax", Sysctl::MsgMax),
        ("msgmnb", Sysctl::MsgMnb),
        ("msgmni", Sysctl::MsgMni),
    ];

    /// The file's text.
    pub fn read(self) -> alloc::string::String {
        match self {
            Sysctl::ShmMax => alloc::format!("{}\n", shmmax()),
            Sysctl::ShmAll => alloc::format!("{}\n", shmall()),
            Sysctl::ShmMni => alloc::format!("{}\n", shmmni()),
            Sysctl::Sem => alloc::format!("{}\t{}\t{}\t{}\n", semmsl(), semmns(), semopm(), semmni()),
            Sysctl::MsgMax => alloc::format!("{}\n", msgmax()),
            Sysctl::MsgMnb => alloc::format!("{}\n", msgmnb()),
            Sysctl::MsgMni => alloc::format!("{}\n", msgmni()),
        }
    }

    /// A write of `text`: EINVAL for what Linux's proc handlers refuse
    /// (not a number, out of range); nothing changes then.
    pub fn write(self, text: &[u8]) -> KResult<()> {
        let text = core::str::from_utf8(text).map_err(|_| Errno::EINVAL)?;
        let mut words = text.split_ascii_whitespace();
        let int_in = |w: Option<&str>, max: i64| -> KResult<i32> {
            let v: i64 = w.ok_or(Errno::EINVAL)?.parse().map_err(|_| Errno::EINVAL)?;
            if !(0..=max).contains(&v) { Err(Errno::EINVAL) } else { Ok(v as i32) }
        };
        match self {
            Sysctl::ShmMax | Sysctl::ShmAll => {
                let v: u64 = words.next().ok_or(Errno::EINVAL)?.parse().map_err(|_| Errno::EINVAL)?;
                if self == Sysctl::ShmMax { &SHMMAX } else { &SHMALL }.store(v, Relaxed);
            }
            Sysctl::ShmMni => SHMMNI.store(int_in(words.next(), IPCMNI as i64)?, Relaxed),
            Sysctl::MsgMni => MSGMNI.store(int_in(words.next(), IPCMNI as i64)?, Relaxed),
            Sysctl::MsgMax => MSGMAX.store(int_in(words.next(), i32::MAX as i64)?, Relaxed),
            Sysctl::MsgMnb => MSGMNB.store(int_in(words.next(), i32::MAX as i64)?, Relaxed),
            Sysctl::Sem => {
                // proc_dointvec: up to four integers, fewer leave the rest;
                // semmni must stay within IPCMNI (sem_check_semmni).
                let mut new = [semmsl(), semmns(), semopm(), SEM[3].load(Relaxed)];
                for (slot, word) in new.iter_mut().zip(words) {
                    let v: i64 = word.parse().map_err(|_| Errno::EINVAL)?;
                    *slot = i32::try_from(v).map_err(|_| Errno::EINVAL)?;
                }
                if !(0..=IPCMNI as i32).contains(&new[3]) {
                    return Err(Errno::EINVAL);
                }
                for (limit, v) in SEM.iter().zip(new) {
                    limit.store(v, Relaxed);
                }
            }
        }
        Ok(())
    }
}
