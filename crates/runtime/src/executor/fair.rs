//! The fair class: tasks ordered by virtual runtime (Linux's CFS,
//! kernel/sched/fair.c, reduced to what weft needs).
//!
//! A fair task's virtual runtime grows by its CPU time scaled by
//! `NICE_0_WEIGHT / weight`: a nice-0 task's by its real time, a nice-10
//! task's (weight 110) about 9.3 times as fast. The executor always runs
//! the queued fair task with the smallest virtual runtime, and a running
//! one gives way at the end of a slice when a queued one has fallen behind
//! it (`Runtime::slice_over`), so over time each task's share of a CPU is
//! its weight over the sum of the weights.
//!
//! Each CPU keeps `min_vruntime`, a floor that only rises (the smallest
//! virtual runtime among its running and queued fair tasks, as far as it
//! has seen). A task's virtual runtime is kept relative to the CPU it last
//! ran on; joining another CPU's queue shifts it by the difference of the
//! two floors (Linux's migration renormalisation). A task that slept is
//! placed at most `SLEEPER_CREDIT_NS` behind the floor (Linux's
//! `place_entity` with GENTLE_FAIR_SLEEPERS), so a long sleep earns a
//! short head start, not a monopoly.
//!
//! A new task starts where its creator stood, but no earlier than
//! `START_DEBIT_NS` past the floor (Linux's `task_fork_fair` with
//! START_DEBIT): a chain of forks, each child forking the next and
//! leaving, then runs as one task would, instead of each child jumping
//! ahead of every task above the floor.
//!
//! The queue is a binary min-heap on (virtual runtime, task id) in a
//! `Vec`; each task records its index, so a task can be taken out from the
//! middle (a class change, stealing) in O(log n). Pushing may grow the
//! vector: the kernel heap can be used from interrupt handlers (its lock
//! masks interrupts), and if growing fails the task goes to a FIFO
//! overflow list served after the heap, so a wake never fails or panics.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering::Relaxed;
use core::sync::atomic::{AtomicU64, AtomicUsize};

use super::fifo::Fifo;
use crate::sched::NICE_0_WEIGHT;
use crate::task::Task;

/// How far behind its CPU's floor a waking task may be placed: half of
/// Linux's 6 ms sched_latency.
pub(crate) const SLEEPER_CREDIT_NS: u64 = 3_000_000;

/// How far past its CPU's floor a new task is placed at the least: the
/// virtual slice of one of two nice-0 tasks under Linux's 6 ms
/// sched_latency.
pub(crate) const START_DEBIT_NS: u64 = 3_000_000;

/// How many of the heap's first entries a thief looks at (its top three
/// levels and a bit).
pub(crate) const STEAL_SCAN: usize = 8;

/// `FairEntity::clock_cpu` of a task that has never been queued.
const NEW_TASK: usize = usize::MAX;
/// `FairEntity::heap_index` of a task not in a heap.
const NOT_IN_HEAP: usize = usize::MAX;

/// A task's fair-class bookkeeping. `vruntime` and `clock_cpu` change
/// while the task is not in a heap (after its poll, or under the queue
/// lock when it is pushed); `heap_index` only under the lock of the queue
/// whose heap holds it.
pub(crate) struct FairEntity {
    vruntime: AtomicU64,
    clock_cpu: AtomicUsize,
    heap_index: AtomicUsize,
    /// The heap's tie-breaker: the order of pushes (FIFO among equals);
    /// 0 until the first push, which places a new task with the start
    /// debit.
    seq: AtomicU64,
    sum_exec_ns: AtomicU64,
}

impl FairEntity {
    pub(crate) const fn new() -> Self {
        Self {
            vruntime: AtomicU64::new(0),
            clock_cpu: AtomicUsize::new(NEW_TASK),
            heap_index: AtomicUsize::new(NOT_IN_HEAP),
            seq: AtomicU64::new(0),
            sum_exec_ns: AtomicU64::new(0),
        }
    }

