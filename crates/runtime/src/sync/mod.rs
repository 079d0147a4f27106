//! Waiting for conditions: wait queues and the primitives built on them.

mod event;
mod mutex;
mod semaphore;
mod wait_queue;

pub use event::Event;
pub use mutex::{Mutex, MutexGuard};
pub use semaphore::{Semaphore, SemaphorePermit};
pub use wait_queue::{WaitQueue, WaitUntil};
