//! Relationship health (issue 7) on both databases: check-ins stay with
//! their author, a person's own view never reflects the other side's
//! answers, a newly at-risk relationship alerts its facilitators once
//! however many refreshes race, brokering stays confidential unless the
//! requester agrees, secondary mentors obey the hard exclusions, and the
//! chair's aggregate hides small groups.

use crate::relationships::{pair, world};
use tandem_core::clock::Clock;
use tandem_core::health::broker::{self, CaseAction, HelpRequest};
use tandem_core::health::checkins::{self, CheckinInput};
use tandem_core::mentoring::MentoringError;
use tandem_core::privacy::Cell;
use tandem_core::relationships::mine;
use tandem_domain::health::{Answers, Factor, Status};
use tandem_domain::{FailureFactor, Institution, PersonId, Side};
use tandem_store::{Db, InstitutionScope};
use tandem_testkit::dual_test;
use time::{Duration, OffsetDateTime, macros::datetime};

const T0: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);
const COMMENT: &str = "CANARYCHECKIN we never seem to understand each other";

/// The best answer to every item of Tandem's instrument, but `worst`.
pub fn answers(worst: &[(&str, u8)]) -> Answers {
    let i = tandem_domain::health::Instrument::tandem();
    i.items
        .iter()
        .map(|item| {
            let best = match item.keyed {
                tandem_domain::health::Keyed::Positive => 5,
                tandem_domain::health::Keyed::Negative => 1,
            };
            let v = worst
                .iter()
                .find(|(c, _)| *c == item.code)
                .map_or(best, |(_, v)| *v);
            (item.code.clone(), v)
        })
        .collect()
}

async fn notices(db: &Db, north: &Institution, person: PersonId) -> Vec<String> {
    tandem_store::mentoring::notifications(db, &InstitutionScope::of(north), person, 100)
        .await
        .expect("notifications")
        .into_iter()
        .map(|n| n.body)
        .collect()
}

dual_test!(
    a_check_in_flags_its_factor_for_the_program_and_its_author_only,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, mentor, chair, facilitator) = (ids[0], ids[1], ids[2], ids[3]);
        let id = pair(&t.db, &north, mentee, mentor, true).await;
        let scope = InstitutionScope::of(&north);
        let now = T0 + Duration::days(40);
        let as_mentee = mine(&t.db, &scope, id, mentee).await.expect("mine");

        // The program's first look records where it stands (no alert: there
        // is nothing to compare with yet).
        let (_, first_look) = tandem_core::health::refresh(&t.db, &north, now)
            .await
            .expect("refresh");
        assert_eq!(first_look.newly_at_risk, 0);
        // The first check-in is due 30 days in; the mentee is reminded once.
        let first = checkins::remind(&t.db, now).await.expect("remind");
        assert_eq!(first.reminders, 2, "both sides are asked");
        assert_eq!(
            checkins::remind(&t.db, now).await.expect("again").reminders,
            0
        );
        let (due, _) = checkins::due(&t.db, &scope, &as_mentee, now)
            .await
            .expect("due");
        assert!(due.waiting());

        // Bad answers are refused and change nothing.
        let mut bad = answers(&[]);
        bad.insert("communication".into(), 9);
        let refused = checkins::submit(
            &t.db,
            &north,
            &as_mentee,
            &CheckinInput {
                answers: bad,
                ..CheckinInput::default()
            },
            now,
        )
        .await;
        assert!(
            matches!(refused, Err(MentoringError::Refused(_))),
            "{refused:?}"
        );
        let (due, own) = checkins::due(&t.db, &scope, &as_mentee, now)
            .await
            .expect("due");
        assert!(own.is_empty() && due.waiting());

        checkins::submit(
            &t.db,
            &north,
            &as_mentee,
            &CheckinInput {
                answers: answers(&[("communication", 4)]),
                comment: COMMENT.into(),
                share_comment: false,
            },
            now,
        )
        .await
        .expect("check in");
        let (due, own) = checkins::due(&t.db, &scope, &as_mentee, now)
            .await
            .expect("due");
        assert!(!due.waiting());
        assert_eq!(own.len(), 1);
        assert!(!own[0].share_comment);

        let poor = Factor::Failure(FailureFactor::PoorCommunication);
        let r = tandem_store::relationships::get(&t.db, &scope, id)
            .await
            .expect("get")
            .expect("exists");
        // The mentee's own view and the program's name poor communication...
        let theirs = tandem_core::health::own_view(&t.db, &scope, &r, Side::Mentee, now)
            .await
            .expect("own view");
        assert_eq!((theirs.status, theirs.factor), (Status::AtRisk, Some(poor)));
        let (program, _) = tandem_core::health::program_view(&t.db, &scope, &r, now)
            .await
            .expect("program view");
        assert_eq!(
            (program.status, program.factor),
            (Status::AtRisk, Some(poor))
        );
        // ...the mentor's own view knows nothing of the mentee's answers.
        let mentors = tandem_core::health::own_view(&t.db, &scope, &r, Side::Mentor, now)
            .await
            .expect("mentor's view");
        assert_ne!(mentors.factor, Some(poor));
        assert!(!format!("{mentors:?}").contains("unclear"));

        // Two refreshes at once: one alert to the unit's facilitator, none to
        // the chair or either side.
        let (a, b) = tokio::join!(
            tandem_core::health::refresh(&t.db, &north, now),
            tandem_core::health::refresh(&t.db, &north, now),
        );
        let alerts = a.expect("refresh").1.newly_at_risk + b.expect("refresh").1.newly_at_risk;
        assert_eq!(alerts, 1);
        let told = notices(&t.db, &north, facilitator).await;
        assert_eq!(
            told.iter().filter(|n| n.contains("newly at risk")).count(),
            1
        );
        assert!(told.iter().all(|n| !n.contains("CANARY")));
        for person in [chair, mentor, mentee] {
            assert!(
                notices(&t.db, &north, person)
                    .await
                    .iter()
                    .all(|n| !n.contains("newly at risk") && !n.contains("CANARY")),
            );
        }
        // Nothing changed: a later refresh alerts nobody again.
        let (_, again) = tandem_core::health::refresh(&t.db, &north, now + Duration::hours(1))
            .await
            .expect("refresh");
        assert_eq!(again.newly_at_risk, 0);
    }
);

