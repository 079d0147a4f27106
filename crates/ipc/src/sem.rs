//! Semaphore arrays (ipc/sem.c): semget, semop/semtimedop with atomic
//! multi-operation calls, SEM_UNDO and semctl.
//!
//! A blocked semop waits on its array's wait queue and tries its whole
//! operation again at every change (every successful altering semop,
//! SETVAL, SETALL, an undo at exit, IPC_RMID). Simpler than Linux's
//! per-semaphore pending lists, and with the same outcome: an operation
//! completes when it can complete as a whole.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::fmt::Write;

use abi::{Errno, KResult};
use ksync::SpinLock;
use runtime::sync::WaitQueue;

use crate::ids::{IdTable, KeyLookup};
use crate::limits::{self, SEMAEM, SEMUSZ, SEMVMX};
use crate::perm::{self, IpcPerm, PermSet, put_i32, put_i64, put_u64};
use crate::{Caller, IPC_INFO, IPC_NOWAIT, IPC_STAT};

pub const SEM_UNDO: i16 = 0x1000;
pub const GETPID: i32 = 11;
pub const GETVAL: i32 = 12;
pub const GETALL: i32 = 13;
pub const GETNCNT: i32 = 14;
pub const GETZCNT: i32 = 15;
pub const SETVAL: i32 = 16;
pub const SETALL: i32 = 17;
pub const SEM_STAT: i32 = 18;
pub const SEM_INFO: i32 = 19;
pub const SEM_STAT_ANY: i32 = 20;

/// One `struct sembuf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemBuf {
    pub num: u16,
    pub op: i16,
    pub flg: i16,
}

