//! SCIM's discovery documents (RFC 7643 §6, §7): the resource types served and the schema of
//! their attributes — the User and the Group as the console holds them.

use serde_json::{json, Value};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

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
            attribute("userName", "string",
                "The identity provider's login name (the email unless it sends another), unique in the account",
                json!({ "required": true, "uniqueness": "server" })),
            attribute("externalId", "string", "The identity provider's id for the user",
                json!({ "caseExact": true })),
            attribute("name", "complex", "The user's name", json!({ "subAttributes": [
                string("formatted", "The display name"),
                string("givenName", "First name"),
                string("familyName", "Last name"),
            ]})),
            string("displayName", "The name the console shows"),
            attribute("emails", "complex",
                "The user's email: the primary one of those sent (else the work one, else the first)", json!({
                "multiValued": true,
                "required": true,
                "subAttributes": [
                    attribute("value", "string", "The email address", json!({ "required": true })),
                    attribute("type", "string", "As sent (work when never sent)",
                        json!({ "canonicalValues": ["work", "home", "other"] })),
                    attribute("primary", "boolean", "As sent (true when never sent)", json!({})),
                ],
            })),
            attribute("active", "boolean",
                "False while the user is disabled (every user is one or the other; true when not sent)",
                json!({ "required": true })),
        ],
        "meta": {
            "resourceType": "Schema",
            "location": format!("{base}/scim/v2/Schemas/{USER_SCHEMA}"),
        },
    })
}

/// The Group schema: a name and members (users).
pub fn group_schema(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": GROUP_SCHEMA,
        "name": "Group",
        "description": "A user group of the console's account",
        "attributes": [
            attribute("displayName", "string", "The group's name, unique in the account",
                json!({ "required": true, "uniqueness": "server" })),
            attribute("members", "complex", "The group's users", json!({
                "multiValued": true,
                "subAttributes": [
                    attribute("value", "string", "The user's id",
                        json!({ "caseExact": true, "mutability": "immutable" })),
                    attribute("$ref", "reference", "The user's location", json!({
                        "caseExact": true, "mutability": "immutable", "referenceTypes": ["User"],
                    })),
                ],
            })),
        ],
        "meta": {
            "resourceType": "Schema",
            "location": format!("{base}/scim/v2/Schemas/{GROUP_SCHEMA}"),
        },
    })
}

/// A resource type: `User` or `Group`.
pub fn resource_type(base: &str, name: &str) -> Option<Value> {
    let (schema, description) = match name {
        "User" => (USER_SCHEMA, "A user of the console's account"),
        "Group" => (GROUP_SCHEMA, "A user group of the console's account"),
        _ => return None,
    };
    Some(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": name,
        "name": name,
        "endpoint": format!("/{name}s"),
        "description": description,
        "schema": schema,
        "meta": {
            "resourceType": "ResourceType",
            "location": format!("{base}/scim/v2/ResourceTypes/{name}"),
        },
    }))
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