dual_test!(
    asking_for_help_stays_with_the_facilitator_unless_the_asker_agrees,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, mentor, chair, facilitator) = (ids[0], ids[1], ids[2], ids[3]);
        let id = pair(&t.db, &north, mentee, mentor, true).await;
        let scope = InstitutionScope::of(&north);
        let now = T0 + Duration::days(50);
        let as_mentee = mine(&t.db, &scope, id, mentee).await.expect("mine");
        let as_mentor = mine(&t.db, &scope, id, mentor).await.expect("mine");
        let empty =
            broker::ask_for_help(&t.db, &north, &as_mentee, &HelpRequest::default(), now).await;
        assert!(matches!(empty, Err(MentoringError::Refused(_))));
        let case = broker::ask_for_help(
            &t.db,
            &north,
            &as_mentee,
            &HelpRequest {
                text: "CANARYCASE my mentor takes credit for my work".into(),
                other_may_know: false,
            },
            now,
        )
        .await
        .expect("ask");
        assert!(
            broker::cases_for_side(&t.db, &scope, &as_mentor)
                .await
                .expect("cases")
                .is_empty(),
            "the mentor must not learn of it"
        );
        let own = broker::cases_for_side(&t.db, &scope, &as_mentee)
            .await
            .expect("cases");
        assert_eq!(own.len(), 1);
        assert!(own[0].mine && own[0].open);
        // A second request while one is open is refused with a reason.
        let twice = broker::ask_for_help(
            &t.db,
            &north,
            &as_mentee,
            &HelpRequest {
                text: "again".into(),
                other_may_know: true,
            },
            now,
        )
        .await;
        assert!(matches!(twice, Err(MentoringError::Conflict(_))));
        let told = notices(&t.db, &north, facilitator).await;
        assert!(
            told.iter()
                .any(|n| n.contains("asked, in confidence, for help"))
        );
        for person in [mentor, chair] {
            let n = notices(&t.db, &north, person).await;
            assert!(
                n.iter()
                    .all(|b| !b.contains("facilitator") && !b.contains("CANARY")),
                "{n:?}"
            );
        }

        // The facilitator logs, contacts the mentee, proposes a secondary
        // mentor (not the division director: barred) and closes.
        let fac_account = tandem_store::accounts::by_username(&t.db, "facilitator@north")
            .await
            .expect("query")
            .expect("account")
            .id;
        broker::act(
            &t.db,
            &north,
            &case,
            fac_account,
            CaseAction::Note("CANARYLOG spoke to HR".into()),
            now,
        )
        .await
        .expect("note");
        broker::act(
            &t.db,
            &north,
            &case,
            fac_account,
            CaseAction::Contact {
                sides: vec![Side::Mentee],
                message: String::new(),
            },
            now,
        )
        .await
        .expect("contact");
        assert!(
            notices(&t.db, &north, mentee)
                .await
                .iter()
                .any(|n| n.contains("would like a word"))
        );
        assert!(
            notices(&t.db, &north, mentor)
                .await
                .iter()
                .all(|n| !n.contains("would like a word"))
        );
        let barred = broker::act(
            &t.db,
            &north,
            &case,
            fac_account,
            CaseAction::SecondaryMentor(chair),
            now,
        )
        .await;
        assert!(
            matches!(barred, Err(MentoringError::Refused(_))),
            "{barred:?}"
        );
        let senior = ids[5];
        broker::act(
            &t.db,
            &north,
            &case,
            fac_account,
            CaseAction::SecondaryMentor(senior),
            now,
        )
        .await
        .expect("secondary");
        let proposals: Vec<_> = tandem_store::relationships::of_person(&t.db, &scope, senior)
            .await
            .expect("of person");
        assert_eq!(proposals.len(), 1);
        assert_eq!(proposals[0].role, tandem_domain::MentorRole::Secondary);
        assert_eq!(proposals[0].mentee_id, mentee);
        broker::act(&t.db, &north, &case, fac_account, CaseAction::Close, now)
            .await
            .expect("close");
        let log = tandem_store::health::entries(&t.db, &scope, case.id)
            .await
            .expect("log");
        let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["note", "contact", "secondary", "closed"]);
        let closed = tandem_store::health::case(&t.db, &scope, case.id)
            .await
            .expect("case")
            .expect("exists");
        assert!(!closed.open);

        // With the asker's agreement, the other side learns that help was
        // asked for, never the words.
        let as_mentor_view = broker::ask_for_help(
            &t.db,
            &north,
            &as_mentor,
            &HelpRequest {
                text: "CANARYMENTORCASE she never prepares".into(),
                other_may_know: true,
            },
            now,
        )
        .await
        .expect("mentor asks");
        let seen = broker::cases_for_side(&t.db, &scope, &as_mentee)
            .await
            .expect("cases");
        let theirs: Vec<_> = seen.iter().filter(|c| !c.mine).collect();
        assert_eq!(theirs.len(), 1);
        assert_eq!(theirs[0].request, None);
        assert!(
            notices(&t.db, &north, mentee)
                .await
                .iter()
                .any(|n| n.contains("asked the program's facilitator")),
        );
        let _ = as_mentor_view;
    }
);

