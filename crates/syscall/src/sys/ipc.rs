//! System V IPC: shmget/shmat/shmdt/shmctl, semget/semop/semtimedop/semctl,
//! msgget/msgsnd/msgrcv/msgctl (Linux v6.1 `ipc/`). The objects live in
//! the `ipc` crate; these handlers decode, copy user memory and map the
//! blocking calls' interruptions to Linux's errnos.

use abi::{Errno, KResult};
use ipc::perm::PermSet;
use ipc::{Caller, IPC_INFO, IPC_RMID, IPC_SET, IPC_STAT, msg, sem, shm};
use mm::AttachAt;

use crate::ctx::SyscallContext;
use crate::interruptible;

const NS_PER_SEC: u64 = 1_000_000_000;

fn caller(cx: &SyscallContext<'_>) -> Caller {
    let cred = cx.thread.process().cred.lock().clone();
    let wall_ns = arch::time::now_ns().saturating_add(crate::sys::time::realtime_offset_ns());
    Caller {
        euid: cred.euid,
        egid: cred.egid,
        fsgid: cred.fsgid,
        privileged: cred.is_privileged(),
        groups: cred.groups,
        tgid: cx.pid(),
        now: (wall_ns / NS_PER_SEC) as i64,
    }
}

/// The `*id64_ds` IPC_SET reads whole, as Linux copies it (EFAULT first):
/// its `ipc64_perm` and, for msgctl, msg_qbytes.
fn read_set(cx: &SyscallContext<'_>, buf: u64, len: usize) -> KResult<alloc::vec::Vec<u8>> {
    cx.read_bytes(buf, len)
}

const SHMID_DS_LEN: usize = 112;
const SEMID_DS_LEN: usize = 104;
const MSQID_DS_LEN: usize = 120;

// ---- shared memory ----

pub fn shmget(cx: &mut SyscallContext<'_>, key: u64, size: u64, flags: u64) -> KResult<usize> {
    shm::shmget(&caller(cx), key as i32, size, flags as u32)
}

pub fn shmat(cx: &mut SyscallContext<'_>, id: u64, addr: u64, flags: u64) -> KResult<usize> {
    let (id, flags) = (id as i32, flags as u32);
    let page = mm::PAGE_SIZE as u64;
    // do_shmat's address checks come first.
    if id < 0 {
        return Err(Errno::EINVAL);
    }
    let mut addr = addr;
    let at = if addr != 0 {
        if addr % page != 0 {
            if flags & shm::SHM_RND == 0 {
                return Err(Errno::EINVAL);
            }
            addr -= addr % page;
            if addr == 0 && flags & shm::SHM_REMAP != 0 {
                return Err(Errno::EINVAL);
            }
        }
        AttachAt::Fixed { addr: addr as usize, replace: flags & shm::SHM_REMAP != 0 }
    } else {
        if flags & shm::SHM_REMAP != 0 {
            return Err(Errno::EINVAL);
        }
        AttachAt::Anywhere
    };
    let me = caller(cx);
    let target = shm::attach_target(&me, id, flags)?;
    let mut prot = if flags & shm::SHM_RDONLY != 0 { mm::Prot::READ } else { mm::Prot::READ | mm::Prot::WRITE };
    if flags & shm::SHM_EXEC != 0 {
        prot |= mm::Prot::EXEC;
    }
    let writable = flags & shm::SHM_RDONLY == 0;
    let addr = cx.vm().attach_sysv(target.memory.clone(), at, target.size, prot, writable)?;
    shm::attached(&me, &target.memory);
    Ok(addr)
}

pub fn shmdt(cx: &mut SyscallContext<'_>, addr: u64) -> KResult<usize> {
    let memory = cx.vm().detach_sysv(addr as usize)?;
    shm::detached(&caller(cx), memory);
    Ok(0)
}