    /// Starts a new task's virtual runtime at its creator's (the running
    /// task that spawns it), on the creator's clock. Called before the
    /// first push.
    pub(crate) fn inherit(&self, creator: &FairEntity) {
        self.vruntime.store(creator.vruntime(), Relaxed);
        self.clock_cpu.store(creator.clock_cpu.load(Relaxed), Relaxed);
    }

    pub(crate) fn vruntime(&self) -> u64 {
        self.vruntime.load(Relaxed)
    }

    /// Moves the virtual runtime onto CPU `cpu`'s clock, whose floor is
    /// `floor` (`floor_of` gives the others'), keeping its distance from
    /// the floor of the CPU it related to; a task with no clock yet starts
    /// at the floor.
    /// Called under `cpu`'s queue lock, when the task is queued there or
    /// stolen by it, never while another CPU may charge it. Returns it.
    pub(crate) fn rebase(&self, cpu: usize, floor: u64, floor_of: impl Fn(usize) -> u64) -> u64 {
        let v = match self.clock_cpu.load(Relaxed) {
            NEW_TASK => floor,
            c if c == cpu => self.vruntime(),
            c => {
                let old_floor = floor_of(c);
                let v = self.vruntime();
                if v >= old_floor { floor.saturating_add(v - old_floor) } else { floor.saturating_sub(old_floor - v) }
            }
        };
        self.vruntime.store(v, Relaxed);
        self.clock_cpu.store(cpu, Relaxed);
        v
    }

    pub(crate) fn sum_exec_ns(&self) -> u64 {
        self.sum_exec_ns.load(Relaxed)
    }

    /// Charges `ran_ns` of CPU time on `cpu` at `weight` (fair tasks) or
    /// only counts it (`weight` None: real-time tasks have no virtual
    /// runtime). Returns the new virtual runtime.
    pub(crate) fn charge(&self, ran_ns: u64, weight: Option<u32>) -> u64 {
        // Only the executor that polled the task charges it.
        self.sum_exec_ns.store(self.sum_exec_ns.load(Relaxed).saturating_add(ran_ns), Relaxed);
        let v = self.vruntime.load(Relaxed);
        match weight {
            Some(w) => {
                let v = v.saturating_add(scale(ran_ns, w));
                self.vruntime.store(v, Relaxed);
                v
            }
            None => v,
        }
    }
}

