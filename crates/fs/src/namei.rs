//! Path resolution (Linux `namei`): from a root and a starting directory,
//! walk a path's components through directories, mounts and symlinks.
//!
//! Rules, as on Linux:
//! - A path of 4096 bytes or more is ENAMETOOLONG, a component of more than
//!   255 bytes too; an empty path is ENOENT.
//! - `/` starts at the root, anything else at the start directory; empty
//!   components (`a//b`) are skipped; `.` stays; `..` goes up, never above
//!   the root, and out of a mount through its mountpoint.
//! - Every directory looked into needs search (execute) permission.
//! - Symlinks are followed in the middle of a path always, in the last
//!   position when asked to or when the path ends in `/`; more than 40
//!   symlinks in one resolution is ELOOP. An absolute target restarts at the
//!   root, a relative one at the link's directory.
//! - A trailing `/` requires the result to be a directory (ENOTDIR).

use alloc::vec::Vec;

use abi::{Errno, KResult};

use crate::location::Location;
use crate::perm::{Access, Cred, check_access};
use crate::types::FileType;

/// Paths of this many bytes or more are too long (the limit counts the NUL).
pub const PATH_MAX: usize = 4096;
/// Longest component.
pub const NAME_MAX: usize = 255;
/// Most symlinks followed in one resolution.
pub const MAX_SYMLINKS: u32 = 40;

/// A directory and a name in it: how a non-directory was reached.
pub type NamedEntry = (Location, Vec<u8>);

/// The last component of a path, for operations that act on a name in a
/// directory (create, unlink, rename).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Last {
    /// A normal name.
    Name(Vec<u8>),
    /// `.`
    Dot,
    /// `..`
    DotDot,
    /// The path was `/` (or only slashes).
    Root,
}

/// A path resolved up to its last component.
#[derive(Clone, Debug)]
pub struct ParentPath {
    /// The directory holding the last component.
    pub dir: Location,
    /// The last component.
    pub last: Last,
    /// Whether the path ended in `/`.
    pub trailing_slash: bool,
}

/// One resolution: the root it cannot leave, the credentials for search
/// permission, and the count of symlinks followed so far.
pub struct Walker<'a> {
    root: &'a Location,
    cred: &'a Cred<'a>,
    links: u32,
    /// The directory and name through which the last `walk` reached its
    /// result (`None` if it ended on `.`, `..` or the start).
    last_entry: Option<NamedEntry>,
}

/// Checks the length limits of a whole path (ENOENT if empty).
pub fn check_path(path: &[u8]) -> KResult<()> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    if path.len() >= PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(())
}

fn check_name(name: &[u8]) -> KResult<()> {
    if name.len() > NAME_MAX {
        Err(Errno::ENAMETOOLONG)
    } else {
        Ok(())
    }
}

/// Pushes the components of `path` onto `stack` so that the first one is popped first.
fn push_components(stack: &mut Vec<Vec<u8>>, path: &[u8]) {
    let start = stack.len();
    stack.extend(
        path.split(|&c| c == b'/')
            .filter(|c| !c.is_empty())
            .map(<[u8]>::to_vec),
    );
    stack[start..].reverse();
}

impl<'a> Walker<'a> {
    /// A walker confined to `root`, checking search permission for `cred`.
    pub fn new(root: &'a Location, cred: &'a Cred<'a>) -> Walker<'a> {
        Walker {
            root,
            cred,
            links: 0,
            last_entry: None,
        }
    }

    /// Counts one symlink (ELOOP past [`MAX_SYMLINKS`]) and returns its target.
    pub fn read_symlink(&mut self, link: &Location) -> KResult<Vec<u8>> {
        self.links += 1;
        if self.links > MAX_SYMLINKS {
            return Err(Errno::ELOOP);
        }
        let target = link.inode().read_link()?;
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        Ok(target)
    }

    /// Looks `name` up in the directory `dir` (search permission, `.`, `..`,
    /// mounts), without following a symlink it finds.
    pub fn step(&self, dir: &Location, name: &[u8]) -> KResult<Location> {
        let meta = dir.inode().metadata();
        if meta.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        check_access(&meta, self.cred, Access::EXEC)?;
        match name {
            b"." => Ok(dir.clone()),
            b".." => dir.parent(self.root),
            _ => {
                check_name(name)?;
                let child = dir.inode().lookup(name)?;
                Ok(Location::new(dir.mount().clone(), child).cross_mounts())
            }
        }
    }

    /// Resolves `path` from `start`; `follow_last` follows a symlink in the
    /// last position.
    pub fn walk(&mut self, start: &Location, path: &[u8], follow_last: bool) -> KResult<Location> {
        check_path(path)?;
        let mut must_dir = path.ends_with(b"/");
        let mut cur = if path[0] == b'/' {
            self.root.clone()
        } else {
            start.clone()
        };
        let mut stack = Vec::new();
        push_components(&mut stack, path);
        self.last_entry = None;
        while let Some(name) = stack.pop() {
            let is_last = stack.is_empty();
            let next = self.step(&cur, &name)?;
            if next.inode().file_type() == FileType::Symlink
                && (!is_last || follow_last || must_dir)
            {
                let target = self.read_symlink(&next)?;
                if is_last && target.ends_with(b"/") {
                    must_dir = true;
                }
                if target[0] == b'/' {
                    cur = self.root.clone();
                }
                push_components(&mut stack, &target);
                continue;
            }
            self.last_entry = match &name[..] {
                b"." | b".." => None,
                _ => Some((cur, name)),
            };
            cur = next;
        }
        if must_dir && cur.inode().file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        Ok(cur)
    }

    /// The directory and name the last [`Walker::walk`] came through to its
    /// result: how a non-directory is named later (`/proc/<pid>/fd`), since
    /// only directories know their parent.
    pub fn take_last_entry(&mut self) -> Option<NamedEntry> {
        self.last_entry.take()
    }

    /// Resolves all but the last component of `path` (following symlinks),
    /// which must name a directory, and returns it with the last component.
    pub fn walk_parent(&mut self, start: &Location, path: &[u8]) -> KResult<ParentPath> {
        check_path(path)?;
        let trimmed_len = path.iter().rposition(|&c| c != b'/').map_or(0, |i| i + 1);
        let trailing_slash = trimmed_len < path.len();
        if trimmed_len == 0 {
            return Ok(ParentPath {
                dir: self.root.clone(),
                last: Last::Root,
                trailing_slash,
            });
        }
        let trimmed = &path[..trimmed_len];
        let (dir, last) = match trimmed.iter().rposition(|&c| c == b'/') {
            None => (start.clone(), trimmed),
            Some(i) => {
                let dir_part = &trimmed[..=i];
                let dir = if dir_part.iter().all(|&c| c == b'/') {
                    self.root.clone()
                } else {
                    self.walk(start, dir_part, true)?
                };
                (dir, &trimmed[i + 1..])
            }
        };
        if dir.inode().file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        let last = match last {
            b"." => Last::Dot,
            b".." => Last::DotDot,
            name => {
                check_name(name)?;
                Last::Name(name.to_vec())
            }
        };
        Ok(ParentPath {
            dir,
            last,
            trailing_slash,
        })
    }
}

#[cfg(test)]
mod test;
