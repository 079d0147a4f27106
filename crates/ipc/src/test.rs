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
