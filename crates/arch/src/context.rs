//! Kernel stacks that can be switched: the base of `stackful()` tasks.
//!
//! A [`StackfulContext`] runs a closure on its own stack. The executor
//! `resume`s it; it comes back when the closure calls [`suspend_current`],
//! when the timer preempts it ([`preempt_if_requested`], called from the
//! timer interrupt taken on that stack), or when the closure returns.
//!
//! ```text
//!            resume()                    suspend_current() / timer
//!  executor ─────────▶ stackful stack ─────────────────────────────▶ executor
//!      ▲                                                              │
//!      └──────────────────── resume() again ◀────────────────────────┘
//! ```

extern crate alloc;

use alloc::boxed::Box;
use core::arch::global_asm;
use core::sync::atomic::Ordering;

use crate::percpu;

/// Memory for a kernel stack. Implemented by `mm` (guarded stacks).
///
/// # Safety
/// `bottom()..top()` must be writable memory owned by this value for its
/// whole life, used by nothing else, with `top` 16-byte aligned.
pub unsafe trait StackMemory: Send {
    fn bottom(&self) -> usize;
    fn top(&self) -> usize;
}

/// How a resumed stackful context gave the CPU back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resumed {
    /// It called `suspend_current` (it waits for something).
    Suspended,
    /// The timer ended its time slice.
    Preempted,
    /// Its closure returned; resuming it again is an error.
    Finished,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotState {
    Ready,
    Running,
    Suspended,
    Preempted,
    Finished,
}

/// The part the switch code and the timer reach by address.
#[repr(C)]
struct Slot {
    executor_rsp: usize,
    task_rsp: usize,
    stack_bottom: usize,
    stack_top: usize,
    state: SlotState,
    body: Option<Box<dyn FnOnce() + Send>>,
}

/// A closure with its own stack.
pub struct StackfulContext {
    slot: Box<Slot>,
    _stack: Box<dyn StackMemory>,
}

impl StackfulContext {
    /// Prepares `body` to run on `stack` at the first `resume`.
    pub fn new(stack: Box<dyn StackMemory>, body: Box<dyn FnOnce() + Send>) -> Self {
        let top = stack.top();
        let mut slot = Box::new(Slot {
            executor_rsp: 0,
            task_rsp: 0,
            stack_bottom: stack.bottom(),
            stack_top: top,
            state: SlotState::Ready,
            body: Some(body),
        });
        // Initial frame, popped by `switch_stack`: rflags, r15, r14, r13,
        // r12, rbx, rbp, return address, then a fake return slot so the
        // entry sees a 16-byte aligned stack after its own call.
        let frame: [usize; 9] = [
            0x202, // IF set
            0,
            0,
            0,
            &mut *slot as *mut Slot as usize, // r12: the slot
            0,
            0,
            stackful_start as *const () as usize,
            0,
        ];
        let rsp = top - frame.len() * 8 - 8;
        // SAFETY: `StackMemory` guarantees `bottom..top` is ours and
        // writable; the frame lies just below `top`.
        unsafe { core::ptr::copy_nonoverlapping(frame.as_ptr(), rsp as *mut usize, frame.len()) };
        slot.task_rsp = rsp;
        Self { slot, _stack: stack }
    }

    /// Runs the closure until it suspends, is preempted or finishes.
    /// Call with interrupts enabled, from the executor.
    pub fn resume(&mut self) -> Resumed {
        assert!(self.slot.state != SlotState::Finished, "resumed a finished stackful context");
        self.slot.state = SlotState::Running;
        let slot = &mut *self.slot as *mut Slot;
        percpu::this().preemptible_slot.store(slot as usize, Ordering::Release);
        // SAFETY: `task_rsp` is either the initial frame built in `new` or
        // the rsp saved by `switch_stack` when the context last left; the
        // stack is alive (owned by self). `executor_rsp` receives our rsp.
        unsafe { switch_stack(&raw mut (*slot).executor_rsp, (*slot).task_rsp) };
        percpu::this().preemptible_slot.store(0, Ordering::Release);
        match self.slot.state {
            SlotState::Suspended => Resumed::Suspended,
            SlotState::Preempted => Resumed::Preempted,
            SlotState::Finished => Resumed::Finished,
            SlotState::Ready | SlotState::Running => unreachable!("stackful context left while running"),
        }
    }
}

/// Gives the CPU back to the executor from inside a stackful closure. The
/// call returns when the executor resumes the context.
///
/// Panics when the caller is not running on a stackful context.
pub fn suspend_current() {
    leave_current(SlotState::Suspended);
}

/// Whether the caller runs on a stackful context.
pub fn in_stackful() -> bool {
    current_slot().is_some()
}

fn current_slot() -> Option<*mut Slot> {
    let slot = percpu::this().preemptible_slot.load(Ordering::Acquire) as *mut Slot;
    if slot.is_null() {
        return None;
    }
    let rsp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { core::arch::asm!("mov {}, rsp", out(reg) rsp, options(nomem, nostack, preserves_flags)) };
    // SAFETY: a non-zero preemptible_slot points at the Slot of the context
    // this CPU is running (set in `resume`, cleared after it returns).
    let (bottom, top) = unsafe { ((*slot).stack_bottom, (*slot).stack_top) };
    // Between setting the slot and switching stacks the executor itself
    // runs: only code on the context's own stack may leave it.
    (bottom..top).contains(&rsp).then_some(slot)
}

fn leave_current(how: SlotState) {
    let slot = current_slot().expect("not on a stackful context");
    let _irq = crate::irq::IrqSave::new();
    // SAFETY: `slot` is the running context's (see current_slot); its
    // executor_rsp was saved by the `resume` that switched here.
    unsafe {
        (*slot).state = how;
        switch_stack(&raw mut (*slot).task_rsp, (*slot).executor_rsp);
    }
}

/// Called by the timer interrupt taken in kernel mode: if it interrupted a
/// stackful context whose slice is over, switch to the executor. The
/// interrupt frame stays on the context's stack and is unwound by `iretq`
/// when it is resumed.
pub(crate) fn preempt_if_requested() {
    let this = percpu::this();
    if !this.need_resched.load(Ordering::Relaxed) || current_slot().is_none() {
        return;
    }
    this.need_resched.store(false, Ordering::Relaxed);
    leave_current(SlotState::Preempted);
}

extern "C" fn stackful_main(slot: *mut Slot) -> ! {
    // SAFETY: `slot` is the r12 value placed by `StackfulContext::new`,
    // alive while the context exists, and the context is running.
    let body = unsafe { (*slot).body.take() }.expect("stackful body already taken");
    body();
    leave_current(SlotState::Finished);
    unreachable!("finished stackful context resumed");
}

unsafe extern "C" {
    /// Saves callee-saved registers and RFLAGS on the current stack, stores
    /// rsp in `*save`, switches to `next` and pops the same set from there.
    fn switch_stack(save: *mut usize, next: usize);
    fn stackful_start();
}

global_asm!(
    r#"
    .global switch_stack
    .type switch_stack, @function
switch_stack:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    pushfq
    mov [rdi], rsp
    mov rsp, rsi
    popfq
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

    .global stackful_start
    .type stackful_start, @function
stackful_start:
    mov rdi, r12
    xor ebp, ebp
    call {main}
    ud2
"#,
    main = sym stackful_main,
);
