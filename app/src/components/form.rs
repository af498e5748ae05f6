//! Labelled form fields with their field-level error.

use crate::api::ConsoleError;
use leptos::prelude::*;

/// The error of one field from an action's last result.
pub fn field_error<T, S>(value: S, field: &'static str) -> Signal<Option<String>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, ConsoleError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        value
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.field(field))
    })
}

/// The message for the whole form from an action's last result.
pub fn form_error<T, S>(value: S) -> Signal<Option<String>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, ConsoleError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        value
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.form_message())
    })
}

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] value: Option<Signal<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    /// The input's id when two forms on a page share a field name (default `field-<name>`).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let id = id.map_or_else(|| format!("field-{name}"), str::to_string);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                prop:value=move || value.map(|v| v.get()).unwrap_or_default()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            <p class="field-error" id=error_id>
                {move || error.get()}
            </p>
        </div>
    }
}

/// A field for choosing a password (`name="password"` unless named), with the rules as its hint.
#[component]
pub fn NewPasswordField(
    label: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "password")] name: &'static str,
) -> impl IntoView {
    view! {
        <Field
            label
            name
            kind="password"
            autocomplete="new-password"
            required=true
            hint=crate::domain::password::HINT
            error
        />
    }
}
