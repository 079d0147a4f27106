//! capget(2) and capset(2): the caller's capability sets
//! (task::caps) in the user ABI's three header versions.

use abi::{Errno, KResult};
use task::process::table::find_process;

use crate::ctx::SyscallContext;

const VERSION_1: u32 = 0x1998_0330;
const VERSION_2: u32 = 0x2007_1026;
const VERSION_3: u32 = 0x2008_0522;

/// How many 32-bit `__user_cap_data_struct`s the header's version uses;
/// an unknown version is answered with the preferred one written back and
/// EINVAL (cap_validate_magic).
fn data_words(cx: &mut SyscallContext<'_>, header: u64) -> KResult<usize> {
    let version: u32 = cx.read(header)?;
    match version {
        VERSION_1 => Ok(1),
        VERSION_2 | VERSION_3 => Ok(2),
        _ => {
            cx.write(header, &VERSION_3)?;
            Err(Errno::EINVAL)
        }
    }
}

pub fn capget(cx: &mut SyscallContext<'_>, header: u64, data: u64) -> KResult<usize> {
    let words = match data_words(cx, header) {
        // A NULL data pointer asks for the preferred version only.
        Err(Errno::EINVAL) if data == 0 => return Ok(0),
        Ok(_) if data == 0 => return Ok(0),
        other => other?,
    };
    let pid: i32 = cx.read(header + 4)?;
    if pid < 0 {
        return Err(Errno::EINVAL);
    }
    let caps = if pid == 0 || pid == cx.pid() {
        cx.thread.process().cred.lock().caps.clone()
    } else {
        // A zombie still has credentials until it is reaped (Linux).
        find_process(pid).ok_or(Errno::ESRCH)?.cred.lock().caps.clone()
    };
    // struct { effective, permitted, inheritable } per 32-bit word.
    let mut out = [0u32; 6];
    for word in 0..words {
        let shift = 32 * word;
        out[3 * word] = (caps.effective >> shift) as u32;
        out[3 * word + 1] = (caps.permitted >> shift) as u32;
        out[3 * word + 2] = (caps.inheritable >> shift) as u32;
    }
    cx.write_bytes(data, &bytes_of(&out[..3 * words]))?;
    Ok(0)
}

/// capset(2): only the caller's own sets can change.
pub fn capset(cx: &mut SyscallContext<'_>, header: u64, data: u64) -> KResult<usize> {
    let words = data_words(cx, header)?;
    let pid: i32 = cx.read(header + 4)?;
    if pid != 0 && pid != cx.pid() {
        return Err(Errno::EPERM);
    }
    let raw = cx.read_bytes(data, 12 * words)?;
    let word = |i: usize| u32::from_le_bytes([raw[4 * i], raw[4 * i + 1], raw[4 * i + 2], raw[4 * i + 3]]) as u64;
    let (mut effective, mut permitted, mut inheritable) = (0u64, 0u64, 0u64);
    for w in 0..words {
        let shift = 32 * w;
        effective |= word(3 * w) << shift;
        permitted |= word(3 * w + 1) << shift;
        inheritable |= word(3 * w + 2) << shift;
    }
    cx.thread.process().cred.lock().caps.set(effective, permitted, inheritable)?;
    Ok(0)
}

fn bytes_of(words: &[u32]) -> alloc::vec::Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}
