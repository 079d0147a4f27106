//! User page tables (x86_64 4-level paging).
//!
//! A [`PageTable`] owns one PML4 and every table below its user half
//! (entries 0..256); the kernel half (256..512) is copied from the kernel's
//! PML4 at creation and never changes (`kernel_space` creates every upper
//! entry at boot). Leaf entries hold counted references to [`UserFrame`]s.
//!
//! Entries are read and written as `AtomicU64`: the MMU of any CPU running
//! this address space sets the accessed and dirty bits with locked
//! read-modify-writes, so the kernel's accesses must be atomic too. All
//! structural changes need `&mut PageTable` (the address space keeps it
//! under its lock); the hardware only reads the tree.
//!
//! Nothing here flushes TLBs: callers collect what they unmapped (frames
//! and freed tables), shoot the TLBs down (`tlb`), and only then drop them.

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::PAGE_SIZE;
use crate::frame::{FrameKind, alloc_frame, free_frame};
use crate::page::UserFrame;
use crate::phys;
use crate::tlb::{self, MmGuard, MmLock};

const PRESENT: u64 = 1 << 0;
const WRITABLE: u64 = 1 << 1;
const USER: u64 = 1 << 2;
const ACCESSED: u64 = 1 << 5;
const DIRTY: u64 = 1 << 6;
const HUGE: u64 = 1 << 7;
/// Software bit (ignored by the MMU when PRESENT is clear): the entry maps
/// a frame with no access at all (PROT_NONE) and holds its reference.
const PROT_NONE: u64 = 1 << 9;
const NO_EXECUTE: u64 = 1 << 63;
const ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;
/// Flags of the entries pointing at lower tables: permissions are decided
/// by the leaves alone.
const TABLE_FLAGS: u64 = PRESENT | WRITABLE | USER;
/// First PML4 index of the kernel half.
const KERNEL_HALF: usize = 256;

/// Permissions of a leaf mapping. `readable: false` is PROT_NONE: the
/// entry keeps its frame but is not present to the MMU (any access faults).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PteFlags {
    pub readable: bool,
    pub writable: bool,
    pub executable: bool,
}

/// A present leaf entry, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pte {
    pub phys: u64,
    pub flags: PteFlags,
    pub accessed: bool,
    pub dirty: bool,
}

/// The raw entries met by a walk of one address, PML4 first; `None` below
/// the first non-present entry (for the debugger).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Walk {
    pub entries: [Option<u64>; 4],
}

fn has_nx() -> bool {
    #[cfg(target_os = "none")]
    {
        arch::cpu::has_nx()
    }
    #[cfg(not(target_os = "none"))]
    {
        true
    }
}

fn leaf_bits(phys: u64, flags: PteFlags) -> u64 {
    if !flags.readable {
        return phys | PROT_NONE;
    }
    let mut bits = phys | PRESENT | USER;
    if flags.writable {
        bits |= WRITABLE;
    }
    if !flags.executable && has_nx() {
        bits |= NO_EXECUTE;
    }
    bits
}

/// Decodes a leaf entry that holds a frame (present or PROT_NONE).
fn decode(bits: u64) -> Option<Pte> {
    let present = bits & PRESENT != 0;
    (present || bits & PROT_NONE != 0).then_some(Pte {
        phys: bits & ADDR_MASK,
        flags: PteFlags {
            readable: present,
            writable: present && bits & WRITABLE != 0,
            executable: present && bits & NO_EXECUTE == 0,
        },
        accessed: bits & ACCESSED != 0,
        dirty: bits & DIRTY != 0,
    })
}

fn index(va: usize, level: usize) -> usize {
    (va >> (12 + 9 * (level - 1))) & 511
}

/// Bytes covered by one entry of a table at `level` (1 = page table).
const fn entry_span(level: usize) -> usize {
    PAGE_SIZE << (9 * (level - 1))
}

