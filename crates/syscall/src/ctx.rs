//! What every system call handler gets: the calling thread, its saved
//! registers, its FPU slot, and the loop's per-thread state.

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use arch::user::UserContext;
use mm::AddressSpace;
use task::process::Thread;
use task::wait_status::WaitStatus;

use crate::user_loop::SharedFpu;

/// State the user loop keeps between system calls.
#[derive(Default)]
pub struct LoopState {
    /// Set by exit/exit_group: the loop ends with this status.
    pub exit_status: Option<WaitStatus>,
    /// The last system call returned a restart code: (code, syscall number).
    pub interrupted: Option<(Errno, u64)>,
    /// What restart_syscall resumes (nanosleep's remaining time).
    pub restart_block: Option<RestartBlock>,
}

/// A system call restartable through restart_syscall(2).
#[derive(Clone, Copy, Debug)]
pub enum RestartBlock {
    /// clock_nanosleep/nanosleep: sleep until this absolute deadline (ns on
    /// the monotonic clock), writing the remainder to `rmtp` if interrupted.
    Nanosleep { deadline_ns: u64, rmtp: u64 },
}

/// The context of one system call.
pub struct SyscallContext<'a> {
    pub thread: &'a Arc<Thread>,
    pub regs: &'a mut UserContext,
    pub fpu: &'a Arc<SharedFpu>,
    pub state: &'a mut LoopState,
}

impl SyscallContext<'_> {
    /// The caller's address space.
    pub fn vm(&self) -> Arc<AddressSpace> {
        self.thread.vm()
    }

    /// Reads a plain value from user memory.
    pub fn read<T: bytemuck::Pod>(&self, addr: u64) -> KResult<T> {
        self.vm().read_val::<T>(addr as usize)
    }

    /// Writes a plain value to user memory.
    pub fn write<T: bytemuck::Pod>(&self, addr: u64, value: &T) -> KResult<()> {
        self.vm().write_val(addr as usize, value)
    }

    /// Copies `len` bytes from user memory into a new kernel buffer: EFAULT
    /// for a range past user space, ENOMEM when the heap cannot hold it.
    pub fn read_bytes(&self, addr: u64, len: usize) -> KResult<Vec<u8>> {
        if len > 0 && (addr as usize).checked_add(len).is_none_or(|end| end > mm::layout::TASK_SIZE) {
            return Err(Errno::EFAULT);
        }
        if len > PROBE_ABOVE {
            // A range that is not there is EFAULT, whatever the heap holds.
            let mut edge = [0u8; 1];
            self.vm().copy_from_user(addr as usize, &mut edge)?;
            self.vm().copy_from_user(addr as usize + len - 1, &mut edge)?;
        }
        let mut buf = zeroed_buffer(len)?;
        self.vm().copy_from_user(addr as usize, &mut buf)?;
        Ok(buf)
    }

    pub fn write_bytes(&self, addr: u64, bytes: &[u8]) -> KResult<()> {
        self.vm().copy_to_user(addr as usize, bytes)
    }

    /// A NUL-terminated path (ENAMETOOLONG past PATH_MAX, EFAULT, ENOENT
    /// for an empty one unless `allow_empty`).
    pub fn read_path(&self, addr: u64) -> KResult<Vec<u8>> {
        let path = self.vm().read_cstring(addr as usize, 4096)?.ok_or(Errno::ENAMETOOLONG)?;
        if path.is_empty() {
            return Err(Errno::ENOENT);
        }
        Ok(path)
    }

    /// A NUL-terminated string of at most `max` bytes.
    pub fn read_cstring(&self, addr: u64, max: usize) -> KResult<Vec<u8>> {
        self.vm().read_cstring(addr as usize, max)?.ok_or(Errno::E2BIG)
    }

    /// A NULL-terminated array of string pointers (argv, envp).
    pub fn read_string_array(&self, addr: u64) -> KResult<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        if addr == 0 {
            return Ok(out);
        }
        let mut total = 0usize;
        for i in 0.. {
            let ptr: u64 = self.read(addr + i * 8)?;
            if ptr == 0 {
                break;
            }
            let s = self.read_cstring(ptr, task::exec::stack::MAX_ARG_STRLEN)?;
            total += s.len() + 1 + 8;
            if total > task::exec::stack::ARG_MAX {
                return Err(Errno::E2BIG);
            }
            out.push(s);
        }
        Ok(out)
    }

    /// The caller's process id.
    pub fn pid(&self) -> i32 {
        self.thread.pid()
    }
}

/// Lengths above which `read_bytes` checks the range's ends before it
/// allocates.
const PROBE_ABOVE: usize = 64 * 1024;

/// A zeroed kernel buffer of a size a user chose: ENOMEM, not a panic, when
/// the heap cannot hold it.
pub fn zeroed_buffer(len: usize) -> KResult<Vec<u8>> {
    // Small buffers are not worth the frame allocator's lock.
    if len > PROBE_ABOVE && !mm::frame::user_may_take_bytes(len) {
        return Err(Errno::ENOMEM);
    }
    let mut buf = Vec::new();
    buf.try_reserve_exact(len).map_err(|_| Errno::ENOMEM)?;
    buf.resize(len, 0);
    Ok(buf)
}
