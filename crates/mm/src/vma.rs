//! Virtual memory areas: page-aligned ranges with one protection and one
//! backing, kept in a `BTreeMap` keyed by start address.
//!
//! Invariants of a [`VmaMap`] (checked by `check` in tests):
//! - every VMA is non-empty and page aligned, and VMAs do not overlap;
//! - two adjacent VMAs that [`Vma::can_merge`] are always merged (as Linux
//!   merges anonymous neighbours), so the map is canonical: the same
//!   contents always give the same list.

use alloc::collections::BTreeMap;
use core::cell::Cell;
use alloc::sync::Arc;
use alloc::vec::Vec;

use bitflags::bitflags;

use crate::PAGE_SIZE;
use crate::cache::FilePages;
use crate::file::FileBacking;
use crate::layout::STACK_GUARD_GAP;
use crate::shared::SharedMem;

bitflags! {
    /// Access rights of a mapping (`PROT_*` bits).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Prot: u32 {
        const READ = 1;
        const WRITE = 2;
        const EXEC = 4;
    }
}

bitflags! {
    /// What mlock and madvise set on a mapping.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct VmaFlags: u32 {
        /// mlock: counted in VmLck and populated (Linux VM_LOCKED).
        const LOCKED = 1;
        /// mlock2(MLOCK_ONFAULT): locked as it is faulted in, not populated
        /// (VM_LOCKONFAULT).
        const LOCK_ON_FAULT = 2;
        /// MADV_DONTFORK: not in a fork child (VM_DONTCOPY).
        const DONT_FORK = 4;
        /// MADV_WIPEONFORK: zero-filled in a fork child (VM_WIPEONFORK).
        const WIPE_ON_FORK = 8;
    }
}

/// Where a VMA's pages come from.
#[derive(Clone)]
pub enum Backing {
    /// Private demand-zero memory.
    Anon,
    /// Pages copied in from a file on fault; `offset` is the file offset of
    /// the VMA's start.
    File { file: Arc<dyn FileBacking>, offset: u64 },
    /// Shared anonymous memory; `offset` is the object offset of the start.
    Shared { mem: Arc<SharedMem>, offset: u64 },
    /// A shared mapping of a file with a page cache: the file's own frames
    /// are mapped (writable when the VMA is), so `read()`/`write()` and
    /// every mapping see the same bytes. `pages` is `file.page_cache()`.
    SharedFile { file: Arc<dyn FileBacking>, pages: Arc<FilePages>, offset: u64 },
}

impl Backing {
    /// Whether the VMA maps frames it shares with others (never copied on
    /// write, not write-protected by fork, futex keys by physical address).
    pub fn shares_frames(&self) -> bool {
        matches!(self, Backing::Shared { .. } | Backing::SharedFile { .. })
    }

    /// The backing offset of the VMA's start (0 for anonymous memory).
    pub(crate) fn offset_mut(&mut self) -> Option<&mut u64> {
        match self {
            Backing::Anon => None,
            Backing::File { offset, .. } | Backing::Shared { offset, .. } | Backing::SharedFile { offset, .. } => {
                Some(offset)
            }
        }
    }
}

impl core::fmt::Debug for Backing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Backing::Anon => write!(f, "Anon"),
            Backing::File { offset, .. } => write!(f, "File@{offset:#x}"),
            Backing::Shared { mem, offset } => write!(f, "Shared#{}@{offset:#x}", mem.id()),
            Backing::SharedFile { offset, .. } => write!(f, "SharedFile@{offset:#x}"),
        }
    }
}

/// One mapping.
#[derive(Clone, Debug)]
pub struct Vma {
    pub start: usize,
    pub end: usize,
    /// Current rights.
    pub prot: Prot,
    /// Rights mprotect may grant (Linux `VM_MAY*`): a shared mapping of a
    /// file opened read-only may never become writable.
    pub max_prot: Prot,
    /// Mapped with MAP_SHARED (shown as `s` in maps). Shared anonymous
    /// memory has `Backing::Shared`, files with a page cache
    /// `Backing::SharedFile`; other files are read-only copies (see
    /// docs/memory.md).
    pub shared: bool,
    /// Grows down on faults below it (stacks, MAP_GROWSDOWN).
    pub grows_down: bool,
    pub flags: VmaFlags,
    pub backing: Backing,
}

