//! Finding a mentor (M2): program settings, mentoring preferences,
//! requests, pairs, do-not-match wishes, feedback about mentors and
//! notifications. Every function takes an [`InstitutionScope`]; the
//! business rules (who may ask whom, capacity, expiry) live in
//! tandem-core, which calls these in the right order.

use std::collections::HashMap;

use crate::db::conflict_as;
use crate::{Db, DbTime, DbTx, InstitutionScope, StoreError, on_pool, on_tx};
use tandem_domain::{
    Leadership, MentorRequest, MentorRequestId, MentorRole, MentoringProfile, Mentorship,
    MentorshipId, MentorshipOrigin, MentorshipStatus, PersonId, RequestStatus, TagList,
};
use time::OffsetDateTime;
use uuid::Uuid;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

// ---------------------------------------------------------------------
// Program settings

/// A program's stored settings; the weights stay JSON here because their
/// type belongs to the scoring code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSettings {
    pub weights_json: String,
    pub barred_leadership: Vec<Leadership>,
    pub request_expiry_days: i32,
    pub reminder_days: i32,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    weights: String,
    barred_leadership: String,
    request_expiry_days: i32,
    reminder_days: i32,
}

pub async fn settings(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Option<StoredSettings>, StoreError> {
    let row: Option<SettingsRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT weights, barred_leadership, request_expiry_days, reminder_days \
         FROM program_settings WHERE institution_id = $1",
    )
    .bind(scope.institution_id().0)
    .fetch_optional(pool)
    .await?);
    row.map(|r| {
        let barred = r
            .barred_leadership
            .split(';')
            .filter(|s| !s.is_empty())
            .map(Leadership::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(corrupt)?;
        Ok(StoredSettings {
            weights_json: r.weights,
            barred_leadership: barred,
            request_expiry_days: r.request_expiry_days,
            reminder_days: r.reminder_days,
        })
    })
    .transpose()
}

