//! Relationship health (issue 7): the check-in instruments a program
//! added, its check-in rhythm, each side's check-ins, the records the
//! behaviour signals read (in bulk, one query per table for a whole
//! institution), the last status of each relationship, and brokering cases
//! with their private logs. Who may read what is decided in tandem-core.

use crate::db::conflict_as;
use crate::{Db, DbTime, DbTx, InstitutionScope, StoreError, on_pool, on_tx};
use tandem_domain::meeting::MeetingStatus;
use tandem_domain::{AccountId, MentorshipId, Side};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

// ---------------------------------------------------------------- settings

/// A program's check-in settings as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinSettingsRow {
    pub instrument_code: String,
    pub first_after_days: i32,
    pub every_days: i32,
}

pub async fn checkin_settings(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Option<CheckinSettingsRow>, StoreError> {
    let row: Option<(String, i32, i32)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT instrument_code, first_after_days, every_days FROM checkin_settings \
         WHERE institution_id = $1",
    )
    .bind(scope.institution_id().0)
    .fetch_optional(pool)
    .await?);
    Ok(row.map(
        |(instrument_code, first_after_days, every_days)| CheckinSettingsRow {
            instrument_code,
            first_after_days,
            every_days,
        },
    ))
}

pub async fn save_checkin_settings(
    db: &Db,
    scope: &InstitutionScope,
    s: &CheckinSettingsRow,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO checkin_settings (institution_id, instrument_code, first_after_days, every_days, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (institution_id) DO UPDATE SET \
         instrument_code = excluded.instrument_code, first_after_days = excluded.first_after_days, \
         every_days = excluded.every_days, updated_at = excluded.updated_at",
    )
    .bind(scope.institution_id().0)
    .bind(&s.instrument_code)
    .bind(s.first_after_days)
    .bind(s.every_days)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// The instruments a program added: (code, JSON definition), oldest first.
pub async fn instruments(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT code, definition FROM checkin_instruments WHERE institution_id = $1 \
         ORDER BY created_at, code",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?))
}

/// Adds an instrument; a code already used is `Conflict`.
pub async fn add_instrument(
    db: &Db,
    scope: &InstitutionScope,
    code: &str,
    definition: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO checkin_instruments (institution_id, code, definition, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(scope.institution_id().0)
    .bind(code)
    .bind(definition)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())
    .map_err(conflict_as("instrument code"))?);
    Ok(())
}

// ---------------------------------------------------------------- check-ins

/// One side's check-in as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRow {
    pub id: Uuid,
    pub mentorship_id: MentorshipId,
    pub side: Side,
    pub round: i32,
    pub instrument_code: String,
    /// JSON: item code -> scale point.
    pub answers_json: String,
    pub comment: String,
    pub share_comment: bool,
    pub submitted_at: OffsetDateTime,
}

type CheckinTuple = (
    Uuid,
    Uuid,
    String,
    i32,
    String,
    String,
    String,
    bool,
    OffsetDateTime,
);

const CHECKIN_COLUMNS: &str = "id, mentorship_id, side, round, instrument_code, answers, comment, \
    share_comment, submitted_at";

fn checkin_from(r: CheckinTuple) -> Result<CheckinRow, StoreError> {
    Ok(CheckinRow {
        id: r.0,
        mentorship_id: MentorshipId(r.1),
        side: Side::parse(&r.2).map_err(corrupt)?,
        round: r.3,
        instrument_code: r.4,
        answers_json: r.5,
        comment: r.6,
        share_comment: r.7,
        submitted_at: r.8,
    })
}

