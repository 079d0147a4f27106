//! The lock-order table: for each ordered pair of classes (held, taken)
//! ever seen, a saved stack. Fixed-size and lock-free (open addressing over
//! atomics, linear probing): it is used inside `SpinLock::lock`, where
//! nothing may allocate or take a lock. Entries are never removed.

use core::panic::Location;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// A lock class: the low 32 bits of the address of its init site's
/// `Location`. The kernel image is far smaller than 4 GiB, so two sites
/// never share an id, and a pair of ids packs into one `AtomicU64` key.
/// A key is never 0 (the empty slot): both halves would have to be the
/// same class, and same-class pairs are not recorded.
pub type ClassId = u32;

pub fn class_id(site: &'static Location<'static>) -> ClassId {
    site as *const Location<'static> as usize as u32
}

/// How many slots one lookup may probe; past that the table counts as full.
const MAX_PROBES: usize = 32;

/// What taking a class while holding another means for the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Both are the same class (two futex buckets, taken in address order):
    /// not checked.
    SameClass,
    /// This order was seen before.
    Known,
    /// First time in this order: recorded, with the stack.
    New,
    /// The opposite order was recorded before: two CPUs taking them each
    /// way can deadlock. (This order is recorded too.)
    Inverted,
    /// The table is full: checking is off from now on.
    Off,
}

/// Pairs (held, taken) with a stack of up to `FRAMES` return addresses each.
pub struct OrderTable<const SLOTS: usize, const FRAMES: usize> {
    /// `held << 32 | taken`, or 0 for a free slot. A slot is claimed with a
    /// CAS from 0 and never changes afterwards.
    keys: [AtomicU64; SLOTS],
    /// The stack saved by the thread that claimed the slot.
    frames: [[AtomicUsize; FRAMES]; SLOTS],
    /// Number of saved frames + 1, stored (Release) after `frames`; 0 while
    /// the claimer is still writing them.
    depth: [AtomicUsize; SLOTS],
    len: AtomicUsize,
    full: AtomicBool,
}

impl<const SLOTS: usize, const FRAMES: usize> OrderTable<SLOTS, FRAMES> {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self {
            keys: [const { AtomicU64::new(0) }; SLOTS],
            frames: [const { [const { AtomicUsize::new(0) }; FRAMES] }; SLOTS],
            depth: [const { AtomicUsize::new(0) }; SLOTS],
            len: AtomicUsize::new(0),
            full: AtomicBool::new(false),
        }
    }

    /// Checks and records taking `taken` while `held` is held. `capture`
    /// fills in the stack, and is called only when the pair is new.
    pub fn acquire(&self, held: ClassId, taken: ClassId, capture: impl FnOnce(&mut [usize]) -> usize) -> Order {
        if held == taken {
            return Order::SameClass;
        }
        if self.full.load(Ordering::Relaxed) {
            return Order::Off;
        }
        let inverted = self.find(key(taken, held)).is_some();
        let order = match self.insert(key(held, taken), capture) {
            Some(true) => Order::New,
            Some(false) => Order::Known,
            None => {
                self.full.store(true, Ordering::Relaxed);
                Order::Off
            }
        };
        if inverted { Order::Inverted } else { order }
    }

    /// Whether `taken` was ever taken while `held` was held.
    #[cfg(test)]
    pub fn contains(&self, held: ClassId, taken: ClassId) -> bool {
        self.find(key(held, taken)).is_some()
    }

    /// Copies the stack saved with the pair into `out`; returns its length
    /// (0 if the pair is unknown or its stack is still being written).
    pub fn saved_stack(&self, held: ClassId, taken: ClassId, out: &mut [usize]) -> usize {
        let Some(slot) = self.find(key(held, taken)) else { return 0 };
        let n = self.depth[slot].load(Ordering::Acquire).saturating_sub(1).min(out.len());
        for (o, f) in out[..n].iter_mut().zip(&self.frames[slot]) {
            *o = f.load(Ordering::Relaxed);
        }
        n
    }

    /// Number of pairs recorded.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    fn find(&self, key: u64) -> Option<usize> {
        for slot in probe(key, SLOTS) {
            match self.keys[slot].load(Ordering::Acquire) {
                k if k == key => return Some(slot),
                0 => return None,
                _ => {}
            }
        }
        None
    }

    /// Adds `key`: Some(true) if it is new, Some(false) if it was there,
    /// None if there is no room.
    fn insert(&self, key: u64, capture: impl FnOnce(&mut [usize]) -> usize) -> Option<bool> {
        for slot in probe(key, SLOTS) {
            match self.keys[slot].compare_exchange(0, key, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    let mut stack = [0; FRAMES];
                    let n = capture(&mut stack).min(FRAMES);
                    for (f, &addr) in self.frames[slot].iter().zip(&stack[..n]) {
                        f.store(addr, Ordering::Relaxed);
                    }
                    self.depth[slot].store(n + 1, Ordering::Release);
                    self.len.fetch_add(1, Ordering::Relaxed);
                    return Some(true);
                }
                Err(k) if k == key => return Some(false),
                Err(_) => {}
            }
        }
        None
    }
}

/// A set of classes (those already reported for a long hold).
pub struct ClassSet<const SLOTS: usize> {
    /// A class id, or 0 for a free slot.
    ids: [AtomicU32; SLOTS],
}

impl<const SLOTS: usize> ClassSet<SLOTS> {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self { ids: [const { AtomicU32::new(0) }; SLOTS] }
    }

    /// Adds `class`; true if it was not there yet (false too when full).
    pub fn insert(&self, class: ClassId) -> bool {
        if class == 0 {
            return false;
        }
        for slot in probe(class as u64, SLOTS) {
            match self.ids[slot].compare_exchange(0, class, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(c) if c == class => return false,
                Err(_) => {}
            }
        }
        false
    }
}

fn key(held: ClassId, taken: ClassId) -> u64 {
    (held as u64) << 32 | taken as u64
}

/// The slots to try for `key`, in order: a Fibonacci hash, then linear.
fn probe(key: u64, slots: usize) -> impl Iterator<Item = usize> {
    let start = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize % slots;
    (0..MAX_PROBES.min(slots)).map(move |i| (start + i) % slots)
}
