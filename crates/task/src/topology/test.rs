use alloc::vec;
use alloc::vec::Vec;

use proptest::prelude::*;

use super::*;

fn any_child() -> WaitOptions {
    WaitOptions { exited: true, ..Default::default() }
}

fn exit0() -> WaitStatus {
    WaitStatus::Exited(0)
}

#[test]
fn fork_wait_reaps_and_frees_the_id() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    assert_eq!(init, 1);
    let child = t.new_process(init, SIGCHLD, false).unwrap();
    assert_eq!(t.wait(init, WaitTarget::Any, any_child()), WaitOutcome::NotYet);
    let death = t.thread_exited(child, WaitStatus::Exited(7)).unwrap();
    assert_eq!(death.parent, init);
    assert_eq!(t.wait(init, WaitTarget::Pid(child), any_child()), WaitOutcome::Event { pid: child, status: WaitStatus::Exited(7) });
    assert_eq!(t.wait(init, WaitTarget::Any, any_child()), WaitOutcome::NoChild);
    assert_eq!(t.ids_in_use(), 1);
}

#[test]
fn leader_exit_keeps_the_group_until_the_last_thread() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    let p = t.new_process(init, SIGCHLD, false).unwrap();
    let th = t.new_thread(p).unwrap();
    assert_eq!(t.thread_exited(p, exit0()), None);
    assert!(t.group(p).is_some());
    assert_eq!(t.tgid_of(p), Some(p));
    assert_eq!(t.wait(init, WaitTarget::Any, any_child()), WaitOutcome::NotYet);
    let death = t.thread_exited(th, WaitStatus::Exited(3)).unwrap();
    assert_eq!(death.status, WaitStatus::Exited(3));
    assert!(matches!(t.wait(init, WaitTarget::Any, any_child()), WaitOutcome::Event { pid, .. } if pid == p));
}

#[test]
fn group_exit_status_wins_over_later_thread_statuses() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    let p = t.new_process(init, SIGCHLD, false).unwrap();
    let a = t.new_thread(p).unwrap();
    let killed = t.group_exit(p, WaitStatus::Signaled { signal: 9, core: false }).unwrap();
    assert_eq!(killed, vec![p, a]);
    assert_eq!(t.group_exit(p, WaitStatus::Exited(1)), None);
    t.thread_exited(a, exit0());
    let death = t.thread_exited(p, exit0()).unwrap();
    assert_eq!(death.status, WaitStatus::Signaled { signal: 9, core: false });
}

#[test]
fn two_waiters_one_reaps_the_other_gets_echild() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    let p = t.new_process(init, SIGCHLD, false).unwrap();
    let c = t.new_process(p, SIGCHLD, false).unwrap();
    t.thread_exited(c, exit0());
    assert!(matches!(t.wait(p, WaitTarget::Any, any_child()), WaitOutcome::Event { .. }));
    assert_eq!(t.wait(p, WaitTarget::Any, any_child()), WaitOutcome::NoChild);
}

#[test]
fn orphans_go_to_the_nearest_subreaper_or_init() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    let sub = t.new_process(init, SIGCHLD, false).unwrap();
    t.group_mut(sub).unwrap().subreaper = true;
    let mid = t.new_process(sub, SIGCHLD, false).unwrap();
    let leaf = t.new_process(mid, SIGCHLD, false).unwrap();
    let death = t.thread_exited(mid, exit0()).unwrap();
    assert_eq!(death.reparented, vec![(leaf, sub, false)]);
    assert_eq!(t.group(leaf).unwrap().parent, sub);
    // Without a subreaper, init adopts.
    t.group_mut(sub).unwrap().subreaper = false;
    let leaf2 = t.new_process(leaf, SIGCHLD, false).unwrap();
    let death = t.thread_exited(leaf, exit0()).unwrap();
    assert_eq!(death.reparented, vec![(leaf2, init, false)]);
}

