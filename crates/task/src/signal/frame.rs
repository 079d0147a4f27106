//! The signal frame a handler runs on, laid out as Linux's x86_64
//! `struct rt_sigframe` (arch/x86/include/asm/sigframe.h), so musl's and
//! glibc's handlers, `ucontext` readers and `rt_sigreturn` all work:
//!
//! ```text
//! frame+0    pretcode       return address of the handler = sa_restorer
//! frame+8    ucontext       uc_flags, uc_link, uc_stack, uc_mcontext
//!                           (struct sigcontext, 256 bytes), uc_sigmask
//! frame+312  siginfo        128 bytes
//! ...        FPU state      FXSAVE/XSAVE image, 64-byte aligned, above
//! ```
//!
//! The frame is built as bytes here and copied to the user stack by the
//! kernel; `rt_sigreturn` parses a ucontext back. Nothing read back is
//! trusted: the kernel sanitizes segments and flags before returning to
//! user mode.

use alloc::vec;
use alloc::vec::Vec;

use super::info::SigInfo;
use super::set::SigSet;

/// Size of `struct rt_sigframe` without the FPU state.
pub const FRAME_SIZE: usize = 440;
const UCONTEXT_OFFSET: usize = 8;
pub const UCONTEXT_SIZE: usize = 304;
const MCONTEXT_OFFSET: usize = 40; // within ucontext
const SIGMASK_OFFSET: usize = 296; // within ucontext
const SIGINFO_OFFSET: usize = 312;
/// The x86_64 ABI's red zone below the stack pointer.
const RED_ZONE: u64 = 128;

const UC_FP_XSTATE: u64 = 1;
const UC_SIGCONTEXT_SS: u64 = 2;
const UC_STRICT_RESTORE_SS: u64 = 4;
const FP_XSTATE_MAGIC1: u32 = 0x4650_5853;
const FP_XSTATE_MAGIC2: u32 = 0x4650_5845;

/// sigaltstack's ss_flags.
pub const SS_ONSTACK: i32 = 1;
pub const SS_DISABLE: i32 = 2;
pub const SS_AUTODISARM: i32 = 1 << 31;

/// The registers a signal frame saves (`struct sigcontext` order is
/// applied when encoding).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Registers {
    pub r8: u64,
    pub r9: u64,
    pub r10: u64,
    pub r11: u64,
    pub r12: u64,
    pub r13: u64,
    pub r14: u64,
    pub r15: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rbp: u64,
    pub rbx: u64,
    pub rdx: u64,
    pub rax: u64,
    pub rcx: u64,
    pub rsp: u64,
    pub rip: u64,
    pub rflags: u64,
    pub cs: u16,
    pub ss: u16,
    pub err: u64,
    pub trapno: u64,
    pub cr2: u64,
}

/// An alternate signal stack (`stack_t`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AltStack {
    pub sp: u64,
    pub flags: i32,
    pub size: u64,
}

impl AltStack {
    /// Whether `rsp` is on this alternate stack.
    pub fn contains(&self, rsp: u64) -> bool {
        self.flags & SS_DISABLE == 0 && self.size != 0 && rsp > self.sp && rsp - self.sp <= self.size
    }

    /// The flags sigaltstack reports for a thread now at `rsp`.
    pub fn reported_flags(&self, rsp: u64) -> i32 {
        if self.size == 0 || self.flags & SS_DISABLE != 0 {
            SS_DISABLE
        } else if self.contains(rsp) {
            SS_ONSTACK
        } else {
            self.flags & SS_AUTODISARM
        }
    }
}

/// Everything needed to build a frame.
pub struct FrameRequest<'a> {
    pub regs: Registers,
    pub info: SigInfo,
    /// The mask to restore at rt_sigreturn (the one before delivery).
    pub saved_mask: SigSet,
    pub altstack: AltStack,
    /// Switch to the alternate stack (SA_ONSTACK and not already on it).
    pub use_altstack: bool,
    pub restorer: u64,
    /// The thread's FPU image (FXSAVE layout, XSAVE layout when `xsave`).
    pub fpu: &'a [u8],
    pub xsave: bool,
    /// XCR0 features in the image (for the XSAVE software bytes).
    pub xfeatures: u64,
}

