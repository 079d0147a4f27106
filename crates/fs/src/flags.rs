//! `open(2)` flags and `poll(2)` event bits as typed bit sets.

use abi::linux as l;
use bitflags::bitflags;

bitflags! {
    /// Flags of `open(2)` and of an open file description (`F_GETFL`).
    ///
    /// The access mode is the two low bits (`O_RDONLY` = 0, `O_WRONLY`,
    /// `O_RDWR`); read it with [`OpenFlags::readable`] and
    /// [`OpenFlags::writable`], not with `contains`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct OpenFlags: u32 {
        /// Write only.
        const WRONLY = l::O_WRONLY;
        /// Read and write.
        const RDWR = l::O_RDWR;
        /// Create if missing.
        const CREAT = l::O_CREAT;
        /// With `CREAT`: fail with EEXIST if the name exists.
        const EXCL = l::O_EXCL;
        /// Do not make a tty the controlling terminal.
        const NOCTTY = l::O_NOCTTY;
        /// Truncate a regular file opened for writing.
        const TRUNC = l::O_TRUNC;
        /// Every write appends.
        const APPEND = l::O_APPEND;
        /// Operations return EAGAIN instead of waiting.
        const NONBLOCK = l::O_NONBLOCK;
        /// Synchronous data writes (accepted, no effect on ramfs).
        const DSYNC = l::O_DSYNC;
        /// SIGIO-driven I/O (accepted, not implemented).
        const ASYNC = l::FASYNC;
        /// Direct I/O (accepted, no effect).
        const DIRECT = l::O_DIRECT;
        /// Large files (always on for x86_64).
        const LARGEFILE = l::O_LARGEFILE;
        /// Fail with ENOTDIR unless the target is a directory.
        const DIRECTORY = l::O_DIRECTORY;
        /// Fail with ELOOP if the last component is a symlink.
        const NOFOLLOW = l::O_NOFOLLOW;
        /// Do not update the access time.
        const NOATIME = l::O_NOATIME;
        /// Close on exec (a property of the fd, not of the description).
        const CLOEXEC = l::O_CLOEXEC;
        /// Synchronous writes (accepted, no effect).
        const SYNC = l::O_SYNC;
        /// A location-only file: no reads, writes or ioctls.
        const PATH = l::O_PATH;
    }
}

impl OpenFlags {
    /// The flags `F_SETFL` may change (Linux `SETFL_MASK`).
    pub const SETFL_MASK: OpenFlags = OpenFlags::APPEND
        .union(OpenFlags::NONBLOCK)
        .union(OpenFlags::ASYNC)
        .union(OpenFlags::DIRECT)
        .union(OpenFlags::NOATIME);

    /// Flags that only matter while opening and are not kept in the open
    /// file description (`F_GETFL` does not report them).
    pub const OPEN_ONLY: OpenFlags = OpenFlags::CREAT
        .union(OpenFlags::EXCL)
        .union(OpenFlags::NOCTTY)
        .union(OpenFlags::TRUNC)
        .union(OpenFlags::NOFOLLOW)
        .union(OpenFlags::CLOEXEC);

    /// The two access-mode bits.
    pub fn access_mode(self) -> u32 {
        self.bits() & l::O_ACCMODE
    }

    /// Whether the description may be read (`O_RDONLY` or `O_RDWR`, not `O_PATH`).
    pub fn readable(self) -> bool {
        !self.contains(OpenFlags::PATH) && matches!(self.access_mode(), l::O_RDONLY | l::O_RDWR)
    }

    /// Whether the description may be written (`O_WRONLY` or `O_RDWR`, not `O_PATH`).
    pub fn writable(self) -> bool {
        !self.contains(OpenFlags::PATH) && matches!(self.access_mode(), l::O_WRONLY | l::O_RDWR)
    }
}

bitflags! {
    /// Readiness bits of `poll(2)` (`revents`), equal to the `EPOLL*` bits.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct PollEvents: u32 {
        /// Data to read.
        const IN = l::POLLIN;
        /// Urgent data.
        const PRI = l::POLLPRI;
        /// Writing will not block.
        const OUT = l::POLLOUT;
        /// Error (always reported; e.g. a pipe's write end with no readers).
        const ERR = l::POLLERR;
        /// Hang-up (always reported; e.g. a pipe's read end with no writers).
        const HUP = l::POLLHUP;
        /// Invalid fd (always reported; set by the syscall layer).
        const NVAL = l::POLLNVAL;
        /// Normal data to read.
        const RDNORM = l::POLLRDNORM;
        /// Priority band data to read.
        const RDBAND = l::POLLRDBAND;
        /// Normal data may be written.
        const WRNORM = l::POLLWRNORM;
        /// Priority band data may be written.
        const WRBAND = l::POLLWRBAND;
        /// Peer closed its writing half.
        const RDHUP = l::POLLRDHUP;
    }
}

impl PollEvents {
    /// Readable: what a file reports when a read would not block.
    pub const READABLE: PollEvents = PollEvents::IN.union(PollEvents::RDNORM);
    /// Writable: what a file reports when a write would not block.
    pub const WRITABLE: PollEvents = PollEvents::OUT.union(PollEvents::WRNORM);
    /// Events reported whatever the interest (Linux adds them to every mask).
    pub const ALWAYS: PollEvents = PollEvents::ERR
        .union(PollEvents::HUP)
        .union(PollEvents::NVAL);
    /// `select` read set (Linux `POLLIN_SET`).
    pub const SELECT_READ: PollEvents = PollEvents::READABLE
        .union(PollEvents::RDBAND)
        .union(PollEvents::HUP)
        .union(PollEvents::ERR);
    /// `select` write set (Linux `POLLOUT_SET`).
    pub const SELECT_WRITE: PollEvents = PollEvents::WRITABLE
        .union(PollEvents::WRBAND)
        .union(PollEvents::ERR);
    /// `select` exception set (Linux `POLLEX_SET`).
    pub const SELECT_EXCEPT: PollEvents = PollEvents::PRI;
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn access_modes() {
        assert!(OpenFlags::empty().readable());
        assert!(!OpenFlags::empty().writable());
        assert!(OpenFlags::WRONLY.writable() && !OpenFlags::WRONLY.readable());
        assert!(OpenFlags::RDWR.writable() && OpenFlags::RDWR.readable());
        assert!(!(OpenFlags::RDWR | OpenFlags::PATH).readable());
        assert!(!OpenFlags::from_bits_retain(3).readable());
    }
}
