//! Agreements (M3): the program's template and every version of each
//! relationship's agreement with who signed it when. The terms stay JSON
//! here; their type and rules belong to the domain.

use crate::db::conflict_as;
use crate::{Db, DbTime, DbTx, InstitutionScope, StoreError, on_pool, on_tx};
use tandem_domain::{AgreementId, MentorshipId, Side};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// The program's template terms (JSON), if it wrote its own.
pub async fn template(db: &Db, scope: &InstitutionScope) -> Result<Option<String>, StoreError> {
    Ok(on_pool!(db, pool => sqlx::query_scalar(
        "SELECT terms FROM agreement_templates WHERE institution_id = $1",
    )
    .bind(scope.institution_id().0)
    .fetch_optional(pool)
    .await?))
}

/// Replaces the program's template terms (JSON).
pub async fn save_template(
    db: &Db,
    scope: &InstitutionScope,
    terms_json: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO agreement_templates (institution_id, terms, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (institution_id) DO UPDATE SET terms = $2, updated_at = $3",
    )
    .bind(scope.institution_id().0)
    .bind(terms_json)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(())
}

/// One stored version of an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAgreement {
    pub id: AgreementId,
    pub version: i32,
    pub terms_json: String,
    pub written_by: Side,
    pub created_at: OffsetDateTime,
    pub mentee_signed_at: Option<OffsetDateTime>,
    pub mentor_signed_at: Option<OffsetDateTime>,
    pub review_on: Date,
}

type Row = (
    Uuid,
    i32,
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Date,
);

fn from_row(r: Row) -> Result<StoredAgreement, StoreError> {
    Ok(StoredAgreement {
        id: AgreementId(r.0),
        version: r.1,
        terms_json: r.2,
        written_by: Side::parse(&r.3).map_err(corrupt)?,
        created_at: r.4,
        mentee_signed_at: r.5,
        mentor_signed_at: r.6,
        review_on: r.7,
    })
}

/// Every version of a relationship's agreement, newest first.
pub async fn versions(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
) -> Result<Vec<StoredAgreement>, StoreError> {
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, version, terms, written_by, created_at, mentee_signed_at, mentor_signed_at, review_on \
         FROM agreements WHERE institution_id = $1 AND mentorship_id = $2 ORDER BY version DESC",
    )
    .bind(scope.institution_id().0)
    .bind(mentorship.0)
    .fetch_all(pool)
    .await?);
    rows.into_iter().map(from_row).collect()
}

/// A new version to store.
pub struct NewVersion<'a> {
    pub mentorship: MentorshipId,
    pub version: i32,
    pub terms_json: &'a str,
    pub written_by: Side,
    pub review_on: Date,
}

/// Stores a new version inside `tx`. Two people saving at once both aim
/// at the same version number; the second gets `Conflict`.
pub async fn insert_version_in(
    tx: &mut DbTx,
    scope: &InstitutionScope,
    v: &NewVersion<'_>,
    now: OffsetDateTime,
) -> Result<AgreementId, StoreError> {
    let id = AgreementId::new_random();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO agreements (id, institution_id, mentorship_id, version, terms, written_by, \
         created_at, review_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.0)
    .bind(scope.institution_id().0)
    .bind(v.mentorship.0)
    .bind(v.version)
    .bind(v.terms_json)
    .bind(v.written_by.code())
    .bind(DbTime(now))
    .bind(v.review_on)
    .execute(conn)
    .await
    .map(|_| ())
    .map_err(conflict_as("agreement version"))?);
    Ok(id)
}

/// `side` signs `version` of the agreement, if it is still the newest.
/// Returns false otherwise (someone wrote a newer one meanwhile).
pub async fn sign(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
    version: i32,
    side: Side,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let column = match side {
        Side::Mentee => "mentee_signed_at",
        Side::Mentor => "mentor_signed_at",
    };
    let sql = format!(
        "UPDATE agreements SET {column} = COALESCE({column}, $4) \
         WHERE institution_id = $1 AND mentorship_id = $2 AND version = $3 \
         AND version = (SELECT MAX(version) FROM agreements WHERE mentorship_id = $2)"
    );
    let n = on_pool!(db, pool => sqlx::query(&sql)
        .bind(scope.institution_id().0)
        .bind(mentorship.0)
        .bind(version)
        .bind(DbTime(now))
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// A signed agreement whose review date has come, for the reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDue {
    pub institution_id: Uuid,
    pub mentorship: MentorshipId,
    pub version: i32,
    pub review_on: Date,
    pub mentee: Uuid,
    pub mentor: Uuid,
}

/// Newest versions of active relationships whose review date is on or
/// before `day`.
pub async fn reviews_due(db: &Db, day: Date) -> Result<Vec<ReviewDue>, StoreError> {
    let rows: Vec<(Uuid, Uuid, i32, Date, Uuid, Uuid)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT a.institution_id, a.mentorship_id, a.version, a.review_on, m.mentee_id, m.mentor_id \
         FROM agreements a JOIN mentorships m ON m.id = a.mentorship_id \
         WHERE m.status = 'active' AND a.review_on <= $1 \
         AND a.version = (SELECT MAX(version) FROM agreements b WHERE b.mentorship_id = a.mentorship_id)",
    )
    .bind(day)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(
            |(institution_id, mentorship, version, review_on, mentee, mentor)| ReviewDue {
                institution_id,
                mentorship: MentorshipId(mentorship),
                version,
                review_on,
                mentee,
                mentor,
            },
        )
        .collect())
}
