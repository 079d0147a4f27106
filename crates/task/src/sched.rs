//! A thread's scheduling attributes as Linux keeps them in `task_struct`
//! (policy, rt_priority, static_prio as a nice value, sched_reset_on_fork)
//! plus the priority-inheritance boost PI futexes lend it, and the rules
//! of kernel/sched/core.c (Linux 6.1) for changing them:
//! `__sched_setscheduler` with its unprivileged checks, `set_one_prio`
//! (setpriority) and `sched_fork` (inheritance, reset-on-fork).
//!
//! The kernel decides a thread's class here; the runtime only orders tasks
//! by it. Every change is pushed to the thread's runtime task
//! ([`runtime::TaskRef::set_sched_class`]) under the thread's lock, so the
//! last writer's class is the one the task keeps. A thread whose task is
//! not recorded yet gets its class at spawn (`Builder::sched_class`) and
//! once more right after the task is recorded ([`Thread::apply_sched`]).

use abi::{Errno, KResult};
use ksync::SpinLock;
use runtime::{SchedClass, nice_to_weight};

use crate::caps::CAP_SYS_NICE;
use crate::process::{Process, Thread};
use crate::rlimit::{RLIMIT_NICE, RLIMIT_RTPRIO};

pub const SCHED_OTHER: u32 = 0;
pub const SCHED_FIFO: u32 = 1;
pub const SCHED_RR: u32 = 2;
pub const SCHED_BATCH: u32 = 3;
pub const SCHED_IDLE: u32 = 5;
pub const SCHED_DEADLINE: u32 = 6;
/// Or-ed into sched_setscheduler's policy, and into what
/// sched_getscheduler returns.
pub const SCHED_RESET_ON_FORK: u32 = 0x4000_0000;

/// `sched_attr.sched_flags`.
pub const SCHED_FLAG_RESET_ON_FORK: u64 = 0x01;
pub const SCHED_FLAG_RECLAIM: u64 = 0x02;
pub const SCHED_FLAG_DL_OVERRUN: u64 = 0x04;
pub const SCHED_FLAG_KEEP_POLICY: u64 = 0x08;
pub const SCHED_FLAG_KEEP_PARAMS: u64 = 0x10;
pub const SCHED_FLAG_UTIL_CLAMP_MIN: u64 = 0x20;
pub const SCHED_FLAG_UTIL_CLAMP_MAX: u64 = 0x40;
pub const SCHED_FLAG_UTIL_CLAMP: u64 = SCHED_FLAG_UTIL_CLAMP_MIN | SCHED_FLAG_UTIL_CLAMP_MAX;
pub const SCHED_FLAG_ALL: u64 = 0x7f;
/// The schedutil governor's kernel-only flag: user space gets EINVAL.
pub const SCHED_FLAG_SUGOV: u64 = 0x1000_0000;

pub const MIN_NICE: i32 = -20;
pub const MAX_NICE: i32 = 19;
/// The highest SCHED_FIFO/SCHED_RR priority (MAX_RT_PRIO - 1).
pub const MAX_RT_PRIORITY: u32 = 99;

/// SCHED_DEADLINE's period bounds (sysctl_sched_dl_period_min/max, in
/// nanoseconds) and the runtime's resolution (DL_SCALE bits).
const DL_PERIOD_MIN_NS: u64 = 100 * 1000;
const DL_PERIOD_MAX_NS: u64 = (1 << 22) * 1000;
const DL_SCALE: u32 = 10;

/// The `rlim` value that allows `nice` (nice_to_rlimit: 19..-20 -> 1..40).
pub fn nice_to_rlimit(nice: i32) -> u64 {
    (MAX_NICE - nice.clamp(MIN_NICE, MAX_NICE) + 1) as u64
}

fn rt_policy(policy: u32) -> bool {
    policy == SCHED_FIFO || policy == SCHED_RR
}

/// SCHED_OTHER and SCHED_BATCH: the policies whose nice value the calls set.
fn fair_policy(policy: u32) -> bool {
    policy == SCHED_OTHER || policy == SCHED_BATCH
}

fn valid_policy(policy: u32) -> bool {
    fair_policy(policy) || rt_policy(policy) || policy == SCHED_IDLE || policy == SCHED_DEADLINE
}

