"""weft's gdb commands (loaded by `cargo xtask gdb`; docs/debugging.md).

They read kernel data structures through the kernel's symbols while the
machine is stopped; no helper code runs in the kernel:

    weft cpus              per-CPU id, APIC id, online flag, timer ticks
    weft ps                thread groups: TGID, parent, state, threads, name
    weft threads [TGID]    threads: TID, TGID, state, CPU, name, what it waits on
    weft runq              per-CPU run queues and current tasks
    weft vm TGID           VMAs of a process with their flags
    weft pt TGID ADDR      page-table walk of one address
    weft pmem              physical frames by kind

The statics read: task::process::table::TABLE (processes, threads,
topology), runtime::GLOBAL (CPUs, run queues, task registry),
mm::frame::FRAMES (frame counters), arch::percpu::PERCPU.
"""
import os
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rust  # noqa: E402
from rust import arc, arc_addr, atomic, btree_items, locked, option  # noqa: E402

# arch::PHYS_OFFSET: physical memory is mapped at this address (a const,
# so it has no symbol).
PHYS_OFFSET = 0xFFFF800000000000
# runtime's task state bits (crates/runtime/src/task/state.rs).
NOTIFIED, RUNNING, COMPLETE = 1, 2, 4
# mm::frame::FrameKind, in declaration order.
FRAME_KINDS = ["kernel heap", "kernel stacks", "page tables", "user anonymous", "page cache", "other"]


def table():
    return locked(gdb.parse_and_eval("task::process::table::TABLE"))


def runtime_global():
    once = gdb.parse_and_eval("runtime::GLOBAL")
    return rust.unwrap(once["data"]).dereference()


def task_state(task):
    """Decodes a runtime task's state word like TaskRef::state."""
    s = atomic(task["state"]["val"])
    if s & COMPLETE:
        return "done"
    if s & RUNNING:
        return "running"
    if s & NOTIFIED:
        return "queued"
    return "waiting"


def task_name(task):
    name = option(locked(task["name"]))
    return rust.str_of(name) if name is not None else ""


def thread_task(thread):
    """The runtime task (ArcInner data) of a user thread, or None."""
    once = thread["task"]
    # spin::Once: status 2 (COMPLETE) once the value is written.
    if atomic(once["status"]) != 2:
        return None
    return arc(rust.unwrap(once["data"])["__0"])


def threads():
    """Every live user thread: list of (tid, Thread value)."""
    return [(int(tid), arc(t)) for tid, t in btree_items(table()["threads"])]


def groups():
    return {int(pid): g for pid, g in btree_items(table()["topo"]["groups"])}


def comm(thread):
    return rust.bytes_of(locked(thread["comm"]))


def group_state(g):
    s = str(g["state"])
    for name in ("Zombie", "Exiting", "Live"):
        if name in s:
            return name.lower()
    return s


def user_task_map():
    """Runtime task address -> (tid, tgid, name), for every user thread."""
    out = {}
    for tid, t in threads():
        task = thread_task(t)
        if task is not None:
            out[int(task.address)] = (tid, int(arc(t["process"])["pid"]), comm(t))
    return out


def registry_tasks():
    """Every live runtime task (ArcInner data values)."""
    rt = runtime_global()
    out = []
    shards = rt["registry"]["shards"]
    for i in range(shards.type.range()[1] + 1):
        for _, t in btree_items(locked(shards[i])):
            out.append(arc(t))
    return out


def describe_task(task, users):
    user = users.get(int(task.address))
    if user:
        return "tid %d (%s)" % (user[0], user[2])
    return "kernel task %d (%s)" % (int(task["id"]["__0"]), task_name(task) or "?")


class Weft(gdb.Command):
    """weft kernel inspection commands: weft cpus|ps|threads|runq|vm|pt|pmem."""

    def __init__(self):
        super().__init__("weft", gdb.COMMAND_USER, gdb.COMPLETE_COMMAND, True)


