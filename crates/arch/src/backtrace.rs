//! Symbolized backtraces for panics and fatal traps.
//!
//! The kernel is built with frame pointers, so the chain `rbp -> [saved
//! rbp, return address]` gives the call stack. Names come from `.ksyms`, a
//! section the linker reserves (zero-filled) and `xtask` fills after linking
//! with the sorted function symbols of the final ELF:
//!
//! ```text
//! "KSYMTAB1" | count: u64 | names_len: u64
//! count × { addr: u64, name_off: u32, name_len: u32 }   (sorted by addr)
//! names (demangled, UTF-8)
//! ```

use core::arch::global_asm;
use core::fmt::Write;

use crate::serial::SerialWriter;

/// Bytes reserved for the symbol table.
pub const KSYMS_SIZE: usize = 2 * 1024 * 1024;
const MAGIC: &[u8; 8] = b"KSYMTAB1";
const MAX_FRAMES: usize = 48;

global_asm!(
    r#"
    .section .ksyms, "a"
    .p2align 12
    .global __ksyms
__ksyms:
    .zero {size}
    .text
"#,
    size = const KSYMS_SIZE,
);

unsafe extern "C" {
    static __ksyms: [u8; KSYMS_SIZE];
    static __text_start: u8;
    static __text_end: u8;
}

fn table() -> &'static [u8] {
    // SAFETY: `__ksyms` is a read-only, KSYMS_SIZE-byte section of the
    // kernel image, written only by xtask before boot.
    unsafe { &*core::ptr::addr_of!(__ksyms) }
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

/// The function containing `addr` and the offset into it, if known.
pub fn symbolize(addr: usize) -> Option<(&'static str, usize)> {
    let t = table();
    if &t[..8] != MAGIC {
        return None;
    }
    let count = read_u64(t, 8) as usize;
    let entries = 24;
    let names = entries + count * 16;
    let entry = |i: usize| {
        let at = entries + i * 16;
        (read_u64(t, at) as usize, read_u32(t, at + 8) as usize, read_u32(t, at + 12) as usize)
    };
    // Last entry whose address is <= addr.
    let (mut lo, mut hi) = (0, count);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if entry(mid).0 <= addr { lo = mid + 1 } else { hi = mid }
    }
    if lo == 0 {
        return None;
    }
    let (start, off, len) = entry(lo - 1);
    let name = core::str::from_utf8(t.get(names + off..names + off + len)?).ok()?;
    Some((name, addr - start))
}

fn text_range() -> (usize, usize) {
    // SAFETY: only the addresses of linker-script symbols are taken.
    unsafe { (&__text_start as *const u8 as usize, &__text_end as *const u8 as usize) }
}

/// Whether `rbp` could be a frame pointer we may dereference: kernel half,
/// aligned, not the boot stack's guard page.
fn plausible_frame(rbp: usize) -> bool {
    rbp >= crate::PHYS_OFFSET
        && rbp % 8 == 0
        && !crate::paging::is_boot_stack_guard(rbp)
        && !crate::paging::is_boot_stack_guard(rbp + 8)
}

/// Prints a backtrace that starts at `rip` with frame pointer `rbp`.
pub fn print_from(rip: usize, mut rbp: usize) {
    let mut out = SerialWriter;
    let _ = writeln!(out, "backtrace:");
    print_frame(&mut out, 0, rip);
    let (text_start, text_end) = text_range();
    for depth in 1..MAX_FRAMES {
        if !plausible_frame(rbp) {
            break;
        }
        // SAFETY: rbp is a kernel-half, aligned address outside stack guard
        // pages that the frame-pointer chain led to; kernel stacks and the
        // direct map are mapped, so reading two words is sound in practice.
        // This runs only on the way to a panic halt.
        let (next, ret) = unsafe { (*(rbp as *const usize), *((rbp + 8) as *const usize)) };
        if !(text_start..text_end).contains(&ret) {
            break;
        }
        print_frame(&mut out, depth, ret);
        if next <= rbp {
            break;
        }
        rbp = next;
    }
}

/// Prints the backtrace of the caller.
#[inline(never)]
pub fn print_here() {
    let (rip, rbp): (usize, usize);
    // SAFETY: reads rip and rbp.
    unsafe { core::arch::asm!("lea {}, [rip]", "mov {}, rbp", out(reg) rip, out(reg) rbp, options(nomem, nostack)) };
    print_from(rip, rbp);
}

/// Fills `out` with return addresses, innermost first, starting with the
/// one into the caller of `capture`; returns how many were written. For
/// reports that are not fatal (lockdep), so it stops at anything odd.
#[inline(never)]
pub fn capture(out: &mut [usize]) -> usize {
    let mut rbp: usize;
    // SAFETY: reads rbp.
    unsafe { core::arch::asm!("mov {}, rbp", out(reg) rbp, options(nomem, nostack, preserves_flags)) };
    let (text_start, text_end) = text_range();
    let mut n = 0;
    while n < out.len() && plausible_frame(rbp) {
        // SAFETY: as in `print_from`: rbp came from the frame-pointer chain
        // of this very call stack (every stack starts with rbp = 0, and
        // entries from user mode never let a user rbp into the chain), so it
        // points at a saved (rbp, return address) pair on a mapped stack.
        let (next, ret) = unsafe { (*(rbp as *const usize), *((rbp + 8) as *const usize)) };
        if !(text_start..text_end).contains(&ret) {
            break;
        }
        out[n] = ret;
        n += 1;
        // Frames only grow towards the stack's top, and never by more than
        // a stack's size: anything else is not a frame chain.
        if next <= rbp || next - rbp > crate::paging::KSTACK_SLOT_SIZE {
            break;
        }
        rbp = next;
    }
    n
}

/// Prints addresses saved by [`capture`], one symbolized frame a line.
pub fn print_addrs(addrs: &[usize]) {
    let mut out = SerialWriter;
    for (depth, &addr) in addrs.iter().enumerate() {
        print_frame(&mut out, depth, addr);
    }
}

fn print_frame(out: &mut SerialWriter, depth: usize, addr: usize) {
    match symbolize(addr) {
        Some((name, off)) => {
            let _ = writeln!(out, "  #{depth:<2} {addr:#018x} {name}+{off:#x}");
        }
        None => {
            let _ = writeln!(out, "  #{depth:<2} {addr:#018x} ?");
        }
    }
}