/// The scheduling attributes of one thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchedParams {
    /// SCHED_OTHER, FIFO, RR, BATCH or IDLE (never DEADLINE in weft).
    pub policy: u32,
    /// 1..=99 under FIFO and RR, 0 otherwise.
    pub rt_priority: u32,
    /// -20..=19; kept (and reported) under every policy, used only by the
    /// fair ones.
    pub nice: i32,
    pub reset_on_fork: bool,
}

impl Default for SchedParams {
    fn default() -> Self {
        Self { policy: SCHED_OTHER, rt_priority: 0, nice: 0, reset_on_fork: false }
    }
}

impl SchedParams {
    pub fn is_real_time(&self) -> bool {
        rt_policy(self.policy)
    }

    /// What a child starts with (sched_fork): the creator's attributes,
    /// except that reset-on-fork sends a real-time parent's child back to
    /// SCHED_OTHER at nice 0, a negative nice back to 0, and is itself
    /// cleared.
    pub fn at_fork(&self) -> SchedParams {
        if !self.reset_on_fork {
            return *self;
        }
        if self.is_real_time() {
            return SchedParams::default();
        }
        SchedParams { nice: self.nice.max(0), reset_on_fork: false, ..*self }
    }

    /// The runtime class with an optional real-time boost lent by a PI
    /// futex waiter: real-time at the higher of the two priorities if
    /// either is real-time (a boosted fair thread runs as FIFO, as Linux's
    /// rt_mutex_setprio moves it to the RT class with its policy intact).
    pub fn class(&self, boost: Option<u8>) -> SchedClass {
        if let Some(priority) = self.effective_rt_priority(boost) {
            let round_robin = self.policy == SCHED_RR;
            return SchedClass::RealTime { priority, round_robin };
        }
        match self.policy {
            SCHED_IDLE => SchedClass::Idle,
            _ => SchedClass::Fair { weight: nice_to_weight(self.nice) },
        }
    }

    /// The real-time priority the thread runs at, if it runs as real-time.
    pub fn effective_rt_priority(&self, boost: Option<u8>) -> Option<u8> {
        let own = self.base_rt_priority();
        match (own, boost.filter(|&b| b > 0)) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0).max(b.unwrap_or(0))),
        }
    }

    /// Its own real-time priority (FIFO or RR), without boosts.
    pub fn base_rt_priority(&self) -> Option<u8> {
        self.is_real_time().then(|| self.rt_priority.clamp(1, MAX_RT_PRIORITY) as u8)
    }

    /// Linux's `task_prio` (the 18th field of /proc/<pid>/stat): `prio -
    /// MAX_RT_PRIO`, i.e. 20 + nice for the fair and idle policies and
    /// -1 - priority for real-time ones (boost included).
    pub fn task_prio(&self, boost: Option<u8>) -> i32 {
        match self.effective_rt_priority(boost) {
            Some(p) => -1 - i32::from(p),
            None => 20 + self.nice,
        }
    }
}

/// SCHED_DEADLINE's parameters from `struct sched_attr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeadlineParams {
    pub runtime: u64,
    pub deadline: u64,
    pub period: u64,
}

impl DeadlineParams {
    /// `__checkparam_dl`: runtime <= deadline <= period within the sysctl
    /// bounds.
    fn valid(&self) -> bool {
        if self.deadline == 0 || self.runtime < 1 << DL_SCALE {
            return false;
        }
        if self.deadline & (1 << 63) != 0 || self.period & (1 << 63) != 0 {
            return false;
        }
        let period = if self.period == 0 { self.deadline } else { self.period };
        period >= self.deadline
            && self.deadline >= self.runtime
            && (DL_PERIOD_MIN_NS..=DL_PERIOD_MAX_NS).contains(&period)
    }
}

/// A request to change the attributes: sched_setscheduler, sched_setparam
/// and sched_setattr all become one (as Linux's `struct sched_attr`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SchedRequest {
    /// None: keep the policy (sched_setparam, SCHED_FLAG_KEEP_POLICY).
    pub policy: Option<u32>,
    pub flags: u64,
    /// `sched_priority` as the caller gave it (a negative int is huge).
    pub priority: u32,
    /// Already clamped to -20..=19 (sched_setscheduler passes the
    /// thread's own).
    pub nice: i32,
    pub deadline: DeadlineParams,
}