/// A frame ready to copy to user memory at `addr`.
pub struct Frame {
    /// The new stack pointer: the frame starts here.
    pub addr: u64,
    pub bytes: Vec<u8>,
    pub siginfo_addr: u64,
    pub ucontext_addr: u64,
}

/// Builds the frame (Linux's `get_sigframe` + `x64_setup_rt_frame`).
pub fn build(req: &FrameRequest<'_>) -> Frame {
    let mut sp = req.regs.rsp - RED_ZONE;
    if req.use_altstack {
        sp = req.altstack.sp + req.altstack.size;
    }
    let fpu_len = req.fpu.len() + if req.xsave { 4 } else { 0 };
    let fpstate = (sp - fpu_len as u64) & !63;
    let frame = ((fpstate - FRAME_SIZE as u64) & !15) - 8;
    let mut bytes = vec![0u8; (fpstate + fpu_len as u64 - frame) as usize];
    let put = |b: &mut Vec<u8>, at: usize, v: &[u8]| b[at..at + v.len()].copy_from_slice(v);

    put(&mut bytes, 0, &req.restorer.to_le_bytes());
    let uc = UCONTEXT_OFFSET;
    let uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | if req.xsave { UC_FP_XSTATE } else { 0 };
    put(&mut bytes, uc, &uc_flags.to_le_bytes());
    put(&mut bytes, uc + 16, &req.altstack.sp.to_le_bytes());
    put(&mut bytes, uc + 24, &req.altstack.reported_flags(req.regs.rsp).to_le_bytes());
    put(&mut bytes, uc + 32, &req.altstack.size.to_le_bytes());
    let mc = uc + MCONTEXT_OFFSET;
    put(&mut bytes, mc, &encode_sigcontext(&req.regs, req.saved_mask, fpstate));
    put(&mut bytes, uc + SIGMASK_OFFSET, &req.saved_mask.0.to_le_bytes());
    put(&mut bytes, SIGINFO_OFFSET, &req.info.to_bytes());

    let fp = (fpstate - frame) as usize;
    put(&mut bytes, fp, req.fpu);
    if req.xsave && req.fpu.len() >= 512 {
        // The software-reserved bytes of the FXSAVE area say an XSAVE
        // image follows (struct _fpx_sw_bytes).
        put(&mut bytes, fp + 464, &FP_XSTATE_MAGIC1.to_le_bytes());
        put(&mut bytes, fp + 468, &(fpu_len as u32).to_le_bytes());
        put(&mut bytes, fp + 472, &req.xfeatures.to_le_bytes());
        put(&mut bytes, fp + 480, &(req.fpu.len() as u32).to_le_bytes());
        put(&mut bytes, fp + req.fpu.len(), &FP_XSTATE_MAGIC2.to_le_bytes());
    }
    Frame {
        addr: frame,
        bytes,
        siginfo_addr: frame + SIGINFO_OFFSET as u64,
        ucontext_addr: frame + UCONTEXT_OFFSET as u64,
    }
}

