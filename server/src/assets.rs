//! The built site's assets. The build (cargo-leptos with `hash-files`) names the WASM,
//! JS and CSS by their content and lists the names in `<site root>/hash.txt`; the server
//! reads that list once at start-up, refuses to start when a file it would reference is
//! missing, and serves `/pkg` pre-compressed and cacheable forever (a new build is a new
//! name) — the lazy chunks also compressed against the main WASM for browsers that keep it
//! ([`dictionary`]).

pub mod dictionary;

use axum::body::Body;
use axum::Router;
use http::header::{
    ACCEPT_ENCODING, ACCEPT_RANGES, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, LAST_MODIFIED,
    RANGE, VARY,
};
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The crate name cargo-leptos gives the site's files (`[[workspace.metadata.leptos]] name`).
pub const OUTPUT_NAME: &str = "console";
/// The asset list cargo-leptos writes (`hash-file-name`, relative to the server binary's
/// directory: `target/<profile>/../site/hash.txt`).
pub const HASH_FILE: &str = "hash.txt";
/// Where the site's built files live under its root.
pub const PKG_DIR: &str = "pkg";

/// Whether a request's path is under `/pkg/` (the built files).
pub fn is_asset_path(path: &str) -> bool {
    path.strip_prefix('/')
        .and_then(|p| p.strip_prefix(PKG_DIR))
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Why the server can't serve the console's pages.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AssetsError {
    #[error(
        "{0}: can't read the site's asset list ({1}). Build the site first: `cargo leptos build` \
         (or `make run`), or point LEPTOS_SITE_ROOT at a built site"
    )]
    NoList(String, String),
    #[error("{0}, line {1}: expected `kind: hash`, found {2:?}")]
    BadLine(String, usize, String),
    #[error("{0} names no {1} file: rebuild the site with `cargo leptos build`")]
    NotNamed(String, &'static str),
    #[error("{0} is listed in {1} but missing: rebuild the site with `cargo leptos build`")]
    MissingFile(String, String),
}

/// The names the build wrote, checked to exist.
#[derive(Debug, Clone)]
pub struct SiteAssets {
    root: PathBuf,
    hash_file: PathBuf,
    /// `/pkg/console.<hash>.css`
    stylesheet: Arc<str>,
    /// `console.<hash>.wasm`
    main_wasm: String,
    /// The chunks compressed against the main WASM, when the build wrote them.
    dictionary: Option<Arc<Dictionary>>,
}

/// The main WASM as a dictionary, and the chunks written against it.
#[derive(Debug)]
struct Dictionary {
    /// The main WASM's file name (in `pkg`).
    main: String,
    /// What a browser holding it sends as `Available-Dictionary`.
    available: String,
    /// Chunk file names (in `pkg`) that have a `.dcz`.
    chunks: HashSet<String>,
}

/// RFC 9842's headers (not in `http`'s list).
const USE_AS_DICTIONARY: HeaderName = HeaderName::from_static("use-as-dictionary");
const AVAILABLE_DICTIONARY: HeaderName = HeaderName::from_static("available-dictionary");

