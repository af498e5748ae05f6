//! Operator commands: `server bootstrap` (the first account, headless), `server outbox`
//! and `server account-api-key create`.

use app::service::{BootstrapInput, ServiceError};
use std::io::Read;

/// Runs the command; the error is the message for standard error.
pub async fn run(
    config: &crate::config::Config,
    account_name: String,
    email: String,
    plan: String,
) -> Result<String, String> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| format!("can't read the password from standard input: {e}"))?;
    // The password is the first line; only the line ending is removed.
    let password = password.lines().next().unwrap_or_default().to_string();
    let service = crate::open_service(config).await?;
    let input = BootstrapInput {
        account_name,
        email,
        password,
        plan: Some(plan),
    };
    match service.bootstrap(&input).await {
        Ok(outcome) => Ok(serde_json::json!({ "account_id": outcome.account_id }).to_string()),
        Err(e) => Err(refusal("bootstrap refused, nothing was changed", e)),
    }
}

/// The message for a refused command: field errors one a line.
pub fn refusal(what: &str, e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(fields) => {
            let lines: Vec<String> = fields
                .0
                .iter()
                .map(|f| format!("  {}: {}", f.field, f.message))
                .collect();
            format!("{what}:\n{}", lines.join("\n"))
        }
        e => format!("{what}: {e}"),
    }
}

/// `server outbox`: the newest emails, one JSON object a line.
pub async fn outbox(
    config: &crate::config::Config,
    to: Option<String>,
    limit: i64,
) -> Result<(), String> {
    let service = crate::open_service(config).await?;
    let messages = service
        .read_outbox(to.as_deref(), limit)
        .await
        .map_err(|e| e.to_string())?;
    for m in messages {
        println!(
            "{}",
            serde_json::json!({ "id": m.id, "to": m.to_address, "subject": m.subject, "text": m.body_text, "created_at": m.created_at })
        );
    }
    Ok(())
}

/// `server account-api-key create`: the JSON line with the new key and its secret.
pub async fn create_account_api_key(
    config: &crate::config::Config,
    name: &str,
    account_id: Option<&str>,
) -> Result<String, String> {
    let service = crate::open_service(config).await?;
    match service
        .create_account_api_key_as_operator(account_id, name)
        .await
    {
        Ok(k) => Ok(serde_json::json!({ "account_id": k.account_id, "key": k.key.api_key, "secret": k.secret })
            .to_string()),
        Err(e) => Err(refusal("no key was created", e)),
    }
}

/// `server allowed-ips clear`: the JSON line with the account and how many entries it had.
pub async fn clear_allowed_ips(
    config: &crate::config::Config,
    account_id: Option<&str>,
) -> Result<String, String> {
    let service = crate::open_service(config).await?;
    match service.clear_allowed_ips_as_operator(account_id).await {
        Ok((account_id, removed)) => {
            Ok(serde_json::json!({ "account_id": account_id, "removed": removed }).to_string())
        }
        Err(e) => Err(refusal("the list was not cleared", e)),
    }
}

/// `server saml set`: the settings as the page would save them.
pub async fn saml_set(
    config: &crate::config::Config,
    command: crate::config::SamlCommand,
) -> Result<String, String> {
    use crate::config::SamlCommand;
    let service = crate::open_service(config).await?;
    match command {
        SamlCommand::Set {
            metadata,
            domains,
            enforce,
            jit,
            default_role,
            account_id,
        } => {
            let by_url = metadata.starts_with("https://") || metadata.starts_with("http://");
            let xml = if by_url {
                String::new()
            } else {
                std::fs::read_to_string(&metadata)
                    .map_err(|e| format!("the metadata file {metadata} can't be read: {e}"))?
            };
            let input = app::domain::saml::SamlSettingsInput {
                enabled: true,
                metadata_url: if by_url { metadata } else { String::new() },
                metadata_xml: xml,
                domains: domains.join("\n"),
                enforce,
                jit,
                jit_default_role: default_role.unwrap_or_default(),
            };
            match service
                .set_saml_settings_as_operator(account_id.as_deref(), &input)
                .await
            {
                Ok((_, ours)) => Ok(serde_json::json!({
                    "entity_id": ours.entity_id, "acs_url": ours.acs_url,
                })
                .to_string()),
                Err(e) => Err(refusal("SAML was not set", e)),
            }
        }
        SamlCommand::Off { account_id } => {
            match service
                .turn_saml_off_as_operator(account_id.as_deref())
                .await
            {
                Ok(account_id) => Ok(serde_json::json!({ "account_id": account_id }).to_string()),
                Err(e) => Err(refusal("SAML was not turned off", e)),
            }
        }
    }
}

/// `server scim-token create`: a SCIM bearer token, printed once.
pub async fn create_scim_token(
    config: &crate::config::Config,
    name: &str,
    account_id: Option<&str>,
) -> Result<String, String> {
    let service = crate::open_service(config).await?;
    match service
        .create_scim_token_as_operator(account_id, name)
        .await
    {
        Ok((account_id, token)) => {
            Ok(serde_json::json!({ "account_id": account_id, "token": token }).to_string())
        }
        Err(e) => Err(refusal("the token was not created", e)),
    }
}

/// `server seats set --count N`: an Enterprise account's own seats.
pub async fn set_seats(
    config: &crate::config::Config,
    count: i64,
    account_id: Option<&str>,
) -> Result<String, String> {
    let service = crate::open_service(config).await?;
    match service
        .set_enterprise_seats_as_operator(account_id, count)
        .await
    {
        Ok((account_id, limit)) => {
            Ok(serde_json::json!({ "account_id": account_id, "seat_limit": limit }).to_string())
        }
        Err(e) => Err(refusal("the seats were not changed", e)),
    }
}
