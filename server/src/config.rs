//! Server configuration: every option is a flag and an environment variable.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "The console: account and access management for media platforms",
    long_about = "Serves the console (web pages, server functions) with an embedded SQLite database.\n\
                  Without a subcommand it serves; `bootstrap` creates the first account headless."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(
        long = "addr",
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,

    /// Directory of the embedded database (created on first start).
    #[arg(
        long,
        env = "CONSOLE_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// The console's public URL, e.g. https://console.example.com. With https, the session
    /// cookie gets the __Host- prefix and Secure, and HSTS is sent.
    #[arg(long, env = "CONSOLE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Use this one-time setup token instead of a random one (first run only).
    #[arg(
        long,
        env = "CONSOLE_SETUP_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub setup_token: Option<String>,

    /// Minutes without a request after which a session ends (15–480).
    #[arg(long, env = "CONSOLE_SESSION_IDLE_MINUTES", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(15..=480), global = true)]
    pub session_idle_minutes: u32,

    /// Hours after sign-in at which a session ends whatever happens (1–72).
    #[arg(long, env = "CONSOLE_SESSION_ABSOLUTE_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=72), global = true)]
    pub session_absolute_hours: u32,

    /// Directory with the built site (WASM, JS, CSS); cargo-leptos sets it.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,

    /// SMTP server for the console's emails, e.g. smtps://user:password@mail.example.com
    /// or smtp://127.0.0.1:2525 (plain, for a local relay). Without it, emails stay in the
    /// outbox for the operator (`server outbox`).
    #[arg(long, env = "CONSOLE_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// The From address of the console's emails.
    #[arg(
        long,
        env = "CONSOLE_SMTP_FROM",
        default_value = "Console <console@localhost>",
        global = true
    )]
    pub smtp_from: String,

    /// Delivered emails are deleted from the outbox after this many days (their links
    /// are blanked at delivery already).
    #[arg(long, env = "CONSOLE_OUTBOX_KEEP_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub outbox_keep_days: u32,

    /// Days the audit log keeps a record (docs/rules/audit.md#retention); older records are
    /// removed once a day, and the removal recorded.
    #[arg(long, env = "CONSOLE_AUDIT_RETENTION_DAYS", default_value_t = 365,
          value_parser = clap::value_parser!(u32).range(30..=3650), global = true)]
    pub audit_retention_days: u32,

    /// Serve the outbox at /dev/mailbox (development only: anyone who can reach the
    /// console reads every email, links included).
    #[arg(
        long,
        env = "CONSOLE_DEV_MAILBOX",
        default_value_t = false,
        global = true
    )]
    pub dev_mailbox: bool,

    /// The server's key (64 hex characters) sealing environment API secrets. Without it,
    /// `secret.key` in the data directory is used, created on first start. Keep it with
    /// backups: sealed secrets can't be opened without it.
    #[arg(
        long,
        env = "CONSOLE_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,

    /// The file holding the server's key when CONSOLE_SECRET_KEY isn't set (default:
    /// `secret.key` in the data directory — keep it elsewhere, apart from the database).
    #[arg(long, env = "CONSOLE_SECRET_KEY_FILE", global = true)]
    pub secret_key_file: Option<PathBuf>,

    /// Allow `http` webhook notification URLs (default: `https` only). For development
    /// receivers on a private network.
    #[arg(
        long,
        env = "CONSOLE_WEBHOOK_ALLOW_HTTP",
        default_value_t = false,
        global = true
    )]
    pub webhook_allow_http: bool,

    /// Internal networks (comma-separated CIDRs) that webhook *Send test* may reach all the
    /// same; by default it refuses loopback, private, link-local and unique-local addresses.
    #[arg(long, env = "CONSOLE_WEBHOOK_ALLOWED_NETWORKS", value_delimiter = ',',
          value_parser = parse_network, global = true)]
    pub webhook_allowed_networks: Vec<ipnet::IpNet>,

    /// Provisioning API: requests per account per hour (then 420).
    #[arg(long, env = "CONSOLE_PROVISIONING_HOURLY_LIMIT", default_value_t = 5000,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub provisioning_hourly_limit: u32,

    /// Provisioning API: requests per account API key per second (then 429).
    #[arg(long, env = "CONSOLE_PROVISIONING_PER_SECOND_LIMIT", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub provisioning_per_second_limit: u32,

    /// Provisioning API: requests of one account API key in progress at once (then 429).
    #[arg(long, env = "CONSOLE_PROVISIONING_CONCURRENT_LIMIT", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub provisioning_concurrent_limit: u32,

    /// Seconds a request's body may take to arrive (then 408). Nothing waits on a
    /// database connection meanwhile.
    #[arg(long, env = "CONSOLE_BODY_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=300), global = true)]
    pub body_timeout_secs: u64,

    /// Seconds a whole request may take, body and answer (then 408).
    #[arg(long, env = "CONSOLE_REQUEST_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600), global = true)]
    pub request_timeout_secs: u64,

    /// Proxies whose X-Forwarded-For is believed: comma-separated addresses or CIDRs,
    /// e.g. `127.0.0.1,10.0.0.0/8`. Without it every client address is the socket's.
    #[arg(long, env = "CONSOLE_TRUSTED_PROXIES", value_delimiter = ',',
          value_parser = parse_network, global = true)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "CONSOLE_MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: usize,
}

