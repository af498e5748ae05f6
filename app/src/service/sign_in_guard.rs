//! The throttles of a password try (docs/rules/sign-in.md#throttling), kept under
//! parallel tries: a try is checked against both throttles *and counted as a failure* in
//! one write transaction before its password is verified, and given back if it was right.
//! A burst of parallel wrong passwords is therefore verified only as far as the rules
//! allow — the rest are refused unverified, and count toward the hour's lock.

use super::emails;
use super::ServiceResult;
use super::{Actor, AuditRecord, AuditResult, AuditTarget, Permit, RequestMeta, Service};
use crate::domain::{Policy, Refusal, ThrottleState, Verdict};
use crate::store::{Tx, UserRow};
use std::net::IpAddr;

pub(super) fn account_key(email_normalized: &str) -> String {
    format!("email:{email_normalized}")
}

/// A client-address throttle's key: the address's block (`domain::throttle::client_block`).
pub(super) fn address_key(ip: IpAddr) -> String {
    format!("ip:{}", crate::domain::throttle::client_block(ip))
}

/// The throttles a password try answers to: its address's, then its email's.
pub(super) fn throttles(email_normalized: &str, meta: &RequestMeta) -> [(Policy, String); 2] {
    [
        (Policy::CLIENT_ADDRESS, address_key(meta.ip)),
        (Policy::ACCOUNT, account_key(email_normalized)),
    ]
}

/// Reads both throttles of a try, changes each with `change` and writes them back: one
/// statement each way.
async fn adjust_throttles(
    tx: &mut Tx,
    email_normalized: &str,
    meta: &RequestMeta,
    change: impl Fn(&Policy, &mut ThrottleState),
) -> ServiceResult<()> {
    let [(address_policy, address), (account_policy, account)] = throttles(email_normalized, meta);
    let [mut by_address, mut by_account] = tx
        .throttle_states([address.as_str(), account.as_str()])
        .await?;
    change(&address_policy, &mut by_address);
    change(&account_policy, &mut by_account);
    tx.save_throttle_states(&[(&address, &by_address), (&account, &by_account)])
        .await?;
    Ok(())
}

/// A try that may be verified: counted already, with the user of its email (if any) and
/// the locks its count set.
pub(super) struct Admitted {
    pub(super) user: Option<UserRow>,
    pub(super) locked: Vec<(String, ThrottleState)>,
}

