//! The session and the actions that change it, shared by every page: provided once by
//! the router (`App`), read by pages and components with [`use_auth`].

use crate::api::{
    get_session, CompleteSetup, ConsoleError, SessionInfo, SetTheme, SignIn, SignInCode,
    UpdateProfile,
};
use crate::domain::Theme;
use leptos::prelude::*;

/// The session and the actions that change it, shared by every page.
#[derive(Clone, Copy)]
pub struct Auth {
    pub session: crate::components::data::Data<Result<SessionInfo, ConsoleError>>,
    pub sign_in: ServerAction<SignIn>,
    /// The second step of signing in (a code), for users with two-factor authentication.
    pub sign_in_code: ServerAction<SignInCode>,
    pub setup: ServerAction<CompleteSetup>,
    pub profile: ServerAction<UpdateProfile>,
    pub theme: ServerAction<SetTheme>,
    /// The theme just picked, applied before the server has answered.
    pub theme_choice: RwSignal<Option<Theme>>,
}

impl Auth {
    /// The theme to show: the one just picked, else the signed-in user's, else the device's.
    pub fn theme(&self) -> Theme {
        self.theme_choice.get().unwrap_or_else(|| {
            self.session
                .get()
                .and_then(|r| r.ok())
                .and_then(|s| s.me)
                .map(|m| m.theme)
                .unwrap_or_default()
        })
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Makes the session context for the whole app and provides it.
pub fn provide_auth() -> Auth {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_in_code = ServerAction::<SignInCode>::new();
    let setup = ServerAction::<CompleteSetup>::new();
    let profile = ServerAction::<UpdateProfile>::new();
    let theme = ServerAction::<SetTheme>::new();
    let session = crate::components::data::data(
        move || {
            (
                sign_in.version().get(),
                sign_in_code.version().get(),
                setup.version().get(),
                profile.version().get(),
            )
        },
        |_| get_session(),
    );
    let auth = Auth {
        session,
        sign_in,
        sign_in_code,
        setup,
        profile,
        theme,
        theme_choice: RwSignal::new(None),
    };
    provide_context(auth);
    auth
}

/// The page to go on to after signing in, from `?next=` (only a page on this console).
pub fn next_page() -> Option<String> {
    use crate::domain::sign_in::safe_next;
    leptos_router::hooks::use_query_map().with(|q| {
        q.get("next")
            .and_then(|n| safe_next(&n).map(str::to_string))
    })
}

/// The message of a sign-in form: its own answer, else — posted without the WASM, the page
/// loaded again with `?failed=<code>` — the problem the code names.
pub fn sign_in_error<T, S>(value: S) -> Signal<Option<String>>
where
    T: Clone + Send + Sync + 'static,
    S: With<Value = Option<Result<T, ConsoleError>>>
        + Get<Value = Option<Result<T, ConsoleError>>>
        + Copy
        + Send
        + Sync
        + 'static,
{
    use crate::domain::sign_in::SignInProblem;
    Signal::derive(move || {
        crate::components::form::form_error(value)
            .get()
            .or_else(|| {
                value.with(|v| v.is_none()).then(|| {
                    leptos_router::hooks::use_query_map().with(|q| {
                        q.get("failed")
                            .and_then(|c| SignInProblem::from_code(&c))
                            .filter(|p| !p.is_sso_form())
                            .map(|p| p.message().to_string())
                    })
                })?
            })
    })
}
