//! Faculty: directory queries and profile reads.

use crate::{Db, InstitutionScope, StoreError, on_pool};
use serde::Serialize;
use tandem_domain::values::parse_contact_channels;
use tandem_domain::{
    DepartmentId, DivisionId, Email, Gender, InstitutionId, Leadership, PersonId, PersonProfile,
    Rank, Stream, TagList, WorkingStyle,
};
use time::Date;
use uuid::Uuid;

/// The column list every person query selects, in [`PersonRow`] order.
pub(crate) const PERSON_COLUMNS: &str = "p.id, p.institution_id, p.employee_id, p.given_name, \
    p.family_name, p.email, p.department_id, p.division_id, p.rank, p.stream, p.gender, \
    p.appointment_date, p.research_interests, p.clinical_interests, p.education_interests, \
    p.personal_values, p.working_style, p.mentoring_years, p.past_mentees, p.location, \
    p.contact_channels, p.supervisor_id, p.resource_controller_id, p.leadership";

#[derive(sqlx::FromRow)]
pub(crate) struct PersonRow {
    id: Uuid,
    institution_id: Uuid,
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    department_id: Uuid,
    division_id: Uuid,
    rank: String,
    stream: String,
    gender: String,
    appointment_date: Date,
    research_interests: String,
    clinical_interests: String,
    education_interests: String,
    personal_values: String,
    working_style: String,
    mentoring_years: i32,
    past_mentees: i32,
    location: Option<String>,
    contact_channels: String,
    supervisor_id: Option<Uuid>,
    resource_controller_id: Option<Uuid>,
    leadership: String,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl TryFrom<PersonRow> for PersonProfile {
    type Error = StoreError;
    fn try_from(r: PersonRow) -> Result<Self, StoreError> {
        Ok(PersonProfile {
            id: PersonId(r.id),
            institution_id: InstitutionId(r.institution_id),
            employee_id: r.employee_id,
            given_name: r.given_name,
            family_name: r.family_name,
            email: Email::parse(&r.email).map_err(corrupt)?,
            department_id: DepartmentId(r.department_id),
            division_id: DivisionId(r.division_id),
            rank: Rank::parse(&r.rank).map_err(corrupt)?,
            stream: Stream::parse(&r.stream).map_err(corrupt)?,
            gender: Gender::from_code(&r.gender)
                .ok_or_else(|| corrupt(format!("gender {:?}", r.gender)))?,
            appointment_date: r.appointment_date,
            research_interests: TagList::parse("research_interests", &r.research_interests)
                .map_err(corrupt)?,
            clinical_interests: TagList::parse("clinical_interests", &r.clinical_interests)
                .map_err(corrupt)?,
            education_interests: TagList::parse("education_interests", &r.education_interests)
                .map_err(corrupt)?,
            values: TagList::parse("values", &r.personal_values).map_err(corrupt)?,
            working_style: WorkingStyle::parse(&r.working_style).map_err(corrupt)?,
            mentoring_years: u16::try_from(r.mentoring_years).map_err(corrupt)?,
            past_mentees: u16::try_from(r.past_mentees).map_err(corrupt)?,
            location: r.location,
            contact_channels: parse_contact_channels(&r.contact_channels).map_err(corrupt)?,
            supervisor_id: r.supervisor_id.map(PersonId),
            resource_controller_id: r.resource_controller_id.map(PersonId),
            leadership: Leadership::parse(&r.leadership).map_err(corrupt)?,
        })
    }
}

/// Directory filters. Every field is optional; text matches name, e-mail
/// and interests, case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub division: Option<DivisionId>,
    pub rank: Option<Rank>,
    pub stream: Option<Stream>,
    pub text: Option<String>,
}

/// One line of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonSummary {
    pub id: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub rank: Rank,
    pub stream: Stream,
    pub department: String,
    pub division: String,
    pub leadership: Leadership,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    given_name: String,
    family_name: String,
    email: String,
    rank: String,
    stream: String,
    department: String,
    division: String,
    leadership: String,
}

/// A page of results and the total across all pages.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// Escapes `%`, `_` and `\` so user text is matched literally by LIKE.
fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

const FILTER_WHERE: &str = "p.institution_id = $1 \
    AND ($2 IS NULL OR p.division_id = $2) \
    AND ($3 IS NULL OR p.rank = $3) \
    AND ($4 IS NULL OR p.stream = $4) \
    AND ($5 IS NULL OR lower(p.given_name || ' ' || p.family_name) LIKE $5 ESCAPE '\\' \
         OR lower(p.email) LIKE $5 ESCAPE '\\' \
         OR lower(p.research_interests) LIKE $5 ESCAPE '\\' \
         OR lower(p.clinical_interests) LIKE $5 ESCAPE '\\' \
         OR lower(p.education_interests) LIKE $5 ESCAPE '\\')";

