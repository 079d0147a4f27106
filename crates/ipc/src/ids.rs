//! The id table of one IPC family (Linux's `struct ipc_ids` and
//! `ipc_idr_alloc`): an id is `seq * 32768 + index`; indices are handed out
//! cyclically and the sequence number grows each time the cursor wraps, so
//! a removed id is not given out again at once.

use alloc::vec::Vec;

use abi::{Errno, KResult};

use crate::perm::IpcPerm;
use crate::{Caller, IPC_CREAT, IPC_EXCL, IPC_PRIVATE};

/// IPCMNI: the most objects of a family (and the index range).
pub const IPCMNI: usize = 32768;
const SEQ_SHIFT: u32 = 15;
/// `ipcid_seq_max()`: INT_MAX >> 15.
const SEQ_MAX: u32 = (i32::MAX as u32) >> SEQ_SHIFT;
/// `ipc_min_cycle`: indices cycle over at least this many slots.
const MIN_CYCLE: usize = 64;

/// One object and its permissions.
pub struct Entry<T> {
    pub perm: IpcPerm,
    pub obj: T,
}

/// The objects of one family, by index.
pub struct IdTable<T> {
    slots: Vec<Option<Entry<T>>>,
    in_use: usize,
    seq: u32,
    /// The index handed out last (-1: none yet); the cyclic cursor starts
    /// after it.
    last_idx: isize,
}

impl<T> Default for IdTable<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// What `lookup_key` found for a get call.
pub enum KeyLookup {
    /// Create a new object.
    Create,
    /// An existing object at this index (already checked).
    Existing(usize),
}

impl<T> IdTable<T> {
    pub const fn new() -> Self {
        Self { slots: Vec::new(), in_use: 0, seq: 0, last_idx: -1 }
    }

    pub fn in_use(&self) -> usize {
        self.in_use
    }

    /// Linux's `ipc_get_maxidx`: the highest index in use, -1 when empty.
    pub fn max_idx(&self) -> isize {
        self.slots.iter().rposition(|s| s.is_some()).map_or(-1, |i| i as isize)
    }

    /// The *_INFO commands' return value: the highest index, or 0.
    pub fn info_result(&self) -> usize {
        self.max_idx().max(0) as usize
    }

    /// Linux's `ipcget`: what a get call with `key` and `flags` does.
    /// `more_checks` is the family's check of an existing object (size,
    /// nsems: EINVAL); `access` is the mode asked of it.
    pub fn lookup_key(
        &self,
        key: i32,
        flags: u32,
        caller: &Caller,
        more_checks: impl FnOnce(&Entry<T>) -> KResult<()>,
    ) -> KResult<KeyLookup> {
        if key == IPC_PRIVATE {
            return Ok(KeyLookup::Create);
        }
        let Some(index) = self.slots.iter().position(|s| s.as_ref().is_some_and(|e| e.perm.key == key)) else {
            return if flags & IPC_CREAT != 0 { Ok(KeyLookup::Create) } else { Err(Errno::ENOENT) };
        };
        if flags & IPC_CREAT != 0 && flags & IPC_EXCL != 0 {
            return Err(Errno::EEXIST);
        }
        let entry = self.slots[index].as_ref().ok_or(Errno::ENOENT)?;
        more_checks(entry)?;
        entry.perm.check(caller, flags)?;
        Ok(KeyLookup::Existing(index))
    }

    /// Adds an object (Linux's `ipc_addid`); `limit` is the family's
    /// `*mni`. Returns its id. ENOSPC at the limit.
    pub fn add(&mut self, mut perm: IpcPerm, obj: T, limit: usize) -> KResult<i32> {
        if self.in_use >= limit.min(IPCMNI) {
            return Err(Errno::ENOSPC);
        }
        let cycle = (self.in_use * 3 / 2).clamp(MIN_CYCLE, IPCMNI);
        let start = (self.last_idx + 1) as usize;
        let free = |i: &usize| self.slots.get(*i).is_none_or(|s| s.is_none());
        let index = (start..cycle).find(free).or_else(|| (0..cycle.min(start)).find(free)).ok_or(Errno::ENOSPC)?;
        if index >= self.slots.len() {
            self.slots.try_reserve(index + 1 - self.slots.len()).map_err(|_| Errno::ENOMEM)?;
            self.slots.resize_with(index + 1, || None);
        }
        if index as isize <= self.last_idx {
            self.seq += 1;
            if self.seq >= SEQ_MAX {
                self.seq = 0;
            }
        }
        self.last_idx = index as isize;
        perm.seq = self.seq;
        perm.id = ((self.seq << SEQ_SHIFT) as usize + index) as i32;
        let id = perm.id;
        self.slots[index] = Some(Entry { perm, obj });
        self.in_use += 1;
        Ok(id)
    }

    /// The object with id `id` (Linux's `ipc_obtain_object_check`): EINVAL
    /// when there is none or the sequence number differs.
    pub fn get(&self, id: i32) -> KResult<&Entry<T>> {
        let index = self.index_of(id)?;
        self.slots[index].as_ref().ok_or(Errno::EINVAL)
    }

    pub fn get_mut(&mut self, id: i32) -> KResult<&mut Entry<T>> {
        let index = self.index_of(id)?;
        self.slots[index].as_mut().ok_or(Errno::EINVAL)
    }

    fn index_of(&self, id: i32) -> KResult<usize> {
        if id < 0 {
            return Err(Errno::EINVAL);
        }
        let index = id as usize % IPCMNI;
        match self.slots.get(index) {
            Some(Some(e)) if e.perm.seq == (id as u32) >> SEQ_SHIFT => Ok(index),
            _ => Err(Errno::EINVAL),
        }
    }

    /// The object at index `index`, whatever its sequence (the *_STAT
    /// commands).
    pub fn at_index(&self, index: i32) -> KResult<&Entry<T>> {
        usize::try_from(index).ok().and_then(|i| self.slots.get(i)).and_then(|s| s.as_ref()).ok_or(Errno::EINVAL)
    }

    pub fn at_index_mut(&mut self, index: usize) -> Option<&mut Entry<T>> {
        self.slots.get_mut(index).and_then(|s| s.as_mut())
    }

    /// Removes the object with id `id`.
    pub fn remove(&mut self, id: i32) -> KResult<Entry<T>> {
        let index = self.index_of(id)?;
        let entry = self.slots[index].take().ok_or(Errno::EINVAL)?;
        self.in_use -= 1;
        Ok(entry)
    }

    /// Objects in index order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry<T>> {
        self.slots.iter().flatten()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Entry<T>> {
        self.slots.iter_mut().flatten()
    }

    /// Removes every object `dead` says is gone.
    pub fn retain(&mut self, mut keep: impl FnMut(&Entry<T>) -> bool) {
        for slot in self.slots.iter_mut() {
            if slot.as_ref().is_some_and(|e| !keep(e)) {
                *slot = None;
                self.in_use -= 1;
            }
        }
    }
}
