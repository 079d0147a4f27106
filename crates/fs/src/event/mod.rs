//! Files that live in no file system and exist to wait on events: epoll
//! instances ([`epoll`]) and eventfds ([`eventfd`]).
//!
//! Like Linux's anon_inode files they all share one inode, whose mode is
//! 0600 with no file-type bits, and `/proc/<pid>/fd` names them
//! `anon_inode:[kind]`.

pub mod epoll;
pub mod eventfd;

use alloc::sync::Arc;

use crate::file::{FileOps, OpenFile};
use crate::flags::OpenFlags;
use crate::hooks;
use crate::inode::{Inode, MetaInode};
use crate::types::{FileType, Metadata};

/// The one inode behind every anonymous file.
fn anon_inode() -> Arc<dyn Inode> {
    static INODE: ksync::Lazy<Arc<dyn Inode>> = ksync::Lazy::new(|| {
        let mut meta = Metadata::new(hooks::alloc_ino(), FileType::Anon, 0o600, 0, 0, hooks::now());
        meta.dev = hooks::alloc_anon_dev();
        Arc::new(MetaInode { meta })
    });
    INODE.clone()
}

/// A new open file of `kind` (`"eventfd"`, `"[eventpoll]"`...) over `ops`.
/// Of `flags`, the access mode and `O_NONBLOCK` are kept.
pub fn anon_file(ops: Arc<dyn FileOps>, kind: &str, flags: OpenFlags) -> Arc<OpenFile> {
    let name = alloc::format!("anon_inode:{kind}").into_bytes();
    OpenFile::new_anon(ops, anon_inode(), flags & (OpenFlags::NONBLOCK | OpenFlags::RDWR), name)
}