pub async fn save_settings(
    db: &Db,
    scope: &InstitutionScope,
    settings: &StoredSettings,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let barred: Vec<&str> = settings
        .barred_leadership
        .iter()
        .map(|l| l.code())
        .collect();
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO program_settings (institution_id, weights, barred_leadership, request_expiry_days, reminder_days, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (institution_id) DO UPDATE SET weights = $2, barred_leadership = $3, \
         request_expiry_days = $4, reminder_days = $5, updated_at = $6",
    )
    .bind(scope.institution_id().0)
    .bind(&settings.weights_json)
    .bind(barred.join(";"))
    .bind(settings.request_expiry_days)
    .bind(settings.reminder_days)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

// ---------------------------------------------------------------------
// Mentoring profiles

#[derive(sqlx::FromRow)]
struct ProfileRow {
    person_id: Uuid,
    looking_for: String,
    personal_interests: String,
    mentor_capacity: i32,
    mentor_training: bool,
    reference_opt_in: bool,
    looking_since: Option<OffsetDateTime>,
}

impl TryFrom<ProfileRow> for MentoringProfile {
    type Error = StoreError;
    fn try_from(r: ProfileRow) -> Result<Self, StoreError> {
        Ok(MentoringProfile {
            person_id: PersonId(r.person_id),
            looking_for: TagList::parse("looking_for", &r.looking_for).map_err(corrupt)?,
            personal_interests: TagList::parse("personal_interests", &r.personal_interests)
                .map_err(corrupt)?,
            mentor_capacity: u16::try_from(r.mentor_capacity).map_err(corrupt)?,
            mentor_training: r.mentor_training,
            reference_opt_in: r.reference_opt_in,
            looking_since: r.looking_since,
        })
    }
}

const PROFILE_COLUMNS: &str = "person_id, looking_for, personal_interests, mentor_capacity, \
    mentor_training, reference_opt_in, looking_since";

/// A person's mentoring profile; an empty one if they have said nothing.
pub async fn profile(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<MentoringProfile, StoreError> {
    let sql = format!(
        "SELECT {PROFILE_COLUMNS} FROM mentoring_profiles WHERE institution_id = $1 AND person_id = $2"
    );
    let row: Option<ProfileRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(person.0)
        .fetch_optional(pool)
        .await?);
    match row {
        Some(r) => r.try_into(),
        None => Ok(MentoringProfile::empty(person)),
    }
}

/// Every stored mentoring profile of the institution.
pub async fn profiles(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Vec<MentoringProfile>, StoreError> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM mentoring_profiles WHERE institution_id = $1");
    let rows: Vec<ProfileRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Creates or replaces a person's mentoring profile.
pub async fn save_profile(
    db: &Db,
    scope: &InstitutionScope,
    profile: &MentoringProfile,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO mentoring_profiles (person_id, institution_id, looking_for, personal_interests, \
         mentor_capacity, mentor_training, reference_opt_in, looking_since, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (person_id) DO UPDATE SET looking_for = $3, personal_interests = $4, \
         mentor_capacity = $5, mentor_training = $6, reference_opt_in = $7, looking_since = $8, \
         updated_at = $9",
    )
    .bind(profile.person_id.0)
    .bind(scope.institution_id().0)
    .bind(profile.looking_for.code())
    .bind(profile.personal_interests.code())
    .bind(i32::from(profile.mentor_capacity))
    .bind(profile.mentor_training)
    .bind(profile.reference_opt_in)
    .bind(profile.looking_since.map(DbTime))
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    bump_pool_version(db, scope).await
}

/// Records that a person started looking for a mentor, unless they already
/// had.
pub async fn mark_looking(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO mentoring_profiles (person_id, institution_id, looking_since, updated_at) \
         VALUES ($1, $2, $3, $3) \
         ON CONFLICT (person_id) DO UPDATE SET looking_since = COALESCE(mentoring_profiles.looking_since, $3)",
    )
    .bind(person.0)
    .bind(scope.institution_id().0)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

// ---------------------------------------------------------------------
// Do-not-match wishes

pub async fn add_do_not_match(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    other: PersonId,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO do_not_match (institution_id, person_id, other_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (person_id, other_id) DO NOTHING",
    )
    .bind(scope.institution_id().0)
    .bind(person.0)
    .bind(other.0)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Every do-not-match wish of the institution, as (asked by, about).
pub async fn do_not_match(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Vec<(PersonId, PersonId)>, StoreError> {
    let rows: Vec<(Uuid, Uuid)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT person_id, other_id FROM do_not_match WHERE institution_id = $1",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(a, b)| (PersonId(a), PersonId(b)))
        .collect())
}

// ---------------------------------------------------------------------
// Requests

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: Uuid,
    mentee_id: Uuid,
    mentor_id: Uuid,
    message: String,
    status: String,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    decided_at: Option<OffsetDateTime>,
}

const REQUEST_COLUMNS: &str =
    "id, mentee_id, mentor_id, message, status, created_at, expires_at, decided_at";

fn request_from(r: RequestRow, now: OffsetDateTime) -> Result<MentorRequest, StoreError> {
    let mut status = RequestStatus::parse(&r.status).map_err(corrupt)?;
    // A pending request past its time has expired, whether or not the
    // sweeper has written that down yet.
    if status == RequestStatus::Pending && r.expires_at <= now {
        status = RequestStatus::Expired;
    }
    Ok(MentorRequest {
        id: MentorRequestId(r.id),
        mentee_id: PersonId(r.mentee_id),
        mentor_id: PersonId(r.mentor_id),
        message: r.message,
        status,
        created_at: r.created_at,
        expires_at: r.expires_at,
        decided_at: r.decided_at.or(if status == RequestStatus::Expired {
            Some(r.expires_at)
        } else {
            None
        }),
    })
}

/// A new pending request.
pub struct NewRequest<'a> {
    pub id: MentorRequestId,
    pub mentee: PersonId,
    pub mentor: PersonId,
    pub message: &'a str,
    pub now: OffsetDateTime,
    pub remind_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Stores a new request. A second pending request to the same mentor is a
/// [`StoreError::Conflict`].
pub async fn create_request(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    request: &NewRequest<'_>,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO mentor_requests (id, institution_id, mentee_id, mentor_id, message, status, \
         created_at, expires_at, remind_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)",
    )
    .bind(request.id.0)
    .bind(scope.institution_id().0)
    .bind(request.mentee.0)
    .bind(request.mentor.0)
    .bind(request.message)
    .bind(DbTime(request.now))
    .bind(DbTime(request.expires_at))
    .bind(DbTime(request.remind_at))
    .execute(conn)
    .await
    .map(|_| ())
    .map_err(conflict_as("pending request to this mentor"))?);
    Ok(())
}

