//! What each subcommand does.

use anyhow::{Context, bail};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use std::sync::Arc;
use tandem_core::auth::{Auth, HashingPriority, PasswordHasherPool};
use tandem_core::clock::{Clock, SystemClock};
use tandem_core::notify::{Mailer, NoMailer, SmtpMailer, Worker};
use tandem_core::roster::{ImportError, Progress};
use tandem_domain::InstitutionSlug;
use tandem_store::Db;

use crate::Format;
use crate::progress::TerminalProgress;
use crate::settings::{Settings, sqlite_url};

/// Opens (creating and migrating if needed) the configured database.
async fn open(url: &str) -> anyhow::Result<Db> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the directory {}", parent.display()))?;
        }
    }
    let db = Db::connect(url)
        .await
        .with_context(|| format!("cannot open the database {}", tandem_store::redact_url(url)))?;
    db.migrate().await?;
    Ok(db)
}

async fn institution(db: &Db, slug: &str) -> anyhow::Result<tandem_domain::Institution> {
    match tandem_store::institutions::by_slug(db, slug).await? {
        Some(i) => Ok(i),
        None => bail!(
            "no institution {slug:?}; create it first with `tandem institution create {slug} --name NAME`"
        ),
    }
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<ExitCode> {
    let url = settings.database_url("tandem.sqlite3");
    let db = open(&url).await?;
    println!(
        "database {} is up to date ({})",
        tandem_store::redact_url(&url),
        db.backend()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn serve(settings: &Settings, run_worker: bool) -> anyhow::Result<ExitCode> {
    let url = settings.database_url("tandem.sqlite3");
    let db = open(&url).await?;
    listen(settings, db, "Tandem", run_worker).await
}

/// The configured mailer: SMTP when `mail.smtp_url` is set, else one that
/// sends nothing.
fn mailer(settings: &Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match settings.smtp_url() {
        Some(url) => Arc::new(SmtpMailer::from_url(&url, &settings.mail.from)?),
        None => Arc::new(NoMailer),
    })
}

fn worker(settings: &Settings, db: Db) -> anyhow::Result<Worker> {
    Ok(Worker::new(db, mailer(settings)?).with_public_url(settings.public_url.clone()))
}

/// How long a stopping worker may take to finish the batch under way.
const WORKER_STOP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Background work for as long as the process runs: the request sweep
/// and, when `worker` is given, the job worker. [`Background::stop`] ends
/// both, letting the worker finish its batch.
struct Background {
    sweeper: tokio::task::JoinHandle<()>,
    worker: Option<(
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    )>,
}

impl Background {
    fn start(db: &Db, worker: Option<Worker>) -> Background {
        let sweeper = tokio::spawn(sweep_requests(db.clone()));
        let worker = worker.map(|w| {
            let (stop, mut stopped) = tokio::sync::watch::channel(false);
            let handle = tokio::spawn(async move {
                w.run(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await;
            });
            (stop, handle)
        });
        Background { sweeper, worker }
    }

    async fn stop(self) {
        self.sweeper.abort();
        if let Some((stop, handle)) = self.worker {
            let _ = stop.send(true);
            if tokio::time::timeout(WORKER_STOP_TIMEOUT, handle)
                .await
                .is_err()
            {
                tracing::warn!(
                    "the job worker did not stop in time; its jobs run again after their lease"
                );
            }
        }
    }
}

/// Runs only the background work (job worker and request sweep), without
/// serving HTTP: until Ctrl-C, or with `once`, one sweep and every job due
/// now, then exit.
pub async fn run_worker(settings: &Settings, once: bool) -> anyhow::Result<ExitCode> {
    let url = settings.database_url("tandem.sqlite3");
    let db = open(&url).await?;
    let worker = worker(settings, db.clone())?;
    if once {
        let outcome = work_once(&db, &worker).await;
        db.close().await;
        return outcome;
    }
    println!(
        "Tandem's worker is running on {} with {} (press Ctrl-C to stop)",
        tandem_store::redact_url(&url),
        worker.mailer.describe()
    );
    let background = Background::start(&db, Some(worker));
    let _ = tokio::signal::ctrl_c().await;
    background.stop().await;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// The most batches one `worker --once` runs: a bound, so a queue that
/// keeps refilling cannot keep it running for ever.
const ONCE_MAX_BATCHES: usize = 10_000;

/// One sweep, then batches of due jobs until none is left to claim (a job
/// that fails waits for its retry time, so it is not claimed again here).
/// Safe beside running servers and workers: every step is claimed in the
/// database, so nothing is sent twice.
async fn work_once(db: &Db, worker: &Worker) -> anyhow::Result<ExitCode> {
    let now = tandem_store::microsecond_now();
    sweep(db, now).await;
    let mut total = tandem_core::notify::WorkerStats::default();
    for _ in 0..ONCE_MAX_BATCHES {
        let batch = worker.run_once(now).await?;
        total.claimed += batch.claimed;
        total.completed += batch.completed;
        total.sent += batch.sent;
        total.retried += batch.retried;
        total.failed += batch.failed;
        if batch.claimed == 0 {
            break;
        }
    }
    println!(
        "jobs: {} claimed, {} completed, {} e-mails sent, {} to retry later, {} failed",
        total.claimed, total.completed, total.sent, total.retried, total.failed
    );
    Ok(ExitCode::SUCCESS)
}

/// Password hashes may use every core but one (at least one), at the
/// lowest priority: a hash is tens of milliseconds of CPU, so a wave of
/// sign-ins hashing like any other work stalled everyone else's requests
/// (measured: load/, docs/PERFORMANCE.md).
fn hasher() -> anyhow::Result<PasswordHasherPool> {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    Ok(PasswordHasherPool::new(
        hashing_workers(cores),
        HashingPriority::Background,
    )?)
}

/// The hashing threads for a machine with `cores` cores.
fn hashing_workers(cores: usize) -> usize {
    cores.saturating_sub(1).max(1)
}

fn app_state(settings: &Settings, db: Db) -> anyhow::Result<tandem_web::AppState> {
    let auth = Auth {
        db: db.clone(),
        clock: Arc::new(SystemClock),
        hasher: hasher()?,
        settings: settings.auth_settings(),
    };
    Ok(tandem_web::AppState {
        db,
        auth: Arc::new(auth),
        secure_cookies: settings.secure_cookies(),
        pools: Arc::default(),
    })
}

async fn listen(
    settings: &Settings,
    db: Db,
    what: &str,
    run_worker: bool,
) -> anyhow::Result<ExitCode> {
    let worker = if run_worker {
        Some(worker(settings, db.clone())?)
    } else {
        None
    };
    let address = format!("{}:{}", settings.bind, settings.port);
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    let local = listener.local_addr()?;
    println!("{what} is serving on http://{local}/ (press Ctrl-C to stop)");
    let app = tandem_web::router(app_state(settings, db.clone())?);
    if let Some(w) = &worker {
        println!("background jobs run here; e-mail: {}", w.mailer.describe());
    }
    let background = Background::start(&db, worker);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    background.stop().await;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn demo(settings: &Settings, seed: u64, serve: bool) -> anyhow::Result<ExitCode> {
    let url = match &settings.database_url {
        Some(_) => settings.database_url("demo.sqlite3"),
        None => sqlite_url(&settings.data_dir.join("demo.sqlite3")),
    };
    let db = open(&url).await?;
    let started = Instant::now();
    let progress = TerminalProgress::new();
    let seeded =
        tandem_core::demo::seed(&db, seed, tandem_store::microsecond_now(), &progress).await?;
    progress.finish();
    for s in &seeded {
        println!(
            "{}: {} faculty ({} new, {} updated, {} unchanged){}",
            s.slug,
            s.summary.rows,
            s.summary.created,
            s.summary.updated,
            s.summary.unchanged,
            if s.created_institution {
                ", institution created"
            } else {
                ""
            }
        );
        if let Some(r) = &s.relationships {
            println!(
                "{}: {} agreements, {} meetings, {} action items; {} relationships ended, {} completed, {} proposal declined",
                s.slug, r.agreements, r.meetings, r.action_items, r.ended, r.completed, r.declined
            );
        }
    }
    let accounts = tandem_core::demo::seed_accounts(&db, &hasher()?, SystemClock.now()).await?;
    for (slug, h) in
        tandem_core::demo::seed_health_all(&db, seed, tandem_store::microsecond_now()).await?
    {
        if h.checkins > 0 {
            println!(
                "{slug}: {} check-ins; relationships thriving {}, watched {}, at risk {} ({} told for the study's factors); {} brokering cases",
                h.checkins,
                h.statuses[0],
                h.statuses[1],
                h.statuses[2],
                h.stories.len(),
                h.cases
            );
        }
    }
    println!(
        "demo data ready in {:.2} s (seed {seed}, database {})",
        started.elapsed().as_secs_f64(),
        tandem_store::redact_url(&url)
    );
    println!(
        "\nSign in with any of these (password: {}):",
        tandem_core::demo::DEMO_PASSWORD
    );
    for a in &accounts {
        println!("  {:<26} {}", a.username, a.what);
    }
    println!();
    if serve {
        listen(settings, db, "The Tandem demo", true).await
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

pub async fn create_institution(
    settings: &Settings,
    slug: &str,
    name: &str,
) -> anyhow::Result<ExitCode> {
    let slug = InstitutionSlug::parse(slug)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        bail!("invalid name: expected 1 to 200 characters");
    }
    let db = open(&settings.database_url("tandem.sqlite3")).await?;
    match tandem_store::institutions::create(&db, &slug, name).await {
        Ok(i) => {
            println!("created institution {} ({})", i.slug, i.name);
            Ok(ExitCode::SUCCESS)
        }
        Err(tandem_store::StoreError::Conflict(_)) => {
            bail!("an institution with slug {slug} already exists")
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn list_institutions(settings: &Settings) -> anyhow::Result<ExitCode> {
    let db = open(&settings.database_url("tandem.sqlite3")).await?;
    for i in tandem_store::institutions::list(&db).await? {
        println!("{}\t{}", i.slug, i.name);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn import_roster(
    settings: &Settings,
    file: &Path,
    slug: &str,
) -> anyhow::Result<ExitCode> {
    let db = open(&settings.database_url("tandem.sqlite3")).await?;
    let institution = institution(&db, slug).await?;
    let started = Instant::now();
    let reader =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let progress = TerminalProgress::new();
    progress.stage("checking", 0);
    let result = match tandem_core::roster::parse_roster(std::io::BufReader::new(reader)) {
        Ok(records) => {
            progress.stage("checking", records.len() as u64);
            progress.set(records.len() as u64);
            tandem_core::roster::import_roster(
                &db,
                &institution,
                &records,
                tandem_store::microsecond_now(),
                &mut uuid_v4,
                &progress,
            )
            .await
        }
        Err(e) => Err(e),
    };
    progress.finish();
    match result {
        Ok(s) => {
            println!(
                "imported {} row(s) into {} in {:.2} s: {} created, {} updated, {} unchanged; {} department(s) and {} division(s) created",
                s.rows,
                institution.slug,
                started.elapsed().as_secs_f64(),
                s.created,
                s.updated,
                s.unchanged,
                s.departments_created,
                s.divisions_created
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rows(errors)) => {
            eprintln!(
                "{}: {} problem(s); nothing was imported",
                file.display(),
                errors.len()
            );
            for e in &errors {
                eprintln!("  {e}");
            }
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            Err(anyhow::Error::new(e).context(format!("{}: nothing was imported", file.display())))
        }
    }
}

fn uuid_v4() -> uuid::Uuid {
    uuid::Uuid::new_v4()
}

pub async fn demographics(
    settings: &Settings,
    slug: &str,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let db = open(&settings.database_url("tandem.sqlite3")).await?;
    let institution = institution(&db, slug).await?;
    let report = tandem_core::reports::demographics(&db, &institution).await?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Csv => print!("{}", tandem_core::reports::demographics_csv(&report)?),
        Format::Table => print!("{}", tandem_core::reports::demographics_table(&report)),
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a password from standard input (one line), or makes one up and
/// says so. Passwords are never taken as arguments: they would end up in
/// shell history and process listings.
fn password_from(stdin: bool) -> anyhow::Result<(String, bool)> {
    if stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        Ok((password, false))
    } else {
        Ok((tandem_core::admin::generate_password(), true))
    }
}

pub async fn admin(settings: &Settings, command: crate::AdminCommand) -> anyhow::Result<ExitCode> {
    use crate::AdminCommand::*;
    let db = open(&settings.database_url("tandem.sqlite3")).await?;
    let now = SystemClock.now();
    match command {
        CreateAccount {
            username,
            institution: slug,
            employee_id,
            role,
            unit,
            password_stdin,
        } => {
            let institution = match &slug {
                Some(s) => Some(institution(&db, s).await?),
                None => None,
            };
            if institution.is_none()
                && role
                    .iter()
                    .any(|r| *r != tandem_domain::Role::SystemOperator)
            {
                bail!("an account without --institution can only be a system operator");
            }
            let (password, generated) = password_from(password_stdin)?;
            let hash = hasher()?.hash(&password).await?;
            tandem_core::admin::create_account(
                &db,
                institution.as_ref(),
                employee_id.as_deref(),
                &username,
                &hash,
                None,
                now,
            )
            .await?;
            for r in &role {
                tandem_core::admin::grant_role(&db, &username, *r, unit.as_deref(), None, now)
                    .await?;
            }
            println!("created account {username}");
            if generated {
                println!("temporary password: {password}");
            }
        }
        GrantRole {
            username,
            role,
            unit,
        } => {
            let added =
                tandem_core::admin::grant_role(&db, &username, role, unit.as_deref(), None, now)
                    .await?;
            println!(
                "{}",
                if added {
                    format!("granted {} to {username}", role.code())
                } else {
                    format!("{username} already holds {}", role.code())
                }
            );
        }
        RevokeRole {
            username,
            role,
            unit,
        } => {
            if tandem_core::admin::revoke_role(&db, &username, role, unit.as_deref(), None, now)
                .await?
            {
                println!("revoked {} from {username}", role.code());
            } else {
                bail!(
                    "{username} does not hold {}{}",
                    role.code(),
                    unit.map(|u| format!(" in {u}")).unwrap_or_default()
                );
            }
        }
        ResetPassword {
            username,
            password_stdin,
        } => {
            let (password, generated) = password_from(password_stdin)?;
            tandem_core::admin::reset_password(&db, &hasher()?, &username, &password, None, now)
                .await?;
            println!("password of {username} reset; their sessions have ended");
            if generated {
                println!("temporary password: {password}");
            }
        }
        Disable { username } => {
            tandem_core::admin::set_disabled(&db, &username, true, None, now).await?;
            println!("disabled {username}");
        }
        Enable { username } => {
            tandem_core::admin::set_disabled(&db, &username, false, None, now).await?;
            println!("enabled {username}");
        }
        VerifyAudit => match tandem_store::audit::verify(&db).await? {
            Ok(n) => println!("audit log intact: {n} entries, chain verified"),
            Err(e) => {
                eprintln!("audit log TAMPERED: {e}");
                return Ok(ExitCode::FAILURE);
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// How often the server expires unanswered requests and sends reminders.
/// Reads already treat a request past its time as expired, so this only
/// decides how soon the reminder reaches the mentor.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// Expires requests and writes reminders, every [`SWEEP_EVERY`], for as
/// long as the server runs; reminds check-ins that fell due and refreshes
/// each relationship's health status (alerting facilitators about the
/// newly at risk, once). A failed sweep is logged and retried next time.
async fn sweep_requests(db: Db) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        sweep(&db, tandem_store::microsecond_now()).await;
    }
}

/// One sweep: expire requests and write their reminders, remind check-ins
/// that fell due, refresh every relationship's health. Each part is
/// claimed in the database, so instances sweeping at once add nothing
/// twice. Failures are logged; the next sweep tries again.
async fn sweep(db: &Db, now: time::OffsetDateTime) {
    match tandem_core::mentoring::requests::sweep(db, now).await {
        Ok(done) if done.expired > 0 || done.reminded > 0 => {
            tracing::info!(
                expired = done.expired,
                reminded = done.reminded,
                "request sweep"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "request sweep failed"),
    }
    match tandem_core::health::checkins::remind(db, now).await {
        Ok(done) if done.reminders > 0 => {
            tracing::info!(reminders = done.reminders, "check-in reminders");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "check-in reminders failed"),
    }
    match tandem_core::health::refresh_all(db, now).await {
        Ok(done) if done.changed > 0 => tracing::info!(
            assessed = done.assessed,
            changed = done.changed,
            newly_at_risk = done.newly_at_risk,
            "health refresh"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "health refresh failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::hashing_workers;

    #[test]
    fn hashing_leaves_a_core_for_requests_but_always_has_one_thread() {
        assert_eq!(hashing_workers(1), 1);
        assert_eq!(hashing_workers(2), 1);
        assert_eq!(hashing_workers(8), 7);
    }
}
