//! Path system calls: open, stat, directory and link operations, the
//! working directory, permissions and times, mounts.
//!
//! Every call resolves through a [`fs::Resolver`] built from the caller's
//! fs context and file-system credentials; `*at` calls start from the
//! directory fd (or the cwd for AT_FDCWD).

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use fs::{Access, FileType, Location, OpenFlags, Resolver, TimeChange};

use crate::ctx::SyscallContext;
use crate::sys::fd::file;
use crate::sys::process::nofile_limit;

const AT_FDCWD: i32 = -100;
const AT_SYMLINK_NOFOLLOW: u64 = 0x100;
const AT_REMOVEDIR: u64 = 0x200;
const AT_SYMLINK_FOLLOW: u64 = 0x400;
const AT_EMPTY_PATH: u64 = 0x1000;
const AT_EACCESS: u64 = 0x200;

/// Runs `f` with a resolver for the caller.
pub fn with_resolver<R>(cx: &SyscallContext<'_>, f: impl FnOnce(&Resolver<'_>) -> KResult<R>) -> KResult<R> {
    let cred = cx.thread.process().cred.lock().clone();
    let fs_cred = fs::Cred { uid: cred.fsuid, gid: cred.fsgid, groups: &cred.groups };
    let resolver = cx.thread.fs().resolver(fs_cred);
    f(&resolver)
}

/// The starting directory of a `*at` call: `None` for the cwd.
fn dir_of(cx: &SyscallContext<'_>, dirfd: u64, path: &[u8]) -> KResult<Option<Location>> {
    if path.first() == Some(&b'/') || dirfd as i32 == AT_FDCWD {
        return Ok(None);
    }
    let f = file(cx, dirfd)?;
    let loc = f.location().cloned().ok_or(Errno::ENOTDIR)?;
    if loc.inode().file_type() != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    Ok(Some(loc))
}

/// A path argument that may be empty with AT_EMPTY_PATH.
fn read_path_at(cx: &SyscallContext<'_>, addr: u64, flags: u64) -> KResult<Vec<u8>> {
    if flags & AT_EMPTY_PATH != 0 {
        let p = cx.vm().read_cstring(addr as usize, 4096)?.ok_or(Errno::ENAMETOOLONG)?;
        return Ok(p);
    }
    cx.read_path(addr)
}

pub fn openat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, flags: u64, mode: u64) -> KResult<usize> {
    let path = cx.read_path(path)?;
    let flags = OpenFlags::from_bits_truncate(flags as u32);
    let dir = dir_of(cx, dirfd, &path)?;
    crate::sys::process::may_open_file(cx)?;
    let file = with_resolver(cx, |r| r.open(dir.as_ref(), &path, flags, mode as u32))?;
    let limit = nofile_limit(cx);
    cx.thread.files().insert(file, flags.contains(OpenFlags::CLOEXEC), limit).map(|fd| fd as usize)
}

pub fn open(cx: &mut SyscallContext<'_>, path: u64, flags: u64, mode: u64) -> KResult<usize> {
    openat(cx, AT_FDCWD as u64, path, flags, mode)
}

pub fn creat(cx: &mut SyscallContext<'_>, path: u64, mode: u64) -> KResult<usize> {
    let flags = OpenFlags::CREAT | OpenFlags::WRONLY | OpenFlags::TRUNC;
    openat(cx, AT_FDCWD as u64, path, flags.bits() as u64, mode)
}

fn stat_at(cx: &SyscallContext<'_>, dirfd: u64, path: u64, flags: u64) -> KResult<fs::Metadata> {
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */) != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path_at(cx, path, flags)?;
    if p.is_empty() {
        return Ok(file(cx, dirfd)?.metadata());
    }
    let dir = dir_of(cx, dirfd, &p)?;
    with_resolver(cx, |r| r.stat(dir.as_ref(), &p, flags & AT_SYMLINK_NOFOLLOW == 0))
}

