//! The worker: claims due jobs, runs each by kind, and completes or fails
//! it. Run one per server instance; any number may share a database.
//!
//! Adding a kind: give it a name (a `pub const` like [`super::EMAIL`]) and
//! a serde payload type, enqueue it with `tandem_store::jobs::enqueue_in`
//! (in the transaction of whatever causes it, under a dedupe key that
//! names the event), and add an arm to [`Worker::execute`] that reads the
//! payload and does the work. Return [`JobError::Retry`] for what may pass
//! (a server down) and [`JobError::Permanent`] for what cannot (bad
//! payload); a job of a kind no arm knows fails permanently.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use serde::de::DeserializeOwned;
use tandem_domain::{EmailPreference, Institution, InstitutionId, PersonId, PersonProfile};
use tandem_store::jobs::{self, Failure, Job};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::{Duration, OffsetDateTime};

use super::mailer::{MailError, Mailer, OutgoingEmail};
use super::{DIGEST, DigestPayload, EMAIL, EmailPayload};
use crate::relationships::reminders;

/// Why a job did not finish.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another attempt later (with backoff).
    #[error("{0}")]
    Retry(String),
    /// No attempt can succeed: the job is marked failed now.
    #[error("{0}")]
    Permanent(String),
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Corrupt(_) => JobError::Permanent(e.to_string()),
            other => JobError::Retry(other.to_string()),
        }
    }
}

impl From<MailError> for JobError {
    fn from(e: MailError) -> Self {
        if e.is_permanent() {
            JobError::Permanent(e.to_string())
        } else {
            JobError::Retry(e.to_string())
        }
    }
}

/// What one [`Worker::run_once`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerStats {
    /// Jobs this worker claimed.
    pub claimed: usize,
    /// Jobs it finished (done), whether or not they sent anything.
    pub completed: usize,
    /// Messages the mailer accepted.
    pub sent: usize,
    /// Failed attempts that will be retried.
    pub retried: usize,
    /// Jobs given up for good.
    pub failed: usize,
}

/// What a finished job did.
struct Done {
    sent: usize,
}

/// Runs jobs. `owner` is random per instance: leases name it, so only the
/// worker that claimed a job can complete or fail it.
#[derive(Clone)]
pub struct Worker {
    pub db: Db,
    pub mailer: Arc<dyn Mailer>,
    pub owner: String,
    /// How long a claimed job is this worker's; another worker may claim
    /// it once the lease has run out (this one presumably died). Longer
    /// than any job takes.
    pub lease: Duration,
    /// Jobs claimed at once.
    pub batch: i64,
    /// How long [`Worker::run`] sleeps when nothing is due.
    pub poll: StdDuration,
    /// The address people use (`https://mentoring.example.org`), to make
    /// links in e-mail absolute.
    pub public_url: Option<String>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("owner", &self.owner)
            .field("mailer", &self.mailer.describe())
            .field("lease", &self.lease)
            .finish()
    }
}

impl Worker {
    /// A worker with a random owner id, a five-minute lease, batches of
    /// ten and a two-second poll.
    pub fn new(db: Db, mailer: Arc<dyn Mailer>) -> Worker {
        Worker {
            db,
            mailer,
            owner: format!("worker-{}", uuid::Uuid::new_v4().simple()),
            lease: Duration::minutes(5),
            batch: 10,
            poll: StdDuration::from_secs(2),
            public_url: None,
        }
    }

