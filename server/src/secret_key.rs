//! Where the server's sealing key comes from, and `server secret-key rotate`.
//!
//! The key seals the environments' API secrets in the database, so it must not travel with
//! it: `CONSOLE_SECRET_KEY` (64 hex characters), else the file `CONSOLE_SECRET_KEY_FILE`
//! (by default `secret.key` in the data directory — which the server warns about, since a
//! copy of the data directory then opens every secret). A file it creates is written
//! `0600` and synced to disk before anything is sealed under it.

use crate::config::Config;
use app::service::{SecretKey, Service};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where this server's key lives.
pub enum KeySource {
    Environment,
    File(PathBuf),
}

impl KeySource {
    pub fn of(config: &Config) -> KeySource {
        match (&config.secret_key, &config.secret_key_file) {
            (Some(_), _) => KeySource::Environment,
            (None, Some(file)) => KeySource::File(file.clone()),
            (None, None) => KeySource::File(config.data_dir.join("secret.key")),
        }
    }
}

/// The server's key: from the environment, else read from its file (created, with a new
/// random key, the first time).
pub fn load(config: &Config) -> Result<SecretKey, String> {
    let path = match KeySource::of(config) {
        KeySource::Environment => {
            let hex = config.secret_key.as_deref().unwrap_or_default();
            return SecretKey::from_hex(hex).map_err(|e| format!("CONSOLE_SECRET_KEY: {e}"));
        }
        KeySource::File(path) => path,
    };
    if inside(&path, &config.data_dir) {
        tracing::warn!(
            "the server key {} lives in the data directory it protects: a copy of the directory \
             opens every sealed secret. Keep it elsewhere (CONSOLE_SECRET_KEY_FILE) or give it \
             as CONSOLE_SECRET_KEY",
            path.display()
        );
    }
    match std::fs::read_to_string(&path) {
        Ok(s) => SecretKey::from_hex(&s).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::random();
            write_private(&path, &key.to_hex())
                .map_err(|e| format!("can't write {}: {e}", path.display()))?;
            tracing::info!(
                "created the server key {} (id {}); back it up apart from the database",
                path.display(),
                key.id()
            );
            Ok(key)
        }
        Err(e) => Err(format!("can't read {}: {e}", path.display())),
    }
}

/// Does `path` lie in `dir` (both made absolute and `..` folded)?
fn inside(path: &Path, dir: &Path) -> bool {
    let abs = |p: &Path| -> Option<PathBuf> {
        let mut out = PathBuf::new();
        for c in std::path::absolute(p).ok()?.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                other => out.push(other),
            }
        }
        Some(out)
    };
    match (abs(path), abs(dir)) {
        (Some(p), Some(d)) => p.starts_with(d),
        _ => false,
    }
}

/// Writes a new file readable by its owner only, synced to disk (and its directory entry
/// too) before returning.
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    sync_dir(path)
}

fn sync_dir(path: &Path) -> std::io::Result<()> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        #[cfg(unix)]
        Some(dir) => std::fs::File::open(dir)?.sync_all(),
        _ => Ok(()),
    }
}

/// `server secret-key rotate`: a new key; every sealed value re-sealed under it in one
/// transaction; the key file replaced (or, for a key given in the environment, the new key
/// printed for the operator to set). Prints `{"key_id", "resealed"[, "key"]}`.
pub async fn rotate(config: &Config) -> Result<String, String> {
    let service: Service = crate::open_service(config).await?;
    let new = SecretKey::random();
    let source = KeySource::of(config);
    // The new key is on disk before any value is sealed under it.
    let staged = match &source {
        KeySource::File(path) => {
            let staged = path.with_extension("key.new");
            let _ = std::fs::remove_file(&staged);
            write_private(&staged, &new.to_hex())
                .map_err(|e| format!("can't write {}: {e}", staged.display()))?;
            Some((staged, path.clone()))
        }
        KeySource::Environment => None,
    };
    let resealed = service
        .rotate_secret_key(&new)
        .await
        .map_err(|e| format!("rotation refused, nothing was changed: {e}"))?;
    let mut answer = serde_json::json!({ "key_id": new.id(), "resealed": resealed });
    match staged {
        Some((staged, path)) => {
            std::fs::rename(&staged, &path).map_err(|e| {
                format!(
                    "the secrets are sealed under the new key, in {}: move it to {} ({e})",
                    staged.display(),
                    path.display()
                )
            })?;
            sync_dir(&path).map_err(|e| format!("can't sync {}: {e}", path.display()))?;
        }
        None => {
            // The operator gives the key in the environment: they must set the new one.
            answer["key"] = serde_json::Value::String(new.to_hex());
        }
    }
    Ok(answer.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_in_the_data_directory_is_seen_as_inside() {
        assert!(inside(Path::new("data/secret.key"), Path::new("data")));
        assert!(inside(
            Path::new("./data/../data/secret.key"),
            Path::new("data")
        ));
        assert!(!inside(
            Path::new("/etc/console/secret.key"),
            Path::new("data")
        ));
    }
}
