//! User memory access for the syscall layer.
//!
//! Protocol, for every call: the range is split at page boundaries; each
//! piece is copied with this address space active on the calling CPU (in
//! the kernel: interrupts off for the piece, so the thread cannot be
//! preempted between `activate` and the copy, and `arch::usercopy`'s
//! fault-recovering instructions). A fault stops the copy at the faulting
//! address; [`AddressSpace::handle_fault`] resolves it (demand paging, COW,
//! stack growth) with interrupts on, and the copy resumes there. A fault
//! that cannot be resolved, an address outside the user half, or the same
//! page faulting again after being resolved three times, is EFAULT. Nothing
//! here panics on a bad user address.
//!
//! On the host there is no MMU: pieces are copied through the page table in
//! software, faulting exactly where the hardware would.
//!
//! Typed access uses `bytemuck::Pod` (any bit pattern is valid, no
//! padding), so `read_val` cannot create an invalid value.

use alloc::vec::Vec;
use core::marker::PhantomData;

use abi::{Errno, KResult};
use bytemuck::Pod;

use crate::PAGE_SIZE;
use crate::fault::Access;
use crate::layout::{self, TASK_SIZE};
use crate::space::AddressSpace;

/// How a futex word is identified (Linux `get_futex_key`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FutexKey {
    /// A private mapping: (address space, virtual address).
    Private { space: u64, addr: usize },
    /// A shared mapping: the physical address of the word, the same in
    /// every process that maps the page.
    Shared { phys: u64 },
}

/// A user address holding a `T` (as syscall arguments carry them). Only
/// an address: every access goes through an [`AddressSpace`] and can fail
/// with EFAULT.
pub struct UserPtr<T> {
    addr: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for UserPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for UserPtr<T> {}

impl<T> core::fmt::Debug for UserPtr<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "UserPtr({:#x})", self.addr)
    }
}

impl<T: Pod> UserPtr<T> {
    pub const fn new(addr: usize) -> Self {
        Self { addr, _type: PhantomData }
    }

    pub fn addr(self) -> usize {
        self.addr
    }

    pub fn is_null(self) -> bool {
        self.addr == 0
    }

    /// The `n`th element after this one (EFAULT on overflow).
    pub fn offset(self, n: usize) -> KResult<Self> {
        let offset = n.checked_mul(core::mem::size_of::<T>()).ok_or(Errno::EFAULT)?;
        Ok(Self::new(self.addr.checked_add(offset).ok_or(Errno::EFAULT)?))
    }

    pub fn read(self, space: &AddressSpace) -> KResult<T> {
        space.read_val(self.addr)
    }

    pub fn write(self, space: &AddressSpace, value: &T) -> KResult<()> {
        space.write_val(self.addr, value)
    }
}

/// Bytes from `addr` to the end of its page, at most `len`.
fn piece(addr: usize, len: usize) -> usize {
    (PAGE_SIZE - addr % PAGE_SIZE).min(len)
}

impl AddressSpace {
    /// Copies `buf.len()` bytes from user address `addr`.
    pub fn copy_from_user(&self, addr: usize, buf: &mut [u8]) -> KResult<()> {
        let mut done = 0;
        self.with_faults(Access::Read, |this| {
            while done < buf.len() {
                let n = piece(addr + done, buf.len() - done);
                raw::read(this, addr + done, &mut buf[done..done + n])?;
                done += n;
            }
            Ok(())
        })
    }

    /// Copies `buf` to user address `addr`.
    pub fn copy_to_user(&self, addr: usize, buf: &[u8]) -> KResult<()> {
        let mut done = 0;
        self.with_faults(Access::Write, |this| {
            while done < buf.len() {
                let n = piece(addr + done, buf.len() - done);
                raw::write(this, addr + done, &buf[done..done + n])?;
                done += n;
            }
            Ok(())
        })
    }

    /// Fills `len` bytes at user address `addr` with zeros.
    pub fn zero_user(&self, addr: usize, len: usize) -> KResult<()> {
        const ZEROS: [u8; PAGE_SIZE] = [0; PAGE_SIZE];
        let mut done = 0;
        self.with_faults(Access::Write, |this| {
            while done < len {
                let n = piece(addr + done, len - done);
                raw::write(this, addr + done, &ZEROS[..n])?;
                done += n;
            }
            Ok(())
        })
    }

    /// Reads a NUL-terminated string of at most `max` bytes (NUL not
    /// counted). `Ok(None)` when no NUL comes within `max` bytes: the caller
    /// picks the errno (ENAMETOOLONG for paths, E2BIG for exec arguments).
    pub fn read_cstring(&self, addr: usize, max: usize) -> KResult<Option<Vec<u8>>> {
        let mut out = Vec::new();
        let mut chunk = [0u8; 256];
        while out.len() < max {
            let at = addr.checked_add(out.len()).ok_or(Errno::EFAULT)?;
            // Never read past the page of the wanted bytes: the string may
            // end right before an unmapped page.
            let n = piece(at, chunk.len()).min(max - out.len());
            self.copy_from_user(at, &mut chunk[..n])?;
            if let Some(nul) = chunk[..n].iter().position(|&b| b == 0) {
                out.extend_from_slice(&chunk[..nul]);
                return Ok(Some(out));
            }
            out.extend_from_slice(&chunk[..n]);
        }
        Ok(None)
    }