/// `ran_ns` in virtual time at `weight`.
pub(crate) fn scale(ran_ns: u64, weight: u32) -> u64 {
    let v = u128::from(ran_ns) * u128::from(NICE_0_WEIGHT) / u128::from(weight.max(1));
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// One CPU's fair tasks. Guarded by the CPU's queue lock.
pub(crate) struct FairQueue {
    heap: Vec<Arc<Task>>,
    pushes: u64,
    /// Tasks that could not get a heap slot (no memory): served FIFO
    /// after the heap.
    overflow: Fifo,
}

impl FairQueue {
    pub(crate) const fn new() -> Self {
        Self { heap: Vec::new(), pushes: 0, overflow: Fifo::new() }
    }

    pub(crate) fn len(&self) -> usize {
        self.heap.len() + self.overflow.len()
    }

    /// The smallest queued virtual runtime (`u64::MAX`: none in the heap).
    pub(crate) fn leftmost_vruntime(&self) -> u64 {
        self.heap.first().map_or(u64::MAX, |t| t.fair.vruntime())
    }

    /// Queues a task on CPU `cpu` whose floor is `floor`; `floor_of` gives
    /// other CPUs' floors (for a task that last ran elsewhere). A task that
    /// `yielded` (was woken during its own poll: `yield_now`, the end of a
    /// slice) goes behind the leftmost queued task: its virtual runtime is
    /// raised to that one's, and ties go in push order (Linux marks a
    /// yielding task to be skipped once, to the same effect).
    pub(crate) fn push(&mut self, task: Arc<Task>, cpu: usize, floor: u64, floor_of: impl Fn(usize) -> u64, yielded: bool) {
        let entity = &task.fair;
        let v = entity.rebase(cpu, floor, &floor_of);
        // Pushes are counted from 1: a `seq` of 0 is a task never queued.
        let mut v = if entity.seq.load(Relaxed) == 0 {
            v.max(floor.saturating_add(START_DEBIT_NS))
        } else {
            v.max(floor.saturating_sub(SLEEPER_CREDIT_NS))
        };
        if yielded {
            v = v.max(self.heap.first().map_or(0, |t| t.fair.vruntime()));
        }
        entity.vruntime.store(v, Relaxed);
        self.pushes += 1;
        entity.seq.store(self.pushes, Relaxed);
        if self.heap.try_reserve(1).is_err() {
            self.overflow.push_back(task);
            return;
        }
        let at = self.heap.len();
        entity.heap_index.store(at, Relaxed);
        self.heap.push(task);
        self.sift_up(at);
    }

    /// Takes the task with the smallest virtual runtime.
    pub(crate) fn pop(&mut self) -> Option<Arc<Task>> {
        if self.heap.is_empty() {
            return self.overflow.pop_front();
        }
        Some(self.remove_at(0))
    }

    /// Takes `task` out if this queue holds it.
    pub(crate) fn remove(&mut self, task: &Task) -> Option<Arc<Task>> {
        let at = task.fair.heap_index.load(Relaxed);
        if self.heap.get(at).is_some_and(|t| core::ptr::eq(&**t, task)) {
            return Some(self.remove_at(at));
        }
        self.overflow.remove_first(|t| core::ptr::eq(t, task))
    }

    /// Takes the most urgent task `accept` takes among the top
    /// `STEAL_SCAN` of the heap (stealing, with an affinity test). The
    /// scan is bounded because a thief holds this CPU's queue lock while
    /// it looks: scanning thousands of queued tasks on every attempt of an
    /// idle CPU's polling loop starved the CPU that owns them. A task
    /// deeper in the heap is not urgent enough to be worth moving.
    pub(crate) fn remove_best(&mut self, accept: impl Fn(&Task) -> bool) -> Option<Arc<Task>> {
        let best = (0..self.heap.len().min(STEAL_SCAN))
            .filter(|&i| accept(&self.heap[i]))
            .min_by_key(|&i| key(&self.heap[i]));
        match best {
            Some(at) => Some(self.remove_at(at)),
            None => self.overflow.remove_first_within(STEAL_SCAN, accept),
        }
    }

    fn remove_at(&mut self, at: usize) -> Arc<Task> {
        let task = self.heap.swap_remove(at);
        task.fair.heap_index.store(NOT_IN_HEAP, Relaxed);
        if at < self.heap.len() {
            self.heap[at].fair.heap_index.store(at, Relaxed);
            self.sift_down(at);
            self.sift_up(at);
        }
        task
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.heap[a].fair.heap_index.store(a, Relaxed);
        self.heap[b].fair.heap_index.store(b, Relaxed);
    }

    fn sift_up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if key(&self.heap[at]) >= key(&self.heap[parent]) {
                break;
            }
            self.swap(at, parent);
            at = parent;
        }
    }

    fn sift_down(&mut self, mut at: usize) {
        loop {
            let (left, right) = (2 * at + 1, 2 * at + 2);
            let mut smallest = at;
            for child in [left, right] {
                if child < self.heap.len() && key(&self.heap[child]) < key(&self.heap[smallest]) {
                    smallest = child;
                }
            }
            if smallest == at {
                break;
            }
            self.swap(at, smallest);
            at = smallest;
        }
    }
}

/// The heap order: virtual runtime, then push order.
fn key(task: &Task) -> (u64, u64) {
    (task.fair.vruntime(), task.fair.seq.load(Relaxed))
}
