//! clone, clone3, fork and vfork arguments, and Linux's rules for which
//! flag combinations are valid (kernel/fork.c: `copy_process`,
//! `clone3_args_valid`, `copy_clone_args_from_user`, v6.1).

use abi::{Errno, KResult};
use bitflags::bitflags;

bitflags! {
    /// CLONE_* flags (include/uapi/linux/sched.h).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct CloneFlags: u64 {
        const VM = 0x0000_0100;
        const FS = 0x0000_0200;
        const FILES = 0x0000_0400;
        const SIGHAND = 0x0000_0800;
        const PIDFD = 0x0000_1000;
        const PTRACE = 0x0000_2000;
        const VFORK = 0x0000_4000;
        const PARENT = 0x0000_8000;
        const THREAD = 0x0001_0000;
        const NEWNS = 0x0002_0000;
        const SYSVSEM = 0x0004_0000;
        const SETTLS = 0x0008_0000;
        const PARENT_SETTID = 0x0010_0000;
        const CHILD_CLEARTID = 0x0020_0000;
        const DETACHED = 0x0040_0000;
        const UNTRACED = 0x0080_0000;
        const CHILD_SETTID = 0x0100_0000;
        const NEWCGROUP = 0x0200_0000;
        const NEWUTS = 0x0400_0000;
        const NEWIPC = 0x0800_0000;
        const NEWUSER = 0x1000_0000;
        const NEWPID = 0x2000_0000;
        const NEWNET = 0x4000_0000;
        const IO = 0x8000_0000;
        const CLEAR_SIGHAND = 0x1_0000_0000;
        const INTO_CGROUP = 0x2_0000_0000;
    }
}

/// Low byte of clone's flags: the exit signal.
pub const CSIGNAL: u64 = 0xff;
const NSIG: u64 = 64;
const CLONE_ARGS_SIZE_VER0: usize = 64;
const CLONE_ARGS_SIZE_VER2: usize = 88;
const PAGE_SIZE: usize = 4096;

/// Namespace flags: weft has one namespace of each kind.
const NAMESPACES: CloneFlags = CloneFlags::NEWNS
    .union(CloneFlags::NEWCGROUP)
    .union(CloneFlags::NEWUTS)
    .union(CloneFlags::NEWIPC)
    .union(CloneFlags::NEWUSER)
    .union(CloneFlags::NEWPID)
    .union(CloneFlags::NEWNET);

/// A decoded clone request, whichever system call made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloneArgs {
    pub flags: CloneFlags,
    pub exit_signal: u32,
    /// New user stack pointer (0: keep the parent's).
    pub stack: u64,
    pub tls: u64,
    pub parent_tid: u64,
    pub child_tid: u64,
    pub pidfd: u64,
}

impl CloneArgs {
    /// fork(2): a plain copy, SIGCHLD at exit.
    pub fn for_fork() -> Self {
        Self { flags: CloneFlags::empty(), exit_signal: 17, stack: 0, tls: 0, parent_tid: 0, child_tid: 0, pidfd: 0 }
    }

    /// vfork(2): shared memory, parent suspended until the child execs or exits.
    pub fn for_vfork() -> Self {
        Self { flags: CloneFlags::VM | CloneFlags::VFORK, ..Self::for_fork() }
    }

    /// clone(2) on x86_64: (flags, stack, parent_tid, child_tid, tls).
    pub fn for_clone(raw_flags: u64, stack: u64, parent_tid: u64, child_tid: u64, tls: u64) -> KResult<Self> {
        // Bits above 32 are not part of clone(2)'s flags (they are
        // clone3-only; Linux truncates the int argument).
        let raw_flags = raw_flags & 0xffff_ffff;
        let flags = CloneFlags::from_bits_truncate(raw_flags & !CSIGNAL);
        let args = Self {
            flags,
            exit_signal: (raw_flags & CSIGNAL) as u32,
            stack,
            tls,
            parent_tid,
            child_tid,
            // CLONE_PIDFD in clone(2) returns the fd through parent_tid.
            pidfd: parent_tid,
        };
        if flags.contains(CloneFlags::PIDFD) && flags.contains(CloneFlags::PARENT_SETTID) {
            return Err(Errno::EINVAL);
        }
        // Linux ignores CLONE_DETACHED in clone(2) (it is an old flag).
        args.validate()?;
        Ok(args)
    }