    /// Reads a plain-old-data value.
    pub fn read_val<T: Pod>(&self, addr: usize) -> KResult<T> {
        let mut value = T::zeroed();
        self.copy_from_user(addr, bytemuck::bytes_of_mut(&mut value))?;
        Ok(value)
    }

    /// Writes a plain-old-data value.
    pub fn write_val<T: Pod>(&self, addr: usize, value: &T) -> KResult<()> {
        self.copy_to_user(addr, bytemuck::bytes_of(value))
    }

    /// Reads the futex word at `addr` with one 32-bit load. EINVAL when not
    /// 4-byte aligned, EFAULT when unreadable.
    pub fn load_u32(&self, addr: usize) -> KResult<u32> {
        if !addr.is_multiple_of(4) {
            return Err(Errno::EINVAL);
        }
        let mut value = 0;
        self.with_faults(Access::Read, |this| {
            value = raw::load_u32(this, addr)?;
            Ok(())
        })?;
        Ok(value)
    }

    /// Atomically replaces the u32 at `addr` with `new` if it equals
    /// `expected`; returns the value found. EINVAL when unaligned.
    pub fn cmpxchg_u32(&self, addr: usize, expected: u32, new: u32) -> KResult<u32> {
        if !addr.is_multiple_of(4) {
            return Err(Errno::EINVAL);
        }
        let mut value = 0;
        self.with_faults(Access::Write, |this| {
            value = raw::cmpxchg_u32(this, addr, expected, new)?;
            Ok(())
        })?;
        Ok(value)
    }

    /// Reads the futex word without resolving faults and without taking
    /// the address-space lock: `Ok(None)` when the page is not accessible
    /// right now. For callers that hold a lock (a futex bucket): on `None`
    /// they drop it, call [`fault_in`](Self::fault_in), and retry (Linux
    /// `get_futex_value_locked`). Taking the address-space lock under
    /// another spin lock could deadlock against a TLB shootdown.
    pub fn try_load_u32(&self, addr: usize) -> KResult<Option<u32>> {
        if !addr.is_multiple_of(4) {
            return Err(Errno::EINVAL);
        }
        if addr >= TASK_SIZE {
            return Err(Errno::EFAULT);
        }
        Ok(raw::load_u32_nofault(self, addr))
    }

    /// Compare-and-exchange without resolving faults (see
    /// [`try_load_u32`](Self::try_load_u32)): `Ok(None)` when the page is
    /// not writable right now.
    pub fn try_cmpxchg_u32(&self, addr: usize, expected: u32, new: u32) -> KResult<Option<u32>> {
        if !addr.is_multiple_of(4) {
            return Err(Errno::EINVAL);
        }
        if addr >= TASK_SIZE {
            return Err(Errno::EFAULT);
        }
        Ok(raw::cmpxchg_u32_nofault(self, addr, expected, new))
    }

    /// Makes the page of `addr` accessible for `access` (demand paging,
    /// COW break, stack growth); EFAULT when it cannot be.
    pub fn fault_in(&self, addr: usize, access: Access) -> KResult<()> {
        self.handle_fault(addr, access, false).map_err(|_| Errno::EFAULT)
    }

    /// The key of the futex word at `addr`: private mappings are keyed by
    /// (address space, address), shared ones by physical address (the page
    /// is faulted in first). EINVAL when unaligned, EFAULT when unmapped
    /// or PROT_NONE.
    pub fn translate_for_futex(&self, addr: usize) -> KResult<FutexKey> {
        if !addr.is_multiple_of(4) {
            return Err(Errno::EINVAL);
        }
        if addr >= TASK_SIZE {
            return Err(Errno::EFAULT);
        }
        let page = layout::page_align_down(addr);
        for _ in 0..3 {
            {
                let guard = self.mmu.lock();
                let vma = guard.data.vmas.find(addr).ok_or(Errno::EFAULT)?;
                // Linux looks the page up with get_user_pages, which a
                // PROT_NONE mapping refuses, even for a private one.
                if vma.prot.is_empty() {
                    return Err(Errno::EFAULT);
                }
                if !vma.backing.shares_frames() {
                    return Ok(FutexKey::Private { space: self.id(), addr });
                }
                if let Some(pte) = guard.pt().get(page) {
                    return Ok(FutexKey::Shared { phys: pte.phys + (addr % PAGE_SIZE) as u64 });
                }
            }
            self.handle_fault(addr, Access::Read, false).map_err(|_| Errno::EFAULT)?;
        }
        Err(Errno::EFAULT)
    }

