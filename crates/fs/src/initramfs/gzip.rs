//! One gzip member (RFC 1952): header, raw deflate body (miniz_oxide),
//! CRC-32 and size trailer. The caller loops for concatenated members.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};

/// The two magic bytes of gzip.
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Refuse to inflate beyond this (a corrupt size would exhaust memory).
const MAX_OUTPUT: usize = 1 << 30;

const FHCRC: u8 = 2;
const FEXTRA: u8 = 4;
const FNAME: u8 = 8;
const FCOMMENT: u8 = 16;

fn bad() -> Errno {
    Errno::EINVAL
}

/// Length of the member header at the start of `data`.
fn header_len(data: &[u8]) -> KResult<usize> {
    if data.len() < 10 || data[..2] != GZIP_MAGIC || data[2] != 8 {
        return Err(bad());
    }
    let flags = data[3];
    let mut pos = 10;
    if flags & FEXTRA != 0 {
        let xlen = u16::from_le_bytes([
            *data.get(pos).ok_or_else(bad)?,
            *data.get(pos + 1).ok_or_else(bad)?,
        ]);
        pos += 2 + xlen as usize;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let nul = data
                .get(pos..)
                .ok_or_else(bad)?
                .iter()
                .position(|&c| c == 0)
                .ok_or_else(bad)?;
            pos += nul + 1;
        }
    }
    if flags & FHCRC != 0 {
        pos += 2;
    }
    if pos > data.len() {
        Err(bad())
    } else {
        Ok(pos)
    }
}

/// Inflates the gzip member at the start of `data`; returns the contents
/// and the number of input bytes the member took (header to trailer).
/// EINVAL on a malformed member or a CRC/size mismatch.
pub fn gunzip_member(data: &[u8]) -> KResult<(Vec<u8>, usize)> {
    let start = header_len(data)?;
    let mut input = &data[start..];
    let mut consumed = start;
    let mut out = vec![0u8; (input.len() * 4).clamp(4096, MAX_OUTPUT)];
    let mut out_pos = 0;
    let mut state = Box::<DecompressorOxide>::default();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    loop {
        let (status, in_used, out_used) = decompress(&mut state, input, &mut out, out_pos, flags);
        out_pos += out_used;
        consumed += in_used;
        input = &input[in_used..];
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput if out.len() < MAX_OUTPUT => {
                let len = (out.len() * 2).min(MAX_OUTPUT);
                out.resize(len, 0);
            }
            _ => return Err(bad()),
        }
    }
    out.truncate(out_pos);
    let trailer = data.get(consumed..consumed + 8).ok_or_else(bad)?;
    let crc = u32::from_le_bytes(trailer[..4].try_into().expect("4 bytes"));
    let size = u32::from_le_bytes(trailer[4..].try_into().expect("4 bytes"));
    if crc != crc32fast::hash(&out) || size != out.len() as u32 {
        return Err(bad());
    }
    Ok((out, consumed + 8))
}
