//! Configuration: compiled defaults, then an optional TOML file, then
//! `TANDEM_*` environment variables, then command-line flags.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `sqlite:PATH` or `postgres://...`; picks the backend. Defaults to a
    /// SQLite file in the data directory.
    pub database_url: Option<SecretString>,
    /// Where Tandem keeps its SQLite database by default.
    pub data_dir: PathBuf,
    pub bind: String,
    pub port: u16,
    /// A tracing filter, e.g. `info` or `tandem=debug,info`.
    pub log: String,
    /// A session unused this long ends.
    pub session_idle_minutes: i64,
    /// A session ends this long after sign-in, used or not.
    pub session_absolute_hours: i64,
    /// The address people use, e.g. `https://mentoring.example.org`. When it
    /// is https, cookies are marked Secure and responses carry HSTS.
    pub public_url: Option<String>,
    /// E-mail (`[mail]` in the file, `TANDEM_MAIL__SMTP_URL` and
    /// `TANDEM_MAIL__FROM` in the environment).
    pub mail: MailSettings,
}

/// Where e-mail goes. Without an SMTP URL nothing is e-mailed: people
/// still find every notification in Tandem.
#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    /// `smtp://relay:25` (plain, for a relay inside the network),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465` (TLS).
    #[serde(default)]
    pub smtp_url: Option<SecretString>,
    /// The sender, e.g. `Mentoring program <mentoring@example.org>`.
    pub from: String,
}

/// The sender when none is configured.
pub const DEFAULT_MAIL_FROM: &str = "Tandem <tandem@localhost>";

/// The defaults, as figment's first layer.
#[derive(Serialize)]
struct Defaults {
    data_dir: PathBuf,
    bind: &'static str,
    port: u16,
    log: &'static str,
    session_idle_minutes: i64,
    session_absolute_hours: i64,
    mail: MailDefaults,
}

#[derive(Serialize)]
struct MailDefaults {
    from: &'static str,
}

/// The per-user data directory (e.g. ~/.local/share/tandem on Linux).
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("org", "Tandem", "tandem")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".tandem"))
}

impl Settings {
    /// Loads settings. `file` is the `--config` flag; without it,
    /// `TANDEM_CONFIG` or `./tandem.toml` is read when present.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Defaults {
            data_dir: default_data_dir(),
            bind: "127.0.0.1",
            port: 8080,
            log: "info,sqlx=warn",
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            mail: MailDefaults {
                from: DEFAULT_MAIL_FROM,
            },
        }));
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("TANDEM_CONFIG").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("tandem.toml")).filter(|p| p.exists()));
        if let Some(path) = file {
            if !path.exists() {
                anyhow::bail!("configuration file {} does not exist", path.display());
            }
            figment = figment.merge(Toml::file(path));
        }
        // `__` reaches into sections: TANDEM_MAIL__SMTP_URL is mail.smtp_url.
        figment = figment.merge(
            Env::prefixed("TANDEM_")
                .ignore(&["config", "test_database_url"])
                .split("__"),
        );
        let settings: Settings = figment.extract()?;
        if !(1..=24 * 60).contains(&settings.session_idle_minutes) {
            anyhow::bail!("invalid session_idle_minutes: expected 1 to 1440");
        }
        if !(1..=24 * 30).contains(&settings.session_absolute_hours) {
            anyhow::bail!("invalid session_absolute_hours: expected 1 to 720");
        }
        Ok(settings)
    }

    pub fn auth_settings(&self) -> tandem_core::auth::AuthSettings {
        tandem_core::auth::AuthSettings {
            idle_timeout: time::Duration::minutes(self.session_idle_minutes),
            absolute_timeout: time::Duration::hours(self.session_absolute_hours),
            ..Default::default()
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// The database URL in force: the configured one, or SQLite in the
    /// data directory under `default_file`.
    pub fn database_url(&self, default_file: &str) -> String {
        match &self.database_url {
            Some(url) => url.expose_secret().to_string(),
            None => sqlite_url(&self.data_dir.join(default_file)),
        }
    }

    /// The SMTP URL, if e-mail is configured (an empty value counts as
    /// none).
    pub fn smtp_url(&self) -> Option<String> {
        self.mail
            .smtp_url
            .as_ref()
            .map(|u| u.expose_secret().trim().to_string())
            .filter(|u| !u.is_empty())
    }

    /// The effective settings with secrets redacted, for `tandem config`.
    pub fn redacted(&self) -> serde_json::Value {
        serde_json::json!({
            "database_url": tandem_store::redact_url(&self.database_url("tandem.sqlite3")),
            "data_dir": self.data_dir,
            "bind": self.bind,
            "port": self.port,
            "log": self.log,
            "session_idle_minutes": self.session_idle_minutes,
            "session_absolute_hours": self.session_absolute_hours,
            "public_url": self.public_url,
            "mail": {
                "smtp_url": self.smtp_url().map(|u| tandem_store::redact_url(&u)),
                "from": self.mail.from,
            },
        })
    }
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite:{}", path.display())
}