#[test]
fn clone_children_need_wclone_or_wall() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    let c = t.new_process(init, 0, false).unwrap();
    t.thread_exited(c, exit0());
    assert_eq!(t.wait(init, WaitTarget::Any, any_child()), WaitOutcome::NoChild);
    let wclone = WaitOptions { clone_only: true, ..any_child() };
    assert!(matches!(t.wait(init, WaitTarget::Any, WaitOptions { no_reap: true, ..wclone }), WaitOutcome::Event { .. }));
    let wall = WaitOptions { all: true, ..any_child() };
    assert!(matches!(t.wait(init, WaitTarget::Any, wall), WaitOutcome::Event { .. }));
}

#[test]
fn stop_and_continue_are_reported_once() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    let c = t.new_process(init, SIGCHLD, false).unwrap();
    let opts = WaitOptions { exited: true, stopped: true, continued: true, ..Default::default() };
    t.set_stopped(c, Some(19));
    assert_eq!(t.wait(init, WaitTarget::Any, opts), WaitOutcome::Event { pid: c, status: WaitStatus::Stopped(19) });
    assert_eq!(t.wait(init, WaitTarget::Any, opts), WaitOutcome::NotYet);
    t.set_stopped(c, None);
    assert_eq!(t.wait(init, WaitTarget::Any, opts), WaitOutcome::Event { pid: c, status: WaitStatus::Continued });
}

#[test]
fn exec_from_a_thread_takes_the_leader_id() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    let p = t.new_process(init, SIGCHLD, false).unwrap();
    let th = t.new_thread(p).unwrap();
    assert_eq!(t.exec_take_leadership(th), Err(Errno::EBUSY));
    t.thread_exited(p, exit0());
    assert_eq!(t.exec_take_leadership(th), Ok(th));
    assert_eq!(t.tgid_of(th), None);
    assert_eq!(t.group(p).unwrap().members.iter().copied().collect::<Vec<_>>(), vec![p]);
}

#[test]
fn setpgid_and_setsid_follow_linux_rules() {
    let mut t = Topology::new(1000);
    let init = t.spawn_init().unwrap();
    let shell = t.new_process(init, SIGCHLD, false).unwrap();
    assert_eq!(t.setsid(shell), Ok(shell));
    assert_eq!(t.setsid(shell), Err(Errno::EPERM));
    let job = t.new_process(shell, SIGCHLD, false).unwrap();
    assert_eq!(t.setpgid(shell, job, 0), Ok(()));
    assert_eq!(t.group(job).unwrap().pgid, job);
    let job2 = t.new_process(shell, SIGCHLD, false).unwrap();
    assert_eq!(t.setpgid(shell, job2, job), Ok(()));
    assert_eq!(t.setpgid(shell, job2, 999), Err(Errno::EPERM));
    assert_eq!(t.setpgid(shell, shell, 0), Err(Errno::EPERM)); // session leader
    assert_eq!(t.setpgid(shell, init, 0), Err(Errno::ESRCH)); // not a child
    t.mark_exec(job2);
    assert_eq!(t.setpgid(shell, job2, job2), Err(Errno::EACCES));
    assert_eq!(t.setpgid(shell, job, -1), Err(Errno::EINVAL));
}

/// Operations of the random model test.
#[derive(Clone, Debug)]
enum Op {
    Fork(usize),
    Thread(usize),
    ExitThread(usize),
    ExitGroup(usize),
    Wait(usize),
    Exec(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<usize>().prop_map(Op::Fork),
        3 => any::<usize>().prop_map(Op::Thread),
        4 => any::<usize>().prop_map(Op::ExitThread),
        1 => any::<usize>().prop_map(Op::ExitGroup),
        3 => any::<usize>().prop_map(Op::Wait),
        1 => any::<usize>().prop_map(Op::Exec),
    ]
}

