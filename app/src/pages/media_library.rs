//! The Media Library of the active product environment (product.md §7): the folders and
//! collections the user may see, create, share, and why someone can see something.

use crate::api::{
    active_media, CreateCollection, CreateFolder, DeleteFolder, RenameFolder, RevokeShare,
    ShareItem,
};
use crate::components::environment_switcher::use_environments;
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, AreaGate};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::sharing::{FolderView, ItemKind};
use crate::domain::Area;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

pub use super::media_sharing::{ExplainPanel, SharePanel};

/// What the side panel shows: the share dialog or the explainer of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    pub explain: bool,
    pub environment_id: String,
    pub kind: ItemKind,
    pub id: String,
    pub path: String,
}

#[derive(Clone, Copy)]
pub struct MediaActions {
    pub create_folder: ServerAction<CreateFolder>,
    pub create_collection: ServerAction<CreateCollection>,
    pub rename: ServerAction<RenameFolder>,
    pub delete: ServerAction<DeleteFolder>,
    pub share: ServerAction<ShareItem>,
    pub revoke: ServerAction<RevokeShare>,
}

#[component]
pub fn MediaLibraryPage() -> impl IntoView {
    let query = use_query_map();
    let folder = move || query.with(|q| q.get("folder").unwrap_or_default());
    let ctx = use_environments();
    let actions = MediaActions {
        create_folder: ServerAction::new(),
        create_collection: ServerAction::new(),
        rename: ServerAction::new(),
        delete: ServerAction::new(),
        share: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    sign_in_again_on(actions.create_folder.value());
    sign_in_again_on(actions.create_collection.value());
    sign_in_again_on(actions.rename.value());
    sign_in_again_on(actions.delete.value());
    let view_of = Resource::new(
        move || {
            (
                folder(),
                ctx.select.version().get(),
                actions.create_folder.version().get(),
                actions.create_collection.version().get(),
                actions.rename.version().get(),
                actions.delete.version().get(),
                actions.share.version().get(),
                actions.revoke.version().get(),
            )
        },
        |(f, ..)| active_media(f),
    );
    let panel = RwSignal::new(None::<Panel>);
    Effect::new(move |_| {
        folder();
        panel.set(None);
    });
    view! {
        <Title text="Media Library"/>
        <AreaGate area=Area::MediaLibrary>
            <h1>"Media Library"</h1>
            <Transition fallback=|| view! { <Loading/> }>
                {move || view_of.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(None) => view! { <Empty message="You have no product environment to browse."/> }.into_any(),
                    Ok(Some(v)) => view! { <Browser v actions panel/> }.into_any(),
                })}
            </Transition>
            {move || panel.get().map(|p| view! { <SidePanel p actions panel/> })}
        </AreaGate>
    }
}

#[component]
fn SidePanel(p: Panel, actions: MediaActions, panel: RwSignal<Option<Panel>>) -> impl IntoView {
    let Panel {
        explain,
        environment_id,
        kind,
        id,
        path,
    } = p;
    if explain {
        view! { <ExplainPanel environment_id kind id path close=panel/> }.into_any()
    } else {
        view! { <SharePanel environment_id kind id path share=actions.share revoke=actions.revoke close=panel/> }.into_any()
    }
}

fn link_to(id: &str) -> String {
    if id.is_empty() {
        "/media-library".to_string()
    } else {
        format!("/media-library?folder={id}")
    }
}

