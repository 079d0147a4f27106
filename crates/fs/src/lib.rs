//! weft's file system layer: the VFS and the file systems and file kinds
//! busybox needs.
//!
//! - VFS core: [`Inode`] and [`FileSystem`] (what a file system offers),
//!   [`Location`] and [`Mount`] (the mount tree), [`namei`] (path
//!   resolution) and [`Resolver`] (the path-based operations: open, mkdir,
//!   unlink, rename, ...), [`OpenFile`] and [`FileOps`] (open file
//!   descriptions), [`FdTable`] and [`FsContext`] (per-process state shared
//!   by `CLONE_FILES`/`CLONE_FS`).
//! - File systems and file kinds: [`ramfs`] (root and tmpfs), [`initramfs`]
//!   (cpio newc, gzip), [`dev`] (device registry, null/zero/full/random),
//!   [`pipe`] (pipes, fifos), [`tty`] (the console line discipline),
//!   [`synthetic`] (generated files for procfs/sysfs), [`mqueue`] (POSIX
//!   message queues and their file system).
//! - Encoders of Linux layouts: [`stat`] (struct stat, statx, statfs),
//!   [`dirent`] (linux_dirent64).
//!
//! All waiting is poll-based (see [`mod@file`] and [`wait`]); fs works on kernel
//! buffers, the syscall layer copies user memory.
//!
//! # Locks and lock ordering
//! Global order, outermost first (each module's doc has its own part):
//! 1. `FdTable::slots`, `FsContext::inner` — never held while calling into
//!    an inode or file (closed files are dropped after release).
//! 2. `OpenFile::pos` (per open file description).
//! 3. ramfs `Shared::ns` (per instance) -> directory bodies. File data is
//!    an `mm::FilePages` (page cache) with its own leaf lock; its truncate
//!    calls into address spaces, so no fs lock is held around it.
//! 4. Leaf locks: ramfs `attr`, `Mount::children`, `Pipe::state`,
//!    `Tty::state`, the device registry, the hooks. Wakers are taken out of
//!    a leaf lock and woken after it is released; tty host hooks are called
//!    with no fs lock held.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod boot;
pub mod dev;
pub mod dirent;
pub mod event;
pub mod fdtable;
pub mod file;
pub mod file_inode;
pub mod flags;
pub mod fs_context;
pub mod hooks;
pub mod initramfs;
pub mod inode;
pub mod location;
pub mod mount;
pub mod mqueue;
pub mod namei;
pub mod perm;
pub mod pipe;
pub mod poll;
pub mod ramfs;
pub mod socket;
pub mod stat;
pub mod synthetic;
pub mod tty;
pub mod types;
pub mod user;
pub mod vfs;
pub mod wait;

#[cfg(test)]
mod test_util;

pub use fdtable::FdTable;
pub use file::{FileOps, OpenFile};
pub use flags::{OpenFlags, PollEvents};
pub use fs_context::FsContext;
pub use inode::{DirEntry, FileSystem, Inode, NewNode, StatFs};
pub use location::Location;
pub use mount::Mount;
pub use perm::{Access, Cred};
pub use types::{DevId, FileType, Metadata, SetAttr, TimeChange, Timespec};
pub use user::UserMemory;
pub use vfs::Resolver;
pub use wait::WakerList;
