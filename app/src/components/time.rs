//! How the console shows a time: UTC, to the second.

/// `2026-11-23 16:08:05 UTC`, or the raw number if it isn't a valid time.
pub fn utc(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| at.to_string())
}
