//! The two migration folders must build the same schema, and SQLite must
//! run with the durability settings Tandem promises.

use std::collections::BTreeSet;
use tandem_store::{Backend, Db};
use tandem_testkit::TestDatabase;

/// (table, column, nullable) for every application table.
async fn columns(db: &Db) -> BTreeSet<(String, String, bool)> {
    match db {
        Db::Sqlite(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%'",
            )
            .fetch_all(pool)
            .await
            .expect("tables");
            let mut out = BTreeSet::new();
            for table in tables {
                let rows: Vec<(String, i64, i64)> =
                    sqlx::query_as("SELECT name, \"notnull\", pk FROM pragma_table_info($1)")
                        .bind(&table)
                        .fetch_all(pool)
                        .await
                        .expect("columns");
                for (name, not_null, pk) in rows {
                    out.insert((table.clone(), name, not_null == 0 && pk == 0));
                }
            }
            out
        }
        Db::Postgres(pool) => {
            let rows: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text, is_nullable::text \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%'",
            )
            .fetch_all(pool)
            .await
            .expect("columns");
            rows.into_iter()
                .map(|(t, c, n)| (t, c, n == "YES"))
                .collect()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let sqlite = TestDatabase::fresh(Backend::Sqlite).await;
    let postgres = TestDatabase::fresh(Backend::Postgres).await;
    let a = columns(&sqlite.db).await;
    let b = columns(&postgres.db).await;
    assert!(
        a.len() > 20,
        "the schema has the foundation's tables: {a:?}"
    );
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_postgres: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "schemas differ\nonly in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
    sqlite.remove().await;
    postgres.remove().await;
}

/// The pragmas a connection reports: (journal_mode, synchronous,
/// foreign_keys, busy_timeout).
async fn pragmas(conn: &mut sqlx::SqliteConnection) -> (String, i64, i64, i64) {
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .expect("journal_mode");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .expect("synchronous");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .expect("foreign_keys");
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .expect("busy_timeout");
    (journal, synchronous, foreign_keys, busy)
}

/// Every acknowledged write must survive a crash or power loss: WAL with
/// `synchronous=FULL` syncs the log on every commit (NORMAL would only
/// sync at checkpoints, and a commit acknowledged just before a power cut
/// could be lost). `synchronous` is a per-connection setting, so this asks
/// every connection of the pool at once (held together, the pool has to
/// open each one), as the server opens it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sqlite_connection_runs_wal_with_full_sync_foreign_keys_and_a_busy_timeout() {
    let t = TestDatabase::fresh(Backend::Sqlite).await;
    let Db::Sqlite(pool) = &t.db else {
        unreachable!("asked for SQLite")
    };
    let size = pool.options().get_max_connections();
    assert!(size >= 2, "the pool holds several connections ({size})");
    let mut held = Vec::new();
    for _ in 0..size {
        held.push(pool.acquire().await.expect("connection"));
    }
    assert_eq!(pool.size(), size, "every connection is open and held");
    for (n, conn) in held.iter_mut().enumerate() {
        let (journal, synchronous, foreign_keys, busy) = pragmas(conn).await;
        assert_eq!(journal, "wal", "connection {n}: journal_mode");
        assert_eq!(synchronous, 2, "connection {n}: synchronous=FULL (2)");
        assert_eq!(foreign_keys, 1, "connection {n}: foreign_keys");
        assert!(busy >= 1000, "connection {n}: busy timeout {busy} ms");
    }
    drop(held);
    t.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsupported_database_url_is_a_clear_error() {
    let err = Db::connect("mysql://root@localhost/x")
        .await
        .expect_err("MySQL is not supported");
    assert!(
        err.to_string()
            .contains("expected sqlite:PATH or postgres://"),
        "{err}"
    );
}
