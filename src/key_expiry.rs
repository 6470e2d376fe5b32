//! When an API key stops working, as an administrator keeps it with a profile (issue 14 item 4).
//!
//! A Control Room's key lasts for the *API-Key Duration* of its security settings (1 minute to 9999
//! days), and its expiry shows in the user's *My settings* ("API expiration") and on the Users page
//! ([D8], docs/control-room-api.md §3.2). No API gives it to this tool, so the profile keeps the date
//! typed from there, or the date the key was generated plus the duration in days:
//!
//! - `2026-03-01` (the key stops working at the start of that day, UTC),
//! - `2026-03-01 14:30` or `2026-03-01T14:30:00Z` (a time; without an offset, UTC),
//! - `2025-12-01 + 90` (generated on 2025-12-01, valid for 90 days: `+ 90 days` and `+90d` too).
//!
//! The words ("expires in 9 days") are in [`Remaining::words`], used by the window, `profiles
//! list`, the hint `input.key-expiring` and the reports.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// Warn this many days before the key expires, unless the profile says otherwise.
pub const DEFAULT_WARN_DAYS: u32 = 14;
/// The longest key duration a Control Room allows ([D8]: 9999 days), and so the longest warning.
pub const MAX_DAYS: u32 = 9999;

/// How the expiry can be written, for messages.
pub const FORMATS: &str = "YYYY-MM-DD (e.g. 2026-03-01), a date and time (2026-03-01 14:30, UTC), or the date the \
                           key was generated plus its duration in days (2025-12-01 + 90)";

/// The moment the key stops working.
pub fn parse(text: &str) -> Result<OffsetDateTime, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("no date; write {FORMATS}"));
    }
    if let Some((date, days)) = t.split_once('+')
        && !date.trim().contains(['T', ':'])
    {
        let start = moment(date.trim())?;
        let days = days.trim().to_ascii_lowercase();
        let days = days
            .strip_suffix("days")
            .or_else(|| days.strip_suffix("day"))
            .or_else(|| days.strip_suffix('d'))
            .unwrap_or(&days)
            .trim()
            .to_string();
        let n: u32 = days.parse().map_err(|_| {
            format!(
                "\"{}\" is not a number of days; write {FORMATS}",
                crate::sanitize::for_display(&days)
            )
        })?;
        if n == 0 || n > MAX_DAYS {
            return Err(format!(
                "a key lasts from 1 to {MAX_DAYS} days (the Control Room's API-Key Duration), not {n}"
            ));
        }
        return Ok(start + Duration::days(i64::from(n)));
    }
    moment(t)
}

fn moment(t: &str) -> Result<OffsetDateTime, String> {
    if let Ok(m) = OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(m);
    }
    let date_fmt = format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(t, &date_fmt) {
        return Ok(d.with_time(Time::MIDNIGHT).assume_utc());
    }
    for fmt in [
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    ] {
        if let Ok(p) = PrimitiveDateTime::parse(t, &fmt) {
            return Ok(p.assume_utc());
        }
    }
    Err(format!(
        "\"{}\" is not a date this tool reads; write {FORMATS}",
        crate::sanitize::for_display(t)
    ))
}

/// The text a profile keeps: `YYYY-MM-DD` when the key expires at midnight UTC (a date, or a date
/// plus days), else RFC 3339 in UTC. So `2025-12-01 + 90` is kept as `2026-03-01`.
pub fn normalise(text: &str) -> Result<String, String> {
    let m = parse(text)?.to_offset(time::UtcOffset::UTC);
    if m.time() == Time::MIDNIGHT {
        let f = format_description!("[year]-[month]-[day]");
        return m.date().format(&f).map_err(|e| e.to_string());
    }
    m.format(&Rfc3339).map_err(|e| e.to_string())
}

/// How long the key has left at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remaining {
    /// Whole days from `now` to the expiry, rounded down; negative once it has passed.
    pub days: i64,
    /// The expiry has passed.
    pub expired: bool,
}