impl SemBuf {
    /// From its 6 user bytes.
    pub fn from_user(b: &[u8]) -> Self {
        Self {
            num: u16::from_le_bytes([b[0], b[1]]),
            op: i16::from_le_bytes([b[2], b[3]]),
            flg: i16::from_le_bytes([b[4], b[5]]),
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Sem {
    val: i32,
    /// The last process to change it.
    pid: i32,
    /// Waiters for an increase (GETNCNT) and for zero (GETZCNT).
    ncnt: u32,
    zcnt: u32,
}

struct Inner {
    sems: Vec<Sem>,
    otime: i64,
    ctime: i64,
    removed: bool,
    /// SEM_UNDO adjustments per process (tgid), one per semaphore.
    undo: BTreeMap<i32, Vec<i32>>,
}

pub struct SemSet {
    nsems: usize,
    inner: SpinLock<Inner>,
    waiters: WaitQueue,
}

static SETS: SpinLock<IdTable<Arc<SemSet>>> = SpinLock::new(IdTable::new());

/// The arrays each process has SEM_UNDO adjustments in (a leaf lock).
static UNDO_OWNERS: SpinLock<BTreeMap<i32, Vec<Weak<SemSet>>>> = SpinLock::new(BTreeMap::new());

fn zeroed<T: Clone + Default>(n: usize) -> KResult<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Errno::ENOMEM)?;
    v.resize(n, T::default());
    Ok(v)
}

/// semget(2).
pub fn semget(caller: &Caller, key: i32, nsems: i32, flags: u32) -> KResult<usize> {
    if nsems < 0 || nsems > limits::semmsl() {
        return Err(Errno::EINVAL);
    }
    let mut t = SETS.lock();
    match t.lookup_key(key, flags, caller, |e| if nsems as usize > e.obj.nsems { Err(Errno::EINVAL) } else { Ok(()) })? {
        KeyLookup::Existing(index) => Ok(t.at_index(index as i32)?.perm.id as usize),
        KeyLookup::Create => {
            if nsems == 0 {
                return Err(Errno::EINVAL);
            }
            let used: usize = t.iter().map(|e| e.obj.nsems).sum();
            if used + nsems as usize > limits::semmns().max(0) as usize {
                return Err(Errno::ENOSPC);
            }
            let set = Arc::new(SemSet {
                nsems: nsems as usize,
                inner: SpinLock::new(Inner {
                    sems: zeroed(nsems as usize)?,
                    otime: 0,
                    ctime: caller.now,
                    removed: false,
                    undo: BTreeMap::new(),
                }),
                waiters: WaitQueue::new(),
            });
            Ok(t.add(IpcPerm::new(key, flags, caller), set, limits::semmni())? as usize)
        }
    }
}

/// The checks of semtimedop after the operations are read (Linux's
/// `do_semtimedop` order): EINVAL (no such array), EFBIG (a semaphore
/// number beyond the array), EACCES.
pub fn semop_target(caller: &Caller, id: i32, ops: &[SemBuf]) -> KResult<Arc<SemSet>> {
    let max = ops.iter().map(|o| o.num as usize).max().unwrap_or(0);
    let alter = ops.iter().any(|o| o.op != 0);
    let t = SETS.lock();
    let e = t.get(id)?;
    if max >= e.obj.nsems {
        return Err(Errno::EFBIG);
    }
    e.perm.check(caller, if alter { perm::WRITE } else { perm::READ })?;
    Ok(e.obj.clone())
}

enum Attempt {
    Done,
    Failed(Errno),
    /// Must wait: the semaphore that blocked and whether it waits for zero.
    Blocked(usize, bool),
}

impl SemSet {
    /// Linux's `perform_atomic_semop`: all operations or none.
    fn try_ops(&self, ops: &[SemBuf], caller: &Caller) -> Attempt {
        let undo = ops.iter().any(|o| o.flg & SEM_UNDO != 0);
        let mut g = self.inner.lock();
        let inner = &mut *g;
        if inner.removed {
            return Attempt::Failed(Errno::EIDRM);
        }
        let mut adj = if undo {
            match inner.undo.get(&caller.tgid) {
                Some(a) => {
                    let mut v = Vec::new();
                    if v.try_reserve_exact(a.len()).is_err() {
                        return Attempt::Failed(Errno::ENOMEM);
                    }
                    v.extend_from_slice(a);
                    v
                }
                None => match zeroed(self.nsems) {
                    Ok(v) => v,
                    Err(e) => return Attempt::Failed(e),
                },
            }
        } else {
            Vec::new()
        };
        let mut applied = 0;
        let mut outcome = None;
        for op in ops {
            let n = op.num as usize;
            let cur = inner.sems[n].val;
            let result = cur + op.op as i32;
            if (op.op == 0 && cur != 0) || result < 0 {
                outcome = Some(if op.flg as u32 & IPC_NOWAIT != 0 {
                    Attempt::Failed(Errno::EAGAIN)
                } else {
                    Attempt::Blocked(n, op.op == 0)
                });
                break;
            }
            if result > SEMVMX {
                outcome = Some(Attempt::Failed(Errno::ERANGE));
                break;
            }
            if op.flg & SEM_UNDO != 0 {
                let u = adj[n] - op.op as i32;
                if !(-SEMAEM - 1..=SEMAEM).contains(&u) {
                    outcome = Some(Attempt::Failed(Errno::ERANGE));
                    break;
                }
                adj[n] = u;
            }
            inner.sems[n].val = result;
            applied += 1;
        }
        if let Some(outcome) = outcome {
            for op in ops[..applied].iter().rev() {
                inner.sems[op.num as usize].val -= op.op as i32;
            }
            return outcome;
        }
        for op in ops {
            inner.sems[op.num as usize].pid = caller.tgid;
        }
        inner.otime = caller.now;
        if undo {
            inner.undo.insert(caller.tgid, adj);
        }
        Attempt::Done
    }
}

/// Counts a blocked semop in its semaphore's GETNCNT/GETZCNT while it
/// waits.
struct Waiting<'a> {
    set: &'a SemSet,
    on: Option<(usize, bool)>,
}

impl Waiting<'_> {
    fn count(inner: &mut Inner, on: Option<(usize, bool)>, delta: i32) {
        if let Some((n, zero)) = on {
            let s = &mut inner.sems[n];
            let c = if zero { &mut s.zcnt } else { &mut s.ncnt };
            *c = c.wrapping_add_signed(delta);
        }
    }

    fn set(&mut self, on: Option<(usize, bool)>) {
        if self.on != on {
            let mut g = self.set.inner.lock();
            Self::count(&mut g, self.on, -1);
            Self::count(&mut g, on, 1);
            self.on = on;
        }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.set(None);
    }
}

/// semop(2) on `set`: applies `ops` at once, waiting until it can. Wrap it
/// in the caller's signal and timeout handling.
pub async fn semop(set: &Arc<SemSet>, ops: &[SemBuf], caller: &Caller) -> KResult<()> {
    let undo = ops.iter().any(|o| o.flg & SEM_UNDO != 0);
    if undo {
        register_undo(set, caller.tgid)?;
    }
    let alter = ops.iter().any(|o| o.op != 0);
    let mut waiting = Waiting { set: set.as_ref(), on: None };
    let result = set
        .waiters
        .wait_until(|| match set.try_ops(ops, caller) {
            Attempt::Done => Some(Ok(())),
            Attempt::Failed(e) => Some(Err(e)),
            Attempt::Blocked(n, zero) => {
                waiting.set(Some((n, zero)));
                None
            }
        })
        .await;
    drop(waiting);
    if result.is_ok() && alter {
        set.waiters.wake_all();
    }
    result
}