/// What the permission checks need to know about the caller and target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchedPermission {
    /// The caller has CAP_SYS_NICE.
    pub cap_sys_nice: bool,
    /// The caller's euid is the target's uid or euid (check_same_owner;
    /// setpriority's set_one_prio_perm is the same test).
    pub same_owner: bool,
    /// The target's RLIMIT_NICE and RLIMIT_RTPRIO soft limits.
    pub rlimit_nice: u64,
    pub rlimit_rtprio: u64,
}

impl SchedPermission {
    /// `is_nice_reduction`: the target's RLIMIT_NICE allows `nice`.
    fn nice_allowed(&self, nice: i32) -> bool {
        nice_to_rlimit(nice) <= self.rlimit_nice
    }
}

impl SchedPermission {
    /// The caller's rights over `target` (one lock at a time: the target
    /// may be in the caller's own process).
    pub fn of(caller: &Process, target: &Thread) -> SchedPermission {
        let (euid, cap_sys_nice) = {
            let c = caller.cred.lock();
            (c.euid, c.caps.has(CAP_SYS_NICE))
        };
        let (uid, teuid) = {
            let t = target.process().cred.lock();
            (t.uid, t.euid)
        };
        let (rlimit_nice, rlimit_rtprio) = {
            let l = target.process().limits.lock();
            (l.cur(RLIMIT_NICE), l.cur(RLIMIT_RTPRIO))
        };
        SchedPermission { cap_sys_nice, same_owner: euid == uid || euid == teuid, rlimit_nice, rlimit_rtprio }
    }
}

/// `__sched_setscheduler`'s checks in Linux's order, then the new
/// attributes. `cur` is the target's now (under its lock).
pub fn setscheduler(cur: &SchedParams, req: &SchedRequest, perm: &SchedPermission) -> KResult<SchedParams> {
    let (policy, reset_on_fork) = match req.policy {
        None => (cur.policy, cur.reset_on_fork),
        Some(policy) if valid_policy(policy) => (policy, req.flags & SCHED_FLAG_RESET_ON_FORK != 0),
        Some(_) => return Err(Errno::EINVAL),
    };
    if req.flags & !(SCHED_FLAG_ALL | SCHED_FLAG_SUGOV) != 0 {
        return Err(Errno::EINVAL);
    }
    // SCHED_FLAG_KEEP_PARAMS: the priority (real-time) or nice (others)
    // are the thread's own (sys_sched_setattr's get_params).
    let mut req = *req;
    if req.flags & SCHED_FLAG_KEEP_PARAMS != 0 {
        if cur.is_real_time() {
            req.priority = cur.rt_priority;
        } else {
            req.nice = cur.nice;
        }
    }
    if req.priority > MAX_RT_PRIORITY {
        return Err(Errno::EINVAL);
    }
    if (policy == SCHED_DEADLINE && !req.deadline.valid()) || rt_policy(policy) != (req.priority != 0) {
        return Err(Errno::EINVAL);
    }
    if !perm.cap_sys_nice {
        user_check(cur, &req, policy, reset_on_fork, perm)?;
    }
    if req.flags & SCHED_FLAG_SUGOV != 0 {
        return Err(Errno::EINVAL);
    }
    if req.flags & SCHED_FLAG_UTIL_CLAMP != 0 {
        // Linux without CONFIG_UCLAMP_TASK (Debian's 6.1 build).
        return Err(Errno::EOPNOTSUPP);
    }
    if policy == cur.policy {
        let changes = (fair_policy(policy) && req.nice != cur.nice) || (rt_policy(policy) && req.priority != cur.rt_priority);
        if !changes {
            return Ok(SchedParams { reset_on_fork, ..*cur });
        }
    }
    if policy == SCHED_DEADLINE {
        // weft has no deadline class (issue 14 allows EINVAL here; Linux
        // would admit a privileged caller's valid request).
        return Err(Errno::EINVAL);
    }
    let mut new = SchedParams { reset_on_fork, ..*cur };
    // KEEP_PARAMS leaves policy and parameters alone (only the flags
    // change), as __sched_setscheduler skips __setscheduler_params.
    if req.flags & SCHED_FLAG_KEEP_PARAMS == 0 {
        new.policy = policy;
        if fair_policy(policy) {
            new.nice = req.nice;
        }
        new.rt_priority = req.priority;
    }
    Ok(new)
}

