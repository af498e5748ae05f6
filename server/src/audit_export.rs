//! The audit log's export (docs/rules/audit.md#export): the filtered records as CSV or JSON,
//! streamed a batch at a time — each batch one short read, so the server's memory stays flat
//! however many records, and a slow download never holds a database connection.

use app::api::context::CookiePolicy;
use app::domain::audit_query::{AuditFilter, AuditFilterInput};
use app::domain::export_progress::ExportFormat as Format;
use app::domain::format::iso;
use app::service::{audit_entry, Principal, RequestMeta, Service, ServiceError, EXPORT_BATCH};
use app::store::AuditRow;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, StatusCode};
use serde::Deserialize;

/// The header naming how many records an export holds (`X-Record-Count`).
static RECORD_COUNT: header::HeaderName = header::HeaderName::from_static("x-record-count");

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
        .route("/api/audit_log/export", get(export))
        .with_state(Export { service, cookies })
}

async fn export(
    State(x): State<Export>,
    Query(p): Query<Params>,
    req: axum::extract::Request,
) -> Response {
    let meta = req.extensions().get::<RequestMeta>().cloned();
    let Some(meta) = meta else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no request metadata").into_response();
    };
    let format = match p.format.as_str() {
        "" | "csv" => Format::Csv,
        "json" => Format::Json,
        _ => return (StatusCode::BAD_REQUEST, "format: csv or json").into_response(),
    };
    let (parts, _) = req.into_parts();
    let Some(token) = x.cookies.token_from(&parts) else {
        return refused(
            ServiceError::Refused(app::domain::Refusal::Unauthenticated),
            &meta,
        );
    };
    let principal = match x.service.authenticate(&token, &meta).await {
        Ok(p) => p,
        Err(e) => return refused(e, &meta),
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
        Err(fields) => return refused(ServiceError::Invalid(fields), &meta),
    };
    // The count and the first batch before the answer starts: a refusal is still a status.
    let (total, first) = match x
        .service
        .audit_export_start(&principal, &filter, EXPORT_BATCH, &meta)
        .await
    {
        Ok(start) => start,
        Err(e) => return refused(e, &meta),
    };
    let (kind, name) = (format.media_type(), format.file_name());
    let body = Body::from_stream(batches(x.service, principal, meta, filter, first, format));
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
            // The page's progress bar: how many records the answer holds.
            (RECORD_COUNT.clone(), total.to_string()),
        ],
        body,
    )
        .into_response()
}

/// The answer's chunks: the header (CSV) or `[`, a chunk per batch, then `]` (JSON).
fn batches(
    service: Service,
    principal: Principal,
    meta: RequestMeta,
    filter: AuditFilter,
    first: Vec<AuditRow>,
    format: Format,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    struct State {
        service: Service,
        principal: Principal,
        meta: RequestMeta,
        filter: AuditFilter,
        next: Option<Vec<AuditRow>>,
        written: usize,
        ended: bool,
    }
    let opening = match format {
        Format::Csv => csv_line(&[
            "id", "time", "actor", "action", "target", "before", "after", "ip", "result", "times",
        ]),
        Format::Json => b"[".to_vec(),
    };
    let state = State {
        service,
        principal,
        meta,
        filter,
        next: Some(first),
        written: 0,
        ended: false,
    };
    let body = futures_util::stream::unfold(state, move |mut s| async move {
        if s.ended {
            return None;
        }
        let rows = match s.next.take() {
            Some(rows) => rows,
            None => {
                match s
                    .service
                    .audit_batch(&s.principal, &s.filter, EXPORT_BATCH, &s.meta)
                    .await
                {
                    Ok(rows) => rows,
                    Err(e) => {
                        s.ended = true;
                        return Some((Err(std::io::Error::other(e.to_string())), s));
                    }
                }
            }
        };
        let last = rows.len() < EXPORT_BATCH;
        s.filter.before_id = rows.last().map(|r| r.id);
        let mut chunk = Vec::with_capacity(rows.len() * 256);
        for row in rows {
            write_row(&mut chunk, row, format, s.written);
            s.written += 1;
        }
        if last {
            s.ended = true;
            if format == Format::Json {
                chunk.extend_from_slice(b"]");
            }
        }
        Some((Ok(chunk), s))
    });
    futures_util::StreamExt::chain(futures_util::stream::once(async move { Ok(opening) }), body)
}

fn write_row(out: &mut Vec<u8>, row: AuditRow, format: Format, index: usize) {
    let e = audit_entry(row);
    match format {
        Format::Csv => out.extend(csv_line(&[
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
        Format::Json => {
            if index > 0 {
                out.push(b',');
            }
            let value = serde_json::json!({
                "id": e.id, "time": iso(e.at), "actor": e.actor, "action": e.action,
                "target": e.target, "before": e.before, "after": e.after, "ip": e.ip,
                "result": e.result, "times": e.times,
            });
            out.extend(value.to_string().into_bytes());
        }
    }
}

/// One CSV record (quoted as needed by the `csv` crate), ending in CRLF.
fn csv_line(fields: &[&str]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec can't fail.
    let _ = w.write_record(fields);
    w.into_inner().unwrap_or_default()
}

/// A refusal before the answer starts: the console's error, with its status and its JSON —
/// the mapping every console answer gets (`ConsoleError::status`).
fn refused(e: ServiceError, meta: &RequestMeta) -> Response {
    let e = app::api::context::from_service(e, meta);
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&e).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
