//! Inputs bound to a part of a form's draft (a signal lens): settings pages and billing
//! forms edit a whole document and send it at once. Each input has its own label and
//! shows its field's error from the last save.

use crate::domain::FieldErrors;
use leptos::prelude::*;

/// The message for `field` in the last save's errors.
pub fn error_of(errors: Signal<FieldErrors>, field: impl Into<String>) -> Signal<Option<String>> {
    let field = field.into();
    Signal::derive(move || errors.with(|e| e.get(&field).map(str::to_string)))
}

/// Every message for `field` (Change plan lists each blocker under `plan`).
pub fn errors_of(errors: Signal<FieldErrors>, field: &'static str) -> Signal<Vec<String>> {
    Signal::derive(move || {
        errors.with(|e| {
            e.0.iter()
                .filter(|f| f.field == field)
                .map(|f| f.message.clone())
                .collect()
        })
    })
}

fn ids(id: &str) -> (String, String) {
    (format!("{id}-error"), format!("{id}-hint"))
}

#[component]
pub fn TextInput(
    /// Unique in the page; also names the input.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] readonly: Signal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let (error_id, hint_id) = ids(&id);
    let described = {
        let (e, h) = (error_id.clone(), hint_id.clone());
        move || {
            let mut v = Vec::new();
            if hint.is_some() {
                v.push(h.clone());
            }
            if error.get().is_some() {
                v.push(e.clone());
            }
            (!v.is_empty()).then(|| v.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=id
                type=kind
                autocomplete="off"
                prop:value=move || value.get()
                readonly=move || readonly.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            <p class="field-error" id=error_id>{move || error.get()}</p>
        </div>
    }
}

/// One entry per line (host names, tags, email addresses); applied when the field
/// loses focus, so typing isn't disturbed.
#[component]
pub fn LinesInput(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<Vec<String>>,
    on_change: Callback<Vec<String>>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] readonly: Signal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let (error_id, hint_id) = ids(&id);
    let described = format!("{hint_id} {error_id}");
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <p class="field-hint" id=hint_id>{hint.unwrap_or("One per line.")}</p>
            <textarea
                id=id.clone()
                name=id
                rows="4"
                prop:value=move || value.get().join("\n")
                readonly=move || readonly.get()
                on:change=move |ev| {
                    let lines = event_target_value(&ev)
                        .lines()
                        .map(|l| l.trim().to_string())
                        .filter(|l| !l.is_empty())
                        .collect();
                    on_change.run(lines)
                }
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            ></textarea>
            <p class="field-error" id=error_id>{move || error.get()}</p>
        </div>
    }
}

#[component]
pub fn CheckInput(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] checked: Signal<bool>,
    on_change: Callback<bool>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="choice">
            <input
                type="checkbox"
                id=id.clone()
                prop:checked=move || checked.get()
                disabled=move || disabled.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <label for=id>{label}</label>
        </div>
    }
}

/// A choice among fixed options: (value, label).
#[component]
pub fn SelectInput(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    options: Vec<(String, String)>,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=id
                disabled=move || disabled.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
                aria-describedby=error_id.clone()
            >
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = {
                            let v = v.clone();
                            move || value.get() == v
                        };
                        view! { <option value=v prop:selected=selected>{l}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id=error_id>{move || error.get()}</p>
        </div>
    }
}
