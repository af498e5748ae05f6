//! The audit log's export (docs/rules/audit.md#export): the filtered records as CSV or JSON,
//! streamed a batch at a time (see `export`), with their count first for the page's
//! progress bar.

use crate::export::{self, csv_line, json_record};
use app::api::context::CookiePolicy;
use app::domain::audit_query::{AuditFilter, AuditFilterInput};
use app::domain::export_progress::ExportFormat;
use app::domain::format::iso;
use app::service::{audit_entry, Principal, RequestMeta, Service, ServiceError, EXPORT_BATCH};
use app::store::AuditRow;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

#[derive(Clone)]
struct Export {
    service: Service,
    cookies: CookiePolicy,
}

#[derive(Debug, Deserialize, Default)]
struct Params {
    #[serde(default)]
    format: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: String,
}

pub fn router(service: Service, cookies: CookiePolicy) -> Router {
    Router::new()
        .route("/api/audit_log/export", get(download))
        .with_state(Export { service, cookies })
}

/// Where an export stands between batches.
struct Walk {
    service: Service,
    principal: Principal,
    meta: RequestMeta,
    filter: AuditFilter,
    format: ExportFormat,
    written: usize,
}

async fn download(
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
    let input = AuditFilterInput {
        from: p.from,
        to: p.to,
        actor: p.actor,
        action: p.action,
        target: p.target,
        after: String::new(),
    };
    let filter = match input.check() {
        Ok(f) => f,
        Err(fields) => return export::refused(ServiceError::Invalid(fields), &meta),
    };
    // The count and the first batch before the answer starts: a refusal is still a status.
    let (total, first) = match x
        .service
        .audit_export_start(&principal, &filter, EXPORT_BATCH, &meta)
        .await
    {
        Ok(start) => start,
        Err(e) => return export::refused(e, &meta),
    };
    let mut walk = Walk {
        service: x.service,
        principal,
        meta,
        filter,
        format,
        written: 0,
    };
    let (bytes, more) = walk.render(first);
    let opening = match format {
        ExportFormat::Csv => csv_line(&[
            "id", "time", "actor", "action", "target", "before", "after", "ip", "result", "times",
        ]),
        ExportFormat::Json => b"[".to_vec(),
    };
    let closing = match format {
        ExportFormat::Csv => Vec::new(),
        ExportFormat::Json => b"]".to_vec(),
    };
    let body = export::streamed(opening, bytes, more.then_some(walk), closing, next_batch);
    export::answer(format, "audit-log", Some(total), Body::from_stream(body))
}

async fn next_batch(mut walk: Walk) -> Result<(Vec<u8>, Option<Walk>), ServiceError> {
    let rows = walk
        .service
        .audit_batch(&walk.principal, &walk.filter, EXPORT_BATCH, &walk.meta)
        .await?;
    let (bytes, more) = walk.render(rows);
    Ok((bytes, more.then_some(walk)))
}

impl Walk {
    /// A batch's bytes, and whether another may follow (a full batch).
    fn render(&mut self, rows: Vec<AuditRow>) -> (Vec<u8>, bool) {
        let more = rows.len() == EXPORT_BATCH;
        self.filter.before_id = rows.last().map(|r| r.id);
        let mut out = Vec::with_capacity(rows.len() * 256);
        for row in rows {
            write_row(&mut out, row, self.format, self.written);
            self.written += 1;
        }
        (out, more)
    }
}

fn write_row(out: &mut Vec<u8>, row: AuditRow, format: ExportFormat, index: usize) {
    let e = audit_entry(row);
    match format {
        ExportFormat::Csv => out.extend(csv_line(&[
            &e.id.to_string(),
            &iso(e.at),
            &e.actor,
            &e.action,
            e.target.as_deref().unwrap_or(""),
            e.before.as_deref().unwrap_or(""),
            e.after.as_deref().unwrap_or(""),
            e.ip.as_deref().unwrap_or(""),
            &e.result,
            &e.times.to_string(),
        ])),
        ExportFormat::Json => {
            let value = serde_json::json!({
                "id": e.id, "time": iso(e.at), "actor": e.actor, "action": e.action,
                "target": e.target, "before": e.before, "after": e.after, "ip": e.ip,
                "result": e.result, "times": e.times,
            });
            json_record(out, &value, index);
        }
    }
}
