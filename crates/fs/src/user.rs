//! [`UserMemory`]: how ioctls with pointer arguments reach user memory.
//! The syscall layer implements it over the calling thread's address space
//! (with fault recovery); fs never touches user memory otherwise.

use abi::KResult;

/// Access to the calling process's memory for `ioctl` arguments.
pub trait UserMemory {
    /// Copies `buf.len()` bytes from user address `addr` (EFAULT on a bad address).
    fn read(&self, addr: usize, buf: &mut [u8]) -> KResult<()>;
    /// Copies `buf` to user address `addr` (EFAULT on a bad address).
    fn write(&self, addr: usize, buf: &[u8]) -> KResult<()>;
}

impl dyn UserMemory + '_ {
    /// Reads a native-endian `i32` at `addr`.
    pub fn read_i32(&self, addr: usize) -> KResult<i32> {
        let mut b = [0; 4];
        self.read(addr, &mut b)?;
        Ok(i32::from_ne_bytes(b))
    }

    /// Writes a native-endian `i32` at `addr`.
    pub fn write_i32(&self, addr: usize, v: i32) -> KResult<()> {
        self.write(addr, &v.to_ne_bytes())
    }
}
