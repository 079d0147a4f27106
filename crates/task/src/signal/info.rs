//! `siginfo_t`: why a signal was sent, in Linux's 128-byte layout.

/// si_code values (include/uapi/asm-generic/siginfo.h).
pub mod code {
    pub const SI_USER: i32 = 0;
    pub const SI_KERNEL: i32 = 0x80;
    pub const SI_QUEUE: i32 = -1;
    pub const SI_TIMER: i32 = -2;
    pub const SI_MESGQ: i32 = -3;
    pub const SI_TKILL: i32 = -6;
    pub const SEGV_MAPERR: i32 = 1;
    pub const SEGV_ACCERR: i32 = 2;
    pub const BUS_ADRERR: i32 = 2;
    pub const ILL_ILLOPN: i32 = 2;
    pub const FPE_INTDIV: i32 = 1;
    pub const FPE_FLTINV: i32 = 7;
    pub const TRAP_BRKPT: i32 = 1;
    pub const CLD_EXITED: i32 = 1;
    pub const CLD_KILLED: i32 = 2;
    pub const CLD_DUMPED: i32 = 3;
    pub const CLD_STOPPED: i32 = 5;
    pub const CLD_CONTINUED: i32 = 6;
}

/// The fields of a siginfo that weft fills; which are meaningful depends
/// on the signal and code, as in Linux's union.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigInfo {
    pub signo: u32,
    pub errno: i32,
    pub code: i32,
    /// Sender pid (kill, sigqueue, SIGCHLD).
    pub pid: i32,
    pub uid: u32,
    /// sigqueue value, or SIGCHLD's exit status.
    pub value: u64,
    /// SIGCHLD: status, user and system time in clock ticks.
    pub status: i32,
    pub utime: i64,
    pub stime: i64,
    /// Fault address (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP).
    pub addr: u64,
}

impl SigInfo {
    /// A signal sent by kill(2) from `pid`.
    pub fn user(signo: u32, pid: i32, uid: u32) -> Self {
        Self { signo, code: code::SI_USER, pid, uid, ..Self::default() }
    }

    /// A signal sent by tkill/tgkill.
    pub fn tkill(signo: u32, pid: i32, uid: u32) -> Self {
        Self { signo, code: code::SI_TKILL, pid, uid, ..Self::default() }
    }

    /// A signal the kernel raises (SIGPIPE, SIGTTIN...).
    pub fn kernel(signo: u32) -> Self {
        Self { signo, code: code::SI_KERNEL, ..Self::default() }
    }

    /// A fault at `addr` with code `code`.
    pub fn fault(signo: u32, code: i32, addr: u64) -> Self {
        Self { signo, code, addr, ..Self::default() }
    }

    fn is_fault(&self) -> bool {
        use super::*;
        self.code > 0 && self.code < code::SI_KERNEL && matches!(self.signo, SIGSEGV | SIGBUS | SIGILL | SIGFPE | SIGTRAP)
    }

    fn is_child(&self) -> bool {
        self.signo == super::SIGCHLD && self.code > 0 && self.code < code::SI_KERNEL
    }

    /// Encodes as Linux's 128-byte siginfo.
    pub fn to_bytes(&self) -> [u8; 128] {
        let mut b = [0u8; 128];
        b[0..4].copy_from_slice(&(self.signo as i32).to_le_bytes());
        b[4..8].copy_from_slice(&self.errno.to_le_bytes());
        b[8..12].copy_from_slice(&self.code.to_le_bytes());
        if self.is_fault() {
            b[16..24].copy_from_slice(&self.addr.to_le_bytes());
        } else if self.is_child() {
            b[16..20].copy_from_slice(&self.pid.to_le_bytes());
            b[20..24].copy_from_slice(&self.uid.to_le_bytes());
            b[24..28].copy_from_slice(&self.status.to_le_bytes());
            b[32..40].copy_from_slice(&self.utime.to_le_bytes());
            b[40..48].copy_from_slice(&self.stime.to_le_bytes());
        } else {
            b[16..20].copy_from_slice(&self.pid.to_le_bytes());
            b[20..24].copy_from_slice(&self.uid.to_le_bytes());
            b[24..32].copy_from_slice(&self.value.to_le_bytes());
        }
        b
    }

    /// Encodes as Linux's 128-byte `struct signalfd_siginfo` (what a read
    /// of a signalfd returns): fixed fields, not a union.
    pub fn to_signalfd_bytes(&self) -> [u8; 128] {
        let mut b = [0u8; 128];
        let mut put = |at: usize, bytes: &[u8]| b[at..at + bytes.len()].copy_from_slice(bytes);
        put(0, &self.signo.to_le_bytes()); // ssi_signo
        put(4, &self.errno.to_le_bytes()); // ssi_errno
        put(8, &self.code.to_le_bytes()); // ssi_code
        put(12, &(self.pid as u32).to_le_bytes()); // ssi_pid
        put(16, &self.uid.to_le_bytes()); // ssi_uid
        if self.is_child() {
            put(40, &self.status.to_le_bytes()); // ssi_status
            put(56, &(self.utime as u64).to_le_bytes()); // ssi_utime
            put(64, &(self.stime as u64).to_le_bytes()); // ssi_stime
        } else if self.is_fault() {
            put(72, &self.addr.to_le_bytes()); // ssi_addr
        } else {
            put(44, &(self.value as i32).to_le_bytes()); // ssi_int
            put(48, &self.value.to_le_bytes()); // ssi_ptr
        }
        b
    }

    /// Decodes a siginfo given to rt_sigqueueinfo (kill-style fields).
    pub fn from_user_bytes(b: &[u8; 128]) -> Self {
        let i32_at = |at: usize| i32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        Self {
            signo: i32_at(0) as u32,
            errno: i32_at(4),
            code: i32_at(8),
            pid: i32_at(16),
            uid: i32_at(20) as u32,
            value: u64::from_le_bytes(b[24..32].try_into().unwrap()),
            ..Self::default()
        }
    }
}
