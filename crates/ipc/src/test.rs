//! Host tests of the id table and permission checks.

use crate::ids::IdTable;
use crate::perm::{IpcPerm, READ, WRITE};
use crate::Caller;

fn user(uid: u32) -> Caller {
    Caller { euid: uid, egid: uid, fsgid: uid, ..Default::default() }
}

#[test]
fn ids_are_not_reused_at_once() {
    let mut t: IdTable<()> = IdTable::new();
    let c = user(0);
    let a = t.add(IpcPerm::new(0, 0o600, &c), (), 100).unwrap();
    assert_eq!(a, 0);
    t.remove(a).unwrap();
    let b = t.add(IpcPerm::new(0, 0o600, &c), (), 100).unwrap();
    assert_eq!(b, 1);
    assert!(t.get(a).is_err());
    // Wrapping the cursor bumps the sequence number.
    for _ in 2..64 {
        let id = t.add(IpcPerm::new(0, 0o600, &c), (), 100).unwrap();
        t.remove(id).unwrap();
    }
    let wrapped = t.add(IpcPerm::new(0, 0o600, &c), (), 100).unwrap();
    assert_eq!(wrapped, 32768);
}

#[test]
fn permission_bits_by_owner_group_other() {
    let owner = user(1000);
    let p = IpcPerm::new(5, 0o640, &owner);
    assert!(p.allows(&owner, READ | WRITE));
    let other = user(2000);
    assert!(!p.allows(&other, READ));
    let mut group = user(2000);
    group.fsgid = 1000;
    assert!(p.allows(&group, READ));
    assert!(!p.allows(&group, WRITE));
    assert!(p.check_owner(&other).is_err());
}

#[test]
fn sysctl_writes_are_checked() {
    use crate::limits::{self, Sysctl};
    assert!(Sysctl::MsgMni.write(b"40000\n").is_err());
    assert!(Sysctl::MsgMax.write(b"-1\n").is_err());
    assert!(Sysctl::Sem.write(b"1 2 3 99999\n").is_err());
    assert_eq!(Sysctl::Sem.read(), "32000\t1024000000\t500\t32000\n");
    Sysctl::Sem.write(b"250 32000\n").unwrap();
    assert_eq!(Sysctl::Sem.read(), "250\t32000\t500\t32000\n");
    Sysctl::Sem.write(b"32000 1024000000 500 32000").unwrap();
    assert_eq!(limits::semmsl(), 32000);
    assert_eq!(Sysctl::ShmMax.read(), "18446744073692774399\n");
}

#[test]
fn key_lookup_order_exists_then_checks_then_access() {
    use crate::ids::KeyLookup;
    use crate::{IPC_CREAT, IPC_EXCL};
    use abi::Errno;
    let mut t: IdTable<usize> = IdTable::new();
    let owner = user(1000);
    assert!(matches!(t.lookup_key(7, 0, &owner, |_| Ok(())), Err(Errno::ENOENT)));
    assert!(matches!(t.lookup_key(7, IPC_CREAT, &owner, |_| Ok(())), Ok(KeyLookup::Create)));
    t.add(IpcPerm::new(7, 0o600, &owner), 4, 100).unwrap();
    assert!(matches!(t.lookup_key(7, IPC_CREAT | IPC_EXCL, &owner, |_| Ok(())), Err(Errno::EEXIST)));
    // The family's check (EINVAL) comes before the access check.
    let other = user(2000);
    assert!(matches!(t.lookup_key(7, 0o600, &other, |_| Err(Errno::EINVAL)), Err(Errno::EINVAL)));
    assert!(matches!(t.lookup_key(7, 0o600, &other, |_| Ok(())), Err(Errno::EACCES)));
    assert!(matches!(t.lookup_key(7, 0, &other, |_| Ok(())), Ok(KeyLookup::Existing(0))));
    assert!(matches!(t.lookup_key(0, IPC_CREAT | IPC_EXCL, &owner, |_| Ok(())), Ok(KeyLookup::Create)));
}
