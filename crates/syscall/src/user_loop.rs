//! The user-thread loop: the body of every user thread's runtime task.
//!
//! ```text
//! loop {
//!     signals, stops and exit on the way to user mode   (signal::prepare_return)
//!     regs.run()                                        (user mode until a trap)
//!     syscall -> dispatch.await | fault -> resolve or signal | irq -> maybe yield
//! }
//! exit_thread
//! ```
//!
//! The thread's registers and FPU state live in this future, not on a
//! kernel stack: a blocked thread costs its future and nothing else.
//! [`UserThread`] wraps the loop to keep two per-CPU facts true around every
//! poll: the thread's address space is the active one while it runs, and
//! its FPU registers are saved when it stops running on this CPU.

use alloc::sync::Arc;
use core::future::Future;
use core::sync::atomic::AtomicUsize;
use core::sync::atomic::Ordering::Relaxed;
use core::pin::Pin;
use core::task::{Context, Poll};

use abi::Errno;
use arch::fpu::FpuState;
use arch::trap;
use arch::user::{ReturnReason, UserContext};
use ksync::{SpinLock, SpinLockGuard};
use task::process::Thread;
use task::process::exit::exit_thread;
use task::wait_status::WaitStatus;

use crate::ctx::{LoopState, SyscallContext};
use crate::{dispatch, fault, signal};

/// A thread's FPU registers and where they currently live, shared by its
/// loop and the [`UserThread`] around it (one allocation per thread).
pub struct SharedFpu {
    slot: SpinLock<FpuSlot>,
    /// The slot's `live_on` as the loop reads it without the lock
    /// (usize::MAX: none). Written only with the lock held.
    live_on: AtomicUsize,
}

/// What the slot's lock guards.
pub struct FpuSlot {
    pub state: FpuState,
    /// The CPU whose registers hold the thread's live state (not yet saved).
    pub live_on: Option<usize>,
}

impl SharedFpu {
    fn new(state: FpuState) -> Self {
        Self { slot: SpinLock::new(FpuSlot { state, live_on: None }), live_on: AtomicUsize::new(usize::MAX) }
    }

    pub fn lock(&self) -> FpuGuard<'_> {
        FpuGuard { slot: self.slot.lock(), mirror: &self.live_on }
    }

    /// Whether the registers of CPU `cpu` hold the state (read unlocked).
    fn is_live_on(&self, cpu: usize) -> bool {
        self.live_on.load(Relaxed) == cpu
    }
}

/// The locked slot; its changes of `live_on` keep the unlocked copy true.
pub struct FpuGuard<'a> {
    slot: SpinLockGuard<'a, FpuSlot>,
    mirror: &'a AtomicUsize,
}

impl core::ops::Deref for FpuGuard<'_> {
    type Target = FpuSlot;
    fn deref(&self) -> &FpuSlot {
        &self.slot
    }
}

impl core::ops::DerefMut for FpuGuard<'_> {
    fn deref_mut(&mut self) -> &mut FpuSlot {
        &mut self.slot
    }
}

impl FpuGuard<'_> {
    fn set_live(&mut self, cpu: Option<usize>) {
        self.slot.live_on = cpu;
        self.mirror.store(cpu.unwrap_or(usize::MAX), Relaxed);
    }

    /// Saves the registers into `state` if they are live on this CPU.
    pub fn save_if_live(&mut self) {
        if self.slot.live_on == Some(arch::percpu::cpu_id()) {
            self.slot.state.save();
        }
        self.set_live(None);
    }

    /// Forgets the live registers (the state was replaced).
    pub fn invalidate(&mut self) {
        self.set_live(None);
    }

    /// Makes the CPU's registers hold this thread's state.
    fn load(&mut self) {
        let cpu = arch::percpu::cpu_id();
        if self.slot.live_on != Some(cpu) {
            self.slot.state.restore();
            self.set_live(Some(cpu));
        }
    }
}

