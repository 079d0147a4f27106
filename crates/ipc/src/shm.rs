//! Shared memory segments (ipc/shm.c).
//!
//! A segment's memory is an `mm::shared::SharedMem`; each attachment is a
//! VMA holding an `Arc` of it, so the attach count is the number of those
//! references. IPC_RMID of an attached segment keeps only a `Weak` (the key
//! becomes IPC_PRIVATE, the mode gets SHM_DEST): the memory goes when the
//! last attachment does, and the table entry is swept on the next look.

use alloc::string::String;
use alloc::sync::{Arc, Weak};
use core::fmt::Write;

use abi::{Errno, KResult};
use ksync::SpinLock;
use mm::shared::SharedMem;

use crate::ids::{IdTable, KeyLookup};
use crate::limits::{self, SHMMIN};
use crate::perm::{self, IpcPerm, PermSet, put_i32, put_i64, put_u64};
use crate::{Caller, IPC_INFO, IPC_STAT};

pub const SHM_HUGETLB: u32 = 0o4000;
pub const SHM_DEST: u32 = 0o1000;
pub const SHM_LOCKED: u32 = 0o2000;
pub const SHM_RDONLY: u32 = 0o10000;
pub const SHM_RND: u32 = 0o20000;
pub const SHM_REMAP: u32 = 0o40000;
pub const SHM_EXEC: u32 = 0o100000;
pub const SHM_LOCK: i32 = 11;
pub const SHM_UNLOCK: i32 = 12;
pub const SHM_STAT: i32 = 13;
pub const SHM_INFO: i32 = 14;
pub const SHM_STAT_ANY: i32 = 15;

const PAGE_SIZE: u64 = mm::PAGE_SIZE as u64;

enum Memory {
    Live(Arc<SharedMem>),
    /// Removed while attached: alive as long as an attachment is.
    Destroyed(Weak<SharedMem>),
}

pub struct Segment {
    size: u64,
    memory: Memory,
    atime: i64,
    dtime: i64,
    ctime: i64,
    cpid: i32,
    lpid: i32,
}

impl Segment {
    fn nattch(&self) -> usize {
        match &self.memory {
            Memory::Live(m) => Arc::strong_count(m) - 1,
            Memory::Destroyed(w) => w.strong_count(),
        }
    }

    fn memory(&self) -> Option<Arc<SharedMem>> {
        match &self.memory {
            Memory::Live(m) => Some(m.clone()),
            Memory::Destroyed(w) => w.upgrade(),
        }
    }

    fn is(&self, mem: &Arc<SharedMem>) -> bool {
        match &self.memory {
            Memory::Live(m) => Arc::ptr_eq(m, mem),
            Memory::Destroyed(w) => core::ptr::eq(w.as_ptr(), Arc::as_ptr(mem)),
        }
    }

    fn pages(&self) -> u64 {
        self.size.div_ceil(PAGE_SIZE)
    }

    fn resident_pages(&self) -> u64 {
        self.memory().map_or(0, |m| m.resident_pages() as u64)
    }
}

static SEGMENTS: SpinLock<IdTable<Segment>> = SpinLock::new(IdTable::new());

/// Locks the table with destroyed segments whose last attachment is gone
/// swept out.
fn table() -> ksync::SpinLockGuard<'static, IdTable<Segment>> {
    let mut t = SEGMENTS.lock();
    t.retain(|e| !matches!(&e.obj.memory, Memory::Destroyed(w) if w.strong_count() == 0));
    t
}

/// Linux's `shm_tot`: pages of all segments (saturating: a few huge
/// segments can pass 2^64 bytes' worth of pages, which no check allows).
fn total_pages(t: &IdTable<Segment>) -> u64 {
    t.iter().fold(0u64, |sum, e| sum.saturating_add(e.obj.pages()))
}

