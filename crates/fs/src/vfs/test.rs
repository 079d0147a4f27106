use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use abi::Errno;

use crate::OpenFile;
use crate::flags::OpenFlags;
use crate::location::Location;
use crate::mount::{Mount, proc_mounts_text};
use crate::perm::Access;
use crate::ramfs::RamFs;
use crate::test_util::{new_root, ready, root_resolver, user_resolver};
use crate::types::{FileType, TimeChange, Timespec};
use crate::vfs::Resolver;

const RW_CREAT: OpenFlags = OpenFlags::RDWR.union(OpenFlags::CREAT);

fn write_file(r: &Resolver<'_>, path: &[u8], data: &[u8]) {
    let f = r
        .open(None, path, RW_CREAT | OpenFlags::TRUNC, 0o644)
        .unwrap();
    assert_eq!(ready(|cx| f.poll_write(cx, data)), Ok(data.len()));
}

fn read_all(f: &OpenFile) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 7];
    loop {
        let n = ready(|cx| f.poll_read(cx, &mut buf)).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
    }
}

fn ino(r: &Resolver<'_>, path: &[u8]) -> u64 {
    r.lookup(None, path, true).unwrap().inode().ino()
}

#[test]
fn dots_slashes_and_trailing_slash() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/a", 0o755).unwrap();
    r.mkdir(None, b"/a/b", 0o755).unwrap();
    write_file(&r, b"/a/f", b"x");
    assert_eq!(ino(&r, b"/a/b/../b/./"), ino(&r, b"/a/b"));
    assert_eq!(ino(&r, b"//a///b"), ino(&r, b"/a/b"));
    assert_eq!(ino(&r, b"/../../a"), ino(&r, b"/a"));
    assert_eq!(ino(&r, b"a/b/../.."), root.inode().ino());
    assert_eq!(r.lookup(None, b"/a/f/", true).err(), Some(Errno::ENOTDIR));
    assert_eq!(r.lookup(None, b"/a/f/x", true).err(), Some(Errno::ENOTDIR));
    assert_eq!(r.lookup(None, b"/a/nope", true).err(), Some(Errno::ENOENT));
    assert_eq!(r.lookup(None, b"", true).err(), Some(Errno::ENOENT));
    // Relative to a directory location (openat with a dirfd).
    let a = r.lookup(None, b"/a", true).unwrap();
    assert_eq!(
        r.lookup(Some(&a), b"b", true).unwrap().inode().ino(),
        ino(&r, b"/a/b")
    );
}

#[test]
fn name_and_path_length_limits() {
    let root = new_root();
    let r = root_resolver(&root);
    let long = vec![b'n'; 256];
    assert_eq!(r.mkdir(None, &long, 0o755).err(), Some(Errno::ENAMETOOLONG));
    assert_eq!(r.lookup(None, &long, true).err(), Some(Errno::ENAMETOOLONG));
    r.mkdir(None, &long[..255], 0o755).unwrap();
    let mut path = Vec::new();
    while path.len() < 4096 {
        path.extend_from_slice(b"./");
    }
    assert_eq!(
        r.lookup(None, &path[..4096], true).err(),
        Some(Errno::ENAMETOOLONG)
    );
    assert!(r.lookup(None, &path[..4094], true).is_ok());
}

