//! Relationships (issue 6): the `mentorships` rows read as the domain's
//! [`Relationship`] with its state-machine state, compare-and-set
//! transitions, and the private reasons for ending one.
//!
//! A state is stored across a few columns: `status` (proposed, active,
//! declined, ended), the two acceptance times, `ending` and
//! `completion_proposed_by`. `version` is bumped by every transition, so
//! of two people acting at once only the first write wins.

use crate::{Db, DbTime, DbTx, InstitutionScope, StoreError, on_pool, on_tx};
use tandem_domain::relationship::Party;
use tandem_domain::{
    Ending, FailureFactor, MentorRole, MentorshipId, MentorshipOrigin, PersonId, Relationship,
    RelationshipState, Side,
};
use time::OffsetDateTime;
use uuid::Uuid;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    mentee_id: Uuid,
    mentor_id: Uuid,
    role: String,
    origin: String,
    status: String,
    ending: Option<String>,
    completion_proposed_by: Option<String>,
    mentee_accepted_at: Option<OffsetDateTime>,
    mentor_accepted_at: Option<OffsetDateTime>,
    proposed_at: OffsetDateTime,
    started_at: Option<OffsetDateTime>,
    ended_at: Option<OffsetDateTime>,
    version: i64,
}

const COLUMNS: &str = "id, mentee_id, mentor_id, role, origin, status, ending, \
    completion_proposed_by, mentee_accepted_at, mentor_accepted_at, proposed_at, started_at, \
    ended_at, version";

fn state_of(r: &Row) -> Result<RelationshipState, StoreError> {
    Ok(match r.status.as_str() {
        "proposed" => RelationshipState::Proposed {
            mentee_accepted: r.mentee_accepted_at.is_some(),
            mentor_accepted: r.mentor_accepted_at.is_some(),
        },
        "active" => RelationshipState::Active {
            completion_proposed_by: match r.completion_proposed_by.as_deref() {
                None => None,
                Some(code) => Some(Side::parse(code).map_err(corrupt)?.party()),
            },
        },
        "declined" => RelationshipState::Ended {
            ending: Ending::Declined,
        },
        "ended" => RelationshipState::Ended {
            ending: r
                .ending
                .as_deref()
                .and_then(Ending::parse)
                .ok_or_else(|| corrupt(format!("ending {:?}", r.ending)))?,
        },
        other => return Err(corrupt(format!("status {other:?}"))),
    })
}

impl TryFrom<Row> for Relationship {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Relationship {
            state: state_of(&r)?,
            id: MentorshipId(r.id),
            mentee_id: PersonId(r.mentee_id),
            mentor_id: PersonId(r.mentor_id),
            role: MentorRole::parse(&r.role).map_err(corrupt)?,
            origin: MentorshipOrigin::parse(&r.origin).map_err(corrupt)?,
            proposed_at: r.proposed_at,
            started_at: r.started_at,
            ended_at: r.ended_at,
            version: r.version,
        })
    }
}

/// One relationship of this institution.
pub async fn get(
    db: &Db,
    scope: &InstitutionScope,
    id: MentorshipId,
) -> Result<Option<Relationship>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM mentorships WHERE institution_id = $1 AND id = $2");
    let row: Option<Row> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
    row.map(TryInto::try_into).transpose()
}

