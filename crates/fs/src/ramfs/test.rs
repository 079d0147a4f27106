use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::inode::NewNode;
use abi::Errno;

fn names(dir: &dyn Inode) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut off = 0;
    while let Some(e) = dir.read_dir(off).unwrap() {
        out.push(e.name);
        off = e.next_offset;
    }
    out
}

fn root() -> Arc<dyn Inode> {
    RamFs::new("ramfs", 0o755).root()
}

fn new_file() -> Arc<dyn Inode> {
    root().create(b"f", NewNode::Regular, 0o644, 0, 0).unwrap()
}

#[test]
fn file_data_is_sparse_and_zero_filled() {
    let f = new_file();
    assert_eq!(f.write_at(10_000, b"abc"), Ok(3));
    assert_eq!(f.metadata().size, 10_003);
    assert_eq!(f.metadata().blocks, 8); // one page
    let mut buf = vec![0xffu8; 10_003];
    assert_eq!(f.read_at(0, &mut buf), Ok(10_003));
    assert!(buf[..10_000].iter().all(|&b| b == 0));
    assert_eq!(&buf[10_000..], b"abc");
    assert_eq!(f.read_at(10_003, &mut buf), Ok(0));
}

#[test]
fn file_data_write_across_pages_and_truncate() {
    let f = new_file();
    let data: Vec<u8> = (0..9000u32).map(|i| i as u8).collect();
    f.write_at(100, &data).unwrap();
    let mut back = vec![0u8; 9000];
    assert_eq!(f.read_at(100, &mut back), Ok(9000));
    assert_eq!(back, data);
    f.truncate(150).unwrap();
    assert_eq!(f.metadata().size, 150);
    f.truncate(5000).unwrap();
    let mut tail = vec![0xffu8; 4850];
    assert_eq!(f.read_at(150, &mut tail), Ok(4850));
    assert!(
        tail.iter().all(|&b| b == 0),
        "growing after shrinking reads zeros"
    );
}

#[test]
fn file_data_is_the_page_cache() {
    let f = new_file();
    f.write_at(0, &[1u8; 2 * PAGE_SIZE]).unwrap();
    let cache = f.page_cache().expect("ramfs files have a page cache");
    assert!(Arc::ptr_eq(&cache, &f.page_cache().unwrap()));
    // A store into the frame (as through a shared mapping) is the file's
    // data, and a write is in the frame.
    let page1 = cache.frame(1).unwrap();
    page1.write(7, b"mapped");
    let mut buf = [0u8; 6];
    f.read_at(PAGE_SIZE as u64 + 7, &mut buf).unwrap();
    assert_eq!(&buf, b"mapped");
    f.write_at(PAGE_SIZE as u64 + 100, b"written").unwrap();
    let mut back = [0u8; 7];
    page1.read(100, &mut back);
    assert_eq!(&back, b"written");
    // Truncation takes the page out of the cache: later data is elsewhere.
    f.truncate(PAGE_SIZE as u64).unwrap();
    assert!(cache.frame(1).is_none());
    f.write_at(PAGE_SIZE as u64, b"new").unwrap();
    page1.read(0, &mut back[..3]);
    assert_ne!(&back[..3], b"new");
    let dir = root();
    assert!(dir.page_cache().is_none(), "directories have none");
}

#[test]
fn deleting_a_file_frees_its_frames() {
    let r = root();
    let f = r.create(b"f", NewNode::Regular, 0o644, 0, 0).unwrap();
    f.write_at(0, &[3u8; 3 * PAGE_SIZE]).unwrap();
    let page = f.page_cache().unwrap().frame(2).unwrap();
    assert_eq!(page.ref_count(), 2, "the cache and this handle");
    r.unlink(b"f").unwrap();
    assert_eq!(page.ref_count(), 2, "the open reference keeps the data");
    drop(f);
    assert_eq!(page.ref_count(), 1, "only this handle is left");
}

