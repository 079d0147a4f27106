//! [`InodeFileOps`]: the file operations of regular files and directories,
//! generic over [`Inode`](crate::inode::Inode)'s `read_at`/`write_at`/`read_dir`.

use alloc::sync::Arc;
use core::task::{Context, Poll};

use abi::{Errno, KResult};
use ksync::Lazy;

use crate::dirent::fill_dirents;
use crate::file::{FileOps, OpenFile, seek_position};
use crate::flags::OpenFlags;
use crate::types::FileType;

/// Largest offset a write may reach (Linux `MAX_LFS_FILESIZE`).
const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// Stateless operations for files whose data lives in the inode.
pub struct InodeFileOps;

/// The one shared instance.
pub fn inode_file_ops() -> Arc<dyn FileOps> {
    static OPS: Lazy<Arc<InodeFileOps>> = Lazy::new(|| Arc::new(InodeFileOps));
    OPS.clone()
}

fn check_span(offset: u64, len: usize) -> KResult<()> {
    match offset.checked_add(len as u64) {
        Some(end) if end <= MAX_FILE_SIZE => Ok(()),
        _ => Err(Errno::EFBIG),
    }
}

impl FileOps for InodeFileOps {
    fn poll_read(
        &self,
        file: &OpenFile,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<KResult<usize>> {
        let mut pos = file.pos();
        let r = file
            .inode()
            .read_at(*pos, buf)
            .inspect(|&n| *pos += n as u64);
        Poll::Ready(r)
    }

    fn poll_write(
        &self,
        file: &OpenFile,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<KResult<usize>> {
        let mut pos = file.pos();
        let r = if file.flags().contains(OpenFlags::APPEND) {
            file.inode().append(buf).map(|(at, n)| {
                *pos = at + n as u64;
                n
            })
        } else {
            check_span(*pos, buf.len())
                .and_then(|()| file.inode().write_at(*pos, buf))
                .inspect(|&n| *pos += n as u64)
        };
        Poll::Ready(r)
    }

    fn read_at(&self, file: &OpenFile, offset: u64, buf: &mut [u8]) -> KResult<usize> {
        file.inode().read_at(offset, buf)
    }

    fn write_at(&self, file: &OpenFile, offset: u64, buf: &[u8]) -> KResult<usize> {
        // Linux appends even for pwrite on an O_APPEND file (pwrite(2) BUGS).
        if file.flags().contains(OpenFlags::APPEND) {
            return file.inode().append(buf).map(|(_, n)| n);
        }
        check_span(offset, buf.len())?;
        file.inode().write_at(offset, buf)
    }

    fn seek(&self, file: &OpenFile, offset: i64, whence: u32) -> KResult<u64> {
        let mut pos = file.pos();
        let meta = file.inode().metadata();
        if meta.file_type() == FileType::Directory
            && whence != abi::linux::SEEK_SET
            && whence != abi::linux::SEEK_CUR
        {
            return Err(Errno::EINVAL);
        }
        let new = seek_position(*pos, meta.size, offset, whence)?;
        *pos = new;
        Ok(new)
    }

    /// The position lock is a spin lock that keeps interrupts off, and a
    /// listing may be long to make (a /proc/<pid>/task of 32,000 threads
    /// took 240 ms): it is not held while the entries are read. Linux
    /// serializes getdents on one description with its `f_pos_lock`
    /// mutex; here a reader whose position moved meanwhile (another
    /// getdents, lseek) reads again from the new one, so no entry is
    /// returned twice or skipped.
    fn getdents(&self, file: &OpenFile, buf: &mut [u8]) -> KResult<usize> {
        loop {
            let start = *file.pos();
            let mut offset = start;
            let n = fill_dirents(&**file.inode(), &mut offset, buf)?;
            let mut pos = file.pos();
            if *pos == start {
                *pos = offset;
                return Ok(n);
            }
        }
    }
}