    /// Runs `op`, resolving the faults it reports (the address) and
    /// retrying; see the module doc.
    fn with_faults(&self, access: Access, mut op: impl FnMut(&Self) -> Result<(), usize>) -> KResult<()> {
        let mut last = usize::MAX;
        let mut repeats = 0;
        loop {
            let fault_addr = match op(self) {
                Ok(()) => return Ok(()),
                Err(addr) => addr,
            };
            if fault_addr >= TASK_SIZE {
                return Err(Errno::EFAULT);
            }
            let page = layout::page_align_down(fault_addr);
            if page == last {
                repeats += 1;
                if repeats >= 3 {
                    log::warn!("user access at {fault_addr:#x} keeps faulting after being resolved");
                    return Err(Errno::EFAULT);
                }
            } else {
                last = page;
                repeats = 0;
            }
            self.handle_fault(fault_addr, access, false).map_err(|_| Errno::EFAULT)?;
        }
    }
}

/// One piece of a user access (never crossing a page), reporting the
/// faulting address on failure.
#[cfg(target_os = "none")]
mod raw {
    use arch::irq::IrqSave;

    use crate::space::AddressSpace;

    pub fn read(space: &AddressSpace, addr: usize, buf: &mut [u8]) -> Result<(), usize> {
        let _irq = IrqSave::new();
        space.activate();
        arch::usercopy::copy_from_user(buf, addr).map_err(|f| f.addr)
    }

    pub fn write(space: &AddressSpace, addr: usize, buf: &[u8]) -> Result<(), usize> {
        let _irq = IrqSave::new();
        space.activate();
        arch::usercopy::copy_to_user(addr, buf).map_err(|f| f.addr)
    }

    pub fn load_u32(space: &AddressSpace, addr: usize) -> Result<u32, usize> {
        let _irq = IrqSave::new();
        space.activate();
        arch::useratomic::load_user_u32(addr).map_err(|f| f.addr)
    }

    pub fn cmpxchg_u32(space: &AddressSpace, addr: usize, expected: u32, new: u32) -> Result<u32, usize> {
        let _irq = IrqSave::new();
        space.activate();
        arch::usercopy::cmpxchg_user_u32(addr, expected, new).map_err(|f| f.addr)
    }

    pub fn load_u32_nofault(space: &AddressSpace, addr: usize) -> Option<u32> {
        load_u32(space, addr).ok()
    }

    pub fn cmpxchg_u32_nofault(space: &AddressSpace, addr: usize, expected: u32, new: u32) -> Option<u32> {
        cmpxchg_u32(space, addr, expected, new).ok()
    }
}

/// The host's software MMU: checks the entry as the hardware would and
/// copies through the frame. Each piece is copied under the space's lock,
/// which stands in for the TLB shootdown: a change to the entry cannot land
/// while a copy through the old entry is in flight.
#[cfg(not(target_os = "none"))]
mod raw {
    use crate::PAGE_SIZE;
    use crate::layout::{self, TASK_SIZE};
    use crate::page::UserFrame;
    use crate::space::AddressSpace;

    fn with_frame<R>(space: &AddressSpace, addr: usize, write: bool, f: impl FnOnce(&UserFrame) -> R) -> Result<R, usize> {
        if addr >= TASK_SIZE {
            return Err(addr);
        }
        space.activate();
        let guard = space.mmu.lock();
        let page = layout::page_align_down(addr);
        match guard.pt().get(page) {
            Some(pte) if pte.flags.readable && (!write || pte.flags.writable) => Ok(f(&guard.pt().frame(page).unwrap())),
            _ => Err(addr),
        }
    }

    pub fn read(space: &AddressSpace, addr: usize, buf: &mut [u8]) -> Result<(), usize> {
        with_frame(space, addr, false, |f| f.read(addr % PAGE_SIZE, buf))
    }

    pub fn write(space: &AddressSpace, addr: usize, buf: &[u8]) -> Result<(), usize> {
        with_frame(space, addr, true, |f| f.write(addr % PAGE_SIZE, buf))
    }

    pub fn load_u32(space: &AddressSpace, addr: usize) -> Result<u32, usize> {
        let mut b = [0u8; 4];
        read(space, addr, &mut b)?;
        Ok(u32::from_ne_bytes(b))
    }

    pub fn load_u32_nofault(space: &AddressSpace, addr: usize) -> Option<u32> {
        load_u32(space, addr).ok()
    }

    pub fn cmpxchg_u32_nofault(space: &AddressSpace, addr: usize, expected: u32, new: u32) -> Option<u32> {
        cmpxchg_u32(space, addr, expected, new).ok()
    }

    pub fn cmpxchg_u32(space: &AddressSpace, addr: usize, expected: u32, new: u32) -> Result<u32, usize> {
        with_frame(space, addr, true, |f| {
            let mut b = [0u8; 4];
            f.read(addr % PAGE_SIZE, &mut b);
            let old = u32::from_ne_bytes(b);
            if old == expected {
                f.write(addr % PAGE_SIZE, &new.to_ne_bytes());
            }
            old
        })
    }
}
