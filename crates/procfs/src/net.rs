//! `/proc/net`: what the network stack has, which is AF_UNIX sockets so
//! far (`/proc/net/unix`, in Linux's format).

use alloc::vec::Vec;
use core::fmt::Write;

use fs::socket::unix::{SocketType, UnixAddr, sockets};

use crate::node::{self, Maker};

const BASE: u64 = 0x200;

pub const NET: &[(&str, Maker)] = &[("unix", |c, _| node::file(c, BASE + 1, 0o444, || Ok(unix_text())))];

/// The inode number of /proc/net itself.
pub const NET_INO: u64 = BASE;

/// `/proc/net/unix`: one line per socket. Linux prints the kernel address
/// as 0 to unprivileged readers; weft always does.
pub fn unix_text() -> Vec<u8> {
    let mut s = alloc::string::String::from("Num       RefCount Protocol Flags    Type St Inode Path\n");
    for sock in sockets() {
        let flags = if sock.listening { 0x10000 } else { 0 };
        let kind = match sock.kind {
            SocketType::Stream => 1,
            SocketType::Dgram => 2,
            SocketType::SeqPacket => 5,
        };
        // SS_UNCONNECTED 1, SS_CONNECTED 3 (Linux's socket states).
        let state = if sock.connected { 3 } else { 1 };
        let _ = write!(s, "0000000000000000: 00000002 00000000 {flags:08X} {kind:04X} {state:02X} {:5}", sock.ino);
        match &sock.addr {
            UnixAddr::Unnamed => {}
            UnixAddr::Path(p) => {
                let _ = write!(s, " {}", core::str::from_utf8(p).unwrap_or("?"));
            }
            UnixAddr::Abstract(name) => {
                let _ = write!(s, " @{}", core::str::from_utf8(name).unwrap_or("?"));
            }
        }
        s.push('\n');
    }
    s.into_bytes()
}
