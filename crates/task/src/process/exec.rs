//! execve: load a program into a fresh address space, then — past the
//! point of no return — make the calling thread the only one of its
//! process (`de_thread`) and give it the new image (Linux's
//! `bprm_execve`, `load_elf_binary`, `begin_new_exec`).
//!
//! Everything that can fail (lookup, permissions, ELF checks, mapping,
//! the initial stack) happens before the old image is touched, so a failed
//! execve returns an error to a process that is still intact.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use abi::{Errno, KResult};
use fs::OpenFile;
use mm::{AddressSpace, FileBacking, FileId, FilePages, MmapFile, MmapRequest};

use super::table::TABLE;
use super::thread::Thread;
use crate::exec::elf::{self, ElfInfo, ProgramHeader};
use crate::exec::stack::{self, StackRequest};

/// Linux's BINPRM_MAX_RECURSION: interpreters of interpreters.
const MAX_SCRIPT_DEPTH: usize = 4;
/// Bytes of a `#!` line Linux reads (BINPRM_BUF_SIZE).
const SHEBANG_MAX: usize = 256;

const PROT_READ: u32 = 1;
const PROT_WRITE: u32 = 2;
const PROT_EXEC: u32 = 4;
const MAP_PRIVATE: u32 = 0x02;
const MAP_FIXED: u32 = 0x10;

/// CPUID(1).EDX for AT_HWCAP, and the signal stack minimum for
/// AT_MINSIGSTKSZ; set by the kernel at boot.
pub static HWCAP: AtomicU64 = AtomicU64::new(0);
pub static MINSIGSTKSZ: AtomicU64 = AtomicU64::new(2048);

/// An open file as mm's file backing: private mappings and exec copy pages
/// through `read_page`; shared mappings map the inode's page cache.
pub struct OpenFileBacking {
    file: Arc<OpenFile>,
    /// The name /proc/<pid>/maps shows, when known at mapping time (exec
    /// names its images once); empty for mmap, whose name is worked out
    /// from `root` when maps is read (a walk up the directories), not at
    /// every mmap. The debugger's `weft vm` shows it.
    path: Vec<u8>,
    /// The mapper's root.
    root: fs::Location,
}

impl OpenFileBacking {
    /// A backing named when /proc/<pid>/maps is read.
    pub fn new(file: Arc<OpenFile>, root: fs::Location) -> Arc<Self> {
        Arc::new(Self { file, path: Vec::new(), root })
    }

    /// A backing named now (exec's images).
    pub fn named(file: Arc<OpenFile>, root: fs::Location) -> Arc<Self> {
        let path = file.path(&root);
        Arc::new(Self { file, path, root })
    }
}

impl FileBacking for OpenFileBacking {
    fn read_page(&self, file_offset: u64, page: &mut [u8; 4096]) -> KResult<usize> {
        let mut done = 0;
        while done < page.len() {
            let n = self.file.inode().read_at(file_offset + done as u64, &mut page[done..])?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }

    fn describe(&self, with_path: bool) -> FileId {
        let meta = self.file.metadata();
        FileId {
            dev: (meta.dev.major, meta.dev.minor),
            ino: meta.ino,
            path: match (with_path, self.path.is_empty()) {
                (false, _) => alloc::string::String::new(),
                (true, false) => alloc::string::String::from_utf8_lossy(&self.path).into_owned(),
                (true, true) => alloc::string::String::from_utf8_lossy(&self.file.path(&self.root)).into_owned(),
            },
        }
    }

    fn page_cache(&self) -> Option<Arc<FilePages>> {
        self.file.inode().page_cache()
    }
}

/// A program loaded into a new address space, ready to run.
pub struct LoadedProgram {
    pub vm: Arc<AddressSpace>,
    pub entry: u64,
    pub stack_pointer: u64,
    /// The path as given (for comm, /proc/<pid>/exe).
    pub path: Vec<u8>,
    pub argv: Vec<Vec<u8>>,
    pub envp: Vec<Vec<u8>>,
}

/// Reads the start of `file` (at most `len` bytes).
fn read_head(file: &OpenFile, len: usize) -> KResult<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut done = 0;
    while done < len {
        let n = file.inode().read_at(done as u64, &mut buf[done..])?;
        if n == 0 {
            break;
        }
        done += n;
    }
    buf.truncate(done);
    Ok(buf)
}

