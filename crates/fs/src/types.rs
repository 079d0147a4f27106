//! Plain value types shared by the whole VFS: file types, device numbers,
//! timestamps and inode attributes (what `stat`/`statx` report).

use abi::linux as l;

/// The type bits of a mode (`S_IFMT`), as an enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// `S_IFREG`.
    Regular,
    /// `S_IFDIR`.
    Directory,
    /// `S_IFLNK`.
    Symlink,
    /// `S_IFCHR`.
    CharDevice,
    /// `S_IFBLK`.
    BlockDevice,
    /// `S_IFIFO` (named pipe, or the inode behind an anonymous pipe).
    Fifo,
    /// `S_IFSOCK`.
    Socket,
    /// No type bits: the inode behind anonymous files (epoll, eventfd),
    /// whose mode Linux reports as plain 0600.
    Anon,
}

impl FileType {
    /// The type of a full mode (type bits + permission bits); `None` if the
    /// type bits name no valid type.
    pub fn from_mode(mode: u32) -> Option<FileType> {
        Some(match mode & l::S_IFMT {
            l::S_IFREG => FileType::Regular,
            l::S_IFDIR => FileType::Directory,
            l::S_IFLNK => FileType::Symlink,
            l::S_IFCHR => FileType::CharDevice,
            l::S_IFBLK => FileType::BlockDevice,
            l::S_IFIFO => FileType::Fifo,
            l::S_IFSOCK => FileType::Socket,
            _ => return None,
        })
    }

    /// The `S_IF*` bits of this type.
    pub fn mode_bits(self) -> u32 {
        match self {
            FileType::Regular => l::S_IFREG,
            FileType::Directory => l::S_IFDIR,
            FileType::Symlink => l::S_IFLNK,
            FileType::CharDevice => l::S_IFCHR,
            FileType::BlockDevice => l::S_IFBLK,
            FileType::Fifo => l::S_IFIFO,
            FileType::Socket => l::S_IFSOCK,
            FileType::Anon => 0,
        }
    }

    /// The `DT_*` value `getdents64` reports for this type.
    pub fn dirent_type(self) -> u8 {
        (match self {
            FileType::Regular => l::DT_REG,
            FileType::Directory => l::DT_DIR,
            FileType::Symlink => l::DT_LNK,
            FileType::CharDevice => l::DT_CHR,
            FileType::BlockDevice => l::DT_BLK,
            FileType::Fifo => l::DT_FIFO,
            FileType::Socket => l::DT_SOCK,
            FileType::Anon => l::DT_UNKNOWN,
        }) as u8
    }
}

/// Permission and set-id bits of a mode (`07777`).
pub const PERM_MASK: u32 = 0o7777;

/// A device number split into major and minor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DevId {
    /// Major number (driver).
    pub major: u32,
    /// Minor number (instance).
    pub minor: u32,
}

impl DevId {
    /// A device number from its parts.
    pub const fn new(major: u32, minor: u32) -> DevId {
        DevId { major, minor }
    }

    /// Decodes the user-visible `dev_t` (glibc's and musl's `makedev`
    /// layout; for majors < 4096 and minors < 2^20 it equals Linux's
    /// `new_encode_dev`, which `mknod(2)` takes).
    pub const fn from_raw(dev: u64) -> DevId {
        let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff);
        let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0xff);
        DevId {
            major: major as u32,
            minor: minor as u32,
        }
    }

    /// Encodes as the user-visible `dev_t` (inverse of [`DevId::from_raw`]).
    pub const fn to_raw(self) -> u64 {
        let (ma, mi) = (self.major as u64, self.minor as u64);
        ((ma & 0xffff_f000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffff_ff00) << 12) | (mi & 0xff)
    }
}

/// A point in time (seconds and nanoseconds since the epoch, or since boot
/// when the kernel has no wall clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Timespec {
    /// Seconds.
    pub sec: i64,
    /// Nanoseconds, `0..1_000_000_000`.
    pub nsec: u32,
}

/// Everything `stat`/`statx` report about an inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// Device of the file system holding the inode.
    pub dev: DevId,
    /// Inode number, unique within `dev`.
    pub ino: u64,
    /// Type bits (`S_IFMT`) and permission bits.
    pub mode: u32,
    /// Number of hard links.
    pub nlink: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Device this node stands for (device nodes only).
    pub rdev: DevId,
    /// Size in bytes (symlinks: length of the target).
    pub size: u64,
    /// Preferred I/O size.
    pub blksize: u32,
    /// Allocated space in 512-byte units.
    pub blocks: u64,
    /// Last access.
    pub atime: Timespec,
    /// Last modification of the contents.
    pub mtime: Timespec,
    /// Last change of the attributes.
    pub ctime: Timespec,
}

impl Metadata {
    /// The file type from [`Metadata::mode`] (`Regular` if the bits are invalid).
    pub fn file_type(&self) -> FileType {
        FileType::from_mode(self.mode).unwrap_or(FileType::Regular)
    }

    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.file_type() == FileType::Directory
    }

    /// Attributes of a new inode: the given type and permissions, owner,
    /// one link, times set to `now`, everything else zero.
    pub fn new(ino: u64, ty: FileType, perm: u32, uid: u32, gid: u32, now: Timespec) -> Metadata {
        Metadata {
            dev: DevId::default(),
            ino,
            mode: ty.mode_bits() | (perm & PERM_MASK),
            nlink: 1,
            uid,
            gid,
            rdev: DevId::default(),
            size: 0,
            blksize: 4096,
            blocks: 0,
            atime: now,
            mtime: now,
            ctime: now,
        }
    }
}

/// How a timestamp changes in [`SetAttr`] (`utimensat`'s `UTIME_NOW` and
/// `UTIME_OMIT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TimeChange {
    /// Leave unchanged (`UTIME_OMIT`).
    #[default]
    Omit,
    /// Set to the current time (`UTIME_NOW`, or a NULL `times` argument).
    Now,
    /// Set to this value.
    Set(Timespec),
}

/// Attribute changes for `chmod`, `chown` and `utimensat`. `None` and
/// `Omit` fields stay unchanged. The VFS checks permissions before an
/// inode sees this; the inode also updates `ctime`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetAttr {
    /// New permission bits (`07777`; type bits are ignored).
    pub mode: Option<u32>,
    /// New owner.
    pub uid: Option<u32>,
    /// New group.
    pub gid: Option<u32>,
    /// New access time.
    pub atime: TimeChange,
    /// New modification time.
    pub mtime: TimeChange,
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn dev_encoding_matches_makedev() {
        // makedev(1, 3) == 0x103; makedev(4, 64) == 0x440.
        assert_eq!(DevId::new(1, 3).to_raw(), 0x103);
        assert_eq!(DevId::new(4, 64).to_raw(), 0x440);
        let big = DevId::new(0x12345, 0xabcdef);
        assert_eq!(DevId::from_raw(big.to_raw()), big);
    }

    #[test]
    fn file_type_round_trip() {
        for ty in [
            FileType::Regular,
            FileType::Directory,
            FileType::Symlink,
            FileType::CharDevice,
            FileType::BlockDevice,
            FileType::Fifo,
            FileType::Socket,
        ] {
            assert_eq!(FileType::from_mode(ty.mode_bits() | 0o644), Some(ty));
        }
        assert_eq!(FileType::from_mode(0o644), None);
    }
}
