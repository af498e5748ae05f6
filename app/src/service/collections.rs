//! Collections per environment (docs/rules/sharing.md#folders-collections-and-sharing): create (the
//! creator gets *can manage*), rename and describe (*can edit*), delete (*can manage*).

use super::crypto::random_hex;
use super::media_library::{need, Access};
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::group::normalized;
use crate::domain::sharing::{collection_name, CollectionEntry, ItemKind, Level};
use crate::domain::Refusal;
use crate::store::{CollectionRow, Tx};
use serde_json::json;

/// A collection's name (1–255) and description (≤ 1000), each refused on its field.
fn collection_fields(name: &str, description: &str) -> ServiceResult<(String, String)> {
    let name = collection_name(name).map_err(|m| ServiceError::invalid("name", m))?;
    let description = crate::domain::validation::name(description, 0, 1000, "Description")
        .map_err(|m| ServiceError::invalid("description", m))?;
    Ok((name, description))
}

/// No other collection of the environment has this name, ignoring case.
async fn collection_name_free(
    tx: &mut Tx,
    environment_id: &str,
    name: &str,
    except_id: &str,
) -> ServiceResult<()> {
    if tx
        .collection_name_taken(environment_id, &normalized(name), except_id)
        .await?
    {
        return Err(ServiceError::invalid(
            "name",
            format!("A collection called \"{name}\" already exists"),
        ));
    }
    Ok(())
}

impl Service {
    /// Creates a collection; its creator gets *can manage* on it.
    pub async fn create_collection(
        &self,
        principal: &Principal,
        environment_id: &str,
        name: &str,
        description: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<CollectionEntry> {
        let (name, description) = collection_fields(name, description)?;
        let now = self.now();
        let (mut tx, env) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    if !self.creation_rights(tx, principal).await?.1 {
                        return Err(ServiceError::from(Refusal::CollectionsNotAllowed));
                    }
                    collection_name_free(tx, &env.id, &name, "").await?;
                    Ok(env)
                },
            )
            .await?;
        let row = CollectionRow {
            id: random_hex(self.inner.entropy.as_ref(), 16),
            environment_id: env.id.clone(),
            name,
            description,
            owner_id: Some(principal.user_id.clone()),
            created_at: now,
            updated_at: now,
        };
        tx.insert_collection(&row, &normalized(&row.name)).await?;
        let scope = ItemKind::Collection.scope(&env.id, &row.id);
        let grant_id = random_hex(self.inner.entropy.as_ref(), 16);
        let role_id = Level::Manage.role_id(ItemKind::Collection);
        tx.put_share(
            &grant_id,
            "user",
            &principal.user_id,
            &role_id,
            &scope,
            &principal.user_id,
            now,
        )
        .await?;
        let record = AuditRecord::new("collection.create", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("collection", &row.id, &row.name))
            .change(
                None,
                Some(json!({ "environment": env.cloud_name, "name": row.name })),
            );
        tx.commit(&record).await?;
        Ok(CollectionEntry {
            id: row.id,
            name: row.name,
            description: row.description,
            level: Level::Manage,
            shared: true,
        })
    }

    /// Renames and describes a collection (*can edit*).
    pub async fn update_collection(
        &self,
        principal: &Principal,
        environment_id: &str,
        id: &str,
        name: &str,
        description: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let (name, description) = collection_fields(name, description)?;
        let now = self.now();
        let (mut tx, before) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    let (row, level) = self.seen_collection(tx, principal, &env, id).await?;
                    need(Some(level), Level::Edit, "Renaming a collection")?;
                    collection_name_free(tx, &env.id, &name, &row.id).await?;
                    Ok(row)
                },
            )
            .await?;
        let after = CollectionRow {
            name,
            description,
            updated_at: now,
            ..before.clone()
        };
        tx.update_collection(&after, &normalized(&after.name))
            .await?;
        let record = AuditRecord::new("collection.update", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("collection", &after.id, &after.name))
            .change(
                Some(json!({ "name": before.name, "description": before.description })),
                Some(json!({ "name": after.name, "description": after.description })),
            );
        tx.commit(&record).await?;
        Ok(())
    }

    /// Deletes a collection (*can manage*) and its shares; its assets stay.
    pub async fn delete_collection(
        &self,
        principal: &Principal,
        environment_id: &str,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let now = self.now();
        let (mut tx, (env, row)) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    let (row, level) = self.seen_collection(tx, principal, &env, id).await?;
                    need(Some(level), Level::Manage, "Deleting a collection")?;
                    Ok((env, row))
                },
            )
            .await?;
        tx.delete_collection(&env.id, &row.id).await?;
        let record = AuditRecord::new("collection.delete", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("collection", &row.id, &row.name))
            .change(
                Some(json!({ "environment": env.cloud_name, "name": row.name })),
                None,
            );
        tx.commit(&record).await?;
        Ok(())
    }
}
