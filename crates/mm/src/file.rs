//! What a file mapping needs from the file system.

use alloc::string::String;
use alloc::sync::Arc;

use abi::KResult;

use crate::PAGE_SIZE;
use crate::cache::FilePages;

/// Identity of a mapped file, as `/proc/<pid>/maps` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileId {
    /// Device (major, minor).
    pub dev: (u32, u32),
    /// Inode number.
    pub ino: u64,
    /// Path (empty when not asked for).
    pub path: String,
}

/// A file as the memory manager sees it; the fs layer implements it.
///
/// Private file mappings copy pages in on fault through `read_page`; the
/// address space's lock is *not* held during the call (see `fault`), so an
/// implementation may take its own locks. It must not touch user memory.
///
/// Shared mappings of a file with a page cache ([`page_cache`]) map the
/// cache's frames instead; files without one can only be mapped shared
/// read-only, as private copies.
///
/// [`page_cache`]: FileBacking::page_cache
pub trait FileBacking: Send + Sync {
    /// Reads the page at `file_offset` (page aligned) into `page`. Returns
    /// the bytes that exist in the file (the rest of `page` is already
    /// zero); 0 means the page lies entirely beyond the end of the file,
    /// which a fault turns into SIGBUS.
    fn read_page(&self, file_offset: u64, page: &mut [u8; PAGE_SIZE]) -> KResult<usize>;

    /// Device, inode and (when `with_path`) path, for `/proc/<pid>/maps`.
    /// Naming may walk directories, so callers that need no name (the
    /// code and stack bounds of `/proc/<pid>/stat`) do not ask for it.
    fn describe(&self, with_path: bool) -> FileId;

    /// The file's page cache, whose frames shared mappings map (`None`:
    /// the file has none). Called by mmap with no mm lock held; the same
    /// file must always give the same cache.
    fn page_cache(&self) -> Option<Arc<FilePages>> {
        None
    }
}
