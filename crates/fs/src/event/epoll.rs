//! epoll: an interest list of files and a ready list, as Linux's
//! fs/eventpoll.c keeps them.
//!
//! Readiness flows through the one mechanism every file has
//! (`FileOps::poll_ready` registering a waker): each watched file gets an
//! [`Item`] whose waker is the item itself. A change on the file wakes the
//! item, which puts itself on its epoll's ready list (once) and wakes the
//! epoll's waiters: `epoll_wait` callers, and whoever polls the epoll file
//! (poll, select, an outer epoll). So `epoll_wait` costs O(ready), not
//! O(interest).
//!
//! `epoll_wait` takes the ready items, asks each file for its readiness
//! again (which re-registers the item's waker, so the next change is heard)
//! and reports those with events of interest. Level-triggered items go
//! back on the ready list (reported again while they stay ready);
//! edge-triggered ones stay off it until their file wakes them again;
//! one-shot ones are disarmed until `EPOLL_CTL_MOD`.
//!
//! Lifetimes: the interest list holds the items; an item holds its epoll and
//! its file weakly. A file keeps a list of the items watching it
//! ([`Watchers`]) and removes them from their epolls when its last
//! reference goes (Linux's `eventpoll_release`), so closing a file takes it
//! out of every interest list. An epoll file shared by fork is one
//! instance, so the interest list is shared too.
//!
//! Nesting: an epoll file may watch another (its waiters include the outer
//! epoll's item). Adding one that would close a loop is ELOOP, and so is a
//! chain deeper than Linux's `EP_MAX_NESTS` (4).
//!
//! Waiters: every waiter is woken when an item becomes ready (Linux wakes
//! one exclusive waiter and lets it pass level-triggered events on; here
//! the others find the list empty and wait again). Items added with
//! `EPOLLEXCLUSIVE` (Linux's checks) are woken one at a time: a file's
//! waker list hands a change to one of them (`WakerList::take`), so of
//! several epolls watching one file exclusively, one wakes.
//!
//! Locks: `Epoll::state` is a leaf with respect to files: a file's
//! readiness is asked with no epoll lock held, and wakers are woken after
//! it is released. `Watchers::items` is a leaf.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::{Arc, Weak};
use alloc::task::Wake;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Context, Poll, Waker};

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::{FileOps, OpenFile};
use crate::flags::{OpenFlags, PollEvents};
use crate::wait::WakerList;

pub const EPOLLIN: u32 = 0x001;
pub const EPOLLPRI: u32 = 0x002;
pub const EPOLLOUT: u32 = 0x004;
pub const EPOLLERR: u32 = 0x008;
pub const EPOLLHUP: u32 = 0x010;
pub const EPOLLRDNORM: u32 = 0x040;
pub const EPOLLRDBAND: u32 = 0x080;
pub const EPOLLWRNORM: u32 = 0x100;
pub const EPOLLWRBAND: u32 = 0x200;
pub const EPOLLMSG: u32 = 0x400;
pub const EPOLLRDHUP: u32 = 0x2000;
pub const EPOLLEXCLUSIVE: u32 = 1 << 28;
pub const EPOLLWAKEUP: u32 = 1 << 29;
pub const EPOLLONESHOT: u32 = 1 << 30;
pub const EPOLLET: u32 = 1 << 31;

pub const EPOLL_CTL_ADD: i32 = 1;
pub const EPOLL_CTL_DEL: i32 = 2;
pub const EPOLL_CTL_MOD: i32 = 3;

/// The event bits (the rest of `events` are flags).
const EVENT_BITS: u32 = EPOLLIN
    | EPOLLPRI
    | EPOLLOUT
    | EPOLLERR
    | EPOLLHUP
    | EPOLLRDNORM
    | EPOLLRDBAND
    | EPOLLWRNORM
    | EPOLLWRBAND
    | EPOLLMSG
    | EPOLLRDHUP;
/// What `EPOLLEXCLUSIVE` may be combined with (Linux's
/// `EPOLLEXCLUSIVE_OK_BITS`).
const EXCLUSIVE_OK_BITS: u32 = EPOLLIN
    | EPOLLOUT
    | EPOLLRDNORM
    | EPOLLRDBAND
    | EPOLLWRNORM
    | EPOLLWRBAND
    | EPOLLERR
    | EPOLLHUP
    | EPOLLWAKEUP
    | EPOLLET
    | EPOLLEXCLUSIVE;
