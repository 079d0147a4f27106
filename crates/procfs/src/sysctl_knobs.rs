//! The writable `/proc/sys` knobs of pipes, file descriptors, ids and the
//! address space, parsed as Linux's `proc_dointvec_minmax` and friends
//! parse them: whitespace-separated decimal numbers, EINVAL for anything
//! else or a value out of the knob's range.
//!
//! Where the value lives: with the code it bounds (`fs::pipe`, `fs::file`,
//! `mm::layout`, the id allocator). `core_pattern`, `printk` and
//! `overcommit_memory` are only stored and reported: weft writes no core
//! files, has one log level of its own (`log=` on the command line), and
//! never refuses an mmap for want of memory, whatever the overcommit mode
//! (it behaves as mode 1; docs/memory.md).

use alloc::vec::Vec;

use abi::{Errno, KResult};
use ksync::SpinLock;

/// The numbers of a write, at most `max` of them.
fn numbers(buf: &[u8], max: usize) -> KResult<Vec<i64>> {
    let text = core::str::from_utf8(buf).map_err(|_| Errno::EINVAL)?;
    let mut out = Vec::new();
    for word in text.split_ascii_whitespace().take(max) {
        out.push(word.parse::<i64>().map_err(|_| Errno::EINVAL)?);
    }
    if out.is_empty() {
        return Err(Errno::EINVAL);
    }
    Ok(out)
}

/// The one number of a write, which must lie in `range`.
fn number_in(buf: &[u8], range: core::ops::RangeInclusive<i64>) -> KResult<i64> {
    let n = numbers(buf, 1)?[0];
    if !range.contains(&n) { Err(Errno::EINVAL) } else { Ok(n) }
}

fn line(n: impl core::fmt::Display) -> KResult<Vec<u8>> {
    Ok(alloc::format!("{n}\n").into_bytes())
}

// kernel/pid_max: RESERVED_PIDS + 1 ..= PID_MAX_LIMIT.

pub fn pid_max() -> KResult<Vec<u8>> {
    line(task::process::TABLE.lock().topo.pid_max())
}

pub fn set_pid_max(buf: &[u8]) -> KResult<usize> {
    let n = number_in(buf, i64::from(task::ids::PID_MAX_MIN)..=i64::from(task::ids::PID_MAX))?;
    task::process::TABLE.lock().topo.set_pid_max(n as i32);
    Ok(buf.len())
}

// kernel/core_pattern: a string of at most CORENAME_MAX_SIZE - 1 bytes.

const CORENAME_MAX_SIZE: usize = 128;
static CORE_PATTERN: SpinLock<Vec<u8>> = SpinLock::new(Vec::new());

pub fn core_pattern() -> KResult<Vec<u8>> {
    let pattern = CORE_PATTERN.lock();
    let text: &[u8] = if pattern.is_empty() { b"core" } else { &pattern };
    Ok([text, b"\n"].concat())
}

/// Linux proc_dostring: the text up to the first newline, cut to fit.
pub fn set_core_pattern(buf: &[u8]) -> KResult<usize> {
    let text = buf.split(|&b| b == b'\n' || b == 0).next().unwrap_or(buf);
    let text = &text[..text.len().min(CORENAME_MAX_SIZE - 1)];
    let mut new = Vec::new();
    new.try_reserve_exact(text.len()).map_err(|_| Errno::ENOMEM)?;
    new.extend_from_slice(text);
    *CORE_PATTERN.lock() = new;
    Ok(buf.len())
}

// kernel/printk: console, default message, minimum console and default
// console log levels; a write sets as many as it gives (proc_dointvec).

static PRINTK: SpinLock<[i32; 4]> = SpinLock::new([4, 4, 1, 7]);

pub fn printk() -> KResult<Vec<u8>> {
    let p = *PRINTK.lock();
    Ok(alloc::format!("{}\t{}\t{}\t{}\n", p[0], p[1], p[2], p[3]).into_bytes())
}

pub fn set_printk(buf: &[u8]) -> KResult<usize> {
    let values = numbers(buf, 4)?;
    let values: Vec<i32> = values.iter().map(|&v| i32::try_from(v).map_err(|_| Errno::EINVAL)).collect::<KResult<_>>()?;
    let mut p = PRINTK.lock();
    p[..values.len()].copy_from_slice(&values);
    Ok(buf.len())
}