pub async fn insert_checkin_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    c: &CheckinRow,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO checkins (id, institution_id, mentorship_id, side, round, instrument_code, answers, \
         comment, share_comment, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(c.id)
    .bind(scope.institution_id().0)
    .bind(c.mentorship_id.0)
    .bind(c.side.code())
    .bind(c.round)
    .bind(&c.instrument_code)
    .bind(&c.answers_json)
    .bind(&c.comment)
    .bind(c.share_comment)
    .bind(DbTime(c.submitted_at))
    .execute(conn)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Check-ins of the institution, or of one relationship, or of one side of
/// it; newest first.
pub async fn checkins(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: Option<MentorshipId>,
    side: Option<Side>,
) -> Result<Vec<CheckinRow>, StoreError> {
    let sql = format!(
        "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE institution_id = $1 \
         AND ($2 IS NULL OR mentorship_id = $2) AND ($3 IS NULL OR side = $3) \
         ORDER BY submitted_at DESC, id"
    );
    let rows: Vec<CheckinTuple> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(mentorship.map(|m| m.0))
        .bind(side.map(|s| s.code()))
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(checkin_from).collect()
}

/// The author gives or withdraws consent for the facilitator to read the
/// comment of their check-in `id`. False when it is not theirs.
pub async fn set_comment_consent(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
    side: Side,
    id: Uuid,
    share: bool,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "UPDATE checkins SET share_comment = $5 WHERE institution_id = $1 AND mentorship_id = $2 \
         AND side = $3 AND id = $4",
    )
    .bind(scope.institution_id().0)
    .bind(mentorship.0)
    .bind(side.code())
    .bind(id)
    .bind(share)
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

// ---------------------------------------------------------------- records

/// A meeting as the behaviour signals read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingRecord {
    pub mentorship_id: MentorshipId,
    pub starts_at: OffsetDateTime,
    pub status: MeetingStatus,
    pub agenda_prepared: bool,
    pub recap_confirmed: bool,
    pub updated_at: OffsetDateTime,
}

/// An action item as the signals read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionRecord {
    pub mentorship_id: MentorshipId,
    pub due_on: Option<Date>,
    pub done_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// A review request as the signals read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewRecord {
    pub mentorship_id: MentorshipId,
    pub short_notice: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// An agreement version as the signals read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRecord {
    pub mentorship_id: MentorshipId,
    pub version: i32,
    pub terms_json: String,
    pub signed_by_both: bool,
    pub last_change: OffsetDateTime,
}

/// Everything the signals read, for a whole institution or one
/// relationship: one query per table.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub meetings: Vec<MeetingRecord>,
    pub actions: Vec<ActionRecord>,
    pub reviews: Vec<ReviewRecord>,
    pub agreements: Vec<AgreementRecord>,
}

pub async fn records(
    db: &Db,
    scope: &InstitutionScope,
    only: Option<MentorshipId>,
) -> Result<Records, StoreError> {
    let inst = scope.institution_id().0;
    let only = only.map(|m| m.0);
    let meetings: Vec<(Uuid, OffsetDateTime, String, bool, bool, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT mentorship_id, starts_at, status, agenda <> '', recap_confirmed_at IS NOT NULL, updated_at \
         FROM meetings WHERE institution_id = $1 AND ($2 IS NULL OR mentorship_id = $2)",
    )
    .bind(inst)
    .bind(only)
    .fetch_all(pool)
    .await?);
    let actions: Vec<(Uuid, Option<Date>, Option<OffsetDateTime>, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT mentorship_id, due_on, done_at, created_at FROM action_items \
         WHERE institution_id = $1 AND ($2 IS NULL OR mentorship_id = $2)",
    )
    .bind(inst)
    .bind(only)
    .fetch_all(pool)
    .await?);
    let reviews: Vec<(Uuid, bool, OffsetDateTime, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT mentorship_id, short_notice, created_at, updated_at FROM review_requests \
         WHERE institution_id = $1 AND ($2 IS NULL OR mentorship_id = $2)",
    )
    .bind(inst)
    .bind(only)
    .fetch_all(pool)
    .await?);
    #[allow(clippy::type_complexity)]
    let agreements: Vec<(
        Uuid,
        i32,
        String,
        OffsetDateTime,
        Option<OffsetDateTime>,
        Option<OffsetDateTime>,
    )> = on_pool!(db, pool => sqlx::query_as(
        "SELECT mentorship_id, version, terms, created_at, mentee_signed_at, mentor_signed_at \
         FROM agreements WHERE institution_id = $1 AND ($2 IS NULL OR mentorship_id = $2)",
    )
    .bind(inst)
    .bind(only)
    .fetch_all(pool)
    .await?);
    Ok(Records {
        meetings: meetings
            .into_iter()
            .map(|(m, starts_at, status, agenda, recap, updated_at)| {
                Ok(MeetingRecord {
                    mentorship_id: MentorshipId(m),
                    starts_at,
                    status: MeetingStatus::parse(&status).map_err(corrupt)?,
                    agenda_prepared: agenda,
                    recap_confirmed: recap,
                    updated_at,
                })
            })
            .collect::<Result<_, StoreError>>()?,
        actions: actions
            .into_iter()
            .map(|(m, due_on, done_at, created_at)| ActionRecord {
                mentorship_id: MentorshipId(m),
                due_on,
                done_at,
                created_at,
            })
            .collect(),
        reviews: reviews
            .into_iter()
            .map(|(m, short_notice, created_at, updated_at)| ReviewRecord {
                mentorship_id: MentorshipId(m),
                short_notice,
                created_at,
                updated_at,
            })
            .collect(),
        agreements: agreements
            .into_iter()
            .map(
                |(m, version, terms_json, created, mentee, mentor)| AgreementRecord {
                    mentorship_id: MentorshipId(m),
                    version,
                    terms_json,
                    signed_by_both: mentee.is_some() && mentor.is_some(),
                    last_change: [Some(created), mentee, mentor]
                        .into_iter()
                        .flatten()
                        .max()
                        .unwrap_or(created),
                },
            )
            .collect(),
    })
}

