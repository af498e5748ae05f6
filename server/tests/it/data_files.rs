//! The data directory and the server's key (docs/rules/environments.md#api-keys): the
//! directory is owner-only, so are the database and key files; a key kept apart from the
//! data directory is used as given; sealed values name their key, a server with the wrong
//! key refuses to start, and `server secret-key rotate` re-seals everything under a new key.

use std::process::Command;

fn server(
    args: &[&str],
    data: &std::path::Path,
    key_file: Option<&std::path::Path>,
) -> (bool, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_server"));
    c.args(args)
        .env("CONSOLE_DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .env_remove("CONSOLE_SECRET_KEY");
    match key_file {
        Some(f) => c.env("CONSOLE_SECRET_KEY_FILE", f),
        None => c.env_remove("CONSOLE_SECRET_KEY_FILE"),
    };
    let out = c.output().expect("server binary");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// An account (with its first environment and its sealed Root key) made by the CLI.
fn bootstrap(data: &std::path::Path, key_file: Option<&std::path::Path>) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_server"));
    c.args([
        "bootstrap",
        "--account-name",
        "Acme",
        "--email",
        "root@example.com",
    ])
    .env("CONSOLE_DATA_DIR", data)
    .env("RUST_LOG", "warn")
    .env_remove("CONSOLE_SECRET_KEY")
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    if let Some(f) = key_file {
        c.env("CONSOLE_SECRET_KEY_FILE", f);
    }
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", crate::support::ADMIN_PASSWORD).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_its_files_are_owner_only() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    bootstrap(&data, None);
    assert_eq!(mode(&data), 0o700);
    for f in ["console.db", "console.db-wal", "secret.key"] {
        let p = data.join(f);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    }
    assert_eq!(mode(&data.join("console.db")), 0o600);
    assert_eq!(mode(&data.join("secret.key")), 0o600);
}

#[test]
fn a_key_kept_apart_opens_the_secrets_and_another_key_refuses_to_start() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let keys = root.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let key = keys.join("console.key");
    bootstrap(&data, Some(&key));
    assert!(key.exists(), "the key was written where it was asked");
    assert!(!data.join("secret.key").exists(), "not beside the database");
    // The outbox opens the service: with the right key it works …
    let (ok, _, err) = server(&["outbox"], &data, Some(&key));
    assert!(ok, "{err}");
    // … with another key (a copy of the data directory alone) it refuses, and says why.
    let other = keys.join("other.key");
    let (ok, _, err) = server(&["outbox"], &data, Some(&other));
    assert!(!ok);
    assert!(err.contains("sealed under the key"), "{err}");
}

#[test]
fn rotating_the_key_reseals_every_secret_under_the_new_one() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let key = root.path().join("console.key");
    bootstrap(&data, Some(&key));
    let before = std::fs::read_to_string(&key).unwrap();
    let (ok, out, err) = server(&["secret-key", "rotate"], &data, Some(&key));
    assert!(ok, "{err}");
    let answer: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(answer["resealed"], 1, "the Root key's secret");
    assert!(
        answer.get("key").is_none(),
        "a key kept in a file isn't printed"
    );
    let after = std::fs::read_to_string(&key).unwrap();
    assert_ne!(before, after);
    let id = app::service::SecretKey::from_hex(&after).unwrap().id();
    assert_eq!(answer["key_id"], id);
    // The server starts with the new key, not with the old one.
    let (ok, _, err) = server(&["outbox"], &data, Some(&key));
    assert!(ok, "{err}");
    std::fs::write(root.path().join("old.key"), before).unwrap();
    let (ok, _, err) = server(&["outbox"], &data, Some(&root.path().join("old.key")));
    assert!(!ok && err.contains("sealed under the key"), "{err}");
}
