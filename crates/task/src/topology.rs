//! Who is who: thread groups, their threads, parents and children, and the
//! life of a group from birth to reaping.
//!
//! The topology is plain data under one lock (the kernel's `TOPOLOGY`,
//! Linux's `tasklist_lock`): every operation that reads or changes
//! parentage, membership or zombie state does it in one critical section,
//! which is what makes "two waiters race for one child: one reaps it, the
//! other gets ECHILD" hold. Operations return what the caller must do next
//! (signal a parent, wake waiters) and the caller does it after unlocking.
//!
//! ```text
//!  new_process ──▶ Live ──(1) group_exit──▶ Exiting ──(2) last thread_exited──▶ Zombie ──(3) reap──▶ gone
//!                    └──────────────(2') last thread_exited (no group exit) ──────▲
//! ```
//! 1. `group_exit`: exit_group(2) or a fatal signal; the first status wins.
//! 2. `thread_exited` of the last member: the group becomes a zombie with the
//!    group status (2') or the last thread's own status; its children move to
//!    a reaper (`find_reaper`).
//! 3. `reap`: a wait by the parent (or auto-reap when the parent ignores
//!    SIGCHLD) frees the TGID.
//!
//! A leader that exits before its group keeps its TID reserved (it equals
//! the TGID) until the group is reaped, so the group stays visible under
//! its TGID, as on Linux.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use abi::{Errno, KResult};

use crate::ids::IdAllocator;
use crate::wait_status::WaitStatus;

/// A process or thread id.
pub type Pid = i32;

/// The signal a normal child sends its parent at death.
pub const SIGCHLD: u32 = 17;

/// Life state of a thread group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupState {
    /// Running (some members may have exited individually).
    Live,
    /// exit_group or a fatal signal: members are being killed; `status` is
    /// what the parent will see.
    Exiting { status: WaitStatus },
    /// No member left; waiting to be reaped.
    Zombie { status: WaitStatus },
}

/// One thread group (process).
#[derive(Clone, Debug)]
pub struct GroupNode {
    pub tgid: Pid,
    /// Live threads, the leader included while it runs.
    pub members: BTreeSet<Pid>,
    /// Parent group (0 for init).
    pub parent: Pid,
    pub children: BTreeSet<Pid>,
    pub state: GroupState,
    /// Signal sent to the parent at death (SIGCHLD, another, or 0).
    pub exit_signal: u32,
    pub pgid: Pid,
    pub sid: Pid,
    /// PR_SET_CHILD_SUBREAPER.
    pub subreaper: bool,
    /// The group has called execve (setpgid on it from the parent: EACCES).
    pub did_exec: bool,
    /// A stop not yet reported to a WUNTRACED waiter: the stopping signal.
    pub stop_report: Option<u32>,
    /// A continue not yet reported to a WCONTINUED waiter.
    pub continue_report: bool,
}

/// Which children a wait looks at (the pid argument of wait4/waitid).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitTarget {
    Any,
    Pid(Pid),
    ProcessGroup(Pid),
}

/// Wait options (waitid's and wait4's, normalized).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WaitOptions {
    pub exited: bool,
    pub stopped: bool,
    pub continued: bool,
    /// Leave the child waitable (WNOWAIT).
    pub no_reap: bool,
    /// __WALL: any child; __WCLONE: only "clone" children (exit signal
    /// other than SIGCHLD); neither: only SIGCHLD children.
    pub all: bool,
    pub clone_only: bool,
}

/// What a wait found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitOutcome {
    /// A child changed state (and was reaped if it exited and `no_reap`
    /// was not set).
    Event { pid: Pid, status: WaitStatus },
    /// Matching children exist but none has an event yet.
    NotYet,
    /// No matching child at all: ECHILD.
    NoChild,
}

/// Result of the last thread of a group leaving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDeath {
    pub tgid: Pid,
    pub parent: Pid,
    pub exit_signal: u32,
    pub status: WaitStatus,
    /// Children handed to new parents: (child, new parent, child is a zombie).
    pub reparented: Vec<(Pid, Pid, bool)>,
}

/// The topology table.
#[derive(Debug)]
pub struct Topology {
    ids: IdAllocator,
    /// TID -> TGID for every thread id in use (live threads and reserved
    /// leader ids of live or zombie groups).
    threads: BTreeMap<Pid, Pid>,
    groups: BTreeMap<Pid, GroupNode>,
}