/// A page of the directory, ordered by family name, given name, id.
pub async fn search(
    db: &Db,
    scope: &InstitutionScope,
    filter: &PeopleFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<PersonSummary>, StoreError> {
    let division = filter.division.map(|d| d.0);
    let rank = filter.rank.map(Rank::code);
    let stream = filter.stream.map(Stream::code);
    let text = filter
        .text
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(like_pattern);
    let list_sql = format!(
        "SELECT p.id, p.given_name, p.family_name, p.email, p.rank, p.stream, \
         d.name AS department, v.name AS division, p.leadership \
         FROM people p JOIN departments d ON d.id = p.department_id \
         JOIN divisions v ON v.id = p.division_id \
         WHERE {FILTER_WHERE} ORDER BY p.family_name, p.given_name, p.id LIMIT $6 OFFSET $7"
    );
    let count_sql = format!("SELECT COUNT(*) FROM people p WHERE {FILTER_WHERE}");
    let (rows, total): (Vec<SummaryRow>, i64) = on_pool!(db, pool => {
        let rows = sqlx::query_as(&list_sql)
            .bind(scope.institution_id().0)
            .bind(division)
            .bind(rank)
            .bind(stream)
            .bind(text.as_deref())
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
        let total: i64 = sqlx::query_scalar(&count_sql)
            .bind(scope.institution_id().0)
            .bind(division)
            .bind(rank)
            .bind(stream)
            .bind(text.as_deref())
            .fetch_one(pool)
            .await?;
        (rows, total)
    });
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(PersonSummary {
                id: PersonId(r.id),
                given_name: r.given_name,
                family_name: r.family_name,
                email: r.email,
                rank: Rank::parse(&r.rank).map_err(corrupt)?,
                stream: Stream::parse(&r.stream).map_err(corrupt)?,
                department: r.department,
                division: r.division,
                leadership: Leadership::parse(&r.leadership).map_err(corrupt)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Page { items, total })
}

/// One person in the scope, or None (also for a person of another
/// institution: the caller answers 404 either way).
pub async fn get(
    db: &Db,
    scope: &InstitutionScope,
    id: PersonId,
) -> Result<Option<PersonProfile>, StoreError> {
    let sql =
        format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.institution_id = $1 AND p.id = $2");
    let row: Option<PersonRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
    row.map(PersonProfile::try_from).transpose()
}

/// Every person of the institution, in employee-id order.
pub async fn all(db: &Db, scope: &InstitutionScope) -> Result<Vec<PersonProfile>, StoreError> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM people p WHERE p.institution_id = $1 ORDER BY p.employee_id"
    );
    let rows: Vec<PersonRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(scope.institution_id().0)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(PersonProfile::try_from).collect()
}

/// Short references to people (for "reports to" and similar lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRef {
    pub id: PersonId,
    pub name: String,
}

/// The people in the scope who report directly to `id`.
pub async fn direct_reports(
    db: &Db,
    scope: &InstitutionScope,
    id: PersonId,
) -> Result<Vec<PersonRef>, StoreError> {
    let rows: Vec<(Uuid, String, String)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, given_name, family_name FROM people \
         WHERE institution_id = $1 AND supervisor_id = $2 ORDER BY family_name, given_name, id",
    )
    .bind(scope.institution_id().0)
    .bind(id.0)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(id, g, f)| PersonRef {
            id: PersonId(id),
            name: format!("{g} {f}"),
        })
        .collect())
}

/// The (gender, rank, stream) of every person in the scope: the input of
/// the demographic report. Counting happens in the caller so that
/// suppression rules live in one place.
pub async fn demographics(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Vec<(Gender, Rank, Stream)>, StoreError> {
    let rows: Vec<(String, String, String)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT gender, rank, stream FROM people WHERE institution_id = $1",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?);
    rows.into_iter()
        .map(|(g, r, s)| {
            Ok((
                Gender::from_code(&g).ok_or_else(|| corrupt(format!("gender {g:?}")))?,
                Rank::parse(&r).map_err(corrupt)?,
                Stream::parse(&s).map_err(corrupt)?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern(" 50%_A\\b "), "%50\\%\\_a\\\\b%");
    }
}

/// The profile fields a person maintains themselves (HR owns the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnProfileFields {
    pub research_interests: TagList,
    pub clinical_interests: TagList,
    pub education_interests: TagList,
    pub values: TagList,
    pub working_style: WorkingStyle,
    pub mentoring_years: u16,
    pub past_mentees: u16,
    pub location: Option<String>,
    pub contact_channels: Vec<tandem_domain::ContactChannel>,
}

/// Saves a person's own fields; false when there is no such person in the scope.
pub async fn update_own_fields(
    db: &Db,
    scope: &InstitutionScope,
    id: PersonId,
    f: &OwnProfileFields,
    now: time::OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "UPDATE people SET research_interests = $3, clinical_interests = $4, education_interests = $5, \
         personal_values = $6, working_style = $7, mentoring_years = $8, past_mentees = $9, location = $10, \
         contact_channels = $11, updated_at = $12 WHERE institution_id = $1 AND id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(id.0)
    .bind(f.research_interests.code())
    .bind(f.clinical_interests.code())
    .bind(f.education_interests.code())
    .bind(f.values.code())
    .bind(f.working_style.code())
    .bind(i32::from(f.mentoring_years))
    .bind(i32::from(f.past_mentees))
    .bind(f.location.as_deref())
    .bind(tandem_domain::values::contact_channels_code(&f.contact_channels))
    .bind(crate::DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    crate::mentoring::bump_pool_version(db, scope).await?;
    Ok(n == 1)
}

/// The (gender, rank, stream) of everyone in one division.
pub async fn division_demographics(
    db: &Db,
    scope: &InstitutionScope,
    division: DivisionId,
) -> Result<Vec<(Gender, Rank, Stream)>, StoreError> {
    let rows: Vec<(String, String, String)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT gender, rank, stream FROM people WHERE institution_id = $1 AND division_id = $2",
    )
    .bind(scope.institution_id().0)
    .bind(division.0)
    .fetch_all(pool)
    .await?);
    rows.into_iter()
        .map(|(g, r, s)| {
            Ok((
                Gender::from_code(&g).ok_or_else(|| corrupt(format!("gender {g:?}")))?,
                Rank::parse(&r).map_err(corrupt)?,
                Stream::parse(&s).map_err(corrupt)?,
            ))
        })
        .collect()
}