/// Starts `thread` in user mode with `regs` and `fpu` as its initial state.
pub fn spawn_user_thread(thread: Arc<Thread>, regs: UserContext, fpu: FpuState) {
    let fpu = Arc::new(SharedFpu::new(fpu));
    let body = user_loop(thread.clone(), regs, fpu.clone());
    // A new thread or process starts with its creator's CPU affinity
    // (Linux's dup_task_struct copies cpus_mask); the spawner is the
    // creator's task, or none when the kernel starts init.
    let affinity = runtime::current_task().map_or(u64::MAX, |creator| creator.affinity());
    // Unnamed and detached: the thread keeps its name (`Thread::comm`),
    // and is waited for through the process table, not the task.
    let task = runtime::Builder::new()
        .affinity(affinity)
        .user_thread()
        // A new process, or a process's second thread: see `near_creator`.
        .near_creator(thread.process().thread_count() <= 2)
        .sched_class(thread.sched.class())
        .context(Arc::downgrade(&thread) as alloc::sync::Weak<dyn core::any::Any + Send + Sync>)
        .spawn_detached(UserThread { thread: thread.clone(), fpu, body });
    thread.set_task(task);
    // A change made between reading the class above and recording the
    // task (another thread's sched_setscheduler) reaches the task now.
    thread.apply_sched();
}

pin_project_lite::pin_project! {
    /// The future a user thread's task runs: its loop, inline, so that the
    /// task's one allocation holds it all.
    struct UserThread<F> {
        thread: Arc<Thread>,
        fpu: Arc<SharedFpu>,
        #[pin]
        body: F,
    }
}

impl<F: Future<Output = ()>> Future for UserThread<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        let thread: &Thread = this.thread;
        // The spawner records the task only after spawn returns, and the
        // thread may already run on another CPU (and look itself up, as
        // /proc/self does): record it here first. A second set is ignored.
        if thread.task().is_none()
            && let Some(task) = runtime::current_task()
        {
            thread.set_task(task);
        }
        if let Some(vm) = thread.try_vm() {
            vm.activate();
        }
        // Its CPU time is sampled at ticks, in user mode and in the kernel
        // (and its CPU-time itimers count there): the runtime keeps the
        // slice tick while a user thread runs (docs/runtime.md, "The tick
        // discipline").
        thread.cpu_time.start_running(arch::time::now_ns());
        let result = this.body.poll(cx);
        // Another task may take this CPU now: keep our FPU state safe.
        this.fpu.lock().save_if_live();
        let system = thread.cpu_time.stop_running(arch::time::now_ns());
        thread.process().charge_cpu(0, system);
        result
    }
}

/// How long a thread whose page fault found no memory waits for the OOM
/// killer's victim before it faults again.
const OOM_RETRY_NS: u64 = 1_000_000;

