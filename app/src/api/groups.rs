//! User groups and their members.

use super::ConsoleError;
use crate::domain::group::{GroupDetail, GroupMember, GroupSummary};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

#[server(prefix = "/api", endpoint = "groups")]
pub async fn list_groups() -> Result<Vec<GroupSummary>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service.groups(&p, &req.meta).await.or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "group")]
pub async fn load_group(id: String) -> Result<GroupDetail, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .group(&p, &id, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "create_group")]
pub async fn create_group(#[server(default)] name: String) -> Result<GroupSummary, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .create_group(&p, &name, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "rename_group")]
pub async fn rename_group(
    id: String,
    #[server(default)] name: String,
) -> Result<GroupSummary, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .rename_group(&p, &id, &name, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "delete_group")]
pub async fn delete_group(id: String) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .delete_group(&p, &id, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "add_group_members")]
pub async fn add_group_members(
    id: String,
    #[server(default)] user_ids: Vec<String>,
) -> Result<Vec<GroupMember>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .add_group_members(&p, &id, &user_ids, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "remove_group_members")]
pub async fn remove_group_members(
    id: String,
    #[server(default)] user_ids: Vec<String>,
) -> Result<Vec<GroupMember>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .remove_group_members(&p, &id, &user_ids, &req.meta)
        .await
        .or_api(&req.meta)
}