pub fn stat(cx: &mut SyscallContext<'_>, path: u64, buf: u64) -> KResult<usize> {
    newfstatat(cx, AT_FDCWD as u64, path, buf, 0)
}

pub fn lstat(cx: &mut SyscallContext<'_>, path: u64, buf: u64) -> KResult<usize> {
    newfstatat(cx, AT_FDCWD as u64, path, buf, AT_SYMLINK_NOFOLLOW)
}

pub fn newfstatat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, buf: u64, flags: u64) -> KResult<usize> {
    let meta = stat_at(cx, dirfd, path, flags)?;
    cx.write_bytes(buf, &fs::stat::encode_stat(&meta))?;
    Ok(0)
}

pub fn statx(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, flags: u64, mask: u64, buf: u64) -> KResult<usize> {
    const AT_STATX_SYNC_TYPE: u64 = 0x6000;
    const STATX_RESERVED: u64 = 0x8000_0000;
    if mask & STATX_RESERVED != 0 || flags & AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE {
        return Err(Errno::EINVAL);
    }
    let meta = stat_at(cx, dirfd, path, flags & !AT_STATX_SYNC_TYPE)?;
    cx.write_bytes(buf, &fs::stat::encode_statx(&meta, 0, false))?;
    Ok(0)
}

pub fn statfs(cx: &mut SyscallContext<'_>, path: u64, buf: u64) -> KResult<usize> {
    let p = cx.read_path(path)?;
    let (stats, dev) = with_resolver(cx, |r| {
        let loc = r.lookup(None, &p, true)?;
        Ok((loc.mount().fs().statfs(), loc.inode().metadata().dev))
    })?;
    cx.write_bytes(buf, &fs::stat::encode_statfs(&stats, dev))?;
    Ok(0)
}

pub fn faccessat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, mode: u64, flags: u64) -> KResult<usize> {
    if mode & !7 != 0 || flags & !(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path_at(cx, path, flags)?;
    let dir = dir_of(cx, dirfd, &p)?;
    // access(2) checks with the real ids unless AT_EACCESS.
    let cred = cx.thread.process().cred.lock().clone();
    let (uid, gid) = if flags & AT_EACCESS != 0 { (cred.euid, cred.egid) } else { (cred.uid, cred.gid) };
    let fs_cred = fs::Cred { uid, gid, groups: &cred.groups };
    let resolver = cx.thread.fs().resolver(fs_cred);
    resolver.access(dir.as_ref(), &p, Access::from_bits_truncate(mode as u32), flags & AT_SYMLINK_NOFOLLOW == 0)?;
    Ok(0)
}

pub fn access(cx: &mut SyscallContext<'_>, path: u64, mode: u64) -> KResult<usize> {
    faccessat(cx, AT_FDCWD as u64, path, mode, 0)
}

pub fn mkdirat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, mode: u64) -> KResult<usize> {
    let p = cx.read_path(path)?;
    let dir = dir_of(cx, dirfd, &p)?;
    with_resolver(cx, |r| r.mkdir(dir.as_ref(), &p, mode as u32)).map(|_| 0)
}

pub fn mkdir(cx: &mut SyscallContext<'_>, path: u64, mode: u64) -> KResult<usize> {
    mkdirat(cx, AT_FDCWD as u64, path, mode)
}

pub fn mknodat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, mode: u64, dev: u64) -> KResult<usize> {
    let p = cx.read_path(path)?;
    let dir = dir_of(cx, dirfd, &p)?;
    // Linux's new_decode_dev: major bits 8..20, minor low 8 bits and 20..32.
    let major = ((dev >> 8) & 0xfff) as u32;
    let minor = ((dev & 0xff) | ((dev >> 12) & 0xfff00)) as u32;
    with_resolver(cx, |r| r.mknod(dir.as_ref(), &p, mode as u32, fs::DevId::new(major, minor))).map(|_| 0)
}