/// Parses a `#!interpreter [arg]` line.
fn parse_shebang(head: &[u8]) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
    let line = head.strip_prefix(b"#!")?;
    let line = &line[..line.iter().position(|&b| b == b'\n').unwrap_or(line.len())];
    let trimmed: &[u8] = {
        let start = line.iter().position(|&b| b != b' ' && b != b'\t')?;
        let end = line.iter().rposition(|&b| b != b' ' && b != b'\t' && b != b'\r')? + 1;
        &line[start..end]
    };
    match trimmed.iter().position(|&b| b == b' ' || b == b'\t') {
        None => Some((trimmed.to_vec(), None)),
        Some(i) => {
            let arg = &trimmed[i..];
            let arg_start = arg.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(0);
            Some((trimmed[..i].to_vec(), Some(arg[arg_start..].to_vec())))
        }
    }
}

/// Loads `path` (an ELF file or a script) for `thread`, without changing
/// the thread. The caller commits with [`commit_exec`].
pub fn load_program(thread: &Thread, path: &[u8], argv: Vec<Vec<u8>>, envp: Vec<Vec<u8>>) -> KResult<LoadedProgram> {
    load_program_at(thread, ExecStart { dir: None, follow: true, name: path.to_vec() }, path, argv, envp)
}

/// Where execveat starts its lookup of the program.
pub struct ExecStart {
    /// The directory of a relative path, or with an empty path the file
    /// itself; `None`: the working directory.
    pub dir: Option<fs::Location>,
    /// Follow a final symlink (cleared by AT_SYMLINK_NOFOLLOW).
    pub follow: bool,
    /// What the program is called (Linux's bprm->filename: "/dev/fd/N" or
    /// "/dev/fd/N/path" for an fd): the script argument and /proc exe name.
    pub name: Vec<u8>,
}

/// [`load_program`] with the first lookup done as execveat asks.
pub fn load_program_at(thread: &Thread, start: ExecStart, path: &[u8], mut argv: Vec<Vec<u8>>, envp: Vec<Vec<u8>>) -> KResult<LoadedProgram> {
    stack::check_arg_sizes(&argv, &envp)?;
    let cred = thread.process().cred.lock().clone();
    let fs_cred = fs::Cred { uid: cred.euid, gid: cred.egid, groups: &cred.groups };
    let resolver = thread.fs().resolver(fs_cred);
    let mut path = path.to_vec();
    let exec_path = start.name.clone();
    let mut first = Some(start);
    for _ in 0..=MAX_SCRIPT_DEPTH {
        let file = match first.take() {
            Some(start) => {
                let file = resolver.open_exec_at(start.dir.as_ref(), &path, start.follow)?;
                path = start.name;
                file
            }
            None => resolver.open_exec(None, &path)?,
        };
        let head = read_head(&file, SHEBANG_MAX.max(4096))?;
        if head.starts_with(b"#!") {
            let (interp, arg) = parse_shebang(&head[..head.len().min(SHEBANG_MAX)]).ok_or(Errno::ENOEXEC)?;
            let mut new_argv = vec![interp.clone()];
            new_argv.extend(arg);
            new_argv.push(path.clone());
            new_argv.extend(argv.into_iter().skip(1));
            argv = new_argv;
            path = interp;
            continue;
        }
        let info = parse_elf(&file, &head)?;
        return load_elf(thread, &resolver, file, &exec_path, info, argv, envp);
    }
    Err(Errno::ELOOP)
}

fn parse_elf(file: &OpenFile, head: &[u8]) -> KResult<ElfInfo> {
    let needed = elf::headers_len(head)?;
    if needed <= head.len() {
        return elf::parse(head);
    }
    if needed > 64 * 1024 {
        return Err(Errno::ENOEXEC);
    }
    elf::parse(&read_head(file, needed)?)
}

fn prot_of(h: &ProgramHeader) -> u32 {
    let (r, w, x) = elf::segment_prot(h);
    (if r { PROT_READ } else { 0 }) | (if w { PROT_WRITE } else { 0 }) | (if x { PROT_EXEC } else { 0 })
}

