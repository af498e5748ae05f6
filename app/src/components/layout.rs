//! The console's frame after sign-in: header, navigation (only the areas the role may
//! open), and the page.

use crate::api::{get_session, ConsoleError, SessionInfo};
use crate::components::auth::use_auth;
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::Refusal;
use crate::domain::{Area, Me};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let auth = use_auth();
    // Every navigation asks the server whether the session still holds, so a forced
    // sign-out shows on the user's next click.
    let pathname = use_location().pathname;
    Effect::new(move |prev: Option<String>| {
        let path = pathname.get();
        if prev.is_some_and(|p| p != path) {
            leptos::task::spawn_local(async move {
                let still_in = matches!(get_session().await, Ok(SessionInfo { me: Some(_), .. }));
                if !still_in {
                    auth.session.refetch();
                }
            });
        }
        path
    });
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || {
                auth.session
                    .get()
                    .map(|r| match r {
                        Ok(SessionInfo { setup_required: true, .. }) => view! { <SeeOther to="/setup".to_string()/> }.into_any(),
                        // The account requires a second factor this user hasn't set up yet.
                        Ok(SessionInfo { me: Some(me), .. }) if me.must_enrol_two_factor && pathname.get_untracked() != "/profile" => {
                            view! { <SeeOther to="/profile".to_string()/> }.into_any()
                        }
                        Ok(SessionInfo { me: Some(me), .. }) => view! { <Frame me/> }.into_any(),
                        Ok(_) | Err(ConsoleError::Refused(Refusal::Unauthenticated)) => view! { <SignInFirst/> }.into_any(),
                        Err(e) => view! { <main class="page"><ErrorNotice error=e/></main> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// Signed out: to the sign-in page, which comes back here afterwards.
#[component]
fn SignInFirst() -> impl IntoView {
    let location = use_location();
    let here = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.with_untracked(|s| if s.is_empty() {
            String::new()
        } else {
            format!("?{s}")
        })
    );
    view! { <SeeOther to=crate::domain::sign_in::sign_in_url(&here)/> }
}

/// Goes to `to` (a path on this console): the server answers `303 See Other` before any
/// WASM loads; in the browser the router moves on — except to the sign-in pages, which are
/// loaded afresh as the plain HTML they are (`routes::PLAIN_HTML`): a session that ended
/// leaves nothing of the console's state behind, and signing in again is the form's post.
#[component]
pub fn SeeOther(to: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        crate::api::context::see_other(&to);
        ().into_any()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use leptos_router::components::Redirect;
        if crate::routes::is_plain_html(&to) && window().location().set_href(&to).is_ok() {
            return ().into_any();
        }
        view! { <Redirect path=to/> }.into_any()
    }
}

/// Where the *Sign out* form posts: the `sign_out` server function.
const SIGN_OUT: &str = <crate::api::SignOut as server_fn::ServerFn>::PATH;

#[component]
fn Frame(me: Me) -> impl IntoView {
    let auth = use_auth();
    // A request refused for a session that has ended sends the user to sign in. The
    // refusal is cleared once handled, so signing in again doesn't replay it.
    Effect::new(move |_| {
        let ended = |v: Option<Result<Me, ConsoleError>>| {
            matches!(
                v,
                Some(Err(ConsoleError::Refused(Refusal::Unauthenticated)))
            )
        };
        if ended(auth.profile.value().get()) || ended(auth.theme.value().get()) {
            auth.profile.clear();
            auth.theme.clear();
            auth.theme_choice.set(None);
            auth.session.refetch();
        }
    });
    let display = me.display_name().to_string();
    let account = me.account_name.clone();
    let role = me.role;
    // Setting up a required second factor: no navigation until it's on.
    let enrolling = me.must_enrol_two_factor;
    provide_context(me);
    crate::components::environment_switcher::provide_environments();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">"Console"</a>
            <span class="account-name" title="Account">{account}</span>
            {(!enrolling).then(|| view! { <crate::components::environment_switcher::EnvironmentSwitcher/> })}
            <div class="topbar-user">
                <a href="/profile" class="user-name">{display}</a>
                <span class="role-badge">{role.console_name()}</span>
                // A plain post: the server ends the session and answers with the sign-in
                // page, loaded afresh, so nothing of the console's state outlives it.
                <form method="post" action=SIGN_OUT class="inline-form">
                    <button type="submit" class="button button-quiet">"Sign out"</button>
                </form>
            </div>
        </header>
        <div class="frame">
            <nav class="sidenav" aria-label="Console">
                <ul>
                    {Area::visible_to(role)
                        .filter(|_| !enrolling)
                        .map(|a| view! { <li><A href=a.path()>{a.label()}</A></li> })
                        .collect_view()}
                </ul>
            </nav>
            <main id="main" class="page" tabindex="-1">
                <Outlet/>
            </main>
        </div>
    }
}

/// The signed-in user, inside the console frame.
pub fn use_me() -> Me {
    expect_context::<Me>()
}

/// Shows the page only to roles that may open its area; others get a plain refusal.
#[component]
pub fn AreaGate(area: Area, children: ChildrenFn) -> impl IntoView {
    let me = use_me();
    if area.open_to(me.role) {
        children().into_any()
    } else {
        view! {
            <h1>{area.label()}</h1>
            <div class="state state-error" role="alert">
                <p>
                    {format!(
                        "You don't have access to {}: your role ({}) doesn't include it.",
                        area.label(),
                        me.role.console_name(),
                    )}
                </p>
            </div>
        }
        .into_any()
    }
}

/// Sends the user to sign in when an action is refused because their session has ended
/// (signed out elsewhere, forced out, disabled).
pub fn sign_in_again_on<T, S>(value: S)
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, ConsoleError>>> + Send + Sync + 'static,
{
    let auth = use_auth();
    Effect::new(move |_| {
        if matches!(
            value.get(),
            Some(Err(ConsoleError::Refused(Refusal::Unauthenticated)))
        ) {
            auth.session.refetch();
        }
    });
}
