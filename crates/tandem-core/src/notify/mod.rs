//! Telling people: an in-app notification, and, as each person prefers,
//! an e-mail now, a weekly digest, or nothing.
//!
//! [`notify_in`] writes the notification and enqueues the e-mail job in
//! the caller's transaction (the outbox), both under the caller's dedupe
//! key, so calling it twice leaves one notification and one e-mail. The
//! [`Worker`] (one per server instance; several instances may share a
//! PostgreSQL database) claims due jobs and runs them by kind.
//!
//! Job kinds and their payloads (JSON):
//! - [`EMAIL`]: [`EmailPayload`], one message to one person, whose
//!   address is read when it is sent;
//! - [`DIGEST`]: [`DigestPayload`], a person's week of notifications not
//!   yet e-mailed, in one message.
//!
//! More kinds are added in [`worker`]: see `Worker::execute`.

mod mailer;
pub mod worker;

pub use mailer::{MailError, MailFuture, Mailer, NoMailer, OutgoingEmail, SmtpMailer};
pub use worker::{JobError, Worker, WorkerStats};

use serde::{Deserialize, Serialize};
use tandem_domain::{EmailPreference, PersonId};
use tandem_store::jobs::{self, NewJob};
use tandem_store::{Db, DbTx, StoreError};
use time::{Duration, OffsetDateTime, Time, UtcOffset};
use uuid::Uuid;

/// One e-mail to one person.
pub const EMAIL: &str = "email";
/// A person's weekly digest.
pub const DIGEST: &str = "digest";

/// The payload of an [`EMAIL`] job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPayload {
    pub person: Uuid,
    pub subject: String,
    /// The message; the worker adds the link and a footer.
    pub text: String,
    /// A path in Tandem, e.g. `/requests`.
    pub link: String,
    /// The in-app notification this e-mail carries, marked e-mailed once
    /// sent (so a digest does not repeat it).
    #[serde(default)]
    pub notification: Option<Uuid>,
}

/// The payload of a [`DIGEST`] job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestPayload {
    pub person: Uuid,
    /// The digest carries notifications from this time (the start of the
    /// week it covers) until it runs.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// The ISO week of `at` (UTC), as in `2026-W10`.
pub fn iso_week(at: OffsetDateTime) -> String {
    let (year, week, _) = at.to_offset(UtcOffset::UTC).to_iso_week_date();
    format!("{year}-W{week:02}")
}

/// Monday 00:00 UTC of the ISO week of `at`.
pub fn week_start(at: OffsetDateTime) -> OffsetDateTime {
    let utc = at.to_offset(UtcOffset::UTC);
    let monday = utc.date() - Duration::days(i64::from(utc.weekday().number_days_from_monday()));
    monday.with_time(Time::MIDNIGHT).assume_utc()
}

/// When the digest of the week of `at` goes out: the next Monday, 07:00
/// UTC.
pub fn digest_time(at: OffsetDateTime) -> OffsetDateTime {
    week_start(at) + Duration::days(7) + Duration::hours(7)
}

/// A subject line from a notification's text: its first sentence, cut to
/// fit.
pub fn subject_of(text: &str) -> String {
    let first = text
        .lines()
        .next()
        .unwrap_or_default()
        .split_inclusive(". ")
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches('.');
    let mut subject: String = first.chars().take(90).collect();
    if first.chars().count() > 90 {
        subject.push('…');
    }
    if subject.is_empty() {
        "Tandem".into()
    } else {
        format!("Tandem: {subject}")
    }
}

/// Leaves `body` for `person` in Tandem, inside `tx`, and per the person's
/// e-mail preference enqueues an e-mail (immediate: job key
/// `email:{dedupe_key}`) or makes sure their weekly digest is enqueued
/// (digest: key `digest:{person}:{ISO week}`, running Monday 07:00 UTC of
/// the next week); `off` enqueues nothing.
///
/// `dedupe_key` names the event (`request-reminder:{request id}`): a
/// second call with the same key does nothing and returns false.
pub async fn notify_in(
    tx: &mut DbTx,
    institution: Uuid,
    person: PersonId,
    body: &str,
    link: &str,
    dedupe_key: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let Some(notification) = tandem_store::mentoring::notify_once_in(
        tx,
        institution,
        person,
        body,
        link,
        dedupe_key,
        now,
    )
    .await?
    else {
        return Ok(false);
    };
    match jobs::email_preference_in(tx, institution, person).await? {
        EmailPreference::Immediate => {
            let payload = EmailPayload {
                person: person.0,
                subject: subject_of(body),
                text: body.to_string(),
                link: link.to_string(),
                notification: Some(notification),
            };
            let job = NewJob::new(EMAIL, format!("email:{dedupe_key}"), json(&payload)?, now)
                .for_institution(institution);
            jobs::enqueue_in(tx, &job, now).await?;
        }
        EmailPreference::Digest => {
            let payload = DigestPayload {
                person: person.0,
                since: week_start(now),
            };
            let key = format!("digest:{}:{}", person.0, iso_week(now));
            let job = NewJob::new(DIGEST, key, json(&payload)?, digest_time(now))
                .for_institution(institution);
            jobs::enqueue_in(tx, &job, now).await?;
        }
        EmailPreference::Off => {}
    }
    Ok(true)
}

/// [`notify_in`] in a transaction of its own.
pub async fn notify(
    db: &Db,
    institution: Uuid,
    person: PersonId,
    body: &str,
    link: &str,
    dedupe_key: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let new = notify_in(&mut tx, institution, person, body, link, dedupe_key, now).await?;
    tx.commit().await?;
    Ok(new)
}

fn json(payload: &impl Serialize) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(payload).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn weeks_start_on_monday_and_digests_go_out_the_next_monday_morning() {
        // Wednesday 4 March 2026.
        let at = datetime!(2026-03-04 15:30 UTC);
        assert_eq!(iso_week(at), "2026-W10");
        assert_eq!(week_start(at), datetime!(2026-03-02 00:00 UTC));
        assert_eq!(digest_time(at), datetime!(2026-03-09 07:00 UTC));
        // A Monday is the start of its own week; a Sunday the end.
        assert_eq!(
            week_start(datetime!(2026-03-02 00:00 UTC)),
            datetime!(2026-03-02 00:00 UTC)
        );
        assert_eq!(
            week_start(datetime!(2026-03-08 23:59 UTC)),
            datetime!(2026-03-02 00:00 UTC)
        );
        // ISO years differ from calendar years around New Year.
        assert_eq!(iso_week(datetime!(2027-01-01 12:00 UTC)), "2026-W53");
        // Other offsets count in UTC.
        assert_eq!(
            week_start(datetime!(2026-03-02 01:00 +05:00)),
            datetime!(2026-02-23 00:00 UTC)
        );
    }

    #[test]
    fn subjects_are_the_first_sentence() {
        assert_eq!(
            subject_of("Reminder: Ann Lee's request expires on 16 March 2026 unless you answer."),
            "Tandem: Reminder: Ann Lee's request expires on 16 March 2026 unless you answer"
        );
        assert_eq!(
            subject_of("Bo accepted your request. You can withdraw the rest."),
            "Tandem: Bo accepted your request"
        );
        assert_eq!(subject_of(""), "Tandem");
        assert!(subject_of(&"x".repeat(500)).chars().count() < 100);
    }
}
