//! The local descriptor table of an address space: modify_ldt(2), Linux's
//! `mm->context.ldt` (arch/x86/kernel/ldt.c).
//!
//! A table is never changed once made: a write builds a new one (as
//! Linux's write_ldt) and publishes it under a new generation number. Each
//! thread's user context holds the table it runs with and picks up a newer
//! one at its next entry into user mode, so a table stays allocated while
//! any CPU may still have it loaded in LDTR.
//!
//! Only code and data descriptors of privilege 3 can be written (no
//! system descriptors, so no gates): a user table cannot reach ring 0.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use abi::{Errno, KResult};
use ksync::SpinLock;

/// Entries an LDT may have (LDT_ENTRIES).
pub const LDT_ENTRIES: usize = 8192;
/// Bytes per entry (LDT_ENTRY_SIZE).
pub const ENTRY_SIZE: usize = 8;
/// `sizeof(struct user_desc)`.
pub const USER_DESC_SIZE: usize = 16;
/// What modify_ldt(2, ...) reads: the "default LDT" of 64-bit Linux.
pub const DEFAULT_LDT_SIZE: usize = 128;

/// Generations are unique over all address spaces, so a thread's cached
/// one can never match a different space's table by accident.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// A descriptor table, as the CPU reads it.
pub type Table = Arc<[u64]>;

/// `struct user_desc` (asm/ldt.h).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserDesc {
    pub entry_number: u32,
    pub base_addr: u32,
    pub limit: u32,
    seg_32bit: bool,
    contents: u32,
    read_exec_only: bool,
    limit_in_pages: bool,
    seg_not_present: bool,
    useable: bool,
    lm: bool,
}

impl UserDesc {
    pub fn from_bytes(b: &[u8; USER_DESC_SIZE]) -> Self {
        let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let bits = word(12);
        Self {
            entry_number: word(0),
            base_addr: word(4),
            limit: word(8),
            seg_32bit: bits & 1 != 0,
            contents: (bits >> 1) & 3,
            read_exec_only: bits & (1 << 3) != 0,
            limit_in_pages: bits & (1 << 4) != 0,
            seg_not_present: bits & (1 << 5) != 0,
            useable: bits & (1 << 6) != 0,
            lm: bits & (1 << 7) != 0,
        }
    }

    /// Linux's LDT_empty: the pattern that asks for the entry to be
    /// cleared.
    fn is_empty(&self) -> bool {
        self.base_addr == 0
            && self.limit == 0
            && self.contents == 0
            && self.read_exec_only
            && !self.seg_32bit
            && !self.limit_in_pages
            && self.seg_not_present
            && !self.useable
            && !self.lm
    }

    /// The descriptor to store, with write_ldt's checks (`old_mode`:
    /// modify_ldt function 1 rather than 0x11).
    pub fn descriptor(&self, old_mode: bool) -> KResult<u64> {
        if self.entry_number as usize >= LDT_ENTRIES {
            return Err(Errno::EINVAL);
        }
        if self.contents == 3 && (old_mode || !self.seg_not_present) {
            return Err(Errno::EINVAL);
        }
        if (old_mode && self.base_addr == 0 && self.limit == 0) || self.is_empty() {
            return Ok(0);
        }
        // fill_ldt: S=1 (code or data), DPL 3, accessed, L never set.
        let base = self.base_addr as u64;
        let limit = self.limit as u64;
        let seg_type = 1 | (u64::from(!self.read_exec_only) << 1) | (u64::from(self.contents) << 2);
        let access = seg_type | (1 << 4) | (3 << 5) | (u64::from(!self.seg_not_present) << 7);
        let avl = self.useable && !old_mode;
        Ok((limit & 0xffff)
            | ((base & 0xff_ffff) << 16)
            | (access << 40)
            | (((limit >> 16) & 0xf) << 48)
            | (u64::from(avl) << 52)
            | (u64::from(self.seg_32bit) << 54)
            | (u64::from(self.limit_in_pages) << 55)
            | (((base >> 24) & 0xff) << 56))
    }
}

/// One address space's LDT.
#[derive(Default)]
pub struct Ldt {
    /// The current table and its generation (0: none yet).
    current: SpinLock<(u64, Option<Table>)>,
    /// The same generation, readable without the lock at every entry
    /// into user mode.
    generation: AtomicU64,
}

impl Ldt {
    /// The generation of the current table (0 when there is none).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The current table and its generation.
    pub fn current(&self) -> (u64, Option<Table>) {
        self.current.lock().clone()
    }

    /// modify_ldt(0): the table's bytes, at most `bytecount` of them; with
    /// no table, nothing. Linux pretends to read `bytecount` (capped at the
    /// largest table) and zero-fills past the entries.
    pub fn read(&self, bytecount: usize) -> KResult<Vec<u8>> {
        let Some(table) = self.current().1 else { return Ok(Vec::new()) };
        let len = bytecount.min(LDT_ENTRIES * ENTRY_SIZE);
        let mut out = Vec::new();
        out.try_reserve_exact(len).map_err(|_| Errno::ENOMEM)?;
        out.extend(table.iter().flat_map(|d| d.to_le_bytes()).take(len));
        out.resize(len, 0);
        Ok(out)
    }

