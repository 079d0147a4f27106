//! `struct sockaddr_un`: a path, an abstract name, or nothing.

use alloc::vec::Vec;

use abi::{Errno, KResult};

pub const AF_UNIX: u16 = 1;
/// `offsetof(struct sockaddr_un, sun_path)`.
const PATH_OFFSET: usize = 2;
/// `sizeof(struct sockaddr_un)`.
pub const SOCKADDR_UN_SIZE: usize = 110;

/// Where a unix socket is bound or connected.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnixAddr {
    /// Not bound (getsockname reports just the family).
    #[default]
    Unnamed,
    /// A file system path (without its terminating NUL).
    Path(Vec<u8>),
    /// An abstract name: the bytes after the leading NUL, which is part of
    /// no file system; names compare as their whole length.
    Abstract(Vec<u8>),
}

impl UnixAddr {
    /// Parses the `len` bytes a caller passed (Linux's `unix_validate_addr`
    /// and `unix_mkname`). `Ok(None)` for a bare family (`len == 2`), which
    /// `bind` turns into an autobind.
    pub fn parse(bytes: &[u8]) -> KResult<Option<UnixAddr>> {
        if bytes.len() < PATH_OFFSET || bytes.len() > SOCKADDR_UN_SIZE {
            return Err(Errno::EINVAL);
        }
        if u16::from_ne_bytes([bytes[0], bytes[1]]) != AF_UNIX {
            return Err(Errno::EINVAL);
        }
        let path = &bytes[PATH_OFFSET..];
        if path.is_empty() {
            return Ok(None);
        }
        if path[0] == 0 {
            return Ok(Some(UnixAddr::Abstract(path[1..].to_vec())));
        }
        let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
        Ok(Some(UnixAddr::Path(path[..end].to_vec())))
    }

    /// The bytes getsockname/getpeername/recvfrom report (their length is
    /// the address length): the family, then the path with its NUL, or the
    /// abstract name after a NUL.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = AF_UNIX.to_ne_bytes().to_vec();
        match self {
            UnixAddr::Unnamed => {}
            UnixAddr::Path(p) => {
                out.extend_from_slice(p);
                out.push(0);
            }
            UnixAddr::Abstract(name) => {
                out.push(0);
                out.extend_from_slice(name);
            }
        }
        out
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn sa(path: &[u8]) -> Vec<u8> {
        let mut v = AF_UNIX.to_ne_bytes().to_vec();
        v.extend_from_slice(path);
        v
    }

    #[test]
    fn parses_paths_abstract_names_and_autobind() {
        assert_eq!(UnixAddr::parse(&sa(b"/tmp/s\0garbage")), Ok(Some(UnixAddr::Path(b"/tmp/s".to_vec()))));
        assert_eq!(UnixAddr::parse(&sa(b"/tmp/s")), Ok(Some(UnixAddr::Path(b"/tmp/s".to_vec()))), "no NUL needed");
        assert_eq!(UnixAddr::parse(&sa(b"\0name\0x")), Ok(Some(UnixAddr::Abstract(b"name\0x".to_vec()))));
        assert_eq!(UnixAddr::parse(&sa(b"")), Ok(None));
        assert_eq!(UnixAddr::parse(&[1]), Err(Errno::EINVAL));
        assert_eq!(UnixAddr::parse(&[2, 0, b'x']), Err(Errno::EINVAL), "AF_INET");
        assert_eq!(UnixAddr::parse(&sa(&[b'a'; 109])), Err(Errno::EINVAL), "longer than sockaddr_un");
    }

    #[test]
    fn encodes_as_getsockname_reports() {
        assert_eq!(UnixAddr::Unnamed.encode(), sa(b""));
        assert_eq!(UnixAddr::Path(b"/a".to_vec()).encode(), sa(b"/a\0"));
        assert_eq!(UnixAddr::Abstract(b"n".to_vec()).encode(), sa(b"\0n"));
    }
}