pub fn mknod(cx: &mut SyscallContext<'_>, path: u64, mode: u64, dev: u64) -> KResult<usize> {
    mknodat(cx, AT_FDCWD as u64, path, mode, dev)
}

pub fn rmdir(cx: &mut SyscallContext<'_>, path: u64) -> KResult<usize> {
    let p = cx.read_path(path)?;
    with_resolver(cx, |r| r.rmdir(None, &p)).map(|_| 0)
}

pub fn unlinkat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, flags: u64) -> KResult<usize> {
    if flags & !AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    let p = cx.read_path(path)?;
    let dir = dir_of(cx, dirfd, &p)?;
    with_resolver(cx, |r| if flags & AT_REMOVEDIR != 0 { r.rmdir(dir.as_ref(), &p) } else { r.unlink(dir.as_ref(), &p) })
        .map(|_| 0)
}

pub fn unlink(cx: &mut SyscallContext<'_>, path: u64) -> KResult<usize> {
    unlinkat(cx, AT_FDCWD as u64, path, 0)
}

pub fn renameat(cx: &mut SyscallContext<'_>, olddir: u64, old: u64, newdir: u64, new: u64, flags: u64) -> KResult<usize> {
    let (o, n) = (cx.read_path(old)?, cx.read_path(new)?);
    let (od, nd) = (dir_of(cx, olddir, &o)?, dir_of(cx, newdir, &n)?);
    with_resolver(cx, |r| r.rename(od.as_ref(), &o, nd.as_ref(), &n, flags as u32)).map(|_| 0)
}

pub fn rename(cx: &mut SyscallContext<'_>, old: u64, new: u64) -> KResult<usize> {
    renameat(cx, AT_FDCWD as u64, old, AT_FDCWD as u64, new, 0)
}

pub fn linkat(cx: &mut SyscallContext<'_>, olddir: u64, old: u64, newdir: u64, new: u64, flags: u64) -> KResult<usize> {
    if flags & !(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let (o, n) = (cx.read_path(old)?, cx.read_path(new)?);
    let (od, nd) = (dir_of(cx, olddir, &o)?, dir_of(cx, newdir, &n)?);
    with_resolver(cx, |r| r.link(od.as_ref(), &o, nd.as_ref(), &n, flags & AT_SYMLINK_FOLLOW != 0)).map(|_| 0)
}

pub fn link(cx: &mut SyscallContext<'_>, old: u64, new: u64) -> KResult<usize> {
    linkat(cx, AT_FDCWD as u64, old, AT_FDCWD as u64, new, 0)
}

pub fn symlinkat(cx: &mut SyscallContext<'_>, target: u64, dirfd: u64, path: u64) -> KResult<usize> {
    let t = cx.read_path(target)?;
    let p = cx.read_path(path)?;
    let dir = dir_of(cx, dirfd, &p)?;
    with_resolver(cx, |r| r.symlink(&t, dir.as_ref(), &p)).map(|_| 0)
}

pub fn symlink(cx: &mut SyscallContext<'_>, target: u64, path: u64) -> KResult<usize> {
    symlinkat(cx, target, AT_FDCWD as u64, path)
}

pub fn readlinkat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, buf: u64, size: u64) -> KResult<usize> {
    if (size as i32) <= 0 {
        return Err(Errno::EINVAL);
    }
    let p = cx.read_path(path)?;
    let dir = dir_of(cx, dirfd, &p)?;
    let target = with_resolver(cx, |r| r.readlink(dir.as_ref(), &p))?;
    let n = target.len().min(size as usize);
    cx.write_bytes(buf, &target[..n])?;
    Ok(n)
}

pub fn readlink(cx: &mut SyscallContext<'_>, path: u64, buf: u64, size: u64) -> KResult<usize> {
    readlinkat(cx, AT_FDCWD as u64, path, buf, size)
}

