//! Rate limits of the Provisioning API (docs/rules/provisioning-api.md, operator-configurable):
//! requests per account per hour (420), requests per key per second (429), and failed
//! authentications per client address (20 in 5 minutes → 429 for 15 minutes; an IPv6
//! client by its /64), and requests in progress per key (then 429). Counters live in
//! memory, on the service's clock.

use app::domain::throttle::client_block;
use ipnet::IpNet;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

const HOUR: i64 = 3600;
const FAILURE_WINDOW_SECS: i64 = 5 * 60;
const FAILURE_LOCK_SECS: i64 = 15 * 60;
const MAX_FAILURES: u32 = 20;
/// Counters are swept when a map grows past this many entries.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitConfig {
    pub per_account_hourly: u32,
    pub per_key_per_second: u32,
    /// Requests of one key in progress at once (more: 429 at once).
    pub per_key_in_progress: u32,
}

/// The hourly quota after one request: what the `X-FeatureRateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    /// When the window ends (Unix seconds).
    pub reset_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed(Quota),
    /// The hour's quota is used up (420).
    HourlyExceeded(Quota),
    /// Too many requests this second (429).
    BurstExceeded(Quota),
}

#[derive(Debug, Default)]
struct Counters {
    /// account id → (window start, requests).
    hourly: HashMap<String, (i64, u32)>,
    /// key → (second, requests).
    burst: HashMap<String, (i64, u32)>,
    /// client address → (first failure in window, failures, locked until).
    failures: HashMap<IpNet, (i64, u32, i64)>,
    /// key → requests in progress.
    in_progress: HashMap<String, u32>,
}

#[derive(Debug)]
pub struct Limits {
    config: LimitConfig,
    counters: Arc<Mutex<Counters>>,
}

/// One request of a key in progress: counted until dropped.
#[derive(Debug)]
pub struct InProgress {
    key: String,
    counters: Arc<Mutex<Counters>>,
}

impl Drop for InProgress {
    fn drop(&mut self) {
        let mut c = lock(&self.counters);
        if let Some(n) = c.in_progress.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                c.in_progress.remove(&self.key);
            }
        }
    }
}

fn lock(counters: &Mutex<Counters>) -> std::sync::MutexGuard<'_, Counters> {
    // A panic while holding the lock leaves plain counters: still usable.
    counters.lock().unwrap_or_else(|e| e.into_inner())
}

