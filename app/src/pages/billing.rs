//! Billing & usage (docs/rules/account.md#billing-usage-and-add-ons): plan details, account
//! information, billing address, invoice settings and invoices for `billing.view`; usage for
//! `reports.view`.

use crate::api::{load_billing, ConsoleError, SaveBilling};
use crate::components::fields::{error_of, LinesInput, SelectInput, TextInput};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::billing::{
    countries, BillingAddress, BillingContact, BillingDocument, BillingForm, BillingOverview,
    InvoiceSettings,
};
use crate::domain::{Area, FieldErrors, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BillingPage() -> impl IntoView {
    let me = use_me();
    view! {
        <Title text="Billing & usage"/>
        <AreaGate area=Area::BillingUsage>
            <h1>"Billing & usage"</h1>
            {me.can(Permission::BillingView).then(|| view! { <Billing/> })}
            {me.can(Permission::ReportsView).then(|| view! { <super::usage::Usage/> })}
        </AreaGate>
    }
}

#[component]
fn Billing() -> impl IntoView {
    let save = ServerAction::<SaveBilling>::new();
    sign_in_again_on(save.value());
    let saves = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            saves.update(|n| *n += 1);
        }
    });
    let overview = crate::components::data::data(move || saves.get(), |_| load_billing());
    // Which form was sent last (kept across the reload a save causes), so its message
    // shows under it and nowhere else.
    let sent = RwSignal::new("");
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || overview.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(o) => view! { <BillingView o save sent/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn BillingView(
    o: BillingOverview,
    save: ServerAction<SaveBilling>,
    sent: RwSignal<&'static str>,
) -> impl IntoView {
    let forms = Forms {
        save,
        sent,
        readonly: Signal::stored(!use_me().can(Permission::BillingManage)),
    };
    let features: Vec<String> = o.features.iter().map(|f| format!("{f:?}")).collect();
    view! {
        <section class="panel" aria-labelledby="plan-details-title">
            <h2 id="plan-details-title">"Plan details"</h2>
            <dl class="facts">
                <dt>"Plan"</dt><dd>{o.plan_name.clone()}</dd>
                <dt>"Seats"</dt><dd>{format!("{} of {} used", o.seats_used, o.seat_limit)}</dd>
                <dt>"Product environments"</dt><dd>{format!("up to {}", o.environment_limit)}</dd>
                <dt>"Features"</dt><dd>{if features.is_empty() { "Standard features".to_string() } else { features.join(", ") }}</dd>
                <dt>"Renewal"</dt><dd>"Managed by your operator"</dd>
            </dl>
        </section>
        <ContactForm form=o.contact.clone() forms/>
        <AddressForm form=o.address.clone() forms/>
        <InvoiceForm form=o.invoice_settings.clone() forms/>
        <section class="panel" aria-labelledby="invoices-title">
            <h2 id="invoices-title">"Invoices"</h2>
            {if o.billing_integration {
                view! { <p>{format!("{} invoices", o.invoices.len())}</p> }.into_any()
            } else {
                view! { <p class="state state-empty">"No billing integration is connected, so there are no invoices to show."</p> }.into_any()
            }}
        </section>
    }
}

/// What the three billing forms share: the save action, which form was sent last (so its
/// messages show under it and nowhere else), and whether the user may change them.
#[derive(Clone, Copy)]
struct Forms {
    save: ServerAction<SaveBilling>,
    sent: RwSignal<&'static str>,
    readonly: Signal<bool>,
}

impl Forms {
    fn errors(self, kind: &'static str) -> Signal<FieldErrors> {
        let (value, sent) = (self.save.value(), self.sent);
        Signal::derive(move || match value.get() {
            Some(Err(ConsoleError::Invalid(f))) if sent.get() == kind => f,
            _ => FieldErrors::new(),
        })
    }
}

/// One billing form: its panel, the fields (children), its messages and Save button. Saving
/// sends the document against the revision the form loaded.
#[component]
fn BillingSection(
    forms: Forms,
    kind: &'static str,
    title: &'static str,
    button: &'static str,
    revision: i64,
    document: Callback<(), BillingDocument>,
    children: Children,
) -> impl IntoView {
    let (value, sent) = (forms.save.value(), forms.sent);
    let mine = move || sent.get() == kind;
    let error = Signal::derive(move || {
        mine()
            .then(|| {
                value
                    .get()
                    .and_then(|r| r.err())
                    .and_then(|e| e.form_message())
            })
            .flatten()
    });
    let success = Signal::derive(move || {
        (mine() && matches!(value.get(), Some(Ok(_)))).then(|| "Saved".to_string())
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(kind);
        if let Ok(document) = serde_json::to_string(&document.run(())) {
            forms.save.dispatch(SaveBilling { document, revision });
        }
    };
    let heading = format!("{kind}-title");
    view! {
        <section class="panel" aria-labelledby=heading>
            <h2 id=format!("{kind}-title")>{title}</h2>
            <form novalidate=true on:submit=on_submit aria-label=title>
                {children()}
                <FormStatus error success/>
                {move || (!forms.readonly.get()).then(|| view! { <button type="submit" class="button button-primary">{button}</button> })}
            </form>
        </section>
    }
}

#[component]
fn ContactForm(form: BillingForm<BillingContact>, forms: Forms) -> impl IntoView {
    let s = RwSignal::new(form.value);
    let errors = forms.errors("contact");
    let readonly = forms.readonly;
    view! {
        <BillingSection forms kind="contact" title="Account information" button="Save account information"
            revision=form.revision document=Callback::new(move |_| BillingDocument::Contact(s.get_untracked()))>
            <div class="field-row">
                <TextInput id="billing-company" label="Company" value=Signal::derive(move || s.with(|v| v.company.clone()))
                    on_input=Callback::new(move |x| s.update(|v| v.company = x)) error=error_of(errors, "company") readonly/>
                <TextInput id="billing-contact-email" label="Billing contact email" kind="email"
                    value=Signal::derive(move || s.with(|v| v.contact_email.clone()))
                    on_input=Callback::new(move |x| s.update(|v| v.contact_email = x)) error=error_of(errors, "contact_email") readonly/>
            </div>
        </BillingSection>
    }
}

#[component]
fn AddressForm(form: BillingForm<BillingAddress>, forms: Forms) -> impl IntoView {
    let s = RwSignal::new(form.value);
    let errors = forms.errors("address");
    let readonly = forms.readonly;
    let text = move |id: &'static str,
                     label: &'static str,
                     get: fn(&BillingAddress) -> String,
                     put: fn(&mut BillingAddress, String)| {
        view! {
            <TextInput id=format!("address-{id}") label=label value=Signal::derive(move || s.with(get))
                on_input=Callback::new(move |x| s.update(|v| put(v, x))) error=error_of(errors, id) readonly/>
        }
    };
    let mut country_options = vec![(String::new(), "Choose a country".to_string())];
    country_options.extend(
        countries()
            .into_iter()
            .map(|(c, n)| (c.to_string(), n.to_string())),
    );
    view! {
        <BillingSection forms kind="address" title="Billing address" button="Save billing address"
            revision=form.revision document=Callback::new(move |_| BillingDocument::Address(s.get_untracked()))>
            {text("name", "Name or company", |v| v.name.clone(), |v, x| v.name = x)}
            {text("line1", "Address line 1", |v| v.line1.clone(), |v, x| v.line1 = x)}
            {text("line2", "Address line 2 (optional)", |v| v.line2.clone(), |v, x| v.line2 = x)}
            <div class="field-row">
                {text("city", "City", |v| v.city.clone(), |v, x| v.city = x)}
                {text("region", "Region (optional)", |v| v.region.clone(), |v, x| v.region = x)}
                {text("postal_code", "Postal code", |v| v.postal_code.clone(), |v, x| v.postal_code = x)}
            </div>
            <SelectInput id="address-country" label="Country" options=country_options
                value=Signal::derive(move || s.with(|v| v.country.clone()))
                on_change=Callback::new(move |x| s.update(|v| v.country = x)) error=error_of(errors, "country") disabled=readonly/>
        </BillingSection>
    }
}

#[component]
fn InvoiceForm(form: BillingForm<InvoiceSettings>, forms: Forms) -> impl IntoView {
    let s = RwSignal::new(form.value);
    let errors = forms.errors("invoice");
    let readonly = forms.readonly;
    view! {
        <BillingSection forms kind="invoice" title="Invoice settings" button="Save invoice settings"
            revision=form.revision document=Callback::new(move |_| BillingDocument::Invoice(s.get_untracked()))>
            <LinesInput id="invoice-recipients" label="Invoice recipients" hint="1–5 email addresses, one per line."
                value=Signal::derive(move || s.with(|v| v.recipients.clone()))
                on_change=Callback::new(move |x| s.update(|v| v.recipients = x)) error=error_of(errors, "recipients") readonly/>
            <div class="field-row">
                <TextInput id="invoice-tax-id" label="Tax/VAT ID" value=Signal::derive(move || s.with(|v| v.tax_id.clone()))
                    on_input=Callback::new(move |x| s.update(|v| v.tax_id = x)) error=error_of(errors, "tax_id") readonly/>
                <TextInput id="invoice-po" label="PO/reference" value=Signal::derive(move || s.with(|v| v.po_reference.clone()))
                    on_input=Callback::new(move |x| s.update(|v| v.po_reference = x)) error=error_of(errors, "po_reference") readonly/>
            </div>
        </BillingSection>
    }
}