#[test]
fn symlinks_follow_nofollow_and_loops() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/d", 0o755).unwrap();
    write_file(&r, b"/d/file", b"data");
    r.symlink(b"file", None, b"/d/rel").unwrap();
    r.symlink(b"/d", None, b"/abs").unwrap();
    r.symlink(b"../d/rel", None, b"/d/chain").unwrap();
    assert_eq!(ino(&r, b"/d/rel"), ino(&r, b"/d/file"));
    assert_eq!(ino(&r, b"/abs/chain"), ino(&r, b"/d/file"));
    let link = r.lookup(None, b"/d/rel", false).unwrap();
    assert_eq!(link.inode().file_type(), FileType::Symlink);
    assert_eq!(r.readlink(None, b"/d/rel").unwrap(), b"file");
    assert_eq!(r.readlink(None, b"/d/file").err(), Some(Errno::EINVAL));
    // A trailing slash forces following (and requires a directory).
    assert_eq!(
        r.lookup(None, b"/abs/", false).unwrap().inode().file_type(),
        FileType::Directory
    );
    r.symlink(b"loop2", None, b"/loop1").unwrap();
    r.symlink(b"loop1", None, b"/loop2").unwrap();
    assert_eq!(r.lookup(None, b"/loop1", true).err(), Some(Errno::ELOOP));
    assert!(r.lookup(None, b"/loop1", false).is_ok());
    // 40 links are fine, 41 are not.
    r.symlink(b"d", None, b"/l0").unwrap();
    for i in 1..=40 {
        let name = alloc::format!("/l{i}");
        let target = alloc::format!("l{}", i - 1);
        r.symlink(target.as_bytes(), None, name.as_bytes()).unwrap();
    }
    assert!(r.lookup(None, b"/l39", true).is_ok());
    assert_eq!(r.lookup(None, b"/l40", true).err(), Some(Errno::ELOOP));
    assert_eq!(r.symlink(b"", None, b"/empty").err(), Some(Errno::ENOENT));
}

#[test]
fn permissions_for_users() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/secret", 0o700).unwrap();
    write_file(&r, b"/secret/f", b"x");
    write_file(&r, b"/pub", b"x");
    let u = user_resolver(&root, 1000);
    assert_eq!(
        u.lookup(None, b"/secret/f", true).err(),
        Some(Errno::EACCES)
    );
    assert_eq!(
        u.open(None, b"/pub", OpenFlags::WRONLY, 0).err(),
        Some(Errno::EACCES)
    );
    assert!(u.open(None, b"/pub", OpenFlags::empty(), 0).is_ok());
    assert_eq!(u.mkdir(None, b"/mine", 0o755).err(), Some(Errno::EACCES));
    assert_eq!(
        u.access(None, b"/pub", Access::WRITE, true).err(),
        Some(Errno::EACCES)
    );
    assert!(u.access(None, b"/pub", Access::READ, true).is_ok());
    // Root: no x bit anywhere means no exec, even for root.
    assert_eq!(r.open_exec(None, b"/pub").err(), Some(Errno::EACCES));
    r.chmod(None, b"/pub", 0o744, true).unwrap();
    assert!(r.open_exec(None, b"/pub").is_ok());
    assert_eq!(u.open_exec(None, b"/pub").err(), Some(Errno::EACCES));
    assert_eq!(
        u.chmod(None, b"/pub", 0o777, true).err(),
        Some(Errno::EPERM)
    );
    assert_eq!(
        u.chown(None, b"/pub", Some(1000), None, true).err(),
        Some(Errno::EPERM)
    );
    r.chown(None, b"/pub", Some(1000), Some(1000), true)
        .unwrap();
    u.chmod(None, b"/pub", 0o600, true).unwrap();
    assert_eq!(r.stat(None, b"/pub", true).unwrap().mode, 0o100600);
    let t = Timespec { sec: 5, nsec: 6 };
    u.utimens(None, b"/pub", TimeChange::Set(t), TimeChange::Omit, true)
        .unwrap();
    assert_eq!(r.stat(None, b"/pub", true).unwrap().atime, t);
}

#[test]
fn sticky_tmp() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/tmp", 0o777).unwrap();
    r.chmod(None, b"/tmp", 0o1777, true).unwrap();
    let a = user_resolver(&root, 1000);
    let b = user_resolver(&root, 1001);
    a.open(None, b"/tmp/a", RW_CREAT, 0o666).unwrap();
    assert_eq!(b.unlink(None, b"/tmp/a").err(), Some(Errno::EPERM));
    a.unlink(None, b"/tmp/a").unwrap();
}

