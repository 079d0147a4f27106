//! `AddressSpace`: a user address space, shared by the threads of a
//! process through `Arc` (CLONE_VM).
//!
//! # Locks and lock ordering
//!
//! One lock per address space (an [`MmLock`](crate::tlb::MmLock) inside
//! [`MmuSpace`]) guards the VMAs, the page table and the brk/stack state
//! together. Order:
//!
//! ```text
//! address space (parent before child in fork)
//!   -> SharedMem pages / FilePages state -> kernel heap -> frames
//! ```
//!
//! `FileBacking::read_page` and `page_cache` run with no mm lock held (see
//! `fault`, `mmap`); `FilePages::mappers` is never held with an mm lock. TLB
//! shootdowns run with the address-space lock held; other CPUs waiting for
//! that lock keep answering them. Callers must not hold any other spin lock
//! while calling into an address space (a shootdown target spinning on it
//! with interrupts off could not answer).

use alloc::string::String;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};

use abi::{Errno, KResult};

use crate::PAGE_SIZE;
use crate::layout::{self, DEFAULT_STACK_LIMIT, TASK_SIZE};
use crate::pt::{MmuSpace, Unmapped, Walk};
use crate::file::FileBacking;
use crate::vma::{Backing, Prot, Vma, VmaFlags, VmaMap};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The state under the address-space lock (besides the page table).
#[derive(Clone)]
pub(crate) struct State {
    pub vmas: VmaMap,
    /// Start of the program break (end of the ELF image, page aligned).
    pub brk_start: usize,
    /// The current break (not necessarily page aligned).
    pub brk: usize,
    /// Initial stack pointer region of the main thread (names `[stack]`).
    pub start_stack: usize,
    /// RLIMIT_STACK: how far the main stack may grow.
    pub stack_limit: usize,
    /// RLIMIT_AS: bytes of VMAs allowed.
    pub as_limit: usize,
    /// Top of the top-down mmap area.
    pub mmap_base: usize,
    /// Flags every new mapping gets (mlockall(MCL_FUTURE); Linux
    /// `mm->def_flags`).
    pub def_flags: crate::vma::VmaFlags,
    pub layout: ProgramLayout,
}

impl State {
    fn new() -> Self {
        Self {
            vmas: VmaMap::new(),
            brk_start: 0,
            brk: 0,
            start_stack: 0,
            stack_limit: DEFAULT_STACK_LIMIT,
            as_limit: usize::MAX,
            mmap_base: layout::mmap_base(DEFAULT_STACK_LIMIT),
            def_flags: crate::vma::VmaFlags::empty(),
            layout: ProgramLayout::default(),
        }
    }
}

/// A user address space.
pub struct AddressSpace {
    id: u64,
    pub(crate) mmu: MmuSpace<State>,
    /// This space, for the page caches it maps (`cache::rmap`).
    pub(crate) me: Weak<AddressSpace>,
    /// Whether `State::def_flags` locks new mappings (mlockall with
    /// MCL_FUTURE), readable without the lock: every mmap asks.
    pub(crate) locks_future: core::sync::atomic::AtomicBool,
    /// modify_ldt's table (`crate::ldt`).
    pub ldt: crate::ldt::Ldt,
}

/// Where a stack was placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackArea {
    /// Lowest address of the guard below the stack (a PROT_NONE VMA for
    /// thread stacks; for the main stack, the start of its guard gap).
    pub guard: usize,
    /// Lowest mapped stack address now.
    pub bottom: usize,
    /// One past the highest stack address (the initial stack pointer).
    pub top: usize,
}

/// Sizes of an address space (for /proc/<pid>/status and statm).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpaceStats {
    /// VmSize: pages covered by VMAs.
    pub vm_pages: usize,
    /// VmRSS: pages mapped in the page table.
    pub rss_pages: usize,
    /// VmPTE: frames used by page tables.
    pub page_table_frames: usize,
    /// VmStk: pages of grows-down VMAs.
    pub stack_pages: usize,
    /// VmData: pages of private writable non-stack VMAs.
    pub data_pages: usize,
    /// Number of VMAs.
    pub vma_count: usize,
    /// VmLck: pages of locked VMAs.
    pub locked_pages: usize,
    /// VmHWM: the most pages ever resident at once.
    pub peak_rss_pages: usize,
    pub brk_start: usize,
    pub brk: usize,
    pub layout: ProgramLayout,
}

