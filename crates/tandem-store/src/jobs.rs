//! The outbox: durable jobs run outside the request that caused them
//! (e-mail now, other reminders later), each person's e-mail preference,
//! and the bookkeeping a weekly digest needs.
//!
//! A job is enqueued in the same transaction as its cause, under a
//! dedupe key: enqueueing the same key again does nothing. Workers (one
//! per server instance, any number of instances on one PostgreSQL)
//! [`claim`] due jobs with a lease, in portable SQL: candidates are read,
//! then each is taken by a compare-and-set `UPDATE` that only one worker
//! can win. A job whose worker dies is claimed again once its lease runs
//! out, so delivery is at least once; a lease longer than any job keeps
//! it exactly once in practice. Failures are retried with exponential
//! backoff until `max_attempts`, then the job is left `failed` with its
//! last error.

use crate::{Db, DbTime, DbTx, InstitutionScope, StoreError, on_pool, on_tx};
use tandem_domain::{EmailPreference, PersonId};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Attempts a job gets unless its enqueuer says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;
/// The first retry waits this long; each further one twice as long as the
/// one before, up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::minutes(1);
pub const MAX_BACKOFF: Duration = Duration::hours(1);

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting to run (or running, while leased), perhaps after failures.
    Pending,
    Done,
    /// Gave up: out of attempts, or an error no retry can fix.
    Failed,
}

