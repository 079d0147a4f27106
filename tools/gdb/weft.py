"""weft's gdb commands (loaded by `cargo xtask gdb`).

They read kernel data structures through the kernel's symbols; no helper
code runs in the kernel. `weft` alone lists the subcommands.
"""
import gdb


class Weft(gdb.Command):
    """weft kernel inspection commands."""

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
            online = int(cpu["online"]["v"]["value"])
            if not online:
                continue
            apic = int(cpu["apic_id"]["v"]["value"])
            ticks = int(cpu["ticks"]["v"]["value"])
            print("%3d  %4d  %6s  %5d" % (i, apic, "yes", ticks))


Weft()
WeftCpus()
