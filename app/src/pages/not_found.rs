use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <main class="auth-page" id="main">
            <section class="auth-card">
                <h1>"Page not found"</h1>
                <p>"There is no page at this address."</p>
                <a href="/">"Go to the console"</a>
            </section>
        </main>
    }
}