/// Maps the PT_LOAD segments of `info` at `bias`; returns the end of the
/// highest segment.
fn map_segments(vm: &AddressSpace, backing: &Arc<OpenFileBacking>, info: &ElfInfo, bias: u64) -> KResult<u64> {
    let mut end = 0;
    for h in info.loads() {
        let prot = prot_of(h);
        let layout = elf::segment_layout(h, bias);
        if let Some((pages, offset)) = &layout.file_pages {
            let len = (pages.end - pages.start) as usize;
            vm.mmap(MmapRequest {
                addr: pages.start as usize,
                len,
                prot: prot | PROT_WRITE,
                flags: MAP_PRIVATE | MAP_FIXED,
                offset: *offset,
                file: Some(MmapFile { backing: backing.clone(), readable: true, writable: false }),
            })?;
            // Written through the temporary write permission, which is
            // dropped right after.
            if let Some(zeroed) = &layout.zeroed {
                vm.zero_user(zeroed.start as usize, (zeroed.end - zeroed.start) as usize)?;
            }
            if prot & PROT_WRITE == 0 {
                vm.mprotect(pages.start as usize, len, prot)?;
            }
        }
        if let Some(anon) = &layout.anon_pages {
            vm.mmap(MmapRequest::anon(anon.start as usize, (anon.end - anon.start) as usize, prot, MAP_PRIVATE | MAP_FIXED))?;
        }
        let mem_end = bias + h.vaddr + h.memsz;
        end = end.max(mem_end);
    }
    Ok(end)
}

/// Chooses where an ET_DYN image goes: the main program at
/// ELF_ET_DYN_BASE, an interpreter wherever mmap puts a region its size.
fn choose_bias(vm: &AddressSpace, info: &ElfInfo, is_interpreter: bool) -> KResult<u64> {
    if !info.relocatable {
        return Ok(0);
    }
    let (lo, hi) = info.span();
    if !is_interpreter {
        let base = mm::layout::ELF_ET_DYN_BASE as u64 & !(info.max_align() - 1);
        return Ok(base - lo);
    }
    let base = vm.mmap(MmapRequest::anon(0, (hi - lo) as usize, 0, MAP_PRIVATE))? as u64;
    vm.munmap(base as usize, (hi - lo) as usize)?;
    Ok(base - lo)
}

#[allow(clippy::too_many_arguments)]
fn load_elf(
    thread: &Thread,
    resolver: &fs::Resolver<'_>,
    file: Arc<OpenFile>,
    exec_path: &[u8],
    info: ElfInfo,
    argv: Vec<Vec<u8>>,
    envp: Vec<Vec<u8>>,
) -> KResult<LoadedProgram> {
    let vm = AddressSpace::new()?;
    let stack_limit = thread.process().limits.lock().cur(crate::rlimit::RLIMIT_STACK);
    vm.set_stack_limit(stack_limit.min(1 << 30) as usize);
    // Mappings are named by the file's real path (Linux's d_path), not the
    // one given to execve (which may be a link such as /proc/self/exe).
    let root = thread.fs().root();
    let backing = OpenFileBacking::named(file.clone(), root.clone());
    let bias = choose_bias(&vm, &info, false)?;
    let end = map_segments(&vm, &backing, &info, bias)?;
    vm.set_brk_start(((end + 4095) & !4095) as usize);
    let mut entry = info.entry + bias;
    let mut interp_base = 0;
    if let Some(h) = info.interp() {
        if h.filesz == 0 || h.filesz > 4096 {
            return Err(Errno::ENOEXEC);
        }
        let mut name = vec![0u8; h.filesz as usize];
        let n = file.inode().read_at(h.offset, &mut name)?;
        name.truncate(n);
        if name.last() == Some(&0) {
            name.pop();
        }
        let ifile = resolver.open_exec(None, &name)?;
        let ihead = read_head(&ifile, 4096)?;
        let iinfo = parse_elf(&ifile, &ihead)?;
        if iinfo.interp().is_some() {
            return Err(Errno::ELIBBAD);
        }
        let ibacking = OpenFileBacking::named(ifile.clone(), root.clone());
        let ibias = choose_bias(&vm, &iinfo, true)?;
        map_segments(&vm, &ibacking, &iinfo, ibias)?;
        interp_base = ibias + iinfo.span().0;
        entry = iinfo.entry + ibias;
    }
    let area = vm.map_main_stack(mm::layout::STACK_TOP)?;
    let cred = thread.process().cred.lock().clone();
    let phdr = info.phdr_address(bias).unwrap_or(0);
    let aux = [
        (stack::AT_HWCAP, HWCAP.load(Ordering::Relaxed)),
        (stack::AT_PAGESZ, 4096),
        (stack::AT_CLKTCK, 100),
        (stack::AT_PHDR, phdr),
        (stack::AT_PHENT, 56),
        (stack::AT_PHNUM, info.phnum as u64),
        (stack::AT_BASE, interp_base),
        (stack::AT_FLAGS, 0),
        (stack::AT_ENTRY, info.entry + bias),
        (stack::AT_UID, cred.uid as u64),
        (stack::AT_EUID, cred.euid as u64),
        (stack::AT_GID, cred.gid as u64),
        (stack::AT_EGID, cred.egid as u64),
        (stack::AT_SECURE, 0),
        (stack::AT_HWCAP2, 0),
        (stack::AT_MINSIGSTKSZ, MINSIGSTKSZ.load(Ordering::Relaxed)),
    ];
    let mut random = [0u8; 16];
    fs::hooks::fill_random(&mut random);
    let image = stack::build(&StackRequest {
        top: area.top as u64,
        argv: &argv,
        envp: &envp,
        execfn: exec_path,
        random,
        aux: &aux,
    })?;
    if (image.sp as usize) < area.bottom {
        // More arguments than the initial stack holds: grow it by touching.
        vm.handle_fault(image.sp as usize, mm::Access::Write, false).map_err(|_| Errno::E2BIG)?;
    }
    vm.copy_to_user(image.sp as usize, &image.bytes)?;
    vm.set_program_layout(mm::ProgramLayout { start_stack: image.sp as usize, ..info.code_and_data(bias) });
    Ok(LoadedProgram { vm, entry, stack_pointer: image.sp, path: exec_path.to_vec(), argv, envp })
}

