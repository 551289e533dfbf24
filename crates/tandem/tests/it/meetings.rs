//! Meetings and the calendar (issue 6) on both databases: a first meeting
//! from agenda to confirmed recap, action items that carry until done, the
//! pair's notes invisible to a chair or facilitator, and the .ics download
//! and private feed read back by an independent iCalendar parser.

use crate::relationships::{pair, world};
use icalendar::parser::{read_calendar, unfold};
use tandem_core::clock::Clock;
use tandem_domain::agreement::{AgreementTerms, Cadence};
use tandem_testkit::{TEST_PASSWORD, dual_test};
use time::macros::datetime;

const AGENDA: &str = "CANARYAGENDA grant timeline and the K award";
const RECAP: &str = "CANARYRECAP Draft specific aims by December";

/// Each VEVENT of an iCalendar text as (property name, value) pairs, read
/// by the `icalendar` crate's parser (which fails on malformed input).
fn events(ics: &str) -> Vec<Vec<(String, String)>> {
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    let unfolded = unfold(ics);
    let parsed = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{e}\n{ics}"));
    parsed
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .map(|c| {
            c.properties
                .iter()
                .map(|p| (p.name.to_string(), p.val.to_string()))
                .collect()
        })
        .collect()
}

fn prop<'a>(event: &'a [(String, String)], name: &str) -> Option<&'a str> {
    event
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

