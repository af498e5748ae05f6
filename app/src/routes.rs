//! Every page as a lazy route: built with cargo-leptos `--split`, a page's code is a WASM
//! chunk of its own, fetched the first time the page is visited (and preloaded with a
//! server-rendered page), so a visitor downloads the router and the pages they open, not
//! every page of the console. The console's frame (`ConsoleLayout`) stays in the main
//! WASM: made lazy too, it split what pages share into many more, smaller chunks, and both
//! first loads grew (`/login` 361 → 390 KB, `/users` 555 → 721 KB transferred).

use crate::domain::settings::SettingsPage;
use crate::pages;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// The pages served without the WASM (see `app::shell`): signing in, and its second step.
pub const PLAIN_HTML: [&str; 2] = ["/login", "/login/code"];

/// Whether `address` (a path, with or without its query) is one of [`PLAIN_HTML`].
pub fn is_plain_html(address: &str) -> bool {
    let path = address.split('?').next().unwrap_or_default();
    PLAIN_HTML.contains(&path)
}

/// `Name => view;` declares the route type `Name` whose view is lazily loaded.
macro_rules! lazy_pages {
    ($($(#[$doc:meta])* $route:ident => $view:expr;)+) => {
        $(
            $(#[$doc])*
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(_route: Self) -> AnyView {
                    $view.into_any()
                }
            }
        )+
    };
}

lazy_pages! {
    /// Signing in, and the pages a visitor reaches without a session.
    Login => view! { <pages::login::LoginPage/> };
    SignInCode => view! { <pages::sign_in_code::SignInCodePage/> };
    Setup => view! { <pages::setup::SetupPage/> };
    SetPassword => view! { <pages::invite::SetPasswordPage/> };
    ForgotPassword => view! { <pages::forgot_password::ForgotPasswordPage/> };
    ConfirmEmail => view! { <pages::confirm_email::ConfirmEmailPage/> };
    /// The console's pages.
    Home => view! { <pages::home::HomePage/> };
    Profile => view! { <pages::profile::ProfilePage/> };
    RoleMatrix => view! { <pages::role_matrix::RoleMatrixPage/> };
    AuditLog => view! { <pages::audit_log::AuditLogPage/> };
    Users => view! { <pages::users::UsersPage/> };
    UserEdit => view! { <pages::user_edit::UserEditPage/> };
    Groups => view! { <pages::groups::GroupsPage/> };
    GroupEdit => view! { <pages::group_edit::GroupEditPage/> };
    MediaLibrary => view! { <pages::media_library::MediaLibraryPage/> };
    Environments => view! { <pages::environments::EnvironmentsPage/> };
    ApiKeys => view! { <pages::api_keys::ApiKeysPage/> };
    Account => view! { <pages::account::AccountPage/> };
    AccountApiKeys => view! { <pages::account_api_keys::AccountApiKeysPage/> };
    Scim => view! { <pages::scim::ScimPage/> };
    ProvisioningApi => view! { <pages::provisioning_api::ProvisioningApiPage/> };
    Security => view! { <pages::security::SecurityPage/> };
    Billing => view! { <pages::billing::BillingPage/> };
    AddOns => view! { <pages::addons::AddonsPage/> };
    Settings => view! { <pages::settings::SettingsIndex/> };
    UploadSettings => view! { <pages::settings::SettingsScreen page=SettingsPage::Upload/> };
    BackupSettings => view! { <pages::settings::SettingsScreen page=SettingsPage::Backup/> };
    OptimizationSettings => view! { <pages::settings::SettingsScreen page=SettingsPage::Optimization/> };
    WebhookSettings => view! { <pages::settings::SettingsScreen page=SettingsPage::Webhooks/> };
    SecuritySettings => view! { <pages::settings::SettingsScreen page=SettingsPage::Security/> };
    MediaLibrarySettings => view! { <pages::settings::SettingsScreen page=SettingsPage::MediaLibrary/> };
    DamAppSettings => view! { <pages::settings::SettingsScreen page=SettingsPage::DamApps/> };
}