/// Allocates a zeroed table frame.
fn new_table() -> Option<u64> {
    let phys = alloc_frame(FrameKind::PageTable)?;
    // SAFETY: (1) the frame is fresh from the allocator: we own it and
    // nothing references it.
    unsafe { phys::zero_frame(phys) };
    Some(phys)
}

/// The `idx`th entry of the table frame at `table`.
///
/// # Safety
/// `table` is a page-table frame that stays allocated for `'a`.
unsafe fn entry<'a>(table: u64, idx: usize) -> &'a AtomicU64 {
    debug_assert!(idx < 512 && table.is_multiple_of(PAGE_SIZE as u64));
    // SAFETY: (1) the frame is mapped (direct map or host arena) and stays
    // allocated for 'a (contract); (2) entry `idx < 512` lies inside it and
    // is 8-byte aligned because the frame is page aligned; (3) AtomicU64 has
    // the layout of u64 and tolerates concurrent writers (other entries'
    // users, the MMU setting accessed/dirty bits).
    unsafe { &*(phys::ptr(table).add(idx * 8) as *const AtomicU64) }
}

/// A user address space's page-table tree.
///
/// Shared access (`&PageTable`) reads; changes go through [`PtMut`], which
/// only [`MmuSpace`] hands out, so a tree can never be swapped out from
/// under the root an `MmuSpace` loads into CR3.
pub struct PageTable {
    root: u64,
    /// Table frames owned, the root included.
    tables: usize,
    /// Present leaf entries (the resident set, in pages).
    mapped: usize,
    /// The most `mapped` has been (Linux hiwater_rss; ru_maxrss).
    peak: usize,
}

impl PageTable {
    /// An empty user half with the kernel half of the kernel's PML4.
    fn new() -> Option<Self> {
        phys::ensure_init();
        let root = new_table()?;
        if let Some(kernel) = kernel_pml4() {
            for i in KERNEL_HALF..512 {
                // SAFETY: (1) `root` was just allocated and is owned by the
                // PageTable being built; (2) the kernel PML4 is never freed.
                let (dst, src) = unsafe { (entry(root, i), entry(kernel, i)) };
                dst.store(src.load(Ordering::Relaxed), Ordering::Relaxed);
            }
        }
        Some(Self { root, tables: 1, mapped: 0, peak: 0 })
    }

    /// Physical address of the PML4 (the CR3 value).
    pub fn root(&self) -> u64 {
        self.root
    }

    /// Frames used by this tree's tables.
    pub fn table_frames(&self) -> usize {
        self.tables
    }

    /// Present leaf entries.
    pub fn mapped_pages(&self) -> usize {
        self.mapped
    }

    /// The most leaf entries present at once so far.
    pub fn peak_pages(&self) -> usize {
        self.peak
    }

    /// The table entry at `level` covering `va` in the table `table`.
    fn entry_of(&self, table: u64, level: usize, va: usize) -> &AtomicU64 {
        // SAFETY: (1) every table reached from `self.root` belongs to this
        // tree and is freed only through `&mut self` (unmap_range, drop), so
        // it stays allocated while `&self` is borrowed.
        unsafe { entry(table, index(va, level)) }
    }

    /// The leaf entry of `va`, if its tables exist. Never descends into the
    /// kernel half.
    fn leaf(&self, va: usize) -> Option<&AtomicU64> {
        if va >= KERNEL_HALF * entry_span(4) {
            return None;
        }
        let mut table = self.root;
        for level in (2..=4).rev() {
            let e = self.entry_of(table, level, va).load(Ordering::Relaxed);
            if e & PRESENT == 0 {
                return None;
            }
            debug_assert!(e & HUGE == 0, "huge page in a user page table");
            table = e & ADDR_MASK;
        }
        Some(self.entry_of(table, 1, va))
    }

