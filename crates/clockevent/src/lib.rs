//! The local APIC timer as a one-shot clock event device.
//!
//! Every timer interrupt weft takes is programmed here: the scheduler tick
//! and the next timer deadline alike are one-shot counts written into the
//! LAPIC timer's initial-count register. The timer is put in one-shot mode
//! once, at `init`, and never changes mode afterwards: no periodic mode, so
//! no window in which a periodic timer runs with a count computed at run
//! time. (A periodic timer briefly armed with a count of 1 re-fires every 16
//! ns; QEMU's main loop then spends all its time re-arming it and the whole
//! machine stalls: issue 21.)
//!
//! Rules, as Linux's clockevents framework has them
//! (`clockevents_program_event`):
//! - a deadline already due is not programmed ([`Programmed::Due`]): the
//!   caller runs whatever was due directly;
//! - a delay shorter than the minimum programmable delay is raised to it;
//! - a delay longer than the counter can hold is cut to the longest one
//!   (the interrupt then comes early and the caller re-arms).
//!
//! The code writes the registers through [`Registers`], so the host tests
//! drive it against a model of the LAPIC timer and check that no sequence
//! of calls leaves it periodic, or armed below the minimum.
#![no_std]
#![forbid(unsafe_code)]

/// The LAPIC timer registers this driver writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reg {
    /// LVT timer entry: vector, mask bit, mode bits.
    LvtTimer,
    /// Initial count: writing it starts (non-zero) or stops (zero) the timer.
    InitialCount,
    /// Divide configuration.
    DivideConfig,
}

/// Where the register writes go: MMIO in the kernel, a model in tests.
pub trait Registers {
    fn write(&mut self, reg: Reg, value: u32);
}

/// LVT bit: the timer raises no interrupt.
pub const LVT_MASKED: u32 = 1 << 16;
/// LVT mode bits 17-18: 0b00 one-shot, 0b01 periodic, 0b10 TSC-deadline.
pub const LVT_PERIODIC: u32 = 1 << 17;
/// Divide configuration value for "divide by 16".
pub const DIVIDE_BY_16: u32 = 0b0011;

/// The shortest delay weft programs. Under QEMU TCG an interrupt armed a
/// few hundred nanoseconds out is already "now" (entering the handler costs
/// microseconds), so 2 µs loses nothing and keeps the emulator's timer loop
/// from re-arming a near-zero count (Linux's LAPIC minimum is 15 counts,
/// plus the clockevents core's own floor).
pub const MIN_DELTA_NS: u64 = 2_000;

const NS_PER_SEC: u128 = 1_000_000_000;

/// What `program` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Programmed {
    /// The deadline has passed: nothing was written; run it now.
    Due,
    /// The timer was started with this initial count.
    Armed { count: u32 },
}

/// A calibrated one-shot LAPIC timer (divide by 16).
#[derive(Clone, Copy, Debug)]
pub struct OneShot {
    vector: u8,
    /// Timer counts per second at divide-by-16.
    counts_per_sec: u64,
    /// `MIN_DELTA_NS` in counts (at least 1).
    min_count: u32,
}

impl OneShot {
    /// A timer on interrupt `vector` that counted `counts` in `elapsed_ns`
    /// during calibration.
    pub fn from_calibration(vector: u8, counts: u64, elapsed_ns: u64) -> Self {
        let counts_per_sec = (counts as u128 * NS_PER_SEC / elapsed_ns.max(1) as u128).clamp(1, u64::MAX as u128) as u64;
        let mut timer = Self { vector, counts_per_sec, min_count: 1 };
        timer.min_count = timer.counts_for(MIN_DELTA_NS);
        timer
    }

    pub fn counts_per_sec(&self) -> u64 {
        self.counts_per_sec
    }

    /// The smallest count `program` writes.
    pub fn min_count(&self) -> u32 {
        self.min_count
    }

    /// The longest delay the counter holds.
    pub fn max_delay_ns(&self) -> u64 {
        self.ns_for(u32::MAX)
    }

