//! What the runtime needs from the machine.

/// The hardware hooks the runtime calls, installed once by [`crate::init`].
/// The kernel implements it with the LAPIC, the TSC and `sti; hlt`; host
/// tests with std threads as CPUs (a thread-local CPU id, park/unpark).
pub trait Platform: Sync {
    /// Index of the calling CPU. Values `>= cpu_count` mean "not one of the
    /// runtime's CPUs" (a host thread outside the executors); the kernel
    /// always returns a valid index.
    fn cpu_id(&self) -> usize;

    /// Monotonic nanoseconds, the same clock on every CPU.
    fn now_ns(&self) -> u64;

    /// Makes CPU `cpu` return from [`Platform::idle`] (an IPI in the kernel).
    fn wake_cpu(&self, cpu: usize);

    /// Sleeps until an interrupt or a `wake_cpu`. The platform disables
    /// interrupts, calls `still_idle()` (the runtime re-checks its queues and
    /// timers), and only if that returns true halts atomically with
    /// re-enabling interrupts (`sti; hlt`), so a `wake_cpu` sent after the
    /// check is never lost. May return spuriously.
    fn idle(&self, still_idle: &dyn Fn() -> bool);

    /// Programs the calling CPU's timer interrupt to fire `delay_ns` from
    /// now (`Some(d)`, `d > 0`; the platform may raise a delay below its
    /// minimum), replacing what was armed, or stops it (`None`). A delay,
    /// not a deadline: the runtime decided what is due against its own
    /// reading of the clock, and a deadline read against a later one could
    /// turn out due and arm nothing. Called with interrupts off. Platforms
    /// without a timer interrupt (host tests) keep the default, which does
    /// nothing.
    fn set_timer(&self, delay_ns: Option<u64>) {
        let _ = delay_ns;
    }
}

/// Tunables of a runtime instance.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Length of a time slice: `tick` asks for preemption once the current
    /// task has run this long and something else is runnable.
    pub slice_ns: u64,
    /// Haltpoll window an idle CPU starts with, and the value a growing
    /// window restarts from (Linux's `guest_halt_poll_grow_start`).
    pub haltpoll_start_ns: u64,
    /// Largest haltpoll window (Linux's `guest_halt_poll_ns`); an idle
    /// period longer than this shrinks the window.
    pub haltpoll_max_ns: u64,
    /// Longest stretch a busy CPU goes without a timer interrupt, and the
    /// period of the check an idle CPU makes while another is busy
    /// (`tick.rs`): the lockup watchdog's heartbeat.
    pub housekeeping_ns: u64,
}

impl Default for Config {
    /// 4 ms slices, haltpoll from 50 µs up to 200 µs, a housekeeping
    /// tick every second.
    fn default() -> Self {
        Self { slice_ns: 4_000_000, haltpoll_start_ns: 50_000, haltpoll_max_ns: 200_000, housekeeping_ns: 1_000_000_000 }
    }
}
