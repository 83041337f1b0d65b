//! The process's resident memory (Linux `/proc/self/status`), for the memory figures: RSS is
//! what the operating system charges the process, allocator overhead and fragmentation
//! included. `None` elsewhere.

/// Resident set size now, in bytes (`VmRSS`).
pub fn resident_bytes() -> Option<u64> {
    status_kib("VmRSS:").map(|kib| kib * 1_024)
}

/// The peak resident set size so far, in bytes (`VmHWM`).
pub fn peak_resident_bytes() -> Option<u64> {
    status_kib("VmHWM:").map(|kib| kib * 1_024)
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