    /// Counts covering at least `ns` (rounded up: never early), clamped to
    /// the register's range.
    fn counts_for(&self, ns: u64) -> u32 {
        let counts = (ns as u128 * self.counts_per_sec as u128).div_ceil(NS_PER_SEC);
        counts.clamp(1, u32::MAX as u128) as u32
    }

    /// Nanoseconds `count` counts take (rounded down).
    pub fn ns_for(&self, count: u32) -> u64 {
        (count as u128 * NS_PER_SEC / self.counts_per_sec as u128).min(u64::MAX as u128) as u64
    }

    /// Puts the timer in one-shot mode, stopped. The only LVT write: the
    /// mode never changes afterwards.
    pub fn init(&self, regs: &mut impl Registers) {
        regs.write(Reg::InitialCount, 0);
        regs.write(Reg::DivideConfig, DIVIDE_BY_16);
        regs.write(Reg::LvtTimer, self.vector as u32);
    }

    /// Starts the timer so that it fires `delay_ns` from now: not before,
    /// and at most one count (16 ns under QEMU) after, unless the delay is
    /// below the minimum (raised to it) or beyond the counter (cut to it).
    /// Replaces whatever was armed.
    pub fn program(&self, regs: &mut impl Registers, delay_ns: u64) -> Programmed {
        if delay_ns == 0 {
            return Programmed::Due;
        }
        let count = self.counts_for(delay_ns).max(self.min_count);
        regs.write(Reg::InitialCount, count);
        Programmed::Armed { count }
    }

    /// Stops the timer: no interrupt until the next `program`.
    pub fn stop(&self, regs: &mut impl Registers) {
        regs.write(Reg::InitialCount, 0);
    }
}

#[cfg(test)]
mod test {
    extern crate std;
    use std::vec::Vec;

    use proptest::prelude::*;

    use super::*;

    /// The LAPIC timer as Intel's SDM (10.5.4) and QEMU's apic.c have it:
    /// writing the initial count (re)starts the countdown, 0 stops it; in
    /// periodic mode it reloads at zero. Every write is checked against the
    /// invariant of issue 21: the timer is never periodic and unmasked with
    /// a count below the minimum, and its mode never changes once set.
    struct ModelLapic {
        lvt: u32,
        initial: u32,
        divide: u32,
        min_count: u32,
        lvt_writes: usize,
        writes: Vec<(Reg, u32)>,
    }

    impl ModelLapic {
        /// As firmware leaves it: masked, stopped.
        fn new(min_count: u32) -> Self {
            Self { lvt: LVT_MASKED, initial: 0, divide: 0, min_count, lvt_writes: 0, writes: Vec::new() }
        }

        fn periodic(&self) -> bool {
            self.lvt & (0b11 << 17) == LVT_PERIODIC
        }

        fn running(&self) -> bool {
            self.initial != 0 && self.lvt & LVT_MASKED == 0
        }
    }

    impl Registers for ModelLapic {
        fn write(&mut self, reg: Reg, value: u32) {
            self.writes.push((reg, value));
            match reg {
                Reg::LvtTimer => {
                    self.lvt = value;
                    self.lvt_writes += 1;
                }
                Reg::InitialCount => self.initial = value,
                Reg::DivideConfig => self.divide = value,
            }
            assert!(
                !(self.periodic() && self.running() && self.initial < self.min_count),
                "periodic with count {} below the minimum {} after {:?}",
                self.initial,
                self.min_count,
                self.writes
            );
            assert!(!self.periodic(), "the timer was put in periodic mode: {:?}", self.writes);
            assert!(self.lvt_writes <= 1, "the timer mode was changed after init: {:?}", self.writes);
        }
    }

    /// QEMU's LAPIC timer: 1 GHz bus, divide by 16.
    fn qemu_timer() -> OneShot {
        OneShot::from_calibration(32, 1_250_000, 20_000_000)
    }

    fn ready() -> (OneShot, ModelLapic) {
        let timer = qemu_timer();
        let mut apic = ModelLapic::new(timer.min_count());
        timer.init(&mut apic);
        (timer, apic)
    }