dual_test!(
    a_first_meeting_runs_from_agenda_to_confirmed_recap_and_items_carry,
    |t| {
        let (north, ids) = world(&t.db).await;
        let id = pair(&t.db, &north, ids[0], ids[1], true).await;
        let mut terms = AgreementTerms::default_template();
        terms.goals = "CANARYGOALS first R01".into();
        terms.cadence = Cadence::Monthly;
        tandem_core::relationships::agreement::write(
            &t.db,
            &north,
            id,
            ids[0],
            terms,
            datetime!(2026-03-02 09:00 UTC),
        )
        .await
        .expect("agreement");
        let app = t.spawn_app().await;
        let me = app.sign_in("mentee@north", TEST_PASSWORD).await;
        let mentor = app.sign_in("mentor@north", TEST_PASSWORD).await;
        // Dates a month and two months from the app's clock.
        let day1 = (app.clock.now() + time::Duration::days(30)).date();
        let day2 = day1 + time::Duration::days(31);
        let (d1, d2, d2b) = (
            day1.to_string(),
            day2.to_string(),
            (day2 + time::Duration::days(1)).to_string(),
        );
        let compact = |d: time::Date| d.to_string().replace('-', "");

        // The relationship page offers the next date from the cadence.
        let rel = me
            .get(&format!("/relationships/{id}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(rel.contains("Schedule a meeting"), "{rel}");
        let scheduled = me
            .post(
                &format!("/relationships/{id}/meetings"),
                &[
                    ("date", d1.as_str()),
                    ("time", "15:00"),
                    ("minutes", "45"),
                    ("place", "Room 4, Peter Gilgan"),
                ],
            )
            .await;
        assert_eq!(scheduled.status(), 303);
        let first = location(&scheduled);
        assert!(first.starts_with("/meetings/"), "{first}");
        let page = me.get(&first).await.text().await.expect("meeting");
        assert!(page.contains("First meeting with"), "{page}");
        assert!(page.contains("Introductions") && page.contains("Contact details"));
        assert!(page.contains("CANARYGOALS"), "the goals open the meeting");
        let news = mentor.get("/requests").await.text().await.expect("news");
        let when = tandem_core::relationships::meetings::when(
            day1.with_hms(15, 0, 0).expect("time").assume_utc(),
        );
        assert!(
            news.contains(&format!("scheduled a meeting on {when}")),
            "{news}"
        );

        // The mentee prepares the agenda; the mentor reads it.
        assert_eq!(
            mentor
                .post(&format!("{first}/agenda"), &[("agenda", "mine")])
                .await
                .status(),
            400,
            "the mentee prepares the agenda"
        );
        me.post(
            &format!("{first}/agenda"),
            &[("agenda", AGENDA), ("timelines", "R01 due in June")],
        )
        .await;
        let seen = mentor.get(&first).await.text().await.expect("meeting");
        assert!(seen.contains("CANARYAGENDA"));
        // Either side keeps notes and ticks the checklist.
        let notes = mentor
            .post(
                &format!("{first}/notes"),
                &[
                    ("checklist", "introductions"),
                    ("checklist", "goals"),
                    ("topic_personal", "Childcare on Tuesdays"),
                ],
            )
            .await;
        assert_eq!(notes.status(), 303);
        let page = me.get(&first).await.text().await.expect("meeting");
        assert!(page.contains("value=\"introductions\" checked"), "{page}");
        assert!(page.contains("Childcare on Tuesdays"));
        // Reiterate and review: the mentee writes, the mentor confirms.
        assert_eq!(
            mentor
                .post(&format!("{first}/recap"), &[("recap", "mine")])
                .await
                .status(),
            400
        );
        assert_eq!(
            mentor.post(&format!("{first}/confirm"), &[]).await.status(),
            409,
            "nothing to confirm yet"
        );
        me.post(&format!("{first}/recap"), &[("recap", RECAP)])
            .await;
        mentor.post(&format!("{first}/confirm"), &[]).await;
        let page = me.get(&first).await.text().await.expect("meeting");
        assert!(page.contains("Confirmed by the mentor"), "{page}");
        assert!(page.contains("Held"));
        // An action item, owned by the mentee, due before the next meeting.
        let added = mentor
            .post(
                &format!("{first}/actions"),
                &[
                    ("description", "Send the aims page"),
                    ("owner", "mentee"),
                    ("due", d2.as_str()),
                ],
            )
            .await;
        assert_eq!(added.status(), 303);

        // The next meeting opens with last time's recap and the open item.
        let second = location(
            &me.post(
                &format!("/relationships/{id}/meetings"),
                &[("date", d2.as_str()), ("time", "15:00")],
            )
            .await,
        );
        let page = me.get(&second).await.text().await.expect("meeting");
        assert!(!page.contains("First meeting with"));
        assert!(page.contains("CANARYRECAP"), "last time's recap opens it");
        assert!(page.contains("Send the aims page"), "the open item carries");
        let item_at = page.find("/actions/").expect("a done form") + "/actions/".len();
        let item: String = page[item_at..].chars().take(36).collect();
        let done = me
            .post(
                &format!("/actions/{item}/done"),
                &[
                    ("done", "yes"),
                    ("back", second.trim_start_matches("/meetings/")),
                ],
            )
            .await;
        assert_eq!(location(&done), second);
        let page = me.get(&second).await.text().await.expect("meeting");
        assert!(
            !page.contains("Send the aims page"),
            "done items stop carrying"
        );

        // Nobody else reads the pair's meetings.
        for user in ["chair@north", "facilitator@north"] {
            let s = app.sign_in(user, TEST_PASSWORD).await;
            for path in [first.clone(), format!("{first}/calendar.ics")] {
                let r = s.get(&path).await;
                assert_eq!(r.status(), 403, "{user} {path}");
                let body = r.text().await.expect("body");
                assert!(!body.contains("CANARYAGENDA") && !body.contains("CANARYRECAP"));
            }
        }

        // The .ics download parses; moving it bumps SEQUENCE, cancelling
        // marks it so calendars drop it.
        me.post(
            &format!("{second}/reschedule"),
            &[("date", d2b.as_str()), ("time", "16:30"), ("minutes", "30")],
        )
        .await;
        let ics = me.get(&format!("{second}/calendar.ics")).await;
        assert!(
            ics.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/calendar")
        );
        let parsed = events(&ics.text().await.expect("ics"));
        assert_eq!(parsed.len(), 1);
        let moved = compact(day2 + time::Duration::days(1));
        assert_eq!(
            prop(&parsed[0], "DTSTART"),
            Some(format!("{moved}T163000Z").as_str())
        );
        assert_eq!(
            prop(&parsed[0], "DTEND"),
            Some(format!("{moved}T170000Z").as_str())
        );
        assert_eq!(prop(&parsed[0], "SEQUENCE"), Some("1"));
        assert!(
            prop(&parsed[0], "SUMMARY")
                .expect("summary")
                .starts_with("Mentoring meeting with Given1")
        );
        mentor.post(&format!("{second}/cancel"), &[]).await;
        let ics = me
            .get(&format!("{second}/calendar.ics"))
            .await
            .text()
            .await
            .expect("ics");
        let parsed = events(&ics);
        assert_eq!(prop(&parsed[0], "STATUS"), Some("CANCELLED"));
        assert_eq!(prop(&parsed[0], "SEQUENCE"), Some("2"));
    }
);

dual_test!(the_calendar_feed_is_private_revocable_and_parses, |t| {
    let (north, ids) = world(&t.db).await;
    let id = pair(&t.db, &north, ids[0], ids[1], true).await;
    let app = t.spawn_app().await;
    let me = app.sign_in("mentee@north", TEST_PASSWORD).await;
    let day = (app.clock.now() + time::Duration::days(20)).date();
    me.post(
        &format!("/relationships/{id}/meetings"),
        &[("date", day.to_string().as_str()), ("time", "15:00")],
    )
    .await;
    let mut terms = AgreementTerms::default_template();
    terms.goals = "Promotion dossier".into();
    tandem_core::relationships::agreement::write(
        &t.db,
        &north,
        id,
        ids[1],
        terms,
        datetime!(2026-03-02 09:00 UTC),
    )
    .await
    .expect("agreement");

    let made = me.post("/calendar/feed", &[]).await;
    assert_eq!(made.status(), 200);
    let page = made.text().await.expect("page");
    let at = page.find("/calendar/feed/").expect("the new address") + "/calendar/feed/".len();
    let token: String = page[at..].chars().take_while(|c| *c != '"').collect();
    assert!(token.len() >= 40, "{token}");
    // The feed opens with the token alone, as a calendar app would.
    let feed = |token: String| {
        let url = app.url(&format!("/calendar/feed/{token}"));
        async move {
            tandem_testkit::client()
                .get(url)
                .send()
                .await
                .expect("feed")
        }
    };
    let r = feed(token.clone()).await;
    assert_eq!(r.status(), 200);
    let parsed = events(&r.text().await.expect("ics"));
    assert_eq!(
        parsed.len(),
        2,
        "the meeting and the agreement's review date"
    );
    assert!(parsed.iter().any(|e| prop(e, "DTSTART")
        == Some(format!("{}T150000Z", day.to_string().replace('-', "")).as_str())));
    assert!(parsed.iter().any(|e| {
        prop(e, "DTSTART") == Some("20270302")
            && prop(e, "SUMMARY").is_some_and(|s| s.starts_with("Review the mentoring agreement"))
    }));
    // The mentor's feed is theirs alone: a different token, the same pair.
    // Replacing the address revokes the old one; turning it off, the new.
    let replaced = me
        .post("/calendar/feed", &[])
        .await
        .text()
        .await
        .expect("page");
    assert!(!replaced.contains(&token));
    assert_eq!(feed(token.clone()).await.status(), 404);
    let at = replaced.find("/calendar/feed/").expect("address") + "/calendar/feed/".len();
    let newer: String = replaced[at..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(feed(newer.clone()).await.status(), 200);
    me.post("/calendar/feed/revoke", &[]).await;
    assert_eq!(feed(newer).await.status(), 404);
    assert_eq!(feed("not-a-token".into()).await.status(), 404);
});

dual_test!(
    the_plan_is_shared_and_short_notice_reviews_are_flagged_before_sending,
    |t| {
        use tandem_domain::workdays::add_working_days;
        let (north, ids) = world(&t.db).await;
        let id = pair(&t.db, &north, ids[0], ids[1], true).await;
        let app = t.spawn_app().await;
        let me = app.sign_in("mentee@north", TEST_PASSWORD).await;
        let mentor = app.sign_in("mentor@north", TEST_PASSWORD).await;
        let plan = format!("/relationships/{id}/plan");

        // Goals at a horizon, in an area; progress either side records.
        let added = me
            .post(
                &format!("{plan}/goals"),
                &[
                    ("horizon", "5"),
                    ("area", "research"),
                    ("goal", "Run an independent lab"),
                ],
            )
            .await;
        assert_eq!(added.status(), 303);
        let page = mentor.get(&plan).await.text().await.expect("plan");
        assert!(page.contains("In 5 years · Research:"), "{page}");
        let at = page.find("name=\"goal\" value=\"").expect("a goal id") + 19;
        let goal: String = page[at..].chars().take(36).collect();
        mentor
            .post(
                &format!("{plan}/progress"),
                &[("goal", goal.as_str()), ("progress", "40")],
            )
            .await;
        let bad = mentor
            .post(
                &format!("{plan}/progress"),
                &[("goal", goal.as_str()), ("progress", "140")],
            )
            .await;
        assert_eq!(bad.status(), 400);
        mentor
            .post(
                &format!("{plan}/log"),
                &[
                    ("kind", "introduction"),
                    ("description", "Introduced to the grants office"),
                ],
            )
            .await;
        let page = me.get(&plan).await.text().await.expect("plan");
        assert!(page.contains("40% there"));
        assert!(page.contains("Introduced to the grants office"));

        // Three working days' notice: warned, nothing sent until confirmed.
        let today = time::OffsetDateTime::now_utc().date();
        let soon = add_working_days(today, 3).to_string();
        let review = |title: &'static str, due: String, anyway: bool| {
            let mut form = vec![
                ("kind", "grant".to_string()),
                ("title", title.to_string()),
                ("due", due),
            ];
            if anyway {
                form.push(("send_anyway", "yes".into()));
            }
            form
        };
        let post_review = |form: Vec<(&'static str, String)>| {
            let me = &me;
            let path = format!("/relationships/{id}/reviews");
            async move {
                let fields: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                me.post(&path, &fields).await
            }
        };
        let warned = post_review(review("R01 draft", soon.clone(), false)).await;
        assert_eq!(warned.status(), 422);
        let body = warned.text().await.expect("page");
        assert!(body.contains("3 working days from today"), "{body}");
        assert!(body.contains("Send it anyway"));
        let scope = tandem_store::InstitutionScope::of(&north);
        assert!(
            tandem_store::plans::reviews_of(&t.db, &scope, id)
                .await
                .expect("reviews")
                .is_empty(),
            "nothing is sent before the mentee confirms"
        );
        assert_eq!(
            post_review(review("R01 draft", soon, true)).await.status(),
            303
        );
        // Enough notice: sent at once.
        let later = add_working_days(today, 15).to_string();
        assert_eq!(
            post_review(review("Registry paper", later, false))
                .await
                .status(),
            303
        );
        let stored = tandem_store::plans::reviews_of(&t.db, &scope, id)
            .await
            .expect("reviews");
        assert_eq!(stored.len(), 2);
        assert!(stored[0].short_notice && !stored[1].short_notice);

        // The mentor sees the load across mentees, and closes one.
        let load = mentor.get("/reviews").await.text().await.expect("load");
        assert!(load.contains("2 waiting"), "{load}");
        assert!(load.contains("short notice"));
        let news = mentor.get("/requests").await.text().await.expect("news");
        assert!(news.contains("asks you to review"), "{news}");
        let first = stored[0].id.to_string();
        assert_eq!(
            mentor
                .post(
                    &format!("/relationships/{id}/reviews/close"),
                    &[("review", first.as_str())],
                )
                .await
                .status(),
            303
        );
        let news = me.get("/requests").await.text().await.expect("news");
        assert!(news.contains("finished reviewing"), "{news}");
        // Only the mentee asks; a chair does not see the plan at all.
        let asked = mentor
            .post(
                &format!("/relationships/{id}/reviews"),
                &[("kind", "grant"), ("title", "x"), ("due", "2099-01-01")],
            )
            .await;
        assert_eq!(asked.status(), 400);
        let chair = app.sign_in("chair@north", TEST_PASSWORD).await;
        assert_eq!(chair.get(&plan).await.status(), 403);
    }
);

/// Runs `worker` at `now` until it finds nothing to claim.
async fn drain_all(worker: tandem_core::notify::Worker, now: time::OffsetDateTime) -> usize {
    let mut claimed = 0;
    loop {
        let s = worker.run_once(now).await.expect("worker");
        if s.claimed == 0 {
            return claimed;
        }
        claimed += s.claimed;
    }
}

/// Two server instances' workers on one database, run at `now`.
async fn two_workers(
    t: &tandem_testkit::TestContext,
    mailer: std::sync::Arc<dyn tandem_core::notify::Mailer>,
    now: time::OffsetDateTime,
) {
    let other = tandem_store::Db::connect(&t.url)
        .await
        .expect("second pool");
    let a = tandem_core::notify::Worker::new(t.db.clone(), mailer.clone());
    let b = tandem_core::notify::Worker::new(other.clone(), mailer);
    let (x, y) = tokio::join!(
        tokio::spawn(drain_all(a, now)),
        tokio::spawn(drain_all(b, now))
    );
    x.expect("worker a");
    y.expect("worker b");
    other.close().await;
}

dual_test!(each_reminder_is_given_once_however_many_workers_run, |t| {
    use tandem_core::relationships::meetings::{self, Change, Slot};
    use tandem_core::relationships::reminders::{AGENDA_REMINDER, REVIEW_REMINDER};
    let smtp = crate::jobs::SmtpServer::start();
    let (north, ids) = world(&t.db).await;
    let (mentee, mentor) = (ids[0], ids[1]);
    let id = pair(&t.db, &north, mentee, mentor, true).await;
    let scope = tandem_store::InstitutionScope::of(&north);
    let now = tandem_store::microsecond_now();
    let mine = tandem_core::relationships::mine(&t.db, &scope, id, mentee)
        .await
        .expect("mine");
    let slot = |days: i64| Slot {
        starts_at: now + time::Duration::days(days),
        minutes: 60,
        place: String::new(),
    };
    let m = meetings::schedule(&t.db, &north, &mine, &slot(10), now)
        .await
        .expect("schedule");
    // Moved to day 12: the reminder for day 10 must stay quiet.
    meetings::update(&t.db, &north, &mine, &m, Change::Reschedule(slot(12)), now)
        .await
        .expect("move");
    let mut terms = AgreementTerms::default_template();
    terms.goals = "Promotion".into();
    tandem_core::relationships::agreement::write(&t.db, &north, id, mentee, terms, now)
        .await
        .expect("agreement");

    // Day 9 and a bit: the moved meeting's reminder is due (3 days before).
    two_workers(&t, smtp.mailer(), now + time::Duration::hours(9 * 24 + 1)).await;
    // Day 366: the agreement's review date has come.
    two_workers(&t, smtp.mailer(), now + time::Duration::days(366)).await;

    let notes = |person| {
        let db = t.db.clone();
        async move {
            tandem_store::mentoring::notifications(&db, &scope, person, 100)
                .await
                .expect("notifications")
                .into_iter()
                .map(|n| n.body)
                .collect::<Vec<_>>()
        }
    };
    let mentee_notes = notes(mentee).await;
    let count = |notes: &[String], text: &str| notes.iter().filter(|n| n.contains(text)).count();
    assert_eq!(
        count(&mentee_notes, "prepare the agenda"),
        1,
        "{mentee_notes:?}"
    );
    assert_eq!(count(&mentee_notes, "A year on"), 1);
    assert_eq!(count(&notes(mentor).await, "A year on"), 1);
    let inbox = smtp.received();
    // Bodies are quoted-printable: undo its soft line breaks.
    let mails = |text: &str| {
        inbox
            .iter()
            .filter(|m| m.body().replace("=\n", "").contains(text))
            .count()
    };
    assert_eq!(
        mails("prepare the agenda"),
        1,
        "one e-mail, however many workers"
    );
    assert_eq!(mails("A year on"), 2, "one to each side");
    // Both agenda reminders ran (the stale one quietly), nothing pending.
    for kind in [AGENDA_REMINDER, REVIEW_REMINDER] {
        for job in tandem_store::jobs::of_kind(&t.db, kind)
            .await
            .expect("jobs")
        {
            assert_eq!(job.status, tandem_store::jobs::JobStatus::Done, "{kind}");
        }
    }
    assert_eq!(
        tandem_store::jobs::of_kind(&t.db, AGENDA_REMINDER)
            .await
            .expect("jobs")
            .len(),
        2
    );
});
