//! User Management (docs/rules/users.md#user-management).

use crate::api::{list_users, ActOnUser, AddUsers, SetUserLimit};
use crate::components::add_users::AddUsersForm;
use crate::components::environment_switcher::use_environments;
use crate::components::export::ExportDownloads;
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::seats::SeatSummary;
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::components::user_import::ImportUsers;
use crate::components::user_menu::{actions_for, ConfirmUserAction, PendingAction, UserRowMenu};
use crate::domain::export_progress::ExportFormat;
use crate::domain::{Area, Permission, Role, UserPage, UserSort, UserStatus, UserSummary};
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
    let act = ServerAction::<ActOnUser>::new();
    let limit = ServerAction::<SetUserLimit>::new();
    sign_in_again_on(add.value());
    sign_in_again_on(act.value());
    sign_in_again_on(limit.value());
    let pending: PendingAction = RwSignal::new(None);
    let imported = RwSignal::new(0u32);
    let done = Signal::derive(move || act.value().get().and_then(|r| r.ok()));
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let page = crate::components::data::data(
        move || {
            (
                param("search"),
                param("role"),
                param("status"),
                param("sort"),
                param("after"),
                param("environment"),
                add.version().get(),
                act.version().get(),
                limit.version().get(),
                imported.get(),
            )
        },
        |(search, role, status, sort, after, environment, ..)| {
            list_users(search, role, status, sort, after, environment)
        },
    );
    let can_invite = me.can(Permission::UsersInvite);
    let can_change_limit = me.can(Permission::PlanManage);
    view! {
        <h1>"Users"</h1>
        <p class="lead">"Everyone in this account, their role, access and status."</p>
        <FormStatus error=Signal::derive(|| None::<String>) success=done/>
        <ConfirmUserAction pending act/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || {
                page.get()
                    .map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(p) => {
                            view! {
                                <SeatSummary page=p.clone() can_change_limit limit/>
                                <UserTable page=p pending/>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
        {can_invite.then(|| view! { <AddUsersForm action=add granter=me.clone()/> })}
        {can_invite.then(|| view! {
            <ImportUsers on_done=Callback::new(move |_| imported.update(|n| *n += 1))/>
        })}
    }
}

#[component]
fn UserTable(page: UserPage, pending: PendingAction) -> impl IntoView {
    let query = use_query_map();
    let current = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let next = page.next.clone().map(|after| {
        let mut href = format!("/users?after={}", query_escape(&after));
        for k in ["search", "role", "status", "sort", "environment"] {
            let v = current(k);
            if !v.is_empty() {
                href.push_str(&format!("&{k}={}", query_escape(&v)));
            }
        }
        href
    });
    let paged = !current("after").is_empty();
    view! {
        <UserFilters/>
        {if page.users.is_empty() {
            view! { <Empty message="No users match these filters."/> }.into_any()
        } else {
            view! { <UserRows users=page.users pending/> }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {paged.then(|| view! { <a href="/users">"First page"</a> })}
            {next.map(|href| view! { <a href=href>"Next page"</a> })}
        </nav>
        <ExportDownloads stem="users"
            url=Callback::new(move |format: ExportFormat| {
                let mut href = format!("/api/users/export?format={}", format.as_str());
                for k in ["search", "role", "status", "sort", "environment"] {
                    let v = query.with(|q| q.get(k).unwrap_or_default());
                    if !v.is_empty() {
                        href.push_str(&format!("&{k}={}", query_escape(&v)));
                    }
                }
                href
            })
            hint="Every user these filters match, not only this page."/>
    }
}

/// The table's filters, kept in the address (a plain GET form: it works before the
/// page's code has loaded).
#[component]
fn UserFilters() -> impl IntoView {
    let query = use_query_map();
    let current = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
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
            <EnvironmentFilter chosen=current("environment")/>
            <div class="field">
                <label for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort">
                    {UserSort::ALL
                        .into_iter()
                        .map(|s| {
                            let chosen = current("sort") == s.as_str() || (current("sort").is_empty() && s == UserSort::default());
                            view! { <option value=s.as_str() selected=chosen>{s.label()}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Filter"</button>
        </Form>
    }
}

/// Users who reach one product environment (of those the viewer reaches).
#[component]
fn EnvironmentFilter(chosen: String) -> impl IntoView {
    let environments = use_environments().list;
    view! {
        <div class="field">
            <label for="filter-environment">"Has access to"</label>
            <select id="filter-environment" name="environment">
                <option value="" selected=chosen.is_empty()>"Any product environment"</option>
                <Transition fallback=|| ()>
                    {let chosen = chosen.clone(); move || environments.get().and_then(|r| r.ok()).map(|envs| {
                        envs.environments.into_iter().map(|e| {
                            let on = e.id == chosen;
                            view! { <option value=e.id selected=on>{e.name}</option> }
                        }).collect_view()
                    })}
                </Transition>
            </select>
        </div>
    }
}

/// One row per user, with the row menu the viewer may use.
#[component]
fn UserRows(users: Vec<UserSummary>, pending: PendingAction) -> impl IntoView {
    let me = use_me();
    let rows = users
        .into_iter()
        .map(|u| {
            let actions = actions_for(&me, &u);
            view! {
                <tr>
                    <td>{u.display_name().to_string()}</td>
                    <td>{u.email.clone()}</td>
                    <td>{u.role.console_name()}</td>
                    <td>{u.environments.label()}</td>
                    <td>{if u.groups.is_empty() { "—".to_string() } else { u.groups.join(", ") }}</td>
                    <td><span class=format!("status status-{}", u.status.as_str())>{u.status.label()}</span></td>
                    <td>{u.last_login_at.map(crate::components::time::utc).unwrap_or_else(|| "Never".into())}</td>
                    <td>{crate::components::time::utc(u.created_at)}</td>
                    <td><UserRowMenu user=u.clone() actions pending/></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Users"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Product environments"</th>
                        <th scope="col">"Groups"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last login"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A query-string value, percent-encoded (everything but unreserved characters).
fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