/// Notes that `tgid` may hold SEM_UNDO adjustments in `set`.
fn register_undo(set: &Arc<SemSet>, tgid: i32) -> KResult<()> {
    let mut owners = UNDO_OWNERS.lock();
    let list = owners.entry(tgid).or_default();
    // Arrays removed since: forget them, or a process that keeps making
    // and removing arrays would grow this list (and keep their blocks).
    list.retain(|w| w.strong_count() > 0);
    if !list.iter().any(|w| core::ptr::eq(w.as_ptr(), Arc::as_ptr(set))) {
        list.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
        list.push(Arc::downgrade(set));
    }
    Ok(())
}

/// The arrays an exit may have changed: their waiters must be woken
/// (after the caller's locks are dropped).
#[must_use]
pub struct UndoDone(Vec<Weak<SemSet>>);

impl UndoDone {
    pub fn wake(self) {
        for set in self.0.iter().filter_map(Weak::upgrade) {
            set.waiters.wake_all();
        }
    }
}

/// At the exit of process `tgid`: its SEM_UNDO adjustments are applied,
/// each result clamped to 0..=SEMVMX (Linux's `exit_sem`). Takes only the
/// registry and array locks and wakes nobody, so the caller may hold its
/// own locks.
pub fn exit_undo(tgid: i32) -> UndoDone {
    let Some(sets) = UNDO_OWNERS.lock().remove(&tgid) else { return UndoDone(Vec::new()) };
    for set in sets.iter().filter_map(Weak::upgrade) {
        let mut g = set.inner.lock();
        let inner = &mut *g;
        if inner.removed {
            continue;
        }
        let Some(adj) = inner.undo.remove(&tgid) else { continue };
        for (sem, a) in inner.sems.iter_mut().zip(adj) {
            if a != 0 {
                sem.val = (sem.val + a).clamp(0, SEMVMX);
                sem.pid = tgid;
            }
        }
    }
    UndoDone(sets)
}

/// The array `id` after the semctl checks: EINVAL, then EACCES for `access`.
fn checked(caller: &Caller, id: i32, access: u32) -> KResult<Arc<SemSet>> {
    let t = SETS.lock();
    let e = t.get(id)?;
    e.perm.check(caller, access)?;
    Ok(e.obj.clone())
}

/// GETVAL, GETPID, GETNCNT, GETZCNT.
pub fn get_one(caller: &Caller, id: i32, num: i32, cmd: i32) -> KResult<usize> {
    let set = checked(caller, id, perm::READ)?;
    let g = set.inner.lock();
    if g.removed {
        return Err(Errno::EIDRM);
    }
    let s = usize::try_from(num).ok().and_then(|n| g.sems.get(n)).ok_or(Errno::EINVAL)?;
    Ok(match cmd {
        GETVAL => s.val as usize,
        GETPID => s.pid as usize,
        GETNCNT => s.ncnt as usize,
        _ => s.zcnt as usize,
    })
}

/// GETALL: the values.
pub fn get_all(caller: &Caller, id: i32) -> KResult<Vec<u16>> {
    let set = checked(caller, id, perm::READ)?;
    let mut out = zeroed(set.nsems)?;
    let g = set.inner.lock();
    if g.removed {
        return Err(Errno::EIDRM);
    }
    for (o, s) in out.iter_mut().zip(&g.sems) {
        *o = s.val as u16;
    }
    Ok(out)
}

/// The number of semaphores of `id`, checked for SETALL (write access).
pub fn nsems_for_setall(caller: &Caller, id: i32) -> KResult<usize> {
    Ok(checked(caller, id, perm::WRITE)?.nsems)
}

/// SETALL: `values` has the array's length (read by the caller after
/// `nsems_for_setall`).
pub fn set_all(caller: &Caller, id: i32, values: &[u16]) -> KResult<()> {
    if values.iter().any(|&v| v as i32 > SEMVMX) {
        return Err(Errno::ERANGE);
    }
    let set = checked(caller, id, perm::WRITE)?;
    {
        let mut g = set.inner.lock();
        let inner = &mut *g;
        if inner.removed {
            return Err(Errno::EIDRM);
        }
        if values.len() != inner.sems.len() {
            return Err(Errno::EINVAL);
        }
        for (s, &v) in inner.sems.iter_mut().zip(values) {
            s.val = v as i32;
            s.pid = caller.tgid;
        }
        for adj in inner.undo.values_mut() {
            adj.iter_mut().for_each(|a| *a = 0);
        }
        inner.ctime = caller.now;
    }
    set.waiters.wake_all();
    Ok(())
}