/// Invariants that must hold after every operation.
fn check_invariants(t: &Topology) -> Result<(), TestCaseError> {
    for g in t.groups() {
        if g.parent != 0 {
            let p = t.group(g.parent);
            prop_assert!(p.is_some(), "group {} has a missing parent {}", g.tgid, g.parent);
            prop_assert!(p.unwrap().children.contains(&g.tgid), "parent {} does not list child {}", g.parent, g.tgid);
        }
        for &c in &g.children {
            prop_assert_eq!(t.group(c).map(|c| c.parent), Some(g.tgid));
        }
        for &m in &g.members {
            prop_assert_eq!(t.tgid_of(m), Some(g.tgid));
        }
        let zombie = matches!(g.state, GroupState::Zombie { .. });
        prop_assert_eq!(zombie, g.members.is_empty());
    }
    // Every id in use is a thread id or a group id.
    let thread_ids = t.threads.len();
    prop_assert_eq!(t.ids_in_use(), thread_ids);
    Ok(())
}

proptest! {
    /// Random clone/exit/exit_group/execve/wait sequences keep the topology
    /// consistent, reap every zombie exactly once, and leak no ids.
    #[test]
    fn random_lifecycles_keep_the_topology_consistent(ops in proptest::collection::vec(op(), 1..300)) {
        let mut t = Topology::new(400);
        let init = t.spawn_init().unwrap();
        let mut reaped = alloc::collections::BTreeSet::new();
        let pick = |t: &Topology, i: usize, live_only: bool| -> Option<Pid> {
            let v: Vec<Pid> = t.groups().filter(|g| !live_only || g.state == GroupState::Live).map(|g| g.tgid).collect();
            if v.is_empty() { None } else { Some(v[i % v.len()]) }
        };
        for op in ops {
            match op {
                Op::Fork(i) => if let Some(p) = pick(&t, i, true) { let _ = t.new_process(p, SIGCHLD, false); },
                Op::Thread(i) => if let Some(p) = pick(&t, i, true) { let _ = t.new_thread(p); },
                Op::ExitThread(i) => {
                    if let Some(p) = pick(&t, i, false).filter(|&p| p != init) {
                        let members: Vec<Pid> = t.group(p).unwrap().members.iter().copied().collect();
                        if !members.is_empty() {
                            let tid = members[i % members.len()];
                            if let Some(death) = t.thread_exited(tid, WaitStatus::Exited(0)) {
                                for (_, reaper, _) in death.reparented {
                                    prop_assert!(t.group(reaper).is_some());
                                }
                            }
                        }
                    }
                }
                Op::ExitGroup(i) => if let Some(p) = pick(&t, i, true).filter(|&p| p != init) {
                    let _ = t.group_exit(p, WaitStatus::Exited(1));
                },
                Op::Wait(i) => if let Some(p) = pick(&t, i, false) {
                    if let WaitOutcome::Event { pid, status: WaitStatus::Exited(_) | WaitStatus::Signaled { .. } } = t.wait(p, WaitTarget::Any, WaitOptions { exited: true, all: true, ..Default::default() }) {
                        prop_assert!(reaped.insert(pid) || t.group(pid).is_none(), "reaped twice");
                        prop_assert!(t.group(pid).is_none());
                    }
                },
                Op::Exec(i) => if let Some(p) = pick(&t, i, true) {
                    let members: Vec<Pid> = t.group(p).unwrap().members.iter().copied().collect();
                    if members.len() == 1 {
                        let _ = t.exec_take_leadership(members[0]);
                    }
                },
            }
            check_invariants(&t)?;
            // Pids reaped earlier may be reused later; forget them once reused.
            reaped.retain(|pid| t.group(*pid).is_none());
        }
        // Tear everything down: every thread but init's leader exits, init reaps.
        loop {
            let live: Vec<Pid> = t.groups().flat_map(|g| g.members.iter().copied()).filter(|&tid| tid != init).collect();
            if live.is_empty() { break; }
            for tid in live { t.thread_exited(tid, WaitStatus::Exited(0)); }
        }
        while let WaitOutcome::Event { .. } = t.wait(init, WaitTarget::Any, WaitOptions { exited: true, all: true, ..Default::default() }) {}
        // Zombies whose parent is a zombie were reparented to init at death,
        // so init reaped them all: only init remains.
        prop_assert_eq!(t.groups().count(), 1);
        prop_assert_eq!(t.ids_in_use(), 1);
    }
}