#[test]
fn open_flags() {
    let root = new_root();
    let r = root_resolver(&root);
    let f = r
        .open(None, b"/f", RW_CREAT | OpenFlags::EXCL, 0o666)
        .unwrap();
    assert_eq!(f.metadata().mode, 0o100644, "umask applied");
    assert_eq!(
        r.open(None, b"/f", RW_CREAT | OpenFlags::EXCL, 0o666).err(),
        Some(Errno::EEXIST)
    );
    assert_eq!(
        r.open(None, b"/f", OpenFlags::DIRECTORY, 0).err(),
        Some(Errno::ENOTDIR)
    );
    assert_eq!(
        r.open(None, b"/", OpenFlags::WRONLY, 0).err(),
        Some(Errno::EISDIR)
    );
    assert_eq!(r.open(None, b"/f/", RW_CREAT, 0).err(), Some(Errno::EISDIR));
    assert_eq!(
        r.open(None, b"/nope", OpenFlags::empty(), 0).err(),
        Some(Errno::ENOENT)
    );
    assert_eq!(
        r.open(None, b"/", OpenFlags::CREAT, 0).err(),
        Some(Errno::EISDIR)
    );
    r.symlink(b"f", None, b"/lf").unwrap();
    assert_eq!(
        r.open(None, b"/lf", OpenFlags::NOFOLLOW, 0).err(),
        Some(Errno::ELOOP)
    );
    let p = r
        .open(None, b"/lf", OpenFlags::NOFOLLOW | OpenFlags::PATH, 0)
        .unwrap();
    assert_eq!(p.metadata().file_type(), FileType::Symlink);
    assert_eq!(
        ready(|cx| p.poll_read(cx, &mut [0u8; 1])),
        Err(Errno::EBADF)
    );
    // O_CREAT through a dangling symlink creates its target.
    r.symlink(b"target", None, b"/dangling").unwrap();
    r.open(None, b"/dangling", RW_CREAT, 0o600).unwrap();
    assert_eq!(r.stat(None, b"/target", true).unwrap().mode, 0o100600);
    assert_eq!(
        r.open(None, b"/dangling", RW_CREAT | OpenFlags::EXCL, 0)
            .err(),
        Some(Errno::EEXIST)
    );
    // O_TRUNC.
    write_file(&r, b"/t", b"abcdef");
    r.open(None, b"/t", OpenFlags::WRONLY | OpenFlags::TRUNC, 0)
        .unwrap();
    assert_eq!(r.stat(None, b"/t", true).unwrap().size, 0);
    // O_CLOEXEC and O_CREAT are not kept in the description.
    let c = r
        .open(
            None,
            b"/t",
            OpenFlags::CLOEXEC | OpenFlags::CREAT | OpenFlags::RDWR,
            0,
        )
        .unwrap();
    assert_eq!(c.flags(), OpenFlags::RDWR);
}

#[test]
fn read_write_seek_append() {
    let root = new_root();
    let r = root_resolver(&root);
    write_file(&r, b"/f", b"hello world");
    let f = r.open(None, b"/f", OpenFlags::RDWR, 0).unwrap();
    assert_eq!(read_all(&f), b"hello world");
    assert_eq!(f.seek(0, abi::linux::SEEK_CUR), Ok(11));
    assert_eq!(f.seek(-5, abi::linux::SEEK_END), Ok(6));
    assert_eq!(f.seek(-7, abi::linux::SEEK_CUR), Err(Errno::EINVAL));
    assert_eq!(f.seek(0, 9), Err(Errno::EINVAL));
    assert_eq!(read_all(&f), b"world");
    f.seek(20, abi::linux::SEEK_SET).unwrap();
    ready(|cx| f.poll_write(cx, b"!")).unwrap();
    assert_eq!(f.metadata().size, 21);
    let mut buf = [0xffu8; 10];
    assert_eq!(f.pread(11, &mut buf), Ok(10));
    assert!(buf[..9].iter().all(|&b| b == 0), "hole reads zeros");
    assert_eq!(f.pread(-1, &mut buf), Err(Errno::EINVAL));
    assert_eq!(f.pwrite(0, b"J"), Ok(1));
    assert_eq!(
        f.seek(0, abi::linux::SEEK_CUR),
        Ok(21),
        "pwrite keeps the position"
    );
    let a = r
        .open(None, b"/f", OpenFlags::WRONLY | OpenFlags::APPEND, 0)
        .unwrap();
    ready(|cx| a.poll_write(cx, b"END")).unwrap();
    assert_eq!(a.seek(0, abi::linux::SEEK_CUR), Ok(24));
    assert_eq!(f.pread(21, &mut buf), Ok(3));
    assert_eq!(&buf[..3], b"END");
    f.truncate(5).unwrap();
    assert_eq!(f.metadata().size, 5);
    let ro = r.open(None, b"/f", OpenFlags::empty(), 0).unwrap();
    assert_eq!(ro.truncate(1), Err(Errno::EINVAL));
    assert_eq!(ready(|cx| ro.poll_write(cx, b"x")), Err(Errno::EBADF));
    assert_eq!(r.truncate(None, b"/", 0), Err(Errno::EISDIR));
    ro.set_status_flags(OpenFlags::NONBLOCK | OpenFlags::WRONLY);
    assert_eq!(
        ro.flags(),
        OpenFlags::NONBLOCK,
        "access mode unchanged by F_SETFL"
    );
}