/// The unprivileged rules (user_check_sched_setscheduler): lower your own
/// priority freely, raise it only as far as your limits allow, touch only
/// threads you own, and keep reset-on-fork once set.
fn user_check(cur: &SchedParams, req: &SchedRequest, policy: u32, reset_on_fork: bool, perm: &SchedPermission) -> KResult<()> {
    if fair_policy(policy) && req.nice < cur.nice && !perm.nice_allowed(req.nice) {
        return Err(Errno::EPERM);
    }
    if rt_policy(policy) {
        if policy != cur.policy && perm.rlimit_rtprio == 0 {
            return Err(Errno::EPERM);
        }
        if req.priority > cur.rt_priority && u64::from(req.priority) > perm.rlimit_rtprio {
            return Err(Errno::EPERM);
        }
    }
    if policy == SCHED_DEADLINE {
        return Err(Errno::EPERM);
    }
    // SCHED_IDLE counts as nice 20: leaving it needs RLIMIT_NICE to allow
    // the thread's nice value.
    if cur.policy == SCHED_IDLE && policy != SCHED_IDLE && !perm.nice_allowed(cur.nice) {
        return Err(Errno::EPERM);
    }
    if !perm.same_owner {
        return Err(Errno::EPERM);
    }
    if cur.reset_on_fork && !reset_on_fork {
        return Err(Errno::EPERM);
    }
    Ok(())
}

/// setpriority's `set_one_prio`: EPERM for a thread the caller does not
/// own, EACCES for a nice value below the current one that RLIMIT_NICE
/// does not allow.
pub fn set_nice_allowed(cur: &SchedParams, nice: i32, perm: &SchedPermission) -> KResult<()> {
    if !perm.same_owner && !perm.cap_sys_nice {
        return Err(Errno::EPERM);
    }
    if nice < cur.nice && !perm.nice_allowed(nice) && !perm.cap_sys_nice {
        return Err(Errno::EACCES);
    }
    Ok(())
}

/// A thread's attributes and the boost lent to it, under one lock.
#[derive(Default)]
pub struct ThreadSched {
    state: SpinLock<SchedState>,
}

#[derive(Clone, Copy, Default)]
struct SchedState {
    params: SchedParams,
    pi_boost: Option<u8>,
}

impl ThreadSched {
    /// A new thread's attributes (copy_process, before it runs): the
    /// creator's, as sched_fork resets them; boosts are not inherited.
    pub fn inherit(&self, parent: &ThreadSched) {
        let params = parent.params().at_fork();
        self.state.lock().params = params;
    }

    pub fn params(&self) -> SchedParams {
        self.state.lock().params
    }

    pub fn pi_boost(&self) -> Option<u8> {
        self.state.lock().pi_boost
    }

    /// The runtime class the thread should run in now.
    pub fn class(&self) -> SchedClass {
        let s = self.state.lock();
        s.params.class(s.pi_boost)
    }

    /// `task_prio` for /proc (boost included).
    pub fn task_prio(&self) -> i32 {
        let s = self.state.lock();
        s.params.task_prio(s.pi_boost)
    }
}

impl Thread {
    /// Changes the thread's attributes by the rules of
    /// sched_setscheduler/sched_setparam/sched_setattr and applies the
    /// resulting class.
    pub fn set_scheduler(&self, req: &SchedRequest, perm: &SchedPermission) -> KResult<()> {
        let mut s = self.sched.state.lock();
        s.params = setscheduler(&s.params, req, perm)?;
        self.push_class(s.params.class(s.pi_boost));
        Ok(())
    }