impl JobStatus {
    pub fn code(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    fn parse(raw: &str) -> Result<JobStatus, StoreError> {
        match raw {
            "pending" => Ok(JobStatus::Pending),
            "done" => Ok(JobStatus::Done),
            "failed" => Ok(JobStatus::Failed),
            other => Err(corrupt(format!("job status {other:?}"))),
        }
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob<'a> {
    /// The institution whose data the job touches, if any.
    pub institution: Option<Uuid>,
    /// Which handler runs it (see `tandem_core::notify::worker`).
    pub kind: &'a str,
    /// Unique over all jobs, done or not: a second enqueue is a no-op.
    /// Prefix it with the kind (`email:...`, `digest:...`).
    pub dedupe_key: String,
    pub payload: serde_json::Value,
    /// Not before.
    pub run_at: OffsetDateTime,
    pub max_attempts: i32,
}

impl<'a> NewJob<'a> {
    /// A job of `kind` with the default number of attempts, for no
    /// institution in particular.
    pub fn new(
        kind: &'a str,
        dedupe_key: impl Into<String>,
        payload: serde_json::Value,
        run_at: OffsetDateTime,
    ) -> NewJob<'a> {
        NewJob {
            institution: None,
            kind,
            dedupe_key: dedupe_key.into(),
            payload,
            run_at,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    pub fn for_institution(mut self, institution: Uuid) -> Self {
        self.institution = Some(institution);
        self
    }
}

/// A stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: Uuid,
    pub institution: Option<Uuid>,
    pub kind: String,
    pub dedupe_key: String,
    pub payload: serde_json::Value,
    pub run_at: OffsetDateTime,
    pub status: JobStatus,
    /// Claims so far, this one included while it runs.
    pub attempts: i32,
    pub max_attempts: i32,
    pub leased_until: Option<OffsetDateTime>,
    pub lease_owner: Option<String>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

const JOB_COLUMNS: &str = "id, institution_id, kind, dedupe_key, payload, run_at, status, attempts, \
    max_attempts, leased_until, lease_owner, last_error, created_at, finished_at";

#[derive(sqlx::FromRow)]
struct JobRow {
    id: Uuid,
    institution_id: Option<Uuid>,
    kind: String,
    dedupe_key: String,
    payload: String,
    run_at: OffsetDateTime,
    status: String,
    attempts: i32,
    max_attempts: i32,
    leased_until: Option<OffsetDateTime>,
    lease_owner: Option<String>,
    last_error: Option<String>,
    created_at: OffsetDateTime,
    finished_at: Option<OffsetDateTime>,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;
    fn try_from(r: JobRow) -> Result<Job, StoreError> {
        Ok(Job {
            id: r.id,
            institution: r.institution_id,
            kind: r.kind,
            dedupe_key: r.dedupe_key,
            payload: serde_json::from_str(&r.payload).map_err(corrupt)?,
            run_at: r.run_at,
            status: JobStatus::parse(&r.status)?,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            leased_until: r.leased_until,
            lease_owner: r.lease_owner,
            last_error: r.last_error,
            created_at: r.created_at,
            finished_at: r.finished_at,
        })
    }
}

const ENQUEUE: &str = "INSERT INTO jobs (id, institution_id, kind, dedupe_key, payload, run_at, status, \
     attempts, max_attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8) \
     ON CONFLICT (dedupe_key) DO NOTHING";

/// Enqueues a job inside `tx`. Returns false, changing nothing, when a job
/// with the same dedupe key exists (whatever its status).
pub async fn enqueue_in(
    tx: &mut DbTx,
    job: &NewJob<'_>,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let payload = job.payload.to_string();
    let added = on_tx!(tx, conn => sqlx::query(ENQUEUE)
        .bind(Uuid::new_v4())
        .bind(job.institution)
        .bind(job.kind)
        .bind(&job.dedupe_key)
        .bind(&payload)
        .bind(DbTime(job.run_at))
        .bind(job.max_attempts.max(1))
        .bind(DbTime(now))
        .execute(conn)
        .await?
        .rows_affected());
    Ok(added == 1)
}

/// Enqueues a job on its own; see [`enqueue_in`].
pub async fn enqueue(db: &Db, job: &NewJob<'_>, now: OffsetDateTime) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let added = enqueue_in(&mut tx, job, now).await?;
    tx.commit().await?;
    Ok(added)
}

/// Claims up to `limit` due jobs for `owner` until `now + lease`, oldest
/// first. Each claim counts as an attempt. A job leased by another owner
/// is skipped until its lease has run out; two workers claiming at once
/// never get the same job. A job whose last attempt's lease ran out (its
/// worker died) is marked failed instead of being claimed again.
pub async fn claim(
    db: &Db,
    owner: &str,
    now: OffsetDateTime,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Job>, StoreError> {
    on_pool!(db, pool => sqlx::query(
        "UPDATE jobs SET status = 'failed', finished_at = $1, leased_until = NULL, \
         last_error = COALESCE(last_error, 'the worker running the last attempt stopped before it finished') \
         WHERE status = 'pending' AND leased_until IS NOT NULL AND leased_until <= $1 \
         AND attempts >= max_attempts",
    )
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    let candidates: Vec<Uuid> = on_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM jobs WHERE status = 'pending' AND run_at <= $1 \
         AND (leased_until IS NULL OR leased_until <= $1) AND attempts < max_attempts \
         ORDER BY run_at, id LIMIT $2",
    )
    .bind(DbTime(now))
    .bind(limit)
    .fetch_all(pool)
    .await?);
    let take = format!(
        "UPDATE jobs SET lease_owner = $2, leased_until = $3, attempts = attempts + 1 \
         WHERE id = $1 AND status = 'pending' AND run_at <= $4 \
         AND (leased_until IS NULL OR leased_until <= $4) AND attempts < max_attempts \
         RETURNING {JOB_COLUMNS}"
    );
    let mut out = Vec::with_capacity(candidates.len());
    for id in candidates {
        let row: Option<JobRow> = on_pool!(db, pool => sqlx::query_as(&take)
            .bind(id)
            .bind(owner)
            .bind(DbTime(now + lease))
            .bind(DbTime(now))
            .fetch_optional(pool)
            .await?);
        if let Some(row) = row {
            out.push(row.try_into()?);
        }
    }
    Ok(out)
}

/// Marks a job done, if `owner` still holds it. Returns whether it did.
pub async fn complete(
    db: &Db,
    id: Uuid,
    owner: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = on_pool!(db, pool => sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = $3, leased_until = NULL, last_error = NULL \
         WHERE id = $1 AND lease_owner = $2 AND status = 'pending'",
    )
    .bind(id)
    .bind(owner)
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(done == 1)
}

/// What became of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Runs again, not before this time.
    RetryAt(OffsetDateTime),
    /// Out of attempts (or not retryable): the job is `failed`.
    GaveUp,
    /// `owner` no longer held the job; nothing changed.
    NotOwner,
}

/// How long to wait after the `attempts`-th failed attempt: 1 minute, 2,
/// 4, ..., at most [`MAX_BACKOFF`].
pub fn backoff(attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 30) - 1;
    let wait = FIRST_BACKOFF * 2_i32.pow(doublings as u32);
    wait.min(MAX_BACKOFF)
}

/// Records a failed attempt by `owner`: the job runs again after
/// [`backoff`], or, out of attempts, is marked failed with `error`.
pub async fn fail(
    db: &Db,
    id: Uuid,
    owner: &str,
    error: &str,
    now: OffsetDateTime,
) -> Result<Failure, StoreError> {
    finish_attempt(db, id, owner, error, now, true).await
}

/// Records an error no retry can fix (an unknown kind, a payload that
/// does not parse): the job is marked failed at once.
pub async fn give_up(
    db: &Db,
    id: Uuid,
    owner: &str,
    error: &str,
    now: OffsetDateTime,
) -> Result<Failure, StoreError> {
    finish_attempt(db, id, owner, error, now, false).await
}

async fn finish_attempt(
    db: &Db,
    id: Uuid,
    owner: &str,
    error: &str,
    now: OffsetDateTime,
    retry: bool,
) -> Result<Failure, StoreError> {
    let error: String = error.chars().take(2_000).collect();
    let found: Option<(i32, i32)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND lease_owner = $2 AND status = 'pending'",
    )
    .bind(id)
    .bind(owner)
    .fetch_optional(pool)
    .await?);
    let Some((attempts, max_attempts)) = found else {
        return Ok(Failure::NotOwner);
    };
    // The attempt count is the compare-and-set: a claim by someone else in
    // between changes it (and the owner).
    let (outcome, changed) = if retry && attempts < max_attempts {
        let at = now + backoff(attempts);
        let changed = on_pool!(db, pool => sqlx::query(
            "UPDATE jobs SET run_at = $4, leased_until = NULL, last_error = $5 \
             WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND status = 'pending'",
        )
        .bind(id)
        .bind(owner)
        .bind(attempts)
        .bind(DbTime(at))
        .bind(&error)
        .execute(pool)
        .await?
        .rows_affected());
        (Failure::RetryAt(at), changed)
    } else {
        let changed = on_pool!(db, pool => sqlx::query(
            "UPDATE jobs SET status = 'failed', finished_at = $4, leased_until = NULL, last_error = $5 \
             WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND status = 'pending'",
        )
        .bind(id)
        .bind(owner)
        .bind(attempts)
        .bind(DbTime(now))
        .bind(&error)
        .execute(pool)
        .await?
        .rows_affected());
        (Failure::GaveUp, changed)
    };
    Ok(if changed == 1 {
        outcome
    } else {
        Failure::NotOwner
    })
}

