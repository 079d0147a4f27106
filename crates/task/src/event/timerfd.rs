//! timerfd: a timer as a file (timerfd_create(2)).
//!
//! The expirations are not counted by a task: they follow from the clock.
//! A timer armed for `deadline` with period `interval` has expired
//! `1 + (now - deadline) / interval` times once `now >= deadline` (once if
//! one-shot); a read returns that count and moves `deadline` past `now`.
//! Only waking the waiters needs a timer: while somebody waits (a blocked
//! read, poll, an epoll registration), the timerfd keeps one runtime sleep
//! armed for the next expiry, polled with a fan-out waker that wakes them
//! all. Setting the timer again drops that sleep (its runtime timer goes
//! with it), so re-arming many times leaves nothing behind.
//!
//! Clocks: CLOCK_MONOTONIC and CLOCK_BOOTTIME are the runtime's clock (weft
//! does not suspend); CLOCK_REALTIME deadlines are converted to it when set.
//! weft's realtime clock is never set by user space, so
//! `TFD_TIMER_CANCEL_ON_SET` is accepted (with TFD_TIMER_ABSTIME on
//! CLOCK_REALTIME, as Linux requires) and never cancels.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::task::Wake;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use abi::{Errno, KResult};
use fs::wait::WakerList;
use fs::{FileOps, OpenFile, OpenFlags, PollEvents};
use ksync::SpinLock;

pub const CLOCK_REALTIME: i32 = 0;
pub const CLOCK_MONOTONIC: i32 = 1;
pub const CLOCK_BOOTTIME: i32 = 7;
pub const TFD_TIMER_ABSTIME: u32 = 1;
pub const TFD_TIMER_CANCEL_ON_SET: u32 = 2;

/// A setting: when the timer next expires (on the runtime's clock; 0:
/// disarmed) and its period (0: one-shot).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Setting {
    pub deadline: u64,
    pub interval: u64,
}

impl Setting {
    /// How many times it has expired by `now`.
    pub fn expirations(&self, now: u64) -> u64 {
        if self.deadline == 0 || now < self.deadline {
            0
        } else if self.interval == 0 {
            1
        } else {
            1 + (now - self.deadline) / self.interval
        }
    }

    /// The setting after `n` expirations were read.
    pub fn consume(&self, n: u64) -> Setting {
        match self.interval {
            0 if n > 0 => Setting::default(),
            0 => *self,
            i => Setting { deadline: self.deadline.saturating_add(i.saturating_mul(n)), interval: i },
        }
    }

    /// Time to the next expiry after `now` (what timerfd_gettime reports;
    /// 0 when disarmed).
    pub fn remaining(&self, now: u64) -> u64 {
        let next = self.consume(self.expirations(now)).deadline;
        if next == 0 { 0 } else { next.saturating_sub(now).max(1) }
    }
}

/// Wakes every waiter of one timerfd: the waker its sleep is polled with.
#[derive(Default)]
struct Fanout {
    waiters: SpinLock<WakerList>,
}

impl Wake for Fanout {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut woken = self.waiters.lock().take();
        woken.wake_all();
    }
}

pub struct TimerFd {
    clock: i32,
    fanout: Arc<Fanout>,
    /// Lock order: before the runtime's timer lock (the sleep is polled
    /// under it) and before `fanout.waiters`.
    state: SpinLock<State>,
}

struct State {
    setting: Setting,
    /// The sleep that wakes the waiters at `alarm_at`.
    alarm: Option<(u64, Pin<Box<runtime::Sleep>>)>,
}

impl TimerFd {
    /// `timerfd_create(clock, flags)`; the caller checked both.
    pub fn new_file(clock: i32, flags: OpenFlags) -> Arc<OpenFile> {
        let ops = Arc::new(TimerFd { clock, fanout: Arc::default(), state: SpinLock::new(State { setting: Setting::default(), alarm: None }) });
        fs::event::anon_file(ops, "[timerfd]", flags | OpenFlags::RDWR)
    }