    /// setpriority on this thread (after [`set_nice_allowed`] said yes):
    /// the nice value changes under every policy but matters only to the
    /// fair ones (set_user_nice).
    pub fn set_nice(&self, nice: i32, perm: &SchedPermission) -> KResult<()> {
        let mut s = self.sched.state.lock();
        set_nice_allowed(&s.params, nice, perm)?;
        s.params.nice = nice.clamp(MIN_NICE, MAX_NICE);
        self.push_class(s.params.class(s.pi_boost));
        Ok(())
    }

    /// Lends the thread a real-time priority (PI futex owner boosting,
    /// Linux's rt_mutex_setprio) or takes the loan back (`None`), and
    /// applies the resulting class: real-time at the higher of its own and
    /// the boost, or its own class again.
    pub fn set_pi_boost(&self, prio: Option<u8>) {
        let mut s = self.sched.state.lock();
        s.pi_boost = prio.filter(|&p| p > 0).map(|p| p.min(MAX_RT_PRIORITY as u8));
        self.push_class(s.params.class(s.pi_boost));
    }

    /// The real-time priority the thread runs at (its own or a boost,
    /// whichever is higher), or None when it runs in the fair or idle
    /// class.
    pub fn effective_rt_priority(&self) -> Option<u8> {
        let s = self.sched.state.lock();
        s.params.effective_rt_priority(s.pi_boost)
    }

    /// Its own SCHED_FIFO/SCHED_RR priority, boosts aside (what a PI chain
    /// compares against and restores to).
    pub fn base_rt_priority(&self) -> Option<u8> {
        self.sched.params().base_rt_priority()
    }

    /// Pushes the class to the task once it is recorded (the spawner
    /// calls this after `set_task`, so a change made in between is not
    /// lost).
    pub fn apply_sched(&self) {
        let s = self.sched.state.lock();
        self.push_class(s.params.class(s.pi_boost));
    }

