//! The mqueue limits (`/proc/sys/fs/mqueue/*`, Linux's ipc/mq_sysctl.c) and
//! the accounting they bound: the number of queues in the system and the
//! bytes each user's queues may pin (`RLIMIT_MSGQUEUE`).

use alloc::collections::BTreeMap;
use core::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use abi::{Errno, KResult};
use ksync::SpinLock;

/// What root may ask for beyond `msg_max` (Linux's HARD_MSGMAX).
pub const HARD_MSGMAX: u64 = 65536;
/// What root may ask for beyond `msgsize_max` (HARD_MSGSIZEMAX).
pub const HARD_MSGSIZEMAX: u64 = 16 * 1024 * 1024;
/// The smallest `msgsize_max`/`msgsize_default` the sysctls take.
const MIN_MSGSIZEMAX: u64 = 128;
/// Priorities are below this (MQ_PRIO_MAX).
pub const PRIO_MAX: u32 = 32768;
/// Linux charges a queue for one `struct msg_msg` per message and one
/// priority tree node per possible priority in use; both are 48 bytes on
/// x86_64. Charging the same keeps `RLIMIT_MSGQUEUE` meaning what it
/// means on Linux (about 9 default queues per user).
const MSG_HEADER_BYTES: u64 = 48;
const TREE_NODE_BYTES: u64 = 48;

/// `queues_max` (an int sysctl, so it may be set negative: then only
/// privileged callers create queues).
static QUEUES_MAX: AtomicI64 = AtomicI64::new(256);
static MSG_MAX: AtomicU64 = AtomicU64::new(10);
static MSGSIZE_MAX: AtomicU64 = AtomicU64::new(8192);
static MSG_DEFAULT: AtomicU64 = AtomicU64::new(10);
static MSGSIZE_DEFAULT: AtomicU64 = AtomicU64::new(8192);
/// Queues that exist (named or still open after mq_unlink).
static QUEUES: AtomicI64 = AtomicI64::new(0);
/// Bytes charged per user id. Lock order: leaf.
static USER_BYTES: SpinLock<BTreeMap<u32, u64>> = SpinLock::new(BTreeMap::new());

/// One knob of `/proc/sys/fs/mqueue/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Knob {
    QueuesMax,
    MsgMax,
    MsgsizeMax,
    MsgDefault,
    MsgsizeDefault,
}

impl Knob {
    pub fn get(self) -> i64 {
        match self {
            Knob::QueuesMax => QUEUES_MAX.load(Ordering::Relaxed),
            Knob::MsgMax => MSG_MAX.load(Ordering::Relaxed) as i64,
            Knob::MsgsizeMax => MSGSIZE_MAX.load(Ordering::Relaxed) as i64,
            Knob::MsgDefault => MSG_DEFAULT.load(Ordering::Relaxed) as i64,
            Knob::MsgsizeDefault => MSGSIZE_DEFAULT.load(Ordering::Relaxed) as i64,
        }
    }

    /// Sets the knob; EINVAL outside Linux's range for it.
    pub fn set(self, value: i64) -> KResult<()> {
        let in_range = |lo: u64, hi: u64| -> KResult<u64> {
            u64::try_from(value).ok().filter(|v| (lo..=hi).contains(v)).ok_or(Errno::EINVAL)
        };
        match self {
            Knob::QueuesMax => {
                let v = i32::try_from(value).map_err(|_| Errno::EINVAL)?;
                QUEUES_MAX.store(v as i64, Ordering::Relaxed);
            }
            Knob::MsgMax => MSG_MAX.store(in_range(1, HARD_MSGMAX)?, Ordering::Relaxed),
            Knob::MsgsizeMax => MSGSIZE_MAX.store(in_range(MIN_MSGSIZEMAX, HARD_MSGSIZEMAX)?, Ordering::Relaxed),
            Knob::MsgDefault => MSG_DEFAULT.store(in_range(1, HARD_MSGMAX)?, Ordering::Relaxed),
            Knob::MsgsizeDefault => {
                MSGSIZE_DEFAULT.store(in_range(MIN_MSGSIZEMAX, HARD_MSGSIZEMAX)?, Ordering::Relaxed)
            }
        }
        Ok(())
    }
}

/// The size of a queue made without `struct mq_attr`: the defaults, capped
/// by the maxima (Linux's `min(msg_max, msg_default)`).
pub fn default_attr() -> (u64, u64) {
    let msg = MSG_MAX.load(Ordering::Relaxed).min(MSG_DEFAULT.load(Ordering::Relaxed));
    let size = MSGSIZE_MAX.load(Ordering::Relaxed).min(MSGSIZE_DEFAULT.load(Ordering::Relaxed));
    (msg, size)
}

