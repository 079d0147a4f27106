//! [`Ring`]: a pipe's contents as Linux keeps them, a ring of page-sized
//! buffers ("slots").
//!
//! Linux bounds a pipe by the number of buffers, not bytes: a write merges
//! into the last buffer while it has room, and otherwise takes a new slot.
//! A packet-mode write (`O_DIRECT`, Linux `is_packetized`) never merges and
//! puts each `PIPE_BUF`-sized piece in its own buffer, and a read of a
//! packet ends there, dropping what the reader's buffer could not hold.
//! The slot count is what `F_SETPIPE_SZ` changes and what makes a shrink
//! fail with EBUSY.

use alloc::collections::VecDeque;

/// Bytes in one buffer (Linux: a page).
pub const SLOT_BYTES: usize = 4096;

/// One buffer of the ring.
struct Slot {
    /// Bytes still queued in it.
    len: usize,
    /// Page bytes used so far: consumed + queued (Linux `offset + len`);
    /// a merge needs room after them.
    used: usize,
    /// Written in packet mode: read as one unit, never merged into.
    packet: bool,
}

pub struct Ring {
    bytes: VecDeque<u8>,
    slots: VecDeque<Slot>,
    /// Capacity in slots (Linux `max_usage`).
    capacity: usize,
}

impl Ring {
    pub fn new(capacity: usize) -> Ring {
        Ring { bytes: VecDeque::new(), slots: VecDeque::new(), capacity }
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Capacity in slots.
    pub fn capacity(&self) -> usize {
        self.capacity
    }


    /// Whether every slot is taken (Linux `pipe_full`): no new buffer.
    pub fn is_full(&self) -> bool {
        self.slots.len() >= self.capacity
    }

    /// Sets the capacity; `false` (Linux: EBUSY) when more slots are in use.
    pub fn resize(&mut self, capacity: usize) -> bool {
        if capacity < self.slots.len() {
            return false;
        }
        self.capacity = capacity;
        true
    }

    /// Whether an atomic write of `len` (at most `PIPE_BUF`) fits whole:
    /// in the last buffer's room or in one new slot.
    pub fn fits_atomic(&self, len: usize, packet: bool) -> bool {
        self.merge_room(packet) >= len % SLOT_BYTES && len % SLOT_BYTES != 0 || !self.is_full()
    }

    /// Room after the last buffer's bytes, when a write may merge there.
    fn merge_room(&self, packet: bool) -> usize {
        match self.slots.back() {
            Some(last) if !packet && !last.packet => SLOT_BYTES - last.used,
            _ => 0,
        }
    }

    /// Queues as much of `data` as fits and returns the count. As Linux's
    /// pipe_write: the part past whole pages merges into the last buffer
    /// when all of it fits there, the rest fills new slots a page each.
    /// The memory is taken as it is filled (a pipe may be resized up to
    /// pipe-max-size): when the heap has none, the count stops short, and
    /// a write that queued nothing is ENOMEM for the caller.
    pub fn write(&mut self, data: &[u8], packet: bool) -> usize {
        let mut done = 0;
        let tail = data.len() % SLOT_BYTES;
        if tail != 0 && self.merge_room(packet) >= tail && self.bytes.try_reserve(tail).is_ok() {
            if let Some(last) = self.slots.back_mut() {
                last.len += tail;
                last.used += tail;
                self.bytes.extend(&data[..tail]);
                done = tail;
            }
        }
        while done < data.len() && !self.is_full() {
            let n = (data.len() - done).min(SLOT_BYTES);
            if self.slots.try_reserve(1).is_err() || self.bytes.try_reserve(n).is_err() {
                break;
            }
            self.slots.push_back(Slot { len: n, used: n, packet });
            self.bytes.extend(&data[done..done + n]);
            done += n;
        }
        done
    }

    /// Moves queued bytes into `buf` and returns the count. A packet ends
    /// the read, and what of it did not fit is discarded.
    pub fn read(&mut self, buf: &mut [u8]) -> usize {
        let mut done = 0;
        while done < buf.len() {
            let Some(front) = self.slots.front_mut() else { break };
            let n = front.len.min(buf.len() - done);
            for (dst, src) in buf[done..done + n].iter_mut().zip(self.bytes.drain(..n)) {
                *dst = src;
            }
            done += n;
            front.len -= n;
            let packet = front.packet;
            if packet && front.len > 0 {
                let rest = front.len;
                self.bytes.drain(..rest);
                front.len = 0;
            }
            if front.len == 0 {
                self.slots.pop_front();
            }
            if packet {
                break;
            }
        }
        done
    }
}
