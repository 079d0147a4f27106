use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec;
use core::sync::atomic::{AtomicU32, Ordering};

use super::*;
use crate::location::Location;
use crate::mount::Mount;
use crate::perm::Cred;
use crate::test_util::{new_root, ready, root_resolver};
use crate::vfs::Resolver;

fn counter_fs() -> (Arc<SimpleFs>, Arc<AtomicU32>, Arc<SpinLock<Vec<u8>>>) {
    let dev = hooks::alloc_anon_dev();
    let count = Arc::new(AtomicU32::new(0));
    let written = Arc::new(SpinLock::new(Vec::new()));
    let c = count.clone();
    let file: Arc<dyn Inode> = SynthFile::new(
        synth_meta(dev, FileType::Regular, 0o444),
        Box::new(move || {
            Ok(alloc::format!("count {}\n", c.fetch_add(1, Ordering::SeqCst)).into_bytes())
        }),
        None,
    );
    let w = written.clone();
    let knob: Arc<dyn Inode> = SynthFile::new(
        synth_meta(dev, FileType::Regular, 0o644),
        Box::new(|| Ok(b"knob\n".to_vec())),
        Some(Box::new(move |buf: &[u8]| {
            w.lock().extend_from_slice(buf);
            Ok(buf.len())
        })),
    );
    let link: Arc<dyn Inode> = SynthLink::new(
        synth_meta(dev, FileType::Symlink, 0o777),
        Box::new(|| Ok(b"counter".to_vec())),
    );
    let entries = vec![
        (b"counter".to_vec(), file),
        (b"knob".to_vec(), knob),
        (b"self".to_vec(), link),
    ];
    let root = SynthDir::new(
        synth_meta(dev, FileType::Directory, 0o555),
        Box::new(move || entries.clone()),
        None,
    );
    (SimpleFs::new(root, "testfs", dev, 0x1234), count, written)
}

fn mounted() -> (Resolver<'static>, Arc<AtomicU32>, Arc<SpinLock<Vec<u8>>>) {
    let root = new_root();
    let r = root_resolver(&root);
    r.mkdir(None, b"/proc", 0o555).unwrap();
    let (fs, count, written) = counter_fs();
    r.mount(None, b"/proc", fs, b"proc").unwrap();
    (r, count, written)
}

#[test]
fn content_is_snapshotted_at_open() {
    let (r, count, _) = mounted();
    let f = r
        .open(None, b"/proc/counter", OpenFlags::empty(), 0)
        .unwrap();
    let mut buf = [0u8; 64];
    let n = ready(|cx| f.poll_read(cx, &mut buf)).unwrap();
    assert_eq!(&buf[..n], b"count 0\n");
    assert_eq!(ready(|cx| f.poll_read(cx, &mut buf)), Ok(0));
    f.seek(0, abi::linux::SEEK_SET).unwrap();
    assert_eq!(
        ready(|cx| f.poll_read(cx, &mut buf)),
        Ok(8),
        "same snapshot after seek"
    );
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let g = r
        .open(None, b"/proc/counter", OpenFlags::empty(), 0)
        .unwrap();
    let n = ready(|cx| g.poll_read(cx, &mut buf)).unwrap();
    assert_eq!(&buf[..n], b"count 1\n");
    assert!(
        r.open(None, b"/proc/counter", OpenFlags::WRONLY, 0)
            .is_err()
    );
}

#[test]
fn write_handler_and_links() {
    let (r, _, written) = mounted();
    let f = r
        .open(None, b"/proc/knob", OpenFlags::WRONLY | OpenFlags::TRUNC, 0)
        .unwrap();
    assert_eq!(ready(|cx| f.poll_write(cx, b"42\n")), Ok(3));
    assert_eq!(*written.lock(), b"42\n");
    assert_eq!(r.readlink(None, b"/proc/self").unwrap(), b"counter");
    let via_link = r.lookup(None, b"/proc/self", true).unwrap();
    assert_eq!(
        via_link.inode().ino(),
        r.lookup(None, b"/proc/counter", true)
            .unwrap()
            .inode()
            .ino()
    );
}

#[test]
fn directory_listing_and_dotdot() {
    let (r, _, _) = mounted();
    let d = r.open(None, b"/proc", OpenFlags::DIRECTORY, 0).unwrap();
    let mut buf = [0u8; 512];
    let n = d.getdents64(&mut buf).unwrap();
    let text = &buf[..n];
    for name in [&b"counter"[..], b"knob", b"self"] {
        assert!(text.windows(name.len()).any(|w| w == name));
    }
    assert_eq!(d.getdents64(&mut buf), Ok(0));
    let root_ino = r.root().inode().ino();
    assert_eq!(
        r.lookup(None, b"/proc/..", true).unwrap().inode().ino(),
        root_ino
    );
    assert_eq!(
        r.lookup(None, b"/proc/nope", true).err(),
        Some(Errno::ENOENT)
    );
    assert_eq!(r.statfs(None, b"/proc").unwrap().fs_type, 0x1234);
    let _ = (Location::mount_root, Mount::new_root, Cred::ROOT);
}