impl Remaining {
    pub fn at(expires: OffsetDateTime, now: OffsetDateTime) -> Self {
        let left = expires - now;
        let expired = left <= Duration::ZERO;
        let days = if expired {
            -((-left).whole_days())
        } else {
            left.whole_days()
        };
        Self { days, expired }
    }

    /// "expires in 9 days", "expires tomorrow", "expires within a day", "expired 3 days ago".
    pub fn words(&self) -> String {
        match (self.expired, self.days) {
            (true, 0) => "expired today".into(),
            (true, -1) => "expired yesterday".into(),
            (true, d) => format!("expired {} days ago", -d),
            (false, 0) => "expires within a day".into(),
            (false, 1) => "expires tomorrow".into(),
            (false, d) => format!("expires in {d} days"),
        }
    }

    /// Within `days` of the expiry (or past it).
    pub fn within(&self, days: u32) -> bool {
        self.expired || self.days < i64::from(days)
    }
}

/// The profile's expiry as the words of [`Remaining::words`], or why it cannot be read.
pub fn describe(text: &str, now: OffsetDateTime) -> Result<(OffsetDateTime, Remaining), String> {
    let at = parse(text)?;
    Ok((at, Remaining::at(at, now)))
}

/// The date of an expiry for a person: `2026-03-01` or `2026-03-01 14:30 UTC`.
pub fn date_words(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    if at.time() == Time::MIDNIGHT {
        at.date()
            .format(format_description!("[year]-[month]-[day]"))
            .unwrap_or_default()
    } else {
        at.format(format_description!("[year]-[month]-[day] [hour]:[minute] UTC"))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_forms_an_admin_types() {
        assert_eq!(normalise("2026-03-01").as_deref(), Ok("2026-03-01"));
        assert_eq!(normalise(" 2025-12-01 + 90 ").as_deref(), Ok("2026-03-01"));
        assert_eq!(normalise("2025-12-01 +90d").as_deref(), Ok("2026-03-01"));
        assert_eq!(normalise("2025-12-01 + 90 days").as_deref(), Ok("2026-03-01"));
        assert_eq!(normalise("2026-03-01 14:30").as_deref(), Ok("2026-03-01T14:30:00Z"));
        assert_eq!(
            normalise("2026-03-01T14:30:00+02:00").as_deref(),
            Ok("2026-03-01T12:30:00Z")
        );
        for bad in [
            "",
            "tomorrow",
            "01/03/2026",
            "2026-02-30",
            "2025-12-01 + 0",
            "2025-12-01 + 10000",
            "2025-12-01 + x",
        ] {
            assert!(normalise(bad).is_err(), "{bad:?}");
        }
        // Hostile text is quoted escaped.
        let e = normalise("\u{1b}[31m").unwrap_err();
        assert!(!e.contains('\u{1b}'), "{e}");
    }

    #[test]
    fn days_left_in_words() {
        let now = datetime!(2026-02-20 10:00 UTC);
        let r = |s: &str| describe(s, now).map(|(_, r)| r.words()).unwrap_or_default();
        assert_eq!(r("2026-03-01"), "expires in 8 days");
        assert_eq!(r("2026-03-01T10:00:00Z"), "expires in 9 days");
        assert_eq!(r("2026-02-21T09:00:00Z"), "expires within a day");
        assert_eq!(r("2026-02-22"), "expires tomorrow");
        assert_eq!(r("2026-02-20"), "expired today");
        assert_eq!(r("2026-02-19"), "expired yesterday");
        assert_eq!(r("2026-02-10"), "expired 10 days ago");
        let (_, left) = describe("2026-03-01T10:00:00Z", now).unwrap();
        assert!(left.within(14) && left.within(10) && !left.within(9));
        assert_eq!(date_words(parse("2026-03-01").unwrap()), "2026-03-01");
        assert_eq!(date_words(parse("2026-03-01 14:30").unwrap()), "2026-03-01 14:30 UTC");
    }
}
