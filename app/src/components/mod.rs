//! UI shared by the pages.

pub mod add_users;
pub mod form;
pub mod layout;
pub mod seats;
pub mod status;
pub mod time;
pub mod user_menu;
