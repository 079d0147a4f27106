//! Files that wait on the kernel's own events: timers ([`timerfd`]),
//! signals ([`signalfd`]) and processes ([`pidfd`]). They are anonymous-
//! inode files like fs's epoll and eventfd (`fs::event`), and live here
//! because they need the runtime's clock and the process model.

pub mod pidfd;
pub mod signalfd;
pub mod timerfd;
