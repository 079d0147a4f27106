//! prctl(2): decodes the option and hands it to the state it concerns
//! (thread name, subreaper, dumpable, parent-death signal, timer slack,
//! rdtsc faulting, no_new_privs, capabilities, THP). Options weft does not know, or does
//! not implement (PR_SET_VMA, seccomp, ...), are EINVAL, as
//! Linux answers for an unknown option.

use core::sync::atomic::Ordering;

use abi::{Errno, KResult};
use task::process::table::TABLE;

use crate::ctx::SyscallContext;

const PR_SET_PDEATHSIG: u64 = 1;
const PR_GET_PDEATHSIG: u64 = 2;
const PR_GET_DUMPABLE: u64 = 3;
const PR_SET_DUMPABLE: u64 = 4;
const PR_GET_KEEPCAPS: u64 = 7;
const PR_SET_KEEPCAPS: u64 = 8;
const PR_SET_NAME: u64 = 15;
const PR_GET_NAME: u64 = 16;
const PR_CAPBSET_READ: u64 = 23;
const PR_CAPBSET_DROP: u64 = 24;
const PR_GET_TSC: u64 = 25;
const PR_SET_TSC: u64 = 26;
const PR_TSC_ENABLE: u64 = 1;
const PR_TSC_SIGSEGV: u64 = 2;
const PR_SET_TIMERSLACK: u64 = 29;
const PR_GET_TIMERSLACK: u64 = 30;
const PR_SET_CHILD_SUBREAPER: u64 = 36;
const PR_GET_CHILD_SUBREAPER: u64 = 37;
const PR_SET_NO_NEW_PRIVS: u64 = 38;
const PR_GET_NO_NEW_PRIVS: u64 = 39;
const PR_SET_THP_DISABLE: u64 = 41;
const PR_GET_THP_DISABLE: u64 = 42;

/// The highest signal number (valid_signal).
const SIGNAL_MAX: u64 = 64;

pub fn prctl(cx: &mut SyscallContext<'_>, option: u64, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> KResult<usize> {
    let unused_args_zero = |args: &[u64]| if args.iter().all(|&a| a == 0) { Ok(()) } else { Err(Errno::EINVAL) };
    match option {
        PR_SET_NAME => {
            // Linux copies at most 16 bytes and keeps 15: read up to the NUL
            // (a short name may end just before an unmapped page), or 16.
            let name = match cx.vm().read_cstring(arg2 as usize, 16)? {
                Some(name) => name,
                None => cx.read_bytes(arg2, 16)?,
            };
            cx.thread.set_comm(&name);
            Ok(0)
        }
        PR_GET_NAME => {
            cx.write_bytes(arg2, &cx.thread.comm())?;
            Ok(0)
        }
        PR_SET_CHILD_SUBREAPER => {
            if let Some(g) = TABLE.lock().topo.group_mut(cx.pid()) {
                g.subreaper = arg2 != 0;
            }
            Ok(0)
        }
        PR_GET_CHILD_SUBREAPER => {
            let on = TABLE.lock().topo.group(cx.pid()).is_some_and(|g| g.subreaper);
            cx.write(arg2, &(on as i32))?;
            Ok(0)
        }
        PR_SET_PDEATHSIG => {
            if arg2 > SIGNAL_MAX {
                return Err(Errno::EINVAL);
            }
            cx.thread.set_pdeath_signal(arg2 as u32);
            Ok(0)
        }
        PR_GET_PDEATHSIG => {
            cx.write(arg2, &(cx.thread.pdeath_signal() as i32))?;
            Ok(0)
        }
        PR_GET_DUMPABLE => Ok(cx.thread.process().dumpable.load(Ordering::Relaxed) as usize),
        PR_SET_DUMPABLE => {
            // SUID_DUMP_ROOT (2) is for the kernel's own use.
            if arg2 > 1 {
                return Err(Errno::EINVAL);
            }
            cx.thread.process().dumpable.store(arg2 == 1, Ordering::Relaxed);
            Ok(0)
        }
        PR_GET_TSC => {
            let mode = if cx.regs.tsc_disabled { PR_TSC_SIGSEGV } else { PR_TSC_ENABLE };
            cx.write(arg2, &(mode as u32))?;
            Ok(0)
        }
        PR_SET_TSC => {
            // The next entry into user mode loads CR4.TSD (arch::user).
            cx.regs.tsc_disabled = match arg2 {
                PR_TSC_ENABLE => false,
                PR_TSC_SIGSEGV => true,
                _ => return Err(Errno::EINVAL),
            };
            Ok(0)
        }
        PR_SET_TIMERSLACK => {
            cx.thread.attrs.set_timer_slack_ns(arg2);
            Ok(0)
        }
        PR_GET_TIMERSLACK => Ok(cx.thread.attrs.timer_slack_ns() as usize),
        PR_SET_NO_NEW_PRIVS => {
            if arg2 != 1 {
                return Err(Errno::EINVAL);
            }
            unused_args_zero(&[arg3, arg4, arg5])?;
            cx.thread.attrs.set_no_new_privs();
            Ok(0)
        }
        PR_GET_NO_NEW_PRIVS => {
            unused_args_zero(&[arg2, arg3, arg4, arg5])?;
            Ok(cx.thread.attrs.no_new_privs() as usize)
        }
        PR_GET_KEEPCAPS => Ok(cx.thread.process().cred.lock().caps.keep_caps as usize),
        PR_SET_KEEPCAPS => {
            if arg2 > 1 {
                return Err(Errno::EINVAL);
            }
            cx.thread.process().cred.lock().caps.keep_caps = arg2 == 1;
            Ok(0)
        }
        PR_CAPBSET_READ => Ok(cx.thread.process().cred.lock().caps.in_bounding_set(arg2)? as usize),
        PR_CAPBSET_DROP => {
            cx.thread.process().cred.lock().caps.drop_from_bounding_set(arg2)?;
            Ok(0)
        }
        PR_SET_THP_DISABLE => {
            unused_args_zero(&[arg3, arg4, arg5])?;
            cx.thread.process().thp_disabled.store(arg2 != 0, Ordering::Relaxed);
            Ok(0)
        }
        PR_GET_THP_DISABLE => {
            unused_args_zero(&[arg2, arg3, arg4, arg5])?;
            Ok(cx.thread.process().thp_disabled.load(Ordering::Relaxed) as usize)
        }
        _ => Err(Errno::EINVAL),
    }
}
