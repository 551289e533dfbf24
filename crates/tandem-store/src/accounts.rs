//! Accounts and the roles they hold.

use crate::db::conflict_as;
use crate::{Db, DbTime, StoreError, on_pool};
use tandem_domain::{
    AccountId, DepartmentId, DivisionId, Grant, InstitutionId, PersonId, Role, UnitScope,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// An account as stored. The password hash never leaves the store except
/// to be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub institution_id: Option<InstitutionId>,
    pub person_id: Option<PersonId>,
    pub username: String,
    pub password_hash: String,
    pub disabled: bool,
    pub credentials_changed_at: OffsetDateTime,
    /// Bumped whenever existing sessions must stop working.
    pub credentials_version: i64,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: Uuid,
    institution_id: Option<Uuid>,
    person_id: Option<Uuid>,
    username: String,
    password_hash: String,
    disabled: bool,
    credentials_changed_at: OffsetDateTime,
    credentials_version: i64,
}

impl From<AccountRow> for Account {
    fn from(r: AccountRow) -> Self {
        Account {
            id: AccountId(r.id),
            institution_id: r.institution_id.map(InstitutionId),
            person_id: r.person_id.map(PersonId),
            username: r.username,
            password_hash: r.password_hash,
            disabled: r.disabled,
            credentials_changed_at: r.credentials_changed_at,
            credentials_version: r.credentials_version,
        }
    }
}

const ACCOUNT_COLUMNS: &str = "id, institution_id, person_id, username, password_hash, disabled, \
     credentials_changed_at, credentials_version";

/// What a new account is made of.
pub struct NewAccount<'a> {
    pub institution_id: Option<InstitutionId>,
    pub person_id: Option<PersonId>,
    pub username: &'a str,
    pub password_hash: &'a str,
}

pub async fn create(
    db: &Db,
    new: NewAccount<'_>,
    now: OffsetDateTime,
) -> Result<AccountId, StoreError> {
    let id = Uuid::new_v4();
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO accounts (id, institution_id, person_id, username, password_hash, disabled, \
         credentials_changed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(id)
    .bind(new.institution_id.map(|i| i.0))
    .bind(new.person_id.map(|p| p.0))
    .bind(new.username)
    .bind(new.password_hash)
    .bind(false)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())
    .map_err(conflict_as("username or person"))?);
    Ok(AccountId(id))
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = $1");
    let row: Option<AccountRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(username)
        .fetch_optional(pool)
        .await?);
    Ok(row.map(Account::from))
}

pub async fn by_id(db: &Db, id: AccountId) -> Result<Option<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
    let row: Option<AccountRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
    Ok(row.map(Account::from))
}

/// Accounts of one institution (or, with None, the operators'), by username.
pub async fn list(db: &Db, institution: Option<InstitutionId>) -> Result<Vec<Account>, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE \
         (institution_id = $1 OR ($1 IS NULL AND institution_id IS NULL)) ORDER BY username"
    );
    let rows: Vec<AccountRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(institution.map(|i| i.0))
        .fetch_all(pool)
        .await?);
    Ok(rows.into_iter().map(Account::from).collect())
}