impl Vma {
    /// A private anonymous read-write VMA.
    pub fn anon(start: usize, end: usize, prot: Prot) -> Self {
        Self { start, end, prot, max_prot: Prot::all(), shared: false, grows_down: false, flags: VmaFlags::empty(), backing: Backing::Anon }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, addr: usize) -> bool {
        (self.start..self.end).contains(&addr)
    }

    /// Backing offset (file or object) of `addr` inside the VMA.
    pub fn backing_offset(&self, addr: usize) -> u64 {
        let delta = (addr - self.start) as u64;
        match &self.backing {
            Backing::Anon => 0,
            Backing::File { offset, .. } | Backing::Shared { offset, .. } | Backing::SharedFile { offset, .. } => {
                // mmap keeps a file's offsets below i64::MAX; a mapping
                // grown past that by mremap reads as past the end (SIGBUS).
                offset.saturating_add(delta)
            }
        }
    }

    /// The lowest address a new mapping below this VMA may end at (Linux
    /// `vm_start_gap`: a grows-down stack keeps `STACK_GUARD_GAP` free).
    pub fn start_gap(&self) -> usize {
        if self.grows_down { self.start.saturating_sub(STACK_GUARD_GAP) } else { self.start }
    }

    /// Splits at `at` (strictly inside): `self` keeps `start..at`, the
    /// result is `at..end`.
    fn split_off(&mut self, at: usize) -> Vma {
        debug_assert!(self.start < at && at < self.end && at.is_multiple_of(PAGE_SIZE));
        let mut right = self.clone();
        right.start = at;
        if let Some(offset) = right.backing.offset_mut() {
            *offset += (at - self.start) as u64;
        }
        self.end = at;
        right
    }

    /// Whether `next`, starting where `self` ends, can join `self`.
    pub fn can_merge(&self, next: &Vma) -> bool {
        if self.end != next.start
            || self.prot != next.prot
            || self.max_prot != next.max_prot
            || self.shared != next.shared
            || self.grows_down != next.grows_down
            || self.flags != next.flags
        {
            return false;
        }
        let len = self.len() as u64;
        match (&self.backing, &next.backing) {
            (Backing::Anon, Backing::Anon) => true,
            (Backing::File { file: a, offset: oa }, Backing::File { file: b, offset: ob }) => {
                Arc::ptr_eq(a, b) && oa + len == *ob
            }
            (Backing::Shared { mem: a, offset: oa }, Backing::Shared { mem: b, offset: ob }) => {
                Arc::ptr_eq(a, b) && oa + len == *ob
            }
            (Backing::SharedFile { pages: a, offset: oa, .. }, Backing::SharedFile { pages: b, offset: ob, .. }) => {
                Arc::ptr_eq(a, b) && oa + len == *ob
            }
            _ => false,
        }
    }
}

/// The VMAs of one address space.
#[derive(Clone, Default)]
pub struct VmaMap {
    map: BTreeMap<usize, Vma>,
    /// Bytes mapped, kept as VMAs come and go: RLIMIT_AS is checked on
    /// every mmap, and summing 200,000 thread stacks each time made thread
    /// creation linear in the thread count; /proc/<tid>/stat of each of
    /// them walked them all too.
    bytes: VmaBytes,
    /// What the last top-down search learned (see `TopdownHint`).
    topdown: Cell<TopdownHint>,
}

/// Bytes of mappings by kind, as Linux keeps `total_vm`, `data_vm`,
/// `stack_vm` and `locked_vm`: every change of a VMA takes out what it
/// counted before and adds what it counts after; `check` recounts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmaBytes {
    /// Every mapping (VmSize).
    pub total: usize,
    /// Private writable mappings that are not stacks (VmData; Linux
    /// `is_data_mapping`).
    pub data: usize,
    /// Grows-down mappings (VmStk; `is_stack_mapping`).
    pub stack: usize,
    /// mlocked mappings (VmLck).
    pub locked: usize,
}

