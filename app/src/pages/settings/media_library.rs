//! Media Library preferences (master admins) and DAM apps.

use super::{Editor, EditorContext};
use crate::components::fields::{error_of, CheckInput, SelectInput};
use crate::domain::settings::{
    DamAppsSettings, DefaultView, MediaLibraryPreferences, MetadataDisplay, SearchField, Settings,
    DAM_APPS,
};
use leptos::prelude::*;

pub fn preferences(initial: MediaLibraryPreferences, cx: EditorContext) -> Editor {
    let s = RwSignal::new(initial);
    let view = view! {
        <section class="panel">
            <SelectInput id="metadata-display" label="Metadata display"
                options=vec![("show_all".into(), "Show all fields".into()), ("hide_empty".into(), "Hide empty fields".into())]
                value=Signal::derive(move || s.with(|v| if v.metadata_display == MetadataDisplay::HideEmpty { "hide_empty" } else { "show_all" }.to_string()))
                on_change=Callback::new(move |x: String| s.update(|v| v.metadata_display = if x == "hide_empty" { MetadataDisplay::HideEmpty } else { MetadataDisplay::ShowAll }))
                disabled=cx.readonly/>
            <CheckInput id="keep-metadata" label="Keep metadata when a new version is uploaded (API uploads too)"
                checked=Signal::derive(move || s.with(|v| v.keep_metadata_on_new_version))
                on_change=Callback::new(move |x| s.update(|v| v.keep_metadata_on_new_version = x)) disabled=cx.readonly/>
            <fieldset class="choice-group">
                <legend>"Advanced search fields"</legend>
                {SearchField::ALL.into_iter().map(|f| view! {
                    <CheckInput id=format!("search-{}", f.id()) label=format!("Search by {}", f.id())
                        checked=Signal::derive(move || s.with(|v| v.advanced_search_fields.contains(&f)))
                        on_change=Callback::new(move |on: bool| s.update(|v| {
                            v.advanced_search_fields.retain(|x| *x != f);
                            if on { v.advanced_search_fields.push(f) }
                        }))
                        disabled=cx.readonly/>
                }).collect_view()}
            </fieldset>
            <p class="field-error">{move || error_of(cx.errors, "advanced_search_fields").get()}</p>
            <SelectInput id="default-view" label="Default view"
                options=vec![("grid".into(), "Grid".into()), ("list".into(), "List".into())]
                value=Signal::derive(move || s.with(|v| if v.default_view == DefaultView::List { "list" } else { "grid" }.to_string()))
                on_change=Callback::new(move |x: String| s.update(|v| v.default_view = if x == "list" { DefaultView::List } else { DefaultView::Grid }))
                disabled=cx.readonly/>
        </section>
    }
    .into_any();
    Editor {
        view,
        draft: Box::new(move || Settings::MediaLibrary(s.get_untracked())),
    }
}

pub fn dam_apps(initial: DamAppsSettings, cx: EditorContext) -> Editor {
    let s = RwSignal::new(initial);
    let view = view! {
        <section class="panel">
            <p class="field-hint">"Apps from your operator's catalogue, at no cost."</p>
            <ul class="rows">
                {DAM_APPS.iter().map(|app| {
                    let id = app.id;
                    view! {
                        <li class="row-card">
                            <CheckInput id=format!("dam-{id}") label=format!("Enable {}", app.name)
                                checked=Signal::derive(move || s.with(|v| v.enabled.iter().any(|x| x == id)))
                                on_change=Callback::new(move |on: bool| s.update(|v| {
                                    v.enabled.retain(|x| x != id);
                                    if on { v.enabled.push(id.to_string()) }
                                }))
                                disabled=cx.readonly/>
                            <p class="field-hint">{app.description}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="field-error">{move || error_of(cx.errors, "enabled").get()}</p>
        </section>
    }
    .into_any();
    Editor {
        view,
        draft: Box::new(move || Settings::DamApps(s.get_untracked())),
    }
}