// ---------------------------------------------------------------- status

/// The last status the health model gave a relationship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    pub mentorship_id: MentorshipId,
    /// Status codes as stored (`thriving`, `watch`, `at_risk`).
    pub status: String,
    pub factor: Option<String>,
    pub previous_status: Option<String>,
    pub changed_at: OffsetDateTime,
}

type StatusTuple = (Uuid, String, Option<String>, Option<String>, OffsetDateTime);

pub async fn statuses(db: &Db, scope: &InstitutionScope) -> Result<Vec<StatusRow>, StoreError> {
    let rows: Vec<StatusTuple> = on_pool!(db, pool => sqlx::query_as(
        "SELECT mentorship_id, status, factor, previous_status, changed_at FROM health_status \
         WHERE institution_id = $1",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(
            |(m, status, factor, previous_status, changed_at)| StatusRow {
                mentorship_id: MentorshipId(m),
                status,
                factor,
                previous_status,
                changed_at,
            },
        )
        .collect())
}

/// Records `status` for relationship `id`, inside `tx`, if the stored one
/// is still `was` (None: no row yet). Returns false when another writer
/// got there first. The same status with another factor only updates the
/// factor.
#[allow(clippy::too_many_arguments)]
pub async fn record_status_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    id: MentorshipId,
    was: Option<&str>,
    status: &str,
    factor: Option<&str>,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = match was {
        None => on_tx!(tx, conn => sqlx::query(
            "INSERT INTO health_status (mentorship_id, institution_id, status, factor, previous_status, \
             changed_at, assessed_at) VALUES ($1, $2, $3, $4, NULL, $5, $5) \
             ON CONFLICT (mentorship_id) DO NOTHING",
        )
        .bind(id.0)
        .bind(scope.institution_id().0)
        .bind(status)
        .bind(factor)
        .bind(DbTime(now))
        .execute(conn)
        .await?
        .rows_affected()),
        Some(old) if old == status => on_tx!(tx, conn => sqlx::query(
            "UPDATE health_status SET factor = $4, assessed_at = $5 \
             WHERE institution_id = $1 AND mentorship_id = $2 AND status = $3",
        )
        .bind(scope.institution_id().0)
        .bind(id.0)
        .bind(status)
        .bind(factor)
        .bind(DbTime(now))
        .execute(conn)
        .await?
        .rows_affected()),
        Some(old) => on_tx!(tx, conn => sqlx::query(
            "UPDATE health_status SET status = $4, factor = $5, previous_status = status, \
             changed_at = $6, assessed_at = $6 \
             WHERE institution_id = $1 AND mentorship_id = $2 AND status = $3",
        )
        .bind(scope.institution_id().0)
        .bind(id.0)
        .bind(old)
        .bind(status)
        .bind(factor)
        .bind(DbTime(now))
        .execute(conn)
        .await?
        .rows_affected()),
    };
    Ok(n == 1)
}

// ---------------------------------------------------------------- cases

/// A brokering case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub id: Uuid,
    pub mentorship_id: MentorshipId,
    pub requested_by: Option<Side>,
    pub request: String,
    pub other_may_know: bool,
    pub opened_by: Option<AccountId>,
    pub open: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

type CaseTuple = (
    Uuid,
    Uuid,
    Option<String>,
    String,
    bool,
    Option<Uuid>,
    String,
    OffsetDateTime,
    OffsetDateTime,
);