/// shmget(2).
pub fn shmget(caller: &Caller, key: i32, size: u64, flags: u32) -> KResult<usize> {
    let mut t = table();
    match t.lookup_key(key, flags, caller, |e| if e.obj.size < size { Err(Errno::EINVAL) } else { Ok(()) })? {
        KeyLookup::Existing(index) => Ok(t.at_index(index as i32)?.perm.id as usize),
        KeyLookup::Create => {
            // newseg
            if size < SHMMIN || size > limits::shmmax() {
                return Err(Errno::EINVAL);
            }
            let pages = size.div_ceil(PAGE_SIZE);
            let total = total_pages(&t);
            if total.checked_add(pages).is_none_or(|n| n > limits::shmall()) {
                return Err(Errno::ENOSPC);
            }
            // Huge pages: only root or the hugetlb_shm_group (gid 0) may
            // ask (EPERM), and none are reserved (vm.nr_hugepages = 0):
            // ENOMEM, as Linux's hugetlb_file_setup answers.
            if flags & SHM_HUGETLB != 0 {
                return Err(if caller.privileged || caller.in_group(0) { Errno::ENOMEM } else { Errno::EPERM });
            }
            let seg = Segment {
                size,
                memory: Memory::Live(SharedMem::new_sysv()),
                atime: 0,
                dtime: 0,
                ctime: caller.now,
                cpid: caller.tgid,
                lpid: 0,
            };
            let id = t.add(IpcPerm::new(key, flags, caller), seg, limits::shmmni())?;
            Ok(id as usize)
        }
    }
}

/// What shmat maps: the memory and its size.
pub struct Attach {
    pub memory: Arc<SharedMem>,
    pub size: usize,
}

/// shmat(2)'s lookup: the segment `id` if the caller may map it with
/// `flags` (EINVAL, EACCES, EIDRM).
pub fn attach_target(caller: &Caller, id: i32, flags: u32) -> KResult<Attach> {
    let mut access = if flags & SHM_RDONLY != 0 { perm::READ } else { perm::READ | perm::WRITE };
    if flags & SHM_EXEC != 0 {
        access |= 0o111;
    }
    let t = table();
    let e = t.get(id)?;
    e.perm.check(caller, access)?;
    let memory = e.obj.memory().ok_or(Errno::EIDRM)?;
    Ok(Attach { memory, size: e.obj.size as usize })
}

/// Records a successful attach (Linux's `shm_open`).
pub fn attached(caller: &Caller, memory: &Arc<SharedMem>) {
    if let Some(e) = table().iter_mut().find(|e| e.obj.is(memory)) {
        e.obj.atime = caller.now;
        e.obj.lpid = caller.tgid;
    }
}

/// Records a detach (Linux's `shm_close`; only shmdt gets here: a detach
/// by munmap, exit or exec leaves the times as they were).
pub fn detached(caller: &Caller, memory: Arc<SharedMem>) {
    let mut t = SEGMENTS.lock();
    if let Some(e) = t.iter_mut().find(|e| e.obj.is(&memory)) {
        e.obj.dtime = caller.now;
        e.obj.lpid = caller.tgid;
    }
    drop(t);
    // The last reference frees the memory outside the table lock.
    drop(memory);
    drop(table());
}

/// `struct shmid64_ds` (112 bytes).
fn shmid_ds(perm: &IpcPerm, s: &Segment) -> [u8; 112] {
    let mut b = [0u8; 112];
    b[..48].copy_from_slice(&perm.to_user());
    put_u64(&mut b, 48, s.size);
    put_i64(&mut b, 56, s.atime);
    put_i64(&mut b, 64, s.dtime);
    put_i64(&mut b, 72, s.ctime);
    put_i32(&mut b, 80, s.cpid);
    put_i32(&mut b, 84, s.lpid);
    put_u64(&mut b, 88, s.nattch() as u64);
    b
}

