//! The Provisioning API reference as the console's page shows it: operations grouped by
//! tag, read from the generated OpenAPI document.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiField {
    pub name: String,
    /// `path`, `query` or `body`.
    pub location: String,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiOperation {
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub fields: Vec<ApiField>,
    /// The 200 body's schema name.
    pub response: String,
}
