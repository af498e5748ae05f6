use crate::api::{list_users, AddUsers};
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{use_me, AreaGate};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::user::MAX_EMAILS_PER_INVITE;
use crate::domain::{Area, Permission, Role, UserPage, UserStatus};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// User Management (`users.view`): the table, filters, paging, seats and Add users.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Users"/>
        <AreaGate area=Area::Users>
            <UserManagement/>
        </AreaGate>
    }
}

#[component]
fn UserManagement() -> impl IntoView {
    let me = use_me();
    let add = ServerAction::<AddUsers>::new();
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let page = Resource::new(
        move || {
            (
                param("search"),
                param("role"),
                param("status"),
                param("after"),
                add.version().get(),
            )
        },
        |(search, role, status, after, _)| list_users(search, role, status, after),
    );
    let can_invite = me.can(Permission::UsersInvite);
    let can_change_limit = me.can(Permission::PlanManage);
    view! {
        <h1>"Users"</h1>
        <p class="lead">"Everyone in this account, their role, access and status."</p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || {
                page.get()
                    .map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(p) => view! { <SeatSummary page=p.clone() can_change_limit/> <UserTable page=p/> }.into_any(),
                    })
            }}
        </Transition>
        {can_invite.then(|| view! { <AddUsersForm action=add granter=me.role/> })}
    }
}

#[component]
fn SeatSummary(page: UserPage, can_change_limit: bool) -> impl IntoView {
    let full = page.seats_used >= page.seat_limit;
    view! {
        <p class="seat-count">{format!("Seats: {} of {} used", page.seats_used, page.seat_limit)}</p>
        {full
            .then(|| {
                view! {
                    <div class="notice notice-warning" role="status">
                        <strong>"You've reached your plan's user limit."</strong>
                        " "
                        {if can_change_limit {
                            view! { <a href="/billing" class="button">"Change user limit"</a> }.into_any()
                        } else {
                            view! { <span>"Ask a master admin or billing user."</span> }.into_any()
                        }}
                    </div>
                }
            })}
    }
}

#[component]
fn UserTable(page: UserPage) -> impl IntoView {
    let query = use_query_map();
    let current = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let next = page.next.clone().map(|after| {
        let mut href = format!("/users?after={after}");
        for k in ["search", "role", "status"] {
            let v = current(k);
            if !v.is_empty() {
                href.push_str(&format!("&{k}={}", v.replace('&', "%26").replace(' ', "+")));
            }
        }
        href
    });
    let paged = !current("after").is_empty();
    view! {
        <Form method="GET" action="" attr:class="filters" attr:aria-label="Filter users">
            <div class="field">
                <label for="filter-search">"Name or email starts with"</label>
                <input id="filter-search" type="search" name="search" prop:value=current("search")/>
            </div>
            <div class="field">
                <label for="filter-role">"Role"</label>
                <select id="filter-role" name="role">
                    <option value="" selected=current("role").is_empty()>"Any role"</option>
                    {Role::ALL
                        .into_iter()
                        .map(|r| view! { <option value=r.api_str() selected=current("role") == r.api_str()>{r.console_name()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="" selected=current("status").is_empty()>"Any status"</option>
                    {UserStatus::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str() selected=current("status") == s.as_str()>{s.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Filter"</button>
        </Form>
        {if page.users.is_empty() {
            view! { <Empty message="No users match these filters."/> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="data-table">
                        <caption class="visually-hidden">"Users"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Email"</th>
                                <th scope="col">"Role"</th>
                                <th scope="col">"Product environments"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Last login"</th>
                                <th scope="col">"Created"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page
                                .users
                                .into_iter()
                                .map(|u| {
                                    view! {
                                        <tr>
                                            <td>{u.display_name().to_string()}</td>
                                            <td>{u.email.clone()}</td>
                                            <td>{u.role.console_name()}</td>
                                            <td>{u.environments.label()}</td>
                                            <td><span class=format!("status status-{}", u.status.as_str())>{u.status.label()}</span></td>
                                            <td>{u.last_login_at.map(crate::components::time::utc).unwrap_or_else(|| "Never".into())}</td>
                                            <td>{crate::components::time::utc(u.created_at)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
                .into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {paged.then(|| view! { <a href="/users">"First page"</a> })}
            {next.map(|href| view! { <a href=href>"Next page"</a> })}
        </nav>
    }
}

const EMAIL_FIELDS: [&str; MAX_EMAILS_PER_INVITE] = [
    "emails[0]",
    "emails[1]",
    "emails[2]",
    "emails[3]",
    "emails[4]",
];
const EMAIL_LABELS: [&str; MAX_EMAILS_PER_INVITE] =
    ["Email 1", "Email 2", "Email 3", "Email 4", "Email 5"];

#[component]
fn AddUsersForm(action: ServerAction<AddUsers>, granter: Role) -> impl IntoView {
    let value = action.value();
    let done = Signal::derive(move || match value.get() {
        Some(Ok(ids)) => Some(format!(
            "Invited {} user{}. They'll get an email to set their password.",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        )),
        _ => None,
    });
    // After a successful invite the form starts empty again.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    let all_field_error = field_error(value, "emails");
    let role_error = field_error(value, "role");
    view! {
        <section class="panel" aria-labelledby="add-users-title">
            <h2 id="add-users-title">"Add users"</h2>
            <p class="field-hint">"Up to five people with the same role. Each gets an invitation email."</p>
            <ActionForm action node_ref=form attr:novalidate=true attr:aria-label="Add users">
                {EMAIL_FIELDS
                    .iter()
                    .zip(EMAIL_LABELS)
                    .map(|(name, label)| view! { <Field label name kind="email" error=field_error(value, name)/> })
                    .collect_view()}
                <p class="field-error" role="alert">{move || all_field_error.get()}</p>
                <div class="field" class:field-invalid=move || role_error.get().is_some()>
                    <label for="add-role">"Role"</label>
                    <select id="add-role" name="role" aria-describedby="add-role-error">
                        {granter
                            .grantable()
                            .map(|r| view! { <option value=r.api_str() selected=r == Role::MediaLibraryUser>{r.console_name()}</option> })
                            .collect_view()}
                    </select>
                    <p class="field-error" id="add-role-error">{move || role_error.get()}</p>
                </div>
                // Every user gets all product environments until environments exist to pick from.
                <input type="hidden" name="all_environments" value="on"/>
                <FormStatus error=form_error(value) success=done/>
                <button type="submit" class="button button-primary">"Add users"</button>
            </ActionForm>
        </section>
    }
}
