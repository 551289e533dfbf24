use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;

/// Errors from the store. Constraint violations are separated out so the
/// caller can turn them into a clear message instead of a 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: expected sqlite:PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("a record with the same {0} already exists")]
    Conflict(String),
    #[error("the database holds a value Tandem cannot read ({0}); was it edited by hand?")]
    Corrupt(String),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Which database engine a handle talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A connection pool to one of the two supported databases.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever concrete pool (or connection) the
/// handle holds. The body is type-checked once per backend, so one SQL text
/// serves both.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Same as [`on_pool!`] for an open transaction.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::DbTx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::DbTx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// An open transaction on either backend.
pub enum DbTx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl DbTx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            DbTx::Sqlite(tx) => tx.commit().await?,
            DbTx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// How long a SQLite connection waits for a lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Db {
    /// Opens a pool. `sqlite:` URLs create the file if it does not exist and
    /// set WAL mode, `synchronous=FULL` (every commit is durable), foreign
    /// keys on and a busy timeout; `postgres://` and `postgresql://` URLs
    /// connect to a server.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT);
            // No liveness ping before handing out a connection: the file
            // cannot go away under an open connection, and the ping was a
            // round trip to sqlx's worker thread on every query (measured
            // under load: docs/PERFORMANCE.md, Load).
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// Connects and brings the schema up to date.
    pub async fn connect_and_migrate(url: &str) -> Result<Db, StoreError> {
        let db = Self::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this backend's folder.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// True while the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok())
    }

    /// Opens a transaction. On SQLite it is `BEGIN IMMEDIATE`: it takes the
    /// write lock at once, waiting up to the busy timeout for it. A deferred
    /// `BEGIN` would read first and try to upgrade to writing later, and
    /// when another connection has written in between SQLite refuses the
    /// upgrade at once with "database is locked" (SQLITE_BUSY) without
    /// waiting, so concurrent requests failed with a 500. SQLite has one
    /// writer at a time anyway, so this costs no concurrency among writers;
    /// readers outside transactions are not held up (WAL).
    pub async fn begin(&self) -> Result<DbTx, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => DbTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => DbTx::Postgres(pool.begin().await?),
        })
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Hides the password of a URL such as `postgres://user:secret@host/db`.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((credentials, host)) = rest.rsplit_once('@')
    {
        let user = credentials.split(':').next().unwrap_or("");
        if credentials.contains(':') {
            return format!("{scheme}://{user}:***@{host}");
        }
    }
    url.to_string()
}

/// The current time at the microsecond precision both databases store.
pub fn microsecond_now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}

/// Maps a unique-constraint violation to [`StoreError::Conflict`].
pub(crate) fn conflict_as(what: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |err| match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(what.to_string())
        }
        _ => StoreError::Database(err),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db.internal:5432/tandem"),
            "postgres://app:***@db.internal:5432/tandem"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact_url("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }
}

/// A timestamp as bound into a query. PostgreSQL stores `TIMESTAMPTZ`;
/// SQLite stores text in one fixed-width UTC form
/// (`2026-11-24T22:50:47.123456Z`), so that comparing and ordering the
/// text compares the times. (sqlx's own text form trims trailing zeros of
/// the fraction, which breaks text comparison.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DbTime(pub OffsetDateTime);

const SQLITE_TIME_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

impl sqlx::Type<sqlx::Sqlite> for DbTime {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as sqlx::Type<sqlx::Sqlite>>::type_info()
    }
    fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
        <OffsetDateTime as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Sqlite> for DbTime {
    fn encode_by_ref(
        &self,
        buf: &mut Vec<sqlx::sqlite::SqliteArgumentValue<'q>>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        let text = self
            .0
            .to_offset(time::UtcOffset::UTC)
            .format(SQLITE_TIME_FORMAT)?;
        <String as sqlx::Encode<'q, sqlx::Sqlite>>::encode(text, buf)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for DbTime {
    fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(DbTime(<OffsetDateTime as sqlx::Decode<
            'r,
            sqlx::Sqlite,
        >>::decode(value)?))
    }
}

impl sqlx::Type<sqlx::Postgres> for DbTime {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <OffsetDateTime as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Postgres> for DbTime {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <OffsetDateTime as sqlx::Encode<'q, sqlx::Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for DbTime {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(DbTime(<OffsetDateTime as sqlx::Decode<
            'r,
            sqlx::Postgres,
        >>::decode(value)?))
    }
}
