//! The Media Library of the active product environment
//! (docs/rules/sharing.md#folders-collections-and-sharing): the folders and collections the user
//! may see, create, share, and why someone can see something.

use crate::api::{
    active_media, CreateCollection, CreateFolder, DeleteCollection, DeleteFolder, MoveFolder,
    RenameFolder, RevokeShare, ShareItem, UpdateCollection,
};
use crate::components::environment_switcher::use_environments;
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, AreaGate};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::sharing::{CollectionEntry, FolderEntry, FolderView, ItemKind, Level};
use crate::domain::Area;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

pub use super::media_edit::{CollectionEditPanel, FolderEditPanel, MoveBanner, Moving};
pub use super::media_sharing::{ExplainPanel, SharePanel};

/// What the side panel does with its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelMode {
    Share,
    Explain,
    Edit,
}

/// The side panel: the share dialog, the explainer or the editor of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    pub mode: PanelMode,
    pub environment_id: String,
    pub kind: ItemKind,
    pub id: String,
    /// The folder's path, or the collection's name.
    pub path: String,
    pub name: String,
    pub description: String,
    pub level: Level,
}

#[derive(Clone, Copy)]
pub struct MediaActions {
    pub create_folder: ServerAction<CreateFolder>,
    pub create_collection: ServerAction<CreateCollection>,
    pub rename: ServerAction<RenameFolder>,
    pub move_folder: ServerAction<MoveFolder>,
    pub delete: ServerAction<DeleteFolder>,
    pub update_collection: ServerAction<UpdateCollection>,
    pub delete_collection: ServerAction<DeleteCollection>,
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
        move_folder: ServerAction::new(),
        delete: ServerAction::new(),
        update_collection: ServerAction::new(),
        delete_collection: ServerAction::new(),
        share: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    sign_in_again_on(actions.create_folder.value());
    sign_in_again_on(actions.create_collection.value());
    sign_in_again_on(actions.rename.value());
    sign_in_again_on(actions.delete.value());
    sign_in_again_on(actions.move_folder.value());
    sign_in_again_on(actions.update_collection.value());
    sign_in_again_on(actions.delete_collection.value());
    let moving = RwSignal::new(None::<Moving>);
    let view_of = crate::components::data::data(
        move || {
            (
                folder(),
                ctx.select.version().get(),
                actions.create_folder.version().get(),
                actions.create_collection.version().get(),
                actions.rename.version().get(),
                actions.delete.version().get(),
                actions.move_folder.version().get(),
                actions.update_collection.version().get(),
                actions.delete_collection.version().get(),
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
                    Ok(Some(v)) => view! { <Browser v actions panel moving/> }.into_any(),
                })}
            </Transition>
            {move || panel.get().map(|p| view! { <SidePanel p actions panel moving/> })}
        </AreaGate>
    }
}

#[component]
fn SidePanel(
    p: Panel,
    actions: MediaActions,
    panel: RwSignal<Option<Panel>>,
    moving: RwSignal<Option<Moving>>,
) -> impl IntoView {
    let Panel {
        mode,
        environment_id,
        kind,
        id,
        path,
        name,
        description,
        level,
    } = p;
    match (mode, kind) {
        (PanelMode::Explain, _) => {
            view! { <ExplainPanel environment_id kind id path close=panel/> }.into_any()
        }
        (PanelMode::Share, _) => view! {
            <SharePanel environment_id kind id path share=actions.share revoke=actions.revoke close=panel/>
        }
        .into_any(),
        (PanelMode::Edit, ItemKind::Folder) => view! {
            <FolderEditPanel environment_id id path name rename=actions.rename moving close=panel/>
        }
        .into_any(),
        (PanelMode::Edit, ItemKind::Collection) => view! {
            <CollectionEditPanel environment_id id name description may_delete=level == Level::Manage
                update=actions.update_collection delete=actions.delete_collection close=panel/>
        }
        .into_any(),
    }
}

fn link_to(id: &str) -> String {
    if id.is_empty() {
        "/media-library".to_string()
    } else {
        format!("/media-library?folder={id}")
    }
}

fn folder_panel(mode: PanelMode, environment_id: &str, f: &FolderEntry) -> Panel {
    Panel {
        mode,
        environment_id: environment_id.to_string(),
        kind: ItemKind::Folder,
        id: f.id.clone(),
        path: f.path.clone(),
        name: f.name.clone(),
        description: String::new(),
        level: f.level.unwrap_or(Level::View),
    }
}

