use crate::components::layout::use_me;
use crate::domain::Area;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = use_me();
    let areas: Vec<Area> = Area::visible_to(me.role).collect();
    view! {
        <Title text="Home"/>
        <h1>{format!("Welcome, {}", me.display_name())}</h1>
        <p class="lead">
            {format!("You're signed in to {} as {}.", me.account_name, me.role.console_name())}
        </p>
        <ul class="card-grid" aria-label="Areas you can open">
            {areas
                .into_iter()
                .map(|a| view! { <li class="card"><a href=a.path()>{a.label()}</a></li> })
                .collect_view()}
        </ul>
    }
}