dual_test!(a_chairs_aggregate_hides_groups_under_five, |t| {
    let (north, ids) = world(&t.db).await;
    let scope = InstitutionScope::of(&north);
    // Six pairs in Cardiology, started long ago, none with an agreement
    // or a meeting: all at risk for the same reasons.
    for i in 0..6 {
        pair(&t.db, &north, ids[4 + 2 * i], ids[5 + 2 * i], true).await;
    }
    let now = T0 + Duration::days(120);
    let cardiology = tandem_store::people::get(&t.db, &scope, ids[0])
        .await
        .expect("get")
        .expect("person")
        .division_id;
    let h = tandem_core::health::report::division_health(&t.db, &north, cardiology, now)
        .await
        .expect("aggregate");
    assert_eq!(h.total, Cell::Count(6));
    assert_eq!(h.statuses[2], (Status::AtRisk, Cell::Count(6)));
    // One more, thriving: a group of one is never shown.
    let id = pair(&t.db, &north, ids[0], ids[1], true).await;
    let _ = id;
    let h = tandem_core::health::report::division_health(
        &t.db,
        &north,
        cardiology,
        T0 + Duration::days(5),
    )
    .await
    .expect("aggregate");
    for (_, c) in &h.statuses {
        if let Cell::Count(n) = c {
            assert!(*n == 0 || *n >= 5, "{h:?}");
        }
    }
});

