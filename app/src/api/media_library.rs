//! The Media Library's folders and collections, sharing, and the access explainer.

use super::ConsoleError;
#[cfg(feature = "ssr")]
use crate::domain::sharing::ItemKind;
use crate::domain::sharing::{CollectionEntry, Explanation, FolderEntry, FolderView, Shares};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

#[cfg(feature = "ssr")]
fn kind_of(kind: &str) -> Result<ItemKind, ConsoleError> {
    ItemKind::parse(kind).ok_or_else(|| {
        let mut e = crate::domain::FieldErrors::new();
        e.add("kind", "Choose folder or collection");
        ConsoleError::Invalid(e)
    })
}

/// `folder_id` empty: the root.
#[server(prefix = "/api", endpoint = "browse")]
pub async fn browse_media(
    environment_id: String,
    #[server(default)] folder_id: String,
) -> Result<FolderView, ConsoleError> {
    let (req, p) = signed_in().await?;
    let folder = Some(folder_id.as_str()).filter(|f| !f.trim().is_empty());
    req.service
        .browse(&p, &environment_id, folder, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "create_folder")]
pub async fn create_folder(
    environment_id: String,
    #[server(default)] parent_id: String,
    #[server(default)] name: String,
) -> Result<FolderEntry, ConsoleError> {
    let (req, p) = signed_in().await?;
    let parent = Some(parent_id.as_str()).filter(|f| !f.trim().is_empty());
    req.service
        .create_folder(&p, &environment_id, parent, &name, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "rename_folder")]
pub async fn rename_folder(
    environment_id: String,
    folder_id: String,
    #[server(default)] name: String,
) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .rename_folder(&p, &environment_id, &folder_id, &name, &req.meta)
        .await
        .or_api(&req.meta)
}

/// `parent_id` empty: to the root.
#[server(prefix = "/api", endpoint = "move_folder")]
pub async fn move_folder(
    environment_id: String,
    folder_id: String,
    #[server(default)] parent_id: String,
) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    let parent = Some(parent_id.as_str()).filter(|f| !f.trim().is_empty());
    req.service
        .move_folder(&p, &environment_id, &folder_id, parent, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "delete_folder")]
pub async fn delete_folder(environment_id: String, folder_id: String) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .delete_folder(&p, &environment_id, &folder_id, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "create_collection")]
pub async fn create_collection(
    environment_id: String,
    #[server(default)] name: String,
    #[server(default)] description: String,
) -> Result<CollectionEntry, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .create_collection(&p, &environment_id, &name, &description, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "update_collection")]
pub async fn update_collection(
    environment_id: String,
    collection_id: String,
    #[server(default)] name: String,
    #[server(default)] description: String,
) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .update_collection(
            &p,
            &environment_id,
            &collection_id,
            &name,
            &description,
            &req.meta,
        )
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "delete_collection")]
pub async fn delete_collection(
    environment_id: String,
    collection_id: String,
) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .delete_collection(&p, &environment_id, &collection_id, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "shares")]
pub async fn load_shares(
    environment_id: String,
    kind: String,
    id: String,
    /// Offers only the users and groups whose name or email contains it.
    #[server(default)]
    search: String,
) -> Result<Shares, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .shares(
            &p,
            &environment_id,
            kind_of(&kind)?,
            &id,
            &search,
            &req.meta,
        )
        .await
        .or_api(&req.meta)
}

/// `grantees`: `user:<id>` or `group:<id>`; `level`: view, contribute, edit or manage.
#[server(prefix = "/api", endpoint = "share")]
pub async fn share_item(
    environment_id: String,
    kind: String,
    id: String,
    #[server(default)] grantees: Vec<String>,
    #[server(default)] level: String,
) -> Result<Shares, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .share(
            &p,
            &environment_id,
            kind_of(&kind)?,
            &id,
            &grantees,
            &level,
            &req.meta,
        )
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "revoke_share")]
pub async fn revoke_share(
    environment_id: String,
    kind: String,
    id: String,
    grantee: String,
) -> Result<Shares, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .revoke_share(
            &p,
            &environment_id,
            kind_of(&kind)?,
            &id,
            &grantee,
            &req.meta,
        )
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "explain_access")]
pub async fn explain_access(
    environment_id: String,
    kind: String,
    id: String,
    user_id: String,
) -> Result<Explanation, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .explain_access(
            &p,
            &environment_id,
            kind_of(&kind)?,
            &id,
            &user_id,
            &req.meta,
        )
        .await
        .or_api(&req.meta)
}

/// The active environment's Media Library at `folder_id` (empty: the root); `None` when
/// the user has no product environment to work in.
#[server(prefix = "/api", endpoint = "active_media")]
pub async fn active_media(
    #[server(default)] folder_id: String,
) -> Result<Option<FolderView>, ConsoleError> {
    let (req, p) = signed_in().await?;
    let Some(env) = req
        .service
        .active_environment(&p, &req.meta)
        .await
        .or_api(&req.meta)?
    else {
        return Ok(None);
    };
    let folder = Some(folder_id.as_str()).filter(|f| !f.trim().is_empty());
    req.service
        .browse(&p, &env.id, folder, &req.meta)
        .await
        .map(Some)
        .or_api(&req.meta)
}