#[test]
fn anonymous_files_have_no_name() {
    let f = new_anon_file(0o777, 5, 6).unwrap();
    let m = f.metadata();
    assert_eq!((m.mode, m.nlink, m.uid, m.gid), (0o100777, 0, 5, 6));
    f.truncate(100).unwrap();
    f.write_at(10, b"x").unwrap();
    assert_eq!(f.metadata().size, 100);
    let g = new_anon_file(0o777, 0, 0).unwrap();
    assert_ne!(f.ino(), g.ino());
    assert_eq!(f.metadata().dev, g.metadata().dev);
}

#[test]
fn create_lookup_unlink() {
    let r = root();
    let f = r.create(b"f", NewNode::Regular, 0o644, 1, 2).unwrap();
    assert_eq!(f.metadata().mode, 0o100644);
    assert_eq!((f.metadata().uid, f.metadata().gid), (1, 2));
    assert_eq!(
        r.create(b"f", NewNode::Regular, 0o644, 0, 0).err(),
        Some(Errno::EEXIST)
    );
    assert_eq!(r.lookup(b"f").unwrap().ino(), f.ino());
    assert_eq!(r.lookup(b"g").err(), Some(Errno::ENOENT));
    f.write_at(0, b"hello").unwrap();
    r.unlink(b"f").unwrap();
    assert_eq!(f.metadata().nlink, 0);
    // Still readable through the open reference.
    let mut buf = [0u8; 5];
    assert_eq!(f.read_at(0, &mut buf).unwrap(), 5);
    assert_eq!(r.unlink(b"f").err(), Some(Errno::ENOENT));
}

#[test]
fn directories_links_and_rmdir() {
    let r = root();
    let d = r.create(b"d", NewNode::Directory, 0o755, 0, 0).unwrap();
    assert_eq!(r.metadata().nlink, 3);
    assert_eq!(d.metadata().nlink, 2);
    assert_eq!(d.lookup(b"..").unwrap().ino(), r.ino());
    assert_eq!(r.lookup(b"..").unwrap().ino(), r.ino());
    d.create(b"x", NewNode::Regular, 0o644, 0, 0).unwrap();
    assert_eq!(r.rmdir(b"d").err(), Some(Errno::ENOTEMPTY));
    assert_eq!(r.unlink(b"d").err(), Some(Errno::EISDIR));
    d.unlink(b"x").unwrap();
    r.rmdir(b"d").unwrap();
    assert_eq!(r.metadata().nlink, 2);
    assert_eq!(
        d.create(b"y", NewNode::Regular, 0o644, 0, 0).err(),
        Some(Errno::ENOENT),
        "dead directory"
    );
}

#[test]
fn hard_links_share_data() {
    let r = root();
    let f = r.create(b"a", NewNode::Regular, 0o644, 0, 0).unwrap();
    r.link(b"b", &f).unwrap();
    assert_eq!(f.metadata().nlink, 2);
    r.lookup(b"b").unwrap().write_at(0, b"xyz").unwrap();
    let mut buf = [0u8; 3];
    f.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"xyz");
    let d = r.create(b"d", NewNode::Directory, 0o755, 0, 0).unwrap();
    assert_eq!(r.link(b"dd", &d).err(), Some(Errno::EPERM));
    let other = root();
    assert_eq!(other.link(b"x", &f).err(), Some(Errno::EXDEV));
}

#[test]
fn read_dir_offsets_survive_changes() {
    let r = root();
    for n in [&b"a"[..], b"b", b"c"] {
        r.create(n, NewNode::Regular, 0o644, 0, 0).unwrap();
    }
    let e1 = r.read_dir(2).unwrap().unwrap();
    assert_eq!(e1.name, b"a");
    r.unlink(b"b").unwrap();
    r.create(b"d", NewNode::Regular, 0o644, 0, 0).unwrap();
    let mut rest = Vec::new();
    let mut off = e1.next_offset;
    while let Some(e) = r.read_dir(off).unwrap() {
        rest.push(e.name);
        off = e.next_offset;
    }
    assert_eq!(rest, vec![b"c".to_vec(), b"d".to_vec()]);
    assert_eq!(names(&*r)[..2], [b".".to_vec(), b"..".to_vec()]);
}