impl Topology {
    pub const fn new(pid_max: i32) -> Self {
        Self { ids: IdAllocator::new(pid_max), threads: BTreeMap::new(), groups: BTreeMap::new() }
    }

    fn alloc_id(&mut self) -> KResult<Pid> {
        self.ids.alloc().ok_or(Errno::EAGAIN)
    }

    /// Creates the first process (pid 1 when the table is fresh).
    pub fn spawn_init(&mut self) -> KResult<Pid> {
        let pid = self.alloc_id()?;
        self.insert_group(pid, 0, SIGCHLD, pid, pid);
        Ok(pid)
    }

    fn insert_group(&mut self, pid: Pid, parent: Pid, exit_signal: u32, pgid: Pid, sid: Pid) {
        self.threads.insert(pid, pid);
        self.groups.insert(
            pid,
            GroupNode {
                tgid: pid,
                members: BTreeSet::from([pid]),
                parent,
                children: BTreeSet::new(),
                state: GroupState::Live,
                exit_signal,
                pgid,
                sid,
                subreaper: false,
                did_exec: false,
                stop_report: None,
                continue_report: false,
            },
        );
        if let Some(p) = self.groups.get_mut(&parent) {
            p.children.insert(pid);
        }
    }

    /// A new process forked by `creator` (a TGID). With `clone_parent`
    /// (CLONE_PARENT) it becomes the creator's sibling. It inherits the
    /// creator's process group and session.
    pub fn new_process(&mut self, creator: Pid, exit_signal: u32, clone_parent: bool) -> KResult<Pid> {
        let c = self.groups.get(&creator).ok_or(Errno::ESRCH)?;
        if c.state != GroupState::Live {
            // A dying process cannot fork (Linux: fatal_signal_pending -> EINTR
            // in copy_process; the caller never returns to user space anyway).
            return Err(Errno::EINTR);
        }
        let (parent, pgid, sid) = (if clone_parent { c.parent } else { creator }, c.pgid, c.sid);
        let pid = self.alloc_id()?;
        self.insert_group(pid, parent, exit_signal, pgid, sid);
        Ok(pid)
    }

    /// A new thread in group `tgid` (CLONE_THREAD).
    pub fn new_thread(&mut self, tgid: Pid) -> KResult<Pid> {
        let g = self.groups.get(&tgid).ok_or(Errno::ESRCH)?;
        if g.state != GroupState::Live {
            return Err(Errno::EINTR);
        }
        let tid = self.alloc_id()?;
        self.threads.insert(tid, tgid);
        self.groups.get_mut(&tgid).unwrap().members.insert(tid);
        Ok(tid)
    }

    /// The group of thread `tid`.
    pub fn tgid_of(&self, tid: Pid) -> Option<Pid> {
        self.threads.get(&tid).copied()
    }

    pub fn group(&self, tgid: Pid) -> Option<&GroupNode> {
        self.groups.get(&tgid)
    }

    pub fn group_mut(&mut self, tgid: Pid) -> Option<&mut GroupNode> {
        self.groups.get_mut(&tgid)
    }

    /// Every group, by TGID.
    pub fn groups(&self) -> impl Iterator<Item = &GroupNode> {
        self.groups.values()
    }

    /// `/proc/sys/kernel/pid_max`: the bound on new ids.
    pub fn pid_max(&self) -> Pid {
        self.ids.max()
    }

    /// Sets `pid_max`; the caller checks the range.
    pub fn set_pid_max(&mut self, max: Pid) {
        self.ids.set_max(max);
    }

    /// Ids in use (threads, groups and reserved leader ids).
    pub fn ids_in_use(&self) -> usize {
        self.ids.in_use()
    }

    /// The id allocated last (/proc/loadavg's last pid).
    pub fn last_id(&self) -> i32 {
        self.ids.last()
    }

    /// Starts the death of a whole group: exit_group(2) or a fatal signal.
    /// Returns the members the caller must kill, or `None` when the group
    /// was already exiting (the first status wins).
    pub fn group_exit(&mut self, tgid: Pid, status: WaitStatus) -> Option<Vec<Pid>> {
        let g = self.groups.get_mut(&tgid)?;
        if g.state != GroupState::Live {
            return None;
        }
        g.state = GroupState::Exiting { status };
        Some(g.members.iter().copied().collect())
    }

