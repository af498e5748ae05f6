//! Product environment settings pages through HTTP
//! (docs/rules/environments.md#environment-settings, §10).

use crate::support::*;
use http::StatusCode;
use serde_json::{json, Value};

impl TestApp {
    /// A settings page of the session's active environment.
    pub async fn settings_page(&self, token: &str, page: &str) -> Reply {
        self.call("environment_settings", &[("page", page)], Some(token))
            .await
    }

    pub async fn save_settings(
        &self,
        token: &str,
        env: &str,
        revision: i64,
        settings: &Value,
    ) -> Reply {
        self.call(
            "save_environment_settings",
            &[
                ("environment_id", env),
                ("revision", &revision.to_string()),
                ("settings", &settings.to_string()),
            ],
            Some(token),
        )
        .await
    }
}

fn upload(presets: Value, mappings: Value) -> Value {
    json!({ "page": "upload", "value": {
        "presets": presets,
        "default_api_preset": "product_shots",
        "default_media_library_preset": null,
        "mappings": mappings,
        "max_file_mb": { "image": 20, "video": 1000, "raw": 10 },
    }})
}

fn preset(name: &str) -> Value {
    json!({ "name": name, "signing": "unsigned", "folder": "/catalog/shoes/", "tags": ["shoes", " shoes "],
            "overwrite": false, "unique_filename": true, "use_filename": true })
}

