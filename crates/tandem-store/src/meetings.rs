//! Meetings and action items (M4), and each person's calendar feed token.
//! Agenda, checklist, topic notes and recap are confidential to the pair;
//! tandem-core checks who may write which part.

use std::collections::BTreeMap;

use crate::{Db, DbTime, DbTx, InstitutionScope, StoreError, on_pool, on_tx};
use tandem_domain::meeting::{ActionItem, Meeting, MeetingStatus, Topic};
use tandem_domain::{ActionItemId, MeetingId, MentorshipId, PersonId, Side};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    mentorship_id: Uuid,
    starts_at: OffsetDateTime,
    minutes: i32,
    place: String,
    status: String,
    is_first: bool,
    agenda: String,
    timelines: String,
    checklist: String,
    topics: String,
    recap: String,
    recap_written_at: Option<OffsetDateTime>,
    recap_confirmed_at: Option<OffsetDateTime>,
    sequence: i32,
    updated_at: OffsetDateTime,
}

const COLUMNS: &str = "id, mentorship_id, starts_at, minutes, place, status, is_first, agenda, \
    timelines, checklist, topics, recap, recap_written_at, recap_confirmed_at, sequence, updated_at";

impl TryFrom<Row> for Meeting {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let topics: BTreeMap<Topic, String> = serde_json::from_str(&r.topics).map_err(corrupt)?;
        Ok(Meeting {
            id: MeetingId(r.id),
            mentorship_id: MentorshipId(r.mentorship_id),
            starts_at: r.starts_at,
            minutes: u16::try_from(r.minutes).map_err(corrupt)?,
            place: r.place,
            status: MeetingStatus::parse(&r.status).map_err(corrupt)?,
            is_first: r.is_first,
            agenda: r.agenda,
            timelines: r.timelines,
            checklist: serde_json::from_str(&r.checklist).map_err(corrupt)?,
            topics,
            recap: r.recap,
            recap_written_at: r.recap_written_at,
            recap_confirmed_at: r.recap_confirmed_at,
            sequence: u32::try_from(r.sequence).map_err(corrupt)?,
            updated_at: r.updated_at,
        })
    }
}

/// Stores a new meeting inside `tx`.
pub async fn insert_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    m: &Meeting,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO meetings (id, institution_id, mentorship_id, starts_at, minutes, place, status, \
         is_first, agenda, timelines, checklist, topics, recap, recap_written_at, recap_confirmed_at, \
         sequence, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)",
    )
    .bind(m.id.0)
    .bind(scope.institution_id().0)
    .bind(m.mentorship_id.0)
    .bind(DbTime(m.starts_at))
    .bind(i32::from(m.minutes))
    .bind(&m.place)
    .bind(m.status.code())
    .bind(m.is_first)
    .bind(&m.agenda)
    .bind(&m.timelines)
    .bind(json(&m.checklist)?)
    .bind(json(&m.topics)?)
    .bind(&m.recap)
    .bind(m.recap_written_at.map(DbTime))
    .bind(m.recap_confirmed_at.map(DbTime))
    .bind(m.sequence as i32)
    .bind(DbTime(m.updated_at))
    .execute(conn)
    .await
    .map(|_| ())?);
    Ok(())
}

/// One meeting of this institution.
pub async fn get(
    db: &Db,
    scope: &InstitutionScope,
    id: MeetingId,
) -> Result<Option<Meeting>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM meetings WHERE institution_id = $1 AND id = $2");
    let row: Option<Row> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
    row.map(TryInto::try_into).transpose()
}