/// An active pair that started at `start`.
async fn pair_since(
    db: &Db,
    institution: &Institution,
    mentee: PersonId,
    mentor: PersonId,
    start: OffsetDateTime,
) -> tandem_domain::MentorshipId {
    let m = tandem_domain::Mentorship {
        id: tandem_domain::MentorshipId::new_random(),
        mentee_id: mentee,
        mentor_id: mentor,
        role: tandem_domain::MentorRole::Primary,
        origin: tandem_domain::MentorshipOrigin::Request,
        status: tandem_domain::MentorshipStatus::Active,
        proposed_at: start,
        started_at: Some(start),
    };
    let mut tx = db.begin().await.expect("tx");
    tandem_store::mentoring::insert_mentorship(
        &mut tx,
        &InstitutionScope::of(institution),
        &m,
        None,
    )
    .await
    .expect("insert");
    tx.commit().await.expect("commit");
    m.id
}

fn form_of(a: &Answers) -> Vec<(String, String)> {
    a.iter()
        .map(|(k, v)| (format!("item_{k}"), v.to_string()))
        .collect()
}

dual_test!(
    over_http_a_flagged_check_in_reaches_its_author_and_the_facilitator_only,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, mentor) = (ids[0], ids[1]);
        let scope = InstitutionScope::of(&north);
        let app = t.spawn_app().await;
        // Ten days in: nothing to flag yet.
        let id = pair_since(
            &t.db,
            &north,
            mentee,
            mentor,
            app.clock.now() - Duration::days(10),
        )
        .await;
        let me = app
            .sign_in("mentee@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let them = app
            .sign_in("mentor@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let facilitator = app
            .sign_in("facilitator@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let chair = app
            .sign_in("chair@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let path = format!("/relationships/{id}");

        // The facilitator's console has seen the pair before the check-in.
        assert_eq!(facilitator.get("/program/health").await.status(), 200);
        let page = me.get(&format!("{path}/checkin")).await;
        assert_eq!(page.status(), 200);
        assert!(
            page.text()
                .await
                .expect("page")
                .contains("Send my check-in")
        );
        // Nothing answered: refused, nothing stored.
        let empty = me
            .post(&format!("{path}/checkin"), &[("comment", "x")])
            .await;
        assert_eq!(empty.status(), 400);
        let mut fields = form_of(&answers(&[("communication", 4)]));
        fields.push(("comment".into(), COMMENT.into()));
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let sent = me.post(&format!("{path}/checkin"), &fields).await;
        assert_eq!(sent.status(), 303);

        // The mentee sees the status, the factor, the remedy and their answers.
        let mine = me.get(&path).await.text().await.expect("page");
        assert!(mine.contains("At risk"), "{mine}");
        assert!(mine.contains("poor communication"));
        assert!(mine.contains("Close each meeting with a recap"));
        let own = me
            .get(&format!("{path}/checkin"))
            .await
            .text()
            .await
            .expect("page");
        assert!(own.contains(COMMENT) && own.contains("Only you can read this comment"));

        // The mentor sees nothing of it, on the page or through the API.
        let theirs = them.get(&path).await.text().await.expect("page");
        for secret in [
            COMMENT,
            "Mostly true",
            "The mentee answered",
            "You answered",
        ] {
            assert!(!theirs.contains(secret), "the mentor saw {secret:?}");
        }
        let api: serde_json::Value = them
            .get(&format!("/api/v1/relationships/{id}/checkins"))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(api, serde_json::json!([]));
        let health: serde_json::Value = them
            .get(&format!("/api/v1/relationships/{id}/health"))
            .await
            .json()
            .await
            .expect("json");
        assert!(!health.to_string().contains("Mostly true"));

        // The facilitator: an alert, the evidence, but not the comment.
        let console = facilitator
            .get("/program/health")
            .await
            .text()
            .await
            .expect("page");
        let newly = &console[console.find("Newly at risk").expect("alerts")
            ..console.find("At risk</h2>").expect("group")];
        assert!(newly.contains("Given0 MENTEEfamily"), "{newly}");
        let detail = facilitator
            .get(&format!("/program/health/{id}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(detail.contains("The mentee answered"));
        assert!(detail.contains("Mostly true"));
        assert!(!detail.contains(COMMENT), "the comment was not shared");
        assert!(detail.contains("1 comment kept private"));
        // Once the mentee shares it, it is there.
        let checkin_id =
            tandem_store::health::checkins(&t.db, &scope, Some(id), Some(Side::Mentee))
                .await
                .expect("checkins")[0]
                .id
                .to_string();
        let shared = me
            .post(
                &format!("{path}/checkin/consent"),
                &[("checkin", checkin_id.as_str()), ("share", "yes")],
            )
            .await;
        assert_eq!(shared.status(), 303);
        let detail = facilitator
            .get(&format!("/program/health/{id}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(detail.contains(COMMENT));
        // Every such read is audited.
        let reads = tandem_store::audit::recent(&t.db, north.id, 100)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.event.action == "read_confidential")
            .count();
        assert!(reads >= 3, "{reads} audited reads");

        // The chair: the division's aggregate only, never the pair.
        let cardiology = tandem_store::people::get(&t.db, &scope, mentee)
            .await
            .expect("get")
            .expect("person")
            .division_id;
        let division = chair
            .get(&format!("/i/north/divisions/{cardiology}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(division.contains("Relationship health"));
        for secret in [COMMENT, "Given0 MENTEEfamily", "Mostly true"] {
            assert!(!division.contains(secret));
        }
        assert!(
            division.contains("&lt;5"),
            "one relationship is a group under five"
        );
        for page in [
            "/program/health".to_string(),
            format!("/program/health/{id}"),
            format!("{path}/checkin"),
            format!("/api/v1/program/health/{id}"),
        ] {
            assert_eq!(chair.get(&page).await.status(), 403, "{page}");
        }

        // Help, asked in confidence: the facilitator reads it, the mentor
        // learns nothing; a secondary mentor is proposed from the case.
        let asked = me
            .post(
                &format!("{path}/help"),
                &[("text", "CANARYHELP she talks over me")],
            )
            .await;
        assert_eq!(asked.status(), 303);
        let mentors_help = them
            .get(&format!("{path}/help"))
            .await
            .text()
            .await
            .expect("page");
        assert!(
            !mentors_help.contains("CANARYHELP") && !mentors_help.contains("asked the program")
        );
        let case = tandem_store::health::cases(&t.db, &scope, Some(id))
            .await
            .expect("cases")[0]
            .id;
        let case_page = facilitator
            .get(&format!("/program/cases/{case}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(case_page.contains("CANARYHELP"));
        assert!(case_page.contains("must not learn that they asked"));
        let senior = ids[5].to_string();
        let proposed = facilitator
            .post(
                &format!("/program/cases/{case}"),
                &[("action", "secondary"), ("mentor", senior.as_str())],
            )
            .await;
        assert_eq!(proposed.status(), 303);
        let pairs = tandem_store::relationships::of_person(&t.db, &scope, ids[5])
            .await
            .expect("pairs");
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].role, tandem_domain::MentorRole::Secondary);
        // A bad action changes nothing.
        let bad = facilitator
            .post(&format!("/program/cases/{case}"), &[("action", "shred")])
            .await;
        assert_eq!(bad.status(), 400);
    }
);

dual_test!(
    over_the_api_a_check_in_is_checked_whole_and_help_is_asked,
    |t| {
        let (north, ids) = world(&t.db).await;
        let id = pair(&t.db, &north, ids[0], ids[1], true).await;
        let app = t.spawn_app().await;
        let mentor = app
            .sign_in("mentor@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let post = |path: String, body: serde_json::Value| {
            mentor
                .client
                .post(app.url(&path))
                .header("x-csrf-token", &mentor.csrf)
                .json(&body)
                .send()
        };
        let bad = post(
            format!("/api/v1/relationships/{id}/checkins"),
            serde_json::json!({"answers": {"respect": 9}}),
        )
        .await
        .expect("post");
        assert_eq!(bad.status(), 400);
        assert!(bad.text().await.expect("body").contains("scale"));
        let unknown = post(
            format!("/api/v1/relationships/{id}/checkins"),
            serde_json::json!({"answers": {"luck": 3}}),
        )
        .await
        .expect("post");
        assert_eq!(unknown.status(), 400);
        let none: serde_json::Value = mentor
            .get(&format!("/api/v1/relationships/{id}/checkins"))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(none, serde_json::json!([]), "nothing half-written");
        let good = post(
            format!("/api/v1/relationships/{id}/checkins"),
            serde_json::json!({"answers": {"experience": 5, "respect": 5}, "comment": "fine"}),
        )
        .await
        .expect("post");
        assert_eq!(good.status(), 201);
        let health: serde_json::Value = mentor
            .get(&format!("/api/v1/relationships/{id}/health"))
            .await
            .json()
            .await
            .expect("json");
        // Nine months without a meeting or an agreement put it at risk on
        // its own; the mentor's answer joins the evidence.
        assert_eq!(health["health"]["status"], "at_risk");
        let evidence = health["health"]["evidence"].as_array().expect("evidence");
        assert!(evidence.iter().any(|e| {
            e["factor"] == "mentor_inexperience"
                && e["source"] == "answer"
                && e["words"]
                    .as_str()
                    .is_some_and(|w| w.starts_with("You answered"))
        }));
        assert!(
            health["health"]["steps"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
        );
        let help = post(
            format!("/api/v1/relationships/{id}/help"),
            serde_json::json!({"text": "I need a second opinion on this", "other_may_know": true}),
        )
        .await
        .expect("post");
        assert_eq!(help.status(), 201);
        let mentee = app
            .sign_in("mentee@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let theirs: serde_json::Value = mentee
            .get(&format!("/api/v1/relationships/{id}/health"))
            .await
            .json()
            .await
            .expect("json");
        let cases = theirs["cases"].to_string();
        assert!(cases.contains("asked the program's facilitator"), "{cases}");
        assert!(!cases.contains("second opinion"));
    }
);

dual_test!(
    a_program_adds_a_licensed_instrument_and_its_pairs_answer_it,
    |t| {
        let (north, ids) = world(&t.db).await;
        let id = pair(&t.db, &north, ids[0], ids[1], true).await;
        let app = t.spawn_app().await;
        let facilitator = app
            .sign_in("facilitator@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let post = |s: &tandem_testkit::Session, path: &str, body: serde_json::Value| {
            s.client
                .post(app.url(path))
                .header("x-csrf-token", &s.csrf)
                .json(&body)
                .send()
        };
        let mut licensed = serde_json::json!({
            "code": "licensed-7",
            "name": "A licensed seven-point check-in",
            "licence": "Used under the program's licence, 2026.",
            "scale": {"min": 1, "max": 7, "labels": ["1", "2", "3", "4", "5", "6", "7"]},
            "items": [
                {"code": "r1", "factor": "mutual_respect", "text": "We respect each other.", "keyed": "positive"},
                {"code": "c1", "factor": "poor_communication", "text": "Things go unsaid.", "keyed": "negative"}
            ],
            "scoring": {"watch_at": 40, "at_risk_at": 70}
        });
        // A broken definition (one label short) is refused whole.
        licensed["scale"]["labels"] = serde_json::json!(["1", "2"]);
        let bad = post(
            &facilitator,
            "/api/v1/program/instruments",
            licensed.clone(),
        )
        .await
        .expect("post");
        assert_eq!(bad.status(), 400);
        assert!(bad.text().await.expect("body").contains("scale.labels"));
        licensed["scale"]["labels"] = serde_json::json!(["1", "2", "3", "4", "5", "6", "7"]);
        let added = post(
            &facilitator,
            "/api/v1/program/instruments",
            licensed.clone(),
        )
        .await
        .expect("post");
        assert_eq!(added.status(), 201);
        let again = post(&facilitator, "/api/v1/program/instruments", licensed)
            .await
            .expect("post");
        assert_eq!(again.status(), 409, "a code is used once");
        let listed: serde_json::Value = facilitator
            .get("/api/v1/program/instruments")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(listed.as_array().map(Vec::len), Some(2));

        // Out-of-range rhythm or an unknown instrument: nothing saved.
        for body in [
            serde_json::json!({"instrument": "licensed-7", "first_after_days": 2, "every_days": 90}),
            serde_json::json!({"instrument": "nope", "first_after_days": 30, "every_days": 90}),
        ] {
            let r = post(&facilitator, "/api/v1/program/checkins", body)
                .await
                .expect("post");
            assert_eq!(r.status(), 400);
        }
        let saved = post(
        &facilitator,
        "/api/v1/program/checkins",
        serde_json::json!({"instrument": "licensed-7", "first_after_days": 14, "every_days": 60}),
    )
    .await
    .expect("post");
        assert_eq!(saved.status(), 200);

        // The pair now answers the licensed instrument; Tandem's items are
        // unknown to it.
        let mentee = app
            .sign_in("mentee@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let page = mentee
            .get(&format!("/relationships/{id}/checkin"))
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains("A licensed seven-point check-in"));
        let old = post(
            &mentee,
            &format!("/api/v1/relationships/{id}/checkins"),
            serde_json::json!({"answers": {"respect": 5}}),
        )
        .await
        .expect("post");
        assert_eq!(old.status(), 400);
        let sent = post(
            &mentee,
            &format!("/api/v1/relationships/{id}/checkins"),
            serde_json::json!({"answers": {"r1": 4, "c1": 1}}),
        )
        .await
        .expect("post");
        assert_eq!(sent.status(), 201);
        let health: serde_json::Value = mentee
            .get(&format!("/api/v1/relationships/{id}/health"))
            .await
            .json()
            .await
            .expect("json");
        // 4 of 7 on respect is a concern of 50, above this instrument's 40.
        let evidence = health["health"]["evidence"].as_array().expect("evidence");
        assert!(
            evidence
                .iter()
                .any(|e| e["factor"] == "mutual_respect" && e["source"] == "answer"),
            "{health}"
        );
        // The mentee may not change the program's instruments.
        let refused = post(
        &mentee,
        "/api/v1/program/checkins",
        serde_json::json!({"instrument": "tandem-2026", "first_after_days": 30, "every_days": 90}),
    )
    .await
    .expect("post");
        assert_eq!(refused.status(), 403);
    }
);

// Found by the API fuzzer (apifuzz/): serde reads a struct from a JSON
// array too, so `[]` (which the document does not allow) opened a case. A
// JSON body that is not an object is a 400 and nothing is done.
dual_test!(
    over_the_api_a_body_that_is_not_an_object_opens_no_case,
    |t| {
        let (north, ids) = world(&t.db).await;
        let id = pair(&t.db, &north, ids[0], ids[1], true).await;
        let scope = InstitutionScope::of(&north);
        let app = t.spawn_app().await;
        let facilitator = app
            .sign_in("facilitator@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let url = app.url(&format!("/api/v1/program/health/{id}/cases"));
        for body in ["[]", "[\"a note\"]", "\"a note\"", "1", "null"] {
            let refused = facilitator
                .client
                .post(&url)
                .header("x-csrf-token", &facilitator.csrf)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("post");
            assert_eq!(refused.status(), 400, "body {body}");
            assert!(
                tandem_store::health::cases(&t.db, &scope, Some(id))
                    .await
                    .expect("cases")
                    .is_empty(),
                "no case after body {body}"
            );
        }
        let opened = facilitator
            .client
            .post(&url)
            .header("x-csrf-token", &facilitator.csrf)
            .json(&serde_json::json!({ "note": "first contact" }))
            .send()
            .await
            .expect("post");
        assert_eq!(opened.status(), 201);
        assert_eq!(
            tandem_store::health::cases(&t.db, &scope, Some(id))
                .await
                .expect("cases")
                .len(),
            1
        );
    }
);