#[component]
fn Browser(v: FolderView, actions: MediaActions, panel: RwSignal<Option<Panel>>) -> impl IntoView {
    let here_id = v.folder.as_ref().map(|f| f.id.clone()).unwrap_or_default();
    let crumbs = v
        .ancestors
        .clone()
        .into_iter()
        .map(|(id, name)| {
            view! {
                <li><A href=link_to(&id)>{name}</A></li>
            }
        })
        .collect_view();
    let current = v.folder.as_ref().map(|f| {
        let level = f
            .level
            .map_or("a path to folders shared with you".to_string(), |l| {
                format!("You {}", l.label())
            });
        view! { <li aria-current="page" title=level>{f.name.clone()}</li> }
    });
    let folder_rows = v.folders.clone().into_iter().map(|f| {
        let level = f.level.map_or("No access — leads to shared folders".to_string(), |l| l.label().to_string());
        let (sid, spath) = (f.id.clone(), f.path.clone());
        let (eid, epath) = (f.id.clone(), f.path.clone());
        let manage = f.level == Some(crate::domain::sharing::Level::Manage);
        let did = f.id.clone();
        let name = f.name.clone();
        let envp = v.environment_id.clone();
        let envq = v.environment_id.clone();
        let env_id = v.environment_id.clone();
        let (fname, href, shared, subfolders) = (f.name.clone(), link_to(&f.id), f.shared, f.subfolders);
        let who_label = format!("Who can see {}?", f.name);
        let del_label = format!("Delete {}", f.name);
        view! {
            <tr>
                <th scope="row"><A href=href>{fname}</A>{shared.then(|| view! { <span class="badge" title="Shared">"Shared"</span> })}</th>
                <td>{level}</td>
                <td>{subfolders}</td>
                <td class="button-row">
                    {manage.then(|| view! {
                        <button type="button" class="button button-quiet"
                            on:click=move |_| panel.set(Some(Panel { explain: false, environment_id: envp.clone(), kind: ItemKind::Folder, id: sid.clone(), path: spath.clone()}))>
                            {format!("Share {}", name)}
                        </button>
                    })}
                    <button type="button" class="button button-quiet"
                        on:click=move |_| panel.set(Some(Panel { explain: true, environment_id: envq.clone(), kind: ItemKind::Folder, id: eid.clone(), path: epath.clone()}))>
                        {who_label}
                    </button>
                    {(manage && subfolders == 0).then(|| view! {
                        <button type="button" class="button button-quiet"
                            on:click=move |_| { actions.delete.dispatch(DeleteFolder { environment_id: env_id.clone(), folder_id: did.clone() }); }>
                            {del_label}
                        </button>
                    })}
                </td>
            </tr>
        }
    }).collect_view();
    let collection_rows = v.collections.clone().into_iter().map(|c| {
        let (sid, spath) = (c.id.clone(), c.name.clone());
        let (eid, epath) = (c.id.clone(), c.name.clone());
        let manage = c.level == crate::domain::sharing::Level::Manage;
        let envp = v.environment_id.clone();
        let envq = v.environment_id.clone();
        let share_label = format!("Share {}", c.name);
        let who_label = format!("Who can see {}?", c.name);
        view! {
            <tr>
                <th scope="row">{c.name.clone()}{c.shared.then(|| view! { <span class="badge">"Shared"</span> })}</th>
                <td>{c.description.clone()}</td>
                <td>{c.level.label()}</td>
                <td class="button-row">
                    {manage.then(|| view! {
                        <button type="button" class="button button-quiet"
                            on:click=move |_| panel.set(Some(Panel { explain: false, environment_id: envp.clone(), kind: ItemKind::Collection, id: sid.clone(), path: spath.clone()}))>
                            {share_label}
                        </button>
                    })}
                    <button type="button" class="button button-quiet"
                        on:click=move |_| panel.set(Some(Panel { explain: true, environment_id: envq.clone(), kind: ItemKind::Collection, id: eid.clone(), path: epath.clone()}))>
                        {who_label}
                    </button>
                </td>
            </tr>
        }
    }).collect_view();
    let at_root = v.folder.is_none();
    let env_id = v.environment_id.clone();
    let env_id2 = v.environment_id.clone();
    let problem = Signal::derive(move || form_error(actions.delete.value()).get());
    view! {
        <nav aria-label="Folder path" class="breadcrumbs">
            <ol>
                <li><A href="/media-library">"All folders"</A></li>
                {crumbs}
                {current}
            </ol>
        </nav>
        {(!v.sees_all).then(|| view! { <p class="hint">"You see the folders and collections shared with you or your groups."</p> })}
        <FormStatus error=problem/>
        <section class="panel" aria-labelledby="folders-title">
            <h2 id="folders-title">{v.folder.as_ref().map_or("Folders".to_string(), |f| format!("Folders in {}", f.path))}</h2>
            {if v.folders.is_empty() {
                view! { <Empty message="No folders here."/> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th scope="col">"Folder"</th><th scope="col">"Your level"</th><th scope="col">"Subfolders"</th><th scope="col">"Actions"</th></tr></thead>
                        <tbody>{folder_rows}</tbody>
                    </table>
                }.into_any()
            }}
            {v.may_create_folder.then(|| view! {
                <ActionForm action=actions.create_folder attr:novalidate=true attr:aria-label="New folder">
                    <input type="hidden" name="environment_id" value=env_id.clone()/>
                    <input type="hidden" name="parent_id" value=here_id.clone()/>
                    <Field label="New folder name" name="name" error=field_error(actions.create_folder.value(), "name")/>
                    <FormStatus error=form_error(actions.create_folder.value())/>
                    <button type="submit" class="button">"Create folder"</button>
                </ActionForm>
            })}
        </section>
        {at_root.then(|| view! {
            <section class="panel" aria-labelledby="collections-title">
                <h2 id="collections-title">"Collections"</h2>
                {if v.collections.is_empty() {
                    view! { <Empty message="No collections to show."/> }.into_any()
                } else {
                    view! {
                        <table class="table">
                            <thead><tr><th scope="col">"Collection"</th><th scope="col">"Description"</th><th scope="col">"Your level"</th><th scope="col">"Actions"</th></tr></thead>
                            <tbody>{collection_rows}</tbody>
                        </table>
                    }.into_any()
                }}
                {v.may_create_collection.then(|| view! {
                    <ActionForm action=actions.create_collection attr:novalidate=true attr:aria-label="New collection">
                        <input type="hidden" name="environment_id" value=env_id2.clone()/>
                        <Field label="New collection name" name="name" error=field_error(actions.create_collection.value(), "name")/>
                        <FormStatus error=form_error(actions.create_collection.value())/>
                        <button type="submit" class="button">"Create collection"</button>
                    </ActionForm>
                })}
            </section>
        })}
    }
}
