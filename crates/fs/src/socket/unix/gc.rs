//! Collecting unix sockets that only messages in flight keep alive (Linux's
//! net/unix/garbage.c, in its simplest form).
//!
//! A socket sent over SCM_RIGHTS is referenced by the message that carries
//! it. If that message sits in the queue of a socket that nobody else
//! references either — the socket itself, or a ring of such sockets — no
//! program can ever receive it, and the ring keeps itself alive. So:
//!
//! 1. every unix socket counts the messages in flight that hold it
//!    (`inflight`, changed under the queue's lock as messages come and go);
//! 2. a *candidate* is an in-flight socket whose every reference is such a
//!    message (`Arc::strong_count == inflight`, plus the collector's own);
//! 3. a candidate is *alive* if some of its in-flight references sit in
//!    the queue of a non-candidate (a socket a program can still read), or
//!    in an alive candidate's queue;
//! 4. the queues of the other candidates are purged, which drops the
//!    messages and with them the last references: the ring is freed.
//!
//! No candidate can gain a reference while the collector runs: nobody holds
//! one to take it from, and a message can only leave the queue of a socket
//! somebody holds. Runs when a unix socket's descriptor is closed while
//! sockets are in flight (as Linux runs `unix_gc` from `unix_release`).

use alloc::collections::BTreeMap;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

use ksync::SpinLock;

use super::UnixSocket;
use crate::file::OpenFile;

/// The sockets that are (or were) in flight; pruned by each collection.
static IN_FLIGHT: SpinLock<Vec<Weak<OpenFile>>> = SpinLock::new(Vec::new());
/// Sockets in flight in all; 0 makes `maybe_collect` free.
static TOTAL: AtomicUsize = AtomicUsize::new(0);
/// One collection at a time.
static COLLECTING: SpinLock<()> = SpinLock::new(());

/// `files` were queued in a message.
pub(crate) fn sent(files: &[Arc<OpenFile>]) {
    for f in files {
        if let Some(s) = UnixSocket::of(f)
            && s.inflight.fetch_add(1, Ordering::AcqRel) == 0
        {
            TOTAL.fetch_add(1, Ordering::Relaxed);
            IN_FLIGHT.lock().push(Arc::downgrade(f));
        }
    }
}

/// `files` left the queue they were in (received, or dropped with it).
pub(crate) fn landed(files: &[Arc<OpenFile>]) {
    for f in files {
        if let Some(s) = UnixSocket::of(f)
            && s.inflight.fetch_sub(1, Ordering::AcqRel) == 1
        {
            TOTAL.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// Collects if any socket is in flight. Call with no lock held.
pub fn maybe_collect() {
    if TOTAL.load(Ordering::Relaxed) > 0 {
        collect();
    }
}

/// One collection; returns how many sockets' queues it purged.
pub fn collect() -> usize {
    let _one = COLLECTING.lock();
    let sockets: Vec<Arc<OpenFile>> = {
        let mut list = IN_FLIGHT.lock();
        list.retain(|w| w.upgrade().and_then(|f| UnixSocket::of(&f).map(|s| s.inflight.load(Ordering::Acquire) > 0)).unwrap_or(false));
        list.iter().filter_map(Weak::upgrade).collect()
    };
    // Candidates: every reference but ours is a message in flight.
    let key = |f: &Arc<OpenFile>| Arc::as_ptr(f) as usize;
    let candidates: BTreeMap<usize, &Arc<OpenFile>> = sockets
        .iter()
        .filter(|f| UnixSocket::of(f).is_some_and(|s| Arc::strong_count(f) == s.inflight.load(Ordering::Acquire) + 1))
        .map(|f| (key(f), f))
        .collect();
    if candidates.is_empty() {
        return 0;
    }
    // Who holds whom: the candidates found in each candidate's queue.
    let mut held_by_candidates: BTreeMap<usize, usize> = BTreeMap::new();
    let mut edges: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (&k, f) in &candidates {
        let inside = UnixSocket::of(f).expect("a unix socket").rx.files_in_flight();
        for g in inside.iter().map(key).filter(|g| candidates.contains_key(g)) {
            *held_by_candidates.entry(g).or_default() += 1;
            edges.entry(k).or_default().push(g);
        }
    }
    // Alive: held from outside the candidates, and what they hold.
    let mut alive: Vec<usize> = candidates
        .iter()
        .filter(|(k, f)| held_by_candidates.get(k).copied().unwrap_or(0) < UnixSocket::of(f).expect("unix").inflight.load(Ordering::Acquire))
        .map(|(k, _)| *k)
        .collect();
    let mut seen: alloc::collections::BTreeSet<usize> = alive.iter().copied().collect();
    while let Some(k) = alive.pop() {
        for &g in edges.get(&k).map(|v| v.as_slice()).unwrap_or(&[]) {
            if seen.insert(g) {
                alive.push(g);
            }
        }
    }
    let garbage: Vec<&Arc<OpenFile>> = candidates.iter().filter(|(k, _)| !seen.contains(k)).map(|(_, f)| *f).collect();
    let purged: Vec<_> = garbage.iter().map(|f| UnixSocket::of(f).expect("unix").rx.purge()).collect();
    let n = garbage.len();
    // The messages (and the last references they held) go after the
    // candidates list lets go of its own references.
    drop(garbage);
    drop(candidates);
    drop(sockets);
    drop(purged);
    n
}
