//! Add-ons (docs/rules/account.md#billing-usage-and-add-ons): the operator's catalogue by category;
//! register picks a tier, cancel returns to none. Paid tiers need a paid plan.

use crate::api::{list_addons, CancelAddon, RegisterAddon};
use crate::components::form::form_error;
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::addons::{AddonCategory, AddonRegistration, ADDONS};
use crate::domain::{Area, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AddonsPage() -> impl IntoView {
    let register = ServerAction::<RegisterAddon>::new();
    let cancel = ServerAction::<CancelAddon>::new();
    sign_in_again_on(register.value());
    sign_in_again_on(cancel.value());
    let list = crate::components::data::data(
        move || (register.version().get(), cancel.version().get()),
        |_| list_addons(),
    );
    let problem = Signal::derive(move || {
        form_error(register.value())
            .get()
            .or_else(|| form_error(cancel.value()).get())
    });
    view! {
        <Title text="Add-ons"/>
        <AreaGate area=Area::AddOns>
            <h1>"Add-ons"</h1>
            <FormStatus error=problem/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(regs) => view! { <Catalogue regs register cancel/> }.into_any(),
                })}
            </Transition>
        </AreaGate>
    }
}

#[component]
fn Catalogue(
    regs: Vec<AddonRegistration>,
    register: ServerAction<RegisterAddon>,
    cancel: ServerAction<CancelAddon>,
) -> impl IntoView {
    let manage = use_me().can(Permission::AddonsManage);
    AddonCategory::ALL
        .into_iter()
        .map(|cat| {
            let rows = ADDONS
                .iter()
                .filter(|a| a.category == cat)
                .map(|a| {
                    let current = regs.iter().find(|r| r.addon_id == a.id).map(|r| r.tier.clone());
                    let tier_name = current
                        .as_deref()
                        .and_then(|t| a.tier(t))
                        .map_or("Not registered".to_string(), |t| format!("{} tier", t.name));
                    let select_id = format!("tier-{}", a.id);
                    let chosen = RwSignal::new(current.clone().unwrap_or_else(|| "free".into()));
                    let id = a.id;
                    view! {
                        <tr>
                            <th scope="row">{a.name}</th>
                            <td>{tier_name}</td>
                            <td>
                                {manage.then(|| view! {
                                    <div class="button-row">
                                        <label class="visually-hidden" for=select_id.clone()>{format!("{} tier", a.name)}</label>
                                        <select id=select_id on:change=move |ev| chosen.set(event_target_value(&ev))>
                                            {a.tiers.iter().map(|t| {
                                                let selected = chosen.get_untracked() == t.id;
                                                view! {
                                                    <option value=t.id selected=selected>
                                                        {format!("{} — {} {}/month{}", t.name, t.monthly_units, a.unit, if t.paid { " (paid)" } else { "" })}
                                                    </option>
                                                }
                                            }).collect_view()}
                                        </select>
                                        <button type="button" class="button"
                                            on:click=move |_| { register.dispatch(RegisterAddon { addon: id.into(), tier: chosen.get_untracked() }); }>
                                            {format!("Register {}", a.name)}
                                        </button>
                                        {current.is_some().then(|| view! {
                                            <button type="button" class="button button-quiet"
                                                on:click=move |_| { cancel.dispatch(CancelAddon { addon: id.into() }); }>
                                                {format!("Cancel {}", a.name)}
                                            </button>
                                        })}
                                    </div>
                                })}
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="panel">
                    <h2>{cat.title()}</h2>
                    <table class="table">
                        <thead><tr><th scope="col">"Add-on"</th><th scope="col">"Registration"</th><th scope="col">"Actions"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </section>
            }
        })
        .collect_view()
}