    /// The leaf entry of `va`, creating missing tables. `None` when out of
    /// memory.
    fn leaf_or_create(&mut self, va: usize) -> Option<&AtomicU64> {
        assert!(va < KERNEL_HALF * entry_span(4), "user mapping in the kernel half");
        let mut table = self.root;
        for level in (2..=4).rev() {
            let slot = self.entry_of(table, level, va);
            let mut e = slot.load(Ordering::Relaxed);
            if e & PRESENT == 0 {
                let new = new_table()?;
                e = new | TABLE_FLAGS;
                slot.store(e, Ordering::Release);
                self.tables += 1;
            }
            table = e & ADDR_MASK;
        }
        Some(self.entry_of(table, 1, va))
    }

    /// The mapping of `va` (present or PROT_NONE).
    pub fn get(&self, va: usize) -> Option<Pte> {
        decode(self.leaf(va)?.load(Ordering::Relaxed))
    }

    /// A new reference to the frame mapped at `va`.
    pub fn frame(&self, va: usize) -> Option<UserFrame> {
        let pte = self.get(va)?;
        // SAFETY: (1) the entry holds a raw reference to `pte.phys`
        // (`map` stored it with `into_raw`); (2) entries change only through
        // `&mut self`, so that reference is held while `&self` is borrowed.
        Some(unsafe { UserFrame::clone_raw(pte.phys) })
    }

    /// Maps `frame` at `va` (page aligned, user half). Returns the frame
    /// that was mapped there before, which the caller must keep until the
    /// TLBs are flushed; gives `frame` back when a table could not be
    /// allocated.
    fn map(&mut self, va: usize, frame: UserFrame, flags: PteFlags) -> Result<Option<UserFrame>, UserFrame> {
        debug_assert!(va.is_multiple_of(PAGE_SIZE) && index(va, 4) < KERNEL_HALF);
        let Some(slot) = self.leaf_or_create(va) else { return Err(frame) };
        let old = slot.swap(leaf_bits(frame.into_raw(), flags), Ordering::AcqRel);
        let old = decode(old).map(|pte| {
            // SAFETY: the old entry held a raw reference (stored by `map`),
            // which the swap removed from the tree: we take it back.
            unsafe { UserFrame::from_raw(pte.phys) }
        });
        if old.is_none() {
            self.mapped += 1;
            self.peak = self.peak.max(self.mapped);
        }
        Ok(old)
    }

    /// Unmaps `va`; returns the frame (to drop after the TLB flush).
    fn unmap(&mut self, va: usize) -> Option<UserFrame> {
        let old = self.leaf(va)?.swap(0, Ordering::AcqRel);
        let pte = decode(old)?;
        self.mapped -= 1;
        // SAFETY: the entry held a raw reference; the swap removed it.
        Some(unsafe { UserFrame::from_raw(pte.phys) })
    }

    /// Changes the permissions of the mapping at `va`; false if unmapped.
    fn set_flags(&mut self, va: usize, flags: PteFlags) -> bool {
        let Some(slot) = self.leaf(va) else { return false };
        let mut cur = slot.load(Ordering::Relaxed);
        loop {
            let Some(pte) = decode(cur) else { return false };
            let new = leaf_bits(pte.phys, flags) | (cur & (ACCESSED | DIRTY));
            match slot.compare_exchange(cur, new, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(seen) => cur = seen,
            }
        }
    }

    /// Calls `f` for every present leaf in `start..end`, in address order.
    pub fn for_each(&self, start: usize, end: usize, mut f: impl FnMut(usize, Pte)) {
        self.visit(self.root, 4, 0, start, end, &mut |va, slot: &AtomicU64| {
            if let Some(pte) = decode(slot.load(Ordering::Relaxed)) {
                f(va, pte);
            }
        });
    }

