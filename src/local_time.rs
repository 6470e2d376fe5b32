//! Times as a person reads them: this computer's local time and how far away it is ("14:32, in
//! 20 min"). Reports keep UTC (RFC 3339); only what is shown is local.
//!
//! The local offset comes from the operating system (`time`'s `local-offset`, which asks the C
//! library on Unix). It is asked at each use, because the offset changes with daylight saving
//! time; when the system cannot say (an unsupported platform, no time zone data), the offset seen
//! at start-up is used, and failing that the time is shown in UTC and says so.

use std::sync::OnceLock;
use time::{OffsetDateTime, UtcOffset};

/// The offset seen when the process started ([`capture`]), if the system could say.
static AT_START: OnceLock<Option<UtcOffset>> = OnceLock::new();

/// Note the local offset now. Called first thing in `main` (through `gui::mark_process_start`),
/// while the process has one thread: some platforms cannot tell the offset later.
pub fn capture() {
    AT_START.get_or_init(|| UtcOffset::current_local_offset().ok());
}

/// The local offset at `at`, if known.
pub fn offset_at(at: OffsetDateTime) -> Option<UtcOffset> {
    UtcOffset::local_offset_at(at)
        .ok()
        .or_else(|| AT_START.get().copied().flatten())
}

/// The clock the window reads: the system's, or a fixed one (tests and image snapshots, so that
/// what they show does not depend on when they run).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed {
        now: OffsetDateTime,
        /// `None`: shown as UTC.
        offset: Option<UtcOffset>,
    },
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed { now, .. } => *now,
        }
    }

    pub fn offset_at(&self, at: OffsetDateTime) -> Option<UtcOffset> {
        match self {
            Clock::System => offset_at(at),
            Clock::Fixed { offset, .. } => *offset,
        }
    }

    /// "14:32 (in 20 min)", with the date when it is not today, and "UTC" when the local offset
    /// is unknown.
    pub fn local_and_relative(&self, at: OffsetDateTime) -> String {
        let now = self.now();
        format!(
            "{} ({})",
            self.local(at),
            relative(at.unix_timestamp() - now.unix_timestamp())
        )
    }

    /// "14:32", "27 Nov 2026 14:32" when not today, with " UTC" when the offset is unknown.
    pub fn local(&self, at: OffsetDateTime) -> String {
        let offset = self.offset_at(at);
        let shown = at.to_offset(offset.unwrap_or(UtcOffset::UTC));
        let today = self.now().to_offset(offset.unwrap_or(UtcOffset::UTC)).date();
        let time = format!("{:02}:{:02}", shown.hour(), shown.minute());
        let mut s = if shown.date() == today {
            time
        } else {
            format!(
                "{} {} {} {time}",
                shown.day(),
                month_abbrev(shown.month()),
                shown.year()
            )
        };
        if offset.is_none() {
            s.push_str(" UTC");
        }
        s
    }

    /// A time as the reports write it (RFC 3339, or RFC 2822 for certificates) in local and
    /// relative words; the text itself when it is not a time.
    pub fn rfc3339_local(&self, text: &str) -> String {
        match parse(text) {
            Some(t) => self.local_and_relative(t),
            None => text.to_string(),
        }
    }

    /// Every RFC 3339 time in a line of text ("token expires 2026-11-27T14:20:00Z") in local and
    /// relative words.
    pub fn localise_words(&self, text: &str) -> String {
        text.split(' ')
            .map(|w| match parse(w) {
                Some(t) => self.local_and_relative(t),
                None => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Clock {
    /// Times the diagnosis writes in UTC ("2026-11-27 14:20:00 UTC", the reports' form) in local
    /// and relative words, for the window.
    pub fn localise_utc_stamps(&self, text: &str) -> String {
        const LEN: usize = "2026-11-27 14:20:00".len();
        let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(" UTC") {
            let start = at.checked_sub(LEN).filter(|s| rest.is_char_boundary(*s));
            let parsed = start.and_then(|s| time::PrimitiveDateTime::parse(&rest[s..at], &fmt).ok());
            match (start, parsed) {
                (Some(s), Some(t)) => {
                    out.push_str(&rest[..s]);
                    out.push_str(&self.local_and_relative(t.assume_utc()));
                }
                _ => out.push_str(&rest[..at + 4]),
            }
            rest = &rest[at + 4..];
        }
        out.push_str(rest);
        out
    }
}

/// An RFC 3339 or RFC 2822 time.
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::{Rfc2822, Rfc3339};
    let text = text.trim();
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(text, &Rfc2822))
        .ok()
}

fn month_abbrev(m: time::Month) -> &'static str {
    use time::Month::*;
    match m {
        January => "Jan",
        February => "Feb",
        March => "Mar",
        April => "Apr",
        May => "May",
        June => "Jun",
        July => "Jul",
        August => "Aug",
        September => "Sep",
        October => "Oct",
        November => "Nov",
        December => "Dec",
    }
}

