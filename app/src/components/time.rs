//! How the console shows a time: UTC, to the second (one formatter for pages and emails).

pub use crate::domain::format::utc;

/// The browser's time zone (`Intl`), e.g. `Europe/Paris`; empty on the server.
pub fn browser_zone() -> String {
    #[cfg(feature = "hydrate")]
    {
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        js_sys::Reflect::get(&options, &"timeZone".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
