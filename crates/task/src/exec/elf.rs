//! ELF64 program headers, read with explicit bounds checks.
//!
//! Hand-written rather than `xmas-elf`: that crate indexes slices without
//! checking them against the input (a malformed file would panic the
//! kernel) and casts unaligned input in place. We need only the file header
//! and the program headers.

use alloc::vec::Vec;
use core::ops::Range;

use abi::{Errno, KResult};
use mm::ProgramLayout;

pub const PT_LOAD: u32 = 1;
pub const PT_INTERP: u32 = 3;
pub const PT_PHDR: u32 = 6;
pub const PT_TLS: u32 = 7;
pub const PT_GNU_STACK: u32 = 0x6474_e551;

pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;
pub const PF_R: u32 = 4;

const ET_EXEC: u16 = 2;
const ET_DYN: u16 = 3;
const EM_X86_64: u16 = 62;
const EHDR_SIZE: usize = 64;
const PHDR_SIZE: usize = 56;
/// Linux refuses more program headers than fit in 64 KiB.
const MAX_PHDRS: usize = 65536 / PHDR_SIZE;

/// One program header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramHeader {
    pub kind: u32,
    pub flags: u32,
    pub offset: u64,
    pub vaddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub align: u64,
}

/// The parts of an ELF file execve needs.
#[derive(Clone, Debug)]
pub struct ElfInfo {
    /// ET_DYN (PIE or an interpreter): loaded at a bias of our choice.
    pub relocatable: bool,
    pub entry: u64,
    pub phoff: u64,
    pub phnum: u16,
    pub headers: Vec<ProgramHeader>,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// How many leading bytes of the file `parse` needs (after a first look at
/// the header): ENOEXEC for anything that is not a loadable x86_64 ELF.
pub fn headers_len(head: &[u8]) -> KResult<usize> {
    check_ident(head)?;
    let phoff = u64_at(head, 32) as usize;
    let phnum = u16_at(head, 56) as usize;
    if u16_at(head, 54) as usize != PHDR_SIZE || phnum == 0 || phnum > MAX_PHDRS {
        return Err(Errno::ENOEXEC);
    }
    phoff.checked_add(phnum * PHDR_SIZE).ok_or(Errno::ENOEXEC)
}

fn check_ident(head: &[u8]) -> KResult<()> {
    if head.len() < EHDR_SIZE || &head[..4] != b"\x7fELF" {
        return Err(Errno::ENOEXEC);
    }
    // 64-bit, little endian, version 1.
    if head[4] != 2 || head[5] != 1 || head[6] != 1 {
        return Err(Errno::ENOEXEC);
    }
    let kind = u16_at(head, 16);
    if (kind != ET_EXEC && kind != ET_DYN) || u16_at(head, 18) != EM_X86_64 {
        return Err(Errno::ENOEXEC);
    }
    Ok(())
}

/// Parses the header and program headers; `bytes` must hold at least
/// `headers_len(bytes)` bytes.
pub fn parse(bytes: &[u8]) -> KResult<ElfInfo> {
    let needed = headers_len(bytes)?;
    if bytes.len() < needed {
        return Err(Errno::ENOEXEC);
    }
    let phoff = u64_at(bytes, 32);
    let phnum = u16_at(bytes, 56);
    let headers = (0..phnum as usize)
        .map(|i| {
            let at = phoff as usize + i * PHDR_SIZE;
            ProgramHeader {
                kind: u32_at(bytes, at),
                flags: u32_at(bytes, at + 4),
                offset: u64_at(bytes, at + 8),
                vaddr: u64_at(bytes, at + 16),
                filesz: u64_at(bytes, at + 32),
                memsz: u64_at(bytes, at + 40),
                align: u64_at(bytes, at + 48),
            }
        })
        .collect::<Vec<_>>();
    let info = ElfInfo { relocatable: u16_at(bytes, 16) == ET_DYN, entry: u64_at(bytes, 24), phoff, phnum, headers };
    info.validate()?;
    Ok(info)
}

impl ElfInfo {
    /// Linux's checks in load_elf_binary: sizes consistent, segments
    /// congruent modulo the page size, addresses inside user space.
    fn validate(&self) -> KResult<()> {
        let user_top: u64 = 0x0000_8000_0000_0000;
        let mut loads = 0;
        for h in self.loads() {
            loads += 1;
            let end = h.vaddr.checked_add(h.memsz).ok_or(Errno::EINVAL)?;
            if h.filesz > h.memsz || end > user_top || h.offset.checked_add(h.filesz).is_none() {
                return Err(Errno::EINVAL);
            }
            if h.vaddr % 4096 != h.offset % 4096 {
                return Err(Errno::EINVAL);
            }
        }
        if loads == 0 { Err(Errno::ENOEXEC) } else { Ok(()) }
    }

    /// The PT_LOAD headers.
    pub fn loads(&self) -> impl Iterator<Item = &ProgramHeader> {
        self.headers.iter().filter(|h| h.kind == PT_LOAD)
    }

