//! Reminders that wait for their day in the job queue: the mentee is
//! asked to prepare the agenda a few days before each meeting, and both
//! sides are asked to revisit the agreement on its review date. Each job
//! is enqueued with the change that causes it, under a key naming that
//! exact version (a moved meeting gets a new reminder, the old one finds
//! its meeting changed and does nothing), and the notice it leaves has a
//! key of its own, so however many workers run, it is given once.

use serde::{Deserialize, Serialize};
use tandem_domain::meeting::{Meeting, MeetingStatus};
use tandem_domain::{Institution, InstitutionId, MeetingId, MentorshipId, PersonId, Side};
use tandem_store::jobs::{self, NewJob};
use tandem_store::{Db, DbTx, InstitutionScope, StoreError};
use time::{Date, Duration, OffsetDateTime, Time};

/// The job kinds this module runs (see `notify::worker`).
pub const AGENDA_REMINDER: &str = "meeting-agenda-reminder";
pub const REVIEW_REMINDER: &str = "agreement-review-reminder";

/// Days before a meeting the mentee is asked for the agenda.
pub const AGENDA_DAYS_BEFORE: i64 = 3;

#[derive(Debug, Serialize, Deserialize)]
pub struct AgendaPayload {
    pub meeting: uuid::Uuid,
    pub sequence: u32,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ReviewPayload {
    pub mentorship: uuid::Uuid,
    pub version: i32,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Queues the agenda reminder for `meeting` (this time and place of it),
/// unless its day has passed.
pub async fn enqueue_agenda_in(
    tx: &mut DbTx,
    institution: &Institution,
    meeting: &Meeting,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let at = meeting.starts_at - Duration::days(AGENDA_DAYS_BEFORE);
    if meeting.starts_at <= now {
        return Ok(());
    }
    let payload = serde_json::to_value(AgendaPayload {
        meeting: meeting.id.0,
        sequence: meeting.sequence,
    })
    .map_err(corrupt)?;
    jobs::enqueue_in(
        tx,
        &NewJob::new(
            AGENDA_REMINDER,
            format!("meeting-agenda:{}:{}", meeting.id, meeting.sequence),
            payload,
            at.max(now),
        )
        .for_institution(institution.id.0),
        now,
    )
    .await?;
    Ok(())
}

/// Queues the review reminder of agreement `version`, on its review date.
pub async fn enqueue_review_in(
    tx: &mut DbTx,
    institution: &Institution,
    mentorship: MentorshipId,
    version: i32,
    review_on: Date,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let payload = serde_json::to_value(ReviewPayload {
        mentorship: mentorship.0,
        version,
    })
    .map_err(corrupt)?;
    let at = review_on
        .with_time(Time::from_hms(9, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_utc();
    jobs::enqueue_in(
        tx,
        &NewJob::new(
            REVIEW_REMINDER,
            format!("agreement-review:{mentorship}:v{version}"),
            payload,
            at.max(now),
        )
        .for_institution(institution.id.0),
        now,
    )
    .await?;
    Ok(())
}

async fn institution_of(
    db: &Db,
    id: Option<uuid::Uuid>,
) -> Result<Option<Institution>, StoreError> {
    match id {
        Some(id) => tandem_store::institutions::by_id(db, InstitutionId(id)).await,
        None => Ok(None),
    }
}

async fn name(db: &Db, scope: &InstitutionScope, person: PersonId) -> Result<String, StoreError> {
    Ok(tandem_store::people::get(db, scope, person)
        .await?
        .map(|p| p.display_name())
        .unwrap_or_else(|| "your mentor".into()))
}

/// Runs an agenda reminder: only if the meeting is still scheduled at the
/// same time and the agenda is still empty. Returns whether it notified.
pub async fn run_agenda(
    db: &Db,
    institution: Option<uuid::Uuid>,
    payload: &AgendaPayload,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let Some(institution) = institution_of(db, institution).await? else {
        return Ok(false);
    };
    let scope = InstitutionScope::of(&institution);
    let Some(m) = tandem_store::meetings::get(db, &scope, MeetingId(payload.meeting)).await? else {
        return Ok(false);
    };
    if m.status != MeetingStatus::Scheduled
        || m.sequence != payload.sequence
        || !m.agenda.is_empty()
        || m.starts_at <= now
    {
        return Ok(false);
    }
    let Some(r) = tandem_store::relationships::get(db, &scope, m.mentorship_id).await? else {
        return Ok(false);
    };
    if !r.state.is_active() {
        return Ok(false);
    }
    let mentor = name(db, &scope, r.mentor_id).await?;
    let mut tx = db.begin().await?;
    let sent = crate::notify::notify_in(
        &mut tx,
        institution.id.0,
        r.mentee_id,
        &format!(
            "Your meeting with {mentor} is on {}: prepare the agenda (topics to raise, project timelines).",
            super::meetings::when(m.starts_at)
        ),
        &format!("/meetings/{}", m.id),
        &format!("meeting-agenda:{}:{}", m.id, m.sequence),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(sent)
}

/// Runs a review reminder: only if `version` is still the newest and the
/// relationship still active. Asks both sides. Returns how many it told.
pub async fn run_review(
    db: &Db,
    institution: Option<uuid::Uuid>,
    payload: &ReviewPayload,
    now: OffsetDateTime,
) -> Result<usize, StoreError> {
    let Some(institution) = institution_of(db, institution).await? else {
        return Ok(0);
    };
    let scope = InstitutionScope::of(&institution);
    let id = MentorshipId(payload.mentorship);
    let Some(r) = tandem_store::relationships::get(db, &scope, id).await? else {
        return Ok(0);
    };
    let newest = tandem_store::agreements::versions(db, &scope, id)
        .await?
        .first()
        .map(|a| a.version);
    if !r.state.is_active() || newest != Some(payload.version) {
        return Ok(0);
    }
    let mut told = 0;
    let mut tx = db.begin().await?;
    for side in [Side::Mentee, Side::Mentor] {
        let other = name(db, &scope, r.person(side.other())).await?;
        if crate::notify::notify_in(
            &mut tx,
            institution.id.0,
            r.person(side),
            &format!(
                "A year on: look at your mentoring agreement with {other} together. Continue (sign it again) or end the relationship, no reason needed."
            ),
            &format!("/relationships/{id}/agreement"),
            &format!("agreement-review:{id}:v{}:{}", payload.version, side.code()),
            now,
        )
        .await?
        {
            told += 1;
        }
    }
    tx.commit().await?;
    Ok(told)
}