#[test]
fn rename_rules() {
    let r = root();
    let a = r.create(b"a", NewNode::Regular, 0o644, 0, 0).unwrap();
    let b = r.create(b"b", NewNode::Regular, 0o644, 0, 0).unwrap();
    let d = r.create(b"d", NewNode::Directory, 0o755, 0, 0).unwrap();
    let e = r.create(b"e", NewNode::Directory, 0o755, 0, 0).unwrap();
    // File over file: replaced, the victim loses its link.
    r.rename(b"a", &r, b"b", false).unwrap();
    assert_eq!(r.lookup(b"b").unwrap().ino(), a.ino());
    assert_eq!(b.metadata().nlink, 0);
    assert_eq!(r.lookup(b"a").err(), Some(Errno::ENOENT));
    // Type mismatches.
    assert_eq!(r.rename(b"b", &r, b"d", false).err(), Some(Errno::EISDIR));
    assert_eq!(r.rename(b"d", &r, b"b", false).err(), Some(Errno::ENOTDIR));
    // Directory over non-empty directory.
    e.create(b"x", NewNode::Regular, 0o644, 0, 0).unwrap();
    assert_eq!(
        r.rename(b"d", &r, b"e", false).err(),
        Some(Errno::ENOTEMPTY)
    );
    // Into its own subdirectory.
    let sub = d.create(b"sub", NewNode::Directory, 0o755, 0, 0).unwrap();
    assert_eq!(r.rename(b"d", &sub, b"x", false).err(), Some(Errno::EINVAL));
    // Move a directory: link counts and `..` follow.
    r.rename(b"d", &e, b"d2", false).unwrap();
    assert_eq!(d.lookup(b"..").unwrap().ino(), e.ino());
    assert_eq!(r.metadata().nlink, 3);
    assert_eq!(e.metadata().nlink, 3);
    // Same inode under both names: no-op.
    r.link(b"c", &a).unwrap();
    r.rename(b"b", &r, b"c", false).unwrap();
    assert!(r.lookup(b"b").is_ok() && r.lookup(b"c").is_ok());
    assert_eq!(r.rename(b"b", &e, b"x", true).err(), Some(Errno::EEXIST));
}

#[test]
fn append_and_metadata() {
    let r = root();
    let f = r.create(b"f", NewNode::Regular, 0o600, 0, 0).unwrap();
    assert_eq!(f.append(b"ab").unwrap(), (0, 2));
    assert_eq!(f.append(b"cd").unwrap(), (2, 2));
    assert_eq!(f.metadata().size, 4);
    let s = r
        .create(b"s", NewNode::Symlink(b"target"), 0, 0, 0)
        .unwrap();
    assert_eq!(s.metadata().mode, 0o120777);
    assert_eq!(s.metadata().size, 6);
    assert_eq!(s.read_link().unwrap(), b"target");
    let c = r
        .create(
            b"c",
            NewNode::CharDevice(crate::types::DevId::new(1, 3)),
            0o666,
            0,
            0,
        )
        .unwrap();
    assert_eq!(c.metadata().rdev, crate::types::DevId::new(1, 3));
    assert_eq!(f.read_link().err(), Some(Errno::EINVAL));
    assert_eq!(r.read_at(0, &mut [0u8; 1]).err(), Some(Errno::EISDIR));
}

#[test]
fn tmpfs_options_parse_as_linux() {
    let ram = 262_144; // 1 GiB of pages
    let p = |s: &[u8]| TmpfsOptions::parse(s, ram);
    assert_eq!(p(b"").unwrap(), TmpfsOptions::default());
    assert_eq!(p(b"size=1m").unwrap().size_pages, Some(256));
    assert_eq!(p(b"size=4097").unwrap().size_pages, Some(2));
    assert_eq!(p(b"size=2G").unwrap().size_pages, Some(524_288));
    assert_eq!(p(b"size=25%").unwrap().size_pages, Some(65_536));
    assert_eq!(p(b"nr_inodes=1k,mode=700,uid=5,gid=6,rw").unwrap(), TmpfsOptions {
        nr_inodes: Some(1024),
        mode: Some(0o700),
        uid: Some(5),
        gid: Some(6),
        ..TmpfsOptions::default()
    });
    for bad in [&b"size="[..], b"size=1x", b"size=-1", b"bogus", b"mode=9", b"uid=4294967296", b"size=99999999999e"] {
        assert_eq!(p(bad), Err(Errno::EINVAL), "{}", core::str::from_utf8(bad).unwrap());
    }
    assert_eq!(TmpfsOptions::default().limits(ram), (Some(131_072), Some(131_072)));
    assert_eq!(p(b"size=0,nr_inodes=0").unwrap().limits(ram), (None, None));
}