/// Sets a new password hash. Sessions begun before `now` stop working.
pub async fn set_password(
    db: &Db,
    id: AccountId,
    hash: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let changed = on_pool!(db, pool => sqlx::query(
        "UPDATE accounts SET password_hash = $2, credentials_changed_at = $3, \
         credentials_version = credentials_version + 1 WHERE id = $1",
    )
    .bind(id.0)
    .bind(hash)
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(changed == 1)
}

/// Disables or re-enables an account; disabling ends its sessions (and its
/// tokens stop working while it is disabled).
pub async fn set_disabled(
    db: &Db,
    id: AccountId,
    disabled: bool,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let changed = on_pool!(db, pool => sqlx::query(
        "UPDATE accounts SET disabled = $2, credentials_changed_at = $3, \
         credentials_version = credentials_version + CASE WHEN $2 THEN 1 ELSE 0 END WHERE id = $1",
    )
    .bind(id.0)
    .bind(disabled)
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(changed == 1)
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    role: String,
    institution_id: Option<Uuid>,
    department_id: Option<Uuid>,
    division_id: Option<Uuid>,
}

fn grant_from(r: GrantRow) -> Result<Grant, StoreError> {
    let role = Role::parse(&r.role).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let unit = match (r.department_id, r.division_id) {
        (Some(d), None) => UnitScope::Department(DepartmentId(d)),
        (None, Some(d)) => UnitScope::Division(DivisionId(d)),
        _ => UnitScope::Institution,
    };
    Ok(Grant {
        role,
        institution: r.institution_id.map(InstitutionId),
        unit,
    })
}

pub async fn grants(db: &Db, account: AccountId) -> Result<Vec<Grant>, StoreError> {
    let rows: Vec<GrantRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT role, institution_id, department_id, division_id FROM role_grants \
         WHERE account_id = $1 ORDER BY role, created_at",
    )
    .bind(account.0)
    .fetch_all(pool)
    .await?);
    rows.into_iter().map(grant_from).collect()
}

fn unit_ids(unit: UnitScope) -> (Option<Uuid>, Option<Uuid>) {
    match unit {
        UnitScope::Institution => (None, None),
        UnitScope::Department(d) => (Some(d.0), None),
        UnitScope::Division(d) => (None, Some(d.0)),
    }
}

/// Grants a role; granting one already held changes nothing.
pub async fn grant(
    db: &Db,
    account: AccountId,
    grant: Grant,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    if grants(db, account).await?.contains(&grant) {
        return Ok(false);
    }
    let (department, division) = unit_ids(grant.unit);
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO role_grants (id, account_id, institution_id, role, department_id, division_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Uuid::new_v4())
    .bind(account.0)
    .bind(grant.institution.map(|i| i.0))
    .bind(grant.role.code())
    .bind(department)
    .bind(division)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(true)
}

/// Revokes a role; returns whether it was held.
pub async fn revoke(db: &Db, account: AccountId, grant: Grant) -> Result<bool, StoreError> {
    let (department, division) = unit_ids(grant.unit);
    let removed = on_pool!(db, pool => sqlx::query(
        "DELETE FROM role_grants WHERE account_id = $1 AND role = $2 \
         AND (department_id = $3 OR ($3 IS NULL AND department_id IS NULL)) \
         AND (division_id = $4 OR ($4 IS NULL AND division_id IS NULL))",
    )
    .bind(account.0)
    .bind(grant.role.code())
    .bind(department)
    .bind(division)
    .execute(pool)
    .await?
    .rows_affected());
    Ok(removed > 0)
}

/// Every enabled account of `institution` holding `role`, with its person
/// (if linked) and the grant: who to alert about something in a unit.
pub async fn holders_of(
    db: &Db,
    institution: InstitutionId,
    role: Role,
) -> Result<Vec<(AccountId, Option<PersonId>, Grant)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct HolderRow {
        id: Uuid,
        person_id: Option<Uuid>,
        #[sqlx(flatten)]
        grant: GrantRow,
    }
    let rows: Vec<HolderRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT a.id, a.person_id, g.role, g.institution_id, g.department_id, g.division_id \
         FROM role_grants g JOIN accounts a ON a.id = g.account_id \
         WHERE g.institution_id = $1 AND g.role = $2 AND a.disabled = $3 ORDER BY a.username",
    )
    .bind(institution.0)
    .bind(role.code())
    .bind(false)
    .fetch_all(pool)
    .await?);
    rows.into_iter()
        .map(|r| {
            let grant = grant_from(r.grant)?;
            Ok((AccountId(r.id), r.person_id.map(PersonId), grant))
        })
        .collect()
}
