//! One user group: rename, delete, members (add several at once, remove) and, per
//! product environment, what is shared with it.

use crate::api::{
    list_users, load_group, AddGroupMembers, DeleteGroup, RemoveGroupMembers, RenameGroup,
};
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::group::{GroupDetail, GroupMember, GroupShare};
use crate::domain::{Area, Permission, UserSummary};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GroupEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let rename = ServerAction::<RenameGroup>::new();
    let add = ServerAction::<AddGroupMembers>::new();
    let remove = ServerAction::<RemoveGroupMembers>::new();
    let delete = ServerAction::<DeleteGroup>::new();
    sign_in_again_on(rename.value());
    sign_in_again_on(add.value());
    sign_in_again_on(remove.value());
    sign_in_again_on(delete.value());
    let group = crate::components::data::data(
        move || {
            (
                id(),
                rename.version().get(),
                add.version().get(),
                remove.version().get(),
            )
        },
        |(id, ..)| load_group(id),
    );
    let search = RwSignal::new(String::new());
    let users = crate::components::data::data(
        move || (search.get(), add.version().get()),
        |(s, _)| {
            list_users(
                s,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            )
        },
    );
    let deleted = move || matches!(delete.value().get(), Some(Ok(())));
    view! {
        <Title text="User group"/>
        <AreaGate area=Area::Groups>
            <Show when=deleted fallback=move || view! {
                <Transition fallback=|| view! { <Loading/> }>
                    {move || group.get().map(|r| match r {
                        Err(e) => view! { <h1>"User group"</h1><ErrorNotice error=e/> }.into_any(),
                        Ok(g) => view! { <Group g rename add remove delete search users/> }.into_any(),
                    })}
                </Transition>
            }>
                <Redirect path="/groups"/>
            </Show>
        </AreaGate>
    }
}

/// A user list to pick new members from: the server function's answer.
type UserList =
    crate::components::data::Data<Result<crate::domain::UserPage, crate::api::ConsoleError>>;

#[component]
fn Group(
    g: GroupDetail,
    rename: ServerAction<RenameGroup>,
    add: ServerAction<AddGroupMembers>,
    remove: ServerAction<RemoveGroupMembers>,
    delete: ServerAction<DeleteGroup>,
    search: RwSignal<String>,
    users: UserList,
) -> impl IntoView {
    let manage = use_me().can(Permission::GroupsManage);
    let id = g.group.id.clone();
    let problem = Signal::derive(move || {
        form_error(add.value())
            .get()
            .or_else(|| form_error(remove.value()).get())
            .or_else(|| form_error(delete.value()).get())
    });
    let count = g.members.len();
    let member_ids: Vec<String> = g.members.iter().map(|m| m.id.clone()).collect();
    let (rename_id, add_id, delete_id) = (id.clone(), id.clone(), id.clone());
    let name = g.group.name.clone();
    view! {
        <h1>{g.group.name.clone()}</h1>
        <p class="lead">{format!("{count} member{}", if count == 1 { "" } else { "s" })}</p>
        <FormStatus error=problem/>
        {manage.then(|| view! { <RenamePanel id=rename_id name rename/> })}
        <section class="panel" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <MemberTable id=id members=g.members manage remove/>
            {manage.then(move || view! { <AddMembers id=add_id member_ids add search users/> })}
        </section>
        <SharesPanel shares=g.shares/>
        {manage.then(move || view! { <DeletePanel id=delete_id delete/> })}
    }
}