/// How many jobs wait (due or not, leased or not).
pub async fn pending_count(db: &Db) -> Result<i64, StoreError> {
    count(db, JobStatus::Pending).await
}

/// How many jobs have `status`.
pub async fn count(db: &Db, status: JobStatus) -> Result<i64, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE status = $1",
    )
    .bind(status.code())
    .fetch_one(pool)
    .await?))
}

/// One job, by id.
pub async fn get(db: &Db, id: Uuid) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
    let row: Option<JobRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await?);
    row.map(Job::try_from).transpose()
}

/// One job, by dedupe key.
pub async fn by_dedupe_key(db: &Db, key: &str) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE dedupe_key = $1");
    let row: Option<JobRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(key)
        .fetch_optional(pool)
        .await?);
    row.map(Job::try_from).transpose()
}

/// Every job of `kind`, oldest first (for tests and operators).
pub async fn of_kind(db: &Db, kind: &str) -> Result<Vec<Job>, StoreError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE kind = $1 ORDER BY created_at, id");
    let rows: Vec<JobRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(kind)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(Job::try_from).collect()
}

// ---------------------------------------------------------------------
// E-mail preferences

fn preference(raw: Option<String>) -> Result<EmailPreference, StoreError> {
    match raw {
        Some(code) => EmailPreference::parse(&code).map_err(corrupt),
        None => Ok(EmailPreference::Immediate),
    }
}

