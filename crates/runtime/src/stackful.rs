//! `stackful(fut)`: run a future on its own kernel stack, where the timer
//! can preempt it (DESIGN.md §3), for long or synchronous kernel work.
//!
//! In the kernel the outer future owns an `arch::context::StackfulContext`
//! whose body is a small loop:
//!
//! ```text
//! loop {
//!     if cancelled: drop the inner future, return          (→ Finished)
//!     poll the inner future with the OUTER task's waker
//!     Ready(v)  → store v, return                           (→ Finished)
//!     Pending   → suspend_current()                         (→ Suspended)
//! }
//! ```
//!
//! The outer `poll` stores its waker where the loop reads it, resumes the
//! context, and maps the result: `Suspended` → `Pending`; `Preempted`
//! (the timer ended the slice) → wake itself, then `Pending`, so the task
//! is requeued behind the others; `Finished` → drop the context (and its
//! stack, on the executor's stack) and return the output.
//!
//! Why no wake is lost: the inner poll runs *inside* the outer task's poll,
//! so while the inner future registers the outer waker and until
//! `suspend_current` has switched back and the outer poll has returned, the
//! outer task is RUNNING. A wake arriving in that window sets NOTIFIED
//! (edge 4 of the task lifecycle) and the executor requeues the task when
//! the outer poll returns `Pending` (edge 6); its next poll resumes the
//! context, whose loop polls the inner future again. A wake after that
//! finds the task WAITING and queues it (edge 3). There is no moment where
//! the inner future is registered but its task neither RUNNING nor
//! wakeable.
//!
//! Dropping the outer future before it finished resumes the context with
//! the cancel flag set, so the inner future is dropped on its own stack
//! (its destructors run) before the stack is freed. A `stackful` inside a
//! stackful context, or one started when no stack can be had, runs inline
//! as an ordinary future. On the host, `stackful(fut)` is `fut`.

use core::future::Future;

#[cfg(target_os = "none")]
pub use kernel::set_stack_allocator;

/// Runs `future` on its own kernel stack, preemptible by the timer (in the
/// kernel; on the host it is polled like any future).
pub fn stackful<F>(future: F) -> impl Future<Output = F::Output> + Send
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[cfg(target_os = "none")]
    {
        kernel::Stackful::new(future)
    }
    #[cfg(not(target_os = "none"))]
    {
        future
    }
}

#[cfg(target_os = "none")]
mod kernel {
    use alloc::boxed::Box;
    use alloc::sync::Arc;
    use core::future::Future;
    use core::pin::Pin;
    use core::sync::atomic::{AtomicBool, Ordering};
    use core::task::{Context, Poll, Waker};

    use arch::context::{self, Resumed, StackMemory, StackfulContext};

    /// Hands out kernel stacks for stackful contexts.
    pub type StackAllocator = fn() -> Option<Box<dyn StackMemory>>;

    static STACKS: ksync::Once<StackAllocator> = ksync::Once::new();
    static WARNED: AtomicBool = AtomicBool::new(false);

    /// Installs the stack allocator (once, at boot; `mm` provides guarded
    /// kernel stacks). Until then, and whenever it returns `None`,
    /// `stackful` runs its future inline.
    pub fn set_stack_allocator(alloc: StackAllocator) {
        STACKS.call_once(|| alloc);
    }

    /// What the outer future and the context body share.
    struct Shared<T> {
        /// The outer task's waker, refreshed by every outer poll.
        waker: ksync::SpinLock<Option<Waker>>,
        output: ksync::SpinLock<Option<T>>,
        cancel: AtomicBool,
    }

    enum Inner<F: Future> {
        NotStarted(F),
        OnStack(StackfulContext, Arc<Shared<F::Output>>),
        Inline(Pin<Box<F>>),
        Done,
    }

    pub(super) struct Stackful<F: Future> {
        inner: Inner<F>,
    }

    // `F` is moved (never pinned) until it is boxed or moved to the stack.
    impl<F: Future> Unpin for Stackful<F> {}

    impl<F> Stackful<F>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        pub(super) fn new(future: F) -> Self {
            Self { inner: Inner::NotStarted(future) }
        }

        fn start(future: F) -> Inner<F> {
            let stack = if context::in_stackful() { None } else { STACKS.get().and_then(|alloc| alloc()) };
            let Some(stack) = stack else {
                if !context::in_stackful() && !WARNED.swap(true, Ordering::Relaxed) {
                    log::warn!("stackful: no kernel stack available, running inline (not preemptible)");
                }
                return Inner::Inline(Box::pin(future));
            };
            let shared = Arc::new(Shared { waker: ksync::SpinLock::new(None), output: ksync::SpinLock::new(None), cancel: AtomicBool::new(false) });
            let body_shared = shared.clone();
            let body = Box::new(move || {
                let mut future = Box::pin(future);
                loop {
                    if body_shared.cancel.load(Ordering::Acquire) {
                        drop(future);
                        return;
                    }
                    let waker = body_shared.waker.lock().clone().expect("stackful resumed without a waker");
                    if let Poll::Ready(v) = future.as_mut().poll(&mut Context::from_waker(&waker)) {
                        *body_shared.output.lock() = Some(v);
                        return;
                    }
                    drop(waker);
                    context::suspend_current();
                }
            });
            Inner::OnStack(StackfulContext::new(stack, body), shared)
        }
    }

    impl<F> Future for Stackful<F>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        type Output = F::Output;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            let this = self.get_mut();
            if let Inner::NotStarted(_) = this.inner {
                let Inner::NotStarted(future) = core::mem::replace(&mut this.inner, Inner::Done) else { unreachable!() };
                this.inner = Self::start(future);
            }
            match &mut this.inner {
                Inner::Inline(future) => {
                    let poll = future.as_mut().poll(cx);
                    if poll.is_ready() {
                        this.inner = Inner::Done;
                    }
                    poll
                }
                Inner::OnStack(ctx, shared) => {
                    {
                        let mut slot = shared.waker.lock();
                        if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                            *slot = Some(cx.waker().clone());
                        }
                    }
                    match ctx.resume() {
                        Resumed::Suspended => Poll::Pending,
                        Resumed::Preempted => {
                            // RUNNING, so this is edge 4: requeued after we return.
                            cx.waker().wake_by_ref();
                            Poll::Pending
                        }
                        Resumed::Finished => {
                            let output = shared.output.lock().take().expect("stackful finished without output");
                            this.inner = Inner::Done; // frees the stack, on the executor's stack
                            Poll::Ready(output)
                        }
                    }
                }
                Inner::Done => panic!("stackful future polled after completion"),
                Inner::NotStarted(_) => unreachable!(),
            }
        }
    }

    impl<F: Future> Drop for Stackful<F> {
        fn drop(&mut self) {
            if let Inner::OnStack(ctx, shared) = &mut self.inner {
                shared.cancel.store(true, Ordering::Release);
                // Let the body drop the inner future on its own stack.
                while ctx.resume() != Resumed::Finished {}
            }
        }
    }
}
