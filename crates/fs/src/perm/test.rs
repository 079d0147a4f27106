use super::*;
use crate::types::{FileType, Metadata, Timespec};

fn meta(ty: FileType, perm: u32, uid: u32, gid: u32) -> Metadata {
    Metadata::new(1, ty, perm, uid, gid, Timespec::default())
}

#[test]
fn owner_group_other_classes() {
    let m = meta(FileType::Regular, 0o640, 10, 20);
    let owner = Cred {
        uid: 10,
        gid: 99,
        groups: &[],
    };
    let group = Cred {
        uid: 11,
        gid: 20,
        groups: &[],
    };
    let supp = Cred {
        uid: 11,
        gid: 1,
        groups: &[20],
    };
    let other = Cred {
        uid: 12,
        gid: 1,
        groups: &[],
    };
    assert!(check_access(&m, &owner, Access::READ | Access::WRITE).is_ok());
    assert!(check_access(&m, &owner, Access::EXEC).is_err());
    assert!(check_access(&m, &group, Access::READ).is_ok());
    assert_eq!(check_access(&m, &group, Access::WRITE), Err(Errno::EACCES));
    assert!(check_access(&m, &supp, Access::READ).is_ok());
    assert_eq!(check_access(&m, &other, Access::READ), Err(Errno::EACCES));
}

#[test]
fn owner_class_is_exclusive() {
    // Owner with no permission is denied even if "other" would allow it.
    let m = meta(FileType::Regular, 0o007, 10, 20);
    let owner = Cred {
        uid: 10,
        gid: 20,
        groups: &[],
    };
    assert!(check_access(&m, &owner, Access::READ).is_err());
}

#[test]
fn root_bypass() {
    let f = meta(FileType::Regular, 0o000, 10, 20);
    assert!(check_access(&f, &Cred::ROOT, Access::READ | Access::WRITE).is_ok());
    assert_eq!(
        check_access(&f, &Cred::ROOT, Access::EXEC),
        Err(Errno::EACCES)
    );
    let fx = meta(FileType::Regular, 0o001, 10, 20);
    assert!(check_access(&fx, &Cred::ROOT, Access::EXEC).is_ok());
    let d = meta(FileType::Directory, 0o000, 10, 20);
    assert!(check_access(&d, &Cred::ROOT, Access::EXEC).is_ok());
}

#[test]
fn sticky_rule() {
    let dir = meta(FileType::Directory, 0o1777, 0, 0);
    let victim = meta(FileType::Regular, 0o644, 10, 10);
    assert!(
        check_sticky(
            &dir,
            &victim,
            &Cred {
                uid: 10,
                gid: 10,
                groups: &[]
            }
        )
        .is_ok()
    );
    assert_eq!(
        check_sticky(
            &dir,
            &victim,
            &Cred {
                uid: 11,
                gid: 10,
                groups: &[]
            }
        ),
        Err(Errno::EPERM)
    );
}
