//! User Management through HTTP: listing, adding users, invitations, seats, roles.

use crate::support::*;
use http::StatusCode;

#[tokio::test]
async fn invited_users_are_pending_until_they_set_a_password_from_the_emailed_link() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let r = app
        .add_users(&admin, &["ana@example.com", " Ben@Example.com "], "admin")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json().as_array().unwrap().len(), 2);

    let page = app.call("users", &[], Some(&admin)).await.json();
    let users = page["users"].as_array().unwrap();
    assert_eq!(users.len(), 3);
    let ana = users
        .iter()
        .find(|u| u["email"] == "ana@example.com")
        .expect("ana listed");
    assert_eq!(ana["status"], "pending");
    assert_eq!(ana["role"], "admin");
    assert_eq!(ana["environments"], "All");
    assert!(
        users.iter().any(|u| u["email"] == "Ben@Example.com"),
        "the email as typed, trimmed"
    );
    assert_eq!(page["seats_used"], 3, "pending users take a seat");

    // A pending user can't sign in, and the answer is the one anybody gets: it tells
    // nobody that the email belongs to an invited user (docs/rules/sign-in.md#sign-in).
    let r = app.sign_in("ana@example.com", ADMIN_PASSWORD).await;
    let stranger = app.sign_in("nobody@example.com", ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.body, stranger.body);
    assert!(r.body.contains("InvalidCredentials"), "{}", r.body);
    assert!(r.session_cookie().is_none());
    let token = app.invitation_token("ana@example.com").await;
    assert_eq!(token.len(), 64);
    // A weak password is refused and the link still works.
    let r = app
        .call(
            "set_password",
            &[("token", &token), ("password", "ana@example.com!")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"field\":\"password\""), "{}", r.body);
    let r = app
        .call(
            "set_password",
            &[("token", &token), ("password", ADMIN_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.sign_in("ana@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
    // Single use.
    let r = app
        .call(
            "set_password",
            &[("token", &token), ("password", "another long passphrase")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("invalid or has expired"), "{}", r.body);
    let r = app
        .call("users", &[("search", "ana@")], Some(&admin))
        .await
        .json();
    assert_eq!(r["users"][0]["status"], "active");
}

#[tokio::test]
async fn invitation_links_expire_after_seven_days() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    assert_eq!(
        app.add_users(&admin, &["late@example.com"], "reports")
            .await
            .status,
        StatusCode::OK
    );
    let token = app.invitation_token("late@example.com").await;
    app.clock.advance(7 * 24 * 3600);
    let r = app
        .call(
            "set_password",
            &[("token", &token), ("password", ADMIN_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .call(
            "set_password",
            &[
                ("token", "0".repeat(64).as_str()),
                ("password", ADMIN_PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn one_bad_row_creates_nobody_and_each_bad_row_is_named() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["ok@example.com", "not-an-email"], "admin", "emails[1]"),
        (
            vec!["ok@example.com", "OK@example.com"],
            "admin",
            "emails[1]",
        ),
        (
            vec!["ok@example.com", "root@example.com"],
            "admin",
            "emails[1]",
        ),
        (
            vec!["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io"],
            "admin",
            "emails",
        ),
        (vec![], "admin", "emails"),
        (vec!["ok@example.com"], "owner", "role"),
    ];
    for (emails, role, field) in cases {
        let r = app.add_users(&admin, &emails, role).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{emails:?}: {}", r.body);
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{emails:?} → {}",
            r.body
        );
    }
    // An environment that doesn't exist.
    let r = app
        .call(
            "add_users",
            &[
                ("emails[0]", "ok@example.com"),
                ("role", "reports"),
                ("environment_ids[0]", "4f1c2a9e7b3d48c6a0e5f2b7c9d1e3a5"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("doesn't exist"), "{}", r.body);
    assert_eq!(
        app.listed_emails(&admin).await,
        ["root@example.com"],
        "nothing was created"
    );
    assert!(
        app.service
            .read_outbox(Some("ok@example.com"), 5)
            .await
            .unwrap()
            .is_empty(),
        "no email went out"
    );
}

#[tokio::test]
async fn adding_users_stops_at_the_seat_limit() {
    let app = TestApp::with_plan("free").await; // 3 seats
    let admin = app.admin_token().await;
    let r = app
        .add_users(
            &admin,
            &["a@example.com", "b@example.com", "c@example.com"],
            "reports",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("2 of 3 seats are free"), "{}", r.body);
    assert_eq!(
        app.add_users(&admin, &["a@example.com", "b@example.com"], "reports")
            .await
            .status,
        StatusCode::OK
    );
    let r = app.add_users(&admin, &["c@example.com"], "reports").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body
            .contains("You have reached the maximum number of users allowed for your plan"),
        "{}",
        r.body
    );
    let page = app.call("users", &[], Some(&admin)).await.json();
    assert_eq!(
        (page["seats_used"].as_i64(), page["seat_limit"].as_i64()),
        (Some(3), Some(3))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_adds_never_exceed_the_seat_limit() {
    // A file database with a pool, so the adds really run side by side.
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::on_disk(dir.path(), "advanced").await; // 25 seats, 1 used
    let admin = app.admin_token().await;
    // Fill up to 10 free seats.
    for i in 0..3 {
        let emails: Vec<String> = (0..5).map(|j| format!("fill{i}-{j}@example.com")).collect();
        let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
        assert_eq!(
            app.add_users(&admin, &refs, "reports").await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        app.add_users(&admin, &["fill9@example.com"], "reports")
            .await
            .status,
        StatusCode::OK
    );
    let mut tasks = Vec::new();
    for i in 0..100 {
        let app = app.clone();
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            app.add_users(&admin, &[&format!("race{i}@example.com")], "reports")
                .await
                .status
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::FORBIDDEN => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 8, "exactly the free seats (25 − 17 used) were taken");
    let page = app.call("users", &[], Some(&admin)).await.json();
    assert_eq!(page["seats_used"], 25);
}

#[tokio::test]
async fn who_may_list_and_add_users_follows_the_matrix_for_all_seven_roles() {
    let app = TestApp::with_account().await;
    let root = app.admin_token().await;
    let roles = [
        "master_admin",
        "admin",
        "technical_admin",
        "billing",
        "reports",
        "media_library_admin",
        "media_library_user",
    ];
    for (i, role) in roles.iter().enumerate() {
        let token = app
            .user_with_role(&root, &format!("{role}@example.com"), role)
            .await;
        let list = app.call("users", &[], Some(&token)).await.status;
        let may_view = matches!(*role, "master_admin" | "admin" | "media_library_admin");
        assert_eq!(
            list == StatusCode::OK,
            may_view,
            "{role} listing users: {list}"
        );
        if !may_view {
            assert_eq!(list, StatusCode::FORBIDDEN);
        }
        let add = app
            .add_users(&token, &[&format!("new{i}@example.com")], "reports")
            .await
            .status;
        let may_invite = matches!(*role, "master_admin" | "admin");
        assert_eq!(
            add == StatusCode::OK,
            may_invite,
            "{role} adding users: {add}"
        );
        if !may_invite {
            assert_eq!(add, StatusCode::FORBIDDEN);
        }
    }
    // The grant rule: an admin gives admin and below, not billing or master admin.
    let admin = app
        .user_with_role(&root, "second-admin@example.com", "admin")
        .await;
    for (role, ok) in [
        ("admin", true),
        ("technical_admin", true),
        ("media_library_user", true),
        ("billing", false),
        ("master_admin", false),
    ] {
        let r = app
            .add_users(&admin, &[&format!("granted-{role}@example.com")], role)
            .await;
        assert_eq!(
            r.status == StatusCode::OK,
            ok,
            "admin granting {role}: {}",
            r.body
        );
        if !ok {
            assert!(r.body.contains("\"field\":\"role\""), "{}", r.body);
        }
    }
    // Refusals are audited.
    let log = app.call("audit_log", &[], Some(&root)).await;
    assert!(log.body.contains("access.denied"), "{}", log.body);
}

#[tokio::test]
async fn the_table_pages_by_keyset_and_filters() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    for batch in 0..12 {
        app.clock.advance(1);
        let emails: Vec<String> = (0..5)
            .map(|j| format!("u{batch:02}{j}@example.com"))
            .collect();
        let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
        let role = if batch % 2 == 0 {
            "reports"
        } else {
            "technical_admin"
        };
        assert_eq!(
            app.add_users(&admin, &refs, role).await.status,
            StatusCode::OK
        );
    }
    let first = app.call("users", &[], Some(&admin)).await.json();
    assert_eq!(first["users"].as_array().unwrap().len(), 50);
    let next = first["next"].as_str().unwrap().to_string();
    let second = app
        .call("users", &[("after", &next)], Some(&admin))
        .await
        .json();
    assert_eq!(second["users"].as_array().unwrap().len(), 11);
    assert!(second["next"].is_null());
    let a: Vec<_> = first["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].clone())
        .collect();
    assert!(
        second["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| !a.contains(&u["id"])),
        "pages don't overlap"
    );

    let r = app
        .call("users", &[("search", "U03")], Some(&admin))
        .await
        .json();
    assert_eq!(
        r["users"].as_array().unwrap().len(),
        5,
        "email prefix, case-insensitive"
    );
    let r = app
        .call("users", &[("role", "technical_admin")], Some(&admin))
        .await
        .json();
    assert_eq!(r["users"].as_array().unwrap().len(), 30);
    let r = app
        .call("users", &[("status", "active")], Some(&admin))
        .await
        .json();
    assert_eq!(r["users"].as_array().unwrap().len(), 1);
    let r = app
        .call("users", &[("search", "%")], Some(&admin))
        .await
        .json();
    assert_eq!(
        r["users"].as_array().unwrap().len(),
        0,
        "LIKE wildcards are literal"
    );
    for (k, v) in [
        ("status", "sleeping"),
        ("role", "owner"),
        ("after", "garbage"),
    ] {
        let r = app.call("users", &[(k, v)], Some(&admin)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{k}={v}");
    }
}

/// Every order walks all users exactly once, page by page, in its order.
#[tokio::test]
async fn every_sort_pages_through_all_users_in_order() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    // 60 users, created in an order unrelated to their emails; some with names.
    for batch in 0..12 {
        app.clock.advance(1);
        let emails: Vec<String> = (0..5)
            .map(|j| {
                format!(
                    "{}{batch:02}@example.com",
                    ["zed", "amy", "kit", "bo", "lu"][j]
                )
            })
            .collect();
        let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
        assert_eq!(
            app.add_users(&admin, &refs, "reports").await.status,
            StatusCode::OK
        );
    }
    let kit = app.user_id(&admin, "kit03@example.com").await;
    let r = app
        .call(
            "edit_user",
            &[
                ("id", &kit),
                ("name", "Aaron: the first"),
                ("email", "kit03@example.com"),
                ("role", "reports"),
                ("all_environments", "on"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for sort in ["created", "created_desc", "name", "email", "last_login"] {
        let mut seen: Vec<serde_json::Value> = Vec::new();
        let mut after = String::new();
        loop {
            let r = app
                .call("users", &[("sort", sort), ("after", &after)], Some(&admin))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{sort}: {}", r.body);
            let page = r.json();
            seen.extend(page["users"].as_array().unwrap().iter().cloned());
            match page["next"].as_str() {
                Some(n) => after = n.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), 61, "{sort}: every user once");
        let mut ids: Vec<_> = seen.iter().map(|u| u["id"].as_str().unwrap()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 61, "{sort}: no repeats");
        let key = |u: &serde_json::Value| -> String {
            match sort {
                "email" => u["email"].as_str().unwrap().to_lowercase(),
                "name" => u["name"]
                    .as_str()
                    .map(str::to_lowercase)
                    .unwrap_or_else(|| u["email"].as_str().unwrap().to_lowercase()),
                _ => String::new(),
            }
        };
        if matches!(sort, "email" | "name") {
            let keys: Vec<String> = seen.iter().map(key).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted, "{sort}");
        }
        if sort == "name" {
            assert_eq!(
                seen[0]["name"], "Aaron: the first",
                "the name sorts, colon and all"
            );
        }
        if sort == "last_login" {
            assert_eq!(
                seen[0]["email"], ADMIN_EMAIL,
                "the only user who signed in comes first"
            );
        }
        if sort == "created_desc" {
            assert_eq!(seen[60]["email"], ADMIN_EMAIL, "the oldest comes last");
        }
    }
    for (k, v) in [("sort", "shoe_size"), ("after", "abc:t:x")] {
        let r = app.call("users", &[(k, v)], Some(&admin)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{k}={v}: {}", r.body);
    }
}

/// Taking the last seat tells those who may change the plan (docs/rules/email.md): once, when
/// it happens — not before.
#[tokio::test]
async fn the_last_seat_taken_is_emailed_to_those_who_may_change_the_plan() {
    let app = TestApp::with_plan("free").await;
    let admin = app.admin_token().await;
    let seat_limit_emails = |app: &TestApp| {
        let service = app.service.clone();
        async move {
            service
                .read_outbox(Some(ADMIN_EMAIL), 100)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.kind == "seat_limit")
                .count()
        }
    };
    assert_eq!(
        app.add_users(&admin, &["one@example.com"], "reports")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(seat_limit_emails(&app).await, 0, "a seat is still free");
    assert_eq!(
        app.add_users(&admin, &["two@example.com"], "reports")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        seat_limit_emails(&app).await,
        1,
        "3 of 3 seats: the root user is told"
    );
    assert_eq!(
        app.add_users(&admin, &["three@example.com"], "reports")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(seat_limit_emails(&app).await, 1);
}