/// "in 20 min", "5 s ago", "in 3 h 10 min", "in 2 days"; "now" within a second.
pub fn relative(delta_secs: i64) -> String {
    let future = delta_secs > 0;
    let d = delta_secs.unsigned_abs();
    let amount = if d < 1 {
        return "now".into();
    } else if d < 60 {
        format!("{d} s")
    } else if d < 3600 {
        format!("{} min", (d + 30) / 60)
    } else if d < 48 * 3600 {
        let h = d / 3600;
        let m = (d % 3600 + 30) / 60;
        if m == 0 || h >= 10 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        }
    } else {
        format!("{} days", d / 86_400)
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn relative_words() {
        assert_eq!(relative(0), "now");
        assert_eq!(relative(1200), "in 20 min");
        assert_eq!(relative(-45), "45 s ago");
        assert_eq!(relative(3 * 3600 + 600), "in 3 h 10 min");
        assert_eq!(relative(-3 * 86_400), "3 days ago");
    }

    #[test]
    fn local_time_today_and_another_day_and_unknown_offset() {
        let now = datetime!(2026-11-27 14:00 UTC);
        let berlin = Clock::Fixed {
            now,
            offset: Some(offset!(+1)),
        };
        assert_eq!(
            berlin.local_and_relative(datetime!(2026-11-27 14:20 UTC)),
            "15:20 (in 20 min)"
        );
        assert_eq!(berlin.local(datetime!(2026-11-29 8:05 UTC)), "29 Nov 2026 09:05");
        let unknown = Clock::Fixed { now, offset: None };
        assert_eq!(unknown.local(datetime!(2026-11-27 14:20 UTC)), "14:20 UTC");
        assert_eq!(berlin.rfc3339_local("2026-11-27T14:20:00Z"), "15:20 (in 20 min)");
        assert_eq!(berlin.rfc3339_local("not a time"), "not a time");
        assert_eq!(
            berlin.rfc3339_local("Fri, 27 Nov 2026 15:00:00 +0000"),
            "16:00 (in 1 h)"
        );
        assert_eq!(
            berlin.localise_words("token expires 2026-11-27T14:20:00Z"),
            "token expires 15:20 (in 20 min)"
        );
        assert_eq!(
            berlin.localise_utc_stamps("The token is valid until 2026-11-27 14:20:00 UTC. Not 9999 UTC."),
            "The token is valid until 15:20 (in 20 min). Not 9999 UTC."
        );
    }

    /// The offset is asked from the C library at each use; in a process with many threads
    /// (the window's runtime, the test harness) it still answers.
    #[test]
    fn the_offset_is_known_with_other_threads_running() {
        capture();
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(50))))
            .collect();
        let at = OffsetDateTime::now_utc();
        let from_other = std::thread::spawn(move || offset_at(at)).join().expect("thread");
        assert!(from_other.is_some(), "no local offset with several threads");
        for t in threads {
            t.join().expect("thread");
        }
    }
}
