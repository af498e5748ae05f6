//! User groups (docs/rules/sharing.md#user-groups): the list with member counts and Create.

use crate::api::{list_groups, CreateGroup};
use crate::components::export::ExportDownloads;
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::components::time::utc;
use crate::domain::export_progress::ExportFormat;
use crate::domain::{Area, Permission};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let create = ServerAction::<CreateGroup>::new();
    sign_in_again_on(create.value());
    let list = crate::components::data::data(move || create.version().get(), |_| list_groups());
    let manage = use_me().can(Permission::GroupsManage);
    let created = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(|r| r.ok())
            .map(|g| format!("Group {} created", g.name))
    });
    view! {
        <Title text="User groups"/>
        <AreaGate area=Area::Groups>
            <h1>"User groups"</h1>
            <p class="lead">"Groups are account-wide: share folders and collections with a group in any product environment."</p>
            {manage.then(|| view! {
                <section class="panel" aria-labelledby="new-group-title">
                    <h2 id="new-group-title">"Create group"</h2>
                    <ActionForm action=create attr:novalidate=true attr:aria-label="Create group">
                        <Field label="Group name" name="name" required=true error=field_error(create.value(), "name")/>
                        <FormStatus error=form_error(create.value()) success=created/>
                        <button type="submit" class="button button-primary">"Create group"</button>
                    </ActionForm>
                </section>
            })}
            <Transition fallback=|| view! { <Loading/> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(groups) if groups.is_empty() => view! { <Empty message="No user groups yet."/> }.into_any(),
                    Ok(groups) => view! {
                        <table class="table">
                            <caption class="visually-hidden">"User groups"</caption>
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Members"</th><th scope="col">"Updated"</th>
                            </tr></thead>
                            <tbody>
                                {groups.into_iter().map(|g| view! {
                                    <tr>
                                        <th scope="row"><A href=format!("/groups/{}", g.id)>{g.name.clone()}</A></th>
                                        <td>{g.member_count}</td>
                                        <td>{utc(g.updated_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
            <ExportDownloads stem="groups"
                url=Callback::new(|format: ExportFormat| format!("/api/groups/export?format={}", format.as_str()))
                hint="Every group with its members (CSV: one row per member)."/>
        </AreaGate>
    }
}
