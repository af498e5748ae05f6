//! A development mailbox at /dev/mailbox (`CONSOLE_DEV_MAILBOX`): the newest emails of
//! the outbox, as they were or will be sent. Off by default: it shows every link.

use app::domain::format::escape_html;
use app::service::Service;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub async fn page(service: Service) -> Response {
    let rows = match service.read_outbox(None, 50).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "the mailbox can't read the outbox");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The outbox can't be read",
            )
                .into_response();
        }
    };
    let mut body = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mailbox · Console</title></head>\
         <body><main><h1>Mailbox (development)</h1>\
         <p>The newest emails of the outbox, newest first.</p>",
    );
    if rows.is_empty() {
        body.push_str("<p>No emails yet.</p>");
    }
    for r in rows {
        let status = match (r.sent_at, &r.last_error) {
            (Some(_), _) => "sent".to_string(),
            (None, Some(e)) => format!("not sent yet: {}", escape_html(e)),
            (None, None) => "in the outbox".to_string(),
        };
        // The HTML part is the console's own, built from escaped values.
        body.push_str(&format!(
            "<article aria-label=\"Email to {to}: {subject}\"><h2>{subject}</h2>\
             <p>To: {to} · {status}</p>{html}</article><hr>",
            to = escape_html(&r.to_address),
            subject = escape_html(&r.subject),
            html = r.body_html,
        ));
    }
    body.push_str("</main></body></html>");
    Html(body).into_response()
}