const PREFERENCE: &str =
    "SELECT email FROM notification_preferences WHERE institution_id = $1 AND person_id = $2";

/// How a person wants notifications e-mailed (immediately when they never
/// said).
pub async fn email_preference(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<EmailPreference, StoreError> {
    let raw: Option<String> = on_pool!(db, pool => sqlx::query_scalar(PREFERENCE)
        .bind(scope.institution_id().0)
        .bind(person.0)
        .fetch_optional(pool)
        .await?);
    preference(raw)
}

/// [`email_preference`] inside `tx`.
pub async fn email_preference_in(
    tx: &mut DbTx,
    institution: Uuid,
    person: PersonId,
) -> Result<EmailPreference, StoreError> {
    let raw: Option<String> = on_tx!(tx, conn => sqlx::query_scalar(PREFERENCE)
        .bind(institution)
        .bind(person.0)
        .fetch_optional(conn)
        .await?);
    preference(raw)
}

/// Saves how a person wants notifications e-mailed.
pub async fn set_email_preference(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    email: EmailPreference,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO notification_preferences (person_id, institution_id, email, updated_at) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (person_id) DO UPDATE SET email = $3, updated_at = $4",
    )
    .bind(person.0)
    .bind(scope.institution_id().0)
    .bind(email.code())
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

// ---------------------------------------------------------------------
// What has been e-mailed

/// A notification as an e-mail shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unemailed {
    pub id: Uuid,
    pub body: String,
    pub link: String,
    pub created_at: OffsetDateTime,
}

/// A person's notifications created in `[since, until]` that no e-mail
/// has carried yet, oldest first.
pub async fn unemailed_notifications(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    since: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<Vec<Unemailed>, StoreError> {
    let rows: Vec<(Uuid, String, String, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, body, link, created_at FROM notifications \
         WHERE institution_id = $1 AND person_id = $2 AND emailed_at IS NULL \
         AND created_at >= $3 AND created_at <= $4 ORDER BY created_at, id",
    )
    .bind(scope.institution_id().0)
    .bind(person.0)
    .bind(DbTime(since))
    .bind(DbTime(until))
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(id, body, link, created_at)| Unemailed {
            id,
            body,
            link,
            created_at,
        })
        .collect())
}

/// Records that an e-mail carried these notifications of a person. Returns
/// how many were not marked before.
pub async fn mark_emailed(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    ids: &[Uuid],
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    let mut marked = 0;
    let mut tx = db.begin().await?;
    for id in ids {
        marked += on_tx!(&mut tx, conn => sqlx::query(
            "UPDATE notifications SET emailed_at = $4 \
             WHERE institution_id = $1 AND person_id = $2 AND id = $3 AND emailed_at IS NULL",
        )
        .bind(scope.institution_id().0)
        .bind(person.0)
        .bind(id)
        .bind(DbTime(now))
        .execute(conn)
        .await?
        .rows_affected());
    }
    tx.commit().await?;
    Ok(marked)
}

/// Whether a notification has gone out by e-mail (None: no such message
/// of this person).
pub async fn emailed_at(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    id: Uuid,
) -> Result<Option<Option<OffsetDateTime>>, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query_scalar(
        "SELECT emailed_at FROM notifications WHERE institution_id = $1 AND person_id = $2 AND id = $3",
    )
    .bind(scope.institution_id().0)
    .bind(person.0)
    .bind(id)
    .fetch_optional(pool)
    .await?))
}
