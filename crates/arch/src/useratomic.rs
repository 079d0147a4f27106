//! Single-instruction loads from user memory (futex words).
//!
//! `usercopy::copy_from_user` moves bytes with `rep movsb`, which may read a
//! u32 one byte at a time; a futex check must read the word in one access,
//! or it could see a value that never existed and sleep through a wake-up.
//! Same exception-table protocol as `usercopy`.

use core::arch::global_asm;

use crate::user::USER_TOP;
use crate::usercopy::Fault;

unsafe extern "C" {
    /// Loads the u32 at `addr` into `*out`. Returns 0, or 1 on fault.
    fn user_load_u32_raw(addr: *const u32, out: *mut u32) -> u64;
}

global_asm!(
    r#"
    .pushsection .text
    .global user_load_u32_raw
    .type user_load_u32_raw, @function
user_load_u32_raw:
1:  mov eax, dword ptr [rdi]
    mov dword ptr [rsi], eax
    xor eax, eax
    ret
2:  mov eax, 1
    ret
    .pushsection .ex_table, "a"
    .quad 1b, 2b
    .popsection
    .popsection
"#
);

/// Reads the aligned u32 at user address `addr` with one load.
pub fn load_user_u32(addr: usize) -> Result<u32, Fault> {
    if addr % 4 != 0 || addr.checked_add(4).is_none_or(|end| end > USER_TOP) {
        return Err(Fault { addr });
    }
    let mut value = 0u32;
    // SAFETY: (1) `addr..addr+4` is aligned and lies in the user half
    // (checked), so the load cannot reach kernel memory, and a fault at it
    // resumes at the fixup through the exception table (`trap.rs`);
    // (2) `value` is a valid, exclusive u32 on our stack.
    let failed = unsafe { user_load_u32_raw(addr as *const u32, &mut value) };
    if failed == 0 { Ok(value) } else { Err(Fault { addr }) }
}