    /// Rewrites the permissions of every present leaf in `start..end` to
    /// what `f` returns for it (`None`: leave it). Returns how many changed.
    fn update_range(&mut self, start: usize, end: usize, mut f: impl FnMut(usize, Pte) -> Option<PteFlags>) -> usize {
        let mut changed = 0;
        self.visit(self.root, 4, 0, start, end, &mut |va, slot: &AtomicU64| {
            let mut cur = slot.load(Ordering::Relaxed);
            while let Some(pte) = decode(cur) {
                let Some(flags) = f(va, pte) else { break };
                if flags == pte.flags {
                    break;
                }
                let new = leaf_bits(pte.phys, flags) | (cur & (ACCESSED | DIRTY));
                match slot.compare_exchange(cur, new, Ordering::AcqRel, Ordering::Relaxed) {
                    Ok(_) => {
                        changed += 1;
                        break;
                    }
                    Err(seen) => cur = seen,
                }
            }
        });
        changed
    }

    /// Unmaps every page in `start..end`: their frames go to `frames` and
    /// the tables that covered only this range are unlinked and go to
    /// `tables`. Both must be kept until the TLBs are flushed, then dropped
    /// (frames) and freed with [`free_tables`].
    fn unmap_range(&mut self, start: usize, end: usize, frames: &mut Vec<UserFrame>, tables: &mut Vec<u64>) {
        let mut unmapped = 0;
        let tables_before = tables.len();
        let root = self.root;
        Self::clear(root, 4, 0, start, end, &mut |slot: &AtomicU64| {
            if let Some(pte) = decode(slot.swap(0, Ordering::AcqRel)) {
                unmapped += 1;
                // SAFETY: the entry held a raw reference; the swap removed it.
                frames.push(unsafe { UserFrame::from_raw(pte.phys) });
            }
        }, &mut |t| tables.push(t));
        self.mapped -= unmapped;
        self.tables -= tables.len() - tables_before;
    }

    /// The raw entries on the way to `va` (for a kernel address, only its
    /// PML4 entry).
    pub fn walk(&self, va: usize) -> Walk {
        let mut entries = [None; 4];
        let mut table = self.root;
        for (i, level) in (1..=4).rev().enumerate() {
            let e = self.entry_of(table, level, va).load(Ordering::Relaxed);
            entries[i] = Some(e);
            // Kernel-half tables are not this tree's: show only the PML4 entry.
            if e & PRESENT == 0 || e & HUGE != 0 || va >= KERNEL_HALF * entry_span(4) {
                break;
            }
            table = e & ADDR_MASK;
        }
        Walk { entries }
    }

    /// Visits the leaf slots of `start..end` under `table` (at `level`,
    /// covering addresses from `base`), skipping absent subtrees.
    fn visit(&self, table: u64, level: usize, base: usize, start: usize, end: usize, f: &mut dyn FnMut(usize, &AtomicU64)) {
        let span = entry_span(level);
        let first = start.max(base);
        let mut va = first - (first - base) % span;
        while va < end && va < base + span * 512 {
            let idx = (va - base) / span;
            if level == 4 && idx >= KERNEL_HALF {
                break;
            }
            let slot = self.entry_of(table, level, va);
            if level == 1 {
                f(va, slot);
            } else {
                let e = slot.load(Ordering::Relaxed);
                if e & PRESENT != 0 {
                    self.visit(e & ADDR_MASK, level - 1, va, start, end, f);
                }
            }
            va += span;
        }
    }

    /// Like `visit`, clearing leaves through `f` and unlinking tables whose
    /// whole span lies inside `start..end`.
    fn clear(table: u64, level: usize, base: usize, start: usize, end: usize, f: &mut dyn FnMut(&AtomicU64), unlinked: &mut dyn FnMut(u64)) {
        let span = entry_span(level);
        let first = start.max(base);
        let mut va = first - (first - base) % span;
        while va < end && va < base + span * 512 {
            let idx = (va - base) / span;
            if level == 4 && idx >= KERNEL_HALF {
                break;
            }
            // SAFETY: (1) `table` is a table of the tree being modified
            // through `&mut PageTable` (our caller), so it stays allocated
            // during this call; tables unlinked below are only freed later.
            let slot = unsafe { entry(table, idx) };
            if level == 1 {
                f(slot);
            } else {
                let e = slot.load(Ordering::Relaxed);
                if e & PRESENT != 0 {
                    let child = e & ADDR_MASK;
                    Self::clear(child, level - 1, va, start, end, f, unlinked);
                    if start <= va && va + span <= end {
                        // Every entry of `child` was just cleared.
                        slot.store(0, Ordering::Release);
                        unlinked(child);
                    }
                }
            }
            va += span;
        }
    }
}

