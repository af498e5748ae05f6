//! Usage (docs/rules/account.md#billing-usage-and-add-ons): seat use over time, per-environment
//! counts, and the media platform's figures when it has reported them.

use serde::{Deserialize, Serialize};

/// The media metrics the platform reports (the breakdown keys of `GET /billing_usage`).
pub const MEDIA_METRICS: &[(&str, &str)] = &[
    ("storage_image", "Image storage (bytes)"),
    ("storage_video", "Video storage (bytes)"),
    ("storage_raw", "Raw storage (bytes)"),
    ("transformations_image", "Image transformations"),
    ("transformations_video", "Video transformations"),
    ("bandwidth_image", "Image bandwidth (bytes)"),
    ("bandwidth_video", "Video bandwidth (bytes)"),
    ("bandwidth_raw", "Raw bandwidth (bytes)"),
    ("image_impressions", "Image impressions"),
    ("video_seconds", "Video seconds"),
];

/// Seats in use at the end of one day (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatDay {
    /// `yyyy-mm-dd`.
    pub day: String,
    pub seats_used: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentUsage {
    pub environment_id: String,
    pub name: String,
    pub cloud_name: String,
    pub users_with_access: i64,
    pub api_keys: i64,
    /// User groups with something shared in the environment.
    pub groups: i64,
    /// Reported by the media platform; `None` until it reports.
    pub asset_count: Option<i64>,
    /// (metric, total this cycle) for the metrics reported; empty: not reported.
    pub media: Vec<(String, f64)>,
    /// The last day the platform reported for, if ever.
    pub reported_through: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageReport {
    pub seat_limit: i64,
    pub seats_used: i64,
    /// The last 30 days, oldest first.
    pub seat_history: Vec<SeatDay>,
    /// The current cycle's first day (`yyyy-mm-01`).
    pub cycle_start: String,
    pub environments: Vec<EnvironmentUsage>,
}

/// Seats in use at the end of each of `days` (oldest first), from when users were created
/// and deleted: `created` and `deleted` are per-day counts (day index → count) where day 0
/// is the first of the range; `before` counts the seats in use when the range began.
pub fn seat_history(before: i64, created: &[i64], deleted: &[i64]) -> Vec<i64> {
    let mut level = before;
    created
        .iter()
        .zip(deleted)
        .map(|(c, d)| {
            level += c - d;
            level
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_a_running_total() {
        assert_eq!(seat_history(3, &[0, 2, 0, 1], &[0, 0, 1, 1]), [3, 5, 4, 4]);
    }
}
