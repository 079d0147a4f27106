//! Page faults: deciding what a fault at an address means and resolving it.
//!
//! The trap handler never resolves a fault. A fault in user mode ends
//! `run_user` with an exception reason and the user-thread loop calls
//! [`AddressSpace::handle_fault`]; a fault in a kernel user copy resumes at
//! the copy's fixup, and `uaccess` calls `handle_fault` and retries.
//!
//! Resolution, under the address-space lock:
//!
//! | page table entry | access                     | action                                   |
//! |------------------|----------------------------|------------------------------------------|
//! | none             | allowed by the VMA         | demand-zero / file read / shared page    |
//! | none             | shared file, past EOF      | SIGBUS                                   |
//! | present, RO      | write, VMA writable, shared| make writable                            |
//! | present, RO      | write, private, count 1    | make writable (last user of the frame)   |
//! | present, RO      | write, private, count > 1  | copy, map the copy RW, shoot down, drop  |
//! | present, allowed | any                        | spurious (stale TLB elsewhere): nothing  |
//! | any              | not allowed by the VMA     | SEGV_ACCERR                              |
//!
//! No VMA: a grows-down VMA above the address grows down to it if the stack
//! stays within its rlimit and keeps `STACK_GUARD_GAP` from the accessible
//! VMA below (Linux `expand_downwards`); otherwise SEGV_MAPERR.
//!
//! File pages of private mappings are read with the lock dropped (the file
//! system may take its own locks or be slow); the fault then starts over
//! and uses the page if the mapping still wants it. Shared file mappings
//! take the page from the file's page cache under the lock (mm's own leaf
//! lock, as shared anonymous memory): looking it up and mapping it in one
//! critical section is what keeps truncation race-free (`cache::rmap`).

use alloc::sync::Arc;

use crate::PAGE_SIZE;
use crate::file::FileBacking;
use crate::frame::FrameKind;
use crate::layout::{self, STACK_GUARD_GAP, TASK_SIZE};
use crate::page::UserFrame;
use crate::pt::PteFlags;
use crate::space::AddressSpace;
use crate::vma::{Backing, Prot, Vma};

/// The kind of access that faulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Exec,
}

impl Access {
    /// Decodes an x86 page-fault error code.
    pub fn from_page_fault_error(code: u64) -> Self {
        const WRITE: u64 = 2;
        const INSTRUCTION: u64 = 16;
        if code & INSTRUCTION != 0 {
            Access::Exec
        } else if code & WRITE != 0 {
            Access::Write
        } else {
            Access::Read
        }
    }
}

/// Why a fault could not be resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// No mapping at the address: SIGSEGV with SEGV_MAPERR.
    MapErr,
    /// The mapping forbids the access: SIGSEGV with SEGV_ACCERR.
    AccErr,
    /// The page lies beyond the end of the mapped file (or the file could
    /// not be read): SIGBUS with BUS_ADRERR.
    Bus,
    /// No memory for the page or a page table (the OOM path).
    OutOfMemory,
}

impl Fault {
    /// The `si_code` Linux reports with the signal.
    pub fn si_code(self) -> i32 {
        match self {
            Fault::MapErr => 1,  // SEGV_MAPERR
            Fault::AccErr => 2,  // SEGV_ACCERR
            Fault::Bus => 2,     // BUS_ADRERR
            Fault::OutOfMemory => 0,
        }
    }
}

/// A file page read with the lock dropped, waiting to be mapped.
struct Prepared {
    file: Arc<dyn FileBacking>,
    offset: u64,
    frame: UserFrame,
}

enum Step {
    Done(Result<(), Fault>),
    ReadFile { file: Arc<dyn FileBacking>, offset: u64 },
}

impl AddressSpace {
    /// Resolves a page fault at `addr`. `from_user` says whether user code
    /// faulted (rather than a kernel user copy); both are handled alike.
    pub fn handle_fault(&self, addr: usize, access: Access, from_user: bool) -> Result<(), Fault> {
        let _ = from_user;
        if addr >= TASK_SIZE {
            return Err(Fault::MapErr);
        }
        let page = layout::page_align_down(addr);
        let mut prepared: Option<Prepared> = None;
        loop {
            match self.fault_locked(page, access, &mut prepared) {
                Step::Done(result) => return result,
                Step::ReadFile { file, offset } => {
                    let mut frame = UserFrame::alloc_zeroed(FrameKind::UserAnon).ok_or(Fault::OutOfMemory)?;
                    let read = frame.with_exclusive(|bytes| file.read_page(offset, bytes)).expect("fresh frame is exclusive");
                    match read {
                        Ok(0) | Err(_) => return Err(Fault::Bus),
                        Ok(_) => prepared = Some(Prepared { file, offset, frame }),
                    }
                }
            }
        }
    }

