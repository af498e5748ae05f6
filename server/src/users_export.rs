//! User Management's exports (docs/rules/users.md#export): the users the page's filters
//! match, and every group with its members, as CSV or JSON — streamed a batch at a time (see
//! `export`).

use crate::export::{self, csv_line, json_record};
use app::api::context::CookiePolicy;
use app::domain::export_progress::ExportFormat;
use app::domain::format::iso;
use app::domain::{EnvironmentAccess, UserSummary};
use app::service::{Principal, RequestMeta, Service, ServiceError, UserQuery};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

/// Users per batch: one short read each.
const BATCH: i64 = 1000;

#[derive(Clone)]
struct Export {
    service: Service,
    cookies: CookiePolicy,
}

/// The page's filters, as its list takes them.
#[derive(Debug, Deserialize, Default)]
struct Params {
    #[serde(default)]
    format: String,
    #[serde(default)]
    search: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    environment: String,
}

pub fn router(service: Service, cookies: CookiePolicy) -> Router {
    Router::new()
        .route("/api/users/export", get(users))
        .route("/api/groups/export", get(groups))
        .with_state(Export { service, cookies })
}

const USER_COLUMNS: [&str; 10] = [
    "id",
    "email",
    "name",
    "role",
    "status",
    "environments",
    "groups",
    "two_factor",
    "created_at",
    "last_login_at",
];

struct Walk {
    service: Service,
    principal: Principal,
    meta: RequestMeta,
    query: UserQuery,
    format: ExportFormat,
    written: usize,
}

async fn users(
    State(x): State<Export>,
    Query(p): Query<Params>,
    req: axum::extract::Request,
) -> Response {
    let Some(format) = export::format_of(&p.format) else {
        return export::bad_format();
    };
    let (principal, meta) = match export::signed_in(&x.service, &x.cookies, req).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let query = UserQuery {
        search: p.search,
        role: p.role,
        status: p.status,
        sort: p.sort,
        after: String::new(),
        environment: p.environment,
    };
    // The first batch before the answer starts: a refusal is still a status.
    let first = match x
        .service
        .list_users_by(&principal, &query, BATCH, &meta)
        .await
    {
        Ok(page) => page,
        Err(e) => return export::refused(e, &meta),
    };
    let mut walk = Walk {
        service: x.service,
        principal,
        meta,
        query,
        format,
        written: 0,
    };
    let (bytes, more) = walk.render(first);
    let (opening, closing) = match format {
        ExportFormat::Csv => (csv_line(&USER_COLUMNS), Vec::new()),
        ExportFormat::Json => (b"[".to_vec(), b"]".to_vec()),
    };
    let body = export::streamed(opening, bytes, more.then_some(walk), closing, next_users);
    export::answer(format, "users", None, Body::from_stream(body))
}

async fn next_users(mut walk: Walk) -> Result<(Vec<u8>, Option<Walk>), ServiceError> {
    let page = walk
        .service
        .list_users_by(&walk.principal, &walk.query, BATCH, &walk.meta)
        .await?;
    let (bytes, more) = walk.render(page);
    Ok((bytes, more.then_some(walk)))
}

impl Walk {
    /// A page's bytes, and whether another follows (its cursor is kept for it).
    fn render(&mut self, page: app::domain::UserPage) -> (Vec<u8>, bool) {
        let mut out = Vec::with_capacity(page.users.len() * 160);
        for u in &page.users {
            user_row(&mut out, u, self.format, self.written);
            self.written += 1;
        }
        match page.next {
            Some(next) => {
                self.query.after = next;
                (out, true)
            }
            None => (out, false),
        }
    }
}

fn environments(access: &EnvironmentAccess) -> Vec<String> {
    match access {
        EnvironmentAccess::All => vec!["all".to_string()],
        EnvironmentAccess::Only(ids) => ids.clone(),
    }
}

fn user_row(out: &mut Vec<u8>, u: &UserSummary, format: ExportFormat, index: usize) {
    let last_login = u.last_login_at.map(iso);
    match format {
        ExportFormat::Csv => out.extend(csv_line(&[
            &u.id,
            &u.email,
            u.name.as_deref().unwrap_or(""),
            u.role.api_str(),
            u.status.as_str(),
            &environments(&u.environments).join(";"),
            &u.groups.join(";"),
            if u.two_factor { "true" } else { "false" },
            &iso(u.created_at),
            last_login.as_deref().unwrap_or(""),
        ])),
        ExportFormat::Json => {
            let value = serde_json::json!({
                "id": u.id, "email": u.email, "name": u.name, "role": u.role.api_str(),
                "status": u.status.as_str(), "environments": environments(&u.environments),
                "groups": u.groups, "two_factor": u.two_factor, "created_at": iso(u.created_at),
                "last_login_at": last_login,
            });
            json_record(out, &value, index);
        }
    }
}

#[derive(Debug, Deserialize, Default)]
struct GroupParams {
    #[serde(default)]
    format: String,
}

/// Every group with its members: CSV one row per membership (a group without members has
/// one row with empty member fields), JSON one object per group.
async fn groups(
    State(x): State<Export>,
    Query(p): Query<GroupParams>,
    req: axum::extract::Request,
) -> Response {
    let Some(format) = export::format_of(&p.format) else {
        return export::bad_format();
    };
    let (principal, meta) = match export::signed_in(&x.service, &x.cookies, req).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let groups = match x.service.groups_with_members(&principal, &meta).await {
        Ok(g) => g,
        Err(e) => return export::refused(e, &meta),
    };
    let mut out = Vec::new();
    for (i, (group, members)) in groups.iter().enumerate() {
        match format {
            ExportFormat::Csv if members.is_empty() => {
                out.extend(csv_line(&[&group.id, &group.name, "", "", ""]));
            }
            ExportFormat::Csv => {
                for m in members {
                    let name = m.name.as_deref().unwrap_or("");
                    out.extend(csv_line(&[
                        &group.id,
                        &group.name,
                        &m.email,
                        name,
                        &m.status,
                    ]));
                }
            }
            ExportFormat::Json => {
                let value = serde_json::json!({
                    "id": group.id, "name": group.name,
                    "members": members.iter().map(|m| serde_json::json!({
                        "email": m.email, "name": m.name, "status": m.status,
                    })).collect::<Vec<_>>(),
                });
                json_record(&mut out, &value, i);
            }
        }
    }
    let (opening, closing) = match format {
        ExportFormat::Csv => (
            csv_line(&[
                "group_id",
                "group",
                "member_email",
                "member_name",
                "member_status",
            ]),
            Vec::new(),
        ),
        ExportFormat::Json => (b"[".to_vec(), b"]".to_vec()),
    };
    let body = export::streamed(opening, out, None::<()>, closing, |_: ()| async {
        Ok((Vec::new(), None))
    });
    // What the page's counter counts: CSV rows, or JSON objects.
    let total: usize = match format {
        ExportFormat::Csv => groups.iter().map(|(_, m)| m.len().max(1)).sum(),
        ExportFormat::Json => groups.len(),
    };
    export::answer(
        format,
        "groups",
        Some(total as u64),
        Body::from_stream(body),
    )
}
