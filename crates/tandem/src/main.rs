//! The `tandem` command: serve, worker, demo, migrate, import,
//! institution, report, config, openapi.

// Server code never unwraps, expects or panics on its own: a failure is
// an error the caller handles (issue 8). Tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

mod commands;
mod progress;
mod settings;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "tandem",
    version,
    about = "Faculty mentorship programs, end to end."
)]
struct Cli {
    /// A TOML configuration file (default: $TANDEM_CONFIG, or ./tandem.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL: sqlite:PATH or postgres://USER@HOST/DB (also TANDEM_DATABASE_URL).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Tandem over HTTP.
    Serve {
        /// Address to listen on (default 127.0.0.1, also TANDEM_BIND).
        #[arg(long)]
        bind: Option<String>,
        /// Port to listen on (default 8080, also TANDEM_PORT).
        #[arg(long)]
        port: Option<u16>,
        /// Do not run background jobs (e-mail) in this process; run
        /// `tandem worker` somewhere instead.
        #[arg(long)]
        no_worker: bool,
    },
    /// Run the background jobs (e-mail, request reminders) without serving
    /// HTTP, until Ctrl-C.
    Worker {
        /// Sweep once, send every job that is due, then exit (for cron, or
        /// a deployment that runs no long-lived worker).
        #[arg(long)]
        once: bool,
    },
    /// Seed two demo institutions into a SQLite database and serve them.
    Demo {
        #[arg(long)]
        port: Option<u16>,
        /// Where the demo database lives (default: the per-user data directory).
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Seed for the synthetic data; the same seed gives the same people.
        #[arg(long, default_value_t = 2013)]
        seed: u64,
        /// Seed the database and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Create the database if needed and apply migrations.
    Migrate,
    /// Import data.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Manage institutions.
    Institution {
        #[command(subcommand)]
        what: InstitutionCommand,
    },
    /// Reports.
    Report {
        #[command(subcommand)]
        what: ReportCommand,
    },
    /// Accounts, roles and the audit log.
    Admin {
        #[command(subcommand)]
        what: AdminCommand,
    },
    /// Print the effective settings, secrets redacted.
    Config,
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import a faculty roster (CSV; see docs/roster-format.md).
    Roster {
        file: PathBuf,
        #[arg(long)]
        institution: String,
    },
}

#[derive(Subcommand)]
enum InstitutionCommand {
    /// Create an institution.
    Create {
        slug: String,
        #[arg(long)]
        name: String,
    },
    /// List institutions.
    List,
}

fn parse_role(raw: &str) -> Result<tandem_domain::Role, String> {
    tandem_domain::Role::parse(raw).map_err(|e| e.to_string())
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an account; prints a temporary password unless --password-stdin.
    CreateAccount {
        username: String,
        /// The institution (omit only for a system operator).
        #[arg(long)]
        institution: Option<String>,
        /// Link the account to this person of the institution.
        #[arg(long)]
        employee_id: Option<String>,
        /// Roles to grant at once (repeatable).
        #[arg(long, value_parser = parse_role)]
        role: Vec<tandem_domain::Role>,
        /// The department or division a facilitator or unit leader covers.
        #[arg(long)]
        unit: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grant a role: mentee, mentor, facilitator, unit_leader, evaluator, institution_admin, system_operator.
    GrantRole {
        username: String,
        #[arg(value_parser = parse_role)]
        role: tandem_domain::Role,
        /// The department or division, for facilitator and unit_leader.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Revoke a role.
    RevokeRole {
        username: String,
        #[arg(value_parser = parse_role)]
        role: tandem_domain::Role,
        #[arg(long)]
        unit: Option<String>,
    },
    /// Set a new password (prints a temporary one unless --password-stdin); sessions end.
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account; its sessions and tokens stop working at once.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Check the audit log's hash chain; exits non-zero if any entry was altered or removed.
    VerifyAudit,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Table,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// A Table 1-style summary: counts and shares by gender, rank and stream.
    Demographics {
        #[arg(long)]
        institution: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut settings = match settings::Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    if let Some(url) = cli.database_url {
        settings.database_url = Some(url.into());
    }
    init_tracing(&settings.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn run(command: Command, mut settings: settings::Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve {
            bind,
            port,
            no_worker,
        } => {
            if let Some(b) = bind {
                settings.bind = b;
            }
            if let Some(p) = port {
                settings.port = p;
            }
            commands::serve(&settings, !no_worker).await
        }
        Command::Worker { once } => commands::run_worker(&settings, once).await,
        Command::Demo {
            port,
            data_dir,
            seed,
            no_serve,
        } => {
            if let Some(p) = port {
                settings.port = p;
            }
            if let Some(d) = data_dir {
                settings.data_dir = d;
            }
            commands::demo(&settings, seed, !no_serve).await
        }
        Command::Migrate => commands::migrate(&settings).await,
        Command::Import {
            what: ImportCommand::Roster { file, institution },
        } => commands::import_roster(&settings, &file, &institution).await,
        Command::Institution {
            what: InstitutionCommand::Create { slug, name },
        } => commands::create_institution(&settings, &slug, &name).await,
        Command::Institution {
            what: InstitutionCommand::List,
        } => commands::list_institutions(&settings).await,
        Command::Report {
            what:
                ReportCommand::Demographics {
                    institution,
                    format,
                },
        } => commands::demographics(&settings, &institution, format).await,
        Command::Admin { what } => commands::admin(&settings, what).await,
        Command::Config => {
            println!("{}", serde_json::to_string_pretty(&settings.redacted())?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Openapi => {
            println!("{}", tandem_web::openapi_document().to_pretty_json()?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
