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
