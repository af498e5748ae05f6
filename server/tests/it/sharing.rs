//! Folders, collections and sharing through HTTP: what a Media Library user may see,
//! the effective-level rule, and bad input that changes nothing.

use crate::support::*;
use http::StatusCode;
use serde_json::Value;

pub async fn environment_id(app: &TestApp, token: &str) -> String {
    let r = app.call("environments", &[], Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["environments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub async fn folder(app: &TestApp, token: &str, env: &str, parent: &str, name: &str) -> String {
    let r = app
        .call(
            "create_folder",
            &[
                ("environment_id", env),
                ("parent_id", parent),
                ("name", name),
            ],
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

pub async fn group(app: &TestApp, token: &str, name: &str, members: &[&str]) -> String {
    let r = app
        .call("create_group", &[("name", name)], Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    if !members.is_empty() {
        let keys: Vec<String> = (0..members.len())
            .map(|i| format!("user_ids[{i}]"))
            .collect();
        let mut form = vec![("id", id.as_str())];
        form.extend(keys.iter().map(String::as_str).zip(members.iter().copied()));
        let r = app.call("add_group_members", &form, Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    id
}

pub async fn share(
    app: &TestApp,
    token: &str,
    env: &str,
    kind: &str,
    id: &str,
    grantee: &str,
    level: &str,
) -> Reply {
    app.call(
        "share",
        &[
            ("environment_id", env),
            ("kind", kind),
            ("id", id),
            ("grantees[0]", grantee),
            ("level", level),
        ],
        Some(token),
    )
    .await
}

/// Shares a folder with one grantee, which must succeed.
pub async fn share_folder(
    app: &TestApp,
    token: &str,
    env: &str,
    id: &str,
    grantee: &str,
    level: &str,
) {
    let r = share(app, token, env, "folder", id, grantee, level).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

pub async fn browse(app: &TestApp, token: &str, env: &str, folder: &str) -> Reply {
    app.call(
        "browse",
        &[("environment_id", env), ("folder_id", folder)],
        Some(token),
    )
    .await
}

pub fn names(view: &Value) -> Vec<String> {
    view["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

pub async fn explain(
    app: &TestApp,
    token: &str,
    env: &str,
    kind: &str,
    id: &str,
    user: &str,
) -> Reply {
    app.call(
        "explain_access",
        &[
            ("environment_id", env),
            ("kind", kind),
            ("id", id),
            ("user_id", user),
        ],
        Some(token),
    )
    .await
}

/// The level the explainer reports ("" for none).
pub async fn level(app: &TestApp, token: &str, env: &str, id: &str, user: &str) -> String {
    let r = explain(app, token, env, "folder", id, user).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["level"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn a_media_library_user_sees_exactly_what_is_shared_and_cannot_guess_the_rest() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    let ml = app
        .user_with_role(&admin, "ml@example.com", "media_library_user")
        .await;
    let ml_id = app.user_id(&admin, "ml@example.com").await;
    let campaigns = folder(&app, &admin, &env, "", "campaigns").await;
    let y2026 = folder(&app, &admin, &env, &campaigns, "2026").await;
    let spring = folder(&app, &admin, &env, &y2026, "spring").await;
    let secret = folder(&app, &admin, &env, "", "secret").await;
    let hidden = folder(&app, &admin, &env, &secret, "hidden").await;
    let other = folder(&app, &admin, &env, "", "other").await;
    let deep = folder(&app, &admin, &env, &other, "deep").await;
    let _beside = folder(&app, &admin, &env, &other, "beside").await;
    let designers = group(&app, &admin, "Designers", &[&ml_id]).await;

    // Nothing shared yet: an empty library, and every id is "not found".
    let r = browse(&app, &ml, &env, "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(names(&r.json()).is_empty(), "{}", r.body);
    let r = browse(&app, &ml, &env, &campaigns).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    share_folder(
        &app,
        &admin,
        &env,
        &campaigns,
        &format!("group:{designers}"),
        "view",
    )
    .await;
    share_folder(&app, &admin, &env, &deep, &format!("user:{ml_id}"), "edit").await;

    // The root lists /campaigns (shared) and /other (the way to /other/deep), never /secret.
    let root = browse(&app, &ml, &env, "").await.json();
    assert_eq!(names(&root), ["campaigns", "other"]);
    assert!(!root.to_string().contains("secret"));
    let other_entry = &root["folders"][1];
    assert_eq!(
        other_entry["level"],
        Value::Null,
        "a path only: {other_entry}"
    );
    assert_eq!(root["folders"][0]["level"], "view");
    let inside = browse(&app, &ml, &env, &campaigns).await.json();
    assert_eq!(names(&inside), ["2026"]);
    assert_eq!(inside["folders"][0]["level"], "view");
    assert_eq!(
        names(&browse(&app, &ml, &env, &y2026).await.json()),
        ["spring"]
    );
    let r = browse(&app, &ml, &env, &other).await;
    assert_eq!(names(&r.json()), ["deep"], "{}", r.body);
    assert!(!r.body.contains("beside"));

    // Unshared folders: read, list, share, explain, rename, create inside — all "not
    // found", with the same answer as an id that doesn't exist.
    let missing = browse(&app, &ml, &env, "0123456789abcdef0123456789abcdef").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    for id in [&secret, &hidden] {
        let r = browse(&app, &ml, &env, id).await;
        assert_eq!((r.status, &r.body), (missing.status, &missing.body));
        let r = app
            .call(
                "shares",
                &[("environment_id", &env), ("kind", "folder"), ("id", id)],
                Some(&ml),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = explain(&app, &ml, &env, "folder", id, &ml_id).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .call(
                "rename_folder",
                &[("environment_id", &env), ("folder_id", id), ("name", "x")],
                Some(&ml),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .call(
                "create_folder",
                &[("environment_id", &env), ("parent_id", id), ("name", "x")],
                Some(&ml),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.body.contains("secret") && !r.body.contains("hidden"));
    }

    // "can view" can't create inside; "can edit" can (contribute and up).
    let r = app
        .call(
            "create_folder",
            &[
                ("environment_id", &env),
                ("parent_id", &y2026),
                ("name", "x"),
            ],
            Some(&ml),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    folder(&app, &ml, &env, &deep, "mine").await;

    // The explainer: via group Designers, inherited from /campaigns.
    let r = explain(&app, &ml, &env, "folder", &spring, &ml_id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let e = r.json();
    assert_eq!(e["level"], "view");
    assert_eq!(e["item_path"], "/campaigns/2026/spring");
    assert_eq!(e["reasons"][0]["source"]["Group"]["name"], "Designers");
    assert_eq!(e["reasons"][0]["inherited_from"], "/campaigns");
    assert_eq!(e["reasons"][0]["decides"], true);
    // Others' access is the admins' to explain, not a Media Library user's.
    let admin_id = app.user_id(&admin, ADMIN_EMAIL).await;
    let r = explain(&app, &ml, &env, "folder", &spring, &admin_id).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let e = explain(&app, &admin, &env, "folder", &secret, &admin_id)
        .await
        .json();
    assert_eq!(e["level"], "manage");
    assert_eq!(e["reasons"][0]["source"]["Role"]["role"], "Master admin");

    // Leaving the group takes away what came only through it.
    let r = app
        .call(
            "remove_group_members",
            &[("id", &designers), ("user_ids[0]", &ml_id)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(names(&browse(&app, &ml, &env, "").await.json()), ["other"]);
    assert_eq!(
        browse(&app, &ml, &env, &campaigns).await.status,
        StatusCode::NOT_FOUND
    );
}

/// The effective-level rule, table-driven: direct, group, inherited, the highest wins,
/// and removal (of a share, a membership, a group).
#[tokio::test]
async fn the_effective_level_is_the_highest_of_direct_group_and_inherited_shares() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    app.user_with_role(&admin, "u@example.com", "media_library_user")
        .await;
    let u = app.user_id(&admin, "u@example.com").await;
    let a = folder(&app, &admin, &env, "", "a").await;
    let b = folder(&app, &admin, &env, &a, "b").await;
    let c = folder(&app, &admin, &env, &b, "c").await;
    let g1 = group(&app, &admin, "G1", &[&u]).await;
    let g2 = group(&app, &admin, "G2", &[&u]).await;
    let user = format!("user:{u}");
    let (grp1, grp2) = (format!("group:{g1}"), format!("group:{g2}"));
    // (action, folder, grantee, level) then the expected levels on a, b, c.
    let steps: Vec<(&str, &str, &str, &str, [&str; 3])> = vec![
        ("share", &b, &user, "view", ["", "view", "view"]),
        (
            "share",
            &a,
            &grp1,
            "contribute",
            ["contribute", "contribute", "contribute"],
        ),
        (
            "share",
            &c,
            &grp2,
            "edit",
            ["contribute", "contribute", "edit"],
        ),
        // A deeper lower grant never lowers the inherited level.
        (
            "share",
            &b,
            &user,
            "view",
            ["contribute", "contribute", "edit"],
        ),
        (
            "share",
            &b,
            &user,
            "manage",
            ["contribute", "manage", "manage"],
        ),
        (
            "revoke",
            &b,
            &user,
            "",
            ["contribute", "contribute", "edit"],
        ),
        ("leave", &g1, &u, "", ["", "", "edit"]),
        ("delete_group", &g2, "", "", ["", "", ""]),
    ];
    for (i, (action, target, who, lvl, expected)) in steps.into_iter().enumerate() {
        let r = match action {
            "share" => share(&app, &admin, &env, "folder", target, who, lvl).await,
            "revoke" => {
                app.call(
                    "revoke_share",
                    &[
                        ("environment_id", &env),
                        ("kind", "folder"),
                        ("id", target),
                        ("grantee", who),
                    ],
                    Some(&admin),
                )
                .await
            }
            "leave" => {
                app.call(
                    "remove_group_members",
                    &[("id", target), ("user_ids[0]", who)],
                    Some(&admin),
                )
                .await
            }
            _ => {
                app.call("delete_group", &[("id", target)], Some(&admin))
                    .await
            }
        };
        assert_eq!(r.status, StatusCode::OK, "step {i}: {}", r.body);
        for (folder, want) in [&a, &b, &c].into_iter().zip(expected) {
            assert_eq!(
                level(&app, &admin, &env, folder, &u).await,
                want,
                "step {i} ({action})"
            );
        }
    }
}

/// A random tree, random shares and random moves: the store's one-query levels and
/// listings agree with a plain walk up the tree, for every folder.
#[tokio::test]
async fn levels_and_listings_match_a_walk_up_the_tree_for_random_shares() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    let ml = app
        .user_with_role(&admin, "p@example.com", "media_library_user")
        .await;
    let u = app.user_id(&admin, "p@example.com").await;
    let in_group = group(&app, &admin, "In", &[&u]).await;
    let out_group = group(&app, &admin, "Out", &[]).await;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut ids: Vec<String> = Vec::new();
    let mut parent: Vec<Option<usize>> = Vec::new();
    for i in 0..30 {
        let p = if i < 3 { None } else { Some(next(i)) };
        let pid = p.map_or(String::new(), |p| ids[p].clone());
        ids.push(folder(&app, &admin, &env, &pid, &format!("f{i}")).await);
        parent.push(p);
    }
    let levels = ["view", "contribute", "edit", "manage"];
    let mut direct: Vec<usize> = vec![0; ids.len()]; // 0 none, 1..4 levels reaching u
    for _ in 0..12 {
        let f = next(ids.len());
        let l = next(4);
        let (grantee, counts) = match next(3) {
            0 => (format!("user:{u}"), true),
            1 => (format!("group:{in_group}"), true),
            _ => (format!("group:{out_group}"), false),
        };
        let r = share(&app, &admin, &env, "folder", &ids[f], &grantee, levels[l]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        if counts {
            // Re-sharing replaces that grantee's level; track per grantee.
            direct[f] = direct[f].max(l + 1);
        }
    }
    // Random moves after the shares: a moved folder carries its shares and everything
    // below it, and inherits from its new ancestors. Moves into the folder's own subtree
    // are refused and change nothing.
    for _ in 0..10 {
        let i = next(ids.len());
        let target = match next(4) {
            0 => None,
            _ => Some(next(ids.len())),
        };
        let below_i = |mut t: usize| loop {
            if t == i {
                break true;
            }
            match parent[t] {
                Some(p) => t = p,
                None => break false,
            }
        };
        let into_own_subtree = target.is_some_and(below_i);
        let pid = target.map_or(String::new(), |t| ids[t].clone());
        let r = app
            .call(
                "move_folder",
                &[
                    ("environment_id", &env),
                    ("folder_id", &ids[i]),
                    ("parent_id", &pid),
                ],
                Some(&admin),
            )
            .await;
        if into_own_subtree {
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "f{i} into f{target:?}");
        } else {
            assert_eq!(r.status, StatusCode::OK, "f{i} → {target:?}: {}", r.body);
            parent[i] = target;
        }
    }
    // Shares to one grantee on one folder replace each other, so recompute what holds
    // now from the share dialog instead of the history above.
    for (i, id) in ids.iter().enumerate() {
        let r = app
            .call(
                "shares",
                &[("environment_id", &env), ("kind", "folder"), ("id", id)],
                Some(&admin),
            )
            .await;
        let best = r.json()["grants"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| {
                g["inherited"] == false
                    && (g["grantee_id"] == u.as_str() || g["grantee_id"] == in_group.as_str())
            })
            .map(|g| levels.iter().position(|l| g["level"] == *l).unwrap() + 1)
            .max()
            .unwrap_or(0);
        direct[i] = best;
    }
    let effective = |mut i: usize| {
        let mut best = direct[i];
        while let Some(p) = parent[i] {
            best = best.max(direct[p]);
            i = p;
        }
        best
    };
    let leads = |i: usize| {
        (0..ids.len()).any(|j| {
            direct[j] > 0 && {
                let mut k = Some(j);
                let mut hit = false;
                while let Some(x) = k {
                    hit |= x == i;
                    k = parent[x];
                }
                hit
            }
        })
    };
    // The one-statement check the media platform will ask, straight from the service.
    let meta = app::service::RequestMeta {
        ip: "127.0.0.1".parse().expect("ip"),
        user_agent: None,
        request_id: "test".into(),
    };
    let viewer = app.service.authenticate(&ml, &meta).await.expect("session");
    let root = app
        .service
        .authenticate(&admin, &meta)
        .await
        .expect("session");
    let check = |who: &app::service::Principal, env: &str, id: &str| {
        let (who, env, id, meta) = (who.clone(), env.to_string(), id.to_string(), meta.clone());
        let service = app.service.clone();
        async move { service.folder_level(&who, &env, &id, &meta).await }
    };
    let unknown = "0".repeat(32);
    assert_eq!(check(&viewer, &env, &unknown).await.expect("level"), None);
    assert_eq!(check(&root, &env, &unknown).await.expect("level"), None);
    assert!(
        check(&viewer, &unknown, &ids[0]).await.is_err(),
        "unknown environment"
    );
    for i in 0..ids.len() {
        let want = effective(i);
        let checked = check(&viewer, &env, &ids[i]).await.expect("level");
        assert_eq!(
            checked.map_or(0, |l| l.rank() as usize),
            want,
            "folder_level of f{i}"
        );
        assert_eq!(
            check(&root, &env, &ids[i]).await.expect("level"),
            Some(app::domain::sharing::Level::Manage)
        );
        let got = level(&app, &admin, &env, &ids[i], &u).await;
        assert_eq!(
            got,
            if want == 0 { "" } else { levels[want - 1] },
            "folder f{i}"
        );
        let r = browse(&app, &ml, &env, &ids[i]).await;
        let visible = want > 0 || leads(i);
        assert_eq!(r.status == StatusCode::OK, visible, "f{i}: {}", r.body);
        if visible {
            let listed = names(&r.json());
            let expected: Vec<String> = (0..ids.len())
                .filter(|&j| parent[j] == Some(i) && (effective(j) > 0 || leads(j)))
                .map(|j| format!("f{j}"))
                .collect();
            let mut listed_sorted = listed.clone();
            listed_sorted.sort();
            let mut expected_sorted = expected.clone();
            expected_sorted.sort();
            assert_eq!(listed_sorted, expected_sorted, "children of f{i}");
        }
    }
}
