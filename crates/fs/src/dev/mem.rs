//! The memory character devices (Linux `drivers/char/mem.c`, `random.c`).

use core::task::{Context, Poll};

use abi::{Errno, KResult};

use crate::file::{FileOps, OpenFile};
use crate::hooks::fill_random;

/// `/dev/null`, `/dev/zero`, `/dev/full`, `/dev/random` and `/dev/urandom`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemDevice {
    /// Reads end of file, writes vanish.
    Null,
    /// Reads zeros, writes vanish.
    Zero,
    /// Reads zeros, writes fail with ENOSPC.
    Full,
    /// Reads random bytes from the kernel's random hook; writes are accepted
    /// and ignored.
    Random,
}

impl MemDevice {
    fn read(self, buf: &mut [u8]) -> KResult<usize> {
        match self {
            MemDevice::Null => return Ok(0),
            MemDevice::Zero | MemDevice::Full => buf.fill(0),
            MemDevice::Random => fill_random(buf),
        }
        Ok(buf.len())
    }

    fn write(self, buf: &[u8]) -> KResult<usize> {
        match self {
            MemDevice::Full => Err(Errno::ENOSPC),
            _ => Ok(buf.len()),
        }
    }
}

impl FileOps for MemDevice {
    fn poll_read(
        &self,
        _file: &OpenFile,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<KResult<usize>> {
        Poll::Ready(self.read(buf))
    }

    fn poll_write(
        &self,
        _file: &OpenFile,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<KResult<usize>> {
        Poll::Ready(self.write(buf))
    }

    fn read_at(&self, _file: &OpenFile, _offset: u64, buf: &mut [u8]) -> KResult<usize> {
        self.read(buf)
    }

    fn write_at(&self, _file: &OpenFile, _offset: u64, buf: &[u8]) -> KResult<usize> {
        self.write(buf)
    }

    fn ignores_buffer(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Seeking succeeds and the position stays 0, as Linux's null/zero do.
    fn seek(&self, _file: &OpenFile, _offset: i64, _whence: u32) -> KResult<u64> {
        Ok(0)
    }
}
