//! ACPI tables: the CPUs and I/O APIC (MADT) and how to power off (FADT
//! and the DSDT's `\_S5` object), read with the `acpi` crate over the
//! direct map.

extern crate alloc;

use alloc::vec::Vec;
use core::ptr::NonNull;

use acpi::sdt::fadt::Fadt;
use acpi::sdt::madt::{Madt, MadtEntry};
use acpi::{AcpiTables, Handle, Handler, PciAddress, PhysicalMapping};
use x86_64::instructions::port::Port;

use crate::{phys_to_virt, time};

/// What weft needs from the firmware tables.
#[derive(Debug, Default)]
pub struct Platform {
    /// APIC ids of the enabled processors, the boot CPU's first.
    pub apic_ids: Vec<u32>,
    /// Physical address of the (first) I/O APIC.
    pub ioapic_phys: Option<u64>,
    /// ISA IRQ -> (GSI, active low, level triggered), from source overrides.
    pub isa_overrides: Vec<(u8, u32, bool, bool)>,
    /// PM1a control port and the S5 sleep type, for power-off.
    pub poweroff: Option<(u16, u16)>,
}

impl Platform {
    /// The global system interrupt and polarity/trigger of ISA `irq`.
    pub fn isa_irq(&self, irq: u8) -> (u32, bool, bool) {
        self.isa_overrides
            .iter()
            .find(|o| o.0 == irq)
            .map(|o| (o.1, o.2, o.3))
            .unwrap_or((irq as u32, false, false))
    }
}

/// Reads the tables. `rsdp` comes from the boot information when the loader
/// passed it; otherwise the BIOS areas are searched, as the ACPI spec says.
pub fn discover(rsdp: Option<u64>) -> Option<Platform> {
    let rsdp = rsdp.or_else(find_rsdp)?;
    // SAFETY: `rsdp` was given by the loader or found by signature and
    // checksum in the BIOS area; the direct map covers it.
    let tables = unsafe { AcpiTables::from_rsdp(DirectMap, rsdp as usize) }.ok()?;
    let mut platform = Platform::default();
    let boot_apic = crate::apic::local_apic_id();
    platform.apic_ids.push(boot_apic);
    if let Some(madt) = tables.find_table::<Madt>() {
        for entry in madt.get().entries() {
            match entry {
                MadtEntry::LocalApic(e) => {
                    let (id, flags) = (e.apic_id as u32, e.flags);
                    // bit 0: enabled; bit 1: online capable
                    if flags & 1 != 0 && id != boot_apic {
                        platform.apic_ids.push(id);
                    }
                }
                MadtEntry::IoApic(e) => {
                    if platform.ioapic_phys.is_none() {
                        platform.ioapic_phys = Some(e.io_apic_address as u64);
                    }
                }
                MadtEntry::InterruptSourceOverride(e) => {
                    let (irq, gsi, flags) = (e.irq, e.global_system_interrupt, e.flags);
                    platform.isa_overrides.push((irq, gsi, flags & 3 == 3, (flags >> 2) & 3 == 3));
                }
                _ => {}
            }
        }
    }
    if let Some(fadt) = tables.find_table::<Fadt>() {
        let pm1a = fadt.pm1a_control_block().ok().map(|g| g.address as u16);
        let s5 = fadt.dsdt_address().ok().and_then(|dsdt| find_s5_sleep_type(dsdt as u64));
        if let (Some(port), Some(typ)) = (pm1a, s5) {
            platform.poweroff = Some((port, typ));
        }
    }
    Some(platform)
}

/// Searches the EBDA's first KiB and 0xe0000..0x100000 for "RSD PTR ".
fn find_rsdp() -> Option<u64> {
    // SAFETY: the BIOS data area word at 0x40e holds the EBDA segment.
    let ebda = unsafe { (phys_to_virt(0x40e) as *const u16).read_unaligned() } as u64 * 16;
    let areas = [(ebda, ebda + 1024), (0xe0000, 0x100000)];
    for (start, end) in areas {
        let mut addr = start & !15;
        while addr + 20 <= end {
            // SAFETY: low memory below 1 MiB is mapped by the direct map.
            let bytes = unsafe { core::slice::from_raw_parts(phys_to_virt(addr) as *const u8, 20) };
            if &bytes[..8] == b"RSD PTR " && bytes.iter().fold(0u8, |a, b| a.wrapping_add(*b)) == 0 {
                return Some(addr);
            }
            addr += 16;
        }
    }
    None
}

/// Finds `\_S5_`'s first package element (SLP_TYPa) in the DSDT.
///
/// A byte scan rather than the crate's AML interpreter: `_S5_` on every PC
/// firmware (QEMU's included) is a constant package, and scanning needs no
/// interpreter state this early in boot.
fn find_s5_sleep_type(dsdt_phys: u64) -> Option<u16> {
    // SAFETY: the DSDT address comes from the FADT; the header's length
    // field (offset 4) bounds the table, all in the direct map.
    let table = unsafe {
        let len = (phys_to_virt(dsdt_phys + 4) as *const u32).read_unaligned() as usize;
        core::slice::from_raw_parts(phys_to_virt(dsdt_phys) as *const u8, len)
    };
    let at = table.windows(4).position(|w| w == b"_S5_")?;
    // NameOp(0x08) "_S5_" PackageOp(0x12) PkgLength NumElements elements...
    let mut i = at + 4;
    if *table.get(i)? != 0x12 {
        return None;
    }
    i += 1;
    i += ((table.get(i)? >> 6) as usize) + 1; // PkgLength bytes
    i += 1; // NumElements
    match *table.get(i)? {
        0x0a => Some(*table.get(i + 1)? as u16), // BytePrefix
        0x00 => Some(0),                          // ZeroOp
        0x01 => Some(1),                          // OneOp
        v if v < 0x10 => Some(v as u16),
        _ => None,
    }
}

