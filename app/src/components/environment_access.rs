//! The environment-access choice of *Add users* and *Edit* (docs/rules/users.md#user-management):
//! all product environments, or some of them. Shown for roles other than Master admin when
//! there is more than one environment to choose from; a viewer limited to some environments
//! offers only theirs and never "all".

use crate::domain::{EnvironmentAccess, EnvironmentSummary, Role};
use leptos::prelude::*;

/// Where the form is: a new user gets a default when nothing is shown; an edited user keeps
/// their access unless the choice was shown (then it says `access_shown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessForm {
    Add,
    Edit,
}

#[component]
pub fn EnvironmentAccessFields(
    /// The role being given (Master admins reach everything: no choice).
    #[prop(into)]
    role: Signal<Role>,
    /// The environments the viewer may give, in their order.
    offered: Vec<EnvironmentSummary>,
    /// The viewer reaches every environment, so may give "all".
    may_give_all: bool,
    /// What the form starts from: the user's access, or the default for a new user.
    initial: EnvironmentAccess,
    form: AccessForm,
    /// Starts the checkboxes' ids: two of these on one page need two prefixes.
    #[prop(default = "env")]
    id_prefix: &'static str,
) -> impl IntoView {
    let all = RwSignal::new(may_give_all && initial == EnvironmentAccess::All);
    let starts_with = move |id: &str| match &initial {
        EnvironmentAccess::All => !may_give_all,
        EnvironmentAccess::Only(ids) => ids.iter().any(|i| i == id),
    };
    let checked: Vec<(EnvironmentSummary, bool)> = offered
        .into_iter()
        .map(|e| {
            let on = starts_with(&e.id);
            (e, on)
        })
        .collect();
    let one_choice = checked.len() <= 1;
    move || {
        if role.get() == Role::MasterAdmin {
            return view! { <p class="field-hint">"Master admins reach every product environment."</p> }
                .into_any();
        }
        if one_choice {
            return hidden_default(&checked, may_give_all, form).into_any();
        }
        // Indexed names: the server reads `environment_ids[i]` (gaps for unticked ones).
        let boxes = checked
            .iter()
            .enumerate()
            .map(|(i, (e, on))| {
                let id = format!("{id_prefix}-{}", e.id);
                let label = format!("{} ({})", e.name, e.cloud_name);
                view! {
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=format!("environment_ids[{i}]") value=e.id.clone()
                            checked=*on disabled=move || all.get()/>
                        <label for=id>{label}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <fieldset class="choice-group choice-list">
                <legend>"Product environment access"</legend>
                {(form == AccessForm::Edit).then(|| view! { <input type="hidden" name="access_shown" value="on"/> })}
                {may_give_all.then(|| view! {
                    <div class="choice">
                        <input type="checkbox" id=format!("{id_prefix}-all") name="all_environments" checked=all.get_untracked()
                            on:change=move |ev| all.set(event_target_checked(&ev))/>
                        <label for=format!("{id_prefix}-all")>"All product environments"</label>
                        <span class="field-hint">"Including ones added later. Untick to choose some, or none."</span>
                    </div>
                })}
                {boxes}
            </fieldset>
        }
        .into_any()
    }
}

/// Nothing to choose from (one environment): a new user gets all of them, or the viewer's
/// one; an edit sends nothing, so the user's access stays.
fn hidden_default(
    checked: &[(EnvironmentSummary, bool)],
    may_give_all: bool,
    form: AccessForm,
) -> impl IntoView {
    match (form, may_give_all, checked.first()) {
        (AccessForm::Add, true, _) => {
            view! { <input type="hidden" name="all_environments" value="on"/> }.into_any()
        }
        (AccessForm::Add, false, Some((e, _))) => {
            view! { <input type="hidden" name="environment_ids[0]" value=e.id.clone()/> }.into_any()
        }
        _ => ().into_any(),
    }
}
