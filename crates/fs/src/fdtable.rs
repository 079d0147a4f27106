//! [`FdTable`]: a process's file descriptors.
//!
//! A slot holds an `Arc<OpenFile>` and the fd's close-on-exec flag. Threads
//! created with `CLONE_FILES` share one table (`Arc<FdTable>`); fork gives
//! the child a copy ([`FdTable::fork_copy`]) whose slots share the open file
//! descriptions. `RLIMIT_NOFILE` is passed in by the caller on each
//! allocation.
//!
//! Allocation finds the lowest free fd starting at `free_from`, below
//! which every fd is known to be open (Linux's `next_fd`): opening n files
//! one after another costs O(n), not O(n²).
//!
//! Locks: `slots` is taken alone. Descriptions removed from the table are
//! dropped after it is released (their `release` may wake tasks).

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::OpenFile;
use crate::flags::OpenFlags;

#[derive(Clone)]
struct Slot {
    file: Arc<OpenFile>,
    cloexec: bool,
}

/// A file descriptor table.
#[derive(Default)]
pub struct FdTable {
    /// Index = fd. Lock order: before nothing (never held across calls out).
    slots: SpinLock<Vec<Option<Slot>>>,
    /// Every fd below this is open. Changed only with `slots` held: raised
    /// by an allocation that took it, lowered by any close below it.
    free_from: AtomicUsize,
}

fn index(fd: i32) -> KResult<usize> {
    usize::try_from(fd).map_err(|_| Errno::EBADF)
}

impl FdTable {
    /// An empty table.
    pub fn new() -> FdTable {
        FdTable::default()
    }

    /// A copy for a forked child: same descriptions, same close-on-exec flags.
    pub fn fork_copy(&self) -> FdTable {
        let slots = self.slots.lock();
        FdTable {
            slots: SpinLock::new(slots.clone()),
            free_from: AtomicUsize::new(self.free_from.load(Ordering::Relaxed)),
        }
    }

    /// The description behind `fd` (EBADF).
    pub fn get(&self, fd: i32) -> KResult<Arc<OpenFile>> {
        let i = index(fd)?;
        self.slots
            .lock()
            .get(i)
            .and_then(|s| s.as_ref())
            .map(|s| s.file.clone())
            .ok_or(Errno::EBADF)
    }

    /// Installs `file` at the lowest free fd `>= min` and below `limit`
    /// (`RLIMIT_NOFILE`); EMFILE when none is free.
    pub fn insert_from(
        &self,
        min: usize,
        file: Arc<OpenFile>,
        cloexec: bool,
        limit: usize,
    ) -> KResult<i32> {
        let mut slots = self.slots.lock();
        let free_from = self.free_from.load(Ordering::Relaxed);
        let free = (min.max(free_from)..limit)
            .find(|&i| slots.get(i).is_none_or(|s| s.is_none()))
            .ok_or(Errno::EMFILE)?;
        if free >= slots.len() {
            slots.resize(free + 1, None);
        }
        slots[free] = Some(Slot { file, cloexec });
        if min <= free_from {
            // Everything from free_from to free was open, and free is now.
            self.free_from.store(free + 1, Ordering::Relaxed);
        }
        Ok(free as i32)
    }

    /// Installs `file` at the lowest free fd (open, pipe, socket...).
    pub fn insert(&self, file: Arc<OpenFile>, cloexec: bool, limit: usize) -> KResult<i32> {
        self.insert_from(0, file, cloexec, limit)
    }

    /// `close`: EBADF if `fd` is not open. The description is released when
    /// its last reference goes.
    pub fn close(&self, fd: i32) -> KResult<()> {
        let i = index(fd)?;
        let old = {
            let mut slots = self.slots.lock();
            let old = slots.get_mut(i).and_then(Option::take).ok_or(Errno::EBADF)?;
            self.freed(i);
            old
        };
        let socket = crate::socket::unix::UnixSocket::of(&old.file).is_some();
        drop(old); // after the table lock is released
        if socket {
            // It may have been the last way into a ring of sockets that
            // hold each other in flight.
            crate::socket::unix::gc::maybe_collect();
        }
        Ok(())
    }

    /// `dup`: lowest free fd, close-on-exec cleared.
    pub fn dup(&self, fd: i32, limit: usize) -> KResult<i32> {
        self.insert(self.get(fd)?, false, limit)
    }

    /// `fcntl(F_DUPFD / F_DUPFD_CLOEXEC)`: lowest free fd `>= min` (EINVAL
    /// if `min` is negative or not below `limit`).
    pub fn dup_min(&self, fd: i32, min: i32, cloexec: bool, limit: usize) -> KResult<i32> {
        let min = usize::try_from(min).map_err(|_| Errno::EINVAL)?;
        if min >= limit {
            return Err(Errno::EINVAL);
        }
        self.insert_from(min, self.get(fd)?, cloexec, limit)
    }

