//! UI shared by the pages.

pub mod form;
pub mod layout;
pub mod status;
pub mod time;
