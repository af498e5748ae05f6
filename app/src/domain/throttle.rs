//! Sign-in throttling (docs/rules/sign-in.md#throttling), as pure functions of a stored state and
//! the current time, so tests move the clock instead of waiting.
//!
//! * Per account (keyed by the normalized email, known or not, so the throttle reveals
//!   nothing): from the 5th consecutive failure each try waits 2^(n−5) s, at most 60 s;
//!   after 100 failures within an hour every try, right or wrong, is refused until that
//!   hour has passed. A success resets the consecutive count.
//! * Per client address: 50 failures within 15 minutes lock the address for 15 minutes.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The block of addresses a client-address throttle counts together
/// (docs/rules/network.md#client-addresses): an IPv4 address on its own (IPv4-mapped IPv6
/// read as IPv4), an IPv6 address by its /64 — one host usually holds a whole /64.
pub fn client_block(ip: IpAddr) -> ipnet::IpNet {
    let ip = ip.to_canonical();
    let prefix = if ip.is_ipv4() { 32 } else { 64 };
    // Both prefixes are within their address's length: never the error.
    ipnet::IpNet::new(ip, prefix)
        .map(|n| n.trunc())
        .unwrap_or_else(|_| ipnet::IpNet::from(ip))
}

/// What the store keeps for one throttle key. Times are Unix seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThrottleState {
    pub consecutive_failures: u32,
    pub last_failure_at: i64,
    pub window_start: i64,
    pub window_failures: u32,
    pub locked_until: i64,
}

/// Whether a sign-in try may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Too soon after the last failure: try again in this many seconds.
    Wait {
        retry_after: i64,
    },
    /// Locked until the given time, whatever the credentials.
    Locked {
        until: i64,
    },
}

impl Verdict {
    pub fn retry_after(self, now: i64) -> Option<i64> {
        match self {
            Verdict::Allow => None,
            Verdict::Wait { retry_after } => Some(retry_after),
            Verdict::Locked { until } => Some((until - now).max(1)),
        }
    }
}

/// The numbers of a throttle; the defaults are the spec's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Consecutive failures allowed before delays start (the 5th failure waits 1 s).
    pub free_failures: u32,
    /// The longest delay between tries, seconds (0: no delays).
    pub max_delay: i64,
    /// Failures within `window` that lock the key.
    pub lock_after: u32,
    pub window: i64,
    /// How long a lock lasts; `None`: until the window that filled up has passed.
    pub lock_for: Option<i64>,
}

impl Policy {
    pub const ACCOUNT: Policy = Policy {
        free_failures: 4,
        max_delay: 60,
        lock_after: 100,
        window: 3600,
        lock_for: None,
    };
    pub const CLIENT_ADDRESS: Policy = Policy {
        free_failures: u32::MAX,
        max_delay: 0,
        lock_after: 50,
        window: 900,
        lock_for: Some(900),
    };

    /// The wait after `n` consecutive failures: 2^(n−5) s from the 5th, capped.
    pub fn delay_after(&self, n: u32) -> i64 {
        if n <= self.free_failures || self.max_delay == 0 {
            return 0;
        }
        let exp = n - self.free_failures - 1;
        if exp >= 62 {
            self.max_delay
        } else {
            (1i64 << exp).min(self.max_delay)
        }
    }

    pub fn verdict(&self, s: &ThrottleState, now: i64) -> Verdict {
        if now < s.locked_until {
            return Verdict::Locked {
                until: s.locked_until,
            };
        }
        let ready_at = s.last_failure_at + self.delay_after(s.consecutive_failures);
        if now < ready_at {
            return Verdict::Wait {
                retry_after: ready_at - now,
            };
        }
        Verdict::Allow
    }

    pub fn record_failure(&self, s: &mut ThrottleState, now: i64) {
        if s.window_failures == 0 || now - s.window_start >= self.window {
            s.window_start = now;
            s.window_failures = 0;
        }
        s.window_failures += 1;
        s.consecutive_failures = s.consecutive_failures.saturating_add(1);
        s.last_failure_at = now;
        if s.window_failures >= self.lock_after {
            s.locked_until = match self.lock_for {
                Some(d) => now + d,
                None => s.window_start + self.window,
            };
        }
    }

    /// A correct sign-in: the consecutive count starts again; an hour's lock stays.
    pub fn record_success(&self, s: &mut ThrottleState) {
        s.consecutive_failures = 0;
    }

    /// A try refused while it should have waited: it was never checked, but it counts
    /// toward the window's failures (and may lock the key), so a client that ignores the
    /// waits — a burst of parallel tries — locks itself out instead of being checked.
    pub fn record_refused(&self, s: &mut ThrottleState, now: i64) {
        if s.window_failures == 0 || now - s.window_start >= self.window {
            s.window_start = now;
            s.window_failures = 0;
        }
        s.window_failures = s.window_failures.saturating_add(1);
        if s.window_failures >= self.lock_after && s.locked_until <= now {
            s.locked_until = match self.lock_for {
                Some(d) => now + d,
                None => s.window_start + self.window,
            };
        }
    }