    /// The PT_INTERP header (its path is `filesz` bytes at `offset`).
    pub fn interp(&self) -> Option<&ProgramHeader> {
        self.headers.iter().find(|h| h.kind == PT_INTERP)
    }

    /// Where code and data are once loaded at `bias`, as Linux's
    /// load_elf_binary reports them in /proc/<pid>/stat: the code from
    /// the lowest executable segment's start to the highest one's file
    /// end; the data from the highest segment's start to the highest file
    /// end of any segment. Addresses only: nothing here is checked. The
    /// stack is exec's to fill in.
    pub fn code_and_data(&self, bias: u64) -> ProgramLayout {
        let exec = || self.loads().filter(|h| h.flags & PF_X != 0);
        let file_end = |h: &ProgramHeader| h.vaddr.saturating_add(h.filesz);
        let at = |a: Option<u64>| a.map_or(0, |a| a.wrapping_add(bias) as usize);
        ProgramLayout {
            start_code: at(exec().map(|h| h.vaddr).min()),
            end_code: at(exec().map(file_end).max()),
            start_data: at(self.loads().map(|h| h.vaddr).max()),
            end_data: at(self.loads().map(file_end).max()),
            start_stack: 0,
        }
    }

    /// Lowest and highest (exclusive, page-rounded) addresses of the loads,
    /// before any bias.
    pub fn span(&self) -> (u64, u64) {
        let lo = self.loads().map(|h| h.vaddr & !4095).min().unwrap_or(0);
        let hi = self.loads().map(|h| (h.vaddr + h.memsz + 4095) & !4095).max().unwrap_or(0);
        (lo, hi)
    }

    /// The largest power-of-two `p_align` of the loads, at least a page:
    /// what a relocatable image's load address is aligned to (Linux's
    /// `maximum_alignment`), so that segments linked for 2 MiB pages stay
    /// 2 MiB-aligned.
    pub fn max_align(&self) -> u64 {
        self.loads().map(|h| h.align).filter(|a| a.is_power_of_two()).max().unwrap_or(4096).max(4096)
    }

    /// Where the program headers are in memory once loaded at `bias`
    /// (AT_PHDR): from PT_PHDR, or inside the load that covers `phoff`.
    pub fn phdr_address(&self, bias: u64) -> Option<u64> {
        if let Some(h) = self.headers.iter().find(|h| h.kind == PT_PHDR) {
            return Some(h.vaddr + bias);
        }
        self.loads()
            .find(|h| h.offset <= self.phoff && self.phoff < h.offset + h.filesz)
            .map(|h| h.vaddr + (self.phoff - h.offset) + bias)
    }
}

/// Where one PT_LOAD segment goes once loaded at `bias`, page by page, as
/// Linux's binfmt_elf lays it out:
///
/// ```text
///  seg start    file end       page end       mem end    page end
///  |== file pages ==|-- zeroed --|== anonymous pages (.bss) ==|
/// ```
///
/// The part of the last file page past the file data is zeroed when the
/// segment has a .bss (`p_memsz > p_filesz`), up to the end of the page
/// (Linux's `padzero`), not only up to `p_memsz`: glibc's ld.so puts its
/// early malloc arena right after its own .bss and expects that rest of
/// the page to read as zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentLayout {
    /// Pages mapped from the file, and the file offset of the first.
    pub file_pages: Option<(Range<u64>, u64)>,
    /// Bytes of the last file page to zero.
    pub zeroed: Option<Range<u64>>,
    /// Anonymous (zero-fill) pages for the rest of .bss.
    pub anon_pages: Option<Range<u64>>,
}

/// The layout of `h` at `bias` (headers already validated by `parse`).
pub fn segment_layout(h: &ProgramHeader, bias: u64) -> SegmentLayout {
    let page_down = |a: u64| a & !4095;
    let page_up = |a: u64| (a + 4095) & !4095;
    let seg_start = page_down(bias + h.vaddr);
    let file_end = bias + h.vaddr + h.filesz;
    let mem_end = bias + h.vaddr + h.memsz;
    let file_map_end = page_up(file_end);
    let file_pages = (h.filesz > 0).then(|| (seg_start..file_map_end, page_down(h.offset)));
    let zeroed = (h.filesz > 0 && mem_end > file_end && file_end % 4096 != 0).then_some(file_end..file_map_end);
    let anon_start = if h.filesz > 0 { file_map_end } else { seg_start };
    let anon_end = page_up(mem_end);
    let anon_pages = (anon_end > anon_start).then_some(anon_start..anon_end);
    SegmentLayout { file_pages, zeroed, anon_pages }
}

/// Protection bits of a segment, as (read, write, execute).
pub fn segment_prot(h: &ProgramHeader) -> (bool, bool, bool) {
    (h.flags & PF_R != 0, h.flags & PF_W != 0, h.flags & PF_X != 0)
}

#[cfg(test)]
mod test;
