//! Setup, sign-in and sign-out, My Profile and the audit log.

use super::ConsoleError;
use crate::domain::Me;
#[cfg(feature = "ssr")]
use crate::domain::Refusal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context::{request, set_cookie, signed_in, OrApi};

/// What the console shell needs to know on every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub me: Option<Me>,
    pub setup_required: bool,
}

#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session() -> Result<SessionInfo, ConsoleError> {
    let req = request().await?;
    let setup_required = req.service.setup_required().await.or_api(&req.meta)?;
    if setup_required {
        return Ok(SessionInfo {
            me: None,
            setup_required,
        });
    }
    let me = match signed_in().await {
        Ok((req, p)) => Some(req.service.me(&p, &req.meta).await.or_api(&req.meta)?),
        Err(ConsoleError::Refused(Refusal::Unauthenticated)) => None,
        Err(e) => return Err(e),
    };
    Ok(SessionInfo { me, setup_required })
}

#[server(prefix = "/api", endpoint = "setup")]
pub async fn complete_setup(
    token: String,
    account_name: String,
    email: String,
    password: String,
    #[server(default)] plan: String,
) -> Result<(), ConsoleError> {
    let req = request().await?;
    let input = crate::service::BootstrapInput {
        account_name,
        email,
        password,
        plan: (!plan.trim().is_empty()).then(|| plan.trim().to_string()),
    };
    req.service
        .complete_setup(&token, &input, &req.meta)
        .await
        .or_api(&req.meta)?;
    leptos_axum::redirect("/login?setup=done");
    Ok(())
}

/// Signs in and goes on to `next` (a page on this console; anything else means `/`), or
/// to the second step for a user with a second factor. Posted without the WASM, a failure
/// loads the sign-in page again saying why.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), ConsoleError> {
    use crate::service::SignInStep;
    let req = request().await?;
    let step = req
        .service
        .sign_in(&email, &password, req.token.as_deref(), &req.meta)
        .await
        .or_api(&req.meta)
        .inspect_err(|e| back_to("/login", e, &next, false))?;
    match step {
        SignInStep::SignedIn(signed) => signed_in_to(&req, &signed, &next),
        SignInStep::SecondFactor(step) => {
            let max_age = step.expires_at - req.service.clock_now();
            set_cookie(&req.cookies.set_second_step(&step.token, max_age));
            leptos_axum::redirect(&with_next("/login/code", &next));
        }
    }
    Ok(())
}

/// The second step of a sign-in: a code from the authenticator app or a recovery code.
#[server(prefix = "/api", endpoint = "sign_in_code")]
pub async fn sign_in_code(
    #[server(default)] code: String,
    #[server(default)] next: String,
) -> Result<(), ConsoleError> {
    let req = request().await?;
    let signed = req
        .service
        .sign_in_with_code(
            req.second_step.as_deref(),
            &code,
            req.token.as_deref(),
            &req.meta,
        )
        .await
        .or_api(&req.meta);
    let signed = match signed {
        Ok(signed) => signed,
        Err(e) => {
            let expired = matches!(e, ConsoleError::Refused(Refusal::SignInStepExpired));
            if expired {
                set_cookie(&req.cookies.clear_second_step());
            }
            back_to(
                if expired { "/login" } else { "/login/code" },
                &e,
                &next,
                true,
            );
            return Err(e);
        }
    };
    set_cookie(&req.cookies.clear_second_step());
    signed_in_to(&req, &signed, &next);
    Ok(())
}

#[cfg(feature = "ssr")]
fn signed_in_to(req: &super::context::Request, signed: &crate::service::SignedIn, next: &str) {
    use crate::domain::sign_in::safe_next;
    let max_age = signed.expires_at - req.service.clock_now();
    set_cookie(&req.cookies.set(&signed.token, max_age));
    // A session that must set up a second factor can do nothing else first.
    let to = if signed.must_enrol_two_factor {
        "/profile"
    } else {
        safe_next(next).unwrap_or("/")
    };
    leptos_axum::redirect(to);
}

/// `page?next=…` when `next` is a page on this console to come back to.
#[cfg(feature = "ssr")]
fn with_next(page: &str, next: &str) -> String {
    match crate::domain::sign_in::safe_next(next) {
        Some(next) => format!(
            "{page}?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ),
        None => page.to_string(),
    }
}

/// A sign-in form posted without the WASM that failed: back to `page` saying why.
#[cfg(feature = "ssr")]
fn back_to(page: &str, e: &ConsoleError, next: &str, code_step: bool) {
    use crate::domain::sign_in::SignInProblem;
    if !super::context::plain_form_post() {
        return;
    }
    let problem = match e {
        ConsoleError::Invalid(_) if code_step => SignInProblem::Code,
        ConsoleError::Invalid(fields) => SignInProblem::of_invalid(fields),
        ConsoleError::Refused(r) => SignInProblem::of_refusal(r),
        ConsoleError::Internal { .. } | ConsoleError::Transport(_) => SignInProblem::Unavailable,
    };
    super::context::see_other(&crate::domain::sign_in::page_saying(page, problem, next));
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ConsoleError> {
    let result = match signed_in().await {
        Ok((req, p)) => {
            req.service
                .sign_out(&p, &req.meta)
                .await
                .or_api(&req.meta)?;
            set_cookie(&req.cookies.clear());
            Ok(())
        }
        // Already signed out: the outcome the user asked for.
        Err(ConsoleError::Refused(Refusal::Unauthenticated)) => Ok(()),
        Err(e) => Err(e),
    };
    if result.is_ok() {
        leptos_axum::redirect("/login");
    }
    result
}

#[server(prefix = "/api", endpoint = "profile")]
pub async fn update_profile(
    name: String,
    first_name: String,
    last_name: String,
) -> Result<Me, ConsoleError> {
    let (req, p) = signed_in().await?;
    let input = crate::service::ProfileInput {
        name,
        first_name,
        last_name,
    };
    req.service
        .update_profile(&p, &input, &req.meta)
        .await
        .or_api(&req.meta)
}

/// The time zone times are shown in (an IANA name; empty: the browser's).
#[server(prefix = "/api", endpoint = "time_zone")]
pub async fn set_time_zone(#[server(default)] time_zone: String) -> Result<Me, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .set_time_zone(&p, &time_zone, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "theme")]
pub async fn set_theme(theme: String) -> Result<Me, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .set_theme(&p, &theme, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Email preferences: a ticked checkbox is sent, an unticked one isn't.
#[server(prefix = "/api", endpoint = "email_preferences")]
pub async fn set_email_preferences(
    #[server(default)] usage_alerts: Option<String>,
    #[server(default)] weekly_report: Option<String>,
    #[server(default)] product_updates: Option<String>,
    #[server(default)] billing_notifications: Option<String>,
) -> Result<Me, ConsoleError> {
    use super::users::ticked;
    let (req, p) = signed_in().await?;
    let prefs = crate::domain::EmailPreferences {
        usage_alerts: ticked(&usage_alerts),
        weekly_report: ticked(&weekly_report),
        product_updates: ticked(&product_updates),
        billing_notifications: ticked(&billing_notifications),
    };
    req.service
        .set_email_preferences(&p, &prefs, &req.meta)
        .await
        .or_api(&req.meta)
}