fn collection_panel(mode: PanelMode, environment_id: &str, c: &CollectionEntry) -> Panel {
    Panel {
        mode,
        environment_id: environment_id.to_string(),
        kind: ItemKind::Collection,
        id: c.id.clone(),
        path: c.name.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        level: c.level,
    }
}

/// A button opening the side panel on an item.
#[component]
fn PanelButton(label: String, opens: Panel, panel: RwSignal<Option<Panel>>) -> impl IntoView {
    view! {
        <button type="button" class="button button-quiet" on:click=move |_| panel.set(Some(opens.clone()))>
            {label}
        </button>
    }
}

#[component]
fn Browser(
    v: FolderView,
    actions: MediaActions,
    panel: RwSignal<Option<Panel>>,
    moving: RwSignal<Option<Moving>>,
) -> impl IntoView {
    let here_id = v.folder.as_ref().map(|f| f.id.clone()).unwrap_or_default();
    let here_path = v
        .folder
        .as_ref()
        .map(|f| f.path.clone())
        .unwrap_or_default();
    // A move started in another product environment doesn't show here.
    let env_now = v.environment_id.clone();
    Effect::new(move |_| {
        if moving.with(|m| m.as_ref().is_some_and(|m| m.environment_id != env_now)) {
            moving.set(None);
        }
    });
    let problem = Signal::derive(move || form_error(actions.delete.value()).get());
    let at_root = v.folder.is_none();
    view! {
        <Breadcrumbs ancestors=v.ancestors.clone() folder=v.folder.clone()/>
        {(!v.sees_all).then(|| view! { <p class="hint">"You see the folders and collections shared with you or your groups."</p> })}
        <FormStatus error=problem/>
        <MoveBanner here_id=here_id.clone() here_path moving action=actions.move_folder/>
        <FoldersPanel v=v.clone() here_id actions panel/>
        {at_root.then(|| view! { <CollectionsPanel v=v.clone() actions panel/> })}
    }
}

#[component]
fn Breadcrumbs(ancestors: Vec<(String, String)>, folder: Option<FolderEntry>) -> impl IntoView {
    let crumbs = ancestors
        .into_iter()
        .map(|(id, name)| view! { <li><A href=link_to(&id)>{name}</A></li> })
        .collect_view();
    let current = folder.map(|f| {
        let level = f
            .level
            .map_or("a path to folders shared with you".to_string(), |l| {
                format!("You {}", l.label())
            });
        view! { <li aria-current="page" title=level>{f.name}</li> }
    });
    view! {
        <nav aria-label="Folder path" class="breadcrumbs">
            <ol>
                <li><A href="/media-library">"All folders"</A></li>
                {crumbs}
                {current}
            </ol>
        </nav>
    }
}