    /// modify_ldt(1 or 0x11): sets one entry in a new table.
    pub fn write(&self, entry: usize, descriptor: u64) -> KResult<()> {
        let mut current = self.current.lock();
        let old: &[u64] = current.1.as_deref().unwrap_or(&[]);
        let len = old.len().max(entry + 1);
        let mut entries = Vec::new();
        entries.try_reserve_exact(len).map_err(|_| Errno::ENOMEM)?;
        entries.extend_from_slice(old);
        entries.resize(len, 0);
        entries[entry] = descriptor;
        let generation = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
        *current = (generation, Some(Table::from(entries)));
        self.generation.store(generation, Ordering::Release);
        Ok(())
    }

    /// A fork child takes its parent's table (Linux's ldt_dup_context).
    /// Tables never change, so the two share it until either writes.
    pub fn inherit(&self, parent: &Ldt) {
        let current = parent.current();
        let generation = current.0;
        *self.current.lock() = current;
        self.generation.store(generation, Ordering::Release);
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn desc(entry: u32, base: u32, limit: u32, bits: u32) -> UserDesc {
        let mut b = [0u8; USER_DESC_SIZE];
        b[0..4].copy_from_slice(&entry.to_le_bytes());
        b[4..8].copy_from_slice(&base.to_le_bytes());
        b[8..12].copy_from_slice(&limit.to_le_bytes());
        b[12..16].copy_from_slice(&bits.to_le_bytes());
        UserDesc::from_bytes(&b)
    }

    const SEG_32BIT: u32 = 1;
    const LIMIT_IN_PAGES: u32 = 1 << 4;
    const NOT_PRESENT: u32 = 1 << 5;
    const READ_EXEC_ONLY: u32 = 1 << 3;

    #[test]
    fn flat_data_segment_encodes_like_the_user_data_descriptor() {
        // Base 0, limit 0xfffff pages, 32-bit, writable data, DPL 3: the
        // same bits as the GDT's user data entry (0x00cff2000000ffff) plus
        // the accessed bit Linux sets.
        let d = desc(0, 0, 0xfffff, SEG_32BIT | LIMIT_IN_PAGES).descriptor(false).unwrap();
        assert_eq!(d, 0x00cf_f300_0000_ffff);
    }

    #[test]
    fn base_bits_are_split_as_the_cpu_reads_them() {
        let d = desc(1, 0x1234_5678, 0x10, SEG_32BIT).descriptor(false).unwrap();
        assert_eq!(d & 0xffff, 0x10);
        assert_eq!((d >> 16) & 0xff_ffff, 0x34_5678);
        assert_eq!(d >> 56, 0x12);
    }

    #[test]
    fn write_ldt_refusals() {
        assert_eq!(desc(8192, 0, 0, 0).descriptor(false), Err(Errno::EINVAL));
        // contents 3 needs "not present", and is never valid in old mode.
        assert_eq!(desc(0, 0, 1, 3 << 1).descriptor(false), Err(Errno::EINVAL));
        assert_eq!(desc(0, 0, 1, (3 << 1) | NOT_PRESENT).descriptor(true), Err(Errno::EINVAL));
        assert!(desc(0, 0, 1, (3 << 1) | NOT_PRESENT).descriptor(false).is_ok());
    }

    #[test]
    fn empty_pattern_and_old_mode_zero_clear_the_entry() {
        assert_eq!(desc(3, 0, 0, READ_EXEC_ONLY | NOT_PRESENT).descriptor(false), Ok(0));
        assert_eq!(desc(3, 0, 0, SEG_32BIT).descriptor(true), Ok(0));
        assert_ne!(desc(3, 0, 0, SEG_32BIT).descriptor(false), Ok(0));
    }

    #[test]
    fn writes_make_new_generations_and_reads_zero_fill() {
        let ldt = Ldt::default();
        assert_eq!(ldt.generation(), 0);
        assert!(ldt.read(64).unwrap().is_empty());
        ldt.write(2, 0x00cf_f300_0000_ffff).unwrap();
        let first = ldt.generation();
        assert_ne!(first, 0);
        let bytes = ldt.read(64).unwrap();
        assert_eq!(bytes.len(), 64);
        assert_eq!(&bytes[16..24], &0x00cf_f300_0000_ffffu64.to_le_bytes());
        assert!(bytes[..16].iter().chain(&bytes[24..]).all(|&b| b == 0));
        let child = Ldt::default();
        child.inherit(&ldt);
        ldt.write(0, 0).unwrap();
        assert_ne!(ldt.generation(), first);
        assert_eq!(child.generation(), first);
        assert_eq!(child.current().1.unwrap().len(), 3);
    }
}