/// Where the program's code, data and arguments are, recorded at exec
/// (Linux's `mm->start_code` and its neighbours), so /proc/<pid>/stat
/// need not look through the mappings: with 100,000 thread stacks there
/// are 200,000 of them, and `ps -T` reads one stat per thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProgramLayout {
    pub start_code: usize,
    pub end_code: usize,
    pub start_data: usize,
    pub end_data: usize,
    /// The main thread's first stack pointer, where argc is (Linux's
    /// `mm->start_stack`, the `bprm->p` that create_elf_tables leaves).
    pub start_stack: usize,
}

impl ProgramLayout {
    /// VmExe in bytes: the code's pages.
    pub fn exe_bytes(&self) -> usize {
        let start = self.start_code & !(PAGE_SIZE - 1);
        layout::page_align_up(self.end_code).unwrap_or(self.end_code).saturating_sub(start)
    }
}

/// One line of /proc/<pid>/maps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapsEntry {
    pub start: usize,
    pub end: usize,
    /// `rwxp` / `rw-s` ...
    pub perms: [u8; 4],
    pub offset: u64,
    pub dev: (u32, u32),
    pub inode: u64,
    /// Path, `[heap]`, `[stack]`, or empty.
    pub name: String,
}

impl fmt::Display for MapsEntry {
    /// Linux's format (fs/proc/task_mmu.c `show_map_vma`): the name starts
    /// at column 74 when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let perms = core::str::from_utf8(&self.perms).unwrap_or("????");
        let head = alloc::format!(
            "{:08x}-{:08x} {} {:08x} {:02x}:{:02x} {} ",
            self.start, self.end, perms, self.offset, self.dev.0, self.dev.1, self.inode
        );
        if self.name.is_empty() {
            write!(f, "{head}")
        } else {
            write!(f, "{head:<73}{}", self.name)
        }
    }
}

