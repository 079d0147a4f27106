//! memfd_create(2): an anonymous tmpfs file, in no directory, opened
//! read-write. Its data is a page cache like any tmpfs file's, so it can be
//! mapped shared, truncated and read/written (Linux v6.1 `mm/memfd.c`).
//!
//! Sealing is not implemented: `MFD_ALLOW_SEALING` is accepted, and
//! `F_ADD_SEALS`/`F_GET_SEALS` give EINVAL (what Linux gives for a file
//! that does not support seals).

use abi::{Errno, KResult};
use fs::OpenFlags;
use fs::OpenFile;
use fs::file_inode::inode_file_ops;

use crate::ctx::SyscallContext;
use crate::sys::process::nofile_limit;

const MFD_CLOEXEC: u64 = 0x1;
const MFD_ALLOW_SEALING: u64 = 0x2;
/// Huge pages: not supported here (no hugetlbfs), EINVAL like an unknown
/// flag. (MFD_NOEXEC_SEAL and MFD_EXEC came after v6.1: unknown.)
const KNOWN_FLAGS: u64 = MFD_CLOEXEC | MFD_ALLOW_SEALING;
/// NAME_MAX minus the "memfd:" prefix of the dentry name.
const MFD_NAME_MAX_LEN: usize = 255 - 6;

pub fn memfd_create(cx: &mut SyscallContext<'_>, uname: u64, flags: u64) -> KResult<usize> {
    if flags & !KNOWN_FLAGS != 0 {
        return Err(Errno::EINVAL);
    }
    // Linux's strnlen_user(uname, MFD_NAME_MAX_LEN + 1): EFAULT when the
    // name cannot be read, EINVAL when it has no NUL in that many bytes.
    let name = cx.vm().read_cstring(uname as usize, MFD_NAME_MAX_LEN + 1)?.ok_or(Errno::EINVAL)?;
    crate::sys::process::may_open_file(cx)?;
    let cred = cx.thread.process().cred.lock().clone();
    // shmem_file_setup: S_IFREG | 0777, owned by the caller's fs ids.
    let inode = fs::ramfs::new_anon_file(0o777, cred.fsuid, cred.fsgid)?;
    let mut shown = b"/memfd:".to_vec();
    shown.extend_from_slice(&name);
    shown.extend_from_slice(b" (deleted)");
    let file = OpenFile::new_anon(inode_file_ops(), inode, OpenFlags::RDWR | OpenFlags::LARGEFILE, shown);
    let fd = cx.thread.files().insert(file, flags & MFD_CLOEXEC != 0, nofile_limit(cx))?;
    Ok(fd as usize)
}
