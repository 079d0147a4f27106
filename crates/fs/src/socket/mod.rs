//! Sockets. Only the local family so far: AF_UNIX stream, datagram and
//! seqpacket sockets ([`unix`]). A socket is an open file like a pipe end:
//! its buffers are bounded, a blocked sender or receiver is a parked task,
//! and its readiness goes through `FileOps::poll_ready` like every file's
//! (docs/events.md).

pub mod unix;