impl AddressSpace {
    /// An empty address space: no user mappings, the kernel half shared.
    pub fn new() -> KResult<Arc<Self>> {
        let mmu = MmuSpace::new(State::new()).ok_or(Errno::ENOMEM)?;
        Ok(Arc::new_cyclic(|me| Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            mmu,
            me: me.clone(),
            locks_future: core::sync::atomic::AtomicBool::new(false),
            ldt: crate::ldt::Ldt::default(),
        }))
    }

    /// A number unique among all address spaces ever created (futex keys).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Physical address of the PML4 (the debugger's `weft pt`).
    pub fn page_table_root(&self) -> u64 {
        self.mmu.root()
    }

    /// Makes this address space the one the calling CPU runs, if it is not
    /// already (one atomic load when it is). Records the CPU as a shootdown
    /// target.
    pub fn activate(&self) {
        self.mmu.activate();
    }

    /// Whether the calling CPU runs this address space.
    pub fn is_active_here(&self) -> bool {
        self.mmu.is_active_here()
    }

    /// The child of `fork`: the same VMAs; private pages shared
    /// copy-on-write (write-protected in both, the frame's count raised),
    /// shared anonymous pages shared writable. Shared file mappings copy no
    /// entries (as Linux): the child faults the file's pages in, after
    /// being listed as a mapper of the file (`cache::rmap`). As Linux's
    /// dup_mmap: MADV_DONTFORK VMAs are left out, MADV_WIPEONFORK ones get
    /// no pages (the child reads zeros), and no lock is inherited.
    pub fn fork(&self) -> KResult<Arc<Self>> {
        let child = Self::new()?;
        child.ldt.inherit(&self.ldt);
        let mut parent_guard = self.mmu.lock();
        // The copy's page tables and VMA list are kernel memory, which the
        // kernel takes infallibly in places. A fork whose copy would eat
        // into the kernel's reserve fails here with ENOMEM, as Linux's
        // dup_mmap does when its allocations fail; a chain of forks can
        // then not starve the kernel.
        let copy_bytes = parent_guard.pt().table_frames() * PAGE_SIZE
            + parent_guard.data.vmas.count() * core::mem::size_of::<Vma>();
        if !crate::frame::user_may_take_bytes(copy_bytes) {
            return Err(Errno::ENOMEM);
        }
        // Lock order: parent -> child (the child is not reachable by anyone
        // else yet).
        let mut child_guard = child.mmu.lock();
        let (mut ppt, pstate) = parent_guard.split();
        let (mut cpt, cstate) = child_guard.split();
        *cstate = pstate.clone();
        cstate.def_flags = VmaFlags::empty();
        for vma in pstate.vmas.iter().filter(|v| v.flags.contains(VmaFlags::DONT_FORK)) {
            cstate.vmas.remove_range(vma.start, vma.end);
        }
        cstate.vmas.update_range(0, TASK_SIZE, |v| v.flags -= VmaFlags::LOCKED | VmaFlags::LOCK_ON_FAULT);
        let mut protected = 0;
        let mut caches = Vec::new();
        let mut copied = Ok(());
        for vma in pstate.vmas.iter() {
            if vma.flags.intersects(VmaFlags::DONT_FORK | VmaFlags::WIPE_ON_FORK) {
                continue;
            }
            if let Backing::SharedFile { pages, .. } = &vma.backing {
                if caches.try_reserve(1).is_err() {
                    copied = Err(Errno::ENOMEM);
                    break;
                }
                caches.push(pages.clone());
                continue;
            }
            let cow = !vma.backing.shares_frames();
            if cow {
                protected += ppt.update_range(vma.start, vma.end, |_, pte| {
                    pte.flags.writable.then_some(crate::pt::PteFlags { writable: false, ..pte.flags })
                });
            }
            // Each entry is copied as the walk meets it: no list of the
            // pages is built, so the copy allocates only the child's tables.
            ppt.for_each(vma.start, vma.end, |va, pte| {
                if copied.is_err() {
                    return;
                }
                let frame = ppt.frame(va).expect("page vanished under the lock");
                if cpt.map(va, frame, pte.flags).is_err() {
                    copied = Err(Errno::ENOMEM);
                }
            });
            if copied.is_err() {
                break;
            }
        }
        if protected > 0 {
            // Other threads of the parent must stop writing through their
            // old writable translations before fork returns (also when the
            // copy failed: the entries stay write-protected).
            self.mmu.flush(0, TASK_SIZE);
        }
        drop(child_guard);
        drop(parent_guard);
        copied?;
        for pages in caches {
            pages.add_mapper(&child.me);
        }
        Ok(child)
    }

    /// Sets where the program break starts (the ELF loader, after the last
    /// segment). The break starts empty there.
    pub fn set_brk_start(&self, addr: usize) {
        let mut g = self.mmu.lock();
        let start = layout::page_align_up(addr).unwrap_or(addr);
        g.data.brk_start = start;
        g.data.brk = start;
    }

    /// Records where the program was put (exec).
    pub fn set_program_layout(&self, layout: ProgramLayout) {
        self.mmu.lock().data.layout = layout;
    }

    /// Sets RLIMIT_STACK. Before the first mapping (exec) it also moves the
    /// mmap base, as Linux picks the layout at exec time.
    pub fn set_stack_limit(&self, bytes: usize) {
        let mut g = self.mmu.lock();
        g.data.stack_limit = bytes;
        if g.data.vmas.count() == 0 {
            g.data.mmap_base = layout::mmap_base(bytes);
        }
    }

    /// Sets RLIMIT_AS (bytes of mappings; `usize::MAX` for none).
    pub fn set_as_limit(&self, bytes: usize) {
        self.mmu.lock().data.as_limit = bytes;
    }

    /// Maps the main thread's stack: a grows-down VMA of
    /// `INITIAL_STACK_SIZE` below `top` (page aligned), which faults grow up
    /// to the stack limit. Returns where it is.
    pub fn map_main_stack(&self, top: usize) -> KResult<StackArea> {
        if !layout::is_page_aligned(top) || !(layout::INITIAL_STACK_SIZE + layout::MMAP_MIN_ADDR..=TASK_SIZE).contains(&top) {
            return Err(Errno::EINVAL);
        }
        let bottom = top - layout::INITIAL_STACK_SIZE;
        let mut g = self.mmu.lock();
        if g.data.vmas.overlaps(bottom, top) {
            return Err(Errno::EEXIST);
        }
        let vma = Vma { grows_down: true, ..Vma::anon(bottom, top, Prot::READ | Prot::WRITE) };
        g.data.vmas.insert(vma);
        g.data.start_stack = top - PAGE_SIZE;
        Ok(StackArea { guard: bottom.saturating_sub(layout::STACK_GUARD_GAP), bottom, top })
    }

    /// Maps a thread stack of `size` bytes (rounded up to pages) where mmap
    /// would put it, with a PROT_NONE guard VMA of `THREAD_STACK_GUARD`
    /// bytes right below it.
    pub fn map_thread_stack(&self, size: usize) -> KResult<StackArea> {
        let size = layout::page_align_up(size).filter(|&s| s > 0).ok_or(Errno::EINVAL)?;
        let total = size.checked_add(layout::THREAD_STACK_GUARD).ok_or(Errno::ENOMEM)?;
        let mut g = self.mmu.lock();
        let st = &mut g.data;
        crate::mmap::check_as_limit(st, total)?;
        let guard = crate::mmap::find_area(st, 0, total)?;
        st.vmas.insert(Vma::anon(guard, guard + layout::THREAD_STACK_GUARD, Prot::empty()));
        let bottom = guard + layout::THREAD_STACK_GUARD;
        st.vmas.insert(Vma::anon(bottom, bottom + size, Prot::READ | Prot::WRITE));
        Ok(StackArea { guard, bottom, top: bottom + size })
    }

    /// The VMAs as /proc/<pid>/maps lists them. A file's name is worked
    /// out after the lock is released: naming walks directories, which for
    /// /proc may look at this very address space.
    pub fn maps(&self) -> Vec<MapsEntry> {
        self.maps_named(true)
    }

    /// The VMAs without file names (which are costly to work out).
    pub fn maps_unnamed(&self) -> Vec<MapsEntry> {
        self.maps_named(false)
    }

    fn maps_named(&self, with_names: bool) -> Vec<MapsEntry> {
        let g = self.mmu.lock();
        let st = &g.data;
        let mut files: Vec<(usize, Arc<dyn FileBacking>)> = Vec::new();
        let mut entries: Vec<MapsEntry> = st
            .vmas
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let perms = [
                    if v.prot.contains(Prot::READ) { b'r' } else { b'-' },
                    if v.prot.contains(Prot::WRITE) { b'w' } else { b'-' },
                    if v.prot.contains(Prot::EXEC) { b'x' } else { b'-' },
                    if v.shared { b's' } else { b'p' },
                ];
                let (offset, dev, inode, name) = match &v.backing {
                    Backing::Shared { mem, offset } => (*offset, (0, 1), mem.id(), String::from("/dev/zero (deleted)")),
                    Backing::File { file, offset } | Backing::SharedFile { file, offset, .. } => {
                        files.push((i, file.clone()));
                        (*offset, (0, 0), 0, String::new())
                    }
                    Backing::Anon => {
                        let name = if st.brk > st.brk_start && v.start <= st.brk && v.end >= st.brk_start {
                            "[heap]"
                        } else if v.start <= st.start_stack && v.end >= st.start_stack {
                            "[stack]"
                        } else {
                            ""
                        };
                        (0, (0, 0), 0, String::from(name))
                    }
                };
                MapsEntry { start: v.start, end: v.end, perms, offset, dev, inode, name }
            })
            .collect();
        drop(g);
        for (i, file) in files {
            let id = file.describe(with_names);
            let e = &mut entries[i];
            (e.dev, e.inode, e.name) = (id.dev, id.ino, id.path);
        }
        entries
    }

    /// The most pages ever resident at once (Linux hiwater_rss).
    pub fn rss_peak_pages(&self) -> usize {
        self.mmu.lock().pt().peak_pages()
    }

    /// Sizes, counted per address space: O(1), every figure is kept as
    /// the mappings change.
    pub fn stats(&self) -> SpaceStats {
        let g = self.mmu.lock();
        let st = &g.data;
        let bytes = st.vmas.bytes();
        SpaceStats {
            vm_pages: bytes.total / PAGE_SIZE,
            rss_pages: g.pt().mapped_pages(),
            page_table_frames: g.pt().table_frames(),
            stack_pages: bytes.stack / PAGE_SIZE,
            data_pages: bytes.data / PAGE_SIZE,
            vma_count: st.vmas.count(),
            locked_pages: bytes.locked / PAGE_SIZE,
            peak_rss_pages: g.pt().peak_pages(),
            brk_start: st.brk_start,
            brk: st.brk,
            layout: st.layout,
        }
    }

    /// The page-table entries on the way to `addr` (the debugger).
    pub fn walk(&self, addr: usize) -> Walk {
        self.mmu.lock().pt().walk(addr)
    }

    /// The program break range: (start, current).
    pub fn brk_range(&self) -> (usize, usize) {
        let g = self.mmu.lock();
        (g.data.brk_start, g.data.brk)
    }

    /// Removes every mapping of `start..end` (VMAs and pages) and flushes;
    /// the lock must be held by the caller through `guard`. Returns what to
    /// drop after unlocking.
    pub(crate) fn unmap_locked(
        &self,
        guard: &mut crate::tlb::MmGuard<'_, crate::pt::Locked<State>>,
        start: usize,
        end: usize,
    ) -> Unmapped {
        let (mut pt, st) = guard.split();
        let removed = st.vmas.remove_range(start, end);
        let mut out = Unmapped::new();
        if !removed.is_empty() {
            pt.unmap_range(start, end, &mut out);
            if !out.is_empty() {
                self.mmu.flush(start, end);
            }
        }
        out
    }
}

impl fmt::Debug for AddressSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AddressSpace#{}", self.id)
    }
}