    /// Called with the thread's sched lock held: changes reach the task in
    /// the order they were made.
    fn push_class(&self, class: SchedClass) {
        if let Some(task) = self.task()
            && task.sched_class() != class
        {
            task.set_sched_class(class);
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    const ROOT: SchedPermission = SchedPermission { cap_sys_nice: true, same_owner: true, rlimit_nice: 0, rlimit_rtprio: 0 };
    const USER: SchedPermission = SchedPermission { cap_sys_nice: false, same_owner: true, rlimit_nice: 0, rlimit_rtprio: 0 };

    fn req(policy: u32, priority: u32) -> SchedRequest {
        SchedRequest { policy: Some(policy), priority, ..SchedRequest::default() }
    }

    #[test]
    fn classes_follow_policy_nice_and_boost() {
        let other = SchedParams { nice: 10, ..SchedParams::default() };
        assert_eq!(other.class(None), SchedClass::Fair { weight: 110 });
        assert_eq!(other.class(Some(30)), SchedClass::RealTime { priority: 30, round_robin: false });
        let rr = SchedParams { policy: SCHED_RR, rt_priority: 40, ..SchedParams::default() };
        assert_eq!(rr.class(Some(30)), SchedClass::RealTime { priority: 40, round_robin: true });
        assert_eq!(rr.class(Some(60)), SchedClass::RealTime { priority: 60, round_robin: true });
        let idle = SchedParams { policy: SCHED_IDLE, ..SchedParams::default() };
        assert_eq!(idle.class(None), SchedClass::Idle);
        assert_eq!(other.task_prio(None), 30);
        assert_eq!(rr.task_prio(None), -41);
        assert_eq!(other.task_prio(Some(5)), -6);
    }

    #[test]
    fn reset_on_fork_as_sched_fork() {
        let fifo = SchedParams { policy: SCHED_FIFO, rt_priority: 50, nice: 5, reset_on_fork: true };
        assert_eq!(fifo.at_fork(), SchedParams::default());
        let neg = SchedParams { policy: SCHED_BATCH, nice: -5, reset_on_fork: true, ..SchedParams::default() };
        assert_eq!(neg.at_fork(), SchedParams { policy: SCHED_BATCH, nice: 0, ..SchedParams::default() });
        let pos = SchedParams { nice: 7, reset_on_fork: true, ..SchedParams::default() };
        assert_eq!(pos.at_fork().nice, 7);
        let keep = SchedParams { policy: SCHED_RR, rt_priority: 3, ..SchedParams::default() };
        assert_eq!(keep.at_fork(), keep);
    }

    #[test]
    fn bad_requests_are_einval_before_permission() {
        let cur = SchedParams::default();
        assert_eq!(setscheduler(&cur, &req(4, 0), &USER), Err(Errno::EINVAL));
        assert_eq!(setscheduler(&cur, &req(SCHED_FIFO, 0), &USER), Err(Errno::EINVAL));
        assert_eq!(setscheduler(&cur, &req(SCHED_FIFO, 100), &USER), Err(Errno::EINVAL));
        assert_eq!(setscheduler(&cur, &req(SCHED_OTHER, 1), &USER), Err(Errno::EINVAL));
        assert_eq!(setscheduler(&cur, &req(SCHED_DEADLINE, 0), &USER), Err(Errno::EINVAL));
        let mut dl = req(SCHED_DEADLINE, 0);
        dl.deadline = DeadlineParams { runtime: 10_000_000, deadline: 30_000_000, period: 30_000_000 };
        assert_eq!(setscheduler(&cur, &dl, &USER), Err(Errno::EPERM));
        assert_eq!(setscheduler(&cur, &dl, &ROOT), Err(Errno::EINVAL));
    }

    #[test]
    fn unprivileged_limits() {
        let cur = SchedParams::default();
        assert_eq!(setscheduler(&cur, &req(SCHED_FIFO, 1), &USER), Err(Errno::EPERM));
        let rt10 = SchedPermission { rlimit_rtprio: 10, ..USER };
        assert!(setscheduler(&cur, &req(SCHED_FIFO, 10), &rt10).is_ok());
        assert_eq!(setscheduler(&cur, &req(SCHED_FIFO, 11), &rt10), Err(Errno::EPERM));
        let mut nicer = req(SCHED_OTHER, 0);
        nicer.nice = -1;
        assert_eq!(setscheduler(&cur, &nicer, &USER), Err(Errno::EPERM));
        assert!(setscheduler(&cur, &nicer, &SchedPermission { rlimit_nice: 21, ..USER }).is_ok());
        let idle = SchedParams { policy: SCHED_IDLE, ..cur };
        assert_eq!(setscheduler(&idle, &req(SCHED_OTHER, 0), &USER), Err(Errno::EPERM));
        let other = SchedPermission { same_owner: false, ..USER };
        assert_eq!(setscheduler(&cur, &req(SCHED_BATCH, 0), &other), Err(Errno::EPERM));
        let sticky = SchedParams { reset_on_fork: true, ..cur };
        assert_eq!(setscheduler(&sticky, &req(SCHED_OTHER, 0), &USER), Err(Errno::EPERM));
        let mut keep = req(SCHED_BATCH, 0);
        keep.flags = SCHED_FLAG_RESET_ON_FORK;
        assert_eq!(setscheduler(&sticky, &keep, &USER).unwrap().policy, SCHED_BATCH);
    }

    #[test]
    fn keep_params_changes_only_the_flags() {
        let cur = SchedParams { nice: 3, ..SchedParams::default() };
        let mut r = req(SCHED_BATCH, 0);
        r.flags = SCHED_FLAG_KEEP_PARAMS | SCHED_FLAG_RESET_ON_FORK;
        let new = setscheduler(&cur, &r, &USER).unwrap();
        assert_eq!(new, SchedParams { reset_on_fork: true, ..cur });
    }

    #[test]
    fn set_one_prio_rules() {
        let cur = SchedParams { nice: 5, ..SchedParams::default() };
        assert_eq!(set_nice_allowed(&cur, 4, &USER), Err(Errno::EACCES));
        assert!(set_nice_allowed(&cur, 6, &USER).is_ok());
        assert!(set_nice_allowed(&cur, 4, &SchedPermission { rlimit_nice: 16, ..USER }).is_ok());
        assert_eq!(set_nice_allowed(&cur, 6, &SchedPermission { same_owner: false, ..USER }), Err(Errno::EPERM));
        assert!(set_nice_allowed(&cur, -20, &ROOT).is_ok());
    }
}
