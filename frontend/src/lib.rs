//! The browser entry: hydrates the server-rendered console. The pages are lazy routes
//! (`app::routes`), so hydration waits for the page's WASM chunk before it starts.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::document;
    console_error_panic_hook::set_once();
    // wasm-bindgen-futures drives the reactive system (an error means it already does).
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Tests (and assistive tooling) wait for this mark before interacting.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
