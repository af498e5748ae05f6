//! The share dialog and the access explainer of one folder or collection.

use super::media_library::Panel;
use crate::api::{explain_access, load_shares, ConsoleError, RevokeShare, ShareItem};
use crate::components::form::form_error;
use crate::components::layout::use_me;
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::sharing::{GranteeKind, ItemKind, Level, Shares};
use crate::domain::Permission;
use leptos::prelude::*;

/// Who has what on the item (inherited shares marked with their folder), and the form
/// to share it with users and groups at a level, found by searching.
/// The share dialog's answer: the item's shares and whom it may be shared with.
type SharesOf = crate::components::data::Data<Result<Shares, ConsoleError>>;

#[component]
pub fn SharePanel(
    environment_id: String,
    kind: ItemKind,
    id: String,
    path: String,
    share: ServerAction<ShareItem>,
    revoke: ServerAction<RevokeShare>,
    close: RwSignal<Option<Panel>>,
) -> impl IntoView {
    let (e2, i2) = (environment_id.clone(), id.clone());
    let shares = crate::components::data::data(
        move || (share.version().get(), revoke.version().get()),
        move |_| {
            load_shares(
                e2.clone(),
                kind.as_str().to_string(),
                i2.clone(),
                String::new(),
            )
        },
    );
    let search = RwSignal::new(String::new());
    let (e3, i3) = (environment_id.clone(), id.clone());
    let found = crate::components::data::data(
        move || (search.get(), share.version().get()),
        move |(q, _)| load_shares(e3.clone(), kind.as_str().to_string(), i3.clone(), q),
    );
    let picked = RwSignal::new(Vec::<String>::new());
    let problem = Signal::derive(move || {
        form_error(share.value())
            .get()
            .or_else(|| form_error(revoke.value()).get())
    });
    let item = ItemRef {
        environment_id,
        kind,
        id,
    };
    view! {
        <section class="panel side-panel" aria-labelledby="share-title">
            <h2 id="share-title">{format!("Share {path}")}</h2>
            <FormStatus error=problem/>
            <GrantsTable shares item=item.clone() revoke/>
            <fieldset class="choice-group share-with">
                <legend>"Share with"</legend>
                <label for="share-search">"Find users or groups"</label>
                <input id="share-search" type="search" autocomplete="off"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))/>
                <Candidates found picked/>
            </fieldset>
            <ShareButtons shares item share picked close/>
        </section>
    }
}

/// The item a dialog is about.
#[derive(Debug, Clone)]
struct ItemRef {
    environment_id: String,
    kind: ItemKind,
    id: String,
}

/// Who has what on the item, each share made here revocable.
#[component]
fn GrantsTable(
    shares: SharesOf,
    item: ItemRef,
    revoke: ServerAction<RevokeShare>,
) -> impl IntoView {
    let rows = move |s: Shares| {
        s.grants.into_iter().map(|g| {
            let grantee = format!("{}:{}", g.grantee_kind.as_str(), g.grantee_id);
            let it = item.clone();
            let who = format!("{}{}", g.grantee_label, if g.grantee_kind == GranteeKind::Group { " (group)" } else { "" });
            let from = if g.inherited { format!("from {}", g.on_path) } else { "here".to_string() };
            view! {
                <tr>
                    <th scope="row">{who.clone()}</th>
                    <td>{g.level.label()}</td>
                    <td>{from}</td>
                    <td>{(!g.inherited).then(|| view! {
                        <button type="button" class="button button-quiet"
                            on:click=move |_| { revoke.dispatch(RevokeShare { environment_id: it.environment_id.clone(), kind: it.kind.as_str().into(), id: it.id.clone(), grantee: grantee.clone() }); }>
                            {format!("Revoke {who}")}
                        </button>
                    })}</td>
                </tr>
            }
        }).collect_view()
    };
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {let rows = rows.clone(); move || shares.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(s) if s.grants.is_empty() => view! { <Empty message="Not shared with anyone yet."/> }.into_any(),
                Ok(s) => view! {
                    <table class="table">
                        <caption>"Shared with"</caption>
                        <thead><tr><th scope="col">"User or group"</th><th scope="col">"Level"</th><th scope="col">"Granted"</th><th scope="col">"Actions"</th></tr></thead>
                        <tbody>{rows(s)}</tbody>
                    </table>
                }.into_any(),
            })}
        </Transition>
    }
}

