//! Facilitator rounds and the proposals they publish. The inputs and the
//! result are JSON whose shape belongs to tandem-core; this module keeps
//! them with the round's state.

use crate::db::conflict_as;
use crate::{Db, DbTime, DbTx, InstitutionScope, StoreError, on_pool, on_tx};
use tandem_domain::{AccountId, Mentorship, MentorshipId, PersonId};
use time::OffsetDateTime;
use uuid::Uuid;

/// A round as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredRound {
    pub id: Uuid,
    pub name: String,
    pub method: String,
    pub team_size: i32,
    pub status: String,
    pub inputs: String,
    pub result: String,
    pub engine_version: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub published_at: Option<OffsetDateTime>,
}

const ROUND_COLUMNS: &str = "id, name, method, team_size, status, inputs, result, engine_version, \
    created_at, updated_at, published_at";

pub async fn create(
    db: &Db,
    scope: &InstitutionScope,
    round: &StoredRound,
    created_by: Option<AccountId>,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO matching_rounds (id, institution_id, name, method, team_size, status, inputs, result, \
         engine_version, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(round.id)
    .bind(scope.institution_id().0)
    .bind(&round.name)
    .bind(&round.method)
    .bind(round.team_size)
    .bind(&round.status)
    .bind(&round.inputs)
    .bind(&round.result)
    .bind(&round.engine_version)
    .bind(created_by.map(|a| a.0))
    .bind(DbTime(round.created_at))
    .bind(DbTime(round.updated_at))
    .execute(pool)
    .await
    .map(|_| ())
    .map_err(conflict_as("round"))?);
    Ok(())
}

pub async fn get(
    db: &Db,
    scope: &InstitutionScope,
    id: Uuid,
) -> Result<Option<StoredRound>, StoreError> {
    let sql = format!(
        "SELECT {ROUND_COLUMNS} FROM matching_rounds WHERE institution_id = $1 AND id = $2"
    );
    Ok(on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(id)
        .fetch_optional(pool)
        .await?))
}

/// A round in a list: no inputs or result.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoundSummary {
    pub id: Uuid,
    pub name: String,
    pub method: String,
    pub team_size: i32,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub published_at: Option<OffsetDateTime>,
}

/// The institution's rounds, newest first.
pub async fn list(db: &Db, scope: &InstitutionScope) -> Result<Vec<RoundSummary>, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name, method, team_size, status, created_at, published_at FROM matching_rounds \
         WHERE institution_id = $1 ORDER BY created_at DESC, id LIMIT 100",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?))
}

/// Replaces a draft round's inputs and result; false if it is published.
pub async fn update_draft(
    db: &Db,
    scope: &InstitutionScope,
    id: Uuid,
    inputs: &str,
    result: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "UPDATE matching_rounds SET inputs = $3, result = $4, updated_at = $5 \
         WHERE institution_id = $1 AND id = $2 AND status = 'draft'",
    )
    .bind(scope.institution_id().0)
    .bind(id)
    .bind(inputs)
    .bind(result)
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// Marks a draft published inside `tx`; false if it already was.
pub async fn mark_published(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE matching_rounds SET status = 'published', published_at = $3, updated_at = $3 \
         WHERE institution_id = $1 AND id = $2 AND status = 'draft'",
    )
    .bind(scope.institution_id().0)
    .bind(id)
    .bind(DbTime(now))
    .execute(conn)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// Stores a proposal from a round inside `tx`.
pub async fn insert_proposal(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    m: &Mentorship,
    round: Uuid,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO mentorships (id, institution_id, mentee_id, mentor_id, role, origin, round_id, \
         status, proposed_at) VALUES ($1, $2, $3, $4, $5, 'round', $6, 'proposed', $7)",
    )
    .bind(m.id.0)
    .bind(scope.institution_id().0)
    .bind(m.mentee_id.0)
    .bind(m.mentor_id.0)
    .bind(m.role.code())
    .bind(round)
    .bind(DbTime(m.proposed_at))
    .execute(conn)
    .await
    .map(|_| ())
    .map_err(conflict_as("open pair of this mentee and mentor"))?);
    Ok(())
}

/// A proposal waiting for answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: MentorshipId,
    pub mentee: PersonId,
    pub mentor: PersonId,
    pub mentee_accepted: bool,
    pub mentor_accepted: bool,
}

/// (id, mentee, mentor, mentee accepted at, mentor accepted at).
type ProposalRow = (
    Uuid,
    Uuid,
    Uuid,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

/// Proposals a person has to answer or is waiting on.
pub async fn proposals_of(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<Vec<Proposal>, StoreError> {
    let rows: Vec<ProposalRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, mentee_id, mentor_id, mentee_accepted_at, mentor_accepted_at FROM mentorships \
         WHERE institution_id = $1 AND status = 'proposed' AND (mentee_id = $2 OR mentor_id = $2) \
         ORDER BY proposed_at DESC, id",
    )
    .bind(scope.institution_id().0)
    .bind(person.0)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(id, mentee, mentor, a, b)| Proposal {
            id: MentorshipId(id),
            mentee: PersonId(mentee),
            mentor: PersonId(mentor),
            mentee_accepted: a.is_some(),
            mentor_accepted: b.is_some(),
        })
        .collect())
}

/// Stores `person`'s ranking (JSON list of ids, best first) in a draft
/// round; false if the round is not a draft of this institution.
pub async fn save_ranking(
    db: &Db,
    scope: &InstitutionScope,
    round: Uuid,
    person: PersonId,
    ranked_json: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "INSERT INTO round_rankings (round_id, person_id, ranked, updated_at) \
         SELECT id, $3, $4, $5 FROM matching_rounds WHERE institution_id = $1 AND id = $2 AND status = 'draft' \
         ON CONFLICT (round_id, person_id) DO UPDATE SET ranked = $4, updated_at = $5",
    )
    .bind(scope.institution_id().0)
    .bind(round)
    .bind(person.0)
    .bind(ranked_json)
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// Every ranking submitted for a round of this institution, as (person,
/// JSON list).
pub async fn rankings(
    db: &Db,
    scope: &InstitutionScope,
    round: Uuid,
) -> Result<Vec<(PersonId, String)>, StoreError> {
    let rows: Vec<(Uuid, String)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT r.person_id, r.ranked FROM round_rankings r \
         JOIN matching_rounds m ON m.id = r.round_id \
         WHERE m.institution_id = $1 AND r.round_id = $2 ORDER BY r.person_id",
    )
    .bind(scope.institution_id().0)
    .bind(round)
    .fetch_all(pool)
    .await?);
    Ok(rows.into_iter().map(|(p, r)| (PersonId(p), r)).collect())
}
