//! The Webhook notifications page: URLs with their notification types, the signing key,
//! and *Send test*.

use super::{Editor, EditorContext};
use crate::api::SendTestNotification;
use crate::components::fields::{error_of, CheckInput, TextInput};
use crate::components::layout::sign_in_again_on;
use crate::domain::settings::{Settings, WebhookEvent, WebhookSettings, WebhookUrl};
use leptos::prelude::*;

pub fn editor(initial: WebhookSettings, signing_key: Option<String>, cx: EditorContext) -> Editor {
    let s = RwSignal::new(initial);
    let test = ServerAction::<SendTestNotification>::new();
    sign_in_again_on(test.value());
    let count = Memo::new(move |_| s.with(|v| v.urls.len()));
    let add = move |_| {
        s.update(|v| {
            v.urls.push(WebhookUrl {
                url: "https://".into(),
                all: true,
                events: Vec::new(),
            })
        })
    };
    let result = move || {
        test.value().get().map(|r| match r {
            Ok(t) => match (t.status, t.error) {
                (Some(code), _) => view! {
                    <p class="notice notice-success" role="status">
                        {format!("{} answered HTTP {code} (signed with key {}).", t.url, t.signed_with)}
                    </p>
                }
                .into_any(),
                (None, e) => view! {
                    <p class="notice notice-error" role="alert">
                        {format!("{}: {}", t.url, e.unwrap_or_default())}
                    </p>
                }
                .into_any(),
            },
            Err(e) => view! {
                <p class="notice notice-error" role="alert">
                    {e.field("url").unwrap_or_else(|| e.to_string())}
                </p>
            }
            .into_any(),
        })
    };
    let view = view! {
        <section class="panel" aria-labelledby="signing-title">
            <h2 id="signing-title">"Signing key"</h2>
            <p>
                {match signing_key {
                    Some(k) => format!("Notifications are signed with API key {k} (the key dedicated for webhooks, else the Root key)."),
                    None => "This environment has no API key to sign with.".to_string(),
                }}
            </p>
        </section>
        <section class="panel" aria-labelledby="urls-title">
            <h2 id="urls-title">"Notification URLs"</h2>
            <p class="field-hint">"Up to 30 https URLs."</p>
            <p class="field-error">{move || error_of(cx.errors, "urls").get()}</p>
            {move || (count.get() == 0).then(|| view! { <p class="state state-empty">"No notification URLs yet."</p> })}
            <div aria-live="polite">{result}</div>
            <ol class="rows">
                {move || (0..count.get()).map(|i| view! { <UrlRow s i cx test/> }).collect_view()}
            </ol>
            {move || (!cx.readonly.get()).then(|| view! {
                <button type="button" class="button" on:click=add>"Add notification URL"</button>
            })}
        </section>
    }
    .into_any();
    Editor {
        view,
        draft: Box::new(move || Settings::Webhooks(s.get_untracked())),
    }
}

#[component]
fn UrlRow(
    s: RwSignal<WebhookSettings>,
    i: usize,
    cx: EditorContext,
    test: ServerAction<SendTestNotification>,
) -> impl IntoView {
    let n = i + 1;
    let url = Signal::derive(move || {
        s.with(|v| v.urls.get(i).map(|u| u.url.clone()).unwrap_or_default())
    });
    let all = Signal::derive(move || s.with(|v| v.urls.get(i).is_some_and(|u| u.all)));
    let send = move |_| {
        test.dispatch(SendTestNotification {
            environment_id: cx.environment_id.get_value(),
            url: url.get_untracked(),
        });
    };
    view! {
        <li class="row-card">
            <fieldset>
                <legend>{format!("Notification URL {n}")}</legend>
                <TextInput id=format!("webhook-{n}-url") label=format!("Notification URL {n}") kind="url"
                    value=url on_input=Callback::new(move |x| s.update(|v| if let Some(u) = v.urls.get_mut(i) { u.url = x }))
                    error=error_of(cx.errors, format!("urls.{i}.url")) readonly=cx.readonly/>
                <div class="choice-group">
                    <CheckInput id=format!("webhook-{n}-all") label=format!("URL {n}: all notification types")
                        checked=all on_change=Callback::new(move |x| s.update(|v| if let Some(u) = v.urls.get_mut(i) { u.all = x }))
                        disabled=cx.readonly/>
                    <Show when=move || !all.get()>
                        {WebhookEvent::ALL.into_iter().map(|ev| view! {
                            <CheckInput id=format!("webhook-{n}-{}", ev.id()) label=format!("URL {n}: {}", ev.id())
                                checked=Signal::derive(move || s.with(|v| v.urls.get(i).is_some_and(|u| u.events.contains(&ev))))
                                on_change=Callback::new(move |on: bool| s.update(|v| if let Some(u) = v.urls.get_mut(i) {
                                    u.events.retain(|x| *x != ev);
                                    if on { u.events.push(ev) }
                                }))
                                disabled=cx.readonly/>
                        }).collect_view()}
                    </Show>
                </div>
                <p class="field-error">{move || error_of(cx.errors, format!("urls.{i}.events")).get()}</p>
                {move || (!cx.readonly.get()).then(|| view! {
                    <div class="button-row">
                        <button type="button" class="button" on:click=send disabled=move || test.pending().get()>
                            {format!("Send test to URL {n}")}
                        </button>
                        <button type="button" class="button button-quiet"
                            on:click=move |_| s.update(|v| { if i < v.urls.len() { v.urls.remove(i); } })>
                            {format!("Remove URL {n}")}
                        </button>
                    </div>
                })}
            </fieldset>
        </li>
    }
}
