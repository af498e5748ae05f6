//! How the console writes times and text into pages and emails, the same everywhere.

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

/// `2026-11-23T16:08:05Z` (ISO-8601 UTC to the second), the Provisioning API's form, or
/// the raw number beyond year 9999. RFC 3339's own writer (a Unix time has no fraction of
/// a second to add): a page of the API writes a hundred of them, and interpreting a format
/// description for each was a twentieth of the page's time.
pub fn iso(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| at.to_string())
}

/// `2026-11-23` (UTC), the day `at` falls on.
pub fn day(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!("[year]-[month]-[day]"))
                .ok()
        })
        .unwrap_or_else(|| at.to_string())
}

/// The first day of `at`'s month (UTC), `2026-11-01`: the start of a monthly cycle.
pub fn month_start(at: i64) -> String {
    let d = day(at);
    format!("{}-01", d.get(..7).unwrap_or(&d))
}

/// Text made safe to place in HTML, in element content or a quoted attribute.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A count with thousands separated: `12,345`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_and_html() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::day(1_795_000_000), "2026-11-18");
        assert_eq!(super::iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(super::iso(-62_135_596_800), "0001-01-01T00:00:00Z");
        assert_eq!(super::iso(253_402_300_799), "9999-12-31T23:59:59Z");
        // Beyond what the form can say: the raw number.
        assert_eq!(super::iso(253_402_300_800), "253402300800");
        assert_eq!(super::iso(i64::MAX), i64::MAX.to_string());
        assert_eq!(super::month_start(1_795_000_000), "2026-11-01");
        assert_eq!(
            super::escape_html("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn counts() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1000), "1,000");
        assert_eq!(super::count(100_000), "100,000");
        assert_eq!(super::count(1_234_567), "1,234,567");
    }
}