const CASE_COLUMNS: &str = "id, mentorship_id, requested_by, request, other_may_know, opened_by, \
    status, created_at, updated_at";

fn case_from(r: CaseTuple) -> Result<CaseRow, StoreError> {
    Ok(CaseRow {
        id: r.0,
        mentorship_id: MentorshipId(r.1),
        requested_by: r
            .2
            .as_deref()
            .map(Side::parse)
            .transpose()
            .map_err(corrupt)?,
        request: r.3,
        other_may_know: r.4,
        opened_by: r.5.map(AccountId),
        open: r.6 == "open",
        created_at: r.7,
        updated_at: r.8,
    })
}

pub async fn insert_case_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    c: &CaseRow,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO broker_cases (id, institution_id, mentorship_id, requested_by, request, \
         other_may_know, opened_by, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(c.id)
    .bind(scope.institution_id().0)
    .bind(c.mentorship_id.0)
    .bind(c.requested_by.map(|s| s.code()))
    .bind(&c.request)
    .bind(c.other_may_know)
    .bind(c.opened_by.map(|a| a.0))
    .bind(if c.open { "open" } else { "closed" })
    .bind(DbTime(c.created_at))
    .bind(DbTime(c.updated_at))
    .execute(conn)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Cases of the institution, or of one relationship; newest first.
pub async fn cases(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: Option<MentorshipId>,
) -> Result<Vec<CaseRow>, StoreError> {
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM broker_cases WHERE institution_id = $1 \
         AND ($2 IS NULL OR mentorship_id = $2) ORDER BY created_at DESC, id"
    );
    let rows: Vec<CaseTuple> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(mentorship.map(|m| m.0))
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(case_from).collect()
}

pub async fn case(
    db: &Db,
    scope: &InstitutionScope,
    id: Uuid,
) -> Result<Option<CaseRow>, StoreError> {
    let sql =
        format!("SELECT {CASE_COLUMNS} FROM broker_cases WHERE institution_id = $1 AND id = $2");
    let row: Option<CaseTuple> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(id)
        .fetch_optional(pool)
        .await?);
    row.map(case_from).transpose()
}

/// Opens or closes case `id`.
pub async fn set_case_open_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    id: Uuid,
    open: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE broker_cases SET status = $3, updated_at = $4 WHERE institution_id = $1 AND id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(id)
    .bind(if open { "open" } else { "closed" })
    .bind(DbTime(now))
    .execute(conn)
    .await
    .map(|_| ())?);
    Ok(())
}

/// One entry of a case's private log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub author: AccountId,
    /// `opened`, `note`, `contact`, `secondary`, `rematch`, `closed`.
    pub kind: String,
    pub text: String,
    pub created_at: OffsetDateTime,
}

pub async fn add_entry_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    e: &EntryRow,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO broker_case_entries (id, institution_id, case_id, seq, author, kind, text, created_at) \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM broker_case_entries WHERE case_id = $3), \
         $4, $5, $6, $7)",
    )
    .bind(e.id)
    .bind(scope.institution_id().0)
    .bind(e.case_id)
    .bind(e.author.0)
    .bind(&e.kind)
    .bind(&e.text)
    .bind(DbTime(e.created_at))
    .execute(conn)
    .await
    .map(|_| ())?);
    on_tx!(tx, conn => sqlx::query(
        "UPDATE broker_cases SET updated_at = $3 WHERE institution_id = $1 AND id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(e.case_id)
    .bind(DbTime(e.created_at))
    .execute(conn)
    .await
    .map(|_| ())?);
    Ok(())
}

/// A case's log, oldest first.
pub async fn entries(
    db: &Db,
    scope: &InstitutionScope,
    case: Uuid,
) -> Result<Vec<EntryRow>, StoreError> {
    let rows: Vec<(Uuid, Uuid, Uuid, String, String, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, case_id, author, kind, text, created_at FROM broker_case_entries \
         WHERE institution_id = $1 AND case_id = $2 ORDER BY seq, id",
    )
    .bind(scope.institution_id().0)
    .bind(case)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(id, case_id, author, kind, text, created_at)| EntryRow {
            id,
            case_id,
            author: AccountId(author),
            kind,
            text,
            created_at,
        })
        .collect())
}