/// Linux's `EP_MAX_NESTS`: how deep epoll files may watch epoll files.
const MAX_NESTS: usize = 4;

/// One reported event: `epoll_event`'s two fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub events: u32,
    pub data: u64,
}

/// Where an item is keyed: the fd it was added with and its file (Linux's
/// `epoll_filefd`). The file is pinned by the item's weak reference, so its
/// address is not reused while the item exists.
type Key = (i32, usize);

fn key_of(fd: i32, file: &Arc<OpenFile>) -> Key {
    (fd, Arc::as_ptr(file) as usize)
}

/// An epoll instance.
pub struct Epoll {
    /// Itself, for the items' back references.
    me: Weak<Epoll>,
    state: SpinLock<State>,
}

struct State {
    interest: BTreeMap<Key, Arc<Item>>,
    ready: VecDeque<Arc<Item>>,
    /// epoll_wait callers and watchers of the epoll file.
    waiters: WakerList,
}

/// One watched file.
pub struct Item {
    key: Key,
    epoll: Weak<Epoll>,
    file: Weak<OpenFile>,
    /// `events` (interest bits and flags) and `data`; written under the
    /// epoll's lock.
    config: SpinLock<Event>,
    /// On the ready list (changed under the epoll's lock).
    queued: AtomicBool,
    /// A one-shot item that reported and waits for `EPOLL_CTL_MOD`.
    disarmed: AtomicBool,
    /// Added with EPOLLEXCLUSIVE (and so listed in `EXCLUSIVE`).
    exclusive: bool,
}

/// The items registered with EPOLLEXCLUSIVE, by the address their wakers
/// carry (`Waker::data`), so that a file's waker list can wake only one of
/// them. Lock: a leaf (taken under files' locks). `EXCLUSIVE_ITEMS` keeps
/// the common case, none, to one load.
static EXCLUSIVE: SpinLock<alloc::collections::BTreeSet<usize>> = SpinLock::new(alloc::collections::BTreeSet::new());
static EXCLUSIVE_ITEMS: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

/// Whether any EPOLLEXCLUSIVE registration exists.
pub(crate) fn any_exclusive() -> bool {
    EXCLUSIVE_ITEMS.load(Ordering::Acquire) > 0
}

/// Whether `waker` is an EPOLLEXCLUSIVE registration's.
pub(crate) fn is_exclusive(waker: &Waker) -> bool {
    EXCLUSIVE.lock().contains(&(waker.data() as usize))
}