pub async fn request(
    db: &Db,
    scope: &InstitutionScope,
    id: MentorRequestId,
    now: OffsetDateTime,
) -> Result<Option<MentorRequest>, StoreError> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM mentor_requests WHERE institution_id = $1 AND id = $2"
    );
    let row: Option<RequestRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
    row.map(|r| request_from(r, now)).transpose()
}

/// Requests a person sent (as mentee) or received (as mentor), newest
/// first.
pub async fn requests_of(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    as_mentor: bool,
    now: OffsetDateTime,
) -> Result<Vec<MentorRequest>, StoreError> {
    let column = if as_mentor { "mentor_id" } else { "mentee_id" };
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM mentor_requests WHERE institution_id = $1 AND {column} = $2 \
         ORDER BY created_at DESC, id"
    );
    let rows: Vec<RequestRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(person.0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(|r| request_from(r, now)).collect()
}

/// Moves a request that is still pending (and not past its time) to
/// `status`, inside `tx`. Returns false if it was no longer pending.
pub async fn settle_request(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    id: MentorRequestId,
    status: RequestStatus,
    decline_reason: Option<&str>,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = on_tx!(tx, conn => sqlx::query(
        "UPDATE mentor_requests SET status = $3, decline_reason = $4, decided_at = $5 \
         WHERE institution_id = $1 AND id = $2 AND status = 'pending' AND expires_at > $5",
    )
    .bind(scope.institution_id().0)
    .bind(id.0)
    .bind(status.code())
    .bind(decline_reason)
    .bind(DbTime(now))
    .execute(conn)
    .await?
    .rows_affected());
    Ok(done == 1)
}

/// Withdraws every pending request a mentee has out; returns how many.
pub async fn withdraw_pending(
    db: &Db,
    scope: &InstitutionScope,
    mentee: PersonId,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query(
        "UPDATE mentor_requests SET status = 'withdrawn', decided_at = $3 \
         WHERE institution_id = $1 AND mentee_id = $2 AND status = 'pending' AND expires_at > $3",
    )
    .bind(scope.institution_id().0)
    .bind(mentee.0)
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected()))
}

/// Writes down every request, in every institution, that ran out of time.
pub async fn expire_due(db: &Db, now: OffsetDateTime) -> Result<u64, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query(
        "UPDATE mentor_requests SET status = 'expired', decided_at = expires_at \
         WHERE status = 'pending' AND expires_at <= $1",
    )
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected()))
}

/// A pending request whose mentor is due a reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub institution_id: Uuid,
    pub request: MentorRequestId,
    pub mentee: PersonId,
    pub mentor: PersonId,
    pub expires_at: OffsetDateTime,
}

