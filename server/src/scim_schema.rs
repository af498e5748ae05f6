//! SCIM's discovery documents (RFC 7643 §6, §7): the resource types served and the schema of
//! their attributes — the User as the console holds it. Groups join when they are served.

use serde_json::{json, Value};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// An attribute's definition.
fn attribute(name: &str, kind: &str, description: &str, extra: Value) -> Value {
    let mut a = json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "description": description,
        "required": false,
        "caseExact": false,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
    });
    if let (Some(a), Some(extra)) = (a.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            a.insert(k.clone(), v.clone());
        }
    }
    a
}

/// The User schema: the attributes the console keeps.
pub fn user_schema(base: &str) -> Value {
    let string = |name: &str, description: &str| attribute(name, "string", description, json!({}));
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A user of the console's account",
        "attributes": [
            attribute("userName", "string", "The user's email address, unique in the account",
                json!({ "required": true, "uniqueness": "server" })),
            attribute("externalId", "string", "The identity provider's id for the user",
                json!({ "caseExact": true })),
            attribute("name", "complex", "The user's name", json!({ "subAttributes": [
                string("formatted", "The display name"),
                string("givenName", "First name"),
                string("familyName", "Last name"),
            ]})),
            string("displayName", "The name the console shows"),
            attribute("emails", "complex", "The user's email (one, of type work)", json!({
                "multiValued": true,
                "subAttributes": [
                    string("value", "The email address"),
                    string("type", "work"),
                    attribute("primary", "boolean", "Always true", json!({})),
                ],
            })),
            attribute("active", "boolean", "False while the user is disabled", json!({})),
        ],
        "meta": {
            "resourceType": "Schema",
            "location": format!("{base}/scim/v2/Schemas/{USER_SCHEMA}"),
        },
    })
}

/// The User resource type.
pub fn user_resource_type(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A user of the console's account",
        "schema": USER_SCHEMA,
        "meta": {
            "resourceType": "ResourceType",
            "location": format!("{base}/scim/v2/ResourceTypes/User"),
        },
    })
}

/// A list of discovery documents (RFC 7644 §4: a ListResponse, not paged).
pub fn list(resources: Vec<Value>) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": resources.len(),
        "startIndex": 1,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}
