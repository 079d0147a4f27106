//! The reclaim task: gives the kernel heap's free memory back to the frame
//! allocator a few times a second, so that MemFree recovers after a burst
//! (a fork bomb's processes, many pipes) instead of the heap keeping its
//! high-water mark. The out-of-memory path also reclaims before it kills.

/// How often: often enough that a program sees MemFree come back soon
/// after it freed something, rarely enough to cost nothing (a pass walks
/// at most a few hundred heap ends under the heap lock).
const INTERVAL_NS: u64 = 250_000_000;

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