#[test]
fn getdents64_lists_everything_once() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/d", 0o755).unwrap();
    for i in 0..50 {
        write_file(&r, alloc::format!("/d/file{i:02}").as_bytes(), b"");
    }
    let d = r.open(None, b"/d", OpenFlags::DIRECTORY, 0).unwrap();
    let mut names = Vec::new();
    let mut buf = [0u8; 200];
    loop {
        let n = d.getdents64(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        let mut off = 0;
        while off < n {
            let reclen = u16::from_ne_bytes([buf[off + 16], buf[off + 17]]) as usize;
            let name = &buf[off + 19..off + reclen];
            names.push(name[..name.iter().position(|&c| c == 0).unwrap()].to_vec());
            off += reclen;
        }
    }
    assert_eq!(names.len(), 52);
    assert_eq!(names[0], b".");
    assert_eq!(names[1], b"..");
    assert_eq!(
        d.getdents64(&mut [0u8; 10]),
        Ok(0),
        "at end: 0 even with a tiny buffer"
    );
    d.seek(0, abi::linux::SEEK_SET).unwrap();
    assert_eq!(d.getdents64(&mut [0u8; 10]), Err(Errno::EINVAL));
    let f = r.open(None, b"/d/file00", OpenFlags::empty(), 0).unwrap();
    assert_eq!(f.getdents64(&mut buf), Err(Errno::ENOTDIR));
}

#[test]
fn unlink_rmdir_rename_by_path() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/d", 0o755).unwrap();
    write_file(&r, b"/d/f", b"1");
    assert_eq!(r.rmdir(None, b"/d"), Err(Errno::ENOTEMPTY));
    assert_eq!(r.rmdir(None, b"/d/f"), Err(Errno::ENOTDIR));
    assert_eq!(r.rmdir(None, b"/d/."), Err(Errno::EINVAL));
    assert_eq!(r.rmdir(None, b"/d/.."), Err(Errno::ENOTEMPTY));
    assert_eq!(r.rmdir(None, b"/"), Err(Errno::EBUSY));
    assert_eq!(r.unlink(None, b"/d"), Err(Errno::EISDIR));
    assert_eq!(r.unlink(None, b"/d/f/"), Err(Errno::ENOTDIR));
    assert_eq!(r.mkdir(None, b"/d", 0o755), Err(Errno::EEXIST));
    assert_eq!(r.mkdir(None, b"/d/..", 0o755), Err(Errno::EEXIST));
    r.rename(None, b"/d/f", None, b"/g", 0).unwrap();
    assert_eq!(r.rename(None, b"/g", None, b"/d/.", 0), Err(Errno::EBUSY));
    assert_eq!(r.rename(None, b"/g", None, b"/h", 2), Err(Errno::EINVAL));
    assert_eq!(r.rename(None, b"/g/", None, b"/h", 0), Err(Errno::ENOTDIR));
    r.link(None, b"/g", None, b"/d/g2", false).unwrap();
    assert_eq!(r.stat(None, b"/g", true).unwrap().nlink, 2);
    assert_eq!(r.link(None, b"/d", None, b"/d2", false), Err(Errno::EPERM));
    assert_eq!(
        r.link(None, b"/g", None, b"/d/g2", false),
        Err(Errno::EEXIST)
    );
    r.unlink(None, b"/d/g2").unwrap();
    r.rmdir(None, b"/d").unwrap();
    r.mknod(
        None,
        b"/null",
        abi::linux::S_IFCHR | 0o666,
        crate::types::DevId::new(1, 3),
    )
    .unwrap();
    assert_eq!(
        r.stat(None, b"/null", true).unwrap().file_type(),
        FileType::CharDevice
    );
    assert_eq!(
        user_resolver(&root, 5).mknod(None, b"/x", abi::linux::S_IFCHR, Default::default()),
        Err(Errno::EPERM)
    );
    assert_eq!(
        r.mknod(
            None,
            b"/fifo/",
            abi::linux::S_IFIFO | 0o600,
            Default::default()
        ),
        Err(Errno::ENOENT)
    );
}

