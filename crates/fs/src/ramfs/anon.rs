//! Regular files that are in no directory (`memfd_create`): tmpfs files of
//! one internal instance that is never mounted, as Linux's `shm_mnt`.

use alloc::sync::Arc;

use abi::KResult;
use ksync::Lazy;

use super::RamFs;
use crate::inode::{Inode, NewNode};

/// The internal instance (its own device number, as on Linux).
static ANON: Lazy<Arc<RamFs>> = Lazy::new(|| RamFs::new("tmpfs", 0o1777));

/// A new empty regular file with no name: link count 0, permission bits
/// `perm`, owned by `uid`/`gid`. It lives as long as something (an open
/// file, a mapping) holds it. The instance is unbounded, as Linux's
/// internal mount, so this fails only if inode numbers run out.
pub fn new_anon_file(perm: u32, uid: u32, gid: u32) -> KResult<Arc<dyn Inode>> {
    let file = ANON
        .root_inode()
        .new_child(NewNode::Regular, perm, uid, gid)?;
    // Never linked: the count new nodes start with goes away.
    file.add_links(-1);
    Ok(file)
}
