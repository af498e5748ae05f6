//! The Provisioning API reference page's data: the committed OpenAPI document (a test
//! keeps it equal to what the code generates), read into operations.

use super::ConsoleError;
use crate::domain::api_reference::ApiOperation;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const OPENAPI: &str = include_str!("../../../server/openapi.json");

#[cfg(feature = "ssr")]
fn schema_name(reference: &serde_json::Value) -> String {
    reference["$ref"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .unwrap_or("")
        .to_string()
}

/// Every operation of the document, in its order.
#[cfg(feature = "ssr")]
pub fn operations() -> Vec<ApiOperation> {
    use crate::domain::api_reference::ApiField;
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
    let schemas = &doc["components"]["schemas"];
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let mut fields: Vec<ApiField> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| ApiField {
                    name: text(&p["name"]),
                    location: text(&p["in"]),
                    required: p["required"].as_bool().unwrap_or(false),
                    description: text(&p["description"]),
                })
                .collect();
            let body = schema_name(&op["requestBody"]["content"]["application/json"]["schema"]);
            if !body.is_empty() {
                let schema = &schemas[&body];
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str())
                    .collect();
                for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                    fields.push(ApiField {
                        name: name.clone(),
                        location: "body".into(),
                        required: required.contains(&name.as_str()),
                        description: text(&prop["description"]),
                    });
                }
            }
            out.push(ApiOperation {
                method: method.to_uppercase(),
                path: path.clone(),
                tag: op["tags"][0].as_str().unwrap_or("").to_string(),
                summary: text(&op["summary"]),
                fields,
                response: schema_name(
                    &op["responses"]["200"]["content"]["application/json"]["schema"],
                ),
            });
        }
    }
    out
}

#[server(prefix = "/api", endpoint = "provisioning_api_reference")]
pub async fn provisioning_api_reference() -> Result<Vec<ApiOperation>, ConsoleError> {
    super::context::signed_in().await?;
    Ok(operations())
}