/// Asks every other thread of the caller's process to exit and waits until
/// they are gone; then the caller takes the process id (Linux's
/// `de_thread`). Fails with EAGAIN-like EINTR when the group is dying.
pub async fn de_thread(thread: &Arc<Thread>) -> KResult<()> {
    let process = thread.process().clone();
    for t in process.threads() {
        if !Arc::ptr_eq(&t, thread) {
            t.request_exit();
        }
    }
    process
        .thread_exited
        .wait_until(|| (process.thread_count() == 1 || thread.must_exit()).then_some(()))
        .await;
    if thread.must_exit() {
        return Err(Errno::EINTR);
    }
    let mut table = TABLE.lock();
    let old_tid = thread.tid();
    if old_tid != process.pid() {
        table.topo.exec_take_leadership(old_tid)?;
        table.remove_thread(old_tid);
        thread.set_tid(process.pid());
        process.rekey_thread(old_tid, thread);
        table.insert_thread(thread.clone());
        super::parent_death::parent_thread_renamed(&table, process.pid(), old_tid, process.pid());
    }
    Ok(())
}

/// The point of no return: the thread becomes `program`'s only thread.
pub fn commit_exec(thread: &Arc<Thread>, program: LoadedProgram) {
    let process = thread.process().clone();
    let old_vm = thread.set_vm(program.vm.clone());
    program.vm.activate();
    drop(old_vm);
    // A file table shared with another process (CLONE_FILES) is unshared.
    let files = thread.files();
    if Arc::strong_count(&files) > 2 {
        thread.set_files(Arc::new(files.fork_copy()));
    }
    thread.files().close_on_exec();
    // Handlers shared with another process are unshared, then reset.
    let sighand = thread.sighand();
    let mut actions = sighand.lock().clone();
    actions.reset_for_exec();
    thread.set_sighand(Arc::new(ksync::SpinLock::new(actions)));
    *thread.signals.altstack.lock() =
        crate::signal::frame::AltStack { sp: 0, flags: crate::signal::frame::SS_DISABLE, size: 0 };
    thread.clear_child_tid.store(0, Ordering::Relaxed);
    *thread.robust_list.lock() = (0, 0);
    {
        let mut cred = process.cred.lock();
        let (uid, euid) = (cred.uid, cred.euid);
        cred.caps.after_exec(uid, euid);
    }
    let base = program.path.rsplit(|&b| b == b'/').next().unwrap_or(&program.path);
    thread.set_comm(base);
    *process.exe.lock() = program.path.clone();
    *process.cmdline.lock() = program.argv.iter().flat_map(|a| a.iter().copied().chain([0])).collect();
    *process.environ.lock() = program.envp.iter().flat_map(|a| a.iter().copied().chain([0])).collect();
    process.timers.clear();
    TABLE.lock().topo.mark_exec(process.pid());
    if let Some(done) = thread.vfork_done.lock().take() {
        done.set();
    }
}

#[cfg(test)]
mod test {
    use super::parse_shebang;

    #[test]
    fn shebang_lines_split_into_interpreter_and_one_argument() {
        assert_eq!(parse_shebang(b"#!/bin/sh\necho"), Some((b"/bin/sh".to_vec(), None)));
        assert_eq!(parse_shebang(b"#! /bin/busybox sh -x \n"), Some((b"/bin/busybox".to_vec(), Some(b"sh -x".to_vec()))));
        assert_eq!(parse_shebang(b"#!\n"), None);
    }
}