#[tokio::test]
async fn an_upload_page_reads_defaults_then_saves_whole_and_refuses_stale_or_bad_saves() {
    let app = TestApp::with_plan("plus").await;
    let admin = app.admin_token().await;
    let r = app.settings_page(&admin, "upload").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let view = r.json();
    let env = view["environment"]["id"].as_str().unwrap().to_string();
    assert_eq!(view["document"]["revision"], 0);
    // Defaults: no presets, the plan's maximum sizes (Plus: 20 / 2048 / 20 MB).
    assert_eq!(view["document"]["settings"]["value"]["presets"], json!([]));
    assert_eq!(
        view["document"]["settings"]["value"]["max_file_mb"]["video"],
        2048
    );

    let good = upload(
        json!([preset("product_shots")]),
        json!([{ "folder": "remote", "url_prefix": "https://assets.example.com/img/" }]),
    );
    let r = app.save_settings(&admin, &env, 0, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let saved = r.json();
    assert_eq!(saved["revision"], 1);
    assert_eq!(saved["updated_by"], ADMIN_EMAIL);
    let p = &saved["settings"]["value"]["presets"][0];
    assert_eq!(
        (p["folder"].as_str(), p["tags"].clone()),
        (Some("catalog/shoes"), json!(["shoes"]))
    );

    // Read back after a "reload".
    let again = app.settings_page(&admin, "upload").await.json();
    assert_eq!(again["document"]["settings"], saved["settings"]);

    // A form opened before that save can't overwrite it.
    let r = app
        .save_settings(
            &admin,
            &env,
            0,
            &upload(json!([preset("product_shots")]), json!([])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("Someone saved these settings"));

    // One bad row saves nothing, and every bad field is named.
    let bad = upload(
        json!([
            preset("product_shots"),
            preset("Product_Shots"),
            preset("bad name")
        ]),
        json!([{ "folder": "remote", "url_prefix": "ftp://nope" }]),
    );
    let r = app.save_settings(&admin, &env, 1, &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    for field in ["presets.1.name", "presets.2.name", "mappings.0.url_prefix"] {
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let mut too_big = good.clone();
    too_big["value"]["max_file_mb"]["video"] = json!(4096);
    let r = app.save_settings(&admin, &env, 1, &too_big).await;
    assert!(
        r.body.contains("max_file_mb.video") && r.body.contains("2048"),
        "{}",
        r.body
    );
    let after = app.settings_page(&admin, "upload").await.json();
    assert_eq!(after["document"]["revision"], 1);
    assert_eq!(after["document"]["settings"], saved["settings"]);

    // Not JSON, or the wrong shape: a clear error, nothing saved.
    let r = app
        .call(
            "save_environment_settings",
            &[
                ("environment_id", &env),
                ("revision", "1"),
                ("settings", "{nope"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // The save is audited with the page before and after.
    let audit = app.call("audit_log", &[], Some(&admin)).await;
    assert!(
        audit.body.contains("environment_settings.update"),
        "{}",
        audit.body
    );
}

#[tokio::test]
async fn every_page_validates_and_persists() {
    let app = TestApp::with_plan("plus").await;
    let admin = app.admin_token().await;
    let env = app.first_environment(&admin).await;
    let pages = [
        (
            json!({ "page": "backup", "value": { "automatic_backup": true, "target": "s3", "bucket": "acme-backups", "prefix": "/nightly" } }),
            json!({ "page": "backup", "value": { "automatic_backup": true, "target": "s3", "bucket": "Bad_Bucket", "prefix": "" } }),
            "bucket",
        ),
        (
            json!({ "page": "optimization", "value": { "default_image_quality": "auto_eco", "default_video_quality": { "fixed": 70 }, "auto_format": false } }),
            json!({ "page": "optimization", "value": { "default_image_quality": { "fixed": 0 }, "default_video_quality": "auto", "auto_format": true } }),
            "default_image_quality",
        ),
        (
            json!({ "page": "webhooks", "value": { "urls": [{ "url": "https://hooks.example.com/a", "all": false, "events": ["tags", "upload"] }] } }),
            json!({ "page": "webhooks", "value": { "urls": [{ "url": "http://hooks.example.com/a", "all": true, "events": [] }] } }),
            "urls.0.url",
        ),
        (
            json!({ "page": "security", "value": { "strict_transformations": true, "strict_transformation_domains": ["Shop.Example.com"], "restricted_delivery_types": ["private"], "block_pdf_zip_delivery": true, "allowed_fetch_domains": ["*.cdn.example.com"], "allowed_admin_api_ips": [{ "address": "203.0.113.0/24", "label": "office" }] } }),
            json!({ "page": "security", "value": { "strict_transformations": false, "strict_transformation_domains": [], "restricted_delivery_types": [], "block_pdf_zip_delivery": false, "allowed_fetch_domains": [], "allowed_admin_api_ips": [{ "address": "203.0.113.5/24", "label": "" }] } }),
            "allowed_admin_api_ips.0.address",
        ),
        (
            json!({ "page": "media_library", "value": { "metadata_display": "hide_empty", "keep_metadata_on_new_version": false, "advanced_search_fields": ["tags", "folder"], "default_view": "list" } }),
            json!({ "page": "media_library", "value": { "metadata_display": "show_all", "keep_metadata_on_new_version": true, "advanced_search_fields": [], "default_view": "grid" } }),
            "advanced_search_fields",
        ),
        (
            json!({ "page": "dam_apps", "value": { "enabled": ["slack", "google_drive"] } }),
            json!({ "page": "dam_apps", "value": { "enabled": ["myspace"] } }),
            "enabled",
        ),
    ];
    for (good, bad, field) in pages {
        let page = good["page"].as_str().unwrap();
        let r = app.save_settings(&admin, &env, 0, &bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{page}: {}", r.body);
        assert!(r.body.contains(field), "{page}: {}", r.body);
        let r = app.save_settings(&admin, &env, 0, &good).await;
        assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.body);
        let read = app.settings_page(&admin, page).await.json();
        assert_eq!(read["document"]["revision"], 1, "{page}");
        assert_eq!(read["document"]["settings"], r.json()["settings"], "{page}");
    }
    let read = |v: Value, path: &[&str]| path.iter().fold(v, |v, k| v[k].clone());
    let backup = app.settings_page(&admin, "backup").await.json();
    assert_eq!(
        read(backup, &["document", "settings", "value", "prefix"]),
        "nightly"
    );
    let hooks = app.settings_page(&admin, "webhooks").await.json();
    assert_eq!(
        hooks["document"]["settings"]["value"]["urls"][0]["events"],
        json!(["upload", "tags"])
    );
    // The signing key: the Root key while no key is dedicated for webhooks.
    assert_eq!(
        hooks["document"]["signing_key"].as_str().map(str::len),
        Some(15)
    );
    let dam = app.settings_page(&admin, "dam_apps").await.json();
    assert_eq!(
        dam["document"]["settings"]["value"]["enabled"],
        json!(["google_drive", "slack"])
    );
    let r = app.settings_page(&admin, "nonsense").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn settings_pages_follow_the_matrix_for_all_seven_roles() {
    let app = TestApp::with_plan("plus").await;
    let root = app.admin_token().await;
    let env = app.first_environment(&root).await;
    let optimization = |q: u8| json!({ "page": "optimization", "value": { "default_image_quality": { "fixed": q }, "default_video_quality": "auto", "auto_format": true } });
    let prefs = json!({ "page": "media_library", "value": { "metadata_display": "hide_empty", "keep_metadata_on_new_version": true, "advanced_search_fields": ["tags"], "default_view": "grid" } });
    let apps = |id: &str| json!({ "page": "dam_apps", "value": { "enabled": [id] } });
    let mut optimization_rev = 0;
    let mut prefs_rev = 0;
    let mut apps_rev = 0;
    for (i, (role, token)) in app.team(&root).await.into_iter().enumerate() {
        let env_settings = matches!(role, "master_admin" | "admin" | "technical_admin");
        let ml_prefs = role == "master_admin";
        let dam = matches!(role, "master_admin" | "admin" | "media_library_admin");
        let code = |ok: bool| {
            if ok {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        };
        for page in ["upload", "backup", "optimization", "webhooks", "security"] {
            let r = app.settings_page(&token, page).await;
            assert_eq!(
                r.status,
                code(env_settings),
                "{role} reads {page}: {}",
                r.body
            );
        }
        let r = app
            .save_settings(&token, &env, optimization_rev, &optimization(10 + i as u8))
            .await;
        assert_eq!(
            r.status,
            code(env_settings),
            "{role} saves optimization: {}",
            r.body
        );
        optimization_rev += i64::from(env_settings);
        let r = app.settings_page(&token, "media_library").await;
        assert_eq!(r.status, code(ml_prefs), "{role} reads ML preferences");
        let r = app.save_settings(&token, &env, prefs_rev, &prefs).await;
        assert_eq!(
            r.status,
            code(ml_prefs),
            "{role} saves ML preferences: {}",
            r.body
        );
        prefs_rev += i64::from(ml_prefs);
        let r = app.settings_page(&token, "dam_apps").await;
        assert_eq!(r.status, code(dam), "{role} reads DAM apps");
        let r = app
            .save_settings(&token, &env, apps_rev, &apps("slack"))
            .await;
        assert_eq!(r.status, code(dam), "{role} saves DAM apps: {}", r.body);
        apps_rev += i64::from(dam);
    }
    // What the refused roles sent changed nothing: the last allowed save stands.
    let read = app.settings_page(&root, "optimization").await.json();
    assert_eq!(read["document"]["revision"], 3);
    assert_eq!(
        read["document"]["settings"]["value"]["default_image_quality"]["fixed"],
        12
    );
    assert_eq!(
        app.settings_page(&root, "dam_apps").await.json()["document"]["revision"],
        3
    );
}

#[tokio::test]
async fn another_accounts_environment_is_not_found_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::on_disk(dir.path(), "plus").await;
    let admin = app.admin_token().await;
    let theirs = foreign_environment(dir.path()).await;
    let s = json!({ "page": "backup", "value": { "automatic_backup": true, "target": "internal", "bucket": "", "prefix": "" } });
    let r = app.save_settings(&admin, &theirs, 0, &s).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app
        .call(
            "send_test_notification",
            &[
                ("environment_id", &theirs),
                ("url", "https://hooks.example.com"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app
        .call(
            "create_environment",
            &[("name", "Copy"), ("copy_settings_from", &theirs)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

#[tokio::test]
async fn a_new_environment_can_copy_every_environment_setting_but_not_keys_or_ml_pages() {
    let app = TestApp::with_plan("plus").await;
    let admin = app.admin_token().await;
    let prod = app.first_environment(&admin).await;
    let backup = json!({ "page": "backup", "value": { "automatic_backup": true, "target": "gcs", "bucket": "acme-media", "prefix": "" } });
    assert_eq!(
        app.save_settings(&admin, &prod, 0, &backup).await.status,
        StatusCode::OK
    );
    let prefs = json!({ "page": "media_library", "value": { "metadata_display": "hide_empty", "keep_metadata_on_new_version": true, "advanced_search_fields": ["tags"], "default_view": "list" } });
    assert_eq!(
        app.save_settings(&admin, &prod, 0, &prefs).await.status,
        StatusCode::OK
    );
    let r = app
        .call(
            "create_environment",
            &[("name", "Staging"), ("copy_settings_from", "no-such-env")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("copy_settings_from"));
    assert_eq!(
        app.environments(&admin).await["environments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = app
        .call(
            "create_environment",
            &[("name", "Staging"), ("copy_settings_from", &prod)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let staging = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.json()["key_count"],
        1,
        "its own Root key, not the source's keys"
    );
    app.call("select_environment", &[("id", &staging)], Some(&admin))
        .await;
    let copied = app.settings_page(&admin, "backup").await.json();
    assert_eq!(copied["environment"]["id"], staging.as_str());
    assert_eq!(
        copied["document"]["settings"]["value"]["bucket"],
        "acme-media"
    );
    let ml = app.settings_page(&admin, "media_library").await.json();
    assert_eq!(
        ml["document"]["revision"], 0,
        "Media Library preferences aren't §2.1 settings"
    );
}
