//! The `SpinLock` newtype on the host.

extern crate std;

use crate::SpinLock;

static STATIC_LOCK: SpinLock<u32> = SpinLock::new(1);

#[test]
fn lock_try_lock_and_guards() {
    let lock = SpinLock::new(5);
    {
        let mut guard = lock.lock();
        *guard += 1;
        assert!(lock.is_locked());
        assert!(lock.try_lock().is_none());
    }
    assert!(!lock.is_locked());
    assert_eq!(*lock.try_lock().unwrap(), 6);
    let mut polls = 0;
    assert_eq!(*lock.lock_polling(|| polls += 1), 6);
    assert_eq!(polls, 0);
    assert_eq!(lock.into_inner(), 6);
    assert_eq!(*STATIC_LOCK.lock(), 1);
}

#[test]
fn unsized_and_default() {
    let lock: &SpinLock<[u8]> = &SpinLock::new([1, 2, 3]);
    assert_eq!(lock.lock().len(), 3);
    let mut lock = SpinLock::<u32>::default();
    *lock.get_mut() = 3;
    assert_eq!(std::format!("{:?}", lock.lock()), "3");
}

#[cfg(debug_assertions)]
#[test]
fn class_is_the_init_site() {
    let line = line!() + 1;
    let (a, b) = (SpinLock::new(()), SpinLock::new(()));
    assert_eq!(a.class().file(), file!());
    assert_eq!(a.class().line(), line);
    assert_ne!(a.class().column(), b.class().column());
    let d = SpinLock::<u8>::default();
    assert_eq!(d.class().line(), line!() - 1);
    assert_eq!(STATIC_LOCK.class().line(), 7);
}

#[test]
fn only_debug_builds_add_the_class() {
    let plain = core::mem::size_of::<lock_api::Mutex<crate::RawSpinLock, u64>>();
    let extra = if cfg!(debug_assertions) { core::mem::size_of::<usize>() } else { 0 };
    assert_eq!(core::mem::size_of::<SpinLock<u64>>(), plain + extra);
    assert_eq!(
        core::mem::size_of::<crate::SpinLockGuard<'_, u64>>(),
        core::mem::size_of::<lock_api::MutexGuard<'_, crate::RawSpinLock, u64>>()
    );
}
