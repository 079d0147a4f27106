//! Creating threads and processes (Linux's `copy_process`), split by
//! resource: each `clone_*` either shares the parent's object (the CLONE_
//! flag is set) or makes the child its own copy.
//!
//! Nothing is visible to others until `commit` puts the new thread in the
//! table; a failure before that drops the copies. A failure after it (a bad
//! CLONE_PARENT_SETTID pointer) is undone by `abort`.

use alloc::sync::Arc;

use abi::{Errno, KResult};
use fs::{FdTable, FsContext};
use ksync::SpinLock;
use mm::AddressSpace;

use super::group_signal;
use super::process::Process;
use super::table::TABLE;
use super::thread::Thread;
use crate::clone_args::{CloneArgs, CloneFlags};
use crate::rlimit::RLIMIT_NPROC;
use crate::signal::SigActions;
use crate::signal::frame::AltStack;

/// What a new thread costs at most before its program runs: its kernel
/// objects (under 4 KiB, docs/threads.md) and the page of user stack it
/// touches first, rounded up.
const NEW_THREAD_BYTES: usize = 16 * 1024;

fn clone_vm(parent: &Thread, flags: CloneFlags) -> KResult<Arc<AddressSpace>> {
    if flags.contains(CloneFlags::VM) { Ok(parent.vm()) } else { parent.vm().fork() }
}

fn clone_files(parent: &Thread, flags: CloneFlags) -> Arc<FdTable> {
    if flags.contains(CloneFlags::FILES) { parent.files() } else { Arc::new(parent.files().fork_copy()) }
}

fn clone_fs(parent: &Thread, flags: CloneFlags) -> Arc<FsContext> {
    if flags.contains(CloneFlags::FS) { parent.fs() } else { Arc::new(parent.fs().fork_copy()) }
}

fn clone_sighand(parent: &Thread, flags: CloneFlags) -> Arc<SpinLock<SigActions>> {
    if flags.contains(CloneFlags::SIGHAND) {
        return parent.sighand();
    }
    let mut actions = parent.sighand().lock().clone();
    if flags.contains(CloneFlags::CLEAR_SIGHAND) {
        // Handlers back to default; ignored signals stay ignored.
        actions.reset_for_exec();
    }
    Arc::new(SpinLock::new(actions))
}

