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

/// Room for the pages' constant data (their text, their templates' HTML) to follow their code
/// into the lazy chunks. The splitter lays each chunk's share of the read-only data out again,
/// aligned chunk by chunk, in the place of the original; when that comes out longer than the
/// original (a few KB of alignment over some 400 chunks) it gives up and leaves all of the data
/// in the main WASM, which every page downloads. This array is kept by the linker (`#[used]`)
/// inside the same read-only data, but nothing refers to it, so the splitter places it in no
/// file: it only makes the original long enough. Without `--split` it is 32 KB of one repeated
/// byte in the WASM (a few bytes compressed).
#[used]
static SPLIT_DATA_ROOM: [u8; 32 * 1024] = [0x5a; 32 * 1024];
