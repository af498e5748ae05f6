//! The served OpenAPI document: generated from the code, equal to the committed copy
//! (`UPDATE_OPENAPI=1` rewrites it), and every documented operation is routed.

use super::*;
use http::StatusCode;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

#[tokio::test]
async fn the_served_document_matches_the_committed_copy() {
    let c = Client::new("enterprise").await;
    let r = c
        .send_as(None, "GET", "/api/openapi.json", Body_::None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &r.body).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == r.body,
        "server/openapi.json drifted from the code: run `UPDATE_OPENAPI=1 cargo test -p server --test it openapi` and commit it"
    );
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let c = Client::new("enterprise").await;
    let doc: Value = serde_json::from_str(&server::provisioning::doc::document()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 12, "{}", paths.len());
    let mut operations = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let uri = path
                .replace("{account_id}", &c.app.account_id)
                .replace("{key}", "123456789012345")
                .replace("{sub_account_id}", &"e".repeat(32))
                .replace("{user_id}", &"f".repeat(32))
                .replace("{group_id}", &"a".repeat(32));
            let auth = Client::basic(&c.key, &c.secret);
            let r = c
                .send_as(
                    Some(&auth),
                    &method.to_uppercase(),
                    &uri,
                    Body_::Json(serde_json::json!({"name": "x"})),
                )
                .await;
            assert!(
                !(r.status == StatusCode::NOT_FOUND && r.body.contains("\"not found\"")),
                "{method} {path} is documented but not routed"
            );
            assert!(r.status.as_u16() < 500, "{method} {path}: {}", r.body);
            operations += 1;
        }
    }
    assert_eq!(operations, 25);
}
