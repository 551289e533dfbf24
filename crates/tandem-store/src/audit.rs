//! The audit log: append-only (triggers refuse UPDATE and DELETE) and
//! hash-chained. Each entry's hash covers its own fields and the previous
//! entry's hash, so an edited, removed or reordered entry breaks the chain.

use crate::{Db, DbTime, DbTx, StoreError, on_pool, on_tx};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tandem_domain::{AccountId, InstitutionId};
use time::OffsetDateTime;
use uuid::Uuid;

/// What happened, before it is chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub institution_id: Option<InstitutionId>,
    pub actor: Option<AccountId>,
    /// e.g. `sign_in`, `authorization_denied`, `read_confidential`.
    pub action: String,
    /// What it was done to, e.g. `account:<id>` or a route.
    pub resource: String,
    /// `ok`, `denied`, `failed`.
    pub outcome: String,
    /// Free detail; never a secret.
    pub detail: String,
}

/// A chained entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash of an entry: SHA-256 over the previous hash and every field,
/// each length-prefixed so no two different entries hash alike.
pub fn entry_hash(seq: i64, at: OffsetDateTime, event: &AuditEvent, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let at = at.unix_timestamp_nanos() / 1_000;
    let fields: [String; 9] = [
        prev_hash.to_string(),
        seq.to_string(),
        at.to_string(),
        event
            .institution_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
        event.actor.map(|a| a.to_string()).unwrap_or_default(),
        event.action.clone(),
        event.resource.clone(),
        event.outcome.clone(),
        event.detail.clone(),
    ];
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex(&h.finalize())
}

/// Appends an entry in its own transaction.
pub async fn append(db: &Db, event: &AuditEvent, now: OffsetDateTime) -> Result<i64, StoreError> {
    let mut tx = db.begin().await?;
    let seq = append_in(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(seq)
}

/// Appends an entry inside a caller's transaction. The head row is updated
/// first, which takes the write lock at once and serialises appends.
pub async fn append_in(
    tx: &mut DbTx,
    event: &AuditEvent,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let (seq, prev_hash): (i64, String) = on_tx!(tx, conn => sqlx::query_as(
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
    )
    .fetch_one(conn)
    .await?);
    let hash = entry_hash(seq, now, event, &prev_hash);
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO audit_log (seq, at, institution_id, actor_account_id, action, resource, outcome, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(seq)
    .bind(DbTime(now))
    .bind(event.institution_id.map(|i| i.0))
    .bind(event.actor.map(|a| a.0))
    .bind(&event.action)
    .bind(&event.resource)
    .bind(&event.outcome)
    .bind(&event.detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(conn)
    .await
    .map(|_| ())?);
    on_tx!(tx, conn => sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(conn)
        .await
        .map(|_| ())?);
    Ok(seq)
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    at: OffsetDateTime,
    institution_id: Option<Uuid>,
    actor_account_id: Option<Uuid>,
    action: String,
    resource: String,
    outcome: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<EntryRow> for AuditEntry {
    fn from(r: EntryRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            event: AuditEvent {
                institution_id: r.institution_id.map(InstitutionId),
                actor: r.actor_account_id.map(AccountId),
                action: r.action,
                resource: r.resource,
                outcome: r.outcome,
                detail: r.detail,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const ENTRY_COLUMNS: &str =
    "seq, at, institution_id, actor_account_id, action, resource, outcome, detail, prev_hash, hash";

/// The newest entries of one institution, newest first.
pub async fn recent(
    db: &Db,
    institution: InstitutionId,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE institution_id = $1 ORDER BY seq DESC LIMIT $2"
    );
    let rows: Vec<EntryRow> = on_pool!(db, pool => sqlx::query_as(&sql)
        .bind(institution.0)
        .bind(limit)
        .fetch_all(pool)
        .await?);
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// Where the chain is broken, if it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// An entry's stored hash does not match its contents.
    Altered { seq: i64 },
    /// An entry does not point at the one before it.
    Unlinked { seq: i64 },
    /// A sequence number is missing or out of order.
    Gap { expected: i64, found: i64 },
    /// The chain ends before the recorded head: entries were removed.
    Truncated { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq } => write!(
                f,
                "entry {seq} was altered: its hash does not match its contents"
            ),
            ChainBreak::Unlinked { seq } => {
                write!(f, "entry {seq} does not follow the entry before it")
            }
            ChainBreak::Gap { expected, found } => write!(
                f,
                "expected entry {expected}, found {found}: entries are missing"
            ),
            ChainBreak::Truncated { head_seq, last_seq } => {
                write!(
                    f,
                    "the log ends at entry {last_seq} but {head_seq} were written: entries were removed"
                )
            }
        }
    }
}

/// Walks the whole chain; returns how many entries are intact, or the
/// first break.
pub async fn verify(db: &Db) -> Result<Result<i64, ChainBreak>, StoreError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq");
    let rows: Vec<EntryRow> = on_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
    let (head_seq, head_hash): (i64, String) = on_pool!(db, pool => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await?);
    let mut prev = "genesis".to_string();
    let mut expected = 1;
    for row in rows {
        let entry = AuditEntry::from(row);
        if entry.seq != expected {
            return Ok(Err(ChainBreak::Gap {
                expected,
                found: entry.seq,
            }));
        }
        if entry.prev_hash != prev {
            return Ok(Err(ChainBreak::Unlinked { seq: entry.seq }));
        }
        if entry_hash(entry.seq, entry.at, &entry.event, &entry.prev_hash) != entry.hash {
            return Ok(Err(ChainBreak::Altered { seq: entry.seq }));
        }
        prev = entry.hash;
        expected += 1;
    }
    let last = expected - 1;
    if last != head_seq || prev != head_hash {
        return Ok(Err(ChainBreak::Truncated {
            head_seq,
            last_seq: last,
        }));
    }
    Ok(Ok(last))
}