/// A network: a CIDR, or one address.
fn parse_network(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{s}` is not an address or CIDR (e.g. 10.0.0.0/8)"))
}

impl Config {
    /// What the operator should hear at start-up about this configuration.
    pub fn warnings(&self) -> Vec<String> {
        let mut said = Vec::new();
        if !self.addr.ip().is_loopback() && !self.secure() {
            said.push(format!(
                "listening on {} without an https CONSOLE_PUBLIC_URL: the session cookie lacks \
                 Secure and no HSTS is sent — serve the console behind TLS and set CONSOLE_PUBLIC_URL",
                self.addr
            ));
        }
        if self.trusted_proxies.iter().any(|n| n.prefix_len() == 0) {
            said.push(
                "CONSOLE_TRUSTED_PROXIES trusts every address: any client can choose the \
                 address it signs in from"
                    .to_string(),
            );
        }
        said
    }

    /// Served over https (per the public URL)?
    pub fn secure(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// `scheme://host[:port]` of the public URL, for the same-origin check.
    pub fn public_origin(&self) -> Option<String> {
        let url = self.public_url.as_deref()?;
        let (scheme, rest) = url.split_once("://")?;
        let authority = rest.split('/').next()?;
        Some(format!("{scheme}://{authority}").to_lowercase())
    }

    pub fn provisioning_limits(&self) -> crate::provisioning::LimitConfig {
        crate::provisioning::LimitConfig {
            per_account_hourly: self.provisioning_hourly_limit,
            per_key_per_second: self.provisioning_per_second_limit,
            per_key_in_progress: self.provisioning_concurrent_limit,
        }
    }

    /// How request bodies are read: at most so many bytes, within so long.
    pub fn body_policy(&self) -> crate::middleware::BodyPolicy {
        crate::middleware::BodyPolicy {
            max_bytes: self.max_body_bytes,
            read_timeout: std::time::Duration::from_secs(self.body_timeout_secs),
        }
    }

    pub fn service_config(&self) -> app::service::ServiceConfig {
        app::service::ServiceConfig {
            session_idle_secs: i64::from(self.session_idle_minutes) * 60,
            session_absolute_secs: i64::from(self.session_absolute_hours) * 3600,
            public_url: self
                .public_url
                .clone()
                .map(|u| u.trim_end_matches('/').to_string())
                .unwrap_or_else(|| format!("http://{}", self.addr)),
            webhook_allow_http: self.webhook_allow_http,
            outbound: app::domain::network::OutboundRule {
                allowed: self.webhook_allowed_networks.clone(),
            },
            ..Default::default()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the console (the default).
    Serve,
    /// Create the first account and its root user (a Master admin) without the setup
    /// page. The password is read from standard input. Prints {"account_id": …}.
    Bootstrap {
        /// The account's name (1–100 characters).
        #[arg(long)]
        account_name: String,
        /// The root user's email; they sign in with it.
        #[arg(long)]
        email: String,
        /// A plan of the catalogue: free, plus, advanced or enterprise.
        #[arg(long, default_value = app::domain::plan::DEFAULT_PLAN)]
        plan: String,
    },
    /// Print the newest emails of the outbox (what the console sent or will send), as
    /// JSON lines, newest first.
    Outbox {
        /// Only messages to this address.
        #[arg(long)]
        to: Option<String>,
        /// How many messages at most.
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Account API keys: the Provisioning API's credentials.
    #[command(subcommand)]
    AccountApiKey(AccountApiKeyCommand),
    /// The server's sealing key.
    #[command(subcommand)]
    SecretKey(SecretKeyCommand),
    /// The account's allowed IP addresses (Account security).
    #[command(subcommand)]
    AllowedIps(AllowedIpsCommand),
    /// SAML single sign-on, for configuration kept as code (the page's checks).
    #[command(subcommand)]
    Saml(SamlCommand),
    /// SCIM bearer tokens, for identity providers that provision users.
    #[command(subcommand)]
    ScimToken(ScimTokenCommand),
    /// Users of an account.
    #[command(subcommand)]
    Users(UsersCommand),
    /// An Enterprise account's seats.
    #[command(subcommand)]
    Seats(SeatsCommand),
    /// The built site (LEPTOS_SITE_ROOT).
    #[command(subcommand)]
    Site(SiteCommand),
}

#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Compress the lazy WASM chunks against the main WASM (`<chunk>.dcz`), for browsers
    /// that keep it as a dictionary (RFC 9842): run after each release build. Prints what
    /// was written.
    CompressChunks,
}

#[derive(Debug, Subcommand)]
pub enum SeatsCommand {
    /// Set an Enterprise account's own seat count (its plan's "per account" seats); prints
    /// {"account_id","seat_limit"}. Never below the seats in use.
    Set {
        #[arg(long)]
        count: i64,
        /// The account; may be left out when the console holds one account.
        #[arg(long)]
        account_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Import users from a CSV file (email, and any of name, role, environments, groups), as
    /// User Management's import does: a progress bar while it runs, then the counts as JSON
    /// and each row that failed with its reason.
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Also write the per-row report (line, email, result, detail) as CSV here.
        #[arg(long)]
        report: Option<std::path::PathBuf>,
        /// The account; may be left out when the console holds one account.
        #[arg(long)]
        account_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScimTokenCommand {
    /// Create a token and print {"account_id","token"} as JSON. The token is shown this
    /// once: the console keeps only its hash.
    Create {
        #[arg(long)]
        name: String,
        /// The account; may be left out when the console holds one account.
        #[arg(long)]
        account_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SamlCommand {
    /// Turn SAML login on with this identity provider. Prints {"entity_id","acs_url"}:
    /// our values, for the identity provider.
    Set {
        /// The identity provider's metadata: a file, or an https:// URL to fetch.
        #[arg(long)]
        metadata: String,
        /// An email domain that signs in with SSO (repeat for several).
        #[arg(long = "domain", required = true)]
        domains: Vec<String>,
        /// Only Master admins may sign in with a password.
        #[arg(long)]
        enforce: bool,
        /// Create and update users from their first SAML sign-in (JIT provisioning).
        #[arg(long)]
        jit: bool,
        /// The role JIT gives when the assertion names none (any but master_admin).
        #[arg(long, requires = "jit")]
        default_role: Option<String>,
        /// The account; may be left out when the console holds one account.
        #[arg(long)]
        account_id: Option<String>,
    },
    /// Turn SAML login off (the settings are kept). Prints {"account_id"}.
    Off {
        #[arg(long)]
        account_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AllowedIpsCommand {
    /// Empty the list, so every address may sign in again — for administrators locked out.
    /// Open sessions aren't touched. Prints {"account_id","removed"}.
    Clear {
        /// The account; may be left out when the console holds one account.
        #[arg(long)]
        account_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretKeyCommand {
    /// A new key: every sealed secret re-sealed under it in one transaction, the key file
    /// replaced (a key given as CONSOLE_SECRET_KEY is printed, to be set). Stop the server
    /// first. Prints {"key_id","resealed"[,"key"]}.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum AccountApiKeyCommand {
    /// Create a key and print {"account_id","key","secret"} as JSON. The secret is shown
    /// this once: the console keeps only its hash.
    Create {
        /// The key's name (1–100 characters, unique in the account).
        #[arg(long)]
        name: String,
        /// The account; may be left out when the console holds one account.
        #[arg(long)]
        account_id: Option<String>,
    },
}