fn encode_sigcontext(r: &Registers, mask: SigSet, fpstate: u64) -> [u8; 256] {
    let mut b = [0u8; 256];
    let words = [
        r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rdi, r.rsi, r.rbp, r.rbx, r.rdx, r.rax, r.rcx,
        r.rsp, r.rip, r.rflags,
    ];
    for (i, w) in words.iter().enumerate() {
        b[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    b[144..146].copy_from_slice(&r.cs.to_le_bytes());
    // gs and fs selectors (146, 148) stay 0.
    b[150..152].copy_from_slice(&r.ss.to_le_bytes());
    b[152..160].copy_from_slice(&r.err.to_le_bytes());
    b[160..168].copy_from_slice(&r.trapno.to_le_bytes());
    b[168..176].copy_from_slice(&mask.0.to_le_bytes()); // oldmask
    b[176..184].copy_from_slice(&r.cr2.to_le_bytes());
    b[184..192].copy_from_slice(&fpstate.to_le_bytes());
    b
}

/// What rt_sigreturn restores, parsed from a user ucontext.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restored {
    pub regs: Registers,
    pub mask: SigSet,
    pub altstack: AltStack,
    /// Where the FPU image is (0: none saved).
    pub fpstate: u64,
    /// The image is XSAVE-format (uc_flags UC_FP_XSTATE).
    pub xsave: bool,
}

/// Parses the 304-byte ucontext found at `rsp` when the handler returned
/// into the restorer (Linux: the frame starts one word below).
pub fn parse_ucontext(uc: &[u8; UCONTEXT_SIZE]) -> Restored {
    let word = |at: usize| u64::from_le_bytes(uc[at..at + 8].try_into().unwrap());
    let half = |at: usize| u16::from_le_bytes(uc[at..at + 2].try_into().unwrap());
    let mc = MCONTEXT_OFFSET;
    let w = |i: usize| word(mc + i * 8);
    let regs = Registers {
        r8: w(0),
        r9: w(1),
        r10: w(2),
        r11: w(3),
        r12: w(4),
        r13: w(5),
        r14: w(6),
        r15: w(7),
        rdi: w(8),
        rsi: w(9),
        rbp: w(10),
        rbx: w(11),
        rdx: w(12),
        rax: w(13),
        rcx: w(14),
        rsp: w(15),
        rip: w(16),
        rflags: w(17),
        cs: half(mc + 144),
        ss: half(mc + 150),
        err: word(mc + 152),
        trapno: word(mc + 160),
        cr2: word(mc + 176),
    };
    Restored {
        regs,
        mask: SigSet(word(SIGMASK_OFFSET)).blockable(),
        altstack: AltStack {
            sp: word(16),
            flags: i32::from_le_bytes(uc[24..28].try_into().unwrap()),
            size: word(32),
        },
        fpstate: word(mc + 184),
        xsave: word(0) & UC_FP_XSTATE != 0,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn request(fpu: &[u8]) -> FrameRequest<'_> {
        FrameRequest {
            regs: Registers { rsp: 0x7fff_f000, rip: 0x401234, rax: 7, rflags: 0x246, cs: 0x33, ss: 0x2b, ..Default::default() },
            info: SigInfo::user(10, 42, 0),
            saved_mask: SigSet(0x5),
            altstack: AltStack { sp: 0, flags: SS_DISABLE, size: 0 },
            use_altstack: false,
            restorer: 0x400100,
            fpu,
            xsave: false,
            xfeatures: 3,
        }
    }

    #[test]
    fn frame_is_aligned_like_after_a_call_and_below_the_red_zone() {
        let fpu = [0u8; 512];
        let f = build(&request(&fpu));
        assert_eq!((f.addr + 8) % 16, 0);
        assert!(f.addr + f.bytes.len() as u64 <= 0x7fff_f000 - 128);
        assert_eq!(u64::from_le_bytes(f.bytes[0..8].try_into().unwrap()), 0x400100);
        assert_eq!(i32::from_le_bytes(f.bytes[312..316].try_into().unwrap()), 10);
    }

    #[test]
    fn ucontext_round_trips() {
        let fpu = [0u8; 512];
        let req = request(&fpu);
        let f = build(&req);
        let uc: &[u8; UCONTEXT_SIZE] = f.bytes[8..8 + UCONTEXT_SIZE].try_into().unwrap();
        let r = parse_ucontext(uc);
        assert_eq!(r.regs, req.regs);
        assert_eq!(r.mask, SigSet(0x5));
        assert!(r.fpstate >= f.addr + FRAME_SIZE as u64 && r.fpstate % 64 == 0);
    }

    #[test]
    fn altstack_is_used_when_asked() {
        let fpu = [0u8; 512];
        let mut req = request(&fpu);
        req.altstack = AltStack { sp: 0x5000_0000, flags: 0, size: 0x4000 };
        req.use_altstack = true;
        let f = build(&req);
        assert!(f.addr > 0x5000_0000 && f.addr < 0x5000_4000);
    }

    #[test]
    fn parsed_mask_never_blocks_kill_or_stop() {
        let mut uc = [0u8; UCONTEXT_SIZE];
        uc[SIGMASK_OFFSET..SIGMASK_OFFSET + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        let r = parse_ucontext(&uc);
        assert!(!r.mask.contains(super::super::SIGKILL) && !r.mask.contains(super::super::SIGSTOP));
    }
}