/// Claims the reminders that are due (in every institution): each is
/// returned once, and its request marked as reminded in the same
/// transaction.
pub async fn claim_due_reminders(
    db: &Db,
    now: OffsetDateTime,
) -> Result<Vec<DueReminder>, StoreError> {
    let mut tx = db.begin().await?;
    let rows: Vec<(Uuid, Uuid, Uuid, Uuid, OffsetDateTime)> = on_tx!(&mut tx, conn => sqlx::query_as(
        "SELECT institution_id, id, mentee_id, mentor_id, expires_at FROM mentor_requests \
         WHERE status = 'pending' AND reminded_at IS NULL AND remind_at <= $1 AND expires_at > $1 \
         ORDER BY remind_at, id",
    )
    .bind(DbTime(now))
    .fetch_all(conn)
    .await?);
    let mut out = Vec::with_capacity(rows.len());
    for (institution_id, id, mentee, mentor, expires_at) in rows {
        let claimed = on_tx!(&mut tx, conn => sqlx::query(
            "UPDATE mentor_requests SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL",
        )
        .bind(id)
        .bind(DbTime(now))
        .execute(conn)
        .await?
        .rows_affected());
        if claimed == 1 {
            out.push(DueReminder {
                institution_id,
                request: MentorRequestId(id),
                mentee: PersonId(mentee),
                mentor: PersonId(mentor),
                expires_at,
            });
        }
    }
    tx.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------
// Mentorships

#[derive(sqlx::FromRow)]
struct MentorshipRow {
    id: Uuid,
    mentee_id: Uuid,
    mentor_id: Uuid,
    role: String,
    origin: String,
    status: String,
    proposed_at: OffsetDateTime,
    started_at: Option<OffsetDateTime>,
}

impl TryFrom<MentorshipRow> for Mentorship {
    type Error = StoreError;
    fn try_from(r: MentorshipRow) -> Result<Self, StoreError> {
        Ok(Mentorship {
            id: MentorshipId(r.id),
            mentee_id: PersonId(r.mentee_id),
            mentor_id: PersonId(r.mentor_id),
            role: MentorRole::parse(&r.role).map_err(corrupt)?,
            origin: MentorshipOrigin::parse(&r.origin).map_err(corrupt)?,
            status: MentorshipStatus::parse(&r.status).map_err(corrupt)?,
            proposed_at: r.proposed_at,
            started_at: r.started_at,
        })
    }
}

const MENTORSHIP_COLUMNS: &str =
    "id, mentee_id, mentor_id, role, origin, status, proposed_at, started_at";

/// Pairs a person is in, as mentee or as mentor, newest first.
pub async fn mentorships_of(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<Vec<Mentorship>, StoreError> {
    let sql = format!(
        "SELECT {MENTORSHIP_COLUMNS} FROM mentorships WHERE institution_id = $1 \
         AND (mentee_id = $2 OR mentor_id = $2) ORDER BY proposed_at DESC, id"
    );
    let rows: Vec<MentorshipRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(person.0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Every pair of the institution that is proposed or active.
pub async fn open_mentorships(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Vec<Mentorship>, StoreError> {
    let sql = format!(
        "SELECT {MENTORSHIP_COLUMNS} FROM mentorships WHERE institution_id = $1 \
         AND status IN ('proposed', 'active')"
    );
    let rows: Vec<MentorshipRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// How many mentees each mentor has now (proposed or active), inside `tx`
/// for one mentor, so an acceptance can check capacity atomically.
pub async fn mentor_load_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    mentor: PersonId,
) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM mentorships WHERE institution_id = $1 AND mentor_id = $2 \
         AND status IN ('proposed', 'active')",
    )
    .bind(scope.institution_id().0)
    .bind(mentor.0)
    .fetch_one(conn)
    .await?))
}

/// How many mentors a mentee has now (proposed or active), inside `tx`.
pub async fn mentee_load_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    mentee: PersonId,
) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM mentorships WHERE institution_id = $1 AND mentee_id = $2 \
         AND status IN ('proposed', 'active')",
    )
    .bind(scope.institution_id().0)
    .bind(mentee.0)
    .fetch_one(conn)
    .await?))
}

/// A mentor's capacity as stored, inside `tx`.
pub async fn capacity_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    mentor: PersonId,
) -> Result<i64, StoreError> {
    let capacity: Option<i32> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT mentor_capacity FROM mentoring_profiles WHERE institution_id = $1 AND person_id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(mentor.0)
    .fetch_optional(conn)
    .await?);
    Ok(i64::from(capacity.unwrap_or(0)))
}

/// Stores a new pair inside `tx`.
pub async fn insert_mentorship(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    m: &Mentorship,
    request: Option<MentorRequestId>,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO mentorships (id, institution_id, mentee_id, mentor_id, role, origin, request_id, \
         status, proposed_at, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(m.id.0)
    .bind(scope.institution_id().0)
    .bind(m.mentee_id.0)
    .bind(m.mentor_id.0)
    .bind(m.role.code())
    .bind(m.origin.code())
    .bind(request.map(|r| r.0))
    .bind(m.status.code())
    .bind(DbTime(m.proposed_at))
    .bind(m.started_at.map(DbTime))
    .execute(conn)
    .await
    .map(|_| ())
    .map_err(conflict_as("open pair of this mentee and mentor"))?);
    Ok(())
}