impl VmaBytes {
    fn of(v: &Vma) -> Self {
        let len = v.len();
        let counted = |yes: bool| if yes { len } else { 0 };
        Self {
            total: len,
            data: counted(!v.grows_down && !v.shared && v.prot.contains(Prot::WRITE)),
            stack: counted(v.grows_down),
            locked: counted(v.flags.contains(VmaFlags::LOCKED)),
        }
    }

    fn add(&mut self, o: Self) {
        self.total += o.total;
        self.data += o.data;
        self.stack += o.stack;
        self.locked += o.locked;
    }

    fn sub(&mut self, o: Self) {
        self.total -= o.total;
        self.data -= o.data;
        self.stack -= o.stack;
        self.locked -= o.locked;
    }
}

/// Linux 2.6's `free_area_cache` made exact: every hole between `floor`
/// and `high` is at most `largest_hole` bytes, so a top-down search below
/// `high` for more than `largest_hole` bytes may start at `floor`. Without
/// it each search walks down from `high` over every mapping already placed
/// there: creating the 10,000th thread stack walked 20,000 VMAs. Placing a
/// mapping only shrinks holes, so the hint stays true until something is
/// unmapped or moved (`remove_range`, `get_mut`), which forgets it.
/// `high == 0`: nothing known.
#[derive(Clone, Copy, Default)]
struct TopdownHint {
    high: usize,
    floor: usize,
    largest_hole: usize,
}

