//! Where signing in leads: the page a signed-out visitor asked for (`next`), and what a
//! sign-in form posted without the WASM learns when it fails.

use super::{FieldErrors, Refusal};

/// The pages a signed-out visitor uses: never a page to come back to after signing in.
pub const SIGNED_OUT_PAGES: [&str; 7] = [
    "/login",
    "/login/code",
    "/confirm-email",
    "/setup",
    "/invite",
    "/reset-password",
    "/forgot-password",
];

/// The sign-in page for a visitor who asked for `path` (path and query of a console URL).
pub fn sign_in_url(path: &str) -> String {
    let page = path.split(['?', '#']).next().unwrap_or_default();
    match safe_next(path) {
        Some(next) if next != "/" && !SIGNED_OUT_PAGES.contains(&page) => format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ),
        _ => "/login".to_string(),
    }
}

/// `page` saying `problem` (`?failed=<code>`), with `next` when it is a console path.
pub fn page_saying(page: &str, problem: SignInProblem, next: &str) -> String {
    let mut to = format!("{page}?failed={}", problem.code());
    if let Some(next) = safe_next(next) {
        to.push_str("&next=");
        to.extend(url::form_urlencoded::byte_serialize(next.as_bytes()));
    }
    to
}

/// `next` when it is a path on this console (`/…`, not `//host` or `/\host`, no scheme,
/// no control characters), so signing in never sends anyone off-site.
pub fn safe_next(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let offsite = rest.starts_with('/') || rest.starts_with('\\');
    let odd = next.chars().any(|c| c.is_control() || c == '\\');
    (!offsite && !odd && next.len() <= 2048).then_some(next)
}

/// Why a sign-in failed, as the sign-in page says it after a plain form post (the page
/// is loaded again with `?failed=<code>`): a closed set of codes, never free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInProblem {
    /// The email or password is missing or malformed.
    Incomplete,
    /// Wrong email or password (one answer for both).
    Credentials,
    /// Too many tries: wait before trying again.
    Throttled,
    /// The second step: a code that isn't valid (wrong, reused or malformed).
    Code,
    /// The second step's ticket is gone: sign in again.
    Expired,
    /// The account doesn't allow sign-in from this address.
    Address,
    /// *Sign in with SSO* without a valid email.
    SsoEmail,
    /// *Sign in with SSO* for an address no account signs in with SSO (one answer).
    SsoNotSetUp,
    /// The identity provider's response was refused (the reason is audited).
    SsoFailed,
    /// A first SAML sign-in found no free seat.
    SsoNoSeats,
    /// The account enforces SAML: sign in with SSO.
    SsoRequired,
    /// Anything else (the server's side).
    Unavailable,
}

