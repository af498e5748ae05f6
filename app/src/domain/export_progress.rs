//! Counting an export's records as its bytes arrive (docs/rules/audit.md#export), for the
//! page's progress bar: the export streams, so the page counts what it has read against the
//! total the answer announces (`X-Record-Count`).

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A header line, then one CRLF-ended record per line (fields quoted as RFC 4180 says).
    Csv,
    /// One array of objects.
    Json,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }

    /// The downloaded file's name: `<stem>.csv` or `<stem>.json`.
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}.{}", self.as_str())
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }
}

/// Counts whole records in a stream of bytes cut anywhere: CSV lines ended outside quotes
/// (a quoted field may hold line breaks; `""` inside one toggles twice), JSON objects opened
/// at the array's top level (braces inside strings, and escaped quotes, don't count).
#[derive(Debug, Clone)]
pub struct RecordCounter {
    format: ExportFormat,
    /// Lines ended (CSV: the header's included) or objects begun (JSON).
    seen: u64,
    in_string: bool,
    escaped: bool,
    depth: u32,
}

impl RecordCounter {
    pub fn new(format: ExportFormat) -> Self {
        Self {
            format,
            seen: 0,
            in_string: false,
            escaped: false,
            depth: 0,
        }
    }

    /// Reads the next bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        match self.format {
            ExportFormat::Csv => self.feed_csv(bytes),
            ExportFormat::Json => self.feed_json(bytes),
        }
    }

    fn feed_csv(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'"' => self.in_string = !self.in_string,
                b'\n' if !self.in_string => self.seen += 1,
                _ => {}
            }
        }
    }

    fn feed_json(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    if b == b'{' && self.depth == 1 {
                        self.seen += 1;
                    }
                    self.depth += 1;
                }
                b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
    }

    /// The records read so far, whole or begun (JSON counts an object when it opens).
    pub fn records(&self) -> u64 {
        match self.format {
            ExportFormat::Csv => self.seen.saturating_sub(1),
            ExportFormat::Json => self.seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `text` cut after every byte, and whole: both count the same.
    fn count(format: ExportFormat, text: &str) -> u64 {
        let mut whole = RecordCounter::new(format);
        whole.feed(text.as_bytes());
        let mut bytewise = RecordCounter::new(format);
        for b in text.as_bytes() {
            bytewise.feed(std::slice::from_ref(b));
        }
        assert_eq!(
            whole.records(),
            bytewise.records(),
            "cut anywhere: {text:?}"
        );
        whole.records()
    }

    #[test]
    fn csv_counts_lines_after_the_header_and_not_line_breaks_inside_quotes() {
        assert_eq!(count(ExportFormat::Csv, ""), 0);
        assert_eq!(count(ExportFormat::Csv, "id,time\r\n"), 0);
        assert_eq!(count(ExportFormat::Csv, "id,time\r\n1,a\r\n2,b\r\n"), 2);
        let quoted = "id,after\r\n1,\"{\"\"a\"\":\r\n\"\"b\"\"}\"\r\n2,\"x,\ny\"\r\n";
        assert_eq!(count(ExportFormat::Csv, quoted), 2);
        // A record not yet ended isn't counted.
        assert_eq!(count(ExportFormat::Csv, "id\r\n1\r\n2"), 1);
    }

    #[test]
    fn json_counts_top_level_objects_and_not_braces_in_strings_or_nested_values() {
        assert_eq!(count(ExportFormat::Json, "[]"), 0);
        assert_eq!(count(ExportFormat::Json, r#"[{"a":1},{"a":2}]"#), 2);
        let tricky = r#"[{"after":"{\"x\":[{}]}","b":"\\","c":{"d":{}}},{"e":"}{"}]"#;
        assert_eq!(count(ExportFormat::Json, tricky), 2);
        assert_eq!(count(ExportFormat::Json, r#"[{"a":1},{"a""#), 2);
    }
}
