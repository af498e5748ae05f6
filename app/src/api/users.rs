//! User Management: the table, Add users, one user's lifecycle, seats, and the emailed
//! links that set a password.

use super::ConsoleError;
use crate::domain::{LinkPurpose, UserAction, UserPage, UserSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context::{request, signed_in, OrApi};

/// One user and the row-menu actions the signed-in user may take on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserSummary,
    pub actions: Vec<UserAction>,
}

#[server(prefix = "/api", endpoint = "users")]
pub async fn list_users(
    #[server(default)] search: String,
    #[server(default)] role: String,
    #[server(default)] status: String,
    #[server(default)] sort: String,
    #[server(default)] after: String,
    #[server(default)] environment: String,
) -> Result<UserPage, ConsoleError> {
    let (req, p) = signed_in().await?;
    let q = crate::service::UserQuery {
        search,
        role,
        status,
        sort,
        after,
        environment,
    };
    req.service
        .list_users(&p, &q, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Adds up to five users; returns their ids. The browser's checkbox sends
/// `all_environments=on` when ticked and nothing otherwise.
// A server function's arguments are its form's fields.
#[server(prefix = "/api", endpoint = "add_users")]
#[allow(clippy::too_many_arguments)]
pub async fn add_users(
    #[server(default)] emails: Vec<String>,
    #[server(default)] role: String,
    #[server(default)] all_environments: Option<String>,
    #[server(default)] environment_ids: Vec<String>,
    #[server(default)] group_ids: Vec<String>,
    #[server(default)] create_root_folders: Option<String>,
    #[server(default)] create_collections: Option<String>,
    #[server(default)] send_invitation: Option<String>,
    #[server(default)] invitation_choice: Option<String>,
) -> Result<Vec<String>, ConsoleError> {
    let (req, p) = signed_in().await?;
    let input = crate::service::AddUsersInput {
        // The checkbox is on the form only while SAML is on; without it, an invitation.
        sso_invitation_only: invitation_choice.is_some() && !ticked(&send_invitation),
        emails,
        names: Vec::new(),
        role,
        all_environments: ticked(&all_environments),
        environment_ids,
        group_ids,
        media_library: media_library_options(&create_root_folders, &create_collections),
    };
    req.service
        .add_users(&p, &input, &req.meta)
        .await
        .or_api(&req.meta)
}

/// The Media Library user options' two checkboxes.
#[cfg(feature = "ssr")]
fn media_library_options(
    root_folders: &Option<String>,
    collections: &Option<String>,
) -> crate::domain::MediaLibraryOptions {
    crate::domain::MediaLibraryOptions {
        create_root_folders: ticked(root_folders),
        create_collections: ticked(collections),
    }
}

/// A checkbox's value: sent (and not "false") when ticked.
pub fn ticked(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| v != "false")
}

#[server(prefix = "/api", endpoint = "user")]
pub async fn get_user(id: String) -> Result<UserDetail, ConsoleError> {
    let (req, p) = signed_in().await?;
    let (user, actions) = req
        .service
        .user(&p, &id, &req.meta)
        .await
        .or_api(&req.meta)?;
    Ok(UserDetail { user, actions })
}

// A server function's arguments are its form's fields.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "edit_user")]
pub async fn edit_user(
    id: String,
    #[server(default)] name: String,
    #[server(default)] email: String,
    #[server(default)] role: String,
    #[server(default)] all_environments: Option<String>,
    #[server(default)] environment_ids: Vec<String>,
    #[server(default)] access_shown: Option<String>,
    #[server(default)] create_root_folders: Option<String>,
    #[server(default)] create_collections: Option<String>,
) -> Result<UserSummary, ConsoleError> {
    let (req, p) = signed_in().await?;
    // Environment access changes only when the form showed it (`access_shown`): an edit
    // of the name keeps whatever access the user has.
    let access = ticked(&access_shown).then(|| (ticked(&all_environments), environment_ids));
    let input = crate::service::EditUserInput {
        name,
        email,
        role,
        access,
        media_library: media_library_options(&create_root_folders, &create_collections),
    };
    req.service
        .edit_user(&p, &id, &input, &req.meta)
        .await
        .or_api(&req.meta)
}

/// One entry of a user's row menu other than Edit; returns what happened, in words.
/// Delete needs `confirm_email`, the user's email typed again.
#[server(prefix = "/api", endpoint = "user_action")]
pub async fn act_on_user(
    id: String,
    action: String,
    #[server(default)] confirm_email: String,
) -> Result<String, ConsoleError> {
    let (req, p) = signed_in().await?;
    let (s, m) = (&req.service, &req.meta);
    let Some(action) = UserAction::parse(action.trim()) else {
        let mut f = crate::domain::FieldErrors::new();
        f.add("action", format!("Unknown action \"{}\"", action.trim()));
        return Err(ConsoleError::Invalid(f));
    };
    let done = match action {
        UserAction::ResendInvite => s.resend_invite(&p, &id, m).await.map(|_| "Email sent"),
        UserAction::ResetPassword | UserAction::ResendResetEmail => s
            .reset_password(&p, &id, m)
            .await
            .map(|_| "Password reset: the user was signed out and emailed a link"),
        UserAction::ForceLogout => s
            .force_logout(&p, &id, m)
            .await
            .map(|_| "Every session of the user has ended"),
        UserAction::ResetTwoFactor => s
            .reset_two_factor(&p, &id, m)
            .await
            .map(|_| "Two-factor authentication reset: the user was signed out and emailed"),
        UserAction::Disable => s.disable_user(&p, &id, m).await.map(|_| "User disabled"),
        UserAction::Enable => s.enable_user(&p, &id, m).await.map(|_| "User enabled"),
        UserAction::Delete => s
            .delete_user(&p, &id, Some(&confirm_email), m)
            .await
            .map(|_| "User deleted"),
        UserAction::Edit => {
            let mut f = crate::domain::FieldErrors::new();
            f.add("action", "Use the Edit form");
            return Err(ConsoleError::Invalid(f));
        }
    };
    done.map(str::to_string).or_api(m)
}

/// Change user limit: the number of additional user subscriptions. Returns the new limit.
#[server(prefix = "/api", endpoint = "user_limit")]
pub async fn set_user_limit(
    #[server(default)] additional_user_subscriptions: String,
) -> Result<i64, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .set_additional_user_subscriptions(&p, &additional_user_subscriptions, &req.meta)
        .await
        .or_api(&req.meta)
}

/// What an emailed link is for, while it still works.
#[server(prefix = "/api", endpoint = "link")]
pub async fn check_link(token: String) -> Result<LinkPurpose, ConsoleError> {
    let req = request().await?;
    req.service.link_purpose(&token).await.or_api(&req.meta)
}

/// Sets a password from an emailed link (invitation, admin reset, forgot password), then
/// sends the user to sign in.
#[server(prefix = "/api", endpoint = "set_password")]
pub async fn set_password(token: String, password: String) -> Result<(), ConsoleError> {
    let req = request().await?;
    let purpose = req
        .service
        .set_password_from_link(&token, &password, &req.meta)
        .await
        .or_api(&req.meta)?;
    leptos_axum::redirect(match purpose {
        LinkPurpose::Invitation => "/login?invited=done",
        _ => "/login?password=done",
    });
    Ok(())
}

/// "Forgot your password?": the same answer whether or not the email exists.
#[server(prefix = "/api", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<String, ConsoleError> {
    let req = request().await?;
    req.service
        .request_password_reset(&email, &req.meta)
        .await
        .map(str::to_string)
        .or_api(&req.meta)
}
