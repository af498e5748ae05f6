//! What every request passes through before a handler: where it came from, whether it
//! may change state, and the headers every response carries.

mod body;
mod csrf;
mod headers;
mod request_meta;
mod server_fn_status;

pub use body::{read_body_in_time, too_slow, BodyPolicy, BodyRead};
pub use csrf::{refuse_cross_site, CsrfPolicy};
pub use headers::{security_headers, HeaderPolicy};
pub use request_meta::{attach_request_meta, TrustedProxies};
pub use server_fn_status::server_fn_status;