/// Returns unlinked table frames (from `unmap_range`) to the allocator,
/// once no TLB can hold a pointer into them.
fn free_tables(tables: Vec<u64>) {
    for t in tables {
        free_frame(t, FrameKind::PageTable);
    }
}

impl Drop for PageTable {
    /// Frees every leaf reference and every table. The owner must have made
    /// sure no CPU still runs on this tree (`tlb::leave_everywhere`).
    fn drop(&mut self) {
        // No TLB holds this tree: frames and tables go back at once, with
        // nothing allocated (an exit must work when the heap is exhausted).
        let root = self.root;
        let mut freed_tables = 0;
        Self::clear(root, 4, 0, 0, KERNEL_HALF * entry_span(4), &mut |slot: &AtomicU64| {
            if let Some(pte) = decode(slot.swap(0, Ordering::AcqRel)) {
                // SAFETY: the entry held a raw reference; the swap removed it.
                drop(unsafe { UserFrame::from_raw(pte.phys) });
            }
        }, &mut |t| {
            free_frame(t, FrameKind::PageTable);
            freed_tables += 1;
        });
        self.mapped = 0;
        self.tables -= freed_tables;
        debug_assert_eq!(self.tables, 1);
        free_frame(self.root, FrameKind::PageTable);
    }
}

/// Write access to the page table of a locked [`MmuSpace`].
pub struct PtMut<'a>(&'a mut PageTable);

impl core::ops::Deref for PtMut<'_> {
    type Target = PageTable;
    fn deref(&self) -> &PageTable {
        self.0
    }
}

impl PtMut<'_> {
    /// See [`PageTable::map`]: maps `frame` at `va`, returning the previous
    /// frame (keep it until the TLB flush) or giving `frame` back on OOM.
    pub fn map(&mut self, va: usize, frame: UserFrame, flags: PteFlags) -> Result<Option<UserFrame>, UserFrame> {
        self.0.map(va, frame, flags)
    }

    /// Unmaps `va`; the frame must be kept until the TLB flush.
    pub fn unmap(&mut self, va: usize) -> Option<UserFrame> {
        self.0.unmap(va)
    }

    /// Changes the permissions of the mapping at `va`; false if unmapped.
    pub fn set_flags(&mut self, va: usize, flags: PteFlags) -> bool {
        self.0.set_flags(va, flags)
    }

    /// Rewrites the permissions of present leaves in `start..end`.
    pub fn update_range(&mut self, start: usize, end: usize, f: impl FnMut(usize, Pte) -> Option<PteFlags>) -> usize {
        self.0.update_range(start, end, f)
    }

    /// Unmaps `start..end` (see [`PageTable::unmap_range`]).
    pub fn unmap_range(&mut self, start: usize, end: usize, out: &mut Unmapped) {
        self.0.unmap_range(start, end, &mut out.frames, &mut out.tables)
    }
}

/// What an unmap took out of a tree: frames and unlinked tables. Drop it
/// only after the TLB flush that covers the range (its `Drop` releases the
/// frames and frees the tables).
#[derive(Default)]
pub struct Unmapped {
    frames: Vec<UserFrame>,
    tables: Vec<u64>,
}

impl Unmapped {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps `frame` alive until this batch is dropped.
    pub fn push_frame(&mut self, frame: UserFrame) {
        self.frames.push(frame);
    }

