//! Test support: every store and HTTP test runs on SQLite and on
//! PostgreSQL, each on a fresh database.
//!
//! `dual_test!(name, |t| { ... })` makes two tests, `name::sqlite` and
//! `name::postgres`, so the test output shows both halves ran. The
//! PostgreSQL half needs `TANDEM_TEST_DATABASE_URL` (the README's test
//! command sets it through .cargo/config.toml) and fails, never skips,
//! when the server does not answer.

use std::future::Future;
use std::net::SocketAddr;

pub use tandem_store::{Backend, Db};

/// Where the PostgreSQL half of the suite connects.
pub const TEST_DATABASE_ENV: &str = "TANDEM_TEST_DATABASE_URL";

/// A fresh, migrated database that is removed after the test.
pub struct TestDatabase {
    pub db: Db,
    /// The URL, for running the `tandem` binary against the same database.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub async fn fresh(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite:{}", dir.path().join("test.sqlite3").display());
                let db = Db::connect_and_migrate(&url)
                    .await
                    .expect("fresh SQLite database");
                TestDatabase {
                    db,
                    url,
                    cleanup: Cleanup::Sqlite(dir),
                }
            }
            Backend::Postgres => {
                let admin_url = std::env::var(TEST_DATABASE_ENV).unwrap_or_else(|_| {
                    panic!(
                        "{TEST_DATABASE_ENV} is not set: the PostgreSQL half of the suite needs a server \
                         (run the README's test command, or export {TEST_DATABASE_ENV}=postgres://postgres@127.0.0.1:5432/test)"
                    )
                });
                let name = format!("tandem_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL at {TEST_DATABASE_ENV} does not answer: {e}")
                });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&admin)
                    .await
                    .expect("create a test database");
                admin.close().await;
                let url = with_database(&admin_url, &name);
                let db = Db::connect_and_migrate(&url)
                    .await
                    .expect("fresh PostgreSQL database");
                TestDatabase {
                    db,
                    url,
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    pub async fn remove(self) {
        self.db.close().await;
        if let Cleanup::Postgres { admin_url, name } = self.cleanup
            && let Ok(admin) = sqlx::PgPool::connect(&admin_url).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await;
            admin.close().await;
        }
    }
}

/// Replaces the database name (the URL's path) in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Runs a test body on a fresh database of `backend`, then removes the
/// database, even when the body panics (the panic is then re-raised).
pub async fn run<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(TestContext) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let database = TestDatabase::fresh(backend).await;
    let context = TestContext {
        db: database.db.clone(),
        url: database.url.clone(),
    };
    let outcome = tokio::spawn(body(context)).await;
    database.remove().await;
    if let Err(e) = outcome
        && e.is_panic()
    {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// What a dual test receives.
#[derive(Clone)]
pub struct TestContext {
    pub db: Db,
    pub url: String,
}

impl TestContext {
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Serves the whole application on 127.0.0.1 with an OS-chosen port.
    pub async fn spawn_app(&self) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a port");
        let address = listener.local_addr().expect("local address");
        let app = tandem_web::router(tandem_web::AppState {
            db: self.db.clone(),
        });
        tokio::spawn(async move {
            let _ = axum_serve(listener, app).await;
        });
        TestApp {
            address,
            client: reqwest::Client::new(),
        }
    }
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) -> std::io::Result<()> {
    axum::serve(listener, app).await
}

/// A running application and a client for it.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the app")
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! dual_test {
    ($name:ident, |$ctx:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run($crate::Backend::Sqlite, |$ctx: $crate::TestContext| async move $body).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run($crate::Backend::Postgres, |$ctx: $crate::TestContext| async move $body).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
