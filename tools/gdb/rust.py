"""Readers of Rust's standard data structures for weft's gdb commands.

gdb shows Rust values with their real layout: an Arc is a pointer to an
ArcInner, a BTreeMap a tree of LeafNode/InternalNode, an Option a
union of its variants, and locks and atomics wrap their data in cells.
These helpers walk those layouts (as of Rust 1.9x, the toolchain weft
builds with) so that the commands in weft.py read like the kernel code.
Only reads: nothing here writes target memory or calls target code.
"""
import gdb

# Wrappers whose one interesting field is the payload.
_WRAPPERS = (
    ("core::mem::maybe_uninit::MaybeUninit<", "value"),
    ("core::mem::manually_drop::ManuallyDrop<", "value"),
    ("core::mem::maybe_dangling::MaybeDangling<", "__0"),
    ("core::cell::UnsafeCell<", "value"),
    ("core::cell::Cell<", "value"),
    ("core::sync::atomic::private::Align", "__0"),
)


def type_name(v):
    return str(v.type.strip_typedefs())


def unwrap(v):
    """Strips MaybeUninit, ManuallyDrop, UnsafeCell and similar wrappers."""
    while True:
        name = type_name(v)
        for prefix, field in _WRAPPERS:
            if name.startswith(prefix):
                v = v[field]
                break
        else:
            return v


def atomic(v):
    """The integer inside an atomic or any single-field wrapper of one
    (Atomic<T>, AtomicStatus, cells): descends to the first field that
    has a size until it reaches a scalar."""
    while v.type.strip_typedefs().code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        fields = [f for f in v.type.strip_typedefs().fields() if f.type.sizeof > 0]
        if not fields:
            return 0
        v = v[fields[0].name]
    return int(v)


def has_field(v, name):
    try:
        return any(f.name == name for f in v.type.strip_typedefs().fields())
    except TypeError:
        return False


def locked(m):
    """The data inside a lock_api Mutex / spin lock (read without locking:
    the target is stopped). A `ksync::SpinLock` wraps the lock_api Mutex
    in `inner` (next to its lockdep class in debug builds)."""
    if has_field(m, "inner"):
        m = m["inner"]
    return unwrap(m["data"])


def arc(a):
    """The value an Arc<T> points to."""
    return a["ptr"]["pointer"].dereference()["data"]


def arc_addr(a):
    return int(a["ptr"]["pointer"])


def option(v):
    """The payload of Some(x), or None. gdb resolves a Rust enum value to
    its active variant: the value's type then has a field named after it
    (after the discriminant), for niche-optimized options too."""
    if has_field(v, "None"):
        return None
    if not has_field(v, "Some"):
        return v
    some = v["Some"]
    return some["__0"] if has_field(some, "__0") else some


def variant(v):
    """The name of the active variant of a Rust enum value."""
    names = [f.name for f in v.type.strip_typedefs().fields() if f.name]
    return names[-1] if names else str(v)


def btree_items(m):
    """(key, value) pairs of a BTreeMap, in key order."""
    root = option(m["root"])
    if root is None:
        return
    yield from _node_items(root["node"]["pointer"], int(root["height"]))


def _node_items(ptr, height):
    leaf = ptr.dereference()
    n = int(leaf["len"])
    edges = None
    if height > 0:
        # InternalNode { data: LeafNode, edges: [ptr; 12] }: the edges
        # follow the leaf part, pointer-aligned.
        size = (leaf.type.sizeof + 7) & ~7
        edges = [read_u64(int(ptr) + size + 8 * i) for i in range(n + 1)]
    for i in range(n):
        if edges is not None:
            child = gdb.Value(edges[i]).cast(ptr.type)
            yield from _node_items(child, height - 1)
        yield unwrap(leaf["keys"][i]), unwrap(leaf["vals"][i])
    if edges is not None:
        child = gdb.Value(edges[n]).cast(ptr.type)
        yield from _node_items(child, height - 1)


def vec_items(v, elem_type):
    """Elements of a Vec<T> whose element type is `elem_type` (the raw
    buffer is untyped in the standard library's layout)."""
    inner = v["buf"]["inner"]
    ptr = int(inner["ptr"]["pointer"]["pointer"]) if has_field(inner["ptr"], "pointer") else int(inner["ptr"])
    n = int(v["len"])
    base = gdb.Value(ptr).cast(elem_type.pointer())
    return [base[i] for i in range(n)]


def slice_items(s):
    """Elements of a &[T] / Box<[T]> (a fat pointer)."""
    n = int(s["length"])
    return [s["data_ptr"][i] for i in range(n)]


def dyn_data(v, depth=0):
    """The data address of a trait object behind Box/Pin/Arc wrappers (the
    first (pointer, vtable) pair found), or None."""
    t = v.type.strip_typedefs()
    if t.code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION) or depth > 8:
        return None
    names = [f.name for f in t.fields()]
    if "pointer" in names and "vtable" in names:
        return int(v["pointer"])
    for f in t.fields():
        if f.name and f.type.sizeof > 0:
            found = dyn_data(v[f.name], depth + 1)
            if found is not None:
                return found
    return None


def bytes_of(arr, n=None):
    """A byte array as text, up to the first NUL."""
    size = arr.type.sizeof if n is None else n
    out = bytearray()
    for i in range(size):
        b = int(arr[i])
        if b == 0:
            break
        out.append(b)
    return out.decode("utf-8", "replace")


def str_of(s):
    """A &str or Box<str> (fat pointer) as text."""
    n = int(s["length"])
    if n == 0:
        return ""
    data = gdb.selected_inferior().read_memory(int(s["data_ptr"]), min(n, 256))
    return bytes(data).decode("utf-8", "replace")


def read_u64(addr):
    data = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(data), "little")
