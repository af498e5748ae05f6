//! What the console's downloads share (docs/rules/audit.md#export, docs/rules/users.md#export):
//! the format asked for, the session, refusals as statuses before the answer starts, CSV
//! lines, and a body streamed a batch at a time — each batch one short read, so memory stays
//! flat and a slow download never holds a database connection.

use app::api::context::CookiePolicy;
use app::domain::export_progress::ExportFormat;
use app::service::{Principal, RequestMeta, Service, ServiceError};
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use http::{header, StatusCode};
use std::future::Future;

/// The header naming how many records an export holds (`X-Record-Count`), when known.
pub static RECORD_COUNT: header::HeaderName = header::HeaderName::from_static("x-record-count");

/// `format=csv|json` (CSV when absent); anything else is [`bad_format`].
pub fn format_of(format: &str) -> Option<ExportFormat> {
    match format {
        "" | "csv" => Some(ExportFormat::Csv),
        "json" => Some(ExportFormat::Json),
        _ => None,
    }
}

pub fn bad_format() -> Response {
    (StatusCode::BAD_REQUEST, "format: csv or json").into_response()
}

/// The request's metadata and signed-in principal, or the refusal to answer with.
pub async fn signed_in(
    service: &Service,
    cookies: &CookiePolicy,
    req: axum::extract::Request,
) -> Result<(Principal, RequestMeta), Response> {
    let Some(meta) = req.extensions().get::<RequestMeta>().cloned() else {
        return Err((StatusCode::INTERNAL_SERVER_ERROR, "no request metadata").into_response());
    };
    let (parts, _) = req.into_parts();
    let Some(token) = cookies.token_from(&parts) else {
        let e = ServiceError::Refused(app::domain::Refusal::Unauthenticated);
        return Err(refused(e, &meta));
    };
    match service.authenticate(&token, &meta).await {
        Ok(p) => Ok((p, meta)),
        Err(e) => Err(refused(e, &meta)),
    }
}

/// A refusal before the answer starts: the console's error, with its status and its JSON —
/// the mapping every console answer gets (`ConsoleError::status`).
pub fn refused(e: ServiceError, meta: &RequestMeta) -> Response {
    let e = app::api::context::from_service(e, meta);
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&e).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// One CSV record (quoted as needed by the `csv` crate), ending in CRLF.
pub fn csv_line(fields: &[&str]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec can't fail.
    let _ = w.write_record(fields);
    w.into_inner().unwrap_or_default()
}

/// A JSON record of an array: a comma before all but the first.
pub fn json_record(out: &mut Vec<u8>, value: &serde_json::Value, index: usize) {
    if index > 0 {
        out.push(b',');
    }
    out.extend(value.to_string().into_bytes());
}

/// The answer: an attachment named `<stem>.<csv|json>`, never cached, with its record count
/// when known, its body streamed.
pub fn answer(format: ExportFormat, stem: &str, total: Option<u64>, body: Body) -> Response {
    let ext = format.as_str();
    let mut response = (
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{ext}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response();
    if let Some(total) = total {
        if let Ok(v) = http::HeaderValue::from_str(&total.to_string()) {
            response.headers_mut().insert(RECORD_COUNT.clone(), v);
        }
    }
    response
}

/// The body: `opening` (a CSV header or `[`), the first batch's bytes, then each batch
/// `next` reads from its state until it says there is none, then `closing` (`]` or
/// nothing). A failure midway ends the body with an error (the download breaks off).
pub fn streamed<S, F, Fut>(
    opening: Vec<u8>,
    first: Vec<u8>,
    state: Option<S>,
    closing: Vec<u8>,
    next: F,
) -> impl Stream<Item = Result<Vec<u8>, std::io::Error>> + Send
where
    S: Send + 'static,
    F: Fn(S) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(Vec<u8>, Option<S>), ServiceError>> + Send,
{
    enum Step<S> {
        More(S),
        Closing,
        Done,
    }
    let start = match state {
        Some(s) => Step::More(s),
        None => Step::Closing,
    };
    let rest =
        futures_util::stream::unfold((start, next, closing), |(step, next, closing)| async move {
            match step {
                Step::Done => None,
                Step::Closing => Some((Ok(closing.clone()), (Step::Done, next, closing))),
                Step::More(s) => match next(s).await {
                    Ok((bytes, Some(s))) => Some((Ok(bytes), (Step::More(s), next, closing))),
                    Ok((bytes, None)) => Some((Ok(bytes), (Step::Closing, next, closing))),
                    Err(e) => Some((
                        Err(std::io::Error::other(e.to_string())),
                        (Step::Done, next, closing),
                    )),
                },
            }
        });
    let head = futures_util::stream::iter([Ok(opening), Ok(first)]);
    futures_util::StreamExt::chain(head, rest)
}