/// Who creates a queue, for the checks that depend on it.
#[derive(Clone, Copy, Debug)]
pub struct Creator {
    /// Real uid: the user the queue's bytes are charged to.
    pub uid: u32,
    /// CAP_SYS_RESOURCE: may pass `queues_max`, `msg_max`, `msgsize_max`.
    pub privileged: bool,
    /// `RLIMIT_MSGQUEUE` (soft).
    pub rlimit_bytes: u64,
}

/// A queue's claim on the limits, given back when dropped (the queue is
/// freed: unlinked and closed).
#[derive(Debug)]
pub struct Charge {
    uid: u32,
    bytes: u64,
}

/// Counts one more queue: ENOSPC at `queues_max` unless privileged.
fn count_queue(privileged: bool) -> KResult<()> {
    let max = QUEUES_MAX.load(Ordering::Relaxed);
    let mut now = QUEUES.load(Ordering::Relaxed);
    loop {
        if now >= max && !privileged {
            return Err(Errno::ENOSPC);
        }
        match QUEUES.compare_exchange_weak(now, now + 1, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return Ok(()),
            Err(seen) => now = seen,
        }
    }
}

/// The checks of Linux's `mqueue_create_attr` and `mqueue_get_inode`, in
/// their order: ENOSPC (queue count), EINVAL (sizes), EOVERFLOW, EMFILE
/// (the user's bytes past `RLIMIT_MSGQUEUE`).
pub fn charge(creator: Creator, maxmsg: i64, msgsize: i64) -> KResult<Charge> {
    count_queue(creator.privileged)?;
    let uncount = |e| {
        QUEUES.fetch_sub(1, Ordering::Relaxed);
        e
    };
    let bytes = queue_bytes(creator, maxmsg, msgsize).map_err(uncount)?;
    let mut users = USER_BYTES.lock();
    let used = users.get(&creator.uid).copied().unwrap_or(0);
    match used.checked_add(bytes) {
        Some(total) if total <= creator.rlimit_bytes => {
            users.insert(creator.uid, total);
            Ok(Charge { uid: creator.uid, bytes })
        }
        _ => {
            drop(users);
            Err(uncount(Errno::EMFILE))
        }
    }
}

/// The bytes a queue of this size pins, after the size checks.
fn queue_bytes(creator: Creator, maxmsg: i64, msgsize: i64) -> KResult<u64> {
    if maxmsg <= 0 || msgsize <= 0 {
        return Err(Errno::EINVAL);
    }
    let (maxmsg, msgsize) = (maxmsg as u64, msgsize as u64);
    let (msg_limit, size_limit) = if creator.privileged {
        (HARD_MSGMAX, HARD_MSGSIZEMAX)
    } else {
        (MSG_MAX.load(Ordering::Relaxed), MSGSIZE_MAX.load(Ordering::Relaxed))
    };
    if maxmsg > msg_limit || msgsize > size_limit {
        return Err(Errno::EINVAL);
    }
    let tree = maxmsg * MSG_HEADER_BYTES + maxmsg.min(PRIO_MAX as u64) * TREE_NODE_BYTES;
    (maxmsg * msgsize).checked_add(tree).ok_or(Errno::EOVERFLOW)
}

impl Drop for Charge {
    fn drop(&mut self) {
        let mut users = USER_BYTES.lock();
        if let Some(used) = users.get_mut(&self.uid) {
            *used = used.saturating_sub(self.bytes);
            if *used == 0 {
                users.remove(&self.uid);
            }
        }
        drop(users);
        QUEUES.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn sizes_are_checked_in_linux_order() {
        let user = Creator { uid: 4242, privileged: false, rlimit_bytes: 819200 };
        assert_eq!(charge(user, 0, 10).unwrap_err(), Errno::EINVAL);
        assert_eq!(charge(user, 11, 10).unwrap_err(), Errno::EINVAL);
        let root = Creator { uid: 4243, privileged: true, rlimit_bytes: 819200 };
        assert_eq!(charge(root, 100, 8192).unwrap_err(), Errno::EMFILE, "past RLIMIT_MSGQUEUE");
        let c = charge(root, 11, 100).unwrap();
        assert_eq!(c.bytes, 11 * 100 + 11 * 96);
        drop(c);
        assert!(USER_BYTES.lock().get(&4243).is_none());
    }

    #[test]
    fn default_attr_is_capped_by_the_maxima() {
        assert_eq!(default_attr(), (10, 8192));
    }
}
