//! Development plans (M5: goals and the log of what mentors provided) and
//! review requests (M6).

use crate::{Db, DbTime, InstitutionScope, StoreError, on_pool};
use tandem_domain::plan::{
    Area, ContributionKind, Horizon, ReviewKind, ReviewRequest, ReviewStatus,
};
use tandem_domain::{MentorshipId, PersonId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// One goal of a mentee's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub id: Uuid,
    pub horizon: Horizon,
    pub area: Area,
    pub goal: String,
    pub progress: u8,
    pub updated_at: OffsetDateTime,
}

/// A mentee's goals, by horizon then area.
pub async fn goals(
    db: &Db,
    scope: &InstitutionScope,
    mentee: PersonId,
) -> Result<Vec<Goal>, StoreError> {
    let rows: Vec<(Uuid, String, String, String, i32, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, horizon, area, goal, progress, updated_at FROM plan_goals \
         WHERE institution_id = $1 AND mentee_id = $2 ORDER BY created_at, id",
    )
    .bind(scope.institution_id().0)
    .bind(mentee.0)
    .fetch_all(pool)
    .await?);
    let mut out: Vec<Goal> = rows
        .into_iter()
        .map(|(id, horizon, area, goal, progress, updated_at)| {
            Ok(Goal {
                id,
                horizon: Horizon::parse(&horizon).map_err(corrupt)?,
                area: Area::parse(&area).map_err(corrupt)?,
                goal,
                progress: u8::try_from(progress).map_err(corrupt)?,
                updated_at,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    out.sort_by_key(|g| (g.horizon, g.area));
    Ok(out)
}

/// Adds a goal to a mentee's plan.
pub async fn add_goal(
    db: &Db,
    scope: &InstitutionScope,
    mentee: PersonId,
    horizon: Horizon,
    area: Area,
    goal: &str,
    now: OffsetDateTime,
) -> Result<Uuid, StoreError> {
    let id = Uuid::new_v4();
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO plan_goals (id, institution_id, mentee_id, horizon, area, goal, progress, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7)",
    )
    .bind(id)
    .bind(scope.institution_id().0)
    .bind(mentee.0)
    .bind(horizon.code())
    .bind(area.code())
    .bind(goal)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(id)
}

/// Sets a goal's progress; false unless it is one of `mentee`'s goals.
pub async fn set_progress(
    db: &Db,
    scope: &InstitutionScope,
    mentee: PersonId,
    goal: Uuid,
    progress: u8,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "UPDATE plan_goals SET progress = $4, updated_at = $5 \
         WHERE institution_id = $1 AND mentee_id = $2 AND id = $3",
    )
    .bind(scope.institution_id().0)
    .bind(mentee.0)
    .bind(goal)
    .bind(i32::from(progress))
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// One entry of what a mentor provided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub kind: ContributionKind,
    pub description: String,
    pub created_at: OffsetDateTime,
}

/// Logs what the mentor provided in a relationship.
pub async fn add_contribution(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
    kind: ContributionKind,
    description: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO contributions (id, institution_id, mentorship_id, kind, description, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(Uuid::new_v4())
    .bind(scope.institution_id().0)
    .bind(mentorship.0)
    .bind(kind.code())
    .bind(description)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// A relationship's log, newest first.
pub async fn contributions(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
) -> Result<Vec<Contribution>, StoreError> {
    let rows: Vec<(String, String, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT kind, description, created_at FROM contributions \
         WHERE institution_id = $1 AND mentorship_id = $2 ORDER BY created_at DESC, id",
    )
    .bind(scope.institution_id().0)
    .bind(mentorship.0)
    .fetch_all(pool)
    .await?);
    rows.into_iter()
        .map(|(kind, description, created_at)| {
            Ok(Contribution {
                kind: ContributionKind::parse(&kind).map_err(corrupt)?,
                description,
                created_at,
            })
        })
        .collect()
}

type ReviewRow = (
    Uuid,
    Uuid,
    String,
    String,
    Date,
    String,
    bool,
    OffsetDateTime,
);

fn review_from(r: ReviewRow) -> Result<ReviewRequest, StoreError> {
    Ok(ReviewRequest {
        id: r.0,
        mentorship_id: MentorshipId(r.1),
        kind: ReviewKind::parse(&r.2).map_err(corrupt)?,
        title: r.3,
        due_on: r.4,
        status: ReviewStatus::parse(&r.5).map_err(corrupt)?,
        short_notice: r.6,
        created_at: r.7,
    })
}

const REVIEW_COLUMNS: &str =
    "id, mentorship_id, kind, title, due_on, status, short_notice, created_at";

/// Stores a new review request.
pub async fn add_review(
    db: &Db,
    scope: &InstitutionScope,
    r: &ReviewRequest,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO review_requests (id, institution_id, mentorship_id, kind, title, due_on, status, \
         short_notice, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(r.id)
    .bind(scope.institution_id().0)
    .bind(r.mentorship_id.0)
    .bind(r.kind.code())
    .bind(&r.title)
    .bind(r.due_on)
    .bind(r.status.code())
    .bind(r.short_notice)
    .bind(DbTime(r.created_at))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// One review request of this institution.
pub async fn review(
    db: &Db,
    scope: &InstitutionScope,
    id: Uuid,
) -> Result<Option<ReviewRequest>, StoreError> {
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM review_requests WHERE institution_id = $1 AND id = $2"
    );
    let row: Option<ReviewRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(id)
        .fetch_optional(pool)
        .await?);
    row.map(review_from).transpose()
}

/// A relationship's review requests, soonest due first.
pub async fn reviews_of(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
) -> Result<Vec<ReviewRequest>, StoreError> {
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM review_requests WHERE institution_id = $1 AND mentorship_id = $2 \
         ORDER BY due_on, id"
    );
    let rows: Vec<ReviewRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(mentorship.0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(review_from).collect()
}

/// Every open review request addressed to `mentor`, across all their
/// mentees, soonest due first: their review load.
pub async fn review_load(
    db: &Db,
    scope: &InstitutionScope,
    mentor: PersonId,
) -> Result<Vec<ReviewRequest>, StoreError> {
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM review_requests WHERE institution_id = $1 AND status = 'requested' \
         AND mentorship_id IN (SELECT id FROM mentorships WHERE institution_id = $1 AND mentor_id = $2) \
         ORDER BY due_on, id"
    );
    let rows: Vec<ReviewRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(mentor.0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(review_from).collect()
}

/// Moves a review request to `status`.
pub async fn set_review_status(
    db: &Db,
    scope: &InstitutionScope,
    id: Uuid,
    status: ReviewStatus,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "UPDATE review_requests SET status = $3, updated_at = $4 \
         WHERE institution_id = $1 AND id = $2 AND status = 'requested'",
    )
    .bind(scope.institution_id().0)
    .bind(id)
    .bind(status.code())
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}