impl Limits {
    pub fn new(config: LimitConfig) -> Limits {
        Limits {
            config,
            counters: Arc::new(Mutex::new(Counters::default())),
        }
    }

    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        lock(&self.counters)
    }

    /// Starts one request of `key`, unless as many as allowed are in progress already.
    pub fn start(&self, key: &str) -> Option<InProgress> {
        let mut c = self.counters();
        let n = c.in_progress.entry(key.to_string()).or_insert(0);
        if *n >= self.config.per_key_in_progress {
            return None;
        }
        *n += 1;
        Some(InProgress {
            key: key.to_string(),
            counters: self.counters.clone(),
        })
    }

    /// Seconds this address must still wait after too many failed authentications.
    pub fn locked_out(&self, ip: IpAddr, now: i64) -> Option<i64> {
        let c = self.counters();
        c.failures
            .get(&client_block(ip))
            .and_then(|(_, _, until)| (*until > now).then_some(*until - now))
    }

    /// Counts a failed authentication; the 20th within 5 minutes locks the address.
    pub fn record_failure(&self, ip: IpAddr, now: i64) {
        let mut c = self.counters();
        if c.failures.len() > SWEEP_AT {
            c.failures
                .retain(|_, (start, _, until)| *until > now || now - *start < FAILURE_WINDOW_SECS);
        }
        let entry = c.failures.entry(client_block(ip)).or_insert((now, 0, 0));
        if now - entry.0 >= FAILURE_WINDOW_SECS {
            *entry = (now, 0, entry.2);
        }
        entry.1 += 1;
        if entry.1 >= MAX_FAILURES {
            entry.2 = now + FAILURE_LOCK_SECS;
            entry.0 = now;
            entry.1 = 0;
        }
    }

    /// Counts one authenticated request of `key` on `account`.
    pub fn admit(&self, account: &str, key: &str, now: i64) -> Verdict {
        let LimitConfig {
            per_account_hourly,
            per_key_per_second,
            ..
        } = self.config;
        let mut c = self.counters();
        if c.hourly.len() > SWEEP_AT {
            c.hourly.retain(|_, (start, _)| now - *start < HOUR);
        }
        if c.burst.len() > SWEEP_AT {
            c.burst.retain(|_, (second, _)| *second == now);
        }
        let window = now - now.rem_euclid(HOUR);
        let hourly = c.hourly.entry(account.to_string()).or_insert((window, 0));
        if hourly.0 != window {
            *hourly = (window, 0);
        }
        let quota = |used: u32| Quota {
            limit: per_account_hourly,
            remaining: per_account_hourly.saturating_sub(used),
            reset_at: window + HOUR,
        };
        if hourly.1 >= per_account_hourly {
            return Verdict::HourlyExceeded(quota(hourly.1));
        }
        let used = hourly.1;
        let burst = c.burst.entry(key.to_string()).or_insert((now, 0));
        if burst.0 != now {
            *burst = (now, 0);
        }
        if burst.1 >= per_key_per_second {
            return Verdict::BurstExceeded(quota(used));
        }
        burst.1 += 1;
        let hourly = c.hourly.entry(account.to_string()).or_insert((window, 0));
        hourly.1 += 1;
        Verdict::Allowed(quota(hourly.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hourly_quota_counts_down_and_resets_with_the_hour() {
        let l = Limits::new(LimitConfig {
            per_account_hourly: 3,
            per_key_per_second: 100,
            per_key_in_progress: 1,
        });
        let t = 7200 + 10;
        for left in [2, 1, 0] {
            match l.admit("a", "k", t) {
                Verdict::Allowed(q) => assert_eq!((q.remaining, q.reset_at), (left, 10_800)),
                v => panic!("{v:?}"),
            }
        }
        assert!(matches!(
            l.admit("a", "k", t + 5),
            Verdict::HourlyExceeded(_)
        ));
        // Another account has its own quota; the next hour starts afresh.
        assert!(matches!(l.admit("b", "k2", t), Verdict::Allowed(_)));
        assert!(matches!(l.admit("a", "k", 10_800), Verdict::Allowed(_)));
    }

    #[test]
    fn a_key_gets_so_many_requests_per_second() {
        let l = Limits::new(LimitConfig {
            per_account_hourly: 1000,
            per_key_per_second: 2,
            per_key_in_progress: 1,
        });
        assert!(matches!(l.admit("a", "k", 50), Verdict::Allowed(_)));
        assert!(matches!(l.admit("a", "k", 50), Verdict::Allowed(_)));
        assert!(matches!(l.admit("a", "k", 50), Verdict::BurstExceeded(_)));
        assert!(matches!(l.admit("a", "k2", 50), Verdict::Allowed(_)));
        assert!(matches!(l.admit("a", "k", 51), Verdict::Allowed(_)));
    }

    #[test]
    fn a_key_has_so_many_requests_in_progress() {
        let l = Limits::new(LimitConfig {
            per_account_hourly: 1000,
            per_key_per_second: 1000,
            per_key_in_progress: 2,
        });
        let first = l.start("k").expect("first");
        let second = l.start("k").expect("second");
        assert!(l.start("k").is_none(), "a third waits for one to end");
        assert!(l.start("k2").is_some(), "another key has its own");
        drop(first);
        let third = l.start("k").expect("a slot came free");
        drop((second, third));
        assert!(l.counters().in_progress.is_empty(), "nothing left behind");
    }

    #[test]
    fn an_ipv6_client_fails_by_its_64() {
        let l = Limits::new(LimitConfig {
            per_account_hourly: 1,
            per_key_per_second: 1,
            per_key_in_progress: 1,
        });
        for i in 0..20u16 {
            let ip = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, i, 0, 0, 1));
            l.record_failure(ip, 1000);
        }
        assert!(l
            .locked_out("2001:db8:0:1::7".parse().unwrap(), 1001)
            .is_some());
        assert!(l
            .locked_out("2001:db8:0:2::7".parse().unwrap(), 1001)
            .is_none());
    }

    #[test]
    fn twenty_failures_in_five_minutes_lock_the_address_for_fifteen() {
        let l = Limits::new(LimitConfig {
            per_account_hourly: 1,
            per_key_per_second: 1,
            per_key_in_progress: 1,
        });
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        for i in 0..19 {
            l.record_failure(ip, 1000 + i);
        }
        assert_eq!(l.locked_out(ip, 1019), None);
        l.record_failure(ip, 1019);
        assert_eq!(l.locked_out(ip, 1020), Some(899));
        assert_eq!(l.locked_out(ip, 1019 + 900), None);
        // Failures spread beyond five minutes never lock.
        let other: IpAddr = "203.0.113.10".parse().unwrap();
        for i in 0..40 {
            l.record_failure(other, 5000 + i * 20);
        }
        assert_eq!(l.locked_out(other, 5800), None);
    }
}
