#![recursion_limit = "256"]
//! The console: pages and server functions (this crate), over a permission-checked
//! service (`service`, server only) and its store (`store`, server only).

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

pub use app::{shell, App};