impl SiteAssets {
    /// Reads `<root>/hash.txt` and checks every file it names (WASM, JS, CSS, and the
    /// lazy-route manifest and loader when the build split the WASM).
    pub fn load(root: &Path) -> Result<Self, AssetsError> {
        let list = root.join(HASH_FILE);
        let shown = list.display().to_string();
        let text = std::fs::read_to_string(&list)
            .map_err(|e| AssetsError::NoList(shown.clone(), e.to_string()))?;
        let mut files = Vec::new();
        let mut stylesheet = None;
        let mut main_wasm = None;
        let mut js = false;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some((kind, hash)) = line.split_once(':').map(|(k, h)| (k.trim(), h.trim())) else {
                return Err(AssetsError::BadLine(shown, n + 1, line.into()));
            };
            if hash.is_empty() || hash.contains(['/', '\\']) || hash.starts_with('.') {
                return Err(AssetsError::BadLine(shown, n + 1, line.into()));
            }
            let file = match kind {
                "js" => {
                    js = true;
                    format!("{OUTPUT_NAME}.{hash}.js")
                }
                "wasm" => {
                    let name = format!("{OUTPUT_NAME}.{hash}.wasm");
                    main_wasm = Some(name.clone());
                    name
                }
                "css" => {
                    let name = format!("{OUTPUT_NAME}.{hash}.css");
                    stylesheet = Some(format!("/{PKG_DIR}/{name}"));
                    name
                }
                "manifest" => format!("__wasm_split_manifest.{hash}.json"),
                "split" => format!("__wasm_split.{hash}.js"),
                _ => return Err(AssetsError::BadLine(shown, n + 1, line.into())),
            };
            files.push(file);
        }
        for (named, kind) in [
            (js, "js"),
            (main_wasm.is_some(), "wasm"),
            (stylesheet.is_some(), "css"),
        ] {
            if !named {
                return Err(AssetsError::NotNamed(shown, kind));
            }
        }
        for file in files {
            let path = root.join(PKG_DIR).join(&file);
            if !path.is_file() {
                return Err(AssetsError::MissingFile(path.display().to_string(), shown));
            }
        }
        let main_wasm = main_wasm.unwrap_or_default();
        Ok(SiteAssets {
            dictionary: Dictionary::load(&root.join(PKG_DIR), &main_wasm).map(Arc::new),
            root: root.to_path_buf(),
            hash_file: std::path::absolute(&list).unwrap_or(list),
            stylesheet: stylesheet.unwrap_or_default().into(),
            main_wasm,
        })
    }

    /// Writes the chunks' `.dcz` files against this site's main WASM (`server site
    /// compress-chunks`, after a release build).
    pub fn compress_chunks(&self) -> Result<dictionary::Compressed, dictionary::DictionaryError> {
        dictionary::compress_chunks(&self.root.join(PKG_DIR), &self.main_wasm)
    }

    /// A site of empty files under `dir`, for the benchmarks, which render no page.
    #[cfg(feature = "bench")]
    pub fn stand_in(dir: &Path) -> SiteAssets {
        let pkg = dir.join(PKG_DIR);
        let written = std::fs::create_dir_all(&pkg).and_then(|()| {
            std::fs::write(dir.join(HASH_FILE), "js: b\nwasm: b\ncss: b\n")?;
            for ext in ["js", "wasm", "css"] {
                std::fs::write(pkg.join(format!("{OUTPUT_NAME}.b.{ext}")), "")?;
            }
            Ok(())
        });
        match written
            .map_err(|e| e.to_string())
            .and_then(|()| SiteAssets::load(dir).map_err(|e| e.to_string()))
        {
            Ok(assets) => assets,
            Err(e) => panic!("the benchmark's stand-in site: {e}"),
        }
    }

    /// The site's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The asset list, as an absolute path: Leptos' hydration scripts read it to name the
    /// WASM and JS (they join it to the binary's directory; an absolute path stays itself).
    pub fn hash_file(&self) -> &Path {
        &self.hash_file
    }

    /// The stylesheet's address, e.g. `/pkg/console.<hash>.css`.
    pub fn stylesheet(&self) -> Arc<str> {
        self.stylesheet.clone()
    }

    /// `/pkg/…`: the built files, brotli or gzip as the client accepts (identity when it
    /// accepts neither), a chunk as `dcz` to a browser holding the main WASM as its
    /// dictionary; cacheable for a year; an unknown name is a bare 404.
    pub fn pkg_router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let pkg = self.root.join(PKG_DIR);
        let dir = ServeDir::new(&pkg).precompressed_br().precompressed_gzip();
        let dictionary = self.dictionary.clone();
        Router::new().nest_service(
            &format!("/{PKG_DIR}"),
            tower::service_fn(move |req: Request<Body>| {
                let (dir, pkg, dictionary) = (dir.clone(), pkg.clone(), dictionary.clone());
                async move {
                    let file = req.uri().path().trim_start_matches('/').to_string();
                    let Some(dictionary) = dictionary else {
                        let res = dir.oneshot(req).await?;
                        return Ok(cache_forever(res.map(Body::new)));
                    };
                    if dictionary.wanted(&req, &file) {
                        if let Some(res) = dictionary.dcz(&pkg, &file).await {
                            return Ok(res);
                        }
                    }
                    let res = cache_forever(dir.oneshot(req).await?.map(Body::new));
                    Ok::<_, std::convert::Infallible>(dictionary.mark(res, &file))
                }
            }),
        )
    }
}

impl Dictionary {
    /// The main WASM's hash and the chunks written against it; `None` when the build
    /// wrote none (a debug build, or a release one without `server site compress-chunks`).
    fn load(pkg: &Path, main_wasm: &str) -> Option<Dictionary> {
        let written = dictionary::written_chunks(pkg);
        if written.is_empty() {
            return None;
        }
        let hash = dictionary::hash_of(&std::fs::read(pkg.join(main_wasm)).ok()?);
        let chunks = dictionary::chunks_compressed_against(&written, &hash);
        if chunks.is_empty() {
            tracing::warn!(
                "the .dcz files in {} were written against another build's WASM: run \
                 `server site compress-chunks` again",
                pkg.display()
            );
            return None;
        }
        Some(Dictionary {
            main: main_wasm.to_string(),
            available: dictionary::available_dictionary(&hash),
            chunks,
        })
    }