#[component]
fn FoldersPanel(
    v: FolderView,
    here_id: String,
    actions: MediaActions,
    panel: RwSignal<Option<Panel>>,
) -> impl IntoView {
    let title = v
        .folder
        .as_ref()
        .map_or("Folders".to_string(), |f| format!("Folders in {}", f.path));
    let list = if v.folders.is_empty() {
        view! { <Empty message="No folders here."/> }.into_any()
    } else {
        let env = v.environment_id.clone();
        let rows = v
            .folders
            .into_iter()
            .map(|f| view! { <FolderRow f env=env.clone() actions panel/> })
            .collect_view();
        view! {
            <table class="table">
                <thead><tr><th scope="col">"Folder"</th><th scope="col">"Your level"</th><th scope="col">"Subfolders"</th><th scope="col">"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let env_id = v.environment_id;
    view! {
        <section class="panel" aria-labelledby="folders-title">
            <h2 id="folders-title">{title}</h2>
            {list}
            {v.may_create_folder.then(|| view! {
                <ActionForm action=actions.create_folder attr:novalidate=true attr:aria-label="New folder">
                    <input type="hidden" name="environment_id" value=env_id.clone()/>
                    <input type="hidden" name="parent_id" value=here_id.clone()/>
                    <Field label="New folder name" name="name" id="new-folder-name" error=field_error(actions.create_folder.value(), "name")/>
                    <FormStatus error=form_error(actions.create_folder.value())/>
                    <button type="submit" class="button">"Create folder"</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn FolderRow(
    f: FolderEntry,
    env: String,
    actions: MediaActions,
    panel: RwSignal<Option<Panel>>,
) -> impl IntoView {
    let level = f
        .level
        .map_or("No access — leads to shared folders".to_string(), |l| {
            l.label().to_string()
        });
    let manage = f.level == Some(Level::Manage);
    let share = folder_panel(PanelMode::Share, &env, &f);
    let explain = folder_panel(PanelMode::Explain, &env, &f);
    let edit = folder_panel(PanelMode::Edit, &env, &f);
    let did = f.id.clone();
    let (href, shared, subfolders) = (link_to(&f.id), f.shared, f.subfolders);
    let (share_label, who_label) = (
        format!("Share {}", f.name),
        format!("Who can see {}?", f.name),
    );
    let (edit_label, del_label) = (format!("Edit {}", f.name), format!("Delete {}", f.name));
    view! {
        <tr>
            <th scope="row"><A href=href>{f.name}</A>{shared.then(|| view! { <span class="badge" title="Shared">"Shared"</span> })}</th>
            <td>{level}</td>
            <td>{subfolders.map_or_else(|| "—".to_string(), |n| n.to_string())}</td>
            <td class="button-row">
                {manage.then(|| view! { <PanelButton label=share_label opens=share panel/> })}
                <PanelButton label=who_label opens=explain panel/>
                {manage.then(|| view! { <PanelButton label=edit_label opens=edit panel/> })}
                {(manage && subfolders == Some(0)).then(|| view! {
                    <button type="button" class="button button-quiet"
                        on:click=move |_| { actions.delete.dispatch(DeleteFolder { environment_id: env.clone(), folder_id: did.clone() }); }>
                        {del_label}
                    </button>
                })}
            </td>
        </tr>
    }
}

#[component]
fn CollectionsPanel(
    v: FolderView,
    actions: MediaActions,
    panel: RwSignal<Option<Panel>>,
) -> impl IntoView {
    let list = if v.collections.is_empty() {
        view! { <Empty message="No collections to show."/> }.into_any()
    } else {
        let env = v.environment_id.clone();
        let rows = v
            .collections
            .into_iter()
            .map(|c| view! { <CollectionRow c env=env.clone() panel/> })
            .collect_view();
        view! {
            <table class="table">
                <thead><tr><th scope="col">"Collection"</th><th scope="col">"Description"</th><th scope="col">"Your level"</th><th scope="col">"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let env_id = v.environment_id;
    view! {
        <section class="panel" aria-labelledby="collections-title">
            <h2 id="collections-title">"Collections"</h2>
            {list}
            {v.may_create_collection.then(|| view! {
                <ActionForm action=actions.create_collection attr:novalidate=true attr:aria-label="New collection">
                    <input type="hidden" name="environment_id" value=env_id.clone()/>
                    <Field label="New collection name" name="name" id="new-collection-name" error=field_error(actions.create_collection.value(), "name")/>
                    <FormStatus error=form_error(actions.create_collection.value())/>
                    <button type="submit" class="button">"Create collection"</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn CollectionRow(c: CollectionEntry, env: String, panel: RwSignal<Option<Panel>>) -> impl IntoView {
    let share = collection_panel(PanelMode::Share, &env, &c);
    let explain = collection_panel(PanelMode::Explain, &env, &c);
    let edit = collection_panel(PanelMode::Edit, &env, &c);
    let (manage, may_edit) = (c.level == Level::Manage, c.level >= Level::Edit);
    let share_label = format!("Share {}", c.name);
    let who_label = format!("Who can see {}?", c.name);
    let edit_label = format!("Edit {}", c.name);
    view! {
        <tr>
            <th scope="row">{c.name}{c.shared.then(|| view! { <span class="badge">"Shared"</span> })}</th>
            <td>{c.description}</td>
            <td>{c.level.label()}</td>
            <td class="button-row">
                {manage.then(|| view! { <PanelButton label=share_label opens=share panel/> })}
                <PanelButton label=who_label opens=explain panel/>
                {may_edit.then(|| view! { <PanelButton label=edit_label opens=edit panel/> })}
            </td>
        </tr>
    }
}
