//! `ktest=lockdep`: the lock-order check (`ksync::lockdep`) must report an
//! inversion. Two locks are taken in both orders, one order after the
//! other on one CPU: no deadlock happens, but two CPUs doing the same at
//! once could deadlock, and that is what lockdep is for.

static FIRST: ksync::SpinLock<u32> = ksync::SpinLock::new(0);
static SECOND: ksync::SpinLock<u32> = ksync::SpinLock::new(0);

/// Ends the run: with the panic exit code after a report (xtask checks
/// the report), with a panic if there was none.
pub fn deliberate_inversion() -> ! {
    {
        // Lock order: FIRST -> SECOND.
        let mut first = FIRST.lock();
        let mut second = SECOND.lock();
        *first += 1;
        *second += 1;
    }
    {
        // The other way round: the inversion.
        let mut second = SECOND.lock();
        let mut first = FIRST.lock();
        *second += 1;
        *first += 1;
    }
    if !ksync::lockdep::inversion_reported() {
        panic!("lockdep scenario done");
    }
    arch::serial::write_bytes(b"lockdep scenario: reported\n");
    arch::power::debug_exit(crate::exit_code::PANIC);
    arch::cpu::halt_forever()
}
