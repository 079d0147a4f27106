//! weft's system calls: the user-thread loop (the body of every user
//! thread's task) and the syscall table, with one thin module per family
//! under `sys/`. Handlers decode arguments, copy user memory, call into
//! `task`, `mm` or `fs`, and encode the result.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod ctx;
mod dispatch;
mod fault;
mod signal;
mod sys;
pub mod trail;
mod user_loop;

use core::future::Future;
use core::task::Poll;

use abi::{Errno, KResult};
use task::process::Thread;
use task::process::signal_send::has_interrupt;

pub use sys::misc::{HOSTNAME, RELEASE, VERSION, set_loads, set_log_reader, set_mem_info};
pub use sys::path::set_fs_factory;
pub use user_loop::spawn_user_thread;

/// Runs `fut` until it completes or the thread gets a signal it does not
/// block (or must exit), in which case the call ends with ERESTARTSYS and
/// the signal code decides between EINTR and a restart. Dropping `fut`
/// cancels whatever it waited for.
pub async fn interruptible<T>(thread: &Thread, fut: impl Future<Output = KResult<T>>) -> KResult<T> {
    let mut fut = core::pin::pin!(fut);
    runtime::poll_fn(move |cx| {
        if let Poll::Ready(result) = fut.as_mut().poll(cx) {
            return Poll::Ready(result);
        }
        if has_interrupt(thread) { Poll::Ready(Err(Errno::ERESTARTSYS)) } else { Poll::Pending }
    })
    .await
}
