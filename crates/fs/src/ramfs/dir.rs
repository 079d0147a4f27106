//! [`DirEntries`]: a directory's names with offsets that stay valid while
//! entries come and go, as `getdents64` and `telldir`/`seekdir` need.
//!
//! Each entry gets a cookie from a counter when it is inserted; `read_dir`
//! at offset `o` returns the first entry whose cookie is `>= o`, and the
//! next offset is that cookie + 1. Removed entries simply vanish, new ones
//! sort after every existing one, so no entry is returned twice in one pass.
//! Cookies 0 and 1 are reserved for `.` and `..`.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// First cookie of a real entry.
pub const FIRST_COOKIE: u64 = 2;

/// Names to values, ordered by insertion cookie.
pub struct DirEntries<T> {
    by_name: BTreeMap<Vec<u8>, u64>,
    by_cookie: BTreeMap<u64, (Vec<u8>, T)>,
    next_cookie: u64,
}

impl<T> Default for DirEntries<T> {
    fn default() -> Self {
        DirEntries {
            by_name: BTreeMap::new(),
            by_cookie: BTreeMap::new(),
            next_cookie: FIRST_COOKIE,
        }
    }
}

impl<T> DirEntries<T> {
    /// The value named `name`.
    pub fn get(&self, name: &[u8]) -> Option<&T> {
        let cookie = self.by_name.get(name)?;
        self.by_cookie.get(cookie).map(|(_, v)| v)
    }

    /// Adds `name` (the caller checked it is absent; a present name is replaced).
    pub fn insert(&mut self, name: &[u8], value: T) {
        let _ = self.replace(name, value);
    }

    /// Sets `name` to `value`, returning the value it replaced. A new name
    /// gets a new cookie; a replaced name keeps its cookie.
    pub fn replace(&mut self, name: &[u8], value: T) -> Option<T> {
        if let Some(&cookie) = self.by_name.get(name) {
            let slot = self
                .by_cookie
                .get_mut(&cookie)
                .expect("dir index out of sync");
            return Some(core::mem::replace(&mut slot.1, value));
        }
        let cookie = self.next_cookie;
        self.next_cookie += 1;
        self.by_name.insert(name.to_vec(), cookie);
        self.by_cookie.insert(cookie, (name.to_vec(), value));
        None
    }

    /// Removes `name`, returning its value.
    pub fn remove(&mut self, name: &[u8]) -> Option<T> {
        let cookie = self.by_name.remove(name)?;
        self.by_cookie.remove(&cookie).map(|(_, v)| v)
    }

    /// The first entry with cookie `>= offset`: (cookie, name, value).
    pub fn first_from(&self, offset: u64) -> Option<(u64, &[u8], &T)> {
        self.by_cookie
            .range(offset.max(FIRST_COOKIE)..)
            .next()
            .map(|(&c, (n, v))| (c, n.as_slice(), v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}