    #[test]
    fn calibration_gives_the_rate_and_minimum() {
        let t = qemu_timer();
        assert_eq!(t.counts_per_sec(), 62_500_000);
        assert_eq!(t.min_count(), 125, "2 µs at 16 ns a count");
        assert_eq!(t.ns_for(t.min_count()), MIN_DELTA_NS);
    }

    #[test]
    fn init_leaves_a_stopped_one_shot_timer() {
        let (_, apic) = ready();
        assert_eq!(apic.lvt, 32, "one-shot, unmasked, vector 32");
        assert_eq!(apic.initial, 0);
        assert_eq!(apic.divide, DIVIDE_BY_16);
    }

    #[test]
    fn a_due_deadline_is_not_programmed() {
        let (t, mut apic) = ready();
        let before = apic.writes.len();
        assert_eq!(t.program(&mut apic, 0), Programmed::Due);
        assert_eq!(apic.writes.len(), before, "no register was written");
    }

    #[test]
    fn a_near_deadline_gets_the_minimum_delay_not_a_count_of_one() {
        let (t, mut apic) = ready();
        for delay in [1, 15, 16, 17, 500, MIN_DELTA_NS - 1, MIN_DELTA_NS] {
            assert_eq!(t.program(&mut apic, delay), Programmed::Armed { count: t.min_count() }, "delay {delay}");
            assert_eq!(apic.initial, t.min_count());
        }
    }

    #[test]
    fn a_deadline_in_range_fires_on_time_never_early() {
        let (t, mut apic) = ready();
        for delay in [MIN_DELTA_NS + 1, 4_000_000, 4_000_001, 999_999_999, 60_000_000_000] {
            let Programmed::Armed { count } = t.program(&mut apic, delay) else { panic!("armed") };
            let fires = t.ns_for(count);
            assert!(fires + 16 >= delay, "fires at {fires} for {delay}: early");
            assert!(fires <= delay + 16, "fires at {fires} for {delay}: more than a count late");
        }
    }

    #[test]
    fn a_far_deadline_is_cut_to_the_longest_count() {
        let (t, mut apic) = ready();
        assert_eq!(t.program(&mut apic, u64::MAX), Programmed::Armed { count: u32::MAX });
        assert_eq!(t.program(&mut apic, t.max_delay_ns() + 1_000_000), Programmed::Armed { count: u32::MAX });
    }

    #[test]
    fn stop_writes_a_zero_count() {
        let (t, mut apic) = ready();
        let _ = t.program(&mut apic, 1_000_000);
        t.stop(&mut apic);
        assert!(!apic.running());
    }

    #[derive(Clone, Debug)]
    enum Op {
        Program(u64),
        Stop,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0u64..4 * MIN_DELTA_NS).prop_map(Op::Program),
            3 => (0u64..10_000_000).prop_map(Op::Program),
            1 => any::<u64>().prop_map(Op::Program),
            1 => Just(Op::Stop),
        ]
    }

    proptest! {
        /// Any sequence of due, near and far deadlines, on any calibrated
        /// rate, keeps the model's invariant and arms at least the minimum.
        #[test]
        fn no_sequence_leaves_the_timer_periodic_or_below_the_minimum(
            counts in 1u64..100_000_000,
            elapsed_ns in 1_000_000u64..100_000_000,
            ops in proptest::collection::vec(op(), 1..64),
        ) {
            let t = OneShot::from_calibration(32, counts, elapsed_ns);
            let mut apic = ModelLapic::new(t.min_count());
            t.init(&mut apic);
            for op in ops {
                match op {
                    Op::Program(delay) => match t.program(&mut apic, delay) {
                        Programmed::Due => prop_assert_eq!(delay, 0),
                        Programmed::Armed { count } => {
                            prop_assert!(count >= t.min_count());
                            prop_assert_eq!(apic.initial, count);
                            prop_assert!(t.ns_for(count).saturating_add(t.ns_for(1) + 1) >= delay.min(t.max_delay_ns()));
                        }
                    },
                    Op::Stop => t.stop(&mut apic),
                }
            }
        }
    }
}