    /// Thread `tid` is gone (its resources released). `own_status` is its
    /// exit status, used if the group is not already exiting. Returns the
    /// group's death when it was the last member.
    pub fn thread_exited(&mut self, tid: Pid, own_status: WaitStatus) -> Option<GroupDeath> {
        let tgid = *self.threads.get(&tid)?;
        let g = self.groups.get_mut(&tgid)?;
        if !g.members.remove(&tid) {
            return None;
        }
        if tid != tgid {
            self.threads.remove(&tid);
            self.ids.free(tid);
        }
        let g = self.groups.get(&tgid).unwrap();
        if !g.members.is_empty() {
            return None;
        }
        let status = match g.state {
            GroupState::Exiting { status } => status,
            _ => own_status,
        };
        self.groups.get_mut(&tgid).unwrap().state = GroupState::Zombie { status };
        let reparented = self.forget_original_parent(tgid);
        let g = &self.groups[&tgid];
        Some(GroupDeath { tgid, parent: g.parent, exit_signal: g.exit_signal, status, reparented })
    }

    /// The reaper for the children of dying group `tgid`: the nearest live
    /// ancestor marked as child subreaper, else init (Linux's
    /// `find_new_reaper`).
    fn find_reaper(&self, tgid: Pid) -> Pid {
        let mut at = self.groups[&tgid].parent;
        while let Some(g) = self.groups.get(&at) {
            if g.subreaper && g.state == GroupState::Live {
                return at;
            }
            at = g.parent;
        }
        self.init_pid()
    }

    fn init_pid(&self) -> Pid {
        self.groups.values().find(|g| g.parent == 0).map(|g| g.tgid).unwrap_or(1)
    }

    fn forget_original_parent(&mut self, tgid: Pid) -> Vec<(Pid, Pid, bool)> {
        let children: Vec<Pid> = self.groups[&tgid].children.iter().copied().collect();
        if children.is_empty() {
            return Vec::new();
        }
        let reaper = self.find_reaper(tgid);
        self.groups.get_mut(&tgid).unwrap().children.clear();
        let mut moved = Vec::with_capacity(children.len());
        for child in children {
            let c = self.groups.get_mut(&child).unwrap();
            c.parent = reaper;
            // A reparented child signals its new parent with SIGCHLD.
            c.exit_signal = SIGCHLD;
            let zombie = matches!(c.state, GroupState::Zombie { .. });
            if let Some(r) = self.groups.get_mut(&reaper) {
                r.children.insert(child);
            }
            moved.push((child, reaper, zombie));
        }
        moved
    }

    /// Frees a zombie group and its TGID. Returns false when there is no
    /// such zombie (already reaped by a racing waiter).
    pub fn reap(&mut self, tgid: Pid) -> bool {
        match self.groups.get(&tgid) {
            Some(g) if matches!(g.state, GroupState::Zombie { .. }) => {}
            _ => return false,
        }
        let g = self.groups.remove(&tgid).unwrap();
        if let Some(p) = self.groups.get_mut(&g.parent) {
            p.children.remove(&tgid);
        }
        self.threads.remove(&tgid);
        self.ids.free(tgid);
        true
    }

    /// wait4/waitid for `parent`: finds a child event and, for an exited
    /// child, reaps it, all in one step.
    pub fn wait(&mut self, parent: Pid, target: WaitTarget, opts: WaitOptions) -> WaitOutcome {
        let Some(p) = self.groups.get(&parent) else { return WaitOutcome::NoChild };
        let mut any = false;
        let mut found = None;
        for &child in &p.children {
            let c = &self.groups[&child];
            let selected = match target {
                WaitTarget::Any => true,
                WaitTarget::Pid(pid) => child == pid,
                WaitTarget::ProcessGroup(pgid) => c.pgid == pgid,
            };
            let is_clone = c.exit_signal != SIGCHLD;
            if !selected || !(opts.all || is_clone == opts.clone_only) {
                continue;
            }
            any = true;
            if let GroupState::Zombie { status } = c.state {
                if opts.exited {
                    found = Some((child, status, Reported::Exit));
                    break;
                }
            } else if let Some(sig) = c.stop_report.filter(|_| opts.stopped) {
                found = Some((child, WaitStatus::Stopped(sig), Reported::Stop));
                break;
            } else if c.continue_report && opts.continued {
                found = Some((child, WaitStatus::Continued, Reported::Continue));
                break;
            }
        }
        let Some((pid, status, what)) = found else {
            return if any { WaitOutcome::NotYet } else { WaitOutcome::NoChild };
        };
        if !opts.no_reap {
            match what {
                Reported::Exit => {
                    self.reap(pid);
                }
                Reported::Stop => self.groups.get_mut(&pid).unwrap().stop_report = None,
                Reported::Continue => self.groups.get_mut(&pid).unwrap().continue_report = false,
            }
        }
        WaitOutcome::Event { pid, status }
    }

