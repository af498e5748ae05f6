//! Thin server functions over the service: decode, call, map the error once.

mod account;
mod account_api_keys;
mod api_reference;
mod audit;
#[cfg(feature = "ssr")]
pub mod context;
mod environments;
mod error;
mod groups;
mod media_library;
mod own_account;
mod saml;
mod scim;
mod security;
mod session;
mod settings;
mod two_factor;
mod users;

pub use account::*;
pub use account_api_keys::*;
pub use api_reference::*;
pub use audit::*;
pub use environments::*;
pub use error::ConsoleError;
pub use groups::*;
pub use media_library::*;
pub use own_account::*;
pub use saml::*;
pub use scim::*;
pub use security::*;
pub use session::*;
pub use settings::*;
pub use two_factor::*;
pub use users::*;
