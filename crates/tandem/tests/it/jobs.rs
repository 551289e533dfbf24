//! The outbox and the worker, on both databases: enqueueing is idempotent,
//! a lease keeps a job to one worker until it runs out, failures back off
//! then give up, and e-mail reaches a real SMTP server on loopback exactly
//! once, even with two workers on one database, per each person's
//! preference (immediately, a weekly digest, or never).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::support::*;
use mailin_embedded::{Handler, Response, SslConfig, response};
use tandem_core::mentoring::requests;
use tandem_core::notify::{self, Mailer, NoMailer, SmtpMailer, Worker, WorkerStats};
use tandem_core::roster::{NoProgress, parse_roster};
use tandem_domain::{EmailPreference, Institution, MentoringProfile, PersonId, Role, TagList};
use tandem_store::jobs::{self, Failure, JobStatus, NewJob};
use tandem_store::{Db, InstitutionScope, on_pool};
use tandem_testkit::{TEST_PASSWORD, create_account, dual_test};
use time::{Duration, OffsetDateTime, macros::datetime};

/// A Wednesday.
const T0: OffsetDateTime = datetime!(2026-03-04 09:00 UTC);
const LEASE: Duration = Duration::minutes(5);

// ---------------------------------------------------------------------
// A real SMTP server on loopback (mailin-embedded), recording what it
// receives.

#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// Envelope recipients.
    pub(crate) to: Vec<String>,
    /// The raw message (headers and body, CRLF line ends).
    data: String,
}

impl Received {
    fn headers(&self) -> String {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        // Unfold long headers.
        head.replace("\r\n ", " ").replace("\r\n\t", " ")
    }

    fn header(&self, name: &str) -> String {
        let prefix = format!("{name}: ");
        self.headers()
            .split("\r\n")
            .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
            .unwrap_or_default()
    }

    pub(crate) fn subject(&self) -> String {
        self.header("Subject")
    }

    pub(crate) fn body(&self) -> String {
        self.data
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.replace("\r\n", "\n"))
            .unwrap_or_default()
    }
}

#[derive(Clone)]
struct Recorder {
    inbox: Arc<Mutex<Vec<Received>>>,
    /// Answer "try again later" (451) to this many recipients first.
    refuse: Arc<AtomicUsize>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, _to: &str) -> Response {
        let refused = self
            .refuse
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if refused {
            Response::custom(451, "Try again later".into())
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.inbox.lock().expect("inbox").push(Received {
            to: std::mem::take(&mut self.to),
            data: String::from_utf8_lossy(&self.data).into_owned(),
        });
        response::OK
    }
}

pub(crate) struct SmtpServer {
    url: String,
    inbox: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicUsize>,
}

impl SmtpServer {
    /// Listens on 127.0.0.1 at a port the OS picks. The server's threads
    /// live as long as the test binary.
    pub(crate) fn start() -> SmtpServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind SMTP");
        let port = listener.local_addr().expect("address").port();
        let recorder = Recorder {
            inbox: Arc::default(),
            refuse: Arc::default(),
            to: vec![],
            data: vec![],
        };
        let (inbox, refuse) = (recorder.inbox.clone(), recorder.refuse.clone());
        let mut server = mailin_embedded::Server::new(recorder);
        server
            .with_name("smtp.test")
            .with_ssl(SslConfig::None)
            .expect("no TLS")
            .with_num_threads(4)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer {
            url: format!("smtp://127.0.0.1:{port}"),
            inbox,
            refuse,
        }
    }

    /// Where it listens, as an `smtp://` URL for the binary's settings.
    pub(crate) fn url(&self) -> String {
        self.url.clone()
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").clone()
    }

    pub(crate) fn mailer(&self) -> Arc<dyn Mailer> {
        Arc::new(
            SmtpMailer::from_url(&self.url, "Mentoring program <mentoring@north.org>")
                .expect("SMTP mailer"),
        )
    }
}

// ---------------------------------------------------------------------
// People to notify.