    /// `timerfd_settime`: `value` and `interval` in ns, `value` absolute on
    /// the timer's clock with `TFD_TIMER_ABSTIME` (`realtime_offset` is the
    /// realtime clock's distance from the runtime's). Returns the old
    /// (remaining, interval).
    pub fn set(&self, flags: u32, value: u64, interval: u64, realtime_offset: u64) -> (u64, u64) {
        let now = runtime::now_ns();
        let deadline = match (value, flags & TFD_TIMER_ABSTIME != 0) {
            (0, _) => 0,
            (v, true) if self.clock == CLOCK_REALTIME => v.saturating_sub(realtime_offset).max(1),
            (v, true) => v.max(1),
            (v, false) => now.saturating_add(v),
        };
        let mut st = self.state.lock();
        let old = st.setting;
        st.setting = Setting { deadline, interval: if deadline == 0 { 0 } else { interval } };
        // The old sleep goes (and its runtime timer with it); waiters are
        // woken to look at the new setting and arm for it.
        let alarm = st.alarm.take();
        drop(st);
        drop(alarm);
        Waker::from(self.fanout.clone()).wake();
        (old.remaining(now), old.interval)
    }

    /// `timerfd_gettime`: (remaining, interval).
    pub fn get(&self) -> (u64, u64) {
        let setting = self.state.lock().setting;
        (setting.remaining(runtime::now_ns()), setting.interval)
    }

    /// Registers `waker` to hear of the next expiry and keeps a sleep armed
    /// for it. Caller holds `state`.
    fn wait_for_expiry(&self, st: &mut State, waker: &Waker) {
        self.fanout.waiters.lock().register(waker);
        let next = st.setting.deadline;
        if next == 0 {
            return;
        }
        if st.alarm.as_ref().is_none_or(|(at, _)| *at != next) {
            st.alarm = Some((next, Box::pin(runtime::sleep_until(next))));
        }
        let fanout = Waker::from(self.fanout.clone());
        if let Some((_, sleep)) = st.alarm.as_mut()
            && sleep.as_mut().poll(&mut Context::from_waker(&fanout)).is_ready()
        {
            // Already due: whoever waits looks again at once.
            st.alarm = None;
            drop(fanout);
            self.fanout.wake_by_ref();
        }
    }
}

impl FileOps for TimerFd {
    fn poll_read(&self, file: &OpenFile, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<KResult<usize>> {
        if buf.len() < 8 {
            return Poll::Ready(Err(Errno::EINVAL));
        }
        let mut st = self.state.lock();
        let n = st.setting.expirations(runtime::now_ns());
        if n == 0 {
            if file.is_nonblocking() {
                return Poll::Ready(Err(Errno::EAGAIN));
            }
            self.wait_for_expiry(&mut st, cx.waker());
            return Poll::Pending;
        }
        st.setting = st.setting.consume(n);
        buf[..8].copy_from_slice(&n.to_ne_bytes());
        Poll::Ready(Ok(8))
    }

    fn poll_write(&self, _file: &OpenFile, _cx: &mut Context<'_>, _buf: &[u8]) -> Poll<KResult<usize>> {
        Poll::Ready(Err(Errno::EINVAL))
    }

    fn poll_ready(&self, _file: &OpenFile, cx: Option<&mut Context<'_>>) -> PollEvents {
        let mut st = self.state.lock();
        if st.setting.expirations(runtime::now_ns()) > 0 {
            return PollEvents::READABLE;
        }
        if let Some(cx) = cx {
            self.wait_for_expiry(&mut st, cx.waker());
        }
        PollEvents::empty()
    }

    fn can_poll(&self) -> bool {
        true
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn s(deadline: u64, interval: u64) -> Setting {
        Setting { deadline, interval }
    }

    #[test]
    fn one_shot_expires_once_and_disarms_when_read() {
        let t = s(100, 0);
        assert_eq!(t.expirations(99), 0);
        assert_eq!(t.expirations(100), 1);
        assert_eq!(t.expirations(10_000), 1);
        assert_eq!(t.consume(1), Setting::default());
        assert_eq!(t.remaining(40), 60);
        assert_eq!(t.remaining(150), 0, "expired, unread: nothing left to run");
    }

    #[test]
    fn periodic_counts_every_period_missed() {
        let t = s(100, 10);
        assert_eq!(t.expirations(100), 1);
        assert_eq!(t.expirations(135), 4, "100, 110, 120, 130");
        let after = t.consume(4);
        assert_eq!(after, s(140, 10));
        assert_eq!(after.expirations(139), 0);
        assert_eq!(t.remaining(135), 5, "the next one is at 140");
    }

    #[test]
    fn disarmed_never_expires() {
        assert_eq!(Setting::default().expirations(u64::MAX), 0);
        assert_eq!(Setting::default().remaining(5), 0);
    }

    #[test]
    fn huge_periods_and_counts_do_not_overflow() {
        let t = s(u64::MAX - 5, u64::MAX / 2);
        assert_eq!(t.expirations(u64::MAX), 1);
        assert_eq!(t.consume(3).deadline, u64::MAX);
    }
}