// Not an `async fn`: one moves its arguments into locals of its state
// machine, so every blocked thread carried its 224 bytes of registers
// twice. An `async move` block keeps what it captures once.
fn user_loop(thread: Arc<Thread>, mut regs: UserContext, fpu: Arc<SharedFpu>) -> impl Future<Output = ()> + Send {
    async move {
        let mut state = LoopState::default();
        // The address space changes only when this thread execs: keep it at
        // hand instead of locking the thread's slot on every return.
        let mut vm = thread.vm();
        let status = loop {
            if let Some(status) = signal::prepare_return(&thread, &mut regs, &fpu, &mut state).await {
                break status;
            }
            vm.activate();
            if vm.ldt.generation() != regs.ldt_generation() {
                let (generation, table) = vm.ldt.current();
                regs.set_ldt(generation, table);
            }
            if !fpu.is_live_on(arch::percpu::cpu_id()) {
                fpu.lock().load();
            }
            let reason = regs.run();
            match reason {
                ReturnReason::Syscall => {
                    let ticks = KernelTicks::start();
                    let nr = regs.syscall_args().0;
                    let result = {
                        let mut cx = SyscallContext { thread: &thread, regs: &mut regs, fpu: &fpu, state: &mut state };
                        // The arguments go into the call's future in a
                        // block that ends before the await: a local kept
                        // across it would take 48 bytes of every blocked
                        // thread's future.
                        let call = {
                            let args = cx.regs.syscall_args().1;
                            crate::trail::record(thread.tid() as u32, nr, &args);
                            dispatch::dispatch(&mut cx, nr as usize, args)
                        };
                        call.await
                    };
                    if let Some(status) = state.exit_status.take() {
                        break status;
                    }
                    if matches!(nr as usize, abi::sysno::EXECVE | abi::sysno::EXECVEAT) && result.is_ok() {
                        vm = thread.vm();
                    }
                    complete_syscall(&mut regs, &mut state, nr, result);
                    ticks.finish(&thread);
                    // The call may have woken a more urgent task onto this CPU
                    // (a futex wake, a pipe write): it runs now, not at the tick.
                    if runtime::preempt_requested() {
                        runtime::yield_now().await;
                    }
                }
                ReturnReason::Exception { vector, error_code, fault_addr } => {
                    let ticks = KernelTicks::start();
                    if fault::handle_exception(&thread, &regs, vector, error_code, fault_addr) == fault::AfterException::WaitForMemory {
                        runtime::sleep_until(arch::time::now_ns() + OOM_RETRY_NS).await;
                    }
                    ticks.finish(&thread);
                }
                ReturnReason::Interrupt { vector } => {
                    if vector == trap::VEC_TIMER {
                        let user = thread.cpu_time.tick_in_user(arch::time::now_ns());
                        thread.process().charge_cpu(user, 0);
                    }
                    // User mode holds nothing of RCU's: a quiescent state, so a
                    // long user stretch does not hold up grace periods.
                    runtime::quiescent_state();
                    // The timer ends slices; a wake IPI may carry a task that
                    // must move (affinity) or a signal (seen at the loop top).
                    if runtime::should_yield() {
                        runtime::yield_now().await;
                    }
                }
            }
        };
        // Leaving for good: the registers' FPU state is no longer needed.
        fpu.lock().invalidate();
        drop(vm);
        // The group sums up this thread's time as it leaves: count it all.
        thread.cpu_time.settle(arch::time::now_ns());
        exit_thread(&thread, status);
    }
}

/// Sees whether a timer tick came while the thread was in the kernel for a
/// system call or fault, without reading the clock: the CPU's tick count
/// before and after. When one did, the stretch since the last mark is
/// system time, as Linux's tick accounting counts a tick that lands in the
/// kernel. (If the thread moved to another CPU meanwhile, the counts differ
/// by chance and the stretch, which the end of the poll split, is counted
/// as system time: it was.)
struct KernelTicks(u64);

impl KernelTicks {
    fn start() -> KernelTicks {
        KernelTicks(arch::percpu::this().ticks.load(Relaxed))
    }

    fn finish(self, thread: &Thread) {
        if arch::percpu::this().ticks.load(Relaxed) != self.0 {
            let system = thread.cpu_time.tick_in_kernel(arch::time::now_ns());
            thread.process().charge_cpu(0, system);
        }
    }
}

/// Puts a system call's result in rax, remembering restart codes for the
/// signal code (they must never reach user space as they are).
fn complete_syscall(regs: &mut UserContext, state: &mut LoopState, nr: u64, result: Result<usize, Errno>) {
    match result {
        Ok(value) => regs.set_return(value as u64),
        Err(e) if task::signal::deliver::is_restart_code(e) => {
            state.interrupted = Some((e, nr));
            regs.set_return(Errno::EINTR.to_return_value());
        }
        Err(e) => regs.set_return(e.to_return_value()),
    }
}

/// The status of a thread that leaves because its group is dying.
pub fn group_death_status() -> WaitStatus {
    WaitStatus::Signaled { signal: task::signal::SIGKILL, core: false }
}
