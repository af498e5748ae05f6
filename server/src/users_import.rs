//! User Management's CSV import over HTTP (docs/rules/users.md#import): the file is the request
//! body (at most 10 MB, read on the blocking pool). `POST /api/users/import/preview` answers what
//! each row would do; `POST /api/users/import` applies the rows one by one, each in its own
//! transaction, and streams one JSON line per row as it goes (`X-Record-Count` says how many),
//! so the page shows progress and a slow reader never holds a database connection.

use crate::export;
use crate::middleware::{too_slow, BodyPolicy, BodyRead};
use app::api::context::CookiePolicy;
use app::domain::user_import::{
    columns, repeated_emails, ImportCounts, ImportResult, ImportRow, MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
};
use app::service::{ImportContext, Principal, RequestMeta, Service, ServiceError};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use http::{header, StatusCode};

#[derive(Clone)]
struct Import {
    service: Service,
    cookies: CookiePolicy,
    body: BodyPolicy,
}

/// `read_timeout`: how long the file may take to arrive (the server's body timeout).
pub fn router(
    service: Service,
    cookies: CookiePolicy,
    read_timeout: std::time::Duration,
) -> Router {
    let body = BodyPolicy {
        max_bytes: MAX_IMPORT_BYTES,
        read_timeout,
    };
    Router::new()
        .route("/api/users/import/preview", post(preview))
        .route("/api/users/import", post(import))
        .with_state(Import {
            service,
            cookies,
            body,
        })
}

/// The rows of a CSV file, each with the line of an earlier row with its email, or what is
/// wrong with the file as a whole (not UTF-8, not CSV, a wrong header, too many rows).
pub fn read_csv(bytes: &[u8]) -> Result<Vec<(ImportRow, Option<usize>)>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "The file isn't UTF-8 text".to_string())?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(format!("The first row isn't valid CSV: {e}")),
        None => return Err("The file is empty".to_string()),
    };
    let cols = columns(&header)?;
    let mut rows = Vec::new();
    // Lines counted as far as `counted` (bytes): the reader's own count skips blank lines.
    let (mut counted, mut line_at) = (0usize, 1usize);
    for (i, record) in records.enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(i + 2, |p| p.line() as usize);
            format!("Row {line} isn't valid CSV: {e}")
        })?;
        // The file's own line (blank lines counted), as a spreadsheet numbers its rows.
        let start = record
            .position()
            .map_or(counted, |p| usize::try_from(p.byte()).unwrap_or(counted));
        // The reader stops at the previous record's line break: the record starts after
        // the breaks (and blank lines) that follow.
        let bytes = text.as_bytes();
        let mut upto = start.clamp(counted, text.len());
        while upto < bytes.len() && matches!(bytes[upto], b'\r' | b'\n') {
            upto += 1;
        }
        line_at += bytes[counted..upto].iter().filter(|b| **b == b'\n').count();
        counted = upto;
        let line = line_at;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(format!(
                "The file has more than {MAX_IMPORT_ROWS} rows: split it"
            ));
        }
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        rows.push(ImportRow::from_cells(line, &cols, &cells));
    }
    if rows.is_empty() {
        return Err("The file has no rows under its header".to_string());
    }
    let repeated = repeated_emails(&rows);
    Ok(rows.into_iter().zip(repeated).collect())
}

