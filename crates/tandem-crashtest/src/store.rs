//! The database the server runs on, read directly (not through Tandem):
//! preparing it, finding the people to sign in as, checking that every
//! acknowledged write is there, and SQLite's own integrity check.

use anyhow::{Context, bail};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::collections::HashSet;
use std::path::PathBuf;
use std::str::FromStr;
use uuid::Uuid;

use crate::ledger::{Ack, Write};

/// Where the server's data lives.
pub enum Store {
    Sqlite { path: PathBuf },
    Postgres { url: String, pool: PgPool },
}

impl Store {
    /// A fresh SQLite file in `work_dir` (an earlier run's is removed).
    pub fn fresh_sqlite(work_dir: &std::path::Path) -> anyhow::Result<Store> {
        let path = work_dir.join("tandem.sqlite3");
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::remove_file(&file)
                    .with_context(|| format!("cannot remove {}", file.display()))?;
            }
        }
        Ok(Store::Sqlite { path })
    }

    /// Drops and recreates the database `url` names (connecting to the
    /// server's `postgres` database to do so), then connects to it.
    pub async fn fresh_postgres(url: &str) -> anyhow::Result<Store> {
        let options = PgConnectOptions::from_str(url).context("the PostgreSQL URL")?;
        let name = options
            .get_database()
            .context("the PostgreSQL URL names no database")?
            .to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || name == "postgres"
        {
            bail!(
                "the crash test drops and recreates its database, so it wants a name of its own \
                 (lower-case letters, digits, _; not postgres), not {name:?}"
            );
        }
        let mut admin = sqlx::PgConnection::connect_with(&options.clone().database("postgres"))
            .await
            .context("connect to the PostgreSQL server")?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        Ok(Store::Postgres {
            url: url.to_string(),
            pool,
        })
    }

    pub fn url(&self) -> String {
        match self {
            Store::Sqlite { path } => format!("sqlite:{}", path.display()),
            Store::Postgres { url, .. } => url.clone(),
        }
    }

    /// A connection to the SQLite file, read-only: it never checkpoints
    /// or removes the write-ahead log, so the next server start finds the
    /// files as the kill left them.
    async fn sqlite(&self) -> anyhow::Result<Option<SqliteConnection>> {
        match self {
            Store::Sqlite { path } => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .read_only(true)
                    .create_if_missing(false);
                Ok(Some(SqliteConnection::connect_with(&options).await?))
            }
            Store::Postgres { .. } => Ok(None),
        }
    }

    /// Runs `sql` (the same text on both databases), which selects one
    /// id column, and returns the ids.
    async fn ids(&self, sql: &str) -> anyhow::Result<HashSet<Uuid>> {
        Ok(match self {
            Store::Sqlite { .. } => {
                let mut conn = self.sqlite().await?.context("a SQLite connection")?;
                let ids: Vec<Uuid> = sqlx::query_scalar(sql).fetch_all(&mut conn).await?;
                conn.close().await?;
                ids.into_iter().collect()
            }
            Store::Postgres { pool, .. } => {
                let ids: Vec<Uuid> = sqlx::query_scalar(sql).fetch_all(pool).await?;
                ids.into_iter().collect()
            }
        })
    }

    /// `PRAGMA integrity_check` on SQLite: `Ok(None)` when it answers
    /// "ok", else what it found. `Ok(None)` on PostgreSQL, which has no
    /// such check.
    pub async fn integrity_problem(&self) -> anyhow::Result<Option<String>> {
        let Some(mut conn) = self.sqlite().await? else {
            return Ok(None);
        };
        let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await?;
        conn.close().await?;
        Ok(if lines == ["ok"] {
            None
        } else {
            Some(lines.join("; "))
        })
    }

    /// The people of `institution` with no account yet at `rank`, by
    /// employee id: (person id, employee id).
    pub async fn people_without_account(
        &self,
        institution: &str,
        rank: &str,
    ) -> anyhow::Result<Vec<(Uuid, String)>> {
        let sql = "SELECT p.id, p.employee_id FROM people p \
                   JOIN institutions i ON i.id = p.institution_id \
                   WHERE i.slug = $1 AND p.rank = $2 \
                   AND p.id NOT IN (SELECT person_id FROM accounts WHERE person_id IS NOT NULL) \
                   ORDER BY p.employee_id";
        Ok(match self {
            Store::Sqlite { .. } => {
                let mut conn = self.sqlite().await?.context("a SQLite connection")?;
                let rows = sqlx::query_as(sql)
                    .bind(institution)
                    .bind(rank)
                    .fetch_all(&mut conn)
                    .await?;
                conn.close().await?;
                rows
            }
            Store::Postgres { pool, .. } => {
                sqlx::query_as(sql)
                    .bind(institution)
                    .bind(rank)
                    .fetch_all(pool)
                    .await?
            }
        })
    }

    /// A person's employee id, unless they have an account already (one
    /// person, one account).
    pub async fn employee_id_without_account(
        &self,
        person: Uuid,
    ) -> anyhow::Result<Option<String>> {
        let sql = "SELECT employee_id FROM people WHERE id = $1 \
                   AND id NOT IN (SELECT person_id FROM accounts WHERE person_id IS NOT NULL)";
        Ok(match self {
            Store::Sqlite { .. } => {
                let mut conn = self.sqlite().await?.context("a SQLite connection")?;
                let id = sqlx::query_scalar(sql)
                    .bind(person)
                    .fetch_optional(&mut conn)
                    .await?;
                conn.close().await?;
                id
            }
            Store::Postgres { pool, .. } => {
                sqlx::query_scalar(sql)
                    .bind(person)
                    .fetch_optional(pool)
                    .await?
            }
        })
    }

    /// What the database holds of the writes the harness makes.
    pub async fn snapshot(&self) -> anyhow::Result<Snapshot> {
        Ok(Snapshot {
            requests: self.ids("SELECT id FROM mentor_requests").await?,
            accepted_requests: self
                .ids(
                    "SELECT m.request_id FROM mentorships m \
                     JOIN mentor_requests r ON r.id = m.request_id \
                     WHERE r.status = 'accepted'",
                )
                .await?,
            agreements: self.ids("SELECT id FROM agreements").await?,
            signed_by_mentee: self
                .ids("SELECT id FROM agreements WHERE mentee_signed_at IS NOT NULL")
                .await?,
            signed_by_mentor: self
                .ids("SELECT id FROM agreements WHERE mentor_signed_at IS NOT NULL")
                .await?,
            checkins: self.ids("SELECT id FROM checkins").await?,
            ended: self
                .ids("SELECT id FROM mentorships WHERE status = 'ended' AND ended_at IS NOT NULL")
                .await?,
        })
    }
}

/// The rows that acknowledged writes leave behind.
pub struct Snapshot {
    requests: HashSet<Uuid>,
    /// Requests accepted, with the relationship they started.
    accepted_requests: HashSet<Uuid>,
    /// Agreement versions, and those each side has signed.
    agreements: HashSet<Uuid>,
    signed_by_mentee: HashSet<Uuid>,
    signed_by_mentor: HashSet<Uuid>,
    checkins: HashSet<Uuid>,
    /// Relationships ended.
    ended: HashSet<Uuid>,
}

impl Snapshot {
    /// Whether the database shows `ack`.
    pub fn holds(&self, ack: &Ack) -> bool {
        match ack.write {
            Write::RequestSent => self.requests.contains(&ack.id),
            Write::RelationshipCreated => self.accepted_requests.contains(&ack.id),
            Write::AgreementWritten => self.agreements.contains(&ack.id),
            Write::AgreementSignedByMentee => self.signed_by_mentee.contains(&ack.id),
            Write::AgreementSignedByMentor => self.signed_by_mentor.contains(&ack.id),
            Write::CheckinAnswered => self.checkins.contains(&ack.id),
            Write::RelationshipEnded => self.ended.contains(&ack.id),
        }
    }
}
