//! In-kernel tests of user address spaces on the real MMU: two spaces at
//! the same address, copy-on-write through real faults, frames returned at
//! teardown, and a TLB shootdown seen by another CPU.

use alloc::format;
use alloc::string::ToString;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use mm::{AddressSpace, MmapRequest};

use super::{Tally, TestResult, check};

const ADDR: usize = 0x40_0000;
const PROT_RW: u32 = 3;
const MAP_PRIVATE_FIXED: u32 = 0x02 | 0x10;

fn space_with_page(value: u64) -> Result<Arc<AddressSpace>, alloc::string::String> {
    let vm = AddressSpace::new().map_err(|e| format!("new: {e:?}"))?;
    vm.mmap(MmapRequest::anon(ADDR, 4096, PROT_RW, MAP_PRIVATE_FIXED)).map_err(|e| format!("mmap: {e:?}"))?;
    vm.write_val(ADDR, &value).map_err(|e| format!("write: {e:?}"))?;
    Ok(vm)
}

fn read(vm: &AddressSpace) -> Result<u64, alloc::string::String> {
    vm.read_val::<u64>(ADDR).map_err(|e| format!("read: {e:?}"))
}

/// Each space sees its own page at the same virtual address (CR3 switches).
fn two_spaces_same_address() -> TestResult {
    let a = space_with_page(0xaaaa)?;
    let b = space_with_page(0xbbbb)?;
    for _ in 0..3 {
        check(read(&a)? == 0xaaaa, || "space A sees B's data".to_string())?;
        check(read(&b)? == 0xbbbb, || "space B sees A's data".to_string())?;
    }
    Ok(())
}

/// A write in a forked space breaks copy-on-write; the parent keeps its data.
fn fork_copy_on_write() -> TestResult {
    let parent = space_with_page(1)?;
    let child = parent.fork().map_err(|e| format!("fork: {e:?}"))?;
    child.write_val(ADDR, &2u64).map_err(|e| format!("child write: {e:?}"))?;
    check(read(&parent)? == 1, || "the child's write reached the parent".to_string())?;
    check(read(&child)? == 2, || "the child lost its write".to_string())?;
    parent.write_val(ADDR, &3u64).map_err(|e| format!("parent write: {e:?}"))?;
    check(read(&child)? == 2, || "the parent's write reached the child".to_string())
}

/// Building and dropping spaces with touched pages returns every frame.
fn teardown_returns_frames() -> TestResult {
    mm::leave_user_space();
    let before = mm::frame::free_frames();
    {
        let vm = AddressSpace::new().map_err(|e| format!("new: {e:?}"))?;
        vm.mmap(MmapRequest::anon(ADDR, 256 * 4096, PROT_RW, MAP_PRIVATE_FIXED)).map_err(|e| format!("{e:?}"))?;
        for page in 0..256 {
            vm.write_val(ADDR + page * 4096, &(page as u64)).map_err(|e| format!("{e:?}"))?;
        }
        let child = vm.fork().map_err(|e| format!("{e:?}"))?;
        child.write_val(ADDR, &7u64).map_err(|e| format!("{e:?}"))?;
        mm::leave_user_space();
    }
    let after = mm::frame::free_frames();
    check(after == before, || format!("free frames {before} before, {after} after"))
}

/// CPU 1 keeps reading a page of a space it runs; CPU 0 unmaps the page.
/// CPU 1 must then fault (EFAULT): a stale TLB entry would let it read the
/// freed frame forever.
async fn munmap_is_seen_by_another_cpu() -> TestResult {
    let vm = space_with_page(42)?;
    let reads = Arc::new(AtomicU64::new(0));
    let faulted = Arc::new(AtomicBool::new(false));
    let (v, r, f) = (vm.clone(), reads.clone(), faulted.clone());
    let reader = runtime::Builder::new().name("reader").affinity(1 << 1).spawn(async move {
        let deadline = runtime::now_ns() + 5_000_000_000;
        while runtime::now_ns() < deadline {
            match v.read_val::<u64>(ADDR) {
                Ok(_) => {
                    r.fetch_add(1, Ordering::Relaxed);
                }
                Err(_) => {
                    f.store(true, Ordering::Release);
                    return;
                }
            }
            if r.load(Ordering::Relaxed) % 64 == 0 {
                runtime::yield_now().await;
            }
        }
    });
    while reads.load(Ordering::Relaxed) == 0 {
        runtime::yield_now().await;
    }
    vm.munmap(ADDR, 4096).map_err(|e| format!("munmap: {e:?}"))?;
    reader.await;
    check(faulted.load(Ordering::Acquire), || "the other CPU kept reading an unmapped page".to_string())
}

pub async fn run(tally: &mut Tally) {
    tally.record("mm_two_spaces_same_address", two_spaces_same_address());
    tally.record("mm_fork_copy_on_write", fork_copy_on_write());
    tally.record("mm_teardown_returns_frames", teardown_returns_frames());
    if arch::percpu::online_count() > 1 {
        tally.record("mm_munmap_is_seen_by_another_cpu", munmap_is_seen_by_another_cpu().await);
    }
}
