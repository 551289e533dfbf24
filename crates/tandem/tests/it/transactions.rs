//! Write transactions under concurrency. Each request that writes opens a
//! transaction with `Db::begin`, usually reads (a load, a capacity, a
//! version) and then writes. On SQLite a deferred `BEGIN` made that read
//! hold a snapshot which could not be upgraded once another connection had
//! written, and SQLite refused at once with "database is locked" instead of
//! waiting on the busy timeout: the crash harness saw hundreds of 500s
//! under four clients. `Db::begin` now starts SQLite transactions with
//! `BEGIN IMMEDIATE`, so writers queue on the busy timeout instead.

use tandem_store::{DbTx, on_tx};
use tandem_testkit::dual_test;

/// How many write transactions run at once: twice the SQLite pool's eight
/// connections, so every connection is busy and more wait for one.
const CONCURRENT_WRITERS: usize = 16;

/// One write transaction shaped like the application's: read, then write,
/// then commit.
async fn read_then_write(db: &tandem_store::Db, n: usize) -> Result<(), tandem_store::StoreError> {
    let mut tx: DbTx = db.begin().await?;
    let before: i64 = on_tx!(&mut tx, conn => sqlx::query_scalar("SELECT count(*) FROM institutions")
        .fetch_one(conn)
        .await?);
    // Give the other writers time to take their own snapshots, as a
    // request does while it loads what it needs.
    tokio::task::yield_now().await;
    on_tx!(&mut tx, conn => sqlx::query(
        "INSERT INTO institutions (id, slug, name, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(format!("writer-{n}"))
    .bind(format!("Writer {n} (saw {before})"))
    .bind(tandem_store::DbTime(tandem_store::microsecond_now()))
    .execute(conn)
    .await
    .map(|_| ())?);
    tx.commit().await
}

dual_test!(concurrent_write_transactions_all_succeed, |t| {
    let writers: Vec<_> = (0..CONCURRENT_WRITERS)
        .map(|n| {
            let db = t.db.clone();
            tokio::spawn(async move { read_then_write(&db, n).await })
        })
        .collect();
    let mut failures = Vec::new();
    for (n, writer) in writers.into_iter().enumerate() {
        if let Err(e) = writer.await.expect("the writer task finishes") {
            failures.push(format!("writer {n}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {CONCURRENT_WRITERS} write transactions failed: {failures:#?}",
        failures.len()
    );
    let stored: Vec<String> = tandem_store::on_pool!(&t.db, pool => sqlx::query_scalar(
        "SELECT slug FROM institutions WHERE slug LIKE 'writer-%'"
    )
    .fetch_all(pool)
    .await
    .expect("institutions"));
    assert_eq!(stored.len(), CONCURRENT_WRITERS, "{stored:?}");
});