/// For time-to-match: each person who started looking, when, and when
/// their first pair became active (if it has).
pub async fn match_times(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Vec<(PersonId, OffsetDateTime, Option<OffsetDateTime>)>, StoreError> {
    let rows: Vec<(Uuid, OffsetDateTime, Option<OffsetDateTime>)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT p.person_id, p.looking_since, \
         (SELECT MIN(m.started_at) FROM mentorships m WHERE m.mentee_id = p.person_id \
          AND m.started_at IS NOT NULL AND m.started_at >= p.looking_since) \
         FROM mentoring_profiles p WHERE p.institution_id = $1 AND p.looking_since IS NOT NULL",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(p, since, matched)| (PersonId(p), since, matched))
        .collect())
}

/// Current and former mentees of a mentor who agreed to be references.
pub async fn references_of(
    db: &Db,
    scope: &InstitutionScope,
    mentor: PersonId,
) -> Result<Vec<PersonId>, StoreError> {
    let rows: Vec<Uuid> = on_pool!(db, pool => sqlx::query_scalar(
        "SELECT DISTINCT m.mentee_id FROM mentorships m \
         JOIN mentoring_profiles p ON p.person_id = m.mentee_id AND p.reference_opt_in \
         WHERE m.institution_id = $1 AND m.mentor_id = $2 AND m.status IN ('active', 'ended') \
         ORDER BY m.mentee_id",
    )
    .bind(scope.institution_id().0)
    .bind(mentor.0)
    .fetch_all(pool)
    .await?);
    Ok(rows.into_iter().map(PersonId).collect())
}

/// Whether `mentee` is or was in an active pair with `mentor`.
pub async fn was_paired(
    db: &Db,
    scope: &InstitutionScope,
    mentee: PersonId,
    mentor: PersonId,
) -> Result<bool, StoreError> {
    let n: i64 = on_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM mentorships WHERE institution_id = $1 AND mentee_id = $2 \
         AND mentor_id = $3 AND status IN ('active', 'ended')",
    )
    .bind(scope.institution_id().0)
    .bind(mentee.0)
    .bind(mentor.0)
    .fetch_one(pool)
    .await?);
    Ok(n > 0)
}

// ---------------------------------------------------------------------
// Feedback about mentors

/// A mentee's answers about a mentor: would they recommend them, and
/// three ratings from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackAnswers {
    pub would_recommend: bool,
    pub available: u8,
    pub helpful: u8,
    pub respectful: u8,
}