/// Every relationship a person is in, as mentee or mentor, newest first.
pub async fn of_person(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<Vec<Relationship>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mentorships WHERE institution_id = $1 \
         AND (mentee_id = $2 OR mentor_id = $2) ORDER BY proposed_at DESC, id"
    );
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(person.0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Every relationship of the institution (for the program's overview and
/// the demo), oldest first.
pub async fn all(db: &Db, scope: &InstitutionScope) -> Result<Vec<Relationship>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mentorships WHERE institution_id = $1 ORDER BY proposed_at, id"
    );
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Writes `to` over `rel`'s state inside `tx`, if nobody changed the
/// relationship since `rel` was read. Returns false when someone did.
pub async fn save_state_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    rel: &Relationship,
    to: RelationshipState,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let (status, ending, completion, mentee_acc, mentor_acc) = match to {
        RelationshipState::Proposed {
            mentee_accepted,
            mentor_accepted,
        } => ("proposed", None, None, mentee_accepted, mentor_accepted),
        RelationshipState::Active {
            completion_proposed_by,
        } => {
            let side = match completion_proposed_by {
                Some(Party::Mentee) => Some("mentee"),
                Some(Party::Mentor) => Some("mentor"),
                _ => None,
            };
            ("active", None, side, true, true)
        }
        RelationshipState::Ended {
            ending: Ending::Declined,
        } => ("declined", Some("declined"), None, false, false),
        RelationshipState::Ended { ending } => ("ended", Some(ending.code()), None, false, false),
    };
    let starts = to.is_active() && rel.started_at.is_none();
    let ends = to.is_ended();
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE mentorships SET status = $4, ending = $5, completion_proposed_by = $6, \
         mentee_accepted_at = CASE WHEN $7 THEN COALESCE(mentee_accepted_at, $3) ELSE mentee_accepted_at END, \
         mentor_accepted_at = CASE WHEN $8 THEN COALESCE(mentor_accepted_at, $3) ELSE mentor_accepted_at END, \
         started_at = CASE WHEN $9 THEN $3 ELSE started_at END, \
         ended_at = CASE WHEN $10 THEN $3 ELSE ended_at END, \
         version = version + 1 \
         WHERE institution_id = $1 AND id = $2 AND version = $11",
    )
    .bind(scope.institution_id().0)
    .bind(rel.id.0)
    .bind(DbTime(now))
    .bind(status)
    .bind(ending)
    .bind(completion)
    .bind(mentee_acc)
    .bind(mentor_acc)
    .bind(starts)
    .bind(ends)
    .bind(rel.version)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// A private reason for ending, as its author gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndingReason {
    pub factors: Vec<FailureFactor>,
    pub note: String,
    pub created_at: OffsetDateTime,
}

/// Keeps `side`'s private reason for ending relationship `id`, inside `tx`.
pub async fn save_ending_reason_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    id: MentorshipId,
    side: Side,
    factors: &[FailureFactor],
    note: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let codes: Vec<&str> = factors.iter().map(|f| f.code()).collect();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO ending_reasons (mentorship_id, institution_id, side, factors, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.0)
    .bind(scope.institution_id().0)
    .bind(side.code())
    .bind(codes.join(";"))
    .bind(note)
    .bind(DbTime(now))
    .execute(conn)
    .await
    .map(|_| ())?);
    Ok(())
}

fn parse_factors(codes: &str) -> Result<Vec<FailureFactor>, StoreError> {
    codes
        .split(';')
        .filter(|c| !c.is_empty())
        .map(|c| FailureFactor::parse(c).map_err(corrupt))
        .collect()
}

/// `side`'s own reason for ending relationship `id`: for its author only.
pub async fn ending_reason(
    db: &Db,
    scope: &InstitutionScope,
    id: MentorshipId,
    side: Side,
) -> Result<Option<EndingReason>, StoreError> {
    let row: Option<(String, String, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT factors, note, created_at FROM ending_reasons \
         WHERE institution_id = $1 AND mentorship_id = $2 AND side = $3",
    )
    .bind(scope.institution_id().0)
    .bind(id.0)
    .bind(side.code())
    .fetch_optional(pool)
    .await?);
    row.map(|(factors, note, created_at)| {
        Ok(EndingReason {
            factors: parse_factors(&factors)?,
            note,
            created_at,
        })
    })
    .transpose()
}

/// The factors of every private reason given in this institution, one
/// list per reason. Never the notes, never who: the caller aggregates and
/// suppresses.
pub async fn ending_factors(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Vec<Vec<FailureFactor>>, StoreError> {
    let rows: Vec<String> = on_pool!(db, pool => sqlx::query_scalar(
        "SELECT factors FROM ending_reasons WHERE institution_id = $1",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?);
    rows.iter().map(|codes| parse_factors(codes)).collect()
}
