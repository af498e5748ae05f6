//! Slow clients (docs/rules/network.md#slow-clients): a request's body is read whole, within
//! a deadline and a size, before anything takes a database connection for it.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct BodyPolicy {
    /// Largest body read, in bytes.
    pub max_bytes: usize,
    /// How long the whole body may take to arrive.
    pub read_timeout: Duration,
}

/// A request body, read.
#[derive(Debug)]
pub enum BodyRead {
    Read(Bytes),
    /// Larger than the policy's bytes.
    TooLarge,
    /// Not all there within the policy's time.
    TooSlow,
    /// The client broke off or sent a malformed body.
    Broken,
}

impl BodyPolicy {
    /// Reads `body` whole, or says why not. A body that trickles in is cut off at the
    /// deadline however steadily it trickles.
    pub async fn read(&self, body: Body) -> BodyRead {
        let limited = Limited::new(body, self.max_bytes);
        match tokio::time::timeout(self.read_timeout, limited.collect()).await {
            Err(_) => BodyRead::TooSlow,
            Ok(Ok(collected)) => BodyRead::Read(collected.to_bytes()),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => BodyRead::TooLarge,
            Ok(Err(_)) => BodyRead::Broken,
        }
    }
}

/// The answer to a request whose body took too long.
pub fn too_slow() -> Response {
    (
        StatusCode::REQUEST_TIMEOUT,
        "The request took too long to arrive",
    )
        .into_response()
}

/// For the console's pages and server functions: the body read whole before the handler
/// runs (408 when too slow, 413 when too large, 400 when broken off).
pub async fn read_body_in_time(
    State(policy): State<BodyPolicy>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    match policy.read(body).await {
        BodyRead::Read(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        BodyRead::TooSlow => too_slow(),
        BodyRead::TooLarge => {
            (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large").into_response()
        }
        BodyRead::Broken => (StatusCode::BAD_REQUEST, "The request is incomplete").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(max_bytes: usize, millis: u64) -> BodyPolicy {
        BodyPolicy {
            max_bytes,
            read_timeout: Duration::from_millis(millis),
        }
    }

    /// A body that sends a byte every 20 ms, forever.
    fn trickle() -> Body {
        let bytes = futures_util::stream::unfold((), |()| async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Some((Ok::<_, std::io::Error>(Bytes::from_static(b"x")), ()))
        });
        Body::from_stream(bytes)
    }

    #[tokio::test]
    async fn a_body_is_read_whole_within_its_size_and_time() {
        match policy(10, 1000).read(Body::from("0123456789")).await {
            BodyRead::Read(b) => assert_eq!(&b[..], b"0123456789"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            policy(9, 1000).read(Body::from("0123456789")).await,
            BodyRead::TooLarge
        ));
        // A steady trickle is cut off at the deadline, not kept alive by each byte.
        let started = std::time::Instant::now();
        assert!(matches!(
            policy(1_000_000, 200).read(trickle()).await,
            BodyRead::TooSlow
        ));
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