    fn fault_locked(&self, page: usize, access: Access, prepared: &mut Option<Prepared>) -> Step {
        let mut guard = self.mmu.lock();
        let (mut pt, st) = guard.split();
        if st.vmas.find(page).is_none()
            && let Err(fault) = grow_stack(st, page)
        {
            return Step::Done(Err(fault));
        }
        let vma: Vma = st.vmas.find(page).expect("VMA just checked").clone();
        let allowed = match access {
            Access::Read => !vma.prot.is_empty(),
            Access::Write => vma.prot.contains(Prot::WRITE),
            Access::Exec => vma.prot.contains(Prot::EXEC),
        };
        if !allowed {
            return Step::Done(Err(Fault::AccErr));
        }
        let wanted = PteFlags {
            readable: true,
            writable: vma.prot.contains(Prot::WRITE),
            executable: vma.prot.contains(Prot::EXEC),
        };
        let Some(pte) = pt.get(page) else {
            // Not present: bring the page in.
            let frame = match &vma.backing {
                Backing::Anon => UserFrame::alloc_zeroed(FrameKind::UserAnon),
                Backing::Shared { mem, .. } => mem.page(vma.backing_offset(page) / PAGE_SIZE as u64),
                Backing::SharedFile { pages, .. } => match pages.page_for_fault(vma.backing_offset(page) / PAGE_SIZE as u64) {
                    Ok(frame) => Some(frame),
                    Err(fault) => return Step::Done(Err(fault)),
                },
                Backing::File { file, .. } => {
                    let offset = vma.backing_offset(page);
                    match prepared.take() {
                        Some(p) if Arc::ptr_eq(&p.file, file) && p.offset == offset => Some(p.frame),
                        _ => return Step::ReadFile { file: file.clone(), offset },
                    }
                }
            };
            let Some(frame) = frame else { return Step::Done(Err(Fault::OutOfMemory)) };
            // The entry was not present, so no TLB caches it: no flush.
            return Step::Done(match pt.map(page, frame, wanted) {
                Ok(_) => Ok(()),
                Err(_) => Err(Fault::OutOfMemory),
            });
        };
        if access == Access::Write && !pte.flags.writable {
            let shared = vma.backing.shares_frames();
            let frame = pt.frame(page).expect("present entry has a frame");
            // `frame` is one reference; the entry holds another.
            if shared || frame.ref_count() == 2 {
                // Only a permission upgrade: a stale read-only entry on
                // another CPU just faults once more and lands below as
                // spurious.
                pt.set_flags(page, wanted);
                return Step::Done(Ok(()));
            }
            let Some(copy) = frame.duplicate() else { return Step::Done(Err(Fault::OutOfMemory)) };
            let old = match pt.map(page, copy, wanted) {
                Ok(old) => old,
                Err(_) => return Step::Done(Err(Fault::OutOfMemory)),
            };
            // The translation changed frames: every CPU must drop the old
            // one before the old frame's reference goes.
            self.mmu.flush(page, page + PAGE_SIZE);
            drop(old);
            return Step::Done(Ok(()));
        }
        if !pte.flags.readable || (access == Access::Exec && !pte.flags.executable) {
            // The entry lags behind the VMA (never expected: mprotect
            // rewrites entries); bring it in line, keeping it read-only if
            // it was (COW).
            pt.set_flags(page, PteFlags { writable: pte.flags.writable && wanted.writable, ..wanted });
            self.mmu.flush(page, page + PAGE_SIZE);
        }
        // Present and allowed: another CPU fixed it first, or this CPU had a
        // stale TLB entry (the fault itself dropped it).
        Step::Done(Ok(()))
    }
}

/// Grows the grows-down VMA above `page` down to it, if allowed.
fn grow_stack(st: &mut crate::space::State, page: usize) -> Result<(), Fault> {
    let Some(next) = st.vmas.first_ending_after(page) else { return Err(Fault::MapErr) };
    if !next.grows_down || page < layout::MMAP_MIN_ADDR {
        return Err(Fault::MapErr);
    }
    if next.end - page > st.stack_limit {
        return Err(Fault::MapErr);
    }
    if let Some(prev) = st.vmas.last_starting_before(page)
        && !prev.grows_down
        && !prev.prot.is_empty()
        && page - prev.end < STACK_GUARD_GAP
    {
        return Err(Fault::MapErr);
    }
    let old_start = next.start;
    st.vmas.extend_down(old_start, page);
    Ok(())
}
