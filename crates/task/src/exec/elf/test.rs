use alloc::vec;
use alloc::vec::Vec;

use super::*;

/// A minimal ELF64 header plus program headers.
fn elf(kind: u16, phdrs: &[ProgramHeader]) -> Vec<u8> {
    let mut b = vec![0u8; EHDR_SIZE];
    b[..4].copy_from_slice(b"\x7fELF");
    b[4] = 2;
    b[5] = 1;
    b[6] = 1;
    b[16..18].copy_from_slice(&kind.to_le_bytes());
    b[18..20].copy_from_slice(&EM_X86_64.to_le_bytes());
    b[24..32].copy_from_slice(&0x401000u64.to_le_bytes());
    b[32..40].copy_from_slice(&64u64.to_le_bytes());
    b[54..56].copy_from_slice(&(PHDR_SIZE as u16).to_le_bytes());
    b[56..58].copy_from_slice(&(phdrs.len() as u16).to_le_bytes());
    for h in phdrs {
        let mut p = vec![0u8; PHDR_SIZE];
        p[0..4].copy_from_slice(&h.kind.to_le_bytes());
        p[4..8].copy_from_slice(&h.flags.to_le_bytes());
        p[8..16].copy_from_slice(&h.offset.to_le_bytes());
        p[16..24].copy_from_slice(&h.vaddr.to_le_bytes());
        p[32..40].copy_from_slice(&h.filesz.to_le_bytes());
        p[40..48].copy_from_slice(&h.memsz.to_le_bytes());
        p[48..56].copy_from_slice(&h.align.to_le_bytes());
        b.extend(p);
    }
    b
}

fn load(offset: u64, vaddr: u64, filesz: u64, memsz: u64, flags: u32) -> ProgramHeader {
    ProgramHeader { kind: PT_LOAD, flags, offset, vaddr, filesz, memsz, align: 4096 }
}

#[test]
fn parses_a_static_executable() {
    let bytes = elf(ET_EXEC, &[load(0, 0x400000, 0x1000, 0x1000, PF_R | PF_X), load(0x1000, 0x401000, 0x80, 0x2000, PF_R | PF_W)]);
    let info = parse(&bytes).unwrap();
    assert!(!info.relocatable);
    assert_eq!(info.entry, 0x401000);
    assert_eq!(info.loads().count(), 2);
    assert_eq!(info.span(), (0x400000, 0x403000));
    assert_eq!(info.phdr_address(0), Some(0x400040));
    assert_eq!(segment_prot(&info.headers[1]), (true, true, false));
}

#[test]
fn rejects_non_elf_and_wrong_machine() {
    assert_eq!(parse(b"#!/bin/sh\n").unwrap_err(), Errno::ENOEXEC);
    let mut bytes = elf(ET_EXEC, &[load(0, 0x400000, 0x10, 0x10, PF_R)]);
    bytes[18] = 3; // EM_386
    assert_eq!(parse(&bytes).unwrap_err(), Errno::ENOEXEC);
}

#[test]
fn rejects_truncated_or_inconsistent_headers() {
    let bytes = elf(ET_EXEC, &[load(0, 0x400000, 0x10, 0x10, PF_R)]);
    assert_eq!(parse(&bytes[..EHDR_SIZE + 10]).unwrap_err(), Errno::ENOEXEC);
    let bad = elf(ET_EXEC, &[load(0, 0x400000, 0x20, 0x10, PF_R)]);
    assert_eq!(parse(&bad).unwrap_err(), Errno::EINVAL);
    let incongruent = elf(ET_EXEC, &[load(0x10, 0x400000, 0x10, 0x10, PF_R)]);
    assert_eq!(parse(&incongruent).unwrap_err(), Errno::EINVAL);
    let kernel = elf(ET_EXEC, &[load(0, 0xffff_8000_0000_0000, 0x10, 0x10, PF_R)]);
    assert_eq!(parse(&kernel).unwrap_err(), Errno::EINVAL);
}

#[test]
fn garbage_never_panics() {
    let mut state = 0x1234_5678u32;
    for len in [0usize, 10, 63, 64, 65, 120, 200, 4096] {
        for _ in 0..200 {
            let mut bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    state as u8
                })
                .collect();
            if len >= 20 {
                bytes[..4].copy_from_slice(b"\x7fELF");
                bytes[4] = 2;
                bytes[5] = 1;
                bytes[6] = 1;
                bytes[16] = 2;
                bytes[17] = 0;
                bytes[18] = 62;
                bytes[19] = 0;
            }
            let _ = parse(&bytes);
        }
    }
}

