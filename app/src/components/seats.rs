//! Seats on User Management (docs/rules/users.md#seats): the count, the banner at the limit, and
//! Change user limit (additional user subscriptions) for `plan.manage` holders.

use crate::api::SetUserLimit;
use crate::components::form::{field_error, form_error};
use crate::components::status::FormStatus;
use crate::domain::user::MAX_ADDITIONAL_USER_SUBSCRIPTIONS;
use crate::domain::UserPage;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn SeatSummary(
    page: UserPage,
    can_change_limit: bool,
    limit: ServerAction<SetUserLimit>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let toggle = move |_| open.update(|o| *o = !*o);
    let change_button = move || {
        view! {
            <button type="button" class="button" aria-expanded=move || open.get().to_string() aria-controls="user-limit" on:click=toggle>
                "Change user limit"
            </button>
        }
    };
    let full = page.at_seat_limit();
    view! {
        <div class="seat-bar">
            <p class="seat-count">{format!("Seats: {} of {} used", page.seats_used, page.seat_limit)}</p>
            {(can_change_limit && !full).then(change_button)}
        </div>
        {full
            .then(|| {
                view! {
                    <div class="notice notice-warning" role="status">
                        <strong>"You've reached your plan's user limit."</strong>
                        " "
                        {if can_change_limit {
                            change_button().into_any()
                        } else {
                            view! { <span>"Ask a master admin or billing user."</span> }.into_any()
                        }}
                    </div>
                }
            })}
        {move || open.get().then(|| view! { <UserLimitForm page=page.clone() limit/> })}
    }
}

#[component]
fn UserLimitForm(page: UserPage, limit: ServerAction<SetUserLimit>) -> impl IntoView {
    let value = limit.value();
    let error = field_error(value, "additional_user_subscriptions");
    let saved = Signal::derive(move || match value.get() {
        Some(Ok(n)) => Some(format!("User limit saved: {n} seats")),
        _ => None,
    });
    let base = page.seat_limit - page.additional_user_subscriptions;
    view! {
        <section class="panel" id="user-limit" aria-labelledby="user-limit-title">
            <h2 id="user-limit-title">"Change user limit"</h2>
            {if page.subscriptions_available {
                view! {
                    <ActionForm action=limit attr:novalidate=true attr:aria-label="Change user limit">
                        <div class="field" class:field-invalid=move || error.get().is_some()>
                            <label for="additional-users">"Additional user subscriptions"</label>
                            <p class="field-hint" id="additional-users-hint">
                                {format!(
                                    "Your plan includes {base} seats; add 0 to {MAX_ADDITIONAL_USER_SUBSCRIPTIONS} more. You can lower it again, but not below the seats in use.",
                                )}
                            </p>
                            <input
                                id="additional-users"
                                name="additional_user_subscriptions"
                                type="number"
                                min="0"
                                max=MAX_ADDITIONAL_USER_SUBSCRIPTIONS.to_string()
                                value=page.additional_user_subscriptions.to_string()
                                aria-describedby="additional-users-hint additional-users-error"
                                aria-invalid=move || error.get().is_some().then_some("true")
                            />
                            <p class="field-error" id="additional-users-error">{move || error.get()}</p>
                        </div>
                        <FormStatus error=form_error(value) success=saved/>
                        <button type="submit" class="button button-primary">"Save user limit"</button>
                    </ActionForm>
                }
                    .into_any()
            } else {
                view! {
                    <p>
                        {crate::domain::Refusal::SubscriptionsUnavailable.to_string()} ". To get more seats, change the plan in "
                        <a href="/billing">"Billing & usage"</a> "."
                    </p>
                }
                    .into_any()
            }}
        </section>
    }
}
