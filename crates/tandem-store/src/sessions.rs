//! Sign-in sessions, API tokens and sign-in attempts. Tokens are stored
//! only as hashes: a copy of the database does not let anyone sign in.

use crate::{Db, DbTime, DbTx, StoreError, on_pool, on_tx};
use tandem_domain::AccountId;
use time::OffsetDateTime;
use uuid::Uuid;

/// A live session as the request guard sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub account_id: AccountId,
    pub csrf_token: String,
    /// The account's credentials version when the session began.
    pub credentials_version: i64,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub ended: bool,
}

pub async fn create(
    db: &Db,
    token_hash: &str,
    account: AccountId,
    csrf_token: &str,
    credentials_version: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    create_in(
        &mut tx,
        token_hash,
        account,
        csrf_token,
        credentials_version,
        now,
    )
    .await?;
    tx.commit().await
}

/// [`create`] inside a caller's transaction (sign-in writes the session,
/// its attempt and its audit entry in one commit).
pub async fn create_in(
    tx: &mut DbTx,
    token_hash: &str,
    account: AccountId,
    csrf_token: &str,
    credentials_version: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, csrf_token, credentials_version, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(token_hash)
    .bind(account.0)
    .bind(csrf_token)
    .bind(credentials_version)
    .bind(DbTime(now))
    .execute(conn)
    .await
    .map(|_| ())?);
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    account_id: Uuid,
    csrf_token: String,
    credentials_version: i64,
    created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    ended_at: Option<OffsetDateTime>,
}

pub async fn find(db: &Db, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
    let row: Option<SessionRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT account_id, csrf_token, credentials_version, created_at, last_seen_at, ended_at \
         FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?);
    Ok(row.map(|r| SessionRecord {
        account_id: AccountId(r.account_id),
        csrf_token: r.csrf_token,
        credentials_version: r.credentials_version,
        created_at: r.created_at,
        last_seen_at: r.last_seen_at,
        ended: r.ended_at.is_some(),
    }))
}

/// Records activity, for the idle limit.
pub async fn touch(db: &Db, token_hash: &str, now: OffsetDateTime) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND ended_at IS NULL")
        .bind(token_hash)
        .bind(DbTime(now))
        .execute(pool)
        .await
        .map(|_| ())?);
    Ok(())
}

/// Ends one session for good.
pub async fn end(db: &Db, token_hash: &str, now: OffsetDateTime) -> Result<(), StoreError> {
    on_pool!(db, pool => sqlx::query("UPDATE sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL")
        .bind(token_hash)
        .bind(DbTime(now))
        .execute(pool)
        .await
        .map(|_| ())?);
    Ok(())
}

/// id, name, created, last used, revoked.
type TokenRow = (
    Uuid,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

/// A personal API token as listed to its owner (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked: bool,
}

pub async fn create_token(
    db: &Db,
    account: AccountId,
    name: &str,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<Uuid, StoreError> {
    let id = Uuid::new_v4();
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO api_tokens (id, account_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(account.0)
    .bind(name)
    .bind(token_hash)
    .bind(DbTime(now))
    .execute(pool)
    .await
    .map(|_| ())?);
    Ok(id)
}

/// The account behind a live (unrevoked) token, marking it used.
pub async fn use_token(
    db: &Db,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<AccountId>, StoreError> {
    let row: Option<(Uuid,)> = on_pool!(db, pool => sqlx::query_as(
        "UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING account_id",
    )
    .bind(token_hash)
    .bind(DbTime(now))
    .fetch_optional(pool)
    .await?);
    Ok(row.map(|(a,)| AccountId(a)))
}

pub async fn list_tokens(db: &Db, account: AccountId) -> Result<Vec<ApiToken>, StoreError> {
    let rows: Vec<TokenRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY created_at, id",
    )
    .bind(account.0)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(
            |(id, name, created_at, last_used_at, revoked_at)| ApiToken {
                id,
                name,
                created_at,
                last_used_at,
                revoked: revoked_at.is_some(),
            },
        )
        .collect())
}

/// Revokes one of the account's tokens; false if it has no such token.
pub async fn revoke_token(
    db: &Db,
    account: AccountId,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let n = on_pool!(db, pool => sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(account.0)
    .bind(DbTime(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// Records a sign-in attempt under each of `keys`.
pub async fn record_attempt(
    db: &Db,
    keys: &[&str],
    succeeded: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    record_attempt_in(&mut tx, keys, succeeded, now).await?;
    tx.commit().await
}

/// [`record_attempt`] inside a caller's transaction.
pub async fn record_attempt_in(
    tx: &mut DbTx,
    keys: &[&str],
    succeeded: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    for key in keys {
        on_tx!(tx, conn => sqlx::query("INSERT INTO sign_in_attempts (id, key, succeeded, at) VALUES ($1, $2, $3, $4)")
            .bind(Uuid::new_v4())
            .bind(*key)
            .bind(succeeded)
            .bind(DbTime(now))
            .execute(conn)
            .await
            .map(|_| ())?);
    }
    Ok(())
}

/// Attempts under `key` since `since`: (all, failed since the last success).
pub async fn attempts_since(db: &Db, key: &str, since: OffsetDateTime) -> Result<i64, StoreError> {
    let n: i64 = on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_attempts WHERE key = $1 AND at >= $2")
        .bind(key)
        .bind(DbTime(since))
        .fetch_one(pool)
        .await?);
    Ok(n)
}

/// Failures under `key` after its last success, and when the last one was.
pub async fn failures_since_success(
    db: &Db,
    key: &str,
) -> Result<(i64, Option<OffsetDateTime>), StoreError> {
    let last_success: Option<OffsetDateTime> = on_pool!(db, pool => sqlx::query_scalar(
        "SELECT MAX(at) FROM sign_in_attempts WHERE key = $1 AND succeeded = $2",
    )
    .bind(key)
    .bind(true)
    .fetch_one(pool)
    .await?);
    let since = last_success.unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let row: (i64, Option<OffsetDateTime>) = on_pool!(db, pool => sqlx::query_as(
        "SELECT COUNT(*), MAX(at) FROM sign_in_attempts WHERE key = $1 AND succeeded = $2 AND at > $3",
    )
    .bind(key)
    .bind(false)
    .bind(DbTime(since))
    .fetch_one(pool)
    .await?);
    Ok(row)
}
