//! Two Tandem processes on one database, sharing nothing but it: what a
//! deployment behind a load balancer relies on. A session made on one is
//! good on the other and a sign-out on either ends it on both; sign-in
//! attempts count against one limit across both; and two workers racing
//! over the same due reminder send it exactly once.
//!
//! These run the real `tandem` binary, so no in-process state (pools,
//! caches, clocks) can be shared by accident.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;

use crate::jobs::{SmtpServer, world};
use tandem_core::mentoring::requests;
use tandem_store::jobs::{self, JobStatus};
use tandem_testkit::{ManualClock, TEST_PASSWORD, TestApp, create_account, dual_test};
use time::Duration;

/// A running `tandem serve`, killed when dropped (also when a test fails).
struct Instance {
    child: Child,
    app: TestApp,
    // Held open so the server never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Instance {
    /// Starts `tandem serve` on an OS-chosen port, without the e-mail worker,
    /// and returns once it prints the address it listens on (it binds the
    /// port before printing, so requests can follow at once).
    async fn start(database_url: &str) -> Instance {
        let url = database_url.to_string();
        tokio::task::spawn_blocking(move || {
            let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
                .args(["serve", "--port", "0", "--no-worker"])
                .env("TANDEM_DATABASE_URL", url)
                .env_remove("TANDEM_CONFIG")
                .env("RUST_LOG", "warn")
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("the tandem binary starts");
            let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
            let mut line = String::new();
            let address: SocketAddr = loop {
                line.clear();
                let read = stdout
                    .read_line(&mut line)
                    .expect("read the server's output");
                assert!(read > 0, "tandem serve exited before serving");
                if let Some(rest) = line.split("serving on http://").nth(1) {
                    break rest
                        .split('/')
                        .next()
                        .and_then(|a| a.parse().ok())
                        .expect("the address it serves on");
                }
            };
            Instance {
                child,
                app: TestApp {
                    address,
                    client: tandem_testkit::client(),
                    // Unused: the process runs on the system clock.
                    clock: Arc::new(ManualClock::new(tandem_store::microsecond_now())),
                },
                _stdout: stdout,
            }
        })
        .await
        .expect("the starting thread finishes")
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `/api/v1/me` on `app` with the session cookie `token`.
async fn me(app: &TestApp, token: &str) -> u16 {
    tandem_testkit::client()
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("tandem_session={token}"))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

fn session_token(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("tandem_session=")
                .map(|rest| rest.split(';').next().unwrap_or("").to_string())
        })
        .expect("a session cookie")
}

dual_test!(
    two_instances_share_sessions_sign_outs_and_sign_in_limits,
    |t| {
        let (north, _) = world(&t.db, 3).await;
        create_account(&t.db, Some(&north), Some("P2"), "ada@north", &[]).await;
        create_account(&t.db, Some(&north), Some("P1"), "bea@north", &[]).await;
        let a = Instance::start(&t.url).await;
        let b = Instance::start(&t.url).await;

        // Signed in on A, good on B; signed out on B, gone on A too.
        let (signed_in, browser) = a.app.try_sign_in("ada@north", TEST_PASSWORD).await;
        assert_eq!(signed_in.status(), 303);
        let token = session_token(&signed_in);
        assert_eq!(
            (me(&a.app, &token).await, me(&b.app, &token).await),
            (200, 200)
        );
        let home = browser
            .get(b.app.url("/"))
            .send()
            .await
            .expect("home on B")
            .text()
            .await
            .expect("html");
        let csrf = tandem_testkit::csrf_in(&home).expect("a signed-in page on B");
        let out = browser
            .post(b.app.url("/sign-out"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .expect("sign out on B");
        assert_eq!(out.status(), 303);
        assert_eq!(
            (me(&a.app, &token).await, me(&b.app, &token).await),
            (401, 401),
            "signed out on B, the session is over on both"
        );

        // Six attempts a minute from one address, wherever they land: the
        // sign-in above and five failures spread over both make six, so the
        // seventh is refused on either instance, even with the right
        // password. (Unknown usernames, so no account's own delay applies.)
        for (i, instance) in [&b, &a, &b, &a, &b].into_iter().enumerate() {
            let (r, _) = instance
                .app
                .try_sign_in(&format!("nobody{i}@north"), "wrong password")
                .await;
            assert_eq!(r.status(), 401, "failure {} is only wrong", i + 1);
        }
        for instance in [&a, &b] {
            let (r, _) = instance.app.try_sign_in("bea@north", TEST_PASSWORD).await;
            assert_eq!(
                r.status(),
                429,
                "the limit counts attempts made on both instances"
            );
        }
    }
);

dual_test!(
    two_workers_racing_send_each_due_reminder_exactly_once,
    |t| {
        let smtp = SmtpServer::start();
        let (north, ids) = world(&t.db, 3).await;
        let (mentor, mentee) = (ids[0], ids[2]);
        // Sent twelve days ago: it expires in two days, so its reminder (three
        // days before) is due, and so is the e-mail telling the mentor of it.
        let now = tandem_store::microsecond_now();
        let sent = requests::send(
            &t.db,
            &north,
            mentee,
            mentor,
            "Could we meet?",
            now - Duration::days(12),
        )
        .await
        .expect("request sent");

        // Two `tandem worker --once` at the same moment: each sweeps (writing
        // reminders) and then sends everything due.
        let (url, smtp_url) = (t.url.clone(), smtp.url());
        let run = || {
            Command::new(env!("CARGO_BIN_EXE_tandem"))
                .args(["worker", "--once"])
                .env("TANDEM_DATABASE_URL", &url)
                .env("TANDEM_MAIL__SMTP_URL", &smtp_url)
                .env_remove("TANDEM_CONFIG")
                .env("RUST_LOG", "warn")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the tandem binary starts")
        };
        let (first, second) = (run(), run());
        for worker in [first, second] {
            let output = tokio::task::spawn_blocking(move || worker.wait_with_output())
                .await
                .expect("the waiting thread finishes")
                .expect("the worker runs");
            assert!(
                output.status.success(),
                "worker --once failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }

        let inbox = smtp.received();
        let subjects: Vec<String> = inbox.iter().map(|m| m.subject()).collect();
        assert_eq!(
            subjects.iter().filter(|s| s.contains("Reminder")).count(),
            1,
            "{subjects:?}"
        );
        assert_eq!(
            subjects
                .iter()
                .filter(|s| s.contains("asked you to be their mentor"))
                .count(),
            1,
            "{subjects:?}"
        );
        assert_eq!(inbox.len(), 2, "{subjects:?}");
        assert!(
            inbox
                .iter()
                .all(|m| m.to == vec!["p0@north.org".to_string()])
        );
        let key = format!("email:request-reminder:{}", sent.id.0);
        assert_eq!(
            jobs::by_dedupe_key(&t.db, &key)
                .await
                .expect("read")
                .expect("the reminder's job")
                .status,
            JobStatus::Done
        );
    }
);
