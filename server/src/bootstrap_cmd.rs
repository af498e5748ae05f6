//! Operator commands: `server bootstrap` (the first account, headless) and `server outbox`.

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
        Err(ServiceError::Invalid(fields)) => {
            let lines: Vec<String> = fields
                .0
                .iter()
                .map(|f| format!("  {}: {}", f.field, f.message))
                .collect();
            Err(format!(
                "bootstrap refused, nothing was changed:\n{}",
                lines.join("\n")
            ))
        }
        Err(e) => Err(format!("bootstrap refused, nothing was changed: {e}")),
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