impl Drop for Item {
    fn drop(&mut self) {
        if self.exclusive && EXCLUSIVE.lock().remove(&(self as *const Item as usize)) {
            EXCLUSIVE_ITEMS.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Wake for Item {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(epoll) = self.epoll.upgrade() {
            epoll.queue(self);
        }
    }
}

impl Item {
    /// The file's readiness as this item sees it; registers the item's
    /// waker with the file for the next change.
    fn poll_file(self: &Arc<Self>, file: &OpenFile) -> u32 {
        let waker = Waker::from(self.clone());
        let ready = file.poll_ready(Some(&mut Context::from_waker(&waker)));
        let interest = self.config.lock().events;
        ready.bits() & (interest | EPOLLERR | EPOLLHUP) & EVENT_BITS
    }
}

/// The epoll items watching one file; its last reference going removes
/// them from their epolls.
#[derive(Default)]
pub struct Watchers {
    items: SpinLock<Vec<Weak<Item>>>,
}

impl Watchers {
    pub const fn new() -> Self {
        Self { items: SpinLock::new(Vec::new()) }
    }

    fn add(&self, item: &Arc<Item>) {
        let mut items = self.items.lock();
        items.retain(|w| w.strong_count() > 0);
        items.push(Arc::downgrade(item));
    }

    /// The file's last reference is gone.
    pub fn file_closed(&self) {
        let items = core::mem::take(&mut *self.items.lock());
        for item in items.iter().filter_map(Weak::upgrade) {
            if let Some(epoll) = item.epoll.upgrade() {
                epoll.remove(item.key);
            }
        }
    }
}

impl Epoll {
    /// `epoll_create1`: a new epoll file.
    pub fn new_file() -> Arc<OpenFile> {
        let ops = Arc::new_cyclic(|me| Epoll {
            me: me.clone(),
            state: SpinLock::new(State { interest: BTreeMap::new(), ready: VecDeque::new(), waiters: WakerList::new() }),
        });
        super::anon_file(ops, "[eventpoll]", OpenFlags::RDWR)
    }

    /// `EPOLL_CTL_ADD`, `MOD` or `DEL` of `file` (open as `fd`). `this` is
    /// the epoll's own file. Errors as Linux's `do_epoll_ctl`.
    pub fn ctl(&self, this: &Arc<OpenFile>, op: i32, fd: i32, file: &Arc<OpenFile>, event: Event) -> KResult<()> {
        if Arc::ptr_eq(this, file) {
            return Err(Errno::EINVAL);
        }
        if !file.ops().can_poll() {
            return Err(Errno::EPERM);
        }
        let exclusive = event.events & EPOLLEXCLUSIVE != 0;
        if exclusive && op == EPOLL_CTL_MOD {
            return Err(Errno::EINVAL);
        }
        if exclusive && op == EPOLL_CTL_ADD && (file.ops().as_epoll().is_some() || event.events & !EXCLUSIVE_OK_BITS != 0) {
            return Err(Errno::EINVAL);
        }
        let key = key_of(fd, file);
        match op {
            EPOLL_CTL_ADD => self.add(this, key, file, event),
            EPOLL_CTL_MOD => self.modify(key, file, event),
            EPOLL_CTL_DEL => {
                if self.remove(key) { Ok(()) } else { Err(Errno::ENOENT) }
            }
            _ => Err(Errno::EINVAL),
        }
    }

    fn add(&self, this: &Arc<OpenFile>, key: Key, file: &Arc<OpenFile>, event: Event) -> KResult<()> {
        if self.state.lock().interest.contains_key(&key) {
            return Err(Errno::EEXIST);
        }
        if let Some(inner) = file.ops().as_epoll() {
            // The chain below `file`, plus this epoll and whatever watches
            // it, must stay within MAX_NESTS, and must not reach `this`.
            let below = inner.depth_to(this, 0)?;
            if below + 1 > MAX_NESTS {
                return Err(Errno::ELOOP);
            }
        }
        let item = Arc::new(Item {
            key,
            epoll: self.me.clone(),
            file: Arc::downgrade(file),
            config: SpinLock::new(Event { events: event.events | EPOLLERR | EPOLLHUP, data: event.data }),
            queued: AtomicBool::new(false),
            disarmed: AtomicBool::new(false),
            exclusive: event.events & EPOLLEXCLUSIVE != 0,
        });
        if item.exclusive {
            // A waker made from an `Arc<Item>` carries the item's address.
            EXCLUSIVE.lock().insert(Arc::as_ptr(&item) as usize);
            EXCLUSIVE_ITEMS.fetch_add(1, Ordering::AcqRel);
        }
        {
            let mut st = self.state.lock();
            if st.interest.contains_key(&key) {
                return Err(Errno::EEXIST);
            }
            st.interest.insert(key, item.clone());
        }
        file.watchers().add(&item);
        if item.poll_file(file) != 0 {
            self.queue(&item);
        }
        Ok(())
    }

    fn modify(&self, key: Key, file: &Arc<OpenFile>, event: Event) -> KResult<()> {
        let item = self.state.lock().interest.get(&key).cloned().ok_or(Errno::ENOENT)?;
        if item.config.lock().events & EPOLLEXCLUSIVE != 0 {
            return Err(Errno::EINVAL);
        }
        *item.config.lock() = Event { events: event.events | EPOLLERR | EPOLLHUP, data: event.data };
        item.disarmed.store(false, Ordering::Release);
        if item.poll_file(file) != 0 {
            self.queue(&item);
        }
        Ok(())
    }

    /// Removes the item under `key`; whether there was one.
    fn remove(&self, key: Key) -> bool {
        let mut st = self.state.lock();
        let Some(item) = st.interest.remove(&key) else { return false };
        if item.queued.swap(false, Ordering::AcqRel) {
            st.ready.retain(|i| !Arc::ptr_eq(i, &item));
        }
        // Stale registrations of its waker in the file's lists find no
        // epoll entry and are dropped at the file's next change.
        item.disarmed.store(true, Ordering::Release);
        true
    }

    /// Puts `item` on the ready list (once) and wakes the waiters.
    fn queue(&self, item: &Arc<Item>) {
        if item.disarmed.load(Ordering::Acquire) {
            return;
        }
        let mut st = self.state.lock();
        if !st.interest.contains_key(&item.key) {
            return;
        }
        if !item.queued.swap(true, Ordering::AcqRel) {
            st.ready.push_back(item.clone());
        }
        let mut woken = st.waiters.take();
        drop(st);
        woken.wake_all();
    }

    /// Collects up to `max` events. When there are none and `cx` is given,
    /// registers its waker and looks once more, so no wake is lost.
    pub fn poll_wait(&self, max: usize, mut cx: Option<&mut Context<'_>>) -> Poll<Vec<Event>> {
        loop {
            let events = self.collect(max);
            if !events.is_empty() {
                return Poll::Ready(events);
            }
            let Some(cx) = cx.as_deref_mut() else { return Poll::Ready(events) };
            let mut st = self.state.lock();
            if st.ready.is_empty() {
                st.waiters.register(cx.waker());
                return Poll::Pending;
            }
            // Something became ready meanwhile: collect again.
        }
    }

    /// One pass over the ready list.
    fn collect(&self, max: usize) -> Vec<Event> {
        let batch: Vec<Arc<Item>> = {
            let mut st = self.state.lock();
            let batch: Vec<_> = st.ready.drain(..).collect();
            for item in &batch {
                item.queued.store(false, Ordering::Release);
            }
            batch
        };
        let mut events = Vec::new();
        let mut keep = Vec::new();
        for item in batch {
            if events.len() >= max {
                keep.push(item);
                continue;
            }
            if item.disarmed.load(Ordering::Acquire) {
                continue;
            }
            let Some(file) = item.file.upgrade() else { continue };
            let ready = item.poll_file(&file);
            if ready == 0 {
                continue; // registered again: its next change brings it back
            }
            let config = *item.config.lock();
            events.push(Event { events: ready, data: config.data });
            if config.events & EPOLLONESHOT != 0 {
                item.disarmed.store(true, Ordering::Release);
            } else if config.events & EPOLLET == 0 {
                keep.push(item);
            }
        }
        if !keep.is_empty() {
            let mut st = self.state.lock();
            // In front: not yet reported ones keep their turn; level-
            // triggered ones reported now follow them on the next call
            // after the items that became ready meanwhile (fairness).
            for item in keep.into_iter().rev() {
                if st.interest.contains_key(&item.key) && !item.queued.swap(true, Ordering::AcqRel) {
                    st.ready.push_front(item);
                }
            }
        }
        events
    }

    /// Whether an event is ready (for polling the epoll file itself).
    fn has_events(&self) -> bool {
        let batch: Vec<Arc<Item>> = self.state.lock().ready.iter().cloned().collect();
        batch.iter().any(|item| {
            !item.disarmed.load(Ordering::Acquire)
                && item.file.upgrade().is_some_and(|f| {
                    let interest = item.config.lock().events;
                    f.poll_ready(None).bits() & (interest | EPOLLERR | EPOLLHUP) & EVENT_BITS != 0
                })
        })
    }

    /// The depth of the epoll chain below this epoll, or ELOOP if `target`
    /// is reachable from it (adding it under `target` would close a loop).
    fn depth_to(&self, target: &Arc<OpenFile>, level: usize) -> KResult<usize> {
        if level > MAX_NESTS {
            return Err(Errno::ELOOP);
        }
        let files: Vec<Arc<OpenFile>> = self.state.lock().interest.values().filter_map(|i| i.file.upgrade()).collect();
        let mut depth = 0;
        for file in files {
            if Arc::ptr_eq(&file, target) {
                return Err(Errno::ELOOP);
            }
            if let Some(inner) = file.ops().as_epoll() {
                depth = depth.max(1 + inner.depth_to(target, level + 1)?);
            }
        }
        Ok(depth)
    }

    /// Number of watched files.
    pub fn len(&self) -> usize {
        self.state.lock().interest.len()
    }
}

impl FileOps for Epoll {
    fn poll_read(&self, _file: &OpenFile, _cx: &mut Context<'_>, _buf: &mut [u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Err(Errno::EINVAL))
    }

    fn poll_write(&self, _file: &OpenFile, _cx: &mut Context<'_>, _buf: &[u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Err(Errno::EINVAL))
    }

    fn poll_ready(&self, _file: &OpenFile, cx: Option<&mut Context<'_>>) -> PollEvents {
        if let Some(cx) = cx {
            self.state.lock().waiters.register(cx.waker());
        }
        if self.has_events() { PollEvents::READABLE } else { PollEvents::empty() }
    }

    fn can_poll(&self) -> bool {
        true
    }

    fn as_epoll(&self) -> Option<&Epoll> {
        Some(self)
    }
}

#[cfg(test)]
mod test;
