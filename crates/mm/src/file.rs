//! What a file mapping needs from the file system.

use alloc::string::String;

use abi::KResult;

use crate::PAGE_SIZE;

/// Identity of a mapped file, as `/proc/<pid>/maps` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileId {
    /// Device (major, minor).
    pub dev: (u32, u32),
    /// Inode number.
    pub ino: u64,
    /// Path at open time.
    pub path: String,
}

/// A file as the memory manager sees it; the fs layer implements it.
///
/// Private file mappings copy pages in on fault through `read_page`; the
/// address space's lock is *not* held during the call (see `fault`), so an
/// implementation may take its own locks. It must not touch user memory.
pub trait FileBacking: Send + Sync {
    /// Reads the page at `file_offset` (page aligned) into `page`. Returns
    /// the bytes that exist in the file (the rest of `page` is already
    /// zero); 0 means the page lies entirely beyond the end of the file,
    /// which a fault turns into SIGBUS.
    fn read_page(&self, file_offset: u64, page: &mut [u8; PAGE_SIZE]) -> KResult<usize>;

    /// Device, inode and path, for `/proc/<pid>/maps`.
    fn describe(&self) -> FileId;
}
