//! Why the console refuses what was asked: one typed reason per rule (docs/rules/), carried
//! by the service's error and by field errors. The console words a reason with its
//! `Display` (the sentence a user reads); each API turns it into a status and its own
//! message with one exhaustive `match` (`server/src/provisioning/error.rs`; the server
//! functions' `api/error.rs`), so rewording a sentence never changes a status, and a new
//! reason doesn't compile until every transport has decided what it means.

use super::account_api_key::MAX_ACCOUNT_API_KEYS;
use super::permission::Permission;
use super::role::Role;
use super::sharing::Level;
use super::user::UserStatus;
use super::user_action::UserAction;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares [`Refusal`] and [`Refusal::examples`] from one list, so the examples (which
/// the transports' mapping tests walk) cover every variant by construction.
macro_rules! refusals {
    ($( $(#[$doc:meta])* $variant:ident $({ $($field:ident : $ty:ty),* $(,)? })? => $example:expr ;)+) => {
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Refusal {
            $( $(#[$doc])* $variant $({ $($field: $ty),* })?, )+
        }

        impl Refusal {
            /// One of each reason, with made-up details: what the transports' mapping
            /// tests walk.
            pub fn examples() -> Vec<Refusal> {
                use Refusal::*;
                vec![$($example),+]
            }
        }
    };
}

/// Which environment deed needs access to all product environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentDeed {
    Add,
    Delete,
}

refusals! {
    // --- Who is asking -------------------------------------------------------------
    /// No valid session or credentials.
    Unauthenticated => Unauthenticated;
    /// The one answer for an unknown email, a wrong password or a wrong code.
    InvalidCredentials => InvalidCredentials;
    /// The action needs the password again (re-authentication, valid 10 minutes).
    ReauthenticationRequired => ReauthenticationRequired;
    /// The second step of a sign-in: a wrong, reused or malformed code (one answer for all).
    InvalidSignInCode => InvalidSignInCode;
    /// The second step's ticket is gone (expired, used, or too many wrong codes).
    SignInStepExpired => SignInStepExpired;
    /// The account requires two-factor sign-in and this session's user has no factor yet:
    /// nothing but setting one up (docs/rules/two-factor.md#required).
    TwoFactorEnrolmentRequired => TwoFactorEnrolmentRequired;
    /// Setting up an authenticator while one is on.
    TwoFactorAlreadyOn => TwoFactorAlreadyOn;
    /// Recovery codes or turning off without an authenticator.
    TwoFactorNotOn => TwoFactorNotOn;
    /// The request comes from an address the account's allowed list doesn't hold
    /// (docs/rules/account-security.md#allowed-ip-addresses).
    AddressNotAllowed { ip: String } => AddressNotAllowed { ip: "198.51.100.9".into() };
    /// *Transfer root* by someone who isn't the root user.
    NotRootUser => NotRootUser;
    /// *Sign out* of a session that isn't one of the user's live sessions (ended already,
    /// or someone else's: the answer doesn't say which).
    SessionNotFound => SessionNotFound;
    ScimTokenNotFound => ScimTokenNotFound;
    /// Turning two-factor sign-in off while the account requires it.
    TwoFactorRequiredByAccount => TwoFactorRequiredByAccount;
    /// *Sign in with SSO* for an address no account with SAML on lists (the same answer
    /// whether or not the user exists).
    SsoNotSetUp => SsoNotSetUp;
    /// A SAML response was refused: one sentence for every reason (the reason is audited).
    SsoFailed => SsoFailed;
    /// A password sign-in (or *Forgot password*) of a non-master-admin while the account
    /// enforces SAML login.
    SsoRequired => SsoRequired;
    /// A first SAML sign-in would create a user but no seat is free.
    SsoNoSeats => SsoNoSeats;
    /// SAML single sign-on isn't part of the account's plan.
    SamlNotInPlan => SamlNotInPlan;
    /// Sign-in is throttled for the email or the address.
    SignInThrottled { retry_after: i64 } => SignInThrottled { retry_after: 60 };
    /// Resend invite, more than the hourly allowance for one user.
    TooManyInvitations => TooManyInvitations;
    /// Reset password emails, more than the hourly allowance for one user.
    TooManyResetEmails => TooManyResetEmails;
    /// Too many tries from one address (wrong setup tokens, *Forgot your password?*) or
    /// by one user (*Send test*).
    TooManyAttempts { retry_after: i64 } => TooManyAttempts { retry_after: 900 };

    // --- Roles and the grant rules (docs/rules/roles.md) ---------------------------
    /// The principal's role lacks the permission.
    RoleLacksPermission { role: Role, permission: Permission } =>
        RoleLacksPermission { role: Role::Reports, permission: Permission::UsersManage };
    /// Rule 1: the target's role has permissions the actor's doesn't.
    RoleOutranksYou { role: Role } => RoleOutranksYou { role: Role::MasterAdmin };
    /// Rule 3: the target reaches environments the actor doesn't.
    OutsideYourEnvironments => OutsideYourEnvironments;
    /// Rule 2: not on oneself.
    OnYourself => OnYourself;
    /// Rule 5: the root user is never demoted, disabled or deleted.
    RootUser => RootUser;
    /// One's own email changes only in My Profile, confirmed by a link (not by Edit).
    OwnEmailInProfile => OwnEmailInProfile;
    /// Rule 4: the last active master admin stays.
    LastMasterAdmin => LastMasterAdmin;
    /// Rule 6: a deleted (inactive) user can't be changed.
    UserInactive => UserInactive;
    /// An inactive user can't join a group.
    InactiveMember => InactiveMember;
    /// Password resets are for users who sign in with a password.
    PasswordSignInOnly => PasswordSignInOnly;
    /// The row menu of the user's status doesn't offer the action.
    ActionNotOffered { action: UserAction, status: UserStatus } =>
        ActionNotOffered { action: UserAction::ResendInvite, status: UserStatus::Active };
    /// Adding or deleting an environment needs access to all of them.
    NeedsAllEnvironments { deed: EnvironmentDeed } =>
        NeedsAllEnvironments { deed: EnvironmentDeed::Add };

    // --- The Media Library and sharing (docs/rules/sharing.md) ---------------------
    /// The principal's level on the folder or collection is too low.
    LevelTooLow { what: String, need: Level, have: Option<Level> } =>
        LevelTooLow { what: "Renaming".into(), need: Level::Edit, have: Some(Level::View) };
    /// A Media Library user without the option to create root folders.
    RootFoldersNotAllowed => RootFoldersNotAllowed;
    /// A Media Library user without the option to create collections.
    CollectionsNotAllowed => CollectionsNotAllowed;
    /// Sharing needs *can manage* on the item.
    SharingNeedsManage { path: String } => SharingNeedsManage { path: "/brand".into() };
    /// Nobody shares above their own level.
    ShareAboveYourLevel { level: Option<Level> } => ShareAboveYourLevel { level: Some(Level::Contribute) };
    /// *Who can see this?* about someone else, without managing the item.
    ExplainOnlyYourself => ExplainOnlyYourself;

    // --- The plan (docs/rules/account.md) ------------------------------------------
    /// No more product environments on this plan.
    EnvironmentLimit => EnvironmentLimit;
    /// Not enough free seats for the users being added (`free` of `limit`).
    SeatLimit { free: i64, limit: i64 } => SeatLimit { free: 1, limit: 3 };
    /// Additional user subscriptions aren't sold on this plan.
    SubscriptionsUnavailable => SubscriptionsUnavailable;
    /// Account API keys need the Provisioning API (Enterprise).
    ProvisioningNotInPlan => ProvisioningNotInPlan;
    /// An account API key's account lost the Provisioning API.
    ProvisioningNotEnabled => ProvisioningNotEnabled;
    /// Granular API key permissions need Plus or above.
    GranularPermissionsNotInPlan => GranularPermissionsNotInPlan;
    /// A paid add-on tier needs a paid plan.
    AddonNeedsPaidPlan { addon: String, tier: String } =>
        AddonNeedsPaidPlan { addon: "Auto tagging".into(), tier: "Basic".into() };

    // --- Not found (another account's ids are "not found" too) ---------------------
    AccountNotFound => AccountNotFound;
    /// `server account-api-key create` before any account exists.
    NoAccountYet => NoAccountYet;
    EnvironmentNotFound { id: String } => EnvironmentNotFound { id: "0f0f".into() };
    UserNotFound { id: String } => UserNotFound { id: "ab12".into() };
    GroupNotFound { id: String } => GroupNotFound { id: "cd34".into() };
    /// An environment API key.
    KeyNotFound { key: String } => KeyNotFound { key: "123456789012345".into() };
    /// An environment API key named by its name.
    KeyNameNotFound { name: String } => KeyNameNotFound { name: "CI".into() };
    AccountApiKeyNotFound => AccountApiKeyNotFound;
    FolderNotFound => FolderNotFound;
    CollectionNotFound => CollectionNotFound;
    AddonNotFound => AddonNotFound;
    /// Revoking a share nobody holds.
    NoShareHere => NoShareHere;
    SettingsPageNotFound { page: String } => SettingsPageNotFound { page: "colours".into() };

    // --- Conflicts with what exists ------------------------------------------------
    CloudNameTaken => CloudNameTaken;
    KeyNameTaken => KeyNameTaken;
    AccountApiKeyNameTaken => AccountApiKeyNameTaken;
    GroupNameTaken => GroupNameTaken;
    EmailTaken => EmailTaken;
    /// A SCIM `userName` another user of the account answers to.
    UserNameTaken => UserNameTaken;
    LastEnvironment => LastEnvironment;
    TooManyAssetsToDelete => TooManyAssetsToDelete;
    TooManyAssetsToRename => TooManyAssetsToRename;
    LastKey => LastKey;
    KeyLimit => KeyLimit;
    /// The key that signs webhooks stays enabled until another is dedicated.
    WebhookKeyStaysEnabled => WebhookKeyStaysEnabled;
    EnableBeforeDedicating => EnableBeforeDedicating;
    /// *Send test* of an environment without an enabled key.
    NoKeyToSign => NoKeyToSign;
    /// *Send test* to an address on a private or local network (docs/rules/network.md).
    InternalAddress => InternalAddress;
    AccountApiKeyLimit => AccountApiKeyLimit;
    /// Setup after an account exists.
    AlreadySetUp => AlreadySetUp;
    /// Someone saved the settings after they were opened.
    StaleSettings => StaleSettings;
    AddonNotRegistered { addon: String } => AddonNotRegistered { addon: "Auto tagging".into() };
    /// Deleting a folder that still has subfolders.
    FolderNotEmpty { path: String, subfolders: i64 } =>
        FolderNotEmpty { path: "/brand".into(), subfolders: 2 };
}

impl Refusal {
    /// A stable name for the reason (`LastMasterAdmin`): its variant, as on the wire.
    pub fn code(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => name,
            Ok(serde_json::Value::Object(fields)) => {
                fields.keys().next().cloned().unwrap_or_default()
            }
            _ => String::new(),
        }
    }

    /// Seconds to wait before asking again, for the reasons that are rate limits.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            Refusal::SignInThrottled { retry_after } => Some(*retry_after),
            Refusal::TooManyInvitations | Refusal::TooManyResetEmails => Some(3600),
            Refusal::TooManyAttempts { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

/// The seat limit's sentence, also what the Provisioning API answers.
pub const SEAT_LIMIT_REACHED: &str =
    "You have reached the maximum number of users allowed for your plan";

impl Refusal {
    /// The sentence of a reason that carries no details.
    fn fixed_sentence(&self) -> Option<&'static str> {
        use Refusal::*;
        Some(match self {
            Unauthenticated => "Your session has ended. Sign in to continue.",
            InvalidCredentials => "Invalid email or password",
            ReauthenticationRequired => "Confirm your password to continue",
            InvalidSignInCode => "That code isn't valid. Enter the code your authenticator app shows now, or one of your recovery codes",
            SignInStepExpired => "Your sign-in timed out. Sign in again",
            TwoFactorEnrolmentRequired => "Your account requires two-factor authentication. Set it up in My Profile to continue",
            TwoFactorAlreadyOn => "Two-factor authentication is already on",
            SessionNotFound => "That session has already ended",
            ScimTokenNotFound => "SCIM token not found",
            SsoNotSetUp => "Single sign-on isn't set up for this address",
            SsoFailed => "Single sign-on didn't work. Try again, or ask your administrator",
            SsoRequired => "Your account signs in with single sign-on: use Sign in with SSO",
            SsoNoSeats => "No seats available; contact your administrator",
            SamlNotInPlan => "SAML single sign-on isn't part of this account's plan",
            NotRootUser => "Only the root user can transfer root",
            TwoFactorNotOn => "Two-factor authentication isn't on",
            TwoFactorRequiredByAccount => "Your account requires two-factor authentication, so it can't be turned off",
            TooManyInvitations => "Too many invitations sent; try again later",
            TooManyResetEmails => "Too many reset emails sent; try again later",
            OutsideYourEnvironments => "You can only act on users whose product environments you can all access",
            OnYourself => "You can't do this to your own user",
            OwnEmailInProfile => "Change your own email in My Profile",
            InternalAddress => "This address is on a private or local network: the console doesn't send to it",
            RootUser => "The root user can't be demoted, disabled or deleted; they may first transfer root",
            LastMasterAdmin => "The account must keep at least one active master admin",
            UserInactive => "Inactive users can't be changed",
            InactiveMember => "User is inactive",
            PasswordSignInOnly => "Password reset is only available for users who sign in with a password",
            RootFoldersNotAllowed => "You may not create folders at the root of the Media Library",
            CollectionsNotAllowed => "You may not create collections",
            ExplainOnlyYourself => "You can only ask why you can see something yourself",
            EnvironmentLimit => "Product environment limit reached for your plan",
            SubscriptionsUnavailable => "Additional user subscriptions are available on the Plus and Advanced plans bought directly",
            ProvisioningNotInPlan => "The Provisioning API is not part of this account's plan (it comes with Enterprise)",
            ProvisioningNotEnabled => "Provisioning API is not enabled for this account",
            GranularPermissionsNotInPlan => "Granular API key permissions are available on Plus, Advanced and Enterprise",
            AccountNotFound => "Account not found",
            NoAccountYet => "There is no account yet",
            EnvironmentNotFound { .. } => "Product environment not found",
            UserNotFound { .. } => "User not found",
            GroupNotFound { .. } => "User group not found",
            KeyNotFound { .. } | KeyNameNotFound { .. } => "API key not found",
            AccountApiKeyNotFound => "Account API key not found",
            FolderNotFound => "Folder not found",
            CollectionNotFound => "Collection not found",
            AddonNotFound => "Add-on not found",
            NoShareHere => "That user or group has no share here",
            CloudNameTaken => "Cloud name already exists",
            KeyNameTaken => "Access key name already exists",
            AccountApiKeyNameTaken => "Another account API key already has this name",
            GroupNameTaken => "User group name already exists",
            EmailTaken => "This email already exists",
            UserNameTaken => "Another user already has this userName",
            LastEnvironment => "The account's last product environment can't be deleted",
            TooManyAssetsToDelete => "A product environment with 1000 or more assets can't be deleted",
            TooManyAssetsToRename => "The cloud name can't change once the environment has 1000 assets",
            LastKey => "A product environment keeps at least one API key",
            KeyLimit => "A product environment has at most 20 API keys",
            WebhookKeyStaysEnabled => "This key signs webhook notifications: dedicate another key for webhooks first",
            EnableBeforeDedicating => "Enable the key before dedicating it for webhooks",
            NoKeyToSign => "The environment has no API key to sign with",
            AlreadySetUp => "The console is already set up: an account exists",
            StaleSettings => "Someone saved these settings after you opened them. Reload to see their changes.",
            _ => return None,
        })
    }
}

/// The console's words for each reason.
impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Refusal::*;
        if let Some(sentence) = self.fixed_sentence() {
            return f.write_str(sentence);
        }
        match self {
            SignInThrottled { retry_after } => write!(
                f,
                "Too many sign-in attempts. Try again in {retry_after} seconds."
            ),
            AddressNotAllowed { ip } => write!(
                f,
                "Your address {ip} isn't on this account's list of allowed IP addresses. Ask an administrator of the account"
            ),
            RoleLacksPermission { role, permission } => write!(
                f,
                "Your role ({}) doesn't allow this ({})",
                role.console_name(),
                permission.id()
            ),
            RoleOutranksYou { role } => write!(
                f,
                "You can't act on a {}: that role has permissions yours doesn't",
                role.console_name()
            ),
            ActionNotOffered { action, status } => write!(
                f,
                "{} isn't available for a user whose status is {}",
                action.label(),
                status.label()
            ),
            NeedsAllEnvironments { deed } => write!(
                f,
                "Only users with access to all product environments can {} one",
                match deed {
                    EnvironmentDeed::Add => "add",
                    EnvironmentDeed::Delete => "delete",
                }
            ),
            LevelTooLow { what, need, have } => write!(
                f,
                "{what} needs {} here; you {}",
                need.label(),
                have.map_or("no level", Level::label)
            ),
            SharingNeedsManage { path } => write!(f, "Sharing needs can manage on {path}"),
            ShareAboveYourLevel { level } => write!(
                f,
                "You can't share above your own level ({})",
                level.map_or("none", Level::label)
            ),
            SeatLimit { free, limit } if *free <= 0 => {
                let _ = limit;
                f.write_str(SEAT_LIMIT_REACHED)
            }
            SeatLimit { free, limit } => {
                write!(f, "{SEAT_LIMIT_REACHED}: {free} of {limit} seats are free")
            }
            AddonNeedsPaidPlan { addon, tier } => write!(
                f,
                "The {tier} tier of {addon} needs a paid plan; change plan first"
            ),
            SettingsPageNotFound { page } => write!(f, "No settings page \"{page}\""),
            TooManyAttempts { retry_after } => write!(
                f,
                "Too many attempts. Try again in {} minutes.",
                (retry_after + 59) / 60
            ),
            AccountApiKeyLimit => write!(
                f,
                "An account has at most {MAX_ACCOUNT_API_KEYS} account API keys"
            ),
            AddonNotRegistered { addon } => write!(f, "{addon} isn't registered"),
            FolderNotEmpty { path, subfolders } => write!(
                f,
                "{path} isn't empty: delete or move its {subfolders} subfolder{} first",
                if *subfolders == 1 { "" } else { "s" }
            ),

            // Every other reason has a fixed sentence (the test below checks each has words).
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_reason_has_a_code_of_its_own_and_a_sentence() {
        let mut codes = HashSet::new();
        for r in Refusal::examples() {
            let code = r.code();
            assert!(!code.is_empty(), "{r:?}");
            assert!(codes.insert(code.clone()), "two reasons share {code}");
            let text = r.to_string();
            assert!(text.len() > 8 && !text.contains('{'), "{r:?}: {text}");
            assert!(
                text.starts_with(|c: char| c.is_uppercase() || c == '/'),
                "{text}"
            );
        }
    }

    #[test]
    fn a_reason_survives_the_wire() {
        for r in Refusal::examples() {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<Refusal>(&json).unwrap(), r);
        }
    }

    #[test]
    fn the_seat_limit_says_how_many_seats_are_free() {
        assert_eq!(
            Refusal::SeatLimit { free: 0, limit: 3 }.to_string(),
            SEAT_LIMIT_REACHED
        );
        assert_eq!(
            Refusal::SeatLimit { free: 2, limit: 3 }.to_string(),
            format!("{SEAT_LIMIT_REACHED}: 2 of 3 seats are free")
        );
    }
}
