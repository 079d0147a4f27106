//! `/proc/cpuinfo`: one block per CPU, fields as Linux's x86 `show_cpuinfo`
//! prints them (arch/x86/kernel/cpu/proc.c), read from CPUID. All CPUs of
//! a QEMU machine are the same model, so the boot CPU's CPUID serves all.

use alloc::string::String;
use alloc::vec::Vec;
use core::arch::x86_64::__cpuid;
use core::fmt::Write;

use crate::system;

/// Names of CPUID.1:EDX bits, as Linux's flags line shows them.
const EDX1: [(u32, &str); 24] = [
    (0, "fpu"), (1, "vme"), (2, "de"), (3, "pse"), (4, "tsc"), (5, "msr"), (6, "pae"), (7, "mce"),
    (8, "cx8"), (9, "apic"), (11, "sep"), (12, "mtrr"), (13, "pge"), (14, "mca"), (15, "cmov"),
    (16, "pat"), (17, "pse36"), (19, "clflush"), (23, "mmx"), (24, "fxsr"), (25, "sse"), (26, "sse2"),
    (27, "ss"), (28, "ht"),
];
/// CPUID.1:ECX.
const ECX1: [(u32, &str); 16] = [
    (0, "pni"), (1, "pclmulqdq"), (3, "monitor"), (9, "ssse3"), (12, "fma"), (13, "cx16"),
    (19, "sse4_1"), (20, "sse4_2"), (21, "x2apic"), (22, "movbe"), (23, "popcnt"), (25, "aes"),
    (26, "xsave"), (28, "avx"), (30, "rdrand"), (31, "hypervisor"),
];
/// CPUID.80000001:EDX and ECX.
const EDX81: [(u32, &str); 5] = [(11, "syscall"), (20, "nx"), (26, "pdpe1gb"), (27, "rdtscp"), (29, "lm")];
const ECX81: [(u32, &str); 3] = [(0, "lahf_lm"), (5, "abm"), (8, "3dnowprefetch")];

fn flags_of(reg: u32, names: &[(u32, &str)], out: &mut String) {
    for (bit, name) in names {
        if reg & (1 << bit) != 0 {
            out.push(' ');
            out.push_str(name);
        }
    }
}

/// The 48-byte brand string (CPUID 0x80000002..4), trimmed.
fn model_name() -> String {
    let mut bytes = Vec::new();
    for leaf in 0x8000_0002u32..=0x8000_0004 {
        let r = __cpuid(leaf);
        for reg in [r.eax, r.ebx, r.ecx, r.edx] {
            bytes.extend_from_slice(&reg.to_le_bytes());
        }
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    String::from(text.trim_matches(|c: char| c == '\0' || c == ' '))
}

/// The whole file for `ncpus` CPUs.
pub fn cpuinfo_text(ncpus: usize) -> Vec<u8> {
    let v = __cpuid(0);
    let vendor: Vec<u8> = [v.ebx, v.edx, v.ecx].iter().flat_map(|r| r.to_le_bytes()).collect();
    let vendor = String::from_utf8_lossy(&vendor).into_owned();
    let max_leaf = v.eax;
    let l1 = __cpuid(1);
    let family_base = (l1.eax >> 8) & 0xf;
    let family = if family_base == 0xf { family_base + ((l1.eax >> 20) & 0xff) } else { family_base };
    let model = ((l1.eax >> 4) & 0xf) | if family_base >= 6 { ((l1.eax >> 16) & 0xf) << 4 } else { 0 };
    let ext_max = __cpuid(0x8000_0000).eax;
    let (e81, addr) = if ext_max >= 0x8000_0008 {
        (__cpuid(0x8000_0001), __cpuid(0x8000_0008).eax)
    } else {
        (__cpuid(0), 0x3028) // 40 bits physical, 48 virtual
    };
    let mut flags = String::new();
    flags_of(l1.edx, &EDX1, &mut flags);
    flags_of(l1.ecx, &ECX1, &mut flags);
    if ext_max >= 0x8000_0001 {
        flags_of(e81.edx, &EDX81, &mut flags);
        flags_of(e81.ecx, &ECX81, &mut flags);
    }
    let hz = system::cpu_hz();
    let (mhz, mhz_frac) = (hz / 1_000_000, (hz / 1_000) % 1000);
    let bogo = hz / 1_000_000 * 2;
    let name = model_name();
    let mut s = String::new();
    for cpu in 0..ncpus {
        let _ = writeln!(s, "processor\t: {cpu}\nvendor_id\t: {vendor}\ncpu family\t: {family}\nmodel\t\t: {model}");
        let _ = writeln!(s, "model name\t: {name}\nstepping\t: {}\ncpu MHz\t\t: {mhz}.{mhz_frac:03}", l1.eax & 0xf);
        let _ = writeln!(s, "physical id\t: 0\nsiblings\t: {ncpus}\ncore id\t\t: {cpu}\ncpu cores\t: {ncpus}");
        let _ = writeln!(s, "apicid\t\t: {cpu}\ninitial apicid\t: {cpu}\nfpu\t\t: yes\nfpu_exception\t: yes");
        let _ = writeln!(s, "cpuid level\t: {max_leaf}\nwp\t\t: yes\nflags\t\t:{flags}");
        let _ = writeln!(s, "bogomips\t: {bogo}.00\nclflush size\t: 64\ncache_alignment\t: 64");
        let _ = writeln!(s, "address sizes\t: {} bits physical, {} bits virtual", addr & 0xff, (addr >> 8) & 0xff);
        let _ = writeln!(s, "power management:\n");
    }
    s.into_bytes()
}