/// IPC_STAT, SHM_STAT, SHM_STAT_ANY: the result and the `shmid64_ds`.
pub fn stat(caller: &Caller, id: i32, cmd: i32) -> KResult<(usize, [u8; 112])> {
    let t = table();
    let e = if cmd == IPC_STAT { t.get(id)? } else { t.at_index(id)? };
    if cmd != SHM_STAT_ANY {
        e.perm.check(caller, perm::READ)?;
    }
    let result = if cmd == IPC_STAT { 0 } else { e.perm.id as usize };
    Ok((result, shmid_ds(&e.perm, &e.obj)))
}

/// IPC_INFO (`struct shminfo64`, 72 bytes) and SHM_INFO (`struct
/// shm_info`, 48 bytes); returns the highest index in use.
pub fn info(cmd: i32) -> (usize, [u8; 72]) {
    let t = table();
    let mut b = [0u8; 72];
    if cmd == IPC_INFO {
        put_u64(&mut b, 0, limits::shmmax());
        put_u64(&mut b, 8, SHMMIN);
        put_u64(&mut b, 16, limits::shmmni() as u64);
        put_u64(&mut b, 24, limits::shmmni() as u64);
        put_u64(&mut b, 32, limits::shmall());
    } else {
        put_i32(&mut b, 0, t.in_use() as i32);
        put_u64(&mut b, 8, total_pages(&t));
        put_u64(&mut b, 16, t.iter().map(|e| e.obj.resident_pages()).sum());
    }
    (t.info_result(), b)
}

/// IPC_SET.
pub fn set(caller: &Caller, id: i32, new: &PermSet) -> KResult<()> {
    let mut t = table();
    let e = t.get_mut(id)?;
    e.perm.check_owner(caller)?;
    e.perm.set(new);
    e.obj.ctime = caller.now;
    Ok(())
}

/// IPC_RMID: an unattached segment goes at once, an attached one when its
/// last attachment does.
pub fn remove(caller: &Caller, id: i32) -> KResult<()> {
    let mut t = table();
    let e = t.get_mut(id)?;
    e.perm.check_owner(caller)?;
    let removed = if e.obj.nattch() > 0 {
        if let Memory::Live(m) = &e.obj.memory {
            e.obj.memory = Memory::Destroyed(Arc::downgrade(m));
        }
        e.perm.mode |= SHM_DEST;
        e.perm.key = crate::IPC_PRIVATE;
        None
    } else {
        Some(t.remove(id)?)
    };
    drop(t);
    drop(removed);
    // The last attachment may have gone meanwhile.
    drop(table());
    Ok(())
}

/// SHM_LOCK / SHM_UNLOCK: weft never swaps, so only the SHM_LOCKED mode
/// bit changes (owner, creator or root; EPERM otherwise).
pub fn lock(caller: &Caller, id: i32, lock: bool) -> KResult<()> {
    let mut t = table();
    let e = t.get_mut(id)?;
    if !caller.privileged {
        e.perm.check_owner(caller)?;
    }
    if lock { e.perm.mode |= SHM_LOCKED } else { e.perm.mode &= !SHM_LOCKED }
    Ok(())
}

/// The text of /proc/sysvipc/shm.
pub fn proc_text() -> String {
    let mut s = String::from(
        "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n",
    );
    for e in table().iter() {
        let (p, o) = (&e.perm, &e.obj);
        let _ = writeln!(
            s,
            "{:>10} {:>10}  {:>4o} {:>21} {:>5} {:>5}  {:>5} {:>5} {:>5} {:>5} {:>5} {:>10} {:>10} {:>10} {:>21} {:>21}",
            p.key,
            p.id,
            p.mode,
            o.size,
            o.cpid,
            o.lpid,
            o.nattch(),
            p.uid,
            p.gid,
            p.cuid,
            p.cgid,
            o.atime,
            o.dtime,
            o.ctime,
            o.resident_pages() * PAGE_SIZE,
            0
        );
    }
    s
}
