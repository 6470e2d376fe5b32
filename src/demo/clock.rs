//! Wall-clock helpers (the tokens and a few bodies carry times).

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A monotonic nanosecond counter, like the `nanoTime` claim of the reference's tokens (§3.1),
/// which is a JVM `System.nanoTime()` (arbitrary origin).
pub(crate) fn nano_time() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    // An arbitrary origin in the same range as the sample token's 3657562494631600.
    3_600_000_000_000_000 + START.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