    /// clone3(2): `raw` holds the first `size` bytes the caller passed
    /// (already copied from user memory, at most a page).
    pub fn for_clone3(raw: &[u8], stack_is_user: impl Fn(u64, u64) -> bool) -> KResult<Self> {
        if raw.len() > PAGE_SIZE {
            return Err(Errno::E2BIG);
        }
        if raw.len() < CLONE_ARGS_SIZE_VER0 {
            return Err(Errno::EINVAL);
        }
        // A larger struct than ours is fine only if the extra bytes are 0.
        if raw.len() > CLONE_ARGS_SIZE_VER2 && raw[CLONE_ARGS_SIZE_VER2..].iter().any(|&b| b != 0) {
            return Err(Errno::E2BIG);
        }
        let field = |i: usize| -> u64 {
            let at = i * 8;
            if at + 8 <= raw.len() { u64::from_le_bytes(raw[at..at + 8].try_into().unwrap()) } else { 0 }
        };
        let (flags, pidfd, child_tid, parent_tid, exit_signal) = (field(0), field(1), field(2), field(3), field(4));
        let (stack, stack_size, tls, set_tid, set_tid_size) = (field(5), field(6), field(7), field(8), field(9));
        if set_tid_size > 32 || (set_tid == 0 && set_tid_size > 0) || (set_tid != 0 && set_tid_size == 0) {
            return Err(Errno::EINVAL);
        }
        if exit_signal & !CSIGNAL != 0 || exit_signal > NSIG {
            return Err(Errno::EINVAL);
        }
        // Legacy flags, CLEAR_SIGHAND and INTO_CGROUP only; the CSIGNAL and
        // DETACHED bits are reserved in clone3.
        let known = 0xffff_ffff | CloneFlags::CLEAR_SIGHAND.bits() | CloneFlags::INTO_CGROUP.bits();
        if flags & !known != 0 || flags & (CloneFlags::DETACHED.bits() | CSIGNAL) != 0 {
            return Err(Errno::EINVAL);
        }
        let flags = CloneFlags::from_bits_truncate(flags);
        if flags.contains(CloneFlags::SIGHAND | CloneFlags::CLEAR_SIGHAND) {
            return Err(Errno::EINVAL);
        }
        if flags.intersects(CloneFlags::THREAD | CloneFlags::PARENT) && exit_signal != 0 {
            return Err(Errno::EINVAL);
        }
        if flags.contains(CloneFlags::INTO_CGROUP) {
            // weft has no cgroups.
            return Err(Errno::EINVAL);
        }
        // clone3 passes the lowest address and the size; the stack pointer
        // starts at the top.
        let stack_top = match (stack, stack_size) {
            (0, 0) => 0,
            (0, _) | (_, 0) => return Err(Errno::EINVAL),
            (base, size) => {
                if !stack_is_user(base, size) {
                    return Err(Errno::EINVAL);
                }
                base + size
            }
        };
        if set_tid != 0 {
            // Choosing a pid needs CAP_SYS_ADMIN in the target namespace;
            // weft does not support it.
            return Err(Errno::EPERM);
        }
        let args = Self { flags, exit_signal: exit_signal as u32, stack: stack_top, tls, parent_tid, child_tid, pidfd };
        args.validate()?;
        Ok(args)
    }

    /// The combination rules of `copy_process`.
    fn validate(&self) -> KResult<()> {
        let f = self.flags;
        if f.contains(CloneFlags::NEWNS | CloneFlags::FS) || f.contains(CloneFlags::NEWUSER | CloneFlags::FS) {
            return Err(Errno::EINVAL);
        }
        if f.contains(CloneFlags::THREAD) && !f.contains(CloneFlags::SIGHAND) {
            return Err(Errno::EINVAL);
        }
        if f.contains(CloneFlags::SIGHAND) && !f.contains(CloneFlags::VM) {
            return Err(Errno::EINVAL);
        }
        if f.contains(CloneFlags::THREAD) && f.intersects(CloneFlags::NEWUSER | CloneFlags::NEWPID) {
            return Err(Errno::EINVAL);
        }
        if f.contains(CloneFlags::PIDFD) && f.contains(CloneFlags::THREAD) {
            return Err(Errno::EINVAL);
        }
        if f.intersects(NAMESPACES) {
            // New namespaces need CAP_SYS_ADMIN and support weft lacks.
            return Err(Errno::EPERM);
        }
        if self.exit_signal as u64 > NSIG {
            return Err(Errno::EINVAL);
        }
        Ok(())
    }

