//! Editing one folder (rename; a move starts here and ends in the folder it goes into)
//! or one collection (rename, describe, delete).

use super::media_library::Panel;
use crate::api::{DeleteCollection, MoveFolder, RenameFolder, UpdateCollection};
use crate::components::form::{field_error, form_error, Field};
use crate::components::status::FormStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// A folder on its way somewhere: the user opens the destination and chooses Move here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moving {
    pub environment_id: String,
    pub id: String,
    pub path: String,
}

/// Closes the panel once an action dispatched from it succeeds (`version` counts the
/// action's dispatches, `ok` says the last one is done and succeeded).
fn close_on_success(version: Signal<usize>, ok: Signal<bool>, close: RwSignal<Option<Panel>>) {
    let opened_at = version.get_untracked();
    Effect::new(move |_| {
        if version.get() != opened_at && ok.get() {
            close.set(None);
        }
    });
}

/// `close_on_success` for one server action.
macro_rules! close_after {
    ($action:expr, $close:expr) => {{
        let action = $action;
        close_on_success(
            action.version().into(),
            Signal::derive(move || {
                !action.pending().get() && matches!(action.value().get(), Some(Ok(_)))
            }),
            $close,
        )
    }};
}

#[component]
pub fn FolderEditPanel(
    environment_id: String,
    id: String,
    path: String,
    name: String,
    rename: ServerAction<RenameFolder>,
    moving: RwSignal<Option<Moving>>,
    close: RwSignal<Option<Panel>>,
) -> impl IntoView {
    close_after!(rename, close);
    let current = Signal::derive(move || name.clone());
    let start_move = {
        let (environment_id, id, path) = (environment_id.clone(), id.clone(), path.clone());
        move |_| {
            moving.set(Some(Moving {
                environment_id: environment_id.clone(),
                id: id.clone(),
                path: path.clone(),
            }));
            close.set(None);
        }
    };
    view! {
        <section class="panel side-panel" aria-labelledby="edit-title">
            <h2 id="edit-title">{format!("Edit {path}")}</h2>
            <ActionForm action=rename attr:novalidate=true attr:aria-label="Rename folder">
                <input type="hidden" name="environment_id" value=environment_id/>
                <input type="hidden" name="folder_id" value=id/>
                <Field label="Folder name" name="name" id="rename-folder-name" value=current
                    error=field_error(rename.value(), "name")/>
                <FormStatus error=form_error(rename.value())/>
                <button type="submit" class="button button-primary">"Rename"</button>
            </ActionForm>
            <h3>"Move"</h3>
            <p class="hint">"Choose Move, open the folder it goes into (or All folders), then choose Move here. Shares made on it and below go with it."</p>
            <div class="button-row">
                <button type="button" class="button" on:click=start_move>"Move…"</button>
                <button type="button" class="button button-quiet" on:click=move |_| close.set(None)>"Close"</button>
            </div>
        </section>
    }
}

/// The banner of a move under way, in the folder being looked at.
#[component]
pub fn MoveBanner(
    here_id: String,
    here_path: String,
    moving: RwSignal<Option<Moving>>,
    action: ServerAction<MoveFolder>,
) -> impl IntoView {
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            moving.set(None);
        }
    });
    let problem = form_error(action.value());
    move || {
        moving.get().map(|m| {
            let target = if here_path.is_empty() {
                "All folders".to_string()
            } else {
                here_path.clone()
            };
            let into_itself = m.id == here_id;
            let parent_id = here_id.clone();
            let label = format!("Move here ({target})");
            view! {
                <div class="notice notice-warning" role="region" aria-label="Moving a folder">
                    <p>{format!("Moving {}. Open the folder it goes into, then choose Move here.", m.path)}</p>
                    <FormStatus error=problem/>
                    <div class="button-row">
                        <button type="button" class="button button-primary" disabled=into_itself
                            on:click=move |_| {
                                action.dispatch(MoveFolder {
                                    environment_id: m.environment_id.clone(),
                                    folder_id: m.id.clone(),
                                    parent_id: parent_id.clone(),
                                });
                            }>
                            {label}
                        </button>
                        <button type="button" class="button button-quiet" on:click=move |_| moving.set(None)>"Cancel move"</button>
                    </div>
                </div>
            }
        })
    }
}

#[component]
pub fn CollectionEditPanel(
    environment_id: String,
    id: String,
    name: String,
    description: String,
    /// *can manage*: may delete it (renaming needs *can edit*).
    may_delete: bool,
    update: ServerAction<UpdateCollection>,
    delete: ServerAction<DeleteCollection>,
    close: RwSignal<Option<Panel>>,
) -> impl IntoView {
    close_after!(update, close);
    close_after!(delete, close);
    let confirming = RwSignal::new(false);
    let title = format!("Edit collection {name}");
    let delete_label = format!("Delete {name}");
    let question = format!("Delete {name}? Its shares go with it; the assets in it stay.");
    let current_name = Signal::derive({
        let name = name.clone();
        move || name.clone()
    });
    let current_description = Signal::derive(move || description.clone());
    let (env, cid) = (environment_id.clone(), id.clone());
    view! {
        <section class="panel side-panel" aria-labelledby="edit-title">
            <h2 id="edit-title">{title}</h2>
            <ActionForm action=update attr:novalidate=true attr:aria-label="Edit collection">
                <input type="hidden" name="environment_id" value=environment_id/>
                <input type="hidden" name="collection_id" value=id/>
                <Field label="Collection name" name="name" id="edit-collection-name" value=current_name
                    error=field_error(update.value(), "name")/>
                <Field label="Description" name="description" id="edit-collection-description"
                    value=current_description error=field_error(update.value(), "description")/>
                <FormStatus error=form_error(update.value())/>
                <button type="submit" class="button button-primary">"Save"</button>
            </ActionForm>
            <FormStatus error=form_error(delete.value())/>
            {move || if confirming.get() {
                let (env, cid) = (env.clone(), cid.clone());
                view! {
                    <div role="alertdialog" aria-label="Confirm delete" class="confirm">
                        <p>{question.clone()}</p>
                        <div class="button-row">
                            <button type="button" class="button button-danger"
                                on:click=move |_| { delete.dispatch(DeleteCollection { environment_id: env.clone(), collection_id: cid.clone() }); }>
                                {delete_label.clone()}
                            </button>
                            <button type="button" class="button button-quiet" on:click=move |_| confirming.set(false)>"Keep it"</button>
                        </div>
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="button-row">
                        {may_delete.then(|| view! {
                            <button type="button" class="button button-danger" on:click=move |_| confirming.set(true)>"Delete collection…"</button>
                        })}
                        <button type="button" class="button button-quiet" on:click=move |_| close.set(None)>"Close"</button>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
