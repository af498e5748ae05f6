//! The Account page (docs/rules/account.md#accounts-and-plans): details, name and company, and
//! *Change plan* with every blocker listed.

use crate::api::ConsoleError;
use crate::api::{load_account, AccountPage as Page, ChangePlan, UpdateAccount};
use crate::components::fields::errors_of;
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::components::time::utc;
use crate::domain::{Area, FieldErrors, Permission, Plan};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let update = ServerAction::<UpdateAccount>::new();
    let change = ServerAction::<ChangePlan>::new();
    sign_in_again_on(update.value());
    sign_in_again_on(change.value());
    let page = crate::components::data::data(
        move || (update.version().get(), change.version().get()),
        |_| load_account(),
    );
    view! {
        <Title text="Account settings"/>
        <AreaGate area=Area::AccountSettings>
            <h1>"Account settings"</h1>
            <Transition fallback=|| view! { <Loading/> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) => view! { <AccountDetailsView page=p update change/> }.into_any(),
                })}
            </Transition>
        </AreaGate>
    }
}

#[component]
fn AccountDetailsView(
    page: Page,
    update: ServerAction<UpdateAccount>,
    change: ServerAction<ChangePlan>,
) -> impl IntoView {
    let me = use_me();
    let d = page.details.clone();
    let plan_name = Plan::find(&d.plan_id).map_or(d.plan_id.clone(), |p| p.name.to_string());
    let value = update.value();
    let saved = Signal::derive(move || {
        matches!(value.get(), Some(Ok(_))).then(|| "Account saved".to_string())
    });
    let (name, company) = (d.name.clone(), d.company.clone());
    view! {
        <section class="panel" aria-labelledby="account-title">
            <h2 id="account-title">"Account"</h2>
            <dl class="facts">
                <dt>"Account ID"</dt>
                <dd><code>{d.id.clone()}</code></dd>
                <dt>"Plan"</dt>
                <dd>{plan_name.clone()}</dd>
                <dt>"Seats"</dt>
                <dd>{format!("{} of {} used", d.seats_used, d.seat_limit)}</dd>
                <dt>"Product environments"</dt>
                <dd>{format!("{} of {} used", d.environments_used, d.environment_limit)}</dd>
                <dt>"Created"</dt>
                <dd>{utc(d.created_at)}</dd>
            </dl>
        </section>
        {me.can(Permission::AccountManage).then(|| view! {
            <section class="panel" aria-labelledby="account-edit-title">
                <h2 id="account-edit-title">"Name and company"</h2>
                <ActionForm action=update attr:novalidate=true attr:aria-label="Account details">
                    <Field label="Account name" name="name" value=Signal::derive(move || name.clone()) error=field_error(value, "name") required=true/>
                    <Field label="Company" name="company" value=Signal::derive(move || company.clone()) error=field_error(value, "company")/>
                    <FormStatus error=form_error(value) success=saved/>
                    <button type="submit" class="button button-primary">"Save account"</button>
                </ActionForm>
            </section>
        })}
        {page.plans.map(|plans| view! { <ChangePlanPanel plans change current=plan_name/> })}
    }
}

#[component]
fn ChangePlanPanel(
    plans: Vec<crate::domain::account::PlanOption>,
    change: ServerAction<ChangePlan>,
    current: String,
) -> impl IntoView {
    let value = change.value();
    let errors = Signal::derive(move || match value.get() {
        Some(Err(ConsoleError::Invalid(f))) => f,
        _ => FieldErrors::new(),
    });
    let blockers = errors_of(errors, "plan");
    let done = Signal::derive(move || {
        matches!(value.get(), Some(Ok(_))).then(|| "Plan changed".to_string())
    });
    view! {
        <section class="panel" aria-labelledby="plan-title">
            <h2 id="plan-title">"Change plan"</h2>
            <p>{format!("The account is on {current}. A change applies at once.")}</p>
            <table class="table">
                <caption class="visually-hidden">"Plans"</caption>
                <thead><tr><th scope="col">"Plan"</th><th scope="col">"Seats"</th><th scope="col">"Environments"</th><th scope="col">"Can change?"</th></tr></thead>
                <tbody>
                    {plans.iter().map(|p| view! {
                        <tr>
                            <th scope="row">{p.name.clone()}</th>
                            <td>{p.seats}</td>
                            <td>{p.environments}</td>
                            <td>{if p.current { "Current plan".to_string() } else if p.blockers.is_empty() { "Yes".to_string() } else { p.blockers.join("; ") }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ActionForm action=change attr:aria-label="Change plan">
                <div class="field">
                    <label for="plan-choice">"New plan"</label>
                    <select id="plan-choice" name="plan">
                        {plans.iter().filter(|p| !p.current).map(|p| view! { <option value=p.plan_id.clone()>{p.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                {move || {
                    let b = blockers.get();
                    (!b.is_empty()).then(|| view! {
                        <div class="notice notice-error" role="alert">
                            <p>"The plan can't change yet:"</p>
                            <ul>{b.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                        </div>
                    })
                }}
                <FormStatus error=form_error(value) success=done/>
                <button type="submit" class="button button-primary">"Change plan"</button>
            </ActionForm>
        </section>
    }
}