// fs/pipe-max-size (rounded as F_SETPIPE_SZ rounds), pipe-user-pages-soft
// and -hard (unsigned longs, no bounds).

pub fn pipe_max_size() -> KResult<Vec<u8>> {
    line(fs::pipe::pipe_max_size())
}

pub fn set_pipe_max_size(buf: &[u8]) -> KResult<usize> {
    let n = number_in(buf, 0..=i64::from(u32::MAX))?;
    fs::pipe::set_pipe_max_size(n as u64)?;
    Ok(buf.len())
}

pub fn pipe_user_pages_soft() -> KResult<Vec<u8>> {
    line(fs::pipe::user_pages_soft())
}

pub fn set_pipe_user_pages_soft(buf: &[u8]) -> KResult<usize> {
    fs::pipe::set_user_pages_soft(number_in(buf, 0..=i64::MAX)? as u64);
    Ok(buf.len())
}

pub fn pipe_user_pages_hard() -> KResult<Vec<u8>> {
    line(fs::pipe::user_pages_hard())
}

pub fn set_pipe_user_pages_hard(buf: &[u8]) -> KResult<usize> {
    fs::pipe::set_user_pages_hard(number_in(buf, 0..=i64::MAX)? as u64);
    Ok(buf.len())
}

// fs/nr_open: 64 ..= INT_MAX & -64.

pub fn nr_open() -> KResult<Vec<u8>> {
    line(fs::file::nr_open())
}

pub fn set_nr_open(buf: &[u8]) -> KResult<usize> {
    fs::file::set_nr_open(number_in(buf, 0..=i64::MAX)? as u64)?;
    Ok(buf.len())
}

// vm/max_map_count: 0 ..= INT_MAX.

pub fn max_map_count() -> KResult<Vec<u8>> {
    line(mm::layout::max_map_count())
}

pub fn set_max_map_count(buf: &[u8]) -> KResult<usize> {
    mm::layout::set_max_map_count(number_in(buf, 0..=i64::from(i32::MAX))? as usize);
    Ok(buf.len())
}

// vm/overcommit_memory: 0 (heuristic), 1 (always), 2 (never); stored only.

static OVERCOMMIT_MEMORY: SpinLock<i64> = SpinLock::new(0);

pub fn overcommit_memory() -> KResult<Vec<u8>> {
    line(*OVERCOMMIT_MEMORY.lock())
}

pub fn set_overcommit_memory(buf: &[u8]) -> KResult<usize> {
    *OVERCOMMIT_MEMORY.lock() = number_in(buf, 0..=2)?;
    Ok(buf.len())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn numbers_parse_like_proc_dointvec() {
        assert_eq!(numbers(b" 12\n", 1), Ok(alloc::vec![12]));
        assert_eq!(numbers(b"1 2\t3 4 5\n", 4), Ok(alloc::vec![1, 2, 3, 4]));
        assert_eq!(numbers(b"12abc\n", 1), Err(Errno::EINVAL));
        assert_eq!(numbers(b"\n", 1), Err(Errno::EINVAL));
        assert_eq!(number_in(b"3\n", 0..=2), Err(Errno::EINVAL));
        assert_eq!(number_in(b"-1\n", 0..=2), Err(Errno::EINVAL));
        assert_eq!(number_in(b"2\n", 0..=2), Ok(2));
    }

    #[test]
    fn printk_sets_only_the_values_given() {
        set_printk(b"7\n").unwrap();
        assert_eq!(printk().unwrap(), b"7\t4\t1\t7\n");
        set_printk(b"4 4 1 7").unwrap();
        assert_eq!(set_printk(b"x"), Err(Errno::EINVAL));
    }

    #[test]
    fn core_pattern_is_cut_at_the_newline_and_the_size() {
        set_core_pattern(b"/tmp/core.%p\nrest").unwrap();
        assert_eq!(core_pattern().unwrap(), b"/tmp/core.%p\n");
        set_core_pattern(&[b'a'; 300]).unwrap();
        assert_eq!(core_pattern().unwrap().len(), CORENAME_MAX_SIZE);
        set_core_pattern(b"core").unwrap();
    }
}