pub fn shmctl(cx: &mut SyscallContext<'_>, id: u64, cmd: u64, buf: u64) -> KResult<usize> {
    let (id, cmd) = (id as i32, cmd as i32);
    if cmd < 0 || id < 0 {
        return Err(Errno::EINVAL);
    }
    let me = caller(cx);
    match cmd {
        IPC_INFO | shm::SHM_INFO => {
            let (result, b) = shm::info(cmd);
            let len = if cmd == IPC_INFO { 72 } else { 48 };
            cx.write_bytes(buf, &b[..len])?;
            Ok(result)
        }
        IPC_STAT | shm::SHM_STAT | shm::SHM_STAT_ANY => {
            let (result, b) = shm::stat(&me, id, cmd)?;
            cx.write_bytes(buf, &b)?;
            Ok(result)
        }
        IPC_SET => {
            let b = read_set(cx, buf, SHMID_DS_LEN)?;
            shm::set(&me, id, &PermSet::from_user(&b)).map(|_| 0)
        }
        IPC_RMID => shm::remove(&me, id).map(|_| 0),
        shm::SHM_LOCK | shm::SHM_UNLOCK => shm::lock(&me, id, cmd == shm::SHM_LOCK).map(|_| 0),
        _ => Err(Errno::EINVAL),
    }
}

// ---- semaphores ----

pub fn semget(cx: &mut SyscallContext<'_>, key: u64, nsems: u64, flags: u64) -> KResult<usize> {
    sem::semget(&caller(cx), key as i32, nsems as i32, flags as u32)
}

pub async fn semop(cx: &mut SyscallContext<'_>, id: u64, sops: u64, nsops: u64) -> KResult<usize> {
    semtimedop(cx, id, sops, nsops, 0).await
}

pub async fn semtimedop(cx: &mut SyscallContext<'_>, id: u64, sops: u64, nsops: u64, timeout: u64) -> KResult<usize> {
    // nsops is an unsigned int.
    let (id, nsops) = (id as i32, nsops as u32 as u64);
    if nsops < 1 || id < 0 {
        return Err(Errno::EINVAL);
    }
    if nsops > ipc::limits::semopm().max(0) as u64 {
        return Err(Errno::E2BIG);
    }
    let bytes = cx.read_bytes(sops, nsops as usize * 6)?;
    let mut ops = alloc::vec::Vec::new();
    ops.try_reserve_exact(nsops as usize).map_err(|_| Errno::ENOMEM)?;
    ops.extend(bytes.chunks_exact(6).map(sem::SemBuf::from_user));
    let deadline = if timeout != 0 {
        Some(arch::time::now_ns().saturating_add(crate::sys::time::read_timespec(cx, timeout)?))
    } else {
        None
    };
    let me = caller(cx);
    let set = sem::semop_target(&me, id, &ops)?;
    let op = interruptible(cx.thread, sem::semop(&set, &ops, &me));
    let result = match deadline {
        Some(d) => runtime::global().timeout(d, op).await.unwrap_or(Err(Errno::EAGAIN)),
        None => op.await,
    };
    // semop is never restarted: a signal gives EINTR (do_semtimedop).
    match result {
        Err(Errno::ERESTARTSYS) => Err(Errno::EINTR),
        other => other.map(|_| 0),
    }
}

pub fn semctl(cx: &mut SyscallContext<'_>, id: u64, num: u64, cmd: u64, arg: u64) -> KResult<usize> {
    let (id, num, cmd) = (id as i32, num as i32, cmd as i32);
    if id < 0 {
        return Err(Errno::EINVAL);
    }
    let me = caller(cx);
    match cmd {
        IPC_INFO | sem::SEM_INFO => {
            let (result, b) = sem::info(cmd);
            cx.write_bytes(arg, &b)?;
            Ok(result)
        }
        IPC_STAT | sem::SEM_STAT | sem::SEM_STAT_ANY => {
            let (result, b) = sem::stat(&me, id, cmd)?;
            cx.write_bytes(arg, &b)?;
            Ok(result)
        }
        sem::GETVAL | sem::GETPID | sem::GETNCNT | sem::GETZCNT => sem::get_one(&me, id, num, cmd),
        sem::GETALL => {
            let values = sem::get_all(&me, id)?;
            let bytes: alloc::vec::Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            cx.write_bytes(arg, &bytes)?;
            Ok(0)
        }
        sem::SETVAL => sem::set_val(&me, id, num, arg as i32).map(|_| 0),
        sem::SETALL => {
            let n = sem::nsems_for_setall(&me, id)?;
            let bytes = cx.read_bytes(arg, n * 2)?;
            let values: alloc::vec::Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            sem::set_all(&me, id, &values).map(|_| 0)
        }
        IPC_SET => {
            let b = read_set(cx, arg, SEMID_DS_LEN)?;
            sem::set(&me, id, &PermSet::from_user(&b)).map(|_| 0)
        }
        IPC_RMID => sem::remove(&me, id).map(|_| 0),
        _ => Err(Errno::EINVAL),
    }
}