class WeftCpus(gdb.Command):
    """weft cpus: per-CPU id, APIC id, online flag and timer ticks."""

    def __init__(self):
        super().__init__("weft cpus", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        percpu = gdb.parse_and_eval("arch::percpu::PERCPU")
        n = percpu.type.sizeof // percpu[0].type.sizeof
        print("CPU  APIC  ONLINE  TICKS")
        for i in range(n):
            cpu = percpu[i]
            if not atomic(cpu["online"]):
                continue
            print("%3d  %4d  %6s  %5d" % (i, atomic(cpu["apic_id"]), "yes", atomic(cpu["ticks"])))


class WeftPs(gdb.Command):
    """weft ps: thread groups (processes): TGID, parent, state, thread count, name.
Kernel tasks (runtime tasks that run no user thread) follow, as K<task id>."""

    def __init__(self):
        super().__init__("weft ps", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        gs = groups()
        members = {}
        for tid, t in threads():
            members.setdefault(int(arc(t["process"])["pid"]), []).append((tid, t))
        print("%7s %7s  %-8s %7s  %s" % ("TGID", "PARENT", "STATE", "THREADS", "NAME"))
        for pid, _proc in btree_items(table()["processes"]):
            pid = int(pid)
            g = gs.get(pid)
            ts = sorted(members.get(pid, []), key=lambda x: x[0])
            leader = [t for tid, t in ts if tid == pid] or [t for _, t in ts]
            name = comm(leader[0]) if leader else "<zombie>"
            parent = int(g["parent"]) if g is not None else 0
            state = group_state(g) if g is not None else "?"
            print("%7d %7d  %-8s %7d  %s" % (pid, parent, state, len(ts), name))
        users = user_task_map()
        for task in registry_tasks():
            if int(task.address) not in users:
                print("%7s %7d  %-8s %7d  [%s]" % ("K%d" % int(task["id"]["__0"]), 0, task_state(task), 1, task_name(task) or "?"))


class WeftThreads(gdb.Command):
    """weft threads [TGID]: TID, TGID, runtime state, CPU, name, what it waits on."""

    def __init__(self):
        super().__init__("weft threads", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        want = int(arg, 0) if arg.strip() else None
        print("%7s %7s  %-8s %3s  %-16s %s" % ("TID", "TGID", "STATE", "CPU", "NAME", "WAITS ON"))
        for tid, t in threads():
            proc = arc(t["process"])
            tgid = int(proc["pid"])
            if want is not None and tgid != want:
                continue
            task = thread_task(t)
            state = task_state(task) if task is not None else "new"
            cpu = atomic(task["cpu"]) if task is not None else -1
            print("%7d %7d  %-8s %3d  %-16s %s" % (tid, tgid, state, cpu, comm(t), waits_on(t, proc, state, task)))


# Syscalls a thread commonly sleeps in (x86_64 numbers).
SYSCALL_NAMES = {
    0: "read", 1: "write", 7: "poll", 23: "select", 24: "sched_yield", 34: "pause", 35: "nanosleep",
    43: "accept", 61: "wait4", 128: "rt_sigtimedwait", 130: "rt_sigsuspend", 202: "futex",
    230: "clock_nanosleep", 232: "epoll_wait", 247: "waitid", 270: "pselect6", 271: "ppoll",
    281: "epoll_pwait", 59: "execve", 60: "exit", 231: "exit_group", 57: "fork", 56: "clone", 58: "vfork",
}


def loop_point(task, thread):
    """Where a parked user thread's loop is suspended, read from its future
    (syscall::user_loop's async state machine, whose layout gdb knows):
    ("syscall", nr), ("signals", None), ("preempted", None) or None."""
    fut = option(locked(task["future"]))
    if fut is None:
        return None
    # The task's future is the UserThread itself (a detached task), with
    # the loop's async block inline as its `body`.
    try:
        ut_type = gdb.lookup_type(
            "syscall::user_loop::UserThread<syscall::user_loop::user_loop::{async_block_env#0}>")
    except gdb.error:
        return None
    outer = rust.dyn_data(fut)
    if not outer:
        return None
    ut = gdb.Value(outer).cast(ut_type.pointer()).dereference()
    if rust.arc_addr(ut["thread"]) != int(thread.address) - 16:  # the ArcInner
        return None
    env = ut["body"]
    # Variants after Unresumed/Returned/Panicked are the await points in
    # source order: prepare_return (signals, stops), dispatch, yield_now
    # (a more urgent task woken by the call), sleep_until (out of memory),
    # yield_now (after an interrupt).
    state = int(env["__state"])
    if state == 4:
        return ("syscall", int(env["4"]["nr"]))
    return {0: ("starting", None), 3: ("signals", None), 5: ("preempted", None), 6: ("oom", None), 7: ("preempted", None)}.get(state)


def waits_on(thread, proc, state, task):
    """What a parked thread waits for: its group stop, a kill, or the
    system call its loop is suspended in."""
    if state == "running":
        return "-"
    if atomic(thread["must_exit"]):
        return "exit (being killed)"
    if locked(proc["stop"])["stopped"]:
        return "SIGCONT (group stopped)"
    point = loop_point(task, thread) if task is not None else None
    if point is None:
        return "?"
    kind, nr = point
    if kind == "syscall":
        name = SYSCALL_NAMES.get(nr, "syscall %d" % nr)
        if nr == 128 and atomic(thread["signals"]["waiting"]):
            name += " (mask %#x)" % atomic(thread["signals"]["waiting"])
        return name
    if kind == "signals":
        return "signal delivery / stop"
    if kind == "starting":
        return "its first run"
    return "a CPU (preempted)"


class WeftRunq(gdb.Command):
    """weft runq: per CPU, the task being polled and the tasks queued."""

    def __init__(self):
        super().__init__("weft runq", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        rt = runtime_global()
        users = user_task_map()
        halted = atomic(rt["halted"])
        for i, cpu in enumerate(rust.slice_items(rt["cpus"])):
            cur = option(locked(cpu["current"]))
            flags = " halted" if halted & (1 << i) else ""
            print("cpu%d: %d queued%s" % (i, atomic(cpu["queue_len"]), flags))
            print("  current: %s" % (describe_task(arc(cur), users) if cur is not None else "(none)"))
            queue = locked(cpu["queue"])
            # Real-time levels, most urgent first, then the fair heap (in
            # heap order, not sorted; SCHED_IDLE tasks are in it at weight 3),
            # then the fair tasks the heap had no room for.
            levels = queue["rt"]
            for level in range(levels.type.range()[1], -1, -1):
                for task in fifo_tasks(levels[level]):
                    print("  queued:  %s [rt %d]" % (describe_task(task, users), level + 1))
            fair = queue["fair"]
            for task in heap_tasks(fair["heap"]):
                print("  queued:  %s [fair vruntime %d]" % (describe_task(task, users), atomic(task["fair"]["vruntime"])))
            for task in fifo_tasks(fair["overflow"]):
                print("  queued:  %s [%s]" % (describe_task(task, users), task_state(task)))


def heap_tasks(vec):
    """The tasks of a Vec<Arc<Task>>: its raw buffer holds pointers to
    the tasks' ArcInners, matched against the registry's tasks (whose data
    sits 16 bytes into the ArcInner)."""
    by_inner = {int(t.address) - 16: t for t in registry_tasks()}
    inner = vec["buf"]["inner"]
    ptr = int(inner["ptr"]["pointer"]["pointer"]) if rust.has_field(inner["ptr"], "pointer") else int(inner["ptr"])
    out = []
    for i in range(min(int(vec["len"]), 1000)):
        task = by_inner.get(rust.read_u64(ptr + 8 * i))
        if task is not None:
            out.append(task)
    return out


def fifo_tasks(fifo):
    """The tasks of an executor::fifo::Fifo, head first."""
    out = []
    node = option(fifo["head"])
    while node is not None and len(out) < 1000:
        task = arc(node)
        out.append(task)
        node = option(locked(task["next"]))
    return out


def space_of(tgid):
    """The AddressSpace value of process `tgid` (through any live thread)."""
    for tid, t in threads():
        if int(arc(t["process"])["pid"]) == tgid:
            vm = option(locked(t["vm"]))
            if vm is not None:
                return arc(vm)
    raise gdb.GdbError("no live thread with an address space in process %d" % tgid)


def backing_name(vma):
    b = vma["backing"]
    text = str(b)
    if "Shared" in text:
        return "[shared anon]"
    if "File" not in text:
        return ""
    f = b["File"]["file"]
    # Arc<dyn FileBacking>: a (data, vtable) pair. The vtable's symbol names
    # the concrete type; exec's and mmap's is OpenFileBacking {file, path,
    # root}; mmap leaves `path` empty (named when /proc/<pid>/maps is read).
    inner = f["ptr"]["pointer"]
    vtable = int(inner["vtable"])
    try:
        t = gdb.lookup_type("task::process::exec::OpenFileBacking")
        data = gdb.Value(int(inner["pointer"]) + 16).cast(t.pointer()).dereference()
        path = data["path"]
        items = rust.vec_items(path, gdb.lookup_type("u8"))
        name = bytes(int(c) for c in items).decode("utf-8", "replace")
        return name or "[file, mmap'd]"
    except gdb.error:
        sym = gdb.execute("info symbol %#x" % vtable, to_string=True).strip()
        return "[file, %s]" % sym


def prot_text(vma):
    bits = int(rust.unwrap(vma["prot"]["__0"]["__0"])) if rust.has_field(vma["prot"], "__0") else int(vma["prot"])
    return "".join(c if bits & b else "-" for c, b in (("r", 1), ("w", 2), ("x", 4)))


class WeftVm(gdb.Command):
    """weft vm TGID: the VMAs of a process: range, rights (rwx), flags
(p private / s shared, g grows down), backing (file path or anonymous)."""

    def __init__(self):
        super().__init__("weft vm", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: weft vm TGID")
        space = space_of(int(arg, 0))
        st = locked(space["mmu"]["locked"]["__0"])["data"]
        print("address space #%d, page table root %#x, brk %#x-%#x" % (
            int(space["id"]), int(space["mmu"]["root"]), int(st["brk_start"]), int(st["brk"])))
        print("%-33s %-4s %-6s %s" % ("RANGE", "PROT", "FLAGS", "BACKING"))
        brk = (int(st["brk_start"]), int(st["brk"]))
        for _, v in btree_items(st["vmas"]["map"]):
            start, end = int(v["start"]), int(v["end"])
            flags = ("s" if v["shared"] else "p") + ("g" if v["grows_down"] else "-")
            name = backing_name(v)
            if not name:
                if brk[1] > brk[0] and start <= brk[1] and end >= brk[0]:
                    name = "anon [heap]"
                elif v["grows_down"]:
                    name = "anon [stack]"
                else:
                    name = "anon"
            print("%016x-%016x %-4s %-6s %s (%d KiB)" % (start, end, prot_text(v), flags, name, (end - start) // 1024))


PTE_BITS = [(0, "P"), (1, "W"), (2, "U"), (5, "A"), (6, "D"), (7, "PS"), (63, "NX")]


class WeftPt(gdb.Command):
    """weft pt TGID ADDR: the page-table entries on the way to ADDR in the
process's address space (PML4, PDPT, PD, PT) and the frame it maps to."""

    def __init__(self):
        super().__init__("weft pt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        args = arg.split()
        if len(args) != 2:
            raise gdb.GdbError("usage: weft pt TGID ADDR")
        space = space_of(int(args[0], 0))
        addr = int(gdb.parse_and_eval(args[1]))
        table_phys = int(space["mmu"]["root"])
        for level, name in ((3, "PML4"), (2, "PDPT"), (1, "PD"), (0, "PT")):
            index = (addr >> (12 + 9 * level)) & 0x1FF
            entry = rust.read_u64(PHYS_OFFSET + table_phys + index * 8)
            flags = " ".join(n for b, n in PTE_BITS if entry & (1 << b))
            print("%-4s[%3d] = %#018x  %s" % (name, index, entry, flags or "not present"))
            if not entry & 1:
                print("%#x is not mapped" % addr)
                return
            table_phys = entry & 0x000FFFFFFFFFF000
            if entry & (1 << 7) and level in (1, 2):
                page = 1 << (12 + 9 * level)
                print("%#x -> phys %#x (%d KiB page)" % (addr, table_phys + (addr & (page - 1)), page // 1024))
                return
        print("%#x -> phys %#x" % (addr, table_phys + (addr & 0xFFF)))


class WeftPmem(gdb.Command):
    """weft pmem: physical frames: total, free, and in use by kind."""

    def __init__(self):
        super().__init__("weft pmem", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        frames = locked(gdb.parse_and_eval("mm::frame::FRAMES"))
        total, free = int(frames["total"]), int(frames["free"])
        by_kind = [int(frames["by_kind"][i]) for i in range(len(FRAME_KINDS))]
        mib = lambda n: n * 4096 / (1 << 20)  # noqa: E731
        print("%-16s %9s %9s" % ("KIND", "FRAMES", "MiB"))
        print("%-16s %9d %9.1f" % ("total", total, mib(total)))
        print("%-16s %9d %9.1f" % ("free", free, mib(free)))
        for name, n in zip(FRAME_KINDS, by_kind):
            print("%-16s %9d %9.1f" % (name, n, mib(n)))
        untracked = total - free - sum(by_kind)
        if untracked:
            print("%-16s %9d %9.1f" % ("untracked", untracked, mib(untracked)))


Weft()
WeftCpus()
WeftPs()
WeftThreads()
WeftRunq()
WeftVm()
WeftPt()
WeftPmem()