/// glibc's ld.so: .data ends inside a page and .bss follows; the whole rest
/// of that page is zeroed (past p_memsz too), the next pages are anonymous.
#[test]
fn a_segment_with_bss_zeroes_the_tail_of_its_last_file_page() {
    let bytes = elf(ET_DYN, &[load(0, 0, 0x1000, 0x1000, PF_R | PF_X), load(0x1e40, 0x2e40, 0x1c0, 0x2300, PF_R | PF_W)]);
    let info = parse(&bytes).unwrap();
    let base = 0x7f00_0000_0000;
    // File data that ends exactly at a page boundary leaves nothing to zero.
    let layout = segment_layout(info.loads().nth(1).unwrap(), base);
    assert_eq!(layout.file_pages, Some((base + 0x2000..base + 0x3000, 0x1000)));
    assert_eq!(layout.zeroed, None);
    assert_eq!(layout.anon_pages, Some(base + 0x3000..base + 0x6000));
    let data = load(0x1e40, 0x2e40, 0x100, 0x2300, PF_R | PF_W);
    let layout = segment_layout(&data, base);
    assert_eq!(layout.file_pages, Some((base + 0x2000..base + 0x3000, 0x1000)));
    assert_eq!(layout.zeroed, Some(base + 0x2f40..base + 0x3000), "zeroed up to the page end");
    assert_eq!(layout.anon_pages, Some(base + 0x3000..base + 0x6000));
}

/// .bss that ends inside the last file page: still zeroed to the page end
/// (Linux's padzero), beyond p_memsz.
#[test]
fn a_small_bss_is_zeroed_to_the_end_of_the_page_not_to_memsz() {
    let data = load(0x2100, 0x402100, 0x80, 0x100, PF_R | PF_W);
    let layout = segment_layout(&data, 0);
    assert_eq!(layout.file_pages, Some((0x402000..0x403000, 0x2000)));
    assert_eq!(layout.zeroed, Some(0x402180..0x403000));
    assert_eq!(layout.anon_pages, None);
}

/// No .bss: the rest of the last page shows the file (Linux maps it so);
/// a pure .bss segment is all anonymous.
#[test]
fn segments_without_file_tail_or_without_file_data() {
    let text = load(0x0, 0x400000, 0x1234, 0x1234, PF_R | PF_X);
    let layout = segment_layout(&text, 0);
    assert_eq!(layout.file_pages, Some((0x400000..0x402000, 0)));
    assert_eq!((layout.zeroed, layout.anon_pages), (None, None));
    let bss = load(0x0, 0x600000, 0, 0x1800, PF_R | PF_W);
    let layout = segment_layout(&bss, 0);
    assert_eq!((layout.file_pages, layout.zeroed), (None, None));
    assert_eq!(layout.anon_pages, Some(0x600000..0x602000));
}

/// A PIE linked for 2 MiB pages gets a 2 MiB-aligned load address (Linux's
/// maximum_alignment); odd or zero alignments count as a page.
#[test]
fn max_align_is_the_largest_power_of_two_p_align() {
    let mut text = load(0, 0, 0x1000, 0x1000, PF_R | PF_X);
    let mut data = load(0x1000, 0x201000, 0x10, 0x10, PF_R | PF_W);
    text.align = 0x20_0000;
    data.align = 0x1000;
    let info = parse(&elf(ET_DYN, &[text, data])).unwrap();
    assert_eq!(info.max_align(), 0x20_0000);
    let mut odd = load(0, 0, 0x10, 0x10, PF_R);
    odd.align = 0x3000;
    assert_eq!(parse(&elf(ET_DYN, &[odd])).unwrap().max_align(), 4096);
}

/// /proc/<pid>/stat's startcode..enddata as Linux works them out: code
/// from the executable segments' starts to their file ends, data from the
/// last segment's start to the last file end (the bss is not data here).
#[test]
fn code_and_data_are_the_executable_and_the_last_segments() {
    let rodata = load(0, 0, 0x500, 0x500, PF_R);
    let text = load(0x1000, 0x1000, 0x2345, 0x2345, PF_R | PF_X);
    let data = load(0x4000, 0x5000, 0x80, 0x3000, PF_R | PF_W);
    let info = parse(&elf(ET_DYN, &[rodata, text, data])).unwrap();
    let l = info.code_and_data(0x5555_0000_0000);
    assert_eq!((l.start_code, l.end_code), (0x5555_0000_1000, 0x5555_0000_3345));
    assert_eq!((l.start_data, l.end_data), (0x5555_0000_5000, 0x5555_0000_5080));
    let no_code = parse(&elf(ET_EXEC, &[load(0, 0x400000, 0x10, 0x10, PF_R)])).unwrap();
    assert_eq!(no_code.code_and_data(0).start_code, 0);
}
