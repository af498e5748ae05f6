//! Thin server functions over the service: decode, call, map the error once.

#[cfg(feature = "ssr")]
pub mod context;
mod environments;
mod error;
mod session;
mod users;

pub use environments::*;
pub use error::ApiError;
pub use session::*;
pub use users::*;
