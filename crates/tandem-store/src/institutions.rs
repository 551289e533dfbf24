//! Institutions: the tenants.

use crate::db::conflict_as;
use crate::{Db, DbTime, StoreError, microsecond_now, on_pool};
use tandem_domain::{Institution, InstitutionId, InstitutionSlug};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct InstitutionRow {
    id: Uuid,
    slug: String,
    name: String,
}

impl TryFrom<InstitutionRow> for Institution {
    type Error = StoreError;
    fn try_from(row: InstitutionRow) -> Result<Self, StoreError> {
        Ok(Institution {
            id: InstitutionId(row.id),
            slug: InstitutionSlug::parse(&row.slug)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            name: row.name,
        })
    }
}

/// Creates an institution; a taken slug is a [`StoreError::Conflict`].
pub async fn create(
    db: &Db,
    slug: &InstitutionSlug,
    name: &str,
) -> Result<Institution, StoreError> {
    let id = Uuid::new_v4();
    let now = microsecond_now();
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO institutions (id, slug, name, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(slug.as_str())
    .bind(name)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())
    .map_err(conflict_as("slug"))?);
    Ok(Institution {
        id: InstitutionId(id),
        slug: slug.clone(),
        name: name.to_string(),
    })
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Institution>, StoreError> {
    let row: Option<InstitutionRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, slug, name FROM institutions WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?);
    row.map(Institution::try_from).transpose()
}

pub async fn list(db: &Db) -> Result<Vec<Institution>, StoreError> {
    let rows: Vec<InstitutionRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, slug, name FROM institutions ORDER BY name, slug",
    )
    .fetch_all(pool)
    .await?);
    rows.into_iter().map(Institution::try_from).collect()
}

pub async fn by_id(db: &Db, id: InstitutionId) -> Result<Option<Institution>, StoreError> {
    let row: Option<InstitutionRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, slug, name FROM institutions WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(pool)
    .await?);
    row.map(Institution::try_from).transpose()
}
