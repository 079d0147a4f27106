//! The initial stack of a new program, laid out as Linux's
//! `create_elf_tables` does (fs/binfmt_elf.c), from high to low addresses:
//!
//! ```text
//! top ->  8 zero bytes
//!         execfn string                    (AT_EXECFN)
//!         envp strings, argv strings       (NUL-terminated)
//!         "x86_64"                         (AT_PLATFORM)
//!         16 random bytes                  (AT_RANDOM), 16-aligned
//!         auxv pairs ending with AT_NULL
//!         envp pointers, NULL
//!         argv pointers, NULL
//! sp ->   argc                             (sp is 16-byte aligned)
//! ```

use alloc::vec;
use alloc::vec::Vec;

use abi::{Errno, KResult};

pub const AT_NULL: u64 = 0;
pub const AT_PHDR: u64 = 3;
pub const AT_PHENT: u64 = 4;
pub const AT_PHNUM: u64 = 5;
pub const AT_PAGESZ: u64 = 6;
pub const AT_BASE: u64 = 7;
pub const AT_FLAGS: u64 = 8;
pub const AT_ENTRY: u64 = 9;
pub const AT_UID: u64 = 11;
pub const AT_EUID: u64 = 12;
pub const AT_GID: u64 = 13;
pub const AT_EGID: u64 = 14;
pub const AT_PLATFORM: u64 = 15;
pub const AT_HWCAP: u64 = 16;
pub const AT_CLKTCK: u64 = 17;
pub const AT_SECURE: u64 = 23;
pub const AT_RANDOM: u64 = 25;
pub const AT_HWCAP2: u64 = 26;
pub const AT_EXECFN: u64 = 31;
pub const AT_MINSIGSTKSZ: u64 = 51;

/// Linux's limit on the total size of argv and envp strings when the
/// stack rlimit is 8 MiB (a quarter of it).
pub const ARG_MAX: usize = 2 * 1024 * 1024;
/// Linux's limit on one argument or environment string (32 pages).
pub const MAX_ARG_STRLEN: usize = 32 * 4096;

/// What goes on the stack.
pub struct StackRequest<'a> {
    /// Highest address of the stack (exclusive), 16-byte aligned.
    pub top: u64,
    pub argv: &'a [Vec<u8>],
    pub envp: &'a [Vec<u8>],
    /// The path given to execve (AT_EXECFN).
    pub execfn: &'a [u8],
    pub random: [u8; 16],
    /// Auxiliary vector entries other than AT_RANDOM, AT_EXECFN,
    /// AT_PLATFORM and AT_NULL, which are added here.
    pub aux: &'a [(u64, u64)],
}

/// The bytes of the initial stack: they occupy `[sp, top)`.
#[derive(Debug)]
pub struct StackImage {
    pub sp: u64,
    pub bytes: Vec<u8>,
}

/// Checks the argument and environment sizes as execve does (E2BIG).
pub fn check_arg_sizes(argv: &[Vec<u8>], envp: &[Vec<u8>]) -> KResult<()> {
    let mut total = 0usize;
    for s in argv.iter().chain(envp) {
        if s.len() + 1 > MAX_ARG_STRLEN {
            return Err(Errno::E2BIG);
        }
        total += s.len() + 1 + 8;
    }
    if total > ARG_MAX { Err(Errno::E2BIG) } else { Ok(()) }
}

