//! Copies to and from user memory that survive bad addresses.
//!
//! Each access that may fault is one instruction listed in the exception
//! table (`.ex_table`: pairs of instruction and fixup addresses). A page
//! fault at such an instruction resumes at its fixup, which reports how much
//! was left undone; the caller (`mm`) then resolves the fault (demand
//! paging, copy-on-write) or returns EFAULT. No page fault in kernel mode is
//! resolved inside the trap handler.
//!
//! All functions check that the whole range lies in the user half, so no
//! argument can make them touch kernel memory.

use core::arch::global_asm;

use crate::user::USER_TOP;

/// A user access faulted; `remaining` bytes were not copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    /// First address that could not be accessed (page-exact at worst).
    pub addr: usize,
}

fn user_range_ok(addr: usize, len: usize) -> bool {
    addr.checked_add(len).is_some_and(|end| end <= USER_TOP)
}

unsafe extern "C" {
    /// Copies `len` bytes; returns the number NOT copied (0 on success).
    fn user_copy_raw(dst: *mut u8, src: *const u8, len: usize) -> usize;
    /// Compare-and-exchange on a user u32. Returns 0 and the old value in
    /// `*old_out`, or 1 on fault.
    fn user_cmpxchg_u32_raw(addr: *mut u32, expected: u32, new: u32, old_out: *mut u32) -> u64;
    static __ex_table_start: u64;
    static __ex_table_end: u64;
}

global_asm!(
    r#"
    .global user_copy_raw
    .type user_copy_raw, @function
user_copy_raw:
    mov rcx, rdx
1:  rep movsb
    xor eax, eax
    ret
2:  mov rax, rcx
    ret
    .pushsection .ex_table, "a"
    .quad 1b, 2b
    .popsection

    .global user_cmpxchg_u32_raw
    .type user_cmpxchg_u32_raw, @function
user_cmpxchg_u32_raw:
    mov eax, esi
3:  lock cmpxchg [rdi], edx
    mov [rcx], eax
    xor eax, eax
    ret
4:  mov eax, 1
    ret
    .pushsection .ex_table, "a"
    .quad 3b, 4b
    .popsection
"#
);

/// The fixup address for a faulting instruction, if it is a user access.
pub(crate) fn fixup_for(rip: u64) -> Option<u64> {
    // SAFETY: the linker script brackets `.ex_table` with these symbols;
    // the section holds (instruction, fixup) u64 pairs emitted above.
    let table = unsafe {
        let start = &__ex_table_start as *const u64;
        let end = &__ex_table_end as *const u64;
        core::slice::from_raw_parts(start, (end as usize - start as usize) / 8)
    };
    table.chunks_exact(2).find(|pair| pair[0] == rip).map(|pair| pair[1])
}

/// Copies `dst.len()` bytes from user address `src`.
pub fn copy_from_user(dst: &mut [u8], src: usize) -> Result<(), Fault> {
    if !user_range_ok(src, dst.len()) {
        return Err(Fault { addr: src });
    }
    // SAFETY: the source range is in the user half (checked), so a bad
    // address faults into the fixup instead of reading kernel memory; the
    // destination is a valid Rust slice. The caller's address space is the
    // active one (mm guarantees this for every copy).
    let left = unsafe { user_copy_raw(dst.as_mut_ptr(), src as *const u8, dst.len()) };
    if left == 0 { Ok(()) } else { Err(Fault { addr: src + dst.len() - left }) }
}

/// Copies `src` to user address `dst`.
pub fn copy_to_user(dst: usize, src: &[u8]) -> Result<(), Fault> {
    if !user_range_ok(dst, src.len()) {
        return Err(Fault { addr: dst });
    }
    // SAFETY: as in copy_from_user, with the roles swapped: the written
    // range is entirely in the user half.
    let left = unsafe { user_copy_raw(dst as *mut u8, src.as_ptr(), src.len()) };
    if left == 0 { Ok(()) } else { Err(Fault { addr: dst + src.len() - left }) }
}

/// Fills `len` bytes at user address `dst` with zeros.
pub fn zero_user(dst: usize, len: usize) -> Result<(), Fault> {
    const ZEROS: [u8; 256] = [0; 256];
    let mut done = 0;
    while done < len {
        let n = (len - done).min(ZEROS.len());
        copy_to_user(dst + done, &ZEROS[..n])?;
        done += n;
    }
    Ok(())
}

/// Atomically replaces the u32 at user address `addr` with `new` if it
/// equals `expected`; returns the value found.
pub fn cmpxchg_user_u32(addr: usize, expected: u32, new: u32) -> Result<u32, Fault> {
    if addr % 4 != 0 || !user_range_ok(addr, 4) {
        return Err(Fault { addr });
    }
    let mut old = 0u32;
    // SAFETY: aligned, in the user half (checked); faults go to the fixup.
    let failed = unsafe { user_cmpxchg_u32_raw(addr as *mut u32, expected, new, &mut old) };
    if failed == 0 { Ok(old) } else { Err(Fault { addr }) }
}