    /// `dup2`: `new` becomes a copy of `old` (closing what was there); same
    /// fd: returns it if open. EBADF if `new` is negative or not below `limit`.
    pub fn dup2(&self, old: i32, new: i32, limit: usize) -> KResult<i32> {
        if old == new {
            return self.get(old).map(|_| old);
        }
        self.dup_into(old, new, false, limit)
    }

    /// `dup3`: like dup2, but the same fd is EINVAL and `flags` may only be
    /// `O_CLOEXEC` (EINVAL).
    pub fn dup3(&self, old: i32, new: i32, flags: OpenFlags, limit: usize) -> KResult<i32> {
        if flags.bits() & !OpenFlags::CLOEXEC.bits() != 0 || old == new {
            return Err(Errno::EINVAL);
        }
        self.dup_into(old, new, flags.contains(OpenFlags::CLOEXEC), limit)
    }

    fn dup_into(&self, old: i32, new: i32, cloexec: bool, limit: usize) -> KResult<i32> {
        let file = self.get(old)?;
        let j = index(new)?;
        if j >= limit {
            return Err(Errno::EBADF);
        }
        let mut slots = self.slots.lock();
        if j >= slots.len() {
            slots.resize(j + 1, None);
        }
        let replaced = slots[j].replace(Slot { file, cloexec });
        drop(slots);
        drop(replaced); // after the table lock is released
        Ok(new)
    }

    /// `F_GETFD`: whether close-on-exec is set.
    pub fn cloexec(&self, fd: i32) -> KResult<bool> {
        let i = index(fd)?;
        self.slots
            .lock()
            .get(i)
            .and_then(|s| s.as_ref())
            .map(|s| s.cloexec)
            .ok_or(Errno::EBADF)
    }

    /// `F_SETFD`, `FIOCLEX`, `FIONCLEX`.
    pub fn set_cloexec(&self, fd: i32, on: bool) -> KResult<()> {
        let i = index(fd)?;
        let mut slots = self.slots.lock();
        let slot = slots
            .get_mut(i)
            .and_then(|s| s.as_mut())
            .ok_or(Errno::EBADF)?;
        slot.cloexec = on;
        Ok(())
    }

    /// `execve`: closes every close-on-exec fd.
    pub fn close_on_exec(&self) {
        let mut closed = Vec::new();
        let mut slots = self.slots.lock();
        for (i, slot) in slots.iter_mut().enumerate() {
            if slot.as_ref().is_some_and(|s| s.cloexec) {
                closed.push(slot.take());
                self.freed(i);
            }
        }
        drop(slots);
        drop(closed);
    }

    /// `close_range(first, last, flags)`: closes (or with `cloexec`, marks)
    /// every open fd in `first..=last`.
    pub fn close_range(&self, first: u32, last: u32, cloexec: bool) -> KResult<()> {
        if first > last {
            return Err(Errno::EINVAL);
        }
        let mut closed = Vec::new();
        let mut slots = self.slots.lock();
        let end = (last as usize).min(slots.len().saturating_sub(1));
        for slot in slots.iter_mut().take(end + 1).skip(first as usize) {
            if cloexec {
                if let Some(s) = slot.as_mut() {
                    s.cloexec = true;
                }
            } else {
                closed.push(slot.take());
            }
        }
        if !cloexec {
            self.freed(first as usize);
        }
        drop(slots);
        drop(closed);
        Ok(())
    }

    /// Closes everything (process exit).
    pub fn close_all(&self) {
        let all = {
            let mut slots = self.slots.lock();
            self.freed(0);
            core::mem::take(&mut *slots)
        };
        drop(all);
        crate::socket::unix::gc::maybe_collect();
    }

    /// The open fds in increasing order (for `/proc/<pid>/fd`).
    pub fn open_fds(&self) -> Vec<(i32, Arc<OpenFile>)> {
        let slots = self.slots.lock();
        slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|s| (i as i32, s.file.clone())))
            .collect()
    }

    /// How many descriptors are open, and one past the highest (0 when
    /// none): /proc's status without a copy of the table.
    pub fn open_count_and_end(&self) -> (usize, usize) {
        let slots = self.slots.lock();
        let count = slots.iter().filter(|s| s.is_some()).count();
        let end = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
        (count, end)
    }

    /// Notes that fd `i` may now be free. Caller holds `slots`.
    fn freed(&self, i: usize) {
        self.free_from.fetch_min(i, Ordering::Relaxed);
    }

    /// Number of open fds.
    pub fn count(&self) -> usize {
        self.slots.lock().iter().filter(|s| s.is_some()).count()
    }
}

#[cfg(test)]
mod test;
