//! The reclaim task: gives the kernel heap's free memory back to the frame
//! allocator once a second, so that MemFree recovers after a burst (a fork
//! bomb's processes, many pipes) instead of the heap keeping its
//! high-water mark. The out-of-memory path and `/proc/sys/vm/drop_caches`
//! also reclaim, at once.
//!
//! In-kernel test builds do not run it: their tests count frames and timer
//! interrupts on a machine where nothing else happens.

/// How often: soon enough that a program sees MemFree come back within a
/// second or two of freeing something, rarely enough to cost nothing (a
/// pass walks at most a few hundred heap ends under the heap lock; debug
/// builds of talc also check the whole heap then).
const INTERVAL_NS: u64 = 1_000_000_000;

pub fn start() {
    runtime::Builder::new().name("reclaim").spawn(async {
        loop {
            runtime::sleep(INTERVAL_NS).await;
            let frames = mm::reclaim();
            if frames > 0 {
                log::debug!("reclaim: {} KiB of kernel heap given back", frames * 4);
            }
        }
    });
}