    pub fn with_public_url(mut self, url: Option<String>) -> Worker {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_string());
        self
    }

    /// Claims one batch of due jobs and runs them. A failing job is
    /// recorded (for retry or as failed), never returned as an error; the
    /// error is the database failing the worker itself.
    pub async fn run_once(&self, now: OffsetDateTime) -> Result<WorkerStats, StoreError> {
        let claimed = jobs::claim(&self.db, &self.owner, now, self.lease, self.batch).await?;
        let mut stats = WorkerStats {
            claimed: claimed.len(),
            ..WorkerStats::default()
        };
        for job in &claimed {
            match self.execute(job, now).await {
                Ok(done) => {
                    if jobs::complete(&self.db, job.id, &self.owner, now).await? {
                        stats.completed += 1;
                    } else {
                        tracing::warn!(job = %job.id, kind = %job.kind, "job finished after its lease was taken over");
                    }
                    stats.sent += done.sent;
                }
                Err(e) => {
                    let (outcome, permanent) = match &e {
                        JobError::Retry(text) => (
                            jobs::fail(&self.db, job.id, &self.owner, text, now).await?,
                            false,
                        ),
                        JobError::Permanent(text) => (
                            jobs::give_up(&self.db, job.id, &self.owner, text, now).await?,
                            true,
                        ),
                    };
                    match outcome {
                        Failure::RetryAt(at) => {
                            stats.retried += 1;
                            tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %e, retry_at = %at, "job failed; will retry");
                        }
                        Failure::GaveUp => {
                            stats.failed += 1;
                            tracing::warn!(job = %job.id, kind = %job.kind, attempts = job.attempts, permanent, error = %e, "job failed for good");
                        }
                        Failure::NotOwner => {
                            tracing::warn!(job = %job.id, kind = %job.kind, error = %e, "job failed after its lease was taken over");
                        }
                    }
                }
            }
        }
        Ok(stats)
    }

    /// Runs jobs until `shutdown` completes: a batch, then another at once
    /// if the batch was full, else after [`Worker::poll`]. A batch under
    /// way is finished before stopping.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        tracing::info!(owner = %self.owner, mailer = %self.mailer.describe(), "job worker started");
        loop {
            let full = match self.run_once(tandem_store::microsecond_now()).await {
                Ok(stats) => {
                    if stats.claimed > 0 {
                        tracing::debug!(?stats, "job batch");
                    }
                    stats.claimed as i64 >= self.batch
                }
                Err(e) => {
                    tracing::warn!(error = %e, "job worker cannot reach the database");
                    false
                }
            };
            let pause = if full { StdDuration::ZERO } else { self.poll };
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!(owner = %self.owner, "job worker stopped");
    }

    /// Runs one claimed job by its kind. New kinds get an arm here.
    async fn execute(&self, job: &Job, now: OffsetDateTime) -> Result<Done, JobError> {
        match job.kind.as_str() {
            EMAIL => self.email(job, payload(job)?, now).await,
            DIGEST => self.digest(job, payload(job)?, now).await,
            reminders::AGENDA_REMINDER => {
                reminders::run_agenda(&self.db, job.institution, &payload(job)?, now).await?;
                Ok(Done { sent: 0 })
            }
            reminders::REVIEW_REMINDER => {
                reminders::run_review(&self.db, job.institution, &payload(job)?, now).await?;
                Ok(Done { sent: 0 })
            }
            other => Err(JobError::Permanent(format!(
                "unknown job kind {other:?}: no handler in tandem_core::notify::worker"
            ))),
        }
    }

    /// The institution and the person a job is for; `None` when either no
    /// longer exists.
    async fn recipient(
        &self,
        job: &Job,
        person: uuid::Uuid,
    ) -> Result<Option<(InstitutionScope, PersonProfile)>, JobError> {
        let Some(institution) = job.institution else {
            return Err(JobError::Permanent(format!(
                "a {} job needs an institution",
                job.kind
            )));
        };
        let Some(institution): Option<Institution> =
            tandem_store::institutions::by_id(&self.db, InstitutionId(institution)).await?
        else {
            return Ok(None);
        };
        let scope = InstitutionScope::of(&institution);
        let profile = tandem_store::people::get(&self.db, &scope, PersonId(person)).await?;
        Ok(profile.map(|p| (scope, p)))
    }

    /// A link people can follow: absolute when the public address is known.
    fn link(&self, path: &str) -> String {
        match &self.public_url {
            Some(base) if path.starts_with('/') => format!("{base}{path}"),
            _ => path.to_string(),
        }
    }

    fn footer(&self) -> String {
        format!(
            "--\nTandem. To choose how Tandem e-mails you (immediately, a weekly digest, or never), go to {}.",
            self.link("/settings")
        )
    }

    async fn email(
        &self,
        job: &Job,
        p: EmailPayload,
        now: OffsetDateTime,
    ) -> Result<Done, JobError> {
        let Some((scope, person)) = self.recipient(job, p.person).await? else {
            return Err(JobError::Permanent(
                "the person this e-mail is for no longer exists".into(),
            ));
        };
        // The preference may have changed since the job was enqueued.
        if jobs::email_preference(&self.db, &scope, person.id).await? == EmailPreference::Off {
            return Ok(Done { sent: 0 });
        }
        if let Some(n) = p.notification
            && let Some(Some(_)) = jobs::emailed_at(&self.db, &scope, person.id, n).await?
        {
            // Already carried by another e-mail (a digest).
            return Ok(Done { sent: 0 });
        }
        let email = OutgoingEmail {
            to: person.email.as_str().to_string(),
            to_name: Some(person.display_name()),
            subject: p.subject,
            body: format!(
                "{}\n\nOpen it in Tandem: {}\n\n{}\n",
                p.text,
                self.link(&p.link),
                self.footer()
            ),
        };
        self.mailer.send(&email).await?;
        if !self.mailer.delivers() {
            return Ok(Done { sent: 0 });
        }
        if let Some(n) = p.notification {
            jobs::mark_emailed(&self.db, &scope, person.id, &[n], now).await?;
        }
        Ok(Done { sent: 1 })
    }

    async fn digest(
        &self,
        job: &Job,
        p: DigestPayload,
        now: OffsetDateTime,
    ) -> Result<Done, JobError> {
        let Some((scope, person)) = self.recipient(job, p.person).await? else {
            return Err(JobError::Permanent(
                "the person this digest is for no longer exists".into(),
            ));
        };
        if jobs::email_preference(&self.db, &scope, person.id).await? == EmailPreference::Off {
            return Ok(Done { sent: 0 });
        }
        let items =
            jobs::unemailed_notifications(&self.db, &scope, person.id, p.since, now).await?;
        if items.is_empty() {
            return Ok(Done { sent: 0 });
        }
        let day = time::macros::format_description!("[day padding:none] [month repr:long]");
        let mut body = format!(
            "Your notifications in Tandem since {}:\n",
            p.since.format(&day).unwrap_or_default()
        );
        for item in &items {
            body.push_str(&format!(
                "\n- {}: {}\n  {}\n",
                item.created_at.format(&day).unwrap_or_default(),
                item.body,
                self.link(&item.link)
            ));
        }
        body.push_str(&format!("\n{}\n", self.footer()));
        let email = OutgoingEmail {
            to: person.email.as_str().to_string(),
            to_name: Some(person.display_name()),
            subject: format!(
                "Tandem: your week, {} notification{}",
                items.len(),
                if items.len() == 1 { "" } else { "s" }
            ),
            body,
        };
        self.mailer.send(&email).await?;
        if !self.mailer.delivers() {
            return Ok(Done { sent: 0 });
        }
        let ids: Vec<uuid::Uuid> = items.iter().map(|i| i.id).collect();
        jobs::mark_emailed(&self.db, &scope, person.id, &ids, now).await?;
        Ok(Done { sent: 1 })
    }
}

/// A job's payload as its kind's type; one that does not parse cannot be
/// run, ever.
pub fn payload<T: DeserializeOwned>(job: &Job) -> Result<T, JobError> {
    serde_json::from_value(job.payload.clone()).map_err(|e| {
        JobError::Permanent(format!(
            "the {} job's payload does not parse: {e}",
            job.kind
        ))
    })
}