    /// Gives back a try counted as a failure before it was checked, once it turned out
    /// right: the counts drop by one, and a lock that the try's own count set lifts.
    pub fn give_back(&self, s: &mut ThrottleState, now: i64) {
        s.window_failures = s.window_failures.saturating_sub(1);
        s.consecutive_failures = s.consecutive_failures.saturating_sub(1);
        if s.window_failures < self.lock_after && s.locked_until > now {
            s.locked_until = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_try_counted_before_its_check_is_given_back_when_it_was_right() {
        let t0 = 2_000_000;
        let mut s = ThrottleState::default();
        for i in 0..3 {
            A.record_failure(&mut s, t0 + i);
        }
        let before = s;
        // Counted before the check, then found right: as if never counted.
        A.record_failure(&mut s, t0 + 3);
        A.give_back(&mut s, t0 + 3);
        assert_eq!(
            (s.window_failures, s.consecutive_failures),
            (before.window_failures, before.consecutive_failures)
        );
        // The address's 50th failure locks it; given back, the lock lifts.
        let mut ip = ThrottleState::default();
        for i in 0..49 {
            IP.record_failure(&mut ip, t0 + i);
        }
        IP.record_failure(&mut ip, t0 + 50);
        assert!(matches!(IP.verdict(&ip, t0 + 50), Verdict::Locked { .. }));
        IP.give_back(&mut ip, t0 + 50);
        assert_eq!(IP.verdict(&ip, t0 + 50), Verdict::Allow);
    }

    #[test]
    fn tries_refused_during_a_wait_count_toward_the_hour_and_lock_it() {
        let t0 = 3_000_000;
        let mut s = ThrottleState::default();
        for _ in 0..5 {
            A.record_failure(&mut s, t0);
        }
        assert!(matches!(A.verdict(&s, t0), Verdict::Wait { .. }));
        for _ in 0..95 {
            A.record_refused(&mut s, t0);
        }
        // The delays don't grow with refused tries; the hour's count does, and locks.
        assert_eq!(s.consecutive_failures, 5);
        assert_eq!(A.verdict(&s, t0 + 1), Verdict::Locked { until: t0 + 3600 });
    }

    const A: Policy = Policy::ACCOUNT;
    const IP: Policy = Policy::CLIENT_ADDRESS;

    #[test]
    fn delays_grow_from_the_fifth_failure_and_cap_at_a_minute() {
        let d: Vec<i64> = (0..=13).map(|n| A.delay_after(n)).collect();
        assert_eq!(d, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(A.delay_after(u32::MAX), 60);
    }

    #[test]
    fn a_moved_clock_opens_the_wait() {
        let mut s = ThrottleState::default();
        let t0 = 1_000_000;
        for i in 0..4 {
            assert_eq!(A.verdict(&s, t0 + i), Verdict::Allow);
            A.record_failure(&mut s, t0 + i);
        }
        // Four failures: the fifth try is free…
        assert_eq!(A.verdict(&s, t0 + 4), Verdict::Allow);
        A.record_failure(&mut s, t0 + 4);
        // …and after the fifth failure the next try waits 1 s, then 2 s.
        assert_eq!(A.verdict(&s, t0 + 4), Verdict::Wait { retry_after: 1 });
        assert_eq!(A.verdict(&s, t0 + 5), Verdict::Allow);
        A.record_failure(&mut s, t0 + 5);
        assert_eq!(A.verdict(&s, t0 + 6), Verdict::Wait { retry_after: 1 });
        assert_eq!(A.verdict(&s, t0 + 7), Verdict::Allow);
        A.record_success(&mut s);
        assert_eq!(A.verdict(&s, t0 + 7), Verdict::Allow);
        assert_eq!(s.consecutive_failures, 0);
    }

    #[test]
    fn a_hundred_failures_in_an_hour_lock_until_the_hour_has_passed() {
        let mut s = ThrottleState::default();
        let t0 = 5_000_000;
        let mut now = t0;
        for _ in 0..100 {
            // Interleave successes so the delays stay short, as a worst case.
            A.record_failure(&mut s, now);
            A.record_success(&mut s);
            now += 10;
        }
        assert_eq!(A.verdict(&s, now), Verdict::Locked { until: t0 + 3600 });
        // A correct password does not lift the lock.
        A.record_success(&mut s);
        assert_eq!(
            A.verdict(&s, t0 + 3599),
            Verdict::Locked { until: t0 + 3600 }
        );
        assert_eq!(A.verdict(&s, t0 + 3600), Verdict::Allow);
        // A new window starts counting from zero.
        A.record_failure(&mut s, t0 + 3600);
        assert_eq!(s.window_failures, 1);
    }

    #[test]
    fn the_delays_alone_keep_an_account_under_a_hundred_failures_an_hour() {
        let mut s = ThrottleState::default();
        let mut now = 0;
        let mut failures = 0;
        while now < 3600 {
            match A.verdict(&s, now) {
                Verdict::Allow => {
                    A.record_failure(&mut s, now);
                    failures += 1;
                }
                Verdict::Wait { retry_after } => now += retry_after,
                Verdict::Locked { until } => now = until,
            }
        }
        assert!(failures < 100, "{failures}");
    }

    #[test]
    fn fifty_failures_from_one_address_lock_it_for_fifteen_minutes() {
        let mut s = ThrottleState::default();
        let t0 = 42;
        for i in 0..49 {
            IP.record_failure(&mut s, t0 + i);
            assert_eq!(IP.verdict(&s, t0 + i), Verdict::Allow, "failure {i}");
        }
        IP.record_failure(&mut s, t0 + 49);
        assert_eq!(
            IP.verdict(&s, t0 + 49),
            Verdict::Locked {
                until: t0 + 49 + 900
            }
        );
        assert_eq!(IP.verdict(&s, t0 + 49 + 900), Verdict::Allow);
    }

    #[test]
    fn failures_spread_beyond_the_window_do_not_lock() {
        let mut s = ThrottleState::default();
        for i in 0..200 {
            IP.record_failure(&mut s, i * 20);
            assert_eq!(IP.verdict(&s, i * 20), Verdict::Allow);
        }
    }
}
