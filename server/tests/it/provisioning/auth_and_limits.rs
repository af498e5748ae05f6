//! Credentials, the plan feature, unknown paths, bodies, rate limits and their headers.

use super::*;
use http::StatusCode;

#[tokio::test]
async fn only_the_right_enabled_key_of_the_paths_account_gets_in() {
    let c = Client::new("enterprise").await;
    let users = c.path("/users");
    // Missing, malformed, wrong secret, unknown key: all the same 401.
    for auth in [
        None,
        Some("Bearer abc".to_string()),
        Some("Basic !!!".to_string()),
        Some(Client::basic(&c.key, "wrong")),
        Some(Client::basic("123456789012345", &c.secret)),
    ] {
        let r = c.send_as(auth.as_deref(), "GET", &users, Body_::None).await;
        refused(&r, 401, "Invalid credentials");
        assert!(r.headers.contains_key("x-request-id"));
    }
    // The scheme's case doesn't matter.
    let lower = Client::basic(&c.key, &c.secret).replacen("Basic", "basic", 1);
    let r = c.send_as(Some(&lower), "GET", &users, Body_::None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Another account's id in the path.
    let other = "/v1_1/provisioning/accounts/00000000-0000-4000-8000-000000000000/users";
    let auth = Client::basic(&c.key, &c.secret);
    let r = c.send_as(Some(&auth), "GET", other, Body_::None).await;
    refused(&r, 401, "Invalid credentials");
    // A disabled key.
    let admin = c.app.admin_token().await;
    let r = c
        .app
        .call(
            "set_account_api_key_enabled",
            &[("api_key", &c.key), ("enabled", "false")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    refused(&c.get("/users").await, 401, "Invalid credentials");
}

#[tokio::test]
async fn an_account_without_the_plan_feature_is_refused() {
    // Change plan refuses to leave the Provisioning API while keys exist …
    let dir = tempfile::tempdir().unwrap();
    let c = Client::on_disk(dir.path(), "enterprise").await;
    assert_eq!(c.get("/users").await.status, StatusCode::OK);
    let admin = c.app.admin_token().await;
    let r = c
        .app
        .call("change_plan", &[("plan", "advanced")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(c.get("/users").await.status, StatusCode::OK);
    // … and a key whose account lost the feature anyway (the plan changed under it) stops
    // working at its next request.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("console.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE accounts SET plan = 'advanced'")
        .execute(&pool)
        .await
        .unwrap();
    refused(
        &c.get("/users").await,
        403,
        "Provisioning API is not enabled for this account",
    );
}

#[tokio::test]
async fn twenty_failed_authentications_lock_the_client_address_out() {
    let c = Client::new("enterprise").await;
    let wrong = Client::basic(&c.key, "wrong");
    for _ in 0..20 {
        let r = c
            .send_as(Some(&wrong), "GET", &c.path("/users"), Body_::None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right credentials wait now, for 15 minutes.
    let r = c.get("/users").await;
    refused(&r, 429, "Too many requests");
    assert!(r.headers.contains_key(http::header::RETRY_AFTER));
    c.app.clock.advance(15 * 60);
    assert_eq!(c.get("/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_paths_and_methods_bad_bodies_say_so_in_json() {
    let c = Client::new("enterprise").await;
    refused(&c.get("/nothing_here").await, 404, "not found");
    refused(
        &c.send("PATCH", "/users", Body_::None).await,
        404,
        "not found",
    );
    let r = c
        .send_as(
            None,
            "POST",
            "/v1_1/provisioning/agents/accounts",
            Body_::None,
        )
        .await;
    refused(&r, 404, "not found");
    let r = c
        .send(
            "POST",
            "/user_groups",
            Body_::Raw("application/json", b"{nope".to_vec()),
        )
        .await;
    refused(&r, 400, "Invalid request body");
    // A 10 MB body is refused whole, nothing created.
    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let r = c
        .send(
            "POST",
            "/user_groups",
            Body_::Raw("application/json", big.into_bytes()),
        )
        .await;
    refused(&r, 400, "Invalid request body");
    refused(
        &c.send("POST", "/user_groups", Body_::Json(serde_json::json!({})))
            .await,
        400,
        "Missing required parameter - name",
    );
    let groups = c.ok("GET", "/user_groups", Body_::None).await;
    assert_eq!(groups, serde_json::json!({ "user_groups": [] }));
}

#[tokio::test]
async fn every_answer_carries_the_quota_and_the_hour_runs_out_with_420() {
    let c = Client::new("enterprise").await;
    let mut cfg = config();
    cfg.provisioning_hourly_limit = 3;
    let router = server::router::build(&cfg, c.app.service.clone(), crate::support::site());
    let c = Client { router, ..c };
    let first = c.get("/users").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.headers["x-featureratelimit-limit"], "3");
    assert_eq!(first.headers["x-featureratelimit-remaining"], "2");
    let reset = first.headers["x-featureratelimit-reset"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(reset.ends_with(" GMT") && reset.len() == 29, "{reset}");
    assert_eq!(first.headers[http::header::CACHE_CONTROL], "no-store");
    c.get("/users").await;
    c.get("/users").await;
    let r = c.get("/users").await;
    refused(&r, 420, "Rate limit exceeded");
    assert_eq!(r.headers["x-featureratelimit-remaining"], "0");
    let wait: i64 = r.headers[http::header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    c.app.clock.advance(wait);
    assert_eq!(c.get("/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_burst_above_the_per_second_limit_gets_429() {
    let c = Client::new("enterprise").await;
    let mut cfg = config();
    cfg.provisioning_per_second_limit = 2;
    let router = server::router::build(&cfg, c.app.service.clone(), crate::support::site());
    let c = Client { router, ..c };
    assert_eq!(c.get("/users").await.status, StatusCode::OK);
    assert_eq!(c.get("/users").await.status, StatusCode::OK);
    let r = c.get("/users").await;
    refused(&r, 429, "Too many requests");
    assert!(r.headers.contains_key(http::header::RETRY_AFTER));
    c.app.clock.advance(1);
    assert_eq!(c.get("/users").await.status, StatusCode::OK);
}