/// A relationship's meetings, earliest first.
pub async fn of_relationship(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
) -> Result<Vec<Meeting>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM meetings WHERE institution_id = $1 AND mentorship_id = $2 \
         ORDER BY starts_at, id"
    );
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(mentorship.0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Every meeting of every relationship `person` is a side of, earliest
/// first (for their calendar feed).
pub async fn of_person(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<Vec<Meeting>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM meetings WHERE institution_id = $1 AND mentorship_id IN \
         (SELECT id FROM mentorships WHERE institution_id = $1 AND (mentee_id = $2 OR mentor_id = $2)) \
         ORDER BY starts_at, id"
    );
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(person.0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Writes every field of `m` back, if it was not changed since it was
/// read (its `updated_at` is the version). Returns false otherwise.
pub async fn save(
    db: &Db,
    scope: &InstitutionScope,
    m: &Meeting,
    read_at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "UPDATE meetings SET starts_at = $3, minutes = $4, place = $5, status = $6, agenda = $7, \
         timelines = $8, checklist = $9, topics = $10, recap = $11, recap_written_at = $12, \
         recap_confirmed_at = $13, sequence = $14, updated_at = $15 \
         WHERE institution_id = $1 AND id = $2 AND updated_at = $16",
    )
    .bind(scope.institution_id().0)
    .bind(m.id.0)
    .bind(DbTime(m.starts_at))
    .bind(i32::from(m.minutes))
    .bind(&m.place)
    .bind(m.status.code())
    .bind(&m.agenda)
    .bind(&m.timelines)
    .bind(json(&m.checklist)?)
    .bind(json(&m.topics)?)
    .bind(&m.recap)
    .bind(m.recap_written_at.map(DbTime))
    .bind(m.recap_confirmed_at.map(DbTime))
    .bind(m.sequence as i32)
    .bind(DbTime(m.updated_at))
    .bind(DbTime(read_at))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

// ---------------------------------------------------------------------
// Action items

type ActionRow = (
    Uuid,
    Uuid,
    Option<Uuid>,
    String,
    String,
    Option<Date>,
    Option<OffsetDateTime>,
    OffsetDateTime,
);

fn action_from(r: ActionRow) -> Result<ActionItem, StoreError> {
    Ok(ActionItem {
        id: ActionItemId(r.0),
        mentorship_id: MentorshipId(r.1),
        meeting_id: r.2.map(MeetingId),
        description: r.3,
        owner: Side::parse(&r.4).map_err(corrupt)?,
        due_on: r.5,
        done_at: r.6,
        created_at: r.7,
    })
}

const ACTION_COLUMNS: &str =
    "id, mentorship_id, meeting_id, description, owner, due_on, done_at, created_at";

/// Stores a new action item.
pub async fn add_action(
    db: &Db,
    scope: &InstitutionScope,
    item: &ActionItem,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO action_items (id, institution_id, mentorship_id, meeting_id, description, owner, \
         due_on, done_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(item.id.0)
    .bind(scope.institution_id().0)
    .bind(item.mentorship_id.0)
    .bind(item.meeting_id.map(|m| m.0))
    .bind(&item.description)
    .bind(item.owner.code())
    .bind(item.due_on)
    .bind(item.done_at.map(DbTime))
    .bind(DbTime(item.created_at))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// One action item of this institution.
pub async fn action(
    db: &Db,
    scope: &InstitutionScope,
    id: ActionItemId,
) -> Result<Option<ActionItem>, StoreError> {
    let sql =
        format!("SELECT {ACTION_COLUMNS} FROM action_items WHERE institution_id = $1 AND id = $2");
    let row: Option<ActionRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
    row.map(action_from).transpose()
}

/// A relationship's action items, oldest first.
pub async fn actions_of(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
) -> Result<Vec<ActionItem>, StoreError> {
    let sql = format!(
        "SELECT {ACTION_COLUMNS} FROM action_items WHERE institution_id = $1 AND mentorship_id = $2 \
         ORDER BY created_at, id"
    );
    let rows: Vec<ActionRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(mentorship.0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(action_from).collect()
}

/// Marks an action item done (or open again).
pub async fn set_action_done(
    db: &Db,
    scope: &InstitutionScope,
    id: ActionItemId,
    done_at: Option<OffsetDateTime>,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "UPDATE action_items SET done_at = $3 WHERE institution_id = $1 AND id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(id.0)
    .bind(done_at.map(DbTime))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

// ---------------------------------------------------------------------
// Calendar feeds

/// Stores the hash of a person's new feed token, replacing (revoking) any
/// earlier one.
pub async fn set_feed_token(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO calendar_feeds (person_id, institution_id, token_hash, created_at) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (person_id) DO UPDATE SET token_hash = $3, created_at = $4",
    )
    .bind(person.0)
    .bind(scope.institution_id().0)
    .bind(token_hash)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Revokes a person's feed.
pub async fn revoke_feed(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "DELETE FROM calendar_feeds WHERE institution_id = $1 AND person_id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(person.0)
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Whether a person has a feed, and since when.
pub async fn feed_created(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<Option<OffsetDateTime>, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query_scalar(
        "SELECT created_at FROM calendar_feeds WHERE institution_id = $1 AND person_id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(person.0)
    .fetch_optional(pool)
    .await?))
}

/// The institution and person a feed token's hash belongs to.
pub async fn feed_owner(db: &Db, token_hash: &str) -> Result<Option<(Uuid, Uuid)>, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT institution_id, person_id FROM calendar_feeds WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?))
}
