//! How the console shows a time: UTC, to the second (one formatter for pages and emails).

pub use crate::domain::format::utc;