/// Lays out the stack.
pub fn build(req: &StackRequest<'_>) -> KResult<StackImage> {
    check_arg_sizes(req.argv, req.envp)?;
    // Strings, ascending: argv, envp, execfn, then 8 zero bytes at the top.
    let mut strings = Vec::new();
    let mut argv_offsets = Vec::with_capacity(req.argv.len());
    let mut envp_offsets = Vec::with_capacity(req.envp.len());
    for s in req.argv {
        argv_offsets.push(strings.len());
        strings.extend_from_slice(s);
        strings.push(0);
    }
    for s in req.envp {
        envp_offsets.push(strings.len());
        strings.extend_from_slice(s);
        strings.push(0);
    }
    let execfn_offset = strings.len();
    strings.extend_from_slice(req.execfn);
    strings.push(0);
    strings.extend_from_slice(&[0; 8]);
    let strings_base = req.top - strings.len() as u64;
    let platform = b"x86_64\0";
    let platform_addr = strings_base - platform.len() as u64;
    let random_addr = (platform_addr - 16) & !15;

    let mut aux: Vec<(u64, u64)> = req.aux.to_vec();
    aux.push((AT_RANDOM, random_addr));
    aux.push((AT_EXECFN, strings_base + execfn_offset as u64));
    aux.push((AT_PLATFORM, platform_addr));
    aux.push((AT_NULL, 0));
    let words = 1 + req.argv.len() + 1 + req.envp.len() + 1 + 2 * aux.len();
    let sp = (random_addr - words as u64 * 8) & !15;

    let mut bytes = vec![0u8; (req.top - sp) as usize];
    let at = |addr: u64| (addr - sp) as usize;
    bytes[at(strings_base)..].copy_from_slice(&strings);
    bytes[at(platform_addr)..at(platform_addr) + platform.len()].copy_from_slice(platform);
    bytes[at(random_addr)..at(random_addr) + 16].copy_from_slice(&req.random);
    let mut words_out: Vec<u64> = Vec::with_capacity(words);
    words_out.push(req.argv.len() as u64);
    words_out.extend(argv_offsets.iter().map(|&o| strings_base + o as u64));
    words_out.push(0);
    words_out.extend(envp_offsets.iter().map(|&o| strings_base + o as u64));
    words_out.push(0);
    for (key, value) in aux {
        words_out.push(key);
        words_out.push(value);
    }
    for (i, w) in words_out.iter().enumerate() {
        bytes[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    Ok(StackImage { sp, bytes })
}

#[cfg(test)]
mod test {
    use alloc::string::String;

    use super::*;

    fn word(img: &StackImage, addr: u64) -> u64 {
        let at = (addr - img.sp) as usize;
        u64::from_le_bytes(img.bytes[at..at + 8].try_into().unwrap())
    }

    fn cstr(img: &StackImage, addr: u64) -> String {
        let at = (addr - img.sp) as usize;
        let end = img.bytes[at..].iter().position(|&b| b == 0).unwrap();
        String::from_utf8(img.bytes[at..at + end].to_vec()).unwrap()
    }

    #[test]
    fn layout_reads_back_like_a_program_sees_it() {
        let argv = [b"/bin/sh".to_vec(), b"-c".to_vec(), b"echo hi".to_vec()];
        let envp = [b"PATH=/bin".to_vec()];
        let req = StackRequest {
            top: 0x7fff_0000_0000,
            argv: &argv,
            envp: &envp,
            execfn: b"/bin/sh",
            random: [7; 16],
            aux: &[(AT_PAGESZ, 4096), (AT_ENTRY, 0x401000)],
        };
        let img = build(&req).unwrap();
        assert_eq!(img.sp % 16, 0);
        assert_eq!(img.sp + img.bytes.len() as u64, req.top);
        assert_eq!(word(&img, img.sp), 3);
        assert_eq!(cstr(&img, word(&img, img.sp + 8)), "/bin/sh");
        assert_eq!(cstr(&img, word(&img, img.sp + 24)), "echo hi");
        assert_eq!(word(&img, img.sp + 32), 0);
        assert_eq!(cstr(&img, word(&img, img.sp + 40)), "PATH=/bin");
        assert_eq!(word(&img, img.sp + 48), 0);
        // auxv
        let mut at = img.sp + 56;
        let mut aux = alloc::collections::BTreeMap::new();
        loop {
            let (k, v) = (word(&img, at), word(&img, at + 8));
            if k == AT_NULL {
                break;
            }
            aux.insert(k, v);
            at += 16;
        }
        assert_eq!(aux[&AT_PAGESZ], 4096);
        assert_eq!(aux[&AT_ENTRY], 0x401000);
        assert_eq!(cstr(&img, aux[&AT_PLATFORM]), "x86_64");
        assert_eq!(cstr(&img, aux[&AT_EXECFN]), "/bin/sh");
        let r = aux[&AT_RANDOM];
        assert_eq!(r % 16, 0);
        assert_eq!(&img.bytes[(r - img.sp) as usize..(r - img.sp) as usize + 16], &[7; 16]);
    }

    #[test]
    fn too_large_arguments_are_e2big() {
        let huge = [vec![b'x'; MAX_ARG_STRLEN]];
        assert_eq!(check_arg_sizes(&huge, &[]), Err(Errno::E2BIG));
        let many: Vec<Vec<u8>> = (0..20_000).map(|_| vec![b'y'; 100]).collect();
        assert_eq!(check_arg_sizes(&many, &[]), Err(Errno::E2BIG));
    }
}