/// An institution with `n` people, P0..P{n-1} (p{i}@north.org), the
/// first two of them mentors with places.
pub(crate) async fn world(db: &Db, n: usize) -> (Institution, Vec<PersonId>) {
    let institution = create_institution(db, "north").await;
    let mut csv = format!("{HEADER}\n");
    for i in 0..n {
        csv.push_str(&format!(
            "P{i},Given{i},Family{i},p{i}@north.org,Medicine,Cardiology,professor,scientist,F,2010-01-01,,,none,,,,,\n"
        ));
    }
    let records = parse_roster(csv.as_bytes()).expect("roster");
    tandem_core::roster::import_roster(
        db,
        &institution,
        &records,
        T0 - Duration::days(30),
        &mut uuid::Uuid::new_v4,
        &NoProgress,
    )
    .await
    .expect("import");
    let scope = InstitutionScope::of(&institution);
    let people = tandem_store::people::all(db, &scope).await.expect("people");
    let ids: Vec<PersonId> = (0..n)
        .map(|i| {
            people
                .iter()
                .find(|p| p.employee_id == format!("P{i}"))
                .map(|p| p.id)
                .expect("person")
        })
        .collect();
    for mentor in ids.iter().take(2) {
        let mut m = MentoringProfile::empty(*mentor);
        m.mentor_capacity = 3;
        m.looking_for = TagList::from_tags(["career planning"]);
        tandem_store::mentoring::save_profile(db, &scope, &m, T0 - Duration::days(30))
            .await
            .expect("save");
    }
    (institution, ids)
}

async fn notes(db: &Db, institution: &Institution, person: PersonId) -> Vec<String> {
    tandem_store::mentoring::notifications(db, &InstitutionScope::of(institution), person, 100)
        .await
        .expect("notifications")
        .into_iter()
        .map(|n| n.body)
        .collect()
}

fn job(key: &str, run_at: OffsetDateTime) -> NewJob<'static> {
    NewJob::new("test", key, serde_json::json!({ "n": 1 }), run_at)
}

/// Runs a worker at `now` until no job is pending, and adds up what it did.
async fn drain(worker: &Worker, now: OffsetDateTime) -> WorkerStats {
    let mut total = WorkerStats::default();
    for _ in 0..10_000 {
        let s = worker.run_once(now).await.expect("worker");
        total.claimed += s.claimed;
        total.completed += s.completed;
        total.sent += s.sent;
        total.retried += s.retried;
        total.failed += s.failed;
        let due = jobs::of_kind(&worker.db, notify::EMAIL)
            .await
            .expect("jobs")
            .into_iter()
            .chain(
                jobs::of_kind(&worker.db, notify::DIGEST)
                    .await
                    .expect("jobs"),
            )
            .filter(|j| j.status == JobStatus::Pending && j.run_at <= now)
            .count();
        if due == 0 {
            return total;
        }
        tokio::task::yield_now().await;
    }
    panic!("jobs still pending after 10,000 rounds");
}

// ---------------------------------------------------------------------
// The queue

dual_test!(enqueueing_twice_with_one_key_adds_one_job, |t| {
    assert!(
        jobs::enqueue(&t.db, &job("k1", T0), T0)
            .await
            .expect("first")
    );
    assert!(
        !jobs::enqueue(&t.db, &job("k1", T0 + Duration::hours(1)), T0)
            .await
            .expect("second")
    );
    // The same inside a transaction, whatever else the transaction does.
    let mut tx = t.db.begin().await.expect("tx");
    assert!(
        !jobs::enqueue_in(&mut tx, &job("k1", T0), T0)
            .await
            .expect("third")
    );
    assert!(
        jobs::enqueue_in(&mut tx, &job("k2", T0), T0)
            .await
            .expect("k2")
    );
    tx.commit().await.expect("commit");
    assert_eq!(jobs::pending_count(&t.db).await.expect("count"), 2);
    let first = jobs::by_dedupe_key(&t.db, "k1")
        .await
        .expect("read")
        .expect("k1 exists");
    assert_eq!(first.run_at, T0, "the first enqueue stands");
    assert_eq!(first.payload, serde_json::json!({ "n": 1 }));
    assert_eq!((first.attempts, first.status), (0, JobStatus::Pending));
    // A finished job still holds its key.
    let claimed = jobs::claim(&t.db, "a", T0, LEASE, 10).await.expect("claim");
    assert_eq!(claimed.len(), 2);
    for j in &claimed {
        assert!(
            jobs::complete(&t.db, j.id, "a", T0)
                .await
                .expect("complete")
        );
    }
    assert!(
        !jobs::enqueue(&t.db, &job("k1", T0), T0)
            .await
            .expect("again")
    );
    assert_eq!(jobs::pending_count(&t.db).await.expect("count"), 0);
    assert_eq!(jobs::count(&t.db, JobStatus::Done).await.expect("count"), 2);
});