/// SETVAL (ERANGE first, as Linux's `semctl_setval` checks).
pub fn set_val(caller: &Caller, id: i32, num: i32, val: i32) -> KResult<()> {
    if !(0..=SEMVMX).contains(&val) {
        return Err(Errno::ERANGE);
    }
    let set = {
        let t = SETS.lock();
        let e = t.get(id)?;
        if num < 0 || num as usize >= e.obj.nsems {
            return Err(Errno::EINVAL);
        }
        e.perm.check(caller, perm::WRITE)?;
        e.obj.clone()
    };
    {
        let mut g = set.inner.lock();
        let inner = &mut *g;
        if inner.removed {
            return Err(Errno::EIDRM);
        }
        let n = num as usize;
        inner.sems[n].val = val;
        inner.sems[n].pid = caller.tgid;
        for adj in inner.undo.values_mut() {
            adj[n] = 0;
        }
        inner.ctime = caller.now;
    }
    set.waiters.wake_all();
    Ok(())
}

/// `struct semid64_ds` (104 bytes).
fn semid_ds(perm: &IpcPerm, set: &SemSet) -> [u8; 104] {
    let mut b = [0u8; 104];
    b[..48].copy_from_slice(&perm.to_user());
    let g = set.inner.lock();
    put_i64(&mut b, 48, g.otime);
    put_i64(&mut b, 64, g.ctime);
    put_u64(&mut b, 80, set.nsems as u64);
    b
}

/// IPC_STAT, SEM_STAT, SEM_STAT_ANY.
pub fn stat(caller: &Caller, id: i32, cmd: i32) -> KResult<(usize, [u8; 104])> {
    let t = SETS.lock();
    let e = if cmd == IPC_STAT { t.get(id)? } else { t.at_index(id)? };
    if cmd != SEM_STAT_ANY {
        e.perm.check(caller, perm::READ)?;
    }
    let result = if cmd == IPC_STAT { 0 } else { e.perm.id as usize };
    Ok((result, semid_ds(&e.perm, &e.obj)))
}

/// IPC_INFO and SEM_INFO: `struct seminfo` (40 bytes) and the highest
/// index in use.
pub fn info(cmd: i32) -> (usize, [u8; 40]) {
    let t = SETS.lock();
    let semmns = limits::semmns();
    let fields: [i32; 10] = [
        // semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz,
        // semvmx, semaem; SEM_INFO puts usage in semusz and semaem.
        semmns,
        limits::semmni() as i32,
        semmns,
        semmns,
        limits::semmsl(),
        limits::semopm(),
        limits::semopm(),
        if cmd == IPC_INFO { SEMUSZ } else { t.in_use() as i32 },
        SEMVMX,
        if cmd == IPC_INFO { SEMAEM } else { t.iter().map(|e| e.obj.nsems).sum::<usize>() as i32 },
    ];
    let mut b = [0u8; 40];
    for (i, f) in fields.iter().enumerate() {
        put_i32(&mut b, i * 4, *f);
    }
    (t.info_result(), b)
}

/// IPC_SET.
pub fn set(caller: &Caller, id: i32, new: &PermSet) -> KResult<()> {
    let mut t = SETS.lock();
    let e = t.get_mut(id)?;
    e.perm.check_owner(caller)?;
    e.perm.set(new);
    e.obj.inner.lock().ctime = caller.now;
    Ok(())
}

/// IPC_RMID: waiters fail with EIDRM.
pub fn remove(caller: &Caller, id: i32) -> KResult<()> {
    let mut t = SETS.lock();
    t.get(id)?.perm.check_owner(caller)?;
    let e = t.remove(id)?;
    drop(t);
    e.obj.inner.lock().removed = true;
    e.obj.waiters.wake_all();
    Ok(())
}

/// The text of /proc/sysvipc/sem.
pub fn proc_text() -> String {
    let mut s = String::from("       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n");
    for e in SETS.lock().iter() {
        let p = &e.perm;
        let (otime, ctime) = {
            let g = e.obj.inner.lock();
            (g.otime, g.ctime)
        };
        let _ = writeln!(
            s,
            "{:>10} {:>10}  {:>4o} {:>10} {:>5} {:>5} {:>5} {:>5} {:>10} {:>10}",
            p.key, p.id, p.mode, e.obj.nsems, p.uid, p.gid, p.cuid, p.cgid, otime, ctime
        );
    }
    s
}
