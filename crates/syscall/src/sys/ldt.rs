//! modify_ldt(2): the process's local descriptor table (`mm::ldt`), as
//! 64-bit Linux with CONFIG_MODIFY_LDT_SYSCALL answers it.

use abi::{Errno, KResult};
use mm::ldt::{DEFAULT_LDT_SIZE, LDT_ENTRIES, USER_DESC_SIZE, UserDesc};

use crate::ctx::SyscallContext;
use crate::ctx::zeroed_buffer;

const READ: i32 = 0;
const WRITE_OLD_MODE: i32 = 1;
const READ_DEFAULT: i32 = 2;
const WRITE: i32 = 0x11;

pub fn modify_ldt(cx: &mut SyscallContext<'_>, func: u64, ptr: u64, bytecount: u64) -> KResult<usize> {
    let bytecount = bytecount as usize;
    let result = match func as i32 {
        READ => read(cx, ptr, bytecount),
        WRITE_OLD_MODE => write(cx, ptr, bytecount, true),
        READ_DEFAULT => read_default(cx, ptr, bytecount),
        WRITE => write(cx, ptr, bytecount, false),
        _ => Err(Errno::ENOSYS),
    };
    // Linux returns `(unsigned int)ret`: an error reaches user space
    // zero-extended, a large positive number rather than -errno.
    Ok(match result {
        Ok(n) => n,
        Err(e) => e.0.wrapping_neg() as u32 as usize,
    })
}

fn read(cx: &mut SyscallContext<'_>, ptr: u64, bytecount: usize) -> KResult<usize> {
    let bytes = cx.vm().ldt.read(bytecount)?;
    cx.write_bytes(ptr, &bytes)?;
    Ok(bytes.len())
}

fn read_default(cx: &mut SyscallContext<'_>, ptr: u64, bytecount: usize) -> KResult<usize> {
    let zeros = zeroed_buffer(bytecount.min(DEFAULT_LDT_SIZE))?;
    cx.write_bytes(ptr, &zeros)?;
    Ok(zeros.len())
}

fn write(cx: &mut SyscallContext<'_>, ptr: u64, bytecount: usize, old_mode: bool) -> KResult<usize> {
    if bytecount != USER_DESC_SIZE {
        return Err(Errno::EINVAL);
    }
    let raw: [u8; USER_DESC_SIZE] = cx.read_bytes(ptr, USER_DESC_SIZE)?.try_into().map_err(|_| Errno::EFAULT)?;
    let desc = UserDesc::from_bytes(&raw);
    let descriptor = desc.descriptor(old_mode)?;
    debug_assert!((desc.entry_number as usize) < LDT_ENTRIES);
    cx.vm().ldt.write(desc.entry_number as usize, descriptor)?;
    // The caller picks the new table up on its way back to user mode; the
    // other threads at their next entry, which the kick brings forward
    // (Linux reloads every CPU running the mm before returning).
    for thread in cx.thread.process().threads() {
        if thread.tid() != cx.thread.tid() {
            thread.kick();
        }
    }
    Ok(0)
}