    /// The child is a thread of the caller's group.
    pub fn is_thread(&self) -> bool {
        self.flags.contains(CloneFlags::THREAD)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    const THREAD_FLAGS: u64 = 0x7d0f00; // what musl's pthread_create passes

    #[test]
    fn musl_pthread_flags_are_accepted() {
        let a = CloneArgs::for_clone(THREAD_FLAGS, 0x7000, 0x1000, 0x2000, 0x3000).unwrap();
        assert!(a.is_thread());
        assert!(a.flags.contains(CloneFlags::SETTLS | CloneFlags::PARENT_SETTID | CloneFlags::CHILD_CLEARTID));
        assert_eq!(a.exit_signal, 0);
    }

    #[test]
    fn linux_rejects_these_combinations() {
        let vm = CloneFlags::VM.bits();
        let sighand = CloneFlags::SIGHAND.bits();
        let thread = CloneFlags::THREAD.bits();
        assert_eq!(CloneArgs::for_clone(thread | vm, 0, 0, 0, 0).unwrap_err(), Errno::EINVAL);
        assert_eq!(CloneArgs::for_clone(sighand, 0, 0, 0, 0).unwrap_err(), Errno::EINVAL);
        let fs_newns = CloneFlags::FS.bits() | CloneFlags::NEWNS.bits();
        assert_eq!(CloneArgs::for_clone(fs_newns, 0, 0, 0, 0).unwrap_err(), Errno::EINVAL);
        let pidfd_settid = CloneFlags::PIDFD.bits() | CloneFlags::PARENT_SETTID.bits();
        assert_eq!(CloneArgs::for_clone(pidfd_settid, 0, 0, 0, 0).unwrap_err(), Errno::EINVAL);
        assert_eq!(CloneArgs::for_clone(CloneFlags::NEWPID.bits(), 0, 0, 0, 0).unwrap_err(), Errno::EPERM);
    }

    #[test]
    fn fork_exit_signal_comes_from_the_low_byte() {
        assert_eq!(CloneArgs::for_clone(17, 0, 0, 0, 0).unwrap().exit_signal, 17);
        assert_eq!(CloneArgs::for_clone(0, 0, 0, 0, 0).unwrap().exit_signal, 0);
    }

    fn clone3_bytes(fields: &[u64]) -> alloc::vec::Vec<u8> {
        fields.iter().flat_map(|f| f.to_le_bytes()).collect()
    }

    #[test]
    fn clone3_size_and_field_rules() {
        let ok = |_: u64, _: u64| true;
        let base = clone3_bytes(&[0, 0, 0, 0, 17, 0, 0, 0]);
        assert_eq!(CloneArgs::for_clone3(&base, ok).unwrap().exit_signal, 17);
        assert_eq!(CloneArgs::for_clone3(&base[..56], ok).unwrap_err(), Errno::EINVAL);
        let mut big = base.clone();
        big.resize(4097, 0);
        assert_eq!(CloneArgs::for_clone3(&big, ok).unwrap_err(), Errno::E2BIG);
        let mut trailing = base.clone();
        trailing.resize(96, 0);
        trailing[95] = 1;
        assert_eq!(CloneArgs::for_clone3(&trailing, ok).unwrap_err(), Errno::E2BIG);
        let csignal_in_flags = clone3_bytes(&[17, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(CloneArgs::for_clone3(&csignal_in_flags, ok).unwrap_err(), Errno::EINVAL);
        let thread_with_signal = clone3_bytes(&[0x10900, 0, 0, 0, 17, 0, 0, 0]);
        assert_eq!(CloneArgs::for_clone3(&thread_with_signal, ok).unwrap_err(), Errno::EINVAL);
        let stack_without_size = clone3_bytes(&[0, 0, 0, 0, 17, 0x1000, 0, 0]);
        assert_eq!(CloneArgs::for_clone3(&stack_without_size, ok).unwrap_err(), Errno::EINVAL);
        let stack = clone3_bytes(&[0, 0, 0, 0, 17, 0x1000, 0x2000, 0]);
        assert_eq!(CloneArgs::for_clone3(&stack, ok).unwrap().stack, 0x3000);
        let big_signal = clone3_bytes(&[0, 0, 0, 0, 65, 0, 0, 0]);
        assert_eq!(CloneArgs::for_clone3(&big_signal, ok).unwrap_err(), Errno::EINVAL);
    }
}
