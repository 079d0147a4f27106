//! Readiness of many files at once, for `poll`, `select` and `pselect`.
//!
//! [`poll_files`] reports which files are ready. When none is and a context
//! is given, it registers the waker with every file and checks again, so a
//! change between the two passes is not lost. The syscall layer loops:
//! `poll_fn(|cx| if poll_files(items, Some(cx)) > 0 { Ready } else { Pending })`,
//! racing it against its timeout.

use alloc::sync::Arc;
use core::task::Context;

use crate::file::OpenFile;
use crate::flags::PollEvents;

/// One entry of a poll set.
pub struct PollItem {
    /// The file (`None` for an fd that is not open: reported as `POLLNVAL`;
    /// the syscall layer skips negative fds entirely).
    pub file: Option<Arc<OpenFile>>,
    /// Requested events; `ERR`, `HUP` and `NVAL` are always reported.
    pub interest: PollEvents,
    /// Out: the events that are ready.
    pub revents: PollEvents,
}

impl PollItem {
    /// An entry for `file` with `interest`.
    pub fn new(file: Option<Arc<OpenFile>>, interest: PollEvents) -> PollItem {
        PollItem {
            file,
            interest,
            revents: PollEvents::empty(),
        }
    }
}

fn check(items: &mut [PollItem], mut cx: Option<&mut Context<'_>>) -> usize {
    let mut ready = 0;
    for item in items.iter_mut() {
        let ev = match &item.file {
            Some(f) => f.poll_ready(cx.as_deref_mut()),
            None => PollEvents::NVAL,
        };
        item.revents = ev & (item.interest | PollEvents::ALWAYS);
        if !item.revents.is_empty() {
            ready += 1;
        }
    }
    ready
}

/// Fills every `revents` and returns how many items are ready. If none is
/// and `cx` is given, its waker is registered with every file before the
/// final check (wakes after that are delivered to `cx`).
pub fn poll_files(items: &mut [PollItem], cx: Option<&mut Context<'_>>) -> usize {
    let ready = check(items, None);
    match cx {
        Some(cx) if ready == 0 => check(items, Some(cx)),
        _ => ready,
    }
}

#[cfg(test)]
mod test;