// ---- message queues ----

pub fn msgget(cx: &mut SyscallContext<'_>, key: u64, flags: u64) -> KResult<usize> {
    msg::msgget(&caller(cx), key as i32, flags as u32)
}

/// msgsnd and msgrcv end with ERESTARTNOHAND on a signal: restarted only
/// when no handler ran.
fn no_handler_restart(result: KResult<usize>) -> KResult<usize> {
    match result {
        Err(Errno::ERESTARTSYS) => Err(Errno::ERESTARTNOHAND),
        other => other,
    }
}

pub async fn msgsnd(cx: &mut SyscallContext<'_>, id: u64, msgp: u64, size: u64, flags: u64) -> KResult<usize> {
    let (id, flags) = (id as i32, flags as u32);
    let mtype: i64 = cx.read(msgp)?;
    if (size as i64) < 0 || id < 0 {
        return Err(Errno::EINVAL);
    }
    msg::check_send(size as usize, mtype)?;
    let text = cx.read_bytes(msgp.wrapping_add(8), size as usize)?;
    let me = caller(cx);
    let queue = msg::target(&me, id, ipc::perm::WRITE)?;
    let result = interruptible(cx.thread, msg::send(&queue, msg::Message { mtype, text }, flags, &me)).await;
    no_handler_restart(result.map(|_| 0))
}

pub async fn msgrcv(cx: &mut SyscallContext<'_>, id: u64, msgp: u64, size: u64, msgtyp: u64, flags: u64) -> KResult<usize> {
    let (id, flags) = (id as i32, flags as u32);
    if id < 0 {
        return Err(Errno::EINVAL);
    }
    msg::check_receive(size as i64, flags)?;
    let size = (size as usize).min(if flags & msg::MSG_COPY != 0 { ipc::limits::msgmax().max(0) as usize } else { usize::MAX });
    let me = caller(cx);
    let queue = msg::target(&me, id, ipc::perm::READ)?;
    let result = interruptible(cx.thread, msg::receive(&queue, size, msgtyp as i64, flags, &me)).await;
    let m = match result {
        Ok(m) => m,
        Err(e) => return no_handler_restart(Err(e)),
    };
    cx.write(msgp, &m.mtype)?;
    cx.write_bytes(msgp.wrapping_add(8), &m.text)?;
    Ok(m.text.len())
}

pub fn msgctl(cx: &mut SyscallContext<'_>, id: u64, cmd: u64, buf: u64) -> KResult<usize> {
    let (id, cmd) = (id as i32, cmd as i32);
    if id < 0 || cmd < 0 {
        return Err(Errno::EINVAL);
    }
    let me = caller(cx);
    match cmd {
        IPC_INFO | msg::MSG_INFO => {
            let (result, b) = msg::info(cmd);
            cx.write_bytes(buf, &b)?;
            Ok(result)
        }
        IPC_STAT | msg::MSG_STAT | msg::MSG_STAT_ANY => {
            let (result, b) = msg::stat(&me, id, cmd)?;
            cx.write_bytes(buf, &b)?;
            Ok(result)
        }
        IPC_SET => {
            let b = read_set(cx, buf, MSQID_DS_LEN)?;
            msg::set(&me, id, &PermSet::from_user(&b), ipc::perm::get_u64(&b, 88)).map(|_| 0)
        }
        IPC_RMID => msg::remove(&me, id).map(|_| 0),
        _ => Err(Errno::EINVAL),
    }
}