#[test]
fn tmpfs_size_bounds_file_pages_and_statfs() {
    let fs = RamFs::new_tmpfs_with(b"size=8k,nr_inodes=3").unwrap();
    let root = fs.root();
    let f = root.create(b"f", NewNode::Regular, 0o644, 0, 0).unwrap();
    // Two pages fit; a write that gets some in is short, the next ENOSPC.
    assert_eq!(f.write_at(4096, &[1u8; 12288]), Ok(8192));
    assert_eq!(f.write_at(5000, &[1u8; 100]), Ok(100));
    assert_eq!(f.write_at(0, &[1u8; 1]), Err(Errno::ENOSPC));
    let s = fs.statfs();
    assert_eq!((s.blocks, s.blocks_free), (2, 0));
    // Root, f, and one more inode.
    assert_eq!((s.files, s.files_free), (3, 1));
    root.create(b"d", NewNode::Directory, 0o755, 0, 0).unwrap();
    assert_eq!(root.create(b"g", NewNode::Regular, 0o644, 0, 0).err(), Some(Errno::ENOSPC));
    // Truncating gives pages back; removing an inode frees its slot.
    f.truncate(8192).unwrap();
    assert_eq!(fs.statfs().blocks_free, 1);
    root.rmdir(b"d").unwrap();
    root.create(b"g", NewNode::Regular, 0o644, 0, 0).unwrap();
    // The last reference to a removed file returns all of its pages.
    root.unlink(b"f").unwrap();
    drop(f);
    assert_eq!(fs.statfs().blocks_free, 2);
    // A remount may not shrink below what is in use.
    let g = root.lookup(b"g").unwrap();
    g.write_at(0, &[1u8; 8192]).unwrap();
    assert_eq!(fs.reconfigure(b"size=4k"), Err(Errno::EINVAL));
    fs.reconfigure(b"size=16k").unwrap();
    assert_eq!(fs.statfs().blocks, 4);
}

#[test]
fn ramfs_and_unbounded_tmpfs_report_no_totals() {
    for fs in [RamFs::new("ramfs", 0o755), RamFs::new_tmpfs_with(b"size=0,nr_inodes=0").unwrap()] {
        let s = fs.statfs();
        assert_eq!((s.blocks, s.files), (0, 0));
        let f = fs.root().create(b"f", NewNode::Regular, 0o644, 0, 0).unwrap();
        assert_eq!(f.write_at(0, &[1u8; 3 * 4096]), Ok(3 * 4096));
    }
}

#[test]
fn tmpfs_hard_links_take_inode_slots() {
    let fs = RamFs::new_tmpfs_with(b"nr_inodes=3").unwrap();
    let root = fs.root();
    let f = root.create(b"f", NewNode::Regular, 0o644, 0, 0).unwrap();
    root.link(b"g", &f).unwrap();
    assert_eq!(root.link(b"h", &f), Err(Errno::ENOSPC));
    root.unlink(b"f").unwrap();
    root.link(b"h", &f).unwrap();
    // Renaming a link onto another link of the same file does nothing.
    root.rename(b"h", &root, b"g", false).unwrap();
    assert_eq!(fs.statfs().files_free, 0);
    let other = root.create(b"o", NewNode::Regular, 0o644, 0, 0);
    assert_eq!(other.err(), Some(Errno::ENOSPC));
    root.unlink(b"h").unwrap();
    assert_eq!(fs.statfs().files_free, 1);
    root.unlink(b"g").unwrap();
    drop(f);
    assert_eq!(fs.statfs().files_free, 2);
}