#[component]
fn RenamePanel(id: String, name: String, rename: ServerAction<RenameGroup>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="rename-title">
            <h2 id="rename-title">"Rename"</h2>
            <ActionForm action=rename attr:novalidate=true attr:aria-label="Rename group">
                <input type="hidden" name="id" value=id/>
                <Field label="Group name" name="name" value=Signal::derive(move || name.clone()) error=field_error(rename.value(), "name")/>
                <FormStatus error=form_error(rename.value())/>
                <button type="submit" class="button">"Save name"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn MemberTable(
    id: String,
    members: Vec<GroupMember>,
    manage: bool,
    remove: ServerAction<RemoveGroupMembers>,
) -> impl IntoView {
    if members.is_empty() {
        return view! { <Empty message="No members yet."/> }.into_any();
    }
    let rows = members.into_iter().map(|m| {
        let label = m.name.clone().unwrap_or_else(|| m.email.clone());
        let (gid, uid) = (id.clone(), m.id.clone());
        view! {
            <tr>
                <th scope="row">{label.clone()}</th>
                <td>{m.email.clone()}</td>
                <td>{m.status.clone()}</td>
                <td>{manage.then(|| view! {
                    <button type="button" class="button button-quiet"
                        on:click=move |_| { remove.dispatch(RemoveGroupMembers { id: gid.clone(), user_ids: vec![uid.clone()] }); }>
                        {format!("Remove {label}")}
                    </button>
                })}</td>
            </tr>
        }
    }).collect_view();
    view! {
        <table class="table">
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Status"</th><th scope="col">"Actions"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// Several users picked at once from a search, added together.
#[component]
fn AddMembers(
    id: String,
    member_ids: Vec<String>,
    add: ServerAction<AddGroupMembers>,
    search: RwSignal<String>,
    users: UserList,
) -> impl IntoView {
    let picked = RwSignal::new(Vec::<String>::new());
    view! {
        <fieldset class="choice-group">
            <legend>"Add members"</legend>
            <label for="member-search">"Find users"</label>
            <input id="member-search" type="search" placeholder="Name or email"
                on:input=move |ev| search.set(event_target_value(&ev))/>
            <Transition fallback=|| view! { <Loading/> }>
                {let member_ids = member_ids.clone(); move || users.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(page) => {
                        let rows: Vec<_> = page.users.into_iter()
                            .filter(|u| u.status.as_str() != "inactive" && !member_ids.contains(&u.id))
                            .collect();
                        if rows.is_empty() {
                            return view! { <Empty message="No other users match."/> }.into_any();
                        }
                        rows.into_iter().map(|u| view! { <Candidate user=u picked/> }).collect_view().into_any()
                    }
                })}
            </Transition>
            <button type="button" class="button button-primary"
                on:click=move |_| { add.dispatch(AddGroupMembers { id: id.clone(), user_ids: picked.get_untracked() }); picked.set(Vec::new()); }>
                "Add selected users"
            </button>
        </fieldset>
    }
}

#[component]
fn Candidate(user: UserSummary, picked: RwSignal<Vec<String>>) -> impl IntoView {
    let uid = user.id.clone();
    let label = user
        .name
        .clone()
        .map_or(user.email.clone(), |n| format!("{n} ({})", user.email));
    view! {
        <label class="check">
            <input type="checkbox" on:change=move |ev| {
                let on = event_target_checked(&ev);
                picked.update(|p| { p.retain(|x| *x != uid); if on { p.push(uid.clone()); } });
            }/>
            {label}
        </label>
    }
}

#[component]
fn SharesPanel(shares: Vec<GroupShare>) -> impl IntoView {
    let body = if shares.is_empty() {
        view! { <Empty message="Nothing is shared with this group yet. Share a folder or collection from the Media Library."/> }.into_any()
    } else {
        let rows = shares
            .into_iter()
            .map(|s| {
                view! {
                    <tr>
                        <td>{s.environment_name}</td>
                        <th scope="row">{s.item_path}</th>
                        <td>{s.kind.as_str()}</td>
                        <td>{s.level.label()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table">
                <thead><tr><th scope="col">"Product environment"</th><th scope="col">"Folder or collection"</th><th scope="col">"Kind"</th><th scope="col">"Level"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="shares-title">
            <h2 id="shares-title">"Shared with this group"</h2>
            {body}
        </section>
    }
}

#[component]
fn DeletePanel(id: String, delete: ServerAction<DeleteGroup>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
        <section class="panel danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete group"</h2>
            <p>"Deleting removes its memberships and everything shared with it. Members keep what is shared with them directly."</p>
            <Show when=move || confirming.get() fallback=move || view! {
                <button type="button" class="button button-danger" on:click=move |_| confirming.set(true)>"Delete group"</button>
            }>
                {let id = id.clone(); view! {
                    <div class="button-row" role="group" aria-label="Confirm delete">
                        <button type="button" class="button button-danger"
                            on:click=move |_| { delete.dispatch(DeleteGroup { id: id.clone() }); }>
                            "Yes, delete this group"
                        </button>
                        <button type="button" class="button button-quiet" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                }}
            </Show>
        </section>
    }
}
