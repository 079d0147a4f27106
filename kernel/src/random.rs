//! The random source behind /dev/urandom, getrandom(2) and AT_RANDOM.
//!
//! xoshiro256** seeded at boot from the TSC and the RTC and stirred with
//! the TSC on every call. Not cryptographic: qemu64 has no RDRAND, and weft
//! has no entropy pool yet (docs/syscalls.md says so for getrandom).

use ksync::SpinLock;

static STATE: SpinLock<[u64; 4]> = SpinLock::new([0x9e37_79b9_7f4a_7c15, 0xbf58_476d_1ce4_e5b9, 0x94d0_49bb_1331_11eb, 0x2545_f491_4f6c_dd1d]);

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Seeds the generator (boot CPU, once).
pub fn init() {
    let mut seed = arch::cpu::rdtsc() ^ arch::time::boot_unix_ns().rotate_left(17);
    let mut s = STATE.lock();
    for word in s.iter_mut() {
        *word ^= splitmix(&mut seed);
    }
}

fn next(s: &mut [u64; 4]) -> u64 {
    let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    result
}

/// Fills `buf` with pseudo-random bytes.
pub fn fill(buf: &mut [u8]) {
    let mut s = STATE.lock();
    s[0] ^= arch::cpu::rdtsc();
    for chunk in buf.chunks_mut(8) {
        let v = next(&mut s).to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
}