/// A reader that continues in a listing another reader made, after an
/// entry it had already passed was removed, still sees every entry that
/// was there all along: offsets name the last inode returned, not a
/// position (with positions, it skipped `c`).
#[test]
fn a_listing_changed_by_another_reader_skips_no_surviving_entry() {
    let dev = hooks::alloc_anon_dev();
    let node = |ino: u64| -> Arc<dyn Inode> {
        let mut m = Metadata::new(ino, FileType::Regular, 0o444, 0, 0, hooks::now());
        m.dev = dev;
        SynthFile::new(m, Box::new(|| Ok(Vec::new())), None)
    };
    let all = vec![(b"a".to_vec(), node(1010)), (b"b".to_vec(), node(1020)), (b"c".to_vec(), node(1030)), (b"d".to_vec(), node(1040))];
    let shown = Arc::new(SpinLock::new(all.clone()));
    let s = shown.clone();
    let dir = SynthDir::new(synth_meta(dev, FileType::Directory, 0o555), Box::new(move || s.lock().clone()), None);
    let name = |e: Option<DirEntry>| e.map(|e| (e.name, e.next_offset));
    let (a, off) = name(dir.read_dir(2).unwrap()).unwrap();
    let (b, off) = name(dir.read_dir(off).unwrap()).unwrap();
    assert_eq!((a.as_slice(), b.as_slice()), (&b"a"[..], &b"b"[..]));
    // `a` goes away; another reader starts over and its listing is cached.
    shown.lock().remove(0);
    assert_eq!(dir.read_dir(2).unwrap().unwrap().name, b"b");
    let (c, off) = name(dir.read_dir(off).unwrap()).unwrap();
    let (d, off) = name(dir.read_dir(off).unwrap()).unwrap();
    assert_eq!((c.as_slice(), d.as_slice()), (&b"c"[..], &b"d"[..]));
    assert!(dir.read_dir(off).unwrap().is_none());
}

/// getdents makes a listing without the description's position lock, a
/// spin lock that keeps interrupts off: a /proc/<pid>/task of 32,000
/// threads once kept a CPU's interrupts off for 240 ms. It still moves the
/// position past what it returned.
#[test]
fn getdents_lists_without_the_position_lock() {
    let dev = hooks::alloc_anon_dev();
    let file_of_dir: Arc<ksync::Once<alloc::sync::Weak<crate::file::OpenFile>>> = Arc::new(ksync::Once::new());
    let lock_seen = Arc::new(core::sync::atomic::AtomicBool::new(false));
    let (f, seen) = (file_of_dir.clone(), lock_seen.clone());
    let leaf = SynthFile::new(synth_meta(dev, FileType::Regular, 0o444), Box::new(|| Ok(Vec::new())), None);
    let dir = SynthDir::new(
        synth_meta(dev, FileType::Directory, 0o555),
        Box::new(move || {
            if f.get().and_then(alloc::sync::Weak::upgrade).is_some_and(|file| file.pos_is_locked()) {
                seen.store(true, Ordering::SeqCst);
            }
            vec![(b"only".to_vec(), leaf.clone() as Arc<dyn Inode>)]
        }),
        None,
    );
    let file = crate::file::OpenFile::new_anon(crate::file_inode::inode_file_ops(), dir, crate::flags::OpenFlags::empty(), b"dir".to_vec());
    file_of_dir.call_once(|| Arc::downgrade(&file));
    let mut buf = [0u8; 512];
    let n = file.getdents64(&mut buf).unwrap();
    assert!(n > 0);
    assert!(!lock_seen.load(Ordering::SeqCst), "the listing was made under the position lock");
    assert_ne!(*file.pos(), 0, "the position moved past the entries");
    assert_eq!(file.getdents64(&mut buf).unwrap(), 0, "nothing is listed twice");
}

/// A directory listed by name lists without making its entries, and
/// makes an entry only when it is looked up.
#[test]
fn a_directory_of_names_makes_entries_only_on_lookup() {
    let dev = hooks::alloc_anon_dev();
    let made = Arc::new(AtomicU32::new(0));
    let m = made.clone();
    let dir = SynthDir::of_names(
        synth_meta(dev, FileType::Directory, 0o555),
        Box::new(|| {
            (1..=3u64)
                .map(|i| DirEntry { ino: 1000 + i, file_type: FileType::Regular, name: alloc::format!("{i}").into_bytes(), next_offset: 0 })
                .collect()
        }),
        Box::new(move |name| {
            m.fetch_add(1, Ordering::SeqCst);
            let i: u64 = core::str::from_utf8(name).ok()?.parse().ok()?;
            (1..=3).contains(&i).then(|| {
                let mut meta = Metadata::new(1000 + i, FileType::Regular, 0o444, 0, 0, hooks::now());
                meta.dev = dev;
                SynthFile::new(meta, Box::new(|| Ok(Vec::new())), None) as Arc<dyn Inode>
            })
        }),
    );
    let mut off = 2;
    let mut names = Vec::new();
    while let Some(e) = dir.read_dir(off).unwrap() {
        names.push(e.name);
        off = e.next_offset;
    }
    assert_eq!(names, vec![b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]);
    assert_eq!(made.load(Ordering::SeqCst), 0, "listing made no entry");
    assert_eq!(dir.lookup(b"2").unwrap().ino(), 1002);
    assert!(dir.lookup(b"4").is_err());
    assert_eq!(made.load(Ordering::SeqCst), 2);
}