/// Creates the child of `parent` described by `args` and puts it in the
/// process table. The caller then sets up its registers and starts it.
pub fn copy_process(parent: &Arc<Thread>, args: &CloneArgs, now_ns: u64) -> KResult<Arc<Thread>> {
    let flags = args.flags;
    if flags.contains(CloneFlags::PARENT) && parent.pid() == 1 {
        // init cannot make siblings (Linux: SIGNAL_UNKILLABLE -> EINVAL).
        return Err(Errno::EINVAL);
    }
    // At memory's end clone fails (ENOMEM, as Linux's does when no kernel
    // stack can be had) while the new thread's objects and the first page
    // of its stack still fit outside the kernel's reserve; otherwise the
    // next thread's first stack fault would bring the OOM killer.
    if !mm::frame::user_may_take_bytes(NEW_THREAD_BYTES) {
        return Err(Errno::ENOMEM);
    }
    let ticket = group_signal::fork_ticket();
    let vm = clone_vm(parent, flags)?;
    let files = clone_files(parent, flags);
    let fs = clone_fs(parent, flags);
    let sighand = clone_sighand(parent, flags);

    let mut table = TABLE.lock();
    // A parent being killed makes no child (Linux: fatal_signal_pending ->
    // EINTR, never seen); one a group signal overlapped tries again after
    // taking it, so the child cannot escape it.
    if parent.must_exit() {
        return Err(Errno::EINTR);
    }
    if !group_signal::fork_may_finish(ticket, &table) {
        return Err(Errno::ERESTARTNOINTR);
    }
    if table.thread_count() >= table.threads_max {
        return Err(Errno::EAGAIN);
    }
    let cred = parent.process().cred.lock().clone();
    let nproc = parent.process().limits.lock().cur(RLIMIT_NPROC);
    // Linux exempts root (INIT_USER, CAP_SYS_RESOURCE/ADMIN) from RLIMIT_NPROC.
    if cred.uid != 0 && table.threads_of_user(cred.uid) as u64 >= nproc {
        return Err(Errno::EAGAIN);
    }
    let (tid, process) = if args.is_thread() {
        let tid = table.topo.new_thread(parent.pid())?;
        (tid, parent.process().clone())
    } else {
        let pid = table.topo.new_process(parent.pid(), args.exit_signal, flags.contains(CloneFlags::PARENT))?;
        let limits = parent.process().limits.lock().clone();
        let p = Process::new(pid, limits, cred, now_ns);
        p.set_parent_pid(table.topo.group(pid).map(|g| g.parent).unwrap_or(0));
        // CLONE_PARENT makes us a sibling: our parent thread is the
        // caller's.
        let parent_thread = if flags.contains(CloneFlags::PARENT) { parent.process().parent_thread() } else { parent.tid() };
        p.set_parent_thread(parent_thread);
        let thp_disabled = parent.process().thp_disabled.load(core::sync::atomic::Ordering::Relaxed);
        p.thp_disabled.store(thp_disabled, core::sync::atomic::Ordering::Relaxed);
        *p.exe.lock() = parent.process().exe.lock().clone();
        *p.cmdline.lock() = parent.process().cmdline.lock().clone();
        *p.environ.lock() = parent.process().environ.lock().clone();
        table.insert_process(p.clone());
        (pid, p)
    };
    let thread = Thread::new(tid, process.clone(), vm, files, fs, sighand, parent.comm(), now_ns);
    thread.attrs.inherit(&parent.attrs);
    thread.sched.inherit(&parent.sched);
    thread.signals.set_blocked(parent.signals.blocked());
    // A child sharing the address space (a thread, or vfork) must not use
    // the parent's alternate stack; a forked copy keeps it (Linux).
    if !flags.contains(CloneFlags::VM) || flags.contains(CloneFlags::VFORK) {
        *thread.signals.altstack.lock() = *parent.signals.altstack.lock();
    } else {
        *thread.signals.altstack.lock() = AltStack { sp: 0, flags: crate::signal::frame::SS_DISABLE, size: 0 };
    }
    if flags.contains(CloneFlags::CHILD_CLEARTID) {
        thread.clear_child_tid.store(args.child_tid, core::sync::atomic::Ordering::Relaxed);
    }
    process.add_thread(thread.clone());
    process.stop.lock().thread_added(&thread.stop_seen);
    table.insert_thread(thread.clone());
    Ok(thread)
}

/// Undoes `copy_process` for a child that never ran.
pub fn abort(child: &Arc<Thread>) {
    let mut table = TABLE.lock();
    table.remove_thread(child.tid());
    let process = child.process().clone();
    process.remove_thread(child);
    let status = crate::wait_status::WaitStatus::Exited(0);
    if table.topo.thread_exited(child.tid(), status).is_some() {
        // A whole new process: it never existed for anyone.
        table.topo.reap(process.pid());
        table.remove_process(process.pid());
    }
    drop(table);
    child.mark_dead();
    // A thread counted into a group stop in progress will never park.
    super::signal_send::participate_in_stop(child);
}

/// Creates process 1 with one thread and the given resources (the kernel
/// then execs /init in it).
pub fn create_init(vm: Arc<AddressSpace>, files: Arc<FdTable>, fs: Arc<FsContext>, now_ns: u64) -> KResult<Arc<Thread>> {
    let mut table = TABLE.lock();
    let pid = table.topo.spawn_init()?;
    let process = Process::new(pid, crate::rlimit::Rlimits::default(), crate::cred::Cred::root(), now_ns);
    table.insert_process(process.clone());
    let mut comm = [0u8; super::thread::COMM_LEN];
    comm[..4].copy_from_slice(b"init");
    let sighand = Arc::new(SpinLock::new(SigActions::default()));
    let thread = Thread::new(pid, process.clone(), vm, files, fs, sighand, comm, now_ns);
    process.add_thread(thread.clone());
    table.insert_thread(thread.clone());
    Ok(thread)
}