pub fn chdir(cx: &mut SyscallContext<'_>, path: u64) -> KResult<usize> {
    let p = cx.read_path(path)?;
    let loc = with_resolver(cx, |r| r.chdir(None, &p))?;
    cx.thread.fs().set_cwd(loc);
    Ok(0)
}

pub fn getcwd(cx: &mut SyscallContext<'_>, buf: u64, size: u64) -> KResult<usize> {
    let mut cwd = with_resolver(cx, |r| r.getcwd())?;
    cwd.push(0);
    if (size as usize) < cwd.len() {
        return Err(Errno::ERANGE);
    }
    cx.write_bytes(buf, &cwd)?;
    Ok(cwd.len())
}

pub fn fchmodat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, mode: u64) -> KResult<usize> {
    let p = cx.read_path(path)?;
    let dir = dir_of(cx, dirfd, &p)?;
    with_resolver(cx, |r| r.chmod(dir.as_ref(), &p, mode as u32 & 0o7777, true)).map(|_| 0)
}

pub fn chmod(cx: &mut SyscallContext<'_>, path: u64, mode: u64) -> KResult<usize> {
    fchmodat(cx, AT_FDCWD as u64, path, mode)
}

fn id(v: u64) -> Option<u32> {
    (v as u32 != u32::MAX).then_some(v as u32)
}

pub fn fchownat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, uid: u64, gid: u64, flags: u64) -> KResult<usize> {
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path_at(cx, path, flags)?;
    if p.is_empty() {
        return crate::sys::fd::fchown(cx, dirfd, uid, gid);
    }
    let dir = dir_of(cx, dirfd, &p)?;
    with_resolver(cx, |r| r.chown(dir.as_ref(), &p, id(uid), id(gid), flags & AT_SYMLINK_NOFOLLOW == 0)).map(|_| 0)
}

pub fn chown(cx: &mut SyscallContext<'_>, path: u64, uid: u64, gid: u64, follow: bool) -> KResult<usize> {
    let flags = if follow { 0 } else { AT_SYMLINK_NOFOLLOW };
    fchownat(cx, AT_FDCWD as u64, path, uid, gid, flags)
}

pub fn utimensat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, times: u64, flags: u64) -> KResult<usize> {
    const UTIME_NOW: i64 = (1 << 30) - 1;
    const UTIME_OMIT: i64 = (1 << 30) - 2;
    let change = |sec: i64, nsec: i64| -> KResult<TimeChange> {
        match nsec {
            UTIME_NOW => Ok(TimeChange::Now),
            UTIME_OMIT => Ok(TimeChange::Omit),
            n if (0..1_000_000_000).contains(&n) => Ok(TimeChange::Set(fs::Timespec { sec, nsec: n as u32 })),
            _ => Err(Errno::EINVAL),
        }
    };
    let (atime, mtime) = if times == 0 {
        (TimeChange::Now, TimeChange::Now)
    } else {
        let t: [i64; 4] = cx.read(times)?;
        (change(t[0], t[1])?, change(t[2], t[3])?)
    };
    let follow = flags & AT_SYMLINK_NOFOLLOW == 0;
    if path == 0 && dirfd as i32 == AT_FDCWD {
        // Linux (5.10+) looks the NULL path up, and fails to read it.
        return Err(Errno::EFAULT);
    }
    if path == 0 {
        // futimens(fd): the fd itself.
        let f = file(cx, dirfd)?;
        let attr = fs::SetAttr { atime, mtime, ..Default::default() };
        return with_resolver(cx, |r| r.set_attr(f.inode(), &attr)).map(|_| 0);
    }
    let p = cx.read_path(path)?;
    let dir = dir_of(cx, dirfd, &p)?;
    with_resolver(cx, |r| r.utimens(dir.as_ref(), &p, atime, mtime, follow)).map(|_| 0)
}