/// The signed-in principal and the file's rows, or the answer that refuses them.
async fn read_request(
    x: &Import,
    req: Request,
) -> Result<(Principal, RequestMeta, Vec<(ImportRow, Option<usize>)>), Response> {
    let (parts, body) = req.into_parts();
    let (principal, meta) = export::signed_in(
        &x.service,
        &x.cookies,
        Request::from_parts(parts, Body::empty()),
    )
    .await?;
    let too_big = || {
        let e = ServiceError::invalid(
            "file",
            format!(
                "The file is larger than {} MB",
                MAX_IMPORT_BYTES / (1024 * 1024)
            ),
        );
        let mut r = export::refused(e, &meta);
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        r
    };
    let bytes: Bytes = match x.body.read(body).await {
        BodyRead::Read(bytes) => bytes,
        BodyRead::TooLarge => return Err(too_big()),
        BodyRead::TooSlow => return Err(too_slow()),
        BodyRead::Broken => {
            let e = ServiceError::invalid("file", "The file didn't arrive whole: try again");
            return Err(export::refused(e, &meta));
        }
    };
    let rows = tokio::task::spawn_blocking(move || read_csv(&bytes))
        .await
        .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response())?;
    match rows {
        Ok(rows) => Ok((principal, meta, rows)),
        Err(why) => Err(export::refused(ServiceError::invalid("file", why), &meta)),
    }
}

/// `{"results": [...], "counts": {...}}`: what each row would do, nothing changed.
async fn preview(State(x): State<Import>, req: Request) -> Response {
    let (principal, meta, rows) = match read_request(&x, req).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let mut ctx = match x.service.import_context(&principal, &meta).await {
        Ok(c) => c,
        Err(e) => return export::refused(e, &meta),
    };
    let mut results: Vec<ImportResult> = Vec::with_capacity(rows.len());
    for (row, repeated) in &rows {
        results.push(
            x.service
                .preview_import_row(&principal, &mut ctx, row, *repeated, &meta)
                .await,
        );
    }
    let counts = ImportCounts::of(&results);
    let body = serde_json::json!({ "results": results, "counts": counts });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The rows applied one at a time, one JSON line per row (`application/x-ndjson`).
async fn import(State(x): State<Import>, req: Request) -> Response {
    let (principal, meta, rows) = match read_request(&x, req).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let ctx = match x.service.import_context(&principal, &meta).await {
        Ok(c) => c,
        Err(e) => return export::refused(e, &meta),
    };
    let total = rows.len();
    let walk = Walk {
        service: x.service,
        principal,
        meta,
        ctx,
        rows: rows.into_iter(),
    };
    let body = futures_util::stream::unfold(walk, |mut w| async move {
        let (row, repeated) = w.rows.next()?;
        let result = w
            .service
            .import_row(&w.principal, &w.ctx, &row, repeated, &w.meta)
            .await;
        let mut line = serde_json::to_vec(&result).unwrap_or_default();
        line.push(b'\n');
        Some((Ok::<_, std::convert::Infallible>(Bytes::from(line)), w))
    });
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(body),
    )
        .into_response();
    response
        .headers_mut()
        .insert(&export::RECORD_COUNT, header::HeaderValue::from(total));
    response
}

/// An import under way: the rows left.
struct Walk {
    service: Service,
    principal: Principal,
    meta: RequestMeta,
    ctx: ImportContext,
    rows: std::vec::IntoIter<(ImportRow, Option<usize>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_into_rows_with_its_repeats_or_refused_whole() {
        let rows = read_csv(b"email,name,role\r\nann@x.com,Ann,reports\r\n\r\n,,\r\n\"bo@x.com\",\"Bo, Jr\",\r\nANN@x.com,,\r\n").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[1].0.name.as_str(), rows[1].0.line), ("Bo, Jr", 5));
        assert_eq!(rows[2].1, Some(2));
        assert!(read_csv(b"mail,name\r\na@x.com,A\r\n")
            .unwrap_err()
            .contains("\"mail\""));
        assert!(read_csv(b"").unwrap_err().contains("empty"));
        assert!(read_csv(b"email\r\n").unwrap_err().contains("no rows"));
        assert!(read_csv(b"email\r\n\xff\xfe\r\n")
            .unwrap_err()
            .contains("UTF-8"));
        let mut big = String::from("email\n");
        for i in 0..=MAX_IMPORT_ROWS {
            big.push_str(&format!("u{i}@x.com\n"));
        }
        assert!(read_csv(big.as_bytes()).unwrap_err().contains("more than"));
    }
}
