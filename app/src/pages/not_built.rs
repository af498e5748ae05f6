use crate::components::layout::AreaGate;
use crate::domain::Area;
use leptos::prelude::*;
use leptos_meta::Title;

/// An area of the console that later work will build; it says so plainly.
#[component]
pub fn NotBuilt(area: Area) -> impl IntoView {
    let what = match area {
        Area::Users => "the user table, invitations, the user lifecycle and seat licences",
        Area::ProductEnvironments => "product environments and their settings",
        Area::ApiKeys => "the API keys of each product environment",
        Area::AccountSettings => "account details, plan and account API keys",
        Area::Security => {
            "two-factor authentication, SAML single sign-on, allowed IP addresses and sessions"
        }
        Area::BillingUsage => "plan, billing details, add-ons and usage",
        _ => "this area",
    };
    view! {
        <Title text=area.label()/>
        <AreaGate area>
            <h1>{area.label()}</h1>
            <div class="state state-empty" role="status">
                <p>
                    <strong>"Not built yet."</strong>
                    {format!(" This area will hold {what}. Nothing here can be changed in this version of the console.")}
                </p>
            </div>
        </AreaGate>
    }
}