    /// Frames taken out.
    pub fn frames(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty() && self.tables.is_empty()
    }
}

impl Drop for Unmapped {
    fn drop(&mut self) {
        self.frames.clear();
        free_tables(core::mem::take(&mut self.tables));
    }
}

/// The hardware half of an address space: a page-table tree behind the
/// address space's lock, together with `T` (the VMAs and the rest of the
/// address space's state, kept under the same lock), and the set of CPUs
/// that may have the tree loaded.
///
/// Invariant: `root` is the root of the tree in `locked` for the whole life
/// of the `MmuSpace` (set in `new`, never changed: the tree is only reached
/// through `PtMut`, which cannot replace it). `Drop` makes every CPU leave
/// the tree before the tree is freed.
pub struct MmuSpace<T> {
    root: u64,
    active: AtomicU64,
    locked: MmLock<Locked<T>>,
}

/// The contents of an [`MmuSpace`]'s lock.
pub struct Locked<T> {
    pt: PageTable,
    /// The caller's state.
    pub data: T,
}

impl<T> Locked<T> {
    /// The page table (read) and the caller's state (read-write).
    pub fn pt(&self) -> &PageTable {
        &self.pt
    }

    /// The page table (write) and the caller's state, borrowed together.
    pub fn split(&mut self) -> (PtMut<'_>, &mut T) {
        (PtMut(&mut self.pt), &mut self.data)
    }
}

impl<T> MmuSpace<T> {
    /// An empty user half (kernel half shared); `None` when out of memory.
    pub fn new(data: T) -> Option<Self> {
        let pt = PageTable::new()?;
        Some(Self { root: pt.root, active: AtomicU64::new(0), locked: MmLock::new(Locked { pt, data }) })
    }

    /// Physical address of the PML4.
    pub fn root(&self) -> u64 {
        self.root
    }

    /// Locks the tree and the caller's state. While waiting, this CPU keeps
    /// answering TLB shootdowns (see `tlb`), so a holder that waits for
    /// this CPU's acknowledgement cannot deadlock with it.
    pub fn lock(&self) -> MmGuard<'_, Locked<T>> {
        self.locked.lock()
    }

    /// Loads this tree into CR3 unless this CPU runs it already, and
    /// records this CPU as a shootdown target.
    pub fn activate(&self) {
        // SAFETY: (1) `self.root` is the root of our tree (type invariant),
        // whose kernel half was copied from the kernel PML4 in
        // `PageTable::new`; (2) the tree lives until `Drop` below has run
        // `leave_everywhere`, so no CPU keeps it loaded after it is freed.
        unsafe { tlb::activate(self.root, &self.active) }
    }

    /// Whether this CPU has the tree loaded.
    pub fn is_active_here(&self) -> bool {
        tlb::is_current(self.root)
    }

    /// CPUs that activated this tree (bit n = CPU n; some may have left).
    pub fn active_mask(&self) -> u64 {
        self.active.load(Ordering::Relaxed)
    }

    /// Flushes `start..end` from every TLB that may cache a translation of
    /// this tree (shootdown IPIs to other CPUs running it, waiting for their
    /// acknowledgement). Call after changing or removing present entries,
    /// before dropping what was unmapped.
    pub fn flush(&self, start: usize, end: usize) {
        tlb::flush(self.root, &self.active, start, end)
    }
}

impl<T> Drop for MmuSpace<T> {
    fn drop(&mut self) {
        // Must happen before `locked` (and with it the tree) is dropped.
        tlb::leave_everywhere(self.root, &self.active);
    }
}

fn kernel_pml4() -> Option<u64> {
    #[cfg(target_os = "none")]
    {
        Some(arch::paging::kernel_page_table()).filter(|&p| p != 0)
    }
    #[cfg(not(target_os = "none"))]
    {
        None
    }
}
