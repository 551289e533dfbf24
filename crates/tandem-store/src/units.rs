//! Departments and divisions.

use crate::{Db, InstitutionScope, StoreError, on_pool};
use serde::Serialize;
use tandem_domain::{DepartmentId, DivisionId};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Division {
    pub id: DivisionId,
    pub department_id: DepartmentId,
    pub name: String,
}

#[derive(sqlx::FromRow)]
struct DepartmentRow {
    id: Uuid,
    name: String,
}

#[derive(sqlx::FromRow)]
struct DivisionRow {
    id: Uuid,
    department_id: Uuid,
    name: String,
}

pub async fn departments(db: &Db, scope: &InstitutionScope) -> Result<Vec<Department>, StoreError> {
    let rows: Vec<DepartmentRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name FROM departments WHERE institution_id = $1 ORDER BY name, id",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|r| Department {
            id: DepartmentId(r.id),
            name: r.name,
        })
        .collect())
}

pub async fn divisions(db: &Db, scope: &InstitutionScope) -> Result<Vec<Division>, StoreError> {
    let rows: Vec<DivisionRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, department_id, name FROM divisions WHERE institution_id = $1 ORDER BY name, id",
    )
    .bind(scope.institution_id().0)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|r| Division {
            id: DivisionId(r.id),
            department_id: DepartmentId(r.department_id),
            name: r.name,
        })
        .collect())
}