impl VmaMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of VMAs.
    pub fn count(&self) -> usize {
        self.map.len()
    }

    /// All VMAs in address order.
    pub fn iter(&self) -> impl Iterator<Item = &Vma> {
        self.map.values()
    }

    /// Bytes mapped: O(1).
    pub fn total_bytes(&self) -> usize {
        self.bytes.total
    }

    /// Bytes mapped, by kind: O(1).
    pub fn bytes(&self) -> VmaBytes {
        self.bytes
    }

    /// The VMA containing `addr`.
    /// How many VMAs a change of `start..end` splits: one straddling
    /// `start`, one straddling `end` (the same VMA twice when it spans
    /// both). Linux refuses each split past `vm.max_map_count`.
    pub fn splits_for(&self, start: usize, end: usize) -> usize {
        let straddles = |a: usize| self.find(a).is_some_and(|v| v.start < a);
        usize::from(straddles(start)) + usize::from(straddles(end))
    }

    pub fn find(&self, addr: usize) -> Option<&Vma> {
        self.map.range(..=addr).next_back().map(|(_, v)| v).filter(|v| v.contains(addr))
    }

    /// The first VMA ending above `addr` (Linux `find_vma`).
    pub fn first_ending_after(&self, addr: usize) -> Option<&Vma> {
        if let Some(v) = self.find(addr) {
            return Some(v);
        }
        self.map.range(addr..).next().map(|(_, v)| v)
    }

    /// The last VMA starting below `addr`.
    pub fn last_starting_before(&self, addr: usize) -> Option<&Vma> {
        self.map.range(..addr).next_back().map(|(_, v)| v)
    }

    /// VMAs overlapping `start..end`, in order.
    pub fn overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = &Vma> {
        let first = self.find(start).map(|v| v.start).unwrap_or(start);
        self.map.range(first..end).map(|(_, v)| v).filter(move |v| v.end > start)
    }

    /// Whether anything is mapped in `start..end`.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.overlapping(start, end).next().is_some()
    }

    /// Whether `start..end` is free and keeps the guard gap below any
    /// grows-down VMA above it.
    pub fn is_free_with_gaps(&self, start: usize, end: usize) -> bool {
        if self.overlaps(start, end) {
            return false;
        }
        match self.first_ending_after(start) {
            Some(next) => end <= next.start_gap(),
            None => true,
        }
    }

    /// Adds a VMA over free space and merges it with its neighbours.
    pub fn insert(&mut self, vma: Vma) {
        debug_assert!(!vma.is_empty() && vma.start.is_multiple_of(PAGE_SIZE) && vma.end.is_multiple_of(PAGE_SIZE));
        debug_assert!(!self.overlaps(vma.start, vma.end), "VMA {:#x}..{:#x} overlaps", vma.start, vma.end);
        let (start, end) = (vma.start, vma.end);
        self.bytes.add(VmaBytes::of(&vma));
        self.map.insert(vma.start, vma);
        self.merge_around(start, end);
    }

    /// Splits the VMA containing `addr` so that one starts at `addr`.
    pub fn split_at(&mut self, addr: usize) {
        let Some(start) = self.find(addr).map(|v| v.start) else { return };
        if start == addr {
            return;
        }
        let right = self.map.get_mut(&start).unwrap().split_off(addr);
        self.map.insert(addr, right);
    }

    /// Removes `start..end`, splitting VMAs that straddle its ends; returns
    /// the removed pieces in order.
    pub fn remove_range(&mut self, start: usize, end: usize) -> Vec<Vma> {
        self.forget_topdown_hint();
        self.split_at(start);
        self.split_at(end);
        let keys: Vec<usize> = self.map.range(start..end).map(|(&k, _)| k).collect();
        let removed: Vec<Vma> = keys.into_iter().map(|k| self.map.remove(&k).unwrap()).collect();
        for v in &removed {
            self.bytes.sub(VmaBytes::of(v));
        }
        removed
    }

    /// Applies `f` to every VMA inside `start..end` after splitting at both
    /// ends (the range must be fully mapped for a meaningful result), then
    /// re-merges.
    /// `f` changes rights and flags only: the holes stay as they were.
    pub fn update_range(&mut self, start: usize, end: usize, mut f: impl FnMut(&mut Vma)) {
        self.split_at(start);
        self.split_at(end);
        for (_, v) in self.map.range_mut(start..end) {
            let extent = (v.start, v.end, v.grows_down);
            self.bytes.sub(VmaBytes::of(v));
            f(v);
            self.bytes.add(VmaBytes::of(v));
            debug_assert_eq!(extent, (v.start, v.end, v.grows_down), "update_range may not move a VMA");
        }
        self.merge_around(start, end);
    }

    /// Merges mergeable neighbours among the VMAs touching `start..end`.
    pub fn merge_around(&mut self, start: usize, end: usize) {
        let from = self.last_starting_before(start).map(|v| v.start).unwrap_or(start);
        let keys: Vec<usize> = self.map.range(from..=end).map(|(&k, _)| k).collect();
        let mut cur = None::<usize>;
        for k in keys {
            if let Some(c) = cur {
                let mergeable = self.map[&c].can_merge(&self.map[&k]);
                if mergeable {
                    let next = self.map.remove(&k).unwrap();
                    self.map.get_mut(&c).unwrap().end = next.end;
                    continue;
                }
            }
            cur = Some(k);
        }
    }

    /// Moves the end of the VMA starting at `start` to `new_end` (mremap
    /// in place); growing needs the space free. False if no VMA starts
    /// there.
    pub fn set_end(&mut self, start: usize, new_end: usize) -> bool {
        let Some(vma) = self.map.get_mut(&start) else { return false };
        debug_assert!(new_end > start && new_end.is_multiple_of(PAGE_SIZE));
        self.bytes.sub(VmaBytes::of(vma));
        vma.end = new_end;
        self.bytes.add(VmaBytes::of(vma));
        // A shrink opens a hole the hint does not know of.
        self.forget_topdown_hint();
        true
    }

    /// Moves the start of the VMA at `old_start` down to `new_start` (stack
    /// growth); the space must be free.
    pub fn extend_down(&mut self, old_start: usize, new_start: usize) {
        let mut vma = self.map.remove(&old_start).unwrap();
        self.bytes.sub(VmaBytes::of(&vma));
        if let Some(offset) = vma.backing.offset_mut() {
            *offset -= (old_start - new_start) as u64;
        }
        vma.start = new_start;
        self.bytes.add(VmaBytes::of(&vma));
        self.map.insert(new_start, vma);
        self.merge_around(new_start, new_start);
    }

    /// The highest `len`-byte free range inside `low..high` that respects
    /// stack guard gaps (Linux `unmapped_area_topdown`). O(log n) when the
    /// holes above the last placement are known to be too small (repeated
    /// requests of one size, as thread stacks are), else O(n).
    pub fn find_gap_topdown(&self, len: usize, low: usize, high: usize) -> Option<usize> {
        if len == 0 || high < low || high - low < len {
            return None;
        }
        let hint = self.topdown.get();
        let (from, known_largest) = if hint.high == high && len > hint.largest_hole { (hint.floor, hint.largest_hole) } else { (high, 0) };
        let (found, skipped_largest) = self.walk_down(len, low, from);
        if let Some(addr) = found {
            // The holes between the placement's end and `high`: those
            // passed over now and those the hint knew of. The floor is the
            // placement's end, not its start, so the hint holds whether or
            // not the caller maps it.
            self.topdown.set(TopdownHint { high, floor: addr + len, largest_hole: skipped_largest.max(known_largest) });
        }
        found
    }

    /// The top-down search from `from` (exclusive) down to `low`; also the
    /// largest hole it passed over.
    pub(crate) fn walk_down(&self, len: usize, low: usize, from: usize) -> (Option<usize>, usize) {
        let mut skipped = 0;
        // The gap under consideration ends at `gap_end` (exclusive): the
        // limit, or the start gap of the VMA above it.
        let mut gap_end = self.map.range(from..).next().map_or(from, |(_, v)| v.start_gap().min(from));
        for v in self.map.range(..from).rev().map(|(_, v)| v) {
            let gap_start = v.end.max(low);
            if gap_end >= gap_start {
                if gap_end - gap_start >= len {
                    return (Some(gap_end - len), skipped);
                }
                skipped = skipped.max(gap_end - gap_start);
            }
            gap_end = gap_end.min(v.start_gap());
            if gap_end < low.saturating_add(len) {
                return (None, skipped);
            }
        }
        let found = (gap_end >= low && gap_end - low >= len).then(|| gap_end - len);
        (found, skipped)
    }

    /// Forgets the top-down hint: something was unmapped or moved.
    fn forget_topdown_hint(&mut self) {
        self.topdown.set(TopdownHint::default());
    }

    /// The lowest `len`-byte free range inside `low..high` (bottom-up).
    pub fn find_gap_bottomup(&self, len: usize, low: usize, high: usize) -> Option<usize> {
        let mut candidate = low;
        for v in self.map.values() {
            if v.end <= candidate {
                continue;
            }
            if candidate.checked_add(len)? <= v.start_gap().min(high) {
                return Some(candidate);
            }
            candidate = candidate.max(v.end);
            if candidate >= high {
                return None;
            }
        }
        (candidate.checked_add(len)? <= high).then_some(candidate)
    }

    /// Checks the invariants (tests).
    pub fn check(&self) -> Result<(), alloc::string::String> {
        let mut prev: Option<&Vma> = None;
        for (&k, v) in &self.map {
            if k != v.start || v.is_empty() || v.start % PAGE_SIZE != 0 || v.end % PAGE_SIZE != 0 {
                return Err(alloc::format!("bad VMA {:#x}..{:#x} at key {k:#x}", v.start, v.end));
            }
            if let Some(p) = prev {
                if p.end > v.start {
                    return Err(alloc::format!("overlap {:#x}..{:#x} / {:#x}..", p.start, p.end, v.start));
                }
                if p.can_merge(v) {
                    return Err(alloc::format!("unmerged neighbours at {:#x}", v.start));
                }
            }
            prev = Some(v);
        }
        let mut sum = VmaBytes::default();
        self.map.values().for_each(|v| sum.add(VmaBytes::of(v)));
        if sum != self.bytes {
            return Err(alloc::format!("{:?} bytes counted, {sum:?} mapped", self.bytes));
        }
        Ok(())
    }
}