    /// Whether the browser holds the dictionary and accepts `dcz` for this chunk (a whole
    /// GET: ranges are served from the plain file).
    fn wanted(&self, req: &Request<Body>, file: &str) -> bool {
        let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
        req.method() == Method::GET
            && req.headers().get(RANGE).is_none()
            && self.chunks.contains(file)
            && header(AVAILABLE_DICTIONARY).is_some_and(|v| v.trim() == self.available)
            && header(ACCEPT_ENCODING).is_some_and(|v| dictionary::accepts(v, dictionary::DCZ))
    }

    /// The chunk as `dcz`.
    async fn dcz(&self, pkg: &Path, file: &str) -> Option<Response<Body>> {
        let body = tokio::fs::read(pkg.join(format!("{file}.{}", dictionary::DCZ)))
            .await
            .ok()?;
        let mut res = Response::new(Body::from(body));
        let headers = res.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/wasm"));
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(dictionary::DCZ));
        Some(self.mark(cache_forever(res), file))
    }

    /// The main WASM names itself a dictionary for the chunks; a chunk's answer depends
    /// on the dictionary the browser holds too.
    fn mark(&self, mut res: Response<Body>, file: &str) -> Response<Body> {
        if res.status() != StatusCode::OK {
            return res;
        }
        let headers = res.headers_mut();
        if file == self.main {
            headers.insert(
                USE_AS_DICTIONARY,
                HeaderValue::from_static("match=\"/pkg/*.wasm\""),
            );
        } else if self.chunks.contains(file) {
            headers.insert(
                VARY,
                HeaderValue::from_static("accept-encoding, available-dictionary"),
            );
        }
        res
    }
}

/// Hashed files never change under their name; anything else (a 404, an error) is not
/// kept. The answer depends on Accept-Encoding, so caches must key on it.
fn cache_forever(mut res: Response<Body>) -> Response<Body> {
    let ok = matches!(
        res.status(),
        StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
    );
    let headers = res.headers_mut();
    // Named by their content, the files are never revalidated: a date would only add bytes.
    headers.remove(LAST_MODIFIED);
    headers.remove(ACCEPT_RANGES);
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(if ok {
            "public, max-age=31536000, immutable"
        } else {
            "no-store"
        }),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(list: &str, files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(PKG_DIR)).unwrap();
        std::fs::write(dir.path().join(HASH_FILE), list).unwrap();
        for f in files {
            std::fs::write(dir.path().join(PKG_DIR).join(f), "x").unwrap();
        }
        dir
    }

    const LIST: &str = "js: J1\nwasm: W1\ncss: C1\n";
    const FILES: [&str; 3] = ["console.J1.js", "console.W1.wasm", "console.C1.css"];

    #[test]
    fn a_built_site_names_its_stylesheet_and_its_list_absolutely() {
        let dir = site(LIST, &FILES);
        let assets = SiteAssets::load(dir.path()).unwrap();
        assert_eq!(&*assets.stylesheet(), "/pkg/console.C1.css");
        assert!(assets.hash_file().is_absolute());
        assert!(assets.hash_file().ends_with(HASH_FILE));
    }

    #[test]
    fn a_site_without_its_list_or_a_listed_file_is_refused_by_name() {
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            SiteAssets::load(empty.path()),
            Err(AssetsError::NoList(..))
        ));
        let dir = site(LIST, &FILES[..2]);
        match SiteAssets::load(dir.path()) {
            Err(AssetsError::MissingFile(file, _)) => assert!(file.ends_with("console.C1.css")),
            other => panic!("expected the missing stylesheet, got {other:?}"),
        }
        let dir = site("js: J1\nwasm: W1\ncss: C1\nmanifest: M1\n", &FILES);
        match SiteAssets::load(dir.path()) {
            Err(AssetsError::MissingFile(file, _)) => {
                assert!(file.ends_with("__wasm_split_manifest.M1.json"))
            }
            other => panic!("expected the missing split manifest, got {other:?}"),
        }
    }

    #[test]
    fn a_list_missing_a_kind_or_naming_a_path_is_refused() {
        let dir = site("js: J1\ncss: C1\n", &FILES);
        assert!(matches!(
            SiteAssets::load(dir.path()),
            Err(AssetsError::NotNamed(_, "wasm"))
        ));
        let dir = site("js: ../../etc/passwd\nwasm: W1\ncss: C1\n", &FILES);
        assert!(matches!(
            SiteAssets::load(dir.path()),
            Err(AssetsError::BadLine(_, 1, _))
        ));
        let dir = site("js J1\n", &FILES);
        assert!(matches!(
            SiteAssets::load(dir.path()),
            Err(AssetsError::BadLine(_, 1, _))
        ));
    }
}