impl Service {
    /// Checks the throttles of a try for `email_normalized` and counts it, in one write
    /// transaction. Refused (waiting or locked): nothing is verified, the refusal is
    /// recorded (repeats within a minute as one record) and counts toward the hour.
    pub(super) async fn admit_try(
        &self,
        email_normalized: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Admitted> {
        let keys = throttles(email_normalized, meta);
        let now = self.now();
        let mut tx = self.db().write(&Permit::for_sign_in()).await?;
        let user = tx.live_user_by_email(email_normalized).await?;
        if let Some(u) = &user {
            tx.within_account(&u.account_id)?;
        }
        let mut states = tx
            .throttle_states(keys.each_ref().map(|(_, key)| key.as_str()))
            .await?;
        let verdicts: Vec<Verdict> = keys
            .iter()
            .zip(&states)
            .map(|((policy, _), s)| policy.verdict(s, now))
            .collect();
        let wait = verdicts.iter().filter_map(|v| v.retry_after(now)).max();
        let mut locked = Vec::new();
        let mut counted = Vec::new();
        for (((policy, key), state), verdict) in keys.iter().zip(states.iter_mut()).zip(&verdicts) {
            // Refused: only a throttle that said wait counts the try (toward its hour);
            // admitted: both count it, before it is checked.
            match (wait, verdict) {
                (None, _) => policy.record_failure(state, now),
                (Some(_), Verdict::Wait { .. }) => policy.record_refused(state, now),
                (Some(_), _) => continue,
            }
            if state.locked_until > now {
                locked.push((key.clone(), *state));
            }
            counted.push((key.as_str(), &*state));
        }
        tx.save_throttle_states(&counted).await?;
        let Some(retry_after) = wait else {
            tx.commit_bookkeeping(&Permit::for_sign_in()).await?;
            return Ok(Admitted { user, locked });
        };
        let record = failure_record(user.as_ref(), email_normalized, now, meta, "throttled")
            .repeating(&format!("throttled:{}", account_key(email_normalized)));
        self.write_lockouts(&mut tx, user.as_ref(), &record, &locked, meta)
            .await?;
        tx.commit(&record).await?;
        Err(Refusal::SignInThrottled { retry_after }.into())
    }

    /// A try found right: its count comes back off both throttles, and the account's
    /// consecutive failures start again.
    pub(super) async fn give_back_try(
        &self,
        tx: &mut Tx,
        email_normalized: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let now = self.now();
        adjust_throttles(tx, email_normalized, meta, |policy, state| {
            policy.give_back(state, now);
            policy.record_success(state);
        })
        .await
    }

    /// A right password before the second step: its count comes back off both
    /// throttles, but the failures in a row before it stay until a code is right too — so
    /// a right password between wrong codes doesn't start their count again.
    pub(super) async fn give_back_count(
        &self,
        tx: &mut Tx,
        email_normalized: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let now = self.now();
        adjust_throttles(tx, email_normalized, meta, |policy, state| {
            policy.give_back(state, now)
        })
        .await
    }

    /// A try found wrong (it was counted before it was checked): its record, and a
    /// lock-out's, with the notice to the account's owner.
    pub(super) async fn record_failed_try(
        &self,
        admitted: &Admitted,
        email_normalized: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        self.record_failed_try_because(admitted, email_normalized, meta, "wrong password")
            .await
    }

    /// [`Service::record_failed_try`] with the reason the record gives.
    pub(super) async fn record_failed_try_because(
        &self,
        admitted: &Admitted,
        email_normalized: &str,
        meta: &RequestMeta,
        reason: &str,
    ) -> ServiceResult<()> {
        let now = self.now();
        let mut tx = self.db().write(&Permit::for_sign_in()).await?;
        let user = admitted.user.as_ref();
        if let Some(u) = user {
            tx.within_account(&u.account_id)?;
        }
        let record = failure_record(user, email_normalized, now, meta, reason);
        self.write_lockouts(&mut tx, user, &record, &admitted.locked, meta)
            .await?;
        tx.commit(&record).await?;
        Ok(())
    }

    /// A lock-out's record for each key a count locked; the account's owner is emailed.
    async fn write_lockouts(
        &self,
        tx: &mut Tx,
        user: Option<&UserRow>,
        failure: &AuditRecord,
        locked: &[(String, ThrottleState)],
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        for (key, state) in locked {
            let mut lockout = failure.clone();
            lockout.action = "auth.lockout".into();
            lockout.repeat_key = None;
            lockout.after =
                Some(serde_json::json!({ "throttle": key, "locked_until": state.locked_until }));
            tx.append_audit(&lockout).await?;
            if let (Some(u), true) = (user, key.starts_with("email:")) {
                let what = format!(
                    "Signing in to your account was locked until {} after repeated failed attempts",
                    emails::utc(state.locked_until)
                );
                self.notify(tx, u, &what, meta).await?;
            }
        }
        Ok(())
    }
}

fn failure_record(
    user: Option<&UserRow>,
    email_normalized: &str,
    now: i64,
    meta: &RequestMeta,
    reason: &str,
) -> AuditRecord {
    let mut record = AuditRecord::new("auth.login_failure", Actor::Anonymous, now, Some(meta))
        .result(AuditResult::Failure)
        .change(
            None,
            Some(serde_json::json!({ "email": email_normalized, "reason": reason })),
        );
    if let Some(u) = user {
        record = record
            .account(&u.account_id)
            .target(AuditTarget::new("user", &u.id, &u.email));
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_throttled_by_its_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(other));
        assert_eq!(
            address_key("198.51.100.7".parse().unwrap()),
            "ip:198.51.100.7/32"
        );
        assert_eq!(
            address_key("::ffff:198.51.100.7".parse().unwrap()),
            "ip:198.51.100.7/32"
        );
    }
}
