//! The emails the console sends (docs/rules/email.md): text and HTML parts, the account's name,
//! the reason, and never a password, secret or code. Links carry single-use tokens.

use super::Service;
use crate::domain::format::escape_html;
pub(super) use crate::domain::format::utc;
use crate::domain::{EnvironmentAccess, Role};
use crate::store::{OutboxMessage, StoreResult, Tx, UserRow};

/// One message, before it goes to the outbox.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A message of paragraphs and at most one button-like link; the text part spells the
/// link out.
fn compose(
    kind: &'static str,
    subject: String,
    paragraphs: &[String],
    link: Option<(&str, &str)>,
) -> Message {
    let mut text = String::new();
    let mut html = String::new();
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape_html(p)));
    }
    if let Some((label, href)) = link {
        text.push_str(&format!("{label}:\n{href}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape_html(href),
            escape_html(label)
        ));
    }
    let footer = "This email was sent by the console. Questions? Ask your account's administrator.";
    text.push_str(footer);
    text.push('\n');
    html.push_str(&format!("<p><small>{}</small></p>", escape_html(footer)));
    Message {
        kind,
        subject,
        text,
        html,
    }
}

fn environments_phrase(access: &EnvironmentAccess) -> String {
    match access {
        EnvironmentAccess::All => "all product environments".into(),
        EnvironmentAccess::Only(ids) if ids.is_empty() => "no product environments".into(),
        EnvironmentAccess::Only(ids) => format!("the product environments {}", ids.join(", ")),
    }
}

pub fn invitation(account: &str, inviter: &str, role: Role, link: &str) -> Message {
    compose(
        "invitation",
        format!("You're invited to {account} on the console"),
        &[
            format!(
                "{inviter} invited you to the {account} account as {}.",
                role.console_name()
            ),
            "Set your password to get started. The link works once, for 7 days.".into(),
            "If you weren't expecting this, you can ignore this email.".into(),
        ],
        Some(("Set your password", link)),
    )
}

/// An invitation without a password (docs/rules/saml.md#adding-users): the user signs in
/// through the identity provider; the link is the sign-in page (no token).
pub fn sso_invitation(account: &str, inviter: &str, role: Role, link: &str) -> Message {
    compose(
        "sso_invitation",
        format!("You're invited to {account} on the console"),
        &[
            format!(
                "{inviter} invited you to the {account} account as {}.",
                role.console_name()
            ),
            "Your organization signs in with single sign-on: choose Sign in with SSO and use your work email.".into(),
            "If you weren't expecting this, you can ignore this email.".into(),
        ],
        Some(("Sign in with SSO", link)),
    )
}

pub fn access_updated(
    account: &str,
    role: Role,
    access: &EnvironmentAccess,
    link: &str,
) -> Message {
    compose(
        "access_updated",
        format!("Your access to {account} was updated"),
        &[
            format!(
                "Your role in the {account} account is {}, with access to {}.",
                role.console_name(),
                environments_phrase(access)
            ),
            "Sign in with your email address as usual.".into(),
        ],
        Some(("Sign in", link)),
    )
}

pub fn admin_reset(account: &str, by: &str, link: &str) -> Message {
    compose(
        "admin_reset",
        format!("Your {account} password was reset"),
        &[
            format!(
                "{by} reset your password for the {account} account. Your old password no longer works \
                 and you were signed out everywhere."
            ),
            "Choose a new password with the link below. It works once, for 24 hours.".into(),
        ],
        Some(("Choose a new password", link)),
    )
}

pub fn forgot_password(account: &str, link: &str) -> Message {
    compose(
        "forgot_password",
        format!("Reset your {account} password"),
        &[
            "Someone asked to reset the password of your console account. Your current password keeps \
             working until you choose a new one."
                .into(),
            "The link works once, for 1 hour. If this wasn't you, ignore this email.".into(),
        ],
        Some(("Choose a new password", link)),
    )
}

/// A security notice (docs/rules/email.md): what happened, when and from which address.
pub fn security_notice(account: &str, what: &str, at: &str, ip: &str) -> Message {
    compose(
        "security_notice",
        format!("Security notice for your {account} account"),
        &[
            format!("{what}."),
            format!("When: {at}. From address: {ip}."),
            "If this wasn't you, tell your account's administrator at once.".into(),
        ],
        None,
    )
}

/// The seat limit reached (docs/rules/email.md): to those who may change the plan.
pub fn seat_limit(account: &str, used: i64, limit: i64, billing_link: &str) -> Message {
    compose(
        "seat_limit",
        format!("Your {account} account has used all its seats"),
        &[
            format!("{used} of {limit} seats are in use: nobody more can be added."),
            "To add more users, raise the user limit or change the plan.".into(),
        ],
        Some(("Open Billing & usage", billing_link)),
    )
}

impl Service {
    /// A security notice to the user (docs/rules/email.md): what happened, now, from the
    /// request's address — in the caller's transaction.
    pub(super) async fn notify(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        what: &str,
        meta: &super::RequestMeta,
    ) -> super::ServiceResult<()> {
        let now = self.now();
        let account = self.account_name(tx).await?;
        let notice = security_notice(&account, what, &utc(now), &meta.ip.to_string());
        send_to_user(tx, user, &notice, now).await?;
        Ok(())
    }

    /// A link into the console, for emails.
    pub(super) fn link(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.config().public_url)
    }
}

/// Writes a message to a user's address in the caller's transaction.
pub(super) async fn send_to_user(
    tx: &mut Tx,
    user: &UserRow,
    m: &Message,
    now: i64,
) -> StoreResult<()> {
    enqueue(tx, &user.account_id, Some(&user.id), &user.email, m, now).await
}

/// Writes a message to the outbox in the caller's transaction.
pub(super) async fn enqueue(
    tx: &mut Tx,
    account_id: &str,
    user_id: Option<&str>,
    to: &str,
    m: &Message,
    now: i64,
) -> StoreResult<()> {
    tx.enqueue_email(&OutboxMessage {
        account_id,
        user_id,
        kind: m.kind,
        to,
        subject: &m.subject,
        text: &m.text,
        html: &m.html,
        now,
    })
    .await
}

/// The link that confirms a new email address (docs/rules/email.md): to the new address.
pub fn email_change(account: &str, new_email: &str, link: &str) -> Message {
    compose(
        "email_change",
        format!("Confirm your new email for {account}"),
        &[
            format!("Someone — we hope you — asked to make {new_email} the email of their {account} account."),
            "Open the link to confirm it; until then the old address stays. The link works once, for 24 hours. If this wasn't you, ignore this email.".into(),
        ],
        Some(("Confirm this email", link)),
    )
}