dual_test!(
    a_claimed_job_is_another_owners_only_once_its_lease_runs_out,
    |t| {
        jobs::enqueue(&t.db, &job("due", T0), T0)
            .await
            .expect("enqueue");
        jobs::enqueue(&t.db, &job("later", T0 + Duration::hours(1)), T0)
            .await
            .expect("enqueue");

        // Only the due job, to the first to ask.
        let a = jobs::claim(&t.db, "worker-a", T0, LEASE, 10)
            .await
            .expect("claim");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].dedupe_key, "due");
        assert_eq!(a[0].attempts, 1);
        assert_eq!(a[0].lease_owner.as_deref(), Some("worker-a"));
        assert_eq!(a[0].leased_until, Some(T0 + LEASE));
        let id = a[0].id;

        // While the lease holds, nobody else gets it, and nobody else may
        // complete or fail it.
        for at in [
            T0,
            T0 + Duration::minutes(1),
            T0 + LEASE - Duration::seconds(1),
        ] {
            assert!(
                jobs::claim(&t.db, "worker-b", at, LEASE, 10)
                    .await
                    .expect("claim")
                    .is_empty(),
                "claimable at {at}"
            );
        }
        assert!(
            !jobs::complete(&t.db, id, "worker-b", T0)
                .await
                .expect("complete")
        );
        assert_eq!(
            jobs::fail(&t.db, id, "worker-b", "no", T0)
                .await
                .expect("fail"),
            Failure::NotOwner
        );

        // Once it runs out (worker-a presumably died), worker-b takes over;
        // worker-a can no longer finish it.
        let expired = T0 + LEASE;
        let b = jobs::claim(&t.db, "worker-b", expired, LEASE, 10)
            .await
            .expect("claim");
        assert_eq!(b.len(), 1);
        assert_eq!((b[0].id, b[0].attempts), (id, 2));
        assert!(
            !jobs::complete(&t.db, id, "worker-a", expired)
                .await
                .expect("late")
        );
        assert!(
            jobs::complete(&t.db, id, "worker-b", expired)
                .await
                .expect("complete")
        );
        let done = jobs::get(&t.db, id).await.expect("read").expect("exists");
        assert_eq!(done.status, JobStatus::Done);
        assert_eq!(done.finished_at, Some(expired));
        assert!(
            jobs::claim(&t.db, "worker-c", T0 + Duration::minutes(30), LEASE, 10)
                .await
                .expect("claim")
                .is_empty()
        );
        // The later job when its time comes.
        let later = jobs::claim(&t.db, "worker-c", T0 + Duration::hours(1), LEASE, 10)
            .await
            .expect("claim");
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].dedupe_key, "later");
        // The limit holds.
        for i in 0..5 {
            jobs::enqueue(&t.db, &job(&format!("batch{i}"), T0), T0)
                .await
                .expect("enqueue");
        }
        let two = jobs::claim(&t.db, "worker-d", T0 + Duration::hours(2), LEASE, 2)
            .await
            .expect("claim");
        assert_eq!(two.len(), 2);
    }
);