    /// Records that the group stopped (group-stop complete) or continued,
    /// for WUNTRACED/WCONTINUED waiters. Returns the parent to notify.
    pub fn set_stopped(&mut self, tgid: Pid, stopped_by: Option<u32>) -> Option<Pid> {
        let g = self.groups.get_mut(&tgid)?;
        match stopped_by {
            Some(sig) => {
                g.stop_report = Some(sig);
                g.continue_report = false;
            }
            None => {
                g.stop_report = None;
                g.continue_report = true;
            }
        }
        Some(g.parent)
    }

    /// execve from a non-leader thread `tid` whose group has no other
    /// member left: `tid` takes over the group's id (Linux's `de_thread`).
    /// Returns the TID the thread had.
    pub fn exec_take_leadership(&mut self, tid: Pid) -> KResult<Pid> {
        let tgid = *self.threads.get(&tid).ok_or(Errno::ESRCH)?;
        let g = self.groups.get_mut(&tgid).unwrap();
        if tid == tgid {
            return Ok(tid);
        }
        if g.members.len() != 1 || !g.members.contains(&tid) {
            return Err(Errno::EBUSY);
        }
        g.members.clear();
        g.members.insert(tgid);
        self.threads.remove(&tid);
        self.ids.free(tid);
        Ok(tid)
    }

    /// Marks that group `tgid` executed a new program.
    pub fn mark_exec(&mut self, tgid: Pid) {
        if let Some(g) = self.groups.get_mut(&tgid) {
            g.did_exec = true;
        }
    }

    /// setpgid(2) called by group `caller`.
    pub fn setpgid(&mut self, caller: Pid, pid: Pid, pgid: Pid) -> KResult<()> {
        if pgid < 0 {
            return Err(Errno::EINVAL);
        }
        let pid = if pid == 0 { caller } else { pid };
        let pgid = if pgid == 0 { pid } else { pgid };
        let caller_sid = self.groups.get(&caller).ok_or(Errno::ESRCH)?.sid;
        let target = self.groups.get(&pid).ok_or(Errno::ESRCH)?;
        if pid != caller && target.parent != caller {
            return Err(Errno::ESRCH);
        }
        if pid != caller && target.did_exec {
            return Err(Errno::EACCES);
        }
        if target.sid == target.tgid || target.sid != caller_sid {
            return Err(Errno::EPERM);
        }
        if pgid != pid && !self.groups.values().any(|g| g.pgid == pgid && g.sid == caller_sid) {
            return Err(Errno::EPERM);
        }
        self.groups.get_mut(&pid).unwrap().pgid = pgid;
        Ok(())
    }

    /// setsid(2): a new session and process group led by `caller`.
    pub fn setsid(&mut self, caller: Pid) -> KResult<Pid> {
        if self.groups.values().any(|g| g.pgid == caller) {
            return Err(Errno::EPERM);
        }
        let g = self.groups.get_mut(&caller).ok_or(Errno::ESRCH)?;
        g.pgid = caller;
        g.sid = caller;
        Ok(caller)
    }

    /// Groups in process group `pgid` that are not zombies.
    pub fn process_group(&self, pgid: Pid) -> impl Iterator<Item = Pid> + '_ {
        self.groups
            .values()
            .filter(move |g| g.pgid == pgid && !matches!(g.state, GroupState::Zombie { .. }))
            .map(|g| g.tgid)
    }
}

#[derive(Clone, Copy)]
enum Reported {
    Exit,
    Stop,
    Continue,
}

#[cfg(test)]
mod test;