/// The users and groups the search found, to pick several at once.
#[component]
fn Candidates(found: SharesOf, picked: RwSignal<Vec<String>>) -> impl IntoView {
    let boxes = move |s: Shares| {
        s.candidates.into_iter().map(|c| {
            let value = format!("{}:{}", c.kind.as_str(), c.id);
            let label = match (c.kind, c.through_role) {
                (GranteeKind::Group, _) => format!("{} (group)", c.label),
                (GranteeKind::User, true) => format!("{} (has access through role)", c.label),
                (GranteeKind::User, false) => c.label.clone(),
            };
            let shown = value.clone();
            view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || picked.with(|p| p.contains(&shown)) on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        picked.update(|p| { p.retain(|x| *x != value); if on { p.push(value.clone()); } });
                    }/>
                    {label}
                </label>
            }
        }).collect_view()
    };
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || found.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(s) if s.candidates.is_empty() => view! { <Empty message="No user or group matches."/> }.into_any(),
                Ok(s) => {
                    let more = s.more_candidates;
                    view! {
                        {boxes(s)}
                        {more.then(|| view! { <p class="hint">"More match than are shown: type more of the name."</p> })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// The level to share at (up to the viewer's own) and the buttons.
#[component]
fn ShareButtons(
    shares: SharesOf,
    item: ItemRef,
    share: ServerAction<ShareItem>,
    picked: RwSignal<Vec<String>>,
    close: RwSignal<Option<Panel>>,
) -> impl IntoView {
    let level = RwSignal::new(Level::View);
    let kind = item.kind;
    let buttons = move |up_to: Level| {
        let it = item.clone();
        view! {
            <label for="share-level">"Level"</label>
            <select id="share-level" on:change=move |ev| {
                if let Ok(l) = Level::parse(&event_target_value(&ev)) { level.set(l); }
            }>
                {Level::ALL.into_iter().filter(|l| *l <= up_to).map(|l| view! {
                    <option value=l.as_str() selected=move || level.get() == l>{format!("{} — {}", l.label(), l.allows(kind))}</option>
                }).collect_view()}
            </select>
            <div class="button-row">
                <button type="button" class="button button-primary"
                    on:click=move |_| { share.dispatch(ShareItem { environment_id: it.environment_id.clone(), kind: it.kind.as_str().into(), id: it.id.clone(), grantees: picked.get_untracked(), level: level.get_untracked().as_str().into() }); }>
                    "Share"
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| close.set(None)>"Close"</button>
            </div>
        }
    };
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {let buttons = buttons.clone(); move || shares.get().map(|r| r.ok().map(|s| buttons(s.may_grant_up_to)))}
        </Transition>
    }
}

/// The effective level of a user on the item and the chain that grants it. Roles that
/// see every folder may ask about anyone; others about themselves.
#[component]
pub fn ExplainPanel(
    environment_id: String,
    kind: ItemKind,
    id: String,
    path: String,
    close: RwSignal<Option<Panel>>,
) -> impl IntoView {
    let me = use_me();
    let anyone = me.can(Permission::MediaLibraryAllFolders);
    let user = RwSignal::new(me.user_id.clone());
    let (e1, i1) = (environment_id.clone(), id.clone());
    let search = RwSignal::new(String::new());
    let candidates = crate::components::data::data(
        move || search.get(),
        move |q| {
            let (e, i) = (e1.clone(), i1.clone());
            async move {
                if anyone {
                    load_shares(e, kind.as_str().to_string(), i, q)
                        .await
                        .map(|s| s.candidates)
                } else {
                    Ok(Vec::new())
                }
            }
        },
    );
    let (e2, i2) = (environment_id.clone(), id.clone());
    let explained = crate::components::data::data(
        move || user.get(),
        move |u| explain_access(e2.clone(), kind.as_str().to_string(), i2.clone(), u),
    );
    view! {
        <section class="panel side-panel" aria-labelledby="explain-title">
            <h2 id="explain-title">{format!("Who can see {path}?")}</h2>
            {anyone.then(|| view! {
                <label for="explain-search">"Find a user"</label>
                <input id="explain-search" type="search" autocomplete="off"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))/>
                <label for="explain-user">"User"</label>
                <Transition fallback=|| view! { <Loading/> }>
                    {move || candidates.get().map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(list) => {
                            let users: Vec<_> = list.into_iter().filter(|c| c.kind == GranteeKind::User).collect();
                            let chosen_listed = users.iter().any(|c| c.id == user.get_untracked());
                            view! {
                            <select id="explain-user" on:change=move |ev| user.set(event_target_value(&ev))>
                                {(!chosen_listed).then(|| view! { <option value="" disabled=true selected=true>"Choose a user"</option> })}
                                {users.into_iter().map(|c| {
                                    let selected = user.get_untracked() == c.id;
                                    view! { <option value=c.id.clone() selected=selected>{c.label}</option> }
                                }).collect_view()}
                            </select>
                        }.into_any()
                        }
                    })}
                </Transition>
            })}
            <Transition fallback=|| view! { <Loading/> }>
                {move || explained.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(x) => view! {
                        <p class="explain-level" role="status">
                            {match x.level {
                                Some(l) => format!("{} {} on {}", x.user_label, l.label(), x.item_path),
                                None => format!("{} has no access to {}", x.user_label, x.item_path),
                            }}
                        </p>
                        {x.none_because.clone().map(|why| view! { <p>{why}</p> })}
                        <ul class="explain-chain" aria-label="Why">
                            {x.reasons.iter().map(|r| view! {
                                <li class:decides=r.decides>
                                    {r.describe()}
                                    {r.decides.then(|| view! { <span class="badge">"decides"</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
            <button type="button" class="button button-quiet" on:click=move |_| close.set(None)>"Close"</button>
        </section>
    }
}