impl SignInProblem {
    pub const ALL: [SignInProblem; 12] = [
        SignInProblem::Incomplete,
        SignInProblem::Credentials,
        SignInProblem::Throttled,
        SignInProblem::Code,
        SignInProblem::Expired,
        SignInProblem::Address,
        SignInProblem::SsoEmail,
        SignInProblem::SsoNotSetUp,
        SignInProblem::SsoFailed,
        SignInProblem::SsoNoSeats,
        SignInProblem::SsoRequired,
        SignInProblem::Unavailable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SignInProblem::Incomplete => "incomplete",
            SignInProblem::Credentials => "credentials",
            SignInProblem::Throttled => "throttled",
            SignInProblem::Code => "code",
            SignInProblem::Expired => "expired",
            SignInProblem::Address => "address",
            SignInProblem::SsoEmail => "sso_email",
            SignInProblem::SsoNotSetUp => "sso_not_set_up",
            SignInProblem::SsoFailed => "sso_failed",
            SignInProblem::SsoNoSeats => "sso_no_seats",
            SignInProblem::SsoRequired => "sso_required",
            SignInProblem::Unavailable => "unavailable",
        }
    }

    /// A problem of *Sign in with SSO* (shown by that form, not the password's).
    pub fn is_sso_form(self) -> bool {
        matches!(
            self,
            SignInProblem::SsoEmail
                | SignInProblem::SsoNotSetUp
                | SignInProblem::SsoFailed
                | SignInProblem::SsoNoSeats
        )
    }

    pub fn from_code(code: &str) -> Option<SignInProblem> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The problem a refusal or bad input amounts to.
    pub fn of_refusal(refusal: &Refusal) -> SignInProblem {
        match refusal {
            Refusal::InvalidCredentials | Refusal::Unauthenticated => SignInProblem::Credentials,
            Refusal::SignInThrottled { .. } | Refusal::TooManyAttempts { .. } => {
                SignInProblem::Throttled
            }
            Refusal::InvalidSignInCode => SignInProblem::Code,
            Refusal::SignInStepExpired => SignInProblem::Expired,
            Refusal::AddressNotAllowed { .. } => SignInProblem::Address,
            Refusal::SsoNotSetUp => SignInProblem::SsoNotSetUp,
            Refusal::SsoFailed => SignInProblem::SsoFailed,
            Refusal::SsoNoSeats => SignInProblem::SsoNoSeats,
            Refusal::SsoRequired => SignInProblem::SsoRequired,
            _ => SignInProblem::Unavailable,
        }
    }

    pub fn of_invalid(_: &FieldErrors) -> SignInProblem {
        SignInProblem::Incomplete
    }

    /// What the sign-in page says.
    pub fn message(self) -> &'static str {
        match self {
            SignInProblem::Incomplete => "Enter your email address and your password.",
            SignInProblem::Credentials => "Invalid email or password.",
            SignInProblem::Throttled => {
                "Too many sign-in attempts. Wait a few minutes, then try again."
            }
            SignInProblem::Code => {
                "That code isn't valid. Enter the code your authenticator app shows now, or one of your recovery codes."
            }
            SignInProblem::Expired => "Your sign-in timed out. Sign in again.",
            SignInProblem::Address => {
                "Your address isn't on this account's list of allowed IP addresses. Ask an administrator of the account."
            }
            SignInProblem::SsoEmail => "Enter your work email address to sign in with SSO.",
            SignInProblem::SsoNotSetUp => "Single sign-on isn't set up for this address.",
            SignInProblem::SsoFailed => {
                "Single sign-on didn't work. Try again, or ask your administrator."
            }
            SignInProblem::SsoNoSeats => "No seats available; contact your administrator.",
            SignInProblem::SsoRequired => {
                "Your account signs in with single sign-on: use Sign in with SSO."
            }
            SignInProblem::Unavailable => {
                "Signing in didn't work this time. Try again in a moment."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_console_are_followed() {
        for ok in ["/", "/users", "/users/u_1?tab=access", "/settings/upload#x"] {
            assert_eq!(safe_next(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "users",
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "/users\r\nLocation: https://evil.example",
            "\t//evil.example",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_sign_in_url_carries_the_asked_for_page_encoded() {
        assert_eq!(sign_in_url("/"), "/login");
        assert_eq!(sign_in_url("//evil.example"), "/login");
        // A session that ends while the browser is already on its way to sign in.
        assert_eq!(sign_in_url("/login"), "/login");
        assert_eq!(sign_in_url("/login?next=%2Fusers"), "/login");
        assert_eq!(sign_in_url("/forgot-password"), "/login");
        assert_eq!(
            sign_in_url("/users?q=a b&sort=name"),
            "/login?next=%2Fusers%3Fq%3Da+b%26sort%3Dname"
        );
    }

    #[test]
    fn every_problem_code_reads_back_and_unknown_codes_are_none() {
        for p in SignInProblem::ALL {
            assert_eq!(SignInProblem::from_code(p.code()), Some(p));
        }
        assert_eq!(SignInProblem::from_code("<script>"), None);
        assert_eq!(
            SignInProblem::of_refusal(&Refusal::SignInThrottled { retry_after: 5 }),
            SignInProblem::Throttled
        );
        assert_eq!(
            SignInProblem::of_refusal(&Refusal::InvalidCredentials),
            SignInProblem::Credentials
        );
    }
}