pub async fn save_feedback(
    db: &Db,
    scope: &InstitutionScope,
    mentor: PersonId,
    mentee: PersonId,
    answers: FeedbackAnswers,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO mentor_feedback (institution_id, mentor_id, mentee_id, would_recommend, available, \
         helpful, respectful, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (mentor_id, mentee_id) DO UPDATE SET would_recommend = $4, available = $5, \
         helpful = $6, respectful = $7, answered_at = $8",
    )
    .bind(scope.institution_id().0)
    .bind(mentor.0)
    .bind(mentee.0)
    .bind(answers.would_recommend)
    .bind(i32::from(answers.available))
    .bind(i32::from(answers.helpful))
    .bind(i32::from(answers.respectful))
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Every answer about one mentor. Only tandem-core's aggregate, which
/// applies the minimum group size, may leave the server.
pub async fn feedback_about(
    db: &Db,
    scope: &InstitutionScope,
    mentor: PersonId,
) -> Result<Vec<FeedbackAnswers>, StoreError> {
    let rows: Vec<(bool, i32, i32, i32)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT would_recommend, available, helpful, respectful FROM mentor_feedback \
         WHERE institution_id = $1 AND mentor_id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(mentor.0)
    .fetch_all(pool)
    .await?);
    rows.into_iter()
        .map(|(r, a, h, s)| {
            let rating = |v: i32| u8::try_from(v).map_err(corrupt);
            Ok(FeedbackAnswers {
                would_recommend: r,
                available: rating(a)?,
                helpful: rating(h)?,
                respectful: rating(s)?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------
// Notifications

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub body: String,
    pub link: String,
    pub created_at: OffsetDateTime,
    pub read: bool,
}

/// Leaves a message for a person, inside `tx`.
pub async fn notify_in(
    tx: &mut DbTx,
    institution: Uuid,
    person: PersonId,
    body: &str,
    link: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO notifications (id, institution_id, person_id, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(Uuid::new_v4())
    .bind(institution)
    .bind(person.0)
    .bind(body)
    .bind(link)
    .bind(DbTime(now))
    .execute(conn)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Leaves a message for a person inside `tx`, once per `dedupe_key`: a
/// second call with the same key writes nothing. Returns the new
/// message's id, or `None` when the key was already used.
pub async fn notify_once_in(
    tx: &mut DbTx,
    institution: Uuid,
    person: PersonId,
    body: &str,
    link: &str,
    dedupe_key: &str,
    now: OffsetDateTime,
) -> Result<Option<Uuid>, StoreError> {
    let id = Uuid::new_v4();
    let written = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO notifications (id, institution_id, person_id, body, link, created_at, dedupe_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(id)
    .bind(institution)
    .bind(person.0)
    .bind(body)
    .bind(link)
    .bind(DbTime(now))
    .bind(dedupe_key)
    .execute(conn)
    .await?
    .rows_affected());
    Ok((written == 1).then_some(id))
}

/// A person's newest messages.
pub async fn notifications(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    limit: i64,
) -> Result<Vec<Notification>, StoreError> {
    let rows: Vec<(Uuid, String, String, OffsetDateTime, Option<OffsetDateTime>)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, body, link, created_at, read_at FROM notifications \
         WHERE institution_id = $1 AND person_id = $2 ORDER BY created_at DESC, id LIMIT $3",
    )
    .bind(scope.institution_id().0)
    .bind(person.0)
    .bind(limit)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(id, body, link, created_at, read_at)| Notification {
            id,
            body,
            link,
            created_at,
            read: read_at.is_some(),
        })
        .collect())
}

/// Marks all of a person's messages read.
pub async fn mark_notifications_read(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "UPDATE notifications SET read_at = $3 WHERE institution_id = $1 AND person_id = $2 AND read_at IS NULL",
    )
    .bind(scope.institution_id().0)
    .bind(person.0)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// How many mentees each mentor has now (proposed or active pairs).
pub fn loads(open: &[Mentorship]) -> HashMap<PersonId, u32> {
    let mut out = HashMap::new();
    for m in open {
        *out.entry(m.mentor_id).or_insert(0) += 1;
    }
    out
}

// ---------------------------------------------------------------------
// Pool versions

const BUMP_POOL_VERSION: &str = "INSERT INTO pool_versions (institution_id, version) VALUES ($1, 1) \
     ON CONFLICT (institution_id) DO UPDATE SET version = pool_versions.version + 1";

/// Marks the institution's people or mentoring profiles changed, inside
/// `tx`.
pub async fn bump_pool_version_in(tx: &mut DbTx, institution: Uuid) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(BUMP_POOL_VERSION)
        .bind(institution)
        .execute(conn)
        .await
        .map(|_| ())?);
    Ok(())
}

/// Marks the institution's people or mentoring profiles changed.
pub async fn bump_pool_version(db: &Db, scope: &InstitutionScope) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(BUMP_POOL_VERSION)
        .bind(scope.institution_id().0)
        .execute(pool)
        .await
        .map(|_| ())?);
    Ok(())
}

/// The institution's current pool version (0 before any change).
pub async fn pool_version(db: &Db, scope: &InstitutionScope) -> Result<i64, StoreError> {
    let v: Option<i64> = on_pool!(db, pool => sqlx::query_scalar(
        "SELECT version FROM pool_versions WHERE institution_id = $1",
    )
    .bind(scope.institution_id().0)
    .fetch_optional(pool)
    .await?);
    Ok(v.unwrap_or(0))
}