pub fn truncate(cx: &mut SyscallContext<'_>, path: u64, len: u64) -> KResult<usize> {
    let p = cx.read_path(path)?;
    with_resolver(cx, |r| r.truncate(None, &p, len as i64)).map(|_| 0)
}

pub fn umask(cx: &mut SyscallContext<'_>, mask: u64) -> KResult<usize> {
    Ok(cx.thread.fs().set_umask(mask as u32 & 0o777) as usize)
}

pub fn chroot(cx: &mut SyscallContext<'_>, path: u64) -> KResult<usize> {
    if !cx.thread.process().cred.lock().is_privileged() {
        return Err(Errno::EPERM);
    }
    let p = cx.read_path(path)?;
    let loc = with_resolver(cx, |r| r.chdir(None, &p))?;
    cx.thread.fs().set_root(loc);
    Ok(0)
}

/// File systems `mount` can create, by type name. procfs and sysfs are
/// installed by the kernel when they exist (`set_fs_factory`).
pub type FsFactory = fn(&[u8]) -> Option<Arc<dyn fs::FileSystem>>;
static EXTRA_FS: ksync::Once<FsFactory> = ksync::Once::new();

pub fn set_fs_factory(factory: FsFactory) {
    EXTRA_FS.call_once(|| factory);
}

fn new_fs(kind: &[u8], options: &[u8]) -> KResult<Arc<dyn fs::FileSystem>> {
    match kind {
        b"tmpfs" => Ok(fs::ramfs::RamFs::new_tmpfs_with(options)?),
        // ramfs has no bounds and no options of its own, as on Linux.
        b"ramfs" => Ok(fs::ramfs::RamFs::new("ramfs", 0o755)),
        b"devtmpfs" => Ok(fs::dev::new_devfs()?),
        // One instance, as Linux has one per IPC namespace.
        b"mqueue" => Ok(fs::mqueue::instance()),
        other => EXTRA_FS.get().and_then(|f| f(other)).ok_or(Errno::ENODEV),
    }
}

/// The option string of mount(2)'s `data`: at most a page, as Linux copies.
fn read_mount_options(cx: &mut SyscallContext<'_>, data: u64) -> KResult<Vec<u8>> {
    if data == 0 {
        return Ok(Vec::new());
    }
    cx.read_cstring(data, 4096)
}

pub fn mount(cx: &mut SyscallContext<'_>, source: u64, target: u64, fstype: u64, flags: u64, data: u64) -> KResult<usize> {
    const MS_REMOUNT: u64 = 32;
    const MS_BIND: u64 = 4096;
    if !cx.thread.process().cred.lock().is_privileged() {
        return Err(Errno::EPERM);
    }
    let target = cx.read_path(target)?;
    if flags & MS_REMOUNT != 0 {
        let options = read_mount_options(cx, data)?;
        let loc = with_resolver(cx, |r| r.lookup(None, &target, true))?;
        // Linux: remounting something that is not a mount's root is EINVAL.
        if !loc.is_mount_root() {
            return Err(Errno::EINVAL);
        }
        return loc.mount().fs().reconfigure(&options).map(|()| 0);
    }
    if flags & MS_BIND != 0 {
        return Err(Errno::EINVAL);
    }
    let source = if source != 0 { cx.read_cstring(source, 4096)? } else { Vec::new() };
    let kind = cx.read_cstring(fstype, 256)?;
    let options = read_mount_options(cx, data)?;
    let fs = new_fs(&kind, &options)?;
    with_resolver(cx, |r| r.mount(None, &target, fs, &source)).map(|_| 0)
}

pub fn umount2(cx: &mut SyscallContext<'_>, target: u64, flags: u64) -> KResult<usize> {
    const MNT_DETACH: u64 = 2;
    if !cx.thread.process().cred.lock().is_privileged() {
        return Err(Errno::EPERM);
    }
    let target = cx.read_path(target)?;
    with_resolver(cx, |r| r.umount(None, &target, flags & MNT_DETACH != 0)).map(|_| 0)
}