#[test]
fn mounts_dotdot_getcwd_and_umount() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/mnt", 0o755).unwrap();
    write_file(&r, b"/mnt/hidden", b"");
    let tmp = RamFs::new_tmpfs();
    let m = r.mount(None, b"/mnt", tmp, b"tmpfs").unwrap();
    assert_eq!(
        r.lookup(None, b"/mnt/hidden", true).err(),
        Some(Errno::ENOENT),
        "covered"
    );
    r.mkdir(None, b"/mnt/sub", 0o755).unwrap();
    let sub = r.lookup(None, b"/mnt/sub", true).unwrap();
    assert!(Arc::ptr_eq(sub.mount(), &m));
    assert_eq!(
        r.lookup(Some(&sub), b"../..", true).unwrap().inode().ino(),
        root.inode().ino()
    );
    assert!(r.lookup(Some(&sub), b"../..", true).unwrap().is_same(&root));
    write_file(&r, b"/f", b"");
    assert_eq!(r.rename(None, b"/f", None, b"/mnt/f", 0), Err(Errno::EXDEV));
    assert_eq!(
        r.link(None, b"/f", None, b"/mnt/f", false),
        Err(Errno::EXDEV)
    );
    assert_eq!(r.rmdir(None, b"/mnt"), Err(Errno::EBUSY));
    // getcwd through the mount.
    let inside = Resolver::new(root.clone(), sub.clone(), crate::perm::Cred::ROOT, 0o022);
    assert_eq!(inside.getcwd().unwrap(), b"/mnt/sub");
    assert_eq!(r.getcwd().unwrap(), b"/");
    // /proc/mounts.
    let text = proc_mounts_text(&root);
    assert_eq!(
        core::str::from_utf8(&text).unwrap(),
        "rootfs / ramfs rw 0 0\ntmpfs /mnt tmpfs rw 0 0\n"
    );
    // umount: not a mount root, busy while used, then fine.
    assert_eq!(r.umount(None, b"/mnt/sub", false), Err(Errno::EINVAL));
    assert_eq!(
        inside.umount(None, b"/mnt", false),
        Err(Errno::EBUSY),
        "cwd inside"
    );
    let open = r.open(None, b"/mnt/sub", OpenFlags::DIRECTORY, 0).unwrap();
    drop((sub, inside, m));
    assert_eq!(
        r.umount(None, b"/mnt", false),
        Err(Errno::EBUSY),
        "open file inside"
    );
    drop(open);
    r.umount(None, b"/mnt", false).unwrap();
    assert!(r.lookup(None, b"/mnt/hidden", true).is_ok(), "uncovered");
    assert_eq!(r.umount(None, b"/", false), Err(Errno::EINVAL));
    assert_eq!(
        user_resolver(&root, 1).umount(None, b"/", false),
        Err(Errno::EPERM)
    );
}