dual_test!(failures_are_retried_with_backoff_then_given_up, |t| {
    let mut new = job("flaky", T0);
    new.max_attempts = 3;
    jobs::enqueue(&t.db, &new, T0).await.expect("enqueue");

    let first = jobs::claim(&t.db, "w", T0, LEASE, 10).await.expect("claim");
    let id = first[0].id;
    assert_eq!(
        jobs::fail(&t.db, id, "w", "server busy", T0)
            .await
            .expect("fail"),
        Failure::RetryAt(T0 + Duration::minutes(1))
    );
    let job = jobs::get(&t.db, id).await.expect("read").expect("exists");
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.last_error.as_deref(), Some("server busy"));
    assert_eq!(job.leased_until, None);
    // Not before its time, then again.
    assert!(
        jobs::claim(&t.db, "w", T0 + Duration::seconds(59), LEASE, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    let second_at = T0 + Duration::minutes(1);
    let second = jobs::claim(&t.db, "w", second_at, LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(second[0].attempts, 2);
    // The wait doubles.
    assert_eq!(
        jobs::fail(&t.db, id, "w", "server busy", second_at)
            .await
            .expect("fail"),
        Failure::RetryAt(second_at + Duration::minutes(2))
    );
    let third_at = second_at + Duration::minutes(2);
    let third = jobs::claim(&t.db, "w", third_at, LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(third[0].attempts, 3);
    // Out of attempts.
    assert_eq!(
        jobs::fail(&t.db, id, "w", "still busy", third_at)
            .await
            .expect("fail"),
        Failure::GaveUp
    );
    let job = jobs::get(&t.db, id).await.expect("read").expect("exists");
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.last_error.as_deref(), Some("still busy"));
    assert_eq!(job.finished_at, Some(third_at));
    assert!(
        jobs::claim(&t.db, "w", third_at + Duration::days(1), LEASE, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    assert_eq!(jobs::pending_count(&t.db).await.expect("count"), 0);

    // Backoff: 1, 2, 4 ... minutes, at most an hour.
    assert_eq!(jobs::backoff(1), Duration::minutes(1));
    assert_eq!(jobs::backoff(3), Duration::minutes(4));
    assert_eq!(jobs::backoff(7), Duration::hours(1));
    assert_eq!(jobs::backoff(30), Duration::hours(1));

    // A worker that dies holding the last attempt: the job fails once its
    // lease runs out instead of being claimed a fourth time.
    let mut doomed = self::job("doomed", T0);
    doomed.max_attempts = 1;
    jobs::enqueue(&t.db, &doomed, T0).await.expect("enqueue");
    assert_eq!(
        jobs::claim(&t.db, "w", T0, LEASE, 10)
            .await
            .expect("claim")
            .len(),
        1
    );
    assert!(
        jobs::claim(&t.db, "w2", T0 + LEASE, LEASE, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    let doomed = jobs::by_dedupe_key(&t.db, "doomed")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(doomed.status, JobStatus::Failed);
    assert!(doomed.last_error.expect("error").contains("stopped"));

    // A kind no handler knows fails at once, with a clear error.
    jobs::enqueue(&t.db, &self::job("mystery", T0), T0)
        .await
        .expect("enqueue");
    let worker = Worker::new(t.db.clone(), Arc::new(NoMailer));
    let stats = worker.run_once(T0).await.expect("run");
    assert_eq!((stats.claimed, stats.failed, stats.retried), (1, 1, 0));
    let mystery = jobs::by_dedupe_key(&t.db, "mystery")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(mystery.status, JobStatus::Failed);
    assert!(
        mystery
            .last_error
            .expect("error")
            .contains("unknown job kind \"test\""),
    );
});

// ---------------------------------------------------------------------
// E-mail

dual_test!(notifications_are_emailed_once_over_smtp, |t| {
    let smtp = SmtpServer::start();
    let (north, ids) = world(&t.db, 3).await;
    let person = ids[2];
    let worker = Worker::new(t.db.clone(), smtp.mailer())
        .with_public_url(Some("https://mentoring.north.org/".into()));

    // Twice with one key: one notification, one job, one e-mail.
    for _ in 0..2 {
        notify::notify(
            &t.db,
            north.id.0,
            person,
            "Your round's proposal is ready. Please answer within a week.",
            "/requests",
            "proposal:1",
            T0,
        )
        .await
        .expect("notify");
    }
    assert_eq!(notes(&t.db, &north, person).await.len(), 1);
    assert_eq!(jobs::pending_count(&t.db).await.expect("count"), 1);
    let stats = drain(&worker, T0).await;
    assert_eq!((stats.sent, stats.completed, stats.failed), (1, 1, 0));
    let inbox = smtp.received();
    assert_eq!(inbox.len(), 1);
    let mail = &inbox[0];
    assert_eq!(mail.to, vec!["p2@north.org".to_string()]);
    assert!(mail.header("To").contains("p2@north.org"), "{}", mail.data);
    assert!(
        mail.header("From").contains("mentoring@north.org"),
        "{}",
        mail.data
    );
    assert_eq!(mail.subject(), "Tandem: Your round's proposal is ready");
    let body = mail.body();
    assert!(
        body.contains("Your round's proposal is ready. Please answer within a week."),
        "{body}"
    );
    assert!(
        body.contains("https://mentoring.north.org/requests"),
        "{body}"
    );
    assert!(
        body.contains("https://mentoring.north.org/settings"),
        "{body}"
    );

    // Sent once: nothing more, however often the worker runs.
    assert_eq!(drain(&worker, T0 + Duration::hours(1)).await.claimed, 0);
    notify::notify(
        &t.db,
        north.id.0,
        person,
        "again",
        "/requests",
        "proposal:1",
        T0,
    )
    .await
    .expect("notify");
    assert_eq!(drain(&worker, T0 + Duration::hours(2)).await.claimed, 0);
    assert_eq!(smtp.received().len(), 1);

    // A server that says "try later" gets the message on a later attempt.
    smtp.refuse.store(1, Ordering::SeqCst);
    notify::notify(
        &t.db,
        north.id.0,
        person,
        "Second news.",
        "/requests",
        "news:2",
        T0,
    )
    .await
    .expect("notify");
    let first = worker.run_once(T0).await.expect("run");
    assert_eq!((first.retried, first.sent), (1, 0));
    assert_eq!(smtp.received().len(), 1);
    let retry = jobs::by_dedupe_key(&t.db, "email:news:2")
        .await
        .expect("read")
        .expect("queued");
    assert_eq!(retry.run_at, T0 + Duration::minutes(1));
    assert!(retry.last_error.expect("error").contains("451"));
    let later = drain(&worker, T0 + Duration::minutes(1)).await;
    assert_eq!(later.sent, 1);
    let inbox = smtp.received();
    assert_eq!(inbox.len(), 2);
    assert_eq!(inbox[1].subject(), "Tandem: Second news");

    // A server that accepts the connection and then says nothing does not
    // hold the worker past the mailer's timeout: the job is retried.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_url = format!(
        "smtp://127.0.0.1:{}",
        silent.local_addr().expect("address").port()
    );
    let stalled = Worker::new(
        t.db.clone(),
        Arc::new(
            SmtpMailer::from_url(&silent_url, "tandem@north.org")
                .expect("mailer")
                .with_timeout(std::time::Duration::from_millis(300)),
        ),
    );
    notify::notify(
        &t.db,
        north.id.0,
        person,
        "Third news.",
        "/requests",
        "news:4",
        T0,
    )
    .await
    .expect("notify");
    let stats = stalled.run_once(T0).await.expect("run");
    assert_eq!((stats.retried, stats.sent), (1, 0));
    let stuck = jobs::by_dedupe_key(&t.db, "email:news:4")
        .await
        .expect("read")
        .expect("queued");
    assert!(stuck.last_error.expect("error").contains("no answer"));
    drop(silent);
    assert_eq!(drain(&worker, T0 + Duration::minutes(1)).await.sent, 1);
    assert_eq!(smtp.received().len(), 3);

    // Without a mail server, jobs complete and nothing is e-mailed; the
    // notification is there all the same.
    let quiet = Worker::new(t.db.clone(), Arc::new(NoMailer));
    notify::notify(
        &t.db,
        north.id.0,
        ids[1],
        "Quiet news.",
        "/requests",
        "news:3",
        T0,
    )
    .await
    .expect("notify");
    let stats = drain(&quiet, T0).await;
    assert_eq!((stats.completed, stats.sent), (1, 0));
    assert_eq!(notes(&t.db, &north, ids[1]).await, vec!["Quiet news."]);
    assert_eq!(smtp.received().len(), 3);
});

dual_test!(the_request_reminder_sweep_emails_the_mentor_once, |t| {
    let smtp = SmtpServer::start();
    let (north, ids) = world(&t.db, 3).await;
    let (mentor, mentee) = (ids[0], ids[2]);
    let worker = Worker::new(t.db.clone(), smtp.mailer());
    let sent = requests::send(&t.db, &north, mentee, mentor, "Could we meet?", T0)
        .await
        .expect("sent");
    // The request itself is e-mailed to the mentor at once.
    drain(&worker, T0).await;
    let inbox = smtp.received();
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert!(inbox[0].subject().contains("asked you to be their mentor"));

    let due = sent.expires_at - Duration::days(3) + Duration::seconds(1);
    assert_eq!(
        requests::sweep(&t.db, due).await.expect("sweep").reminded,
        1
    );
    assert_eq!(
        requests::sweep(&t.db, due).await.expect("sweep").reminded,
        0
    );
    // Even a sweep that claims the reminder again (two instances racing,
    // or one that died between claiming and writing) adds nothing.
    on_pool!(&t.db, pool => sqlx::query("UPDATE mentor_requests SET reminded_at = NULL")
        .execute(pool)
        .await
        .map(|_| ())
        .expect("reset"));
    assert_eq!(
        requests::sweep(&t.db, due).await.expect("sweep").reminded,
        1
    );

    let stats = drain(&worker, due).await;
    assert_eq!(stats.sent, 1);
    let inbox: Vec<_> = smtp
        .received()
        .into_iter()
        .filter(|m| m.subject().contains("Reminder"))
        .collect();
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0].to, vec!["p0@north.org".to_string()]);
    assert_eq!(
        inbox[0].subject(),
        "Tandem: Reminder: Given2 Family2's request expires on 18 March 2026 unless you answer"
    );
    assert!(inbox[0].body().contains("/requests"));
    let reminders: Vec<String> = notes(&t.db, &north, mentor)
        .await
        .into_iter()
        .filter(|n| n.starts_with("Reminder:"))
        .collect();
    assert_eq!(reminders.len(), 1);
    let key = format!("email:request-reminder:{}", sent.id.0);
    assert_eq!(
        jobs::by_dedupe_key(&t.db, &key)
            .await
            .expect("read")
            .expect("the reminder's job")
            .status,
        JobStatus::Done
    );
    assert_eq!(drain(&worker, due + Duration::days(1)).await.claimed, 0);
    assert_eq!(smtp.received().len(), 2, "the request, then one reminder");
});

dual_test!(
    two_workers_on_one_database_send_each_email_exactly_once,
    |t| {
        const N: usize = 40;
        let smtp = SmtpServer::start();
        let (north, ids) = world(&t.db, N).await;
        for (i, person) in ids.iter().enumerate() {
            notify::notify(
                &t.db,
                north.id.0,
                *person,
                &format!("Reminder number {i}."),
                "/requests",
                &format!("reminder:{i}"),
                T0,
            )
            .await
            .expect("notify");
        }
        assert_eq!(jobs::pending_count(&t.db).await.expect("count"), N as i64);

        // A second instance: its own pool on the same database.
        let other_db = Db::connect(&t.url).await.expect("second pool");
        let mut a = Worker::new(t.db.clone(), smtp.mailer());
        let mut b = Worker::new(other_db.clone(), smtp.mailer());
        assert_ne!(a.owner, b.owner);
        // Small batches, so the two interleave.
        a.batch = 3;
        b.batch = 3;
        let (sa, sb) = tokio::join!(
            tokio::spawn({
                let a = a.clone();
                async move { drain(&a, T0).await }
            }),
            tokio::spawn({
                let b = b.clone();
                async move { drain(&b, T0).await }
            }),
        );
        let (sa, sb) = (sa.expect("worker a"), sb.expect("worker b"));
        other_db.close().await;

        assert_eq!(sa.sent + sb.sent, N, "a: {sa:?}, b: {sb:?}");
        assert_eq!(sa.claimed + sb.claimed, N, "each job claimed once");
        assert_eq!(sa.failed + sb.failed + sa.retried + sb.retried, 0);
        let inbox = smtp.received();
        assert_eq!(inbox.len(), N);
        let recipients: BTreeSet<String> = inbox.iter().flat_map(|m| m.to.clone()).collect();
        let expected: BTreeSet<String> = (0..N).map(|i| format!("p{i}@north.org")).collect();
        assert_eq!(recipients, expected);
        let subjects: BTreeSet<String> = inbox.iter().map(Received::subject).collect();
        assert_eq!(subjects.len(), N, "40 distinct messages");
        assert_eq!(jobs::pending_count(&t.db).await.expect("count"), 0);
        assert_eq!(
            jobs::count(&t.db, JobStatus::Done).await.expect("count"),
            N as i64
        );
    }
);

dual_test!(a_digest_gathers_the_week_and_off_sends_nothing, |t| {
    let smtp = SmtpServer::start();
    let (north, ids) = world(&t.db, 3).await;
    let scope = InstitutionScope::of(&north);
    let (weekly, never, default) = (ids[0], ids[1], ids[2]);
    assert_eq!(
        jobs::email_preference(&t.db, &scope, default)
            .await
            .expect("read"),
        EmailPreference::Immediate
    );
    jobs::set_email_preference(&t.db, &scope, weekly, EmailPreference::Digest, T0)
        .await
        .expect("set");
    jobs::set_email_preference(&t.db, &scope, never, EmailPreference::Off, T0)
        .await
        .expect("set");
    assert_eq!(
        jobs::email_preference(&t.db, &scope, weekly)
            .await
            .expect("read"),
        EmailPreference::Digest
    );
    let worker = Worker::new(t.db.clone(), smtp.mailer());

    // Wednesday to Sunday of week 10.
    for (day, text) in [(0, "First news."), (2, "Second news."), (4, "Third news.")] {
        let at = T0 + Duration::days(day);
        for person in [weekly, never] {
            notify::notify(
                &t.db,
                north.id.0,
                person,
                text,
                "/requests",
                &format!("{text}:{person}"),
                at,
            )
            .await
            .expect("notify");
        }
    }
    // One digest job for the week, none for the person who said never.
    let digests = jobs::of_kind(&t.db, notify::DIGEST).await.expect("jobs");
    assert_eq!(digests.len(), 1);
    assert_eq!(
        digests[0].dedupe_key,
        format!("digest:{}:2026-W10", weekly.0)
    );
    assert_eq!(digests[0].run_at, datetime!(2026-03-09 07:00 UTC));
    assert!(
        jobs::of_kind(&t.db, notify::EMAIL)
            .await
            .expect("jobs")
            .is_empty()
    );

    // Nothing goes out during the week.
    assert_eq!(drain(&worker, T0 + Duration::days(4)).await.claimed, 0);
    assert!(smtp.received().is_empty());

    // Monday morning: one message with the three.
    let monday = datetime!(2026-03-09 07:00 UTC);
    let stats = drain(&worker, monday).await;
    assert_eq!(stats.sent, 1);
    let inbox = smtp.received();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].to, vec!["p0@north.org".to_string()]);
    assert_eq!(inbox[0].subject(), "Tandem: your week, 3 notifications");
    let body = inbox[0].body();
    let (first, second, third) = (
        body.find("First news.").expect("first"),
        body.find("Second news.").expect("second"),
        body.find("Third news.").expect("third"),
    );
    assert!(first < second && second < third, "{body}");
    assert!(body.contains("since 2 March"), "{body}");

    // In Tandem, both still have all three.
    assert_eq!(notes(&t.db, &north, weekly).await.len(), 3);
    assert_eq!(notes(&t.db, &north, never).await.len(), 3);

    // Next week's news makes next week's digest, without the old ones.
    notify::notify(
        &t.db,
        north.id.0,
        weekly,
        "Fourth news.",
        "/requests",
        "fourth",
        monday + Duration::hours(1),
    )
    .await
    .expect("notify");
    assert_eq!(drain(&worker, monday + Duration::days(1)).await.claimed, 0);
    let next = datetime!(2026-03-16 07:00 UTC);
    assert_eq!(drain(&worker, next).await.sent, 1);
    let inbox = smtp.received();
    assert_eq!(inbox.len(), 2);
    assert_eq!(inbox[1].subject(), "Tandem: your week, 1 notification");
    assert!(inbox[1].body().contains("Fourth news."));
    assert!(!inbox[1].body().contains("First news."));
    // The person who said never got nothing at all.
    assert!(
        smtp.received()
            .iter()
            .all(|m| m.to != vec!["p1@north.org".to_string()])
    );
});

dual_test!(the_settings_page_saves_the_email_preference, |t| {
    let (north, ids) = world(&t.db, 3).await;
    create_account(
        &t.db,
        Some(&north),
        Some("P2"),
        "member",
        &[(Role::Mentee, None)],
    )
    .await;
    create_account(
        &t.db,
        Some(&north),
        None,
        "evaluator",
        &[(Role::Evaluator, None)],
    )
    .await;
    let app = t.spawn_app().await;
    let session = app.sign_in("member", TEST_PASSWORD).await;
    let page = session.get("/settings").await.text().await.expect("page");
    assert!(
        page.contains("action=\"/settings/notifications\""),
        "{page}"
    );
    assert!(page.contains("value=\"immediate\" checked"), "{page}");

    let saved = session
        .post("/settings/notifications", &[("email", "digest")])
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"].to_str().expect("location"),
        "/settings?saved=email"
    );
    let scope = InstitutionScope::of(&north);
    assert_eq!(
        jobs::email_preference(&t.db, &scope, ids[2])
            .await
            .expect("read"),
        EmailPreference::Digest
    );
    let page = session
        .get("/settings?saved=email")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("value=\"digest\" checked"), "{page}");
    assert!(page.contains("Your e-mail preference is saved."), "{page}");

    let bad = session
        .post("/settings/notifications", &[("email", "hourly")])
        .await;
    assert_eq!(bad.status(), 400);
    // Without the CSRF token: refused.
    let forged = session
        .client
        .post(app.url("/settings/notifications"))
        .form(&[("email", "off")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    assert_eq!(
        jobs::email_preference(&t.db, &scope, ids[2])
            .await
            .expect("read"),
        EmailPreference::Digest
    );

    // An account without a person has no notifications and no form.
    let evaluator = app.sign_in("evaluator", TEST_PASSWORD).await;
    let page = evaluator.get("/settings").await.text().await.expect("page");
    assert!(!page.contains("/settings/notifications"), "{page}");
    let none = evaluator
        .post("/settings/notifications", &[("email", "off")])
        .await;
    assert_eq!(none.status(), 404);
});

// ---------------------------------------------------------------------
// The command line

/// Runs the binary with `env` added (and no configuration file).
async fn tandem_with(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(&args)
            .envs(env)
            .env_remove("TANDEM_CONFIG")
            .env("RUST_LOG", "warn")
            .output()
            .expect("the tandem binary runs")
    })
    .await
    .expect("the command thread finishes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_settings_come_from_the_environment_without_leaking_the_password() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = format!("sqlite:{}", dir.path().join("t.sqlite3").display());
    let out = tandem_with(
        &["config"],
        &[
            ("TANDEM_DATABASE_URL", db.as_str()),
            (
                "TANDEM_MAIL__SMTP_URL",
                "smtp://tandem:s3cret@relay.internal:587?tls=required",
            ),
            ("TANDEM_MAIL__FROM", "Mentoring <mentoring@north.org>"),
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        config["mail"]["smtp_url"],
        "smtp://tandem:***@relay.internal:587?tls=required"
    );
    assert_eq!(config["mail"]["from"], "Mentoring <mentoring@north.org>");
    assert!(!stdout(&out).contains("s3cret"));

    // Without a server: none, and a default sender.
    let out = tandem_with(&["config"], &[("TANDEM_DATABASE_URL", db.as_str())]).await;
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(config["mail"]["smtp_url"], serde_json::Value::Null);
    assert_eq!(config["mail"]["from"], "Tandem <tandem@localhost>");

    // Settings that cannot work stop the worker at once, saying why,
    // without the password.
    let out = tandem_with(
        &["worker"],
        &[
            ("TANDEM_DATABASE_URL", db.as_str()),
            (
                "TANDEM_MAIL__SMTP_URL",
                "ftp://tandem:s3cret@relay.internal",
            ),
        ],
    )
    .await;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("invalid mail settings"), "{err}");
    assert!(err.contains("tandem:***@relay.internal"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}
