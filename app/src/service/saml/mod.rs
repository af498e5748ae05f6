//! SAML single sign-on (docs/rules/saml.md): settings, signing in through the identity
//! provider, and just-in-time provisioning.

mod jit;
mod settings;
mod sign_in;
mod xml;

pub use sign_in::SamlOutcome;