#[test]
fn getcwd_of_removed_directory_fails() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/gone", 0o755).unwrap();
    let cwd = r.chdir(None, b"/gone").unwrap();
    let inside = Resolver::new(root.clone(), cwd, crate::perm::Cred::ROOT, 0o022);
    r.rmdir(None, b"/gone").unwrap();
    assert_eq!(inside.getcwd(), Err(Errno::ENOENT));
    assert_eq!(
        inside.open(None, b"new", RW_CREAT, 0o644).err(),
        Some(Errno::ENOENT)
    );
    assert_eq!(r.chdir(None, b"/nope").err(), Some(Errno::ENOENT));
}

#[test]
fn chroot_confines_dotdot() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/jail", 0o755).unwrap();
    r.mkdir(None, b"/jail/in", 0o755).unwrap();
    let jail = r.chdir(None, b"/jail").unwrap();
    let j = Resolver::new(jail.clone(), jail.clone(), crate::perm::Cred::ROOT, 0);
    assert!(j.lookup(None, b"/../..", true).unwrap().is_same(&jail));
    assert_eq!(
        j.lookup(None, b"/in", true).unwrap().inode().ino(),
        ino(&r, b"/jail/in")
    );
    let in_loc: Location = j.lookup(None, b"/in", true).unwrap();
    let j2 = Resolver::new(jail, in_loc, crate::perm::Cred::ROOT, 0);
    assert_eq!(j2.getcwd().unwrap(), b"/in");
    let _ = Mount::new_root; // (keep the import used)
}

#[test]
fn open_file_paths_for_proc_fd() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/d", 0o755).unwrap();
    let f = r.open(None, b"/d/f", RW_CREAT, 0o644).unwrap();
    assert_eq!(f.path(&root), b"/d/f");
    let d = r.open(None, b"d/../d", OpenFlags::DIRECTORY, 0).unwrap();
    assert_eq!(d.path(&root), b"/d");
    r.symlink(b"/d/f", None, b"/link").unwrap();
    let via = r.open(None, b"/link", OpenFlags::empty(), 0).unwrap();
    assert_eq!(via.path(&root), b"/d/f");
    r.unlink(None, b"/d/f").unwrap();
    assert_eq!(f.path(&root), b"/d/f (deleted)");
    let (p, _) = crate::pipe::new_pipe(OpenFlags::empty(), 0, 0);
    assert!(p.path(&root).starts_with(b"pipe:["));
    let exe = {
        write_file(&r, b"/d/prog", b"\x7fELF");
        r.chmod(None, b"/d/prog", 0o755, true).unwrap();
        r.open_exec(None, b"/d/prog").unwrap()
    };
    assert_eq!(exe.path(&root), b"/d/prog");
    assert_eq!(root.inode().ino(), r.root().inode().ino());
}

#[test]
fn setgid_directories_and_chown_clears_setid() {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/g", 0o755).unwrap();
    r.chown(None, b"/g", None, Some(50), true).unwrap();
    r.chmod(None, b"/g", 0o2777, true).unwrap();
    let u = user_resolver(&root, 1000);
    u.open(None, b"/g/f", RW_CREAT, 0o644).unwrap();
    u.mkdir(None, b"/g/sub", 0o755).unwrap();
    assert_eq!(
        r.stat(None, b"/g/f", true).unwrap().gid,
        50,
        "group inherited"
    );
    let sub = r.stat(None, b"/g/sub", true).unwrap();
    assert_eq!(
        (sub.gid, sub.mode & 0o2000),
        (50, 0o2000),
        "set-gid bit inherited by directories"
    );
    r.chmod(None, b"/g/f", 0o4755, true).unwrap();
    r.chown(None, b"/g/f", Some(7), None, true).unwrap();
    assert_eq!(
        r.stat(None, b"/g/f", true).unwrap().mode & 0o7777,
        0o755,
        "chown clears set-uid"
    );
}