/// `acpi::Handler` over the direct map: mapping is free, unmapping does
/// nothing. Only the table-reading parts are used.
#[derive(Clone, Copy)]
struct DirectMap;

impl Handler for DirectMap {
    unsafe fn map_physical_region<T>(&self, physical_address: usize, size: usize) -> PhysicalMapping<Self, T> {
        PhysicalMapping {
            physical_start: physical_address,
            virtual_start: NonNull::new(phys_to_virt(physical_address as u64) as *mut T).unwrap(),
            region_length: size,
            mapped_length: size,
            handler: *self,
        }
    }

    fn unmap_physical_region<T>(_region: &PhysicalMapping<Self, T>) {}

    fn read_u8(&self, address: usize) -> u8 {
        // SAFETY (these four and their writes): the interpreter passes
        // physical addresses of firmware-described registers; the direct map
        // covers the low 4 GiB where they live.
        unsafe { core::ptr::read_volatile(phys_to_virt(address as u64) as *const u8) }
    }
    fn read_u16(&self, address: usize) -> u16 {
        unsafe { core::ptr::read_volatile(phys_to_virt(address as u64) as *const u16) }
    }
    fn read_u32(&self, address: usize) -> u32 {
        unsafe { core::ptr::read_volatile(phys_to_virt(address as u64) as *const u32) }
    }
    fn read_u64(&self, address: usize) -> u64 {
        unsafe { core::ptr::read_volatile(phys_to_virt(address as u64) as *const u64) }
    }
    fn write_u8(&self, address: usize, value: u8) {
        unsafe { core::ptr::write_volatile(phys_to_virt(address as u64) as *mut u8, value) }
    }
    fn write_u16(&self, address: usize, value: u16) {
        unsafe { core::ptr::write_volatile(phys_to_virt(address as u64) as *mut u16, value) }
    }
    fn write_u32(&self, address: usize, value: u32) {
        unsafe { core::ptr::write_volatile(phys_to_virt(address as u64) as *mut u32, value) }
    }
    fn write_u64(&self, address: usize, value: u64) {
        unsafe { core::ptr::write_volatile(phys_to_virt(address as u64) as *mut u64, value) }
    }
    fn read_io_u8(&self, port: u16) -> u8 {
        // SAFETY (port I/O below): firmware-described I/O ports.
        unsafe { Port::new(port).read() }
    }
    fn read_io_u16(&self, port: u16) -> u16 {
        unsafe { Port::new(port).read() }
    }
    fn read_io_u32(&self, port: u16) -> u32 {
        unsafe { Port::new(port).read() }
    }
    fn write_io_u8(&self, port: u16, value: u8) {
        unsafe { Port::new(port).write(value) }
    }
    fn write_io_u16(&self, port: u16, value: u16) {
        unsafe { Port::new(port).write(value) }
    }
    fn write_io_u32(&self, port: u16, value: u32) {
        unsafe { Port::new(port).write(value) }
    }
    fn read_pci_u8(&self, address: PciAddress, offset: u16) -> u8 {
        (self.read_pci_u32(address, offset & !3) >> ((offset & 3) * 8)) as u8
    }
    fn read_pci_u16(&self, address: PciAddress, offset: u16) -> u16 {
        (self.read_pci_u32(address, offset & !3) >> ((offset & 2) * 8)) as u16
    }
    fn read_pci_u32(&self, address: PciAddress, offset: u16) -> u32 {
        // SAFETY: legacy PCI configuration mechanism #1 (0xcf8/0xcfc).
        unsafe {
            Port::<u32>::new(0xcf8).write(pci_config_address(address, offset));
            Port::<u32>::new(0xcfc).read()
        }
    }
    fn write_pci_u8(&self, _address: PciAddress, _offset: u16, _value: u8) {}
    fn write_pci_u16(&self, _address: PciAddress, _offset: u16, _value: u16) {}
    fn write_pci_u32(&self, address: PciAddress, offset: u16, value: u32) {
        // SAFETY: as in read_pci_u32.
        unsafe {
            Port::<u32>::new(0xcf8).write(pci_config_address(address, offset));
            Port::<u32>::new(0xcfc).write(value);
        }
    }
    fn nanos_since_boot(&self) -> u64 {
        time::now_ns()
    }
    fn stall(&self, microseconds: u64) {
        time::spin_delay_ns(microseconds * 1000);
    }
    fn sleep(&self, milliseconds: u64) {
        time::spin_delay_ns(milliseconds * 1_000_000);
    }
    fn create_mutex(&self) -> Handle {
        Handle(0)
    }
    fn acquire(&self, _mutex: Handle, _timeout: u16) -> Result<(), acpi::aml::AmlError> {
        Ok(())
    }
    fn release(&self, _mutex: Handle) {}
}

fn pci_config_address(address: PciAddress, offset: u16) -> u32 {
    (1 << 31)
        | ((address.bus() as u32) << 16)
        | ((address.device() as u32) << 11)
        | ((address.function() as u32) << 8)
        | (offset as u32 & 0xfc)
}
