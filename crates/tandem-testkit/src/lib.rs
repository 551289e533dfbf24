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
use std::sync::Arc;

use tandem_core::auth::{Auth, AuthSettings, HashingPriority, PasswordHasherPool};
pub use tandem_core::clock::ManualClock;

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

    /// Serves the whole application on 127.0.0.1 with an OS-chosen port,
    /// on a manual clock that only moves when the test says so.
    pub async fn spawn_app(&self) -> TestApp {
        self.spawn_app_with(AuthSettings::default()).await
    }

    pub async fn spawn_app_with(&self, settings: AuthSettings) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a port");
        let address = listener.local_addr().expect("local address");
        let clock = Arc::new(ManualClock::new(tandem_store::microsecond_now()));
        let auth = Auth {
            db: self.db.clone(),
            clock: clock.clone(),
            hasher: PasswordHasherPool::new(2, HashingPriority::Normal).expect("hasher"),
            settings,
        };
        let app = tandem_web::router(tandem_web::AppState {
            db: self.db.clone(),
            auth: Arc::new(auth),
            secure_cookies: false,
            pools: Arc::default(),
        });
        tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        TestApp {
            address,
            client: client(),
            clock,
        }
    }
}

/// A client that keeps cookies and does not follow redirects, so tests see
/// exactly what the server answered.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// The password of every account made by [`create_account`].
pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// One Argon2id hash of [`TEST_PASSWORD`], made once per test run:
/// hashing is deliberately slow.
pub async fn test_password_hash() -> String {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async {
        PasswordHasherPool::new(1, HashingPriority::Normal)
            .expect("hasher")
            .hash(TEST_PASSWORD)
            .await
            .expect("hash")
    })
    .await
    .clone()
}

/// Creates an account (linked to a person when `employee_id` is given) and
/// grants it roles, each optionally limited to a named unit.
pub async fn create_account(
    db: &Db,
    institution: Option<&tandem_domain::Institution>,
    employee_id: Option<&str>,
    username: &str,
    roles: &[(tandem_domain::Role, Option<&str>)],
) {
    let now = tandem_store::microsecond_now();
    tandem_core::admin::create_account(
        db,
        institution,
        employee_id,
        username,
        &test_password_hash().await,
        None,
        now,
    )
    .await
    .expect("create account");
    for (role, unit) in roles {
        tandem_core::admin::grant_role(db, username, *role, *unit, None, now)
            .await
            .expect("grant role");
    }
}

/// A running application, a client for it, and its clock.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
}

/// A signed-in browser: its own cookies, and the session's CSRF token.
pub struct Session {
    pub client: reqwest::Client,
    pub csrf: String,
    base: String,
}

impl Session {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request reaches the app")
    }

    /// Posts a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &self.csrf));
        self.client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .expect("request reaches the app")
    }
}

/// The value of the first hidden `csrf` field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[at..].find('"')? + at;
    Some(html[at..end].to_string())
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// Signs in through the sign-in form, as a browser would; panics unless
    /// it succeeds.
    pub async fn sign_in(&self, username: &str, password: &str) -> Session {
        let (response, client) = self.try_sign_in(username, password).await;
        assert_eq!(
            response.status(),
            303,
            "sign-in of {username} failed: {}",
            response.text().await.unwrap_or_default()
        );
        let home = client.get(self.url("/")).send().await.expect("home");
        let html = home.text().await.expect("home page");
        let csrf = csrf_in(&html).expect("a signed-in page carries a CSRF token");
        Session {
            client,
            csrf,
            base: format!("http://{}", self.address),
        }
    }

    /// Submits the sign-in form from a fresh browser; returns the answer
    /// and the browser.
    pub async fn try_sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> (reqwest::Response, reqwest::Client) {
        let client = client();
        let page = client
            .get(self.url("/sign-in"))
            .send()
            .await
            .expect("sign-in page");
        let html = page.text().await.expect("sign-in html");
        let csrf = csrf_in(&html).expect("the sign-in form carries a CSRF token");
        let response = client
            .post(self.url("/sign-in"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("sign-in request");
        (response, client)
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
