//! Finding a mentor, through the core use cases on both databases:
//! requests expire (with a reminder first), answers are private where they
//! should be, conflicts are refused, and feedback needs five answers.

use crate::support::*;
use tandem_core::mentoring::feedback::{self, MentorFeedback};
use tandem_core::mentoring::requests::{self, Answer};
use tandem_core::mentoring::{MentoringError, MentoringPool, SuggestionFilter};
use tandem_core::roster::{NoProgress, parse_roster};
use tandem_domain::{
    Institution, MentoringProfile, MentorshipStatus, PersonId, RequestStatus, TagList,
};
use tandem_store::mentoring::FeedbackAnswers;
use tandem_store::{Db, InstitutionScope};
use tandem_testkit::dual_test;
use time::{Duration, OffsetDateTime, macros::datetime};

const T0: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

/// A small division: a mentee who reports to BOSS, two free mentors, a
/// chair, and six former mentees of M1 for feedback.
async fn world(db: &Db) -> (Institution, Vec<PersonId>) {
    let institution = create_institution(db, "north").await;
    let mut csv = format!("{HEADER}\n");
    let rows = [
        ("MENTEE", "assistant_professor", "BOSS", "none"),
        ("BOSS", "professor", "", "none"),
        ("M1", "professor", "", "none"),
        ("M2", "associate_professor", "", "none"),
        ("CHAIR", "professor", "", "department_chair"),
    ];
    for (i, (code, rank, boss, leadership)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "{code},Given{i},{code}family,{code}@north.org,Medicine,Cardiology,{rank},scientist,F,2010-01-01,{boss},,{leadership},,,,,\n"
        ));
    }
    for i in 0..6 {
        csv.push_str(&format!(
            "FORMER{i},Former{i},Mentee{i},former{i}@north.org,Medicine,Cardiology,lecturer,teacher,M,2020-01-01,,,none,,,,,\n"
        ));
    }
    let records = parse_roster(csv.as_bytes()).expect("roster");
    tandem_core::roster::import_roster(
        db,
        &institution,
        &records,
        T0,
        &mut uuid::Uuid::new_v4,
        &NoProgress,
    )
    .await
    .expect("import");
    let scope = InstitutionScope::of(&institution);
    let people = tandem_store::people::all(db, &scope).await.expect("people");
    let id = |code: &str| {
        people
            .iter()
            .find(|p| p.employee_id == code)
            .map(|p| p.id)
            .expect("person")
    };
    let ids: Vec<PersonId> = ["MENTEE", "BOSS", "M1", "M2", "CHAIR"]
        .iter()
        .map(|c| id(c))
        .chain((0..6).map(|i| id(&format!("FORMER{i}"))))
        .collect();
    for (mentor, capacity) in [(ids[1], 2), (ids[2], 8), (ids[3], 1), (ids[4], 2)] {
        let mut m = MentoringProfile::empty(mentor);
        m.mentor_capacity = capacity;
        m.looking_for = TagList::from_tags(["career planning"]);
        tandem_store::mentoring::save_profile(db, &scope, &m, T0)
            .await
            .expect("save");
    }
    (institution, ids)
}

/// The text of a refusal of any kind: a bad request (400), the records'
/// state (409) or the wrong caller (403).
fn refused(result: Result<impl std::fmt::Debug, MentoringError>) -> String {
    match result {
        Err(
            MentoringError::Refused(text)
            | MentoringError::Conflict(text)
            | MentoringError::NotAllowed(text),
        ) => text,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn notes(db: &Db, institution: &Institution, person: PersonId) -> Vec<String> {
    tandem_store::mentoring::notifications(db, &InstitutionScope::of(institution), person, 50)
        .await
        .expect("notifications")
        .into_iter()
        .map(|n| n.body)
        .collect()
}

dual_test!(unanswered_requests_remind_then_expire, |t| {
    let (north, ids) = world(&t.db).await;
    let (mentee, m1) = (ids[0], ids[2]);
    let sent = requests::send(&t.db, &north, mentee, m1, "Could we meet?", T0)
        .await
        .expect("sent");
    assert_eq!(sent.expires_at, T0 + Duration::days(14));

    // Day 10: nothing due.
    let sweep = requests::sweep(&t.db, T0 + Duration::days(10))
        .await
        .expect("sweep");
    assert_eq!((sweep.expired, sweep.reminded), (0, 0));
    // Day 11 (three days before expiry): one reminder, once.
    let day11 = T0 + Duration::days(11) + Duration::seconds(1);
    assert_eq!(
        requests::sweep(&t.db, day11).await.expect("sweep").reminded,
        1
    );
    assert_eq!(
        requests::sweep(&t.db, day11).await.expect("sweep").reminded,
        0
    );
    assert!(notes(&t.db, &north, m1).await.iter().any(|n| {
        n.starts_with("Reminder: Given0 MENTEEfamily's request expires on 16 March 2026")
    }));

    // Day 14: expired as soon as its time is up, before any sweep.
    let day14 = T0 + Duration::days(14);
    let scope = InstitutionScope::of(&north);
    let read = tandem_store::mentoring::request(&t.db, &scope, sent.id, day14)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(read.status, RequestStatus::Expired);
    let late = requests::answer(&t.db, &north, m1, sent.id, Answer::Accept, day14).await;
    assert!(refused(late).contains("expired"));
    assert_eq!(
        requests::sweep(&t.db, day14).await.expect("sweep").expired,
        1
    );
    // Expired for good, and the mentee may ask again.
    assert!(
        requests::send(&t.db, &north, mentee, m1, "Trying again", day14)
            .await
            .is_ok()
    );
});

dual_test!(
    answers_pair_people_keep_reasons_private_and_refuse_conflicts,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, boss, m1, m2, chair) = (ids[0], ids[1], ids[2], ids[3], ids[4]);
        let scope = InstitutionScope::of(&north);

        // Conflicts of interest are refused with their reason.
        let to_boss = requests::send(&t.db, &north, mentee, boss, "", T0).await;
        assert!(refused(to_boss).contains("supervisor"));
        let to_chair = requests::send(&t.db, &north, mentee, chair, "", T0).await;
        assert!(refused(to_chair).contains("department chair"));

        let r1 = requests::send(&t.db, &north, mentee, m1, "Hello", T0)
            .await
            .expect("to m1");
        let r2 = requests::send(&t.db, &north, mentee, m2, "Hello", T0)
            .await
            .expect("to m2");
        let again = requests::send(&t.db, &north, mentee, m2, "Hello again", T0).await;
        assert!(refused(again).contains("already asked"));

        // Someone else cannot answer a request addressed to m1.
        assert!(matches!(
            requests::answer(&t.db, &north, m2, r1.id, Answer::Accept, T0).await,
            Err(MentoringError::NotFound)
        ));

        // m1 declines with a reason only m1 keeps.
        let reason = "PRIVATE-REASON too many mentees this year";
        requests::answer(
            &t.db,
            &north,
            m1,
            r1.id,
            Answer::Decline(Some(reason.into())),
            T0 + Duration::hours(1),
        )
        .await
        .expect("declined");
        let mentee_view = tandem_store::mentoring::requests_of(&t.db, &scope, mentee, false, T0)
            .await
            .expect("requests");
        assert!(format!("{mentee_view:?}").contains("Declined"));
        assert!(!format!("{mentee_view:?}").contains("PRIVATE-REASON"));
        assert!(
            notes(&t.db, &north, mentee)
                .await
                .iter()
                .all(|n| !n.contains("PRIVATE-REASON"))
        );

        // m2 accepts: the pair starts, m2 (capacity 1) is now full and no
        // longer suggested to anyone.
        requests::answer(
            &t.db,
            &north,
            m2,
            r2.id,
            Answer::Accept,
            T0 + Duration::hours(2),
        )
        .await
        .expect("accepted");
        let pairs = tandem_store::mentoring::mentorships_of(&t.db, &scope, mentee)
            .await
            .expect("pairs");
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].mentor_id, m2);
        assert_eq!(pairs[0].status, MentorshipStatus::Active);
        let pool = MentoringPool::load(&t.db, &scope).await.expect("pool");
        let former = pool.person(ids[5]).expect("person").clone();
        let suggested: Vec<PersonId> = pool
            .suggestions(&former, &SuggestionFilter::default(), 10)
            .items
            .iter()
            .map(|s| s.mentor_id)
            .collect();
        assert!(!suggested.contains(&m2), "a full mentor is not suggested");
        assert!(
            !suggested.contains(&chair),
            "a barred role is not suggested"
        );
        assert!(suggested.contains(&m1));

        // The mentee's other pending requests go in one step.
        let r3 = requests::send(
            &t.db,
            &north,
            mentee,
            m1,
            "Secondary?",
            T0 + Duration::hours(3),
        )
        .await
        .expect("to m1 again");
        let withdrawn = requests::withdraw_all(&t.db, &north, mentee, T0 + Duration::hours(4))
            .await
            .expect("withdraw");
        assert_eq!(withdrawn, 1);
        let r3 = tandem_store::mentoring::request(&t.db, &scope, r3.id, T0 + Duration::hours(5))
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(r3.status, RequestStatus::Withdrawn);

        // Time to match is recorded from the first request to the acceptance.
        let times = tandem_store::mentoring::match_times(&t.db, &scope)
            .await
            .expect("times");
        assert_eq!(times, vec![(mentee, T0, Some(T0 + Duration::hours(2)))]);
    }
);

dual_test!(mentor_feedback_shows_only_from_five_answers, |t| {
    let (north, ids) = world(&t.db).await;
    let m1 = ids[2];
    let scope = InstitutionScope::of(&north);
    let answers = FeedbackAnswers {
        would_recommend: true,
        available: 4,
        helpful: 5,
        respectful: 5,
    };
    // A stranger cannot answer about m1.
    let stranger = feedback::give(&t.db, &north, ids[0], m1, answers, T0).await;
    assert!(refused(stranger).contains("own mentees"));
    for (n, former) in ids[5..].iter().enumerate() {
        let request = requests::send(&t.db, &north, *former, m1, "", T0)
            .await
            .expect("request");
        requests::answer(&t.db, &north, m1, request.id, Answer::Accept, T0)
            .await
            .expect("accept");
        feedback::give(&t.db, &north, *former, m1, answers, T0)
            .await
            .expect("feedback");
        let shown = feedback::about(&t.db, &scope, m1).await.expect("about");
        if n + 1 < 5 {
            assert_eq!(shown, MentorFeedback::TooFewAnswers, "{} answers", n + 1);
        } else {
            let MentorFeedback::Summary(s) = shown else {
                panic!("{} answers are enough", n + 1);
            };
            assert_eq!(s.answers, n as u64 + 1);
            assert_eq!(s.recommend_percent, 100);
        }
    }
});

dual_test!(
    a_mentee_requests_over_the_api_and_the_mentor_accepts_on_the_page,
    |t| {
        let (north, ids) = world(&t.db).await;
        let m1 = ids[2];
        tandem_testkit::create_account(
            &t.db,
            Some(&north),
            Some("MENTEE"),
            "mentee@north",
            &[(tandem_domain::Role::Mentee, None)],
        )
        .await;
        tandem_testkit::create_account(
            &t.db,
            Some(&north),
            Some("M1"),
            "m1@north",
            &[(tandem_domain::Role::Mentor, None)],
        )
        .await;
        let app = t.spawn_app().await;
        let mentee = app
            .sign_in("mentee@north", tandem_testkit::TEST_PASSWORD)
            .await;

        // Suggestions explain themselves and leave out the supervisor and the
        // barred chair.
        let suggestions: serde_json::Value = mentee
            .get("/api/v1/me/suggestions")
            .await
            .json()
            .await
            .expect("json");
        let items = suggestions["items"].as_array().expect("items");
        let names: Vec<&str> = items.iter().filter_map(|i| i["name"].as_str()).collect();
        assert!(names.contains(&"Given2 M1family"), "{names:?}");
        assert!(!names.contains(&"Given1 BOSSfamily"));
        assert!(!names.contains(&"Given4 CHAIRfamily"));
        assert!(items.iter().all(|i| i["fit"]["reasons"].is_array()));

        let sent = mentee
            .client
            .post(app.url("/api/v1/me/requests"))
            .header("x-csrf-token", &mentee.csrf)
            .json(&serde_json::json!({ "mentor_id": m1.0, "message": "Could we meet monthly?" }))
            .send()
            .await
            .expect("post");
        assert_eq!(sent.status(), 201);
        let request: serde_json::Value = sent.json().await.expect("json");
        let id = request["id"].as_str().expect("id").to_string();
        // The mentor's page as JSON: the fit, no exclusion, feedback hidden
        // under five answers; the supervisor comes with the reason.
        let about: serde_json::Value = mentee
            .get(&format!("/api/v1/mentors/{m1}"))
            .await
            .json()
            .await
            .expect("json");
        assert!(about["fit"]["score"].as_u64().is_some());
        assert_eq!(about["exclusions"], serde_json::json!([]));
        assert_eq!(about["feedback"]["kind"], "too_few_answers");
        let boss: serde_json::Value = mentee
            .get(&format!("/api/v1/mentors/{}", ids[1]))
            .await
            .json()
            .await
            .expect("json");
        assert!(
            boss["exclusions"][0]
                .as_str()
                .is_some_and(|e| e.contains("supervisor"))
        );

        let mentor = app.sign_in("m1@north", tandem_testkit::TEST_PASSWORD).await;
        let page = mentor.get("/requests").await.text().await.expect("page");
        assert!(page.contains("Could we meet monthly?"));
        assert!(page.contains(&format!("/requests/{id}/accept")));
        let accepted = mentor.post(&format!("/requests/{id}/accept"), &[]).await;
        assert_eq!(accepted.status(), 303);
        // Answering twice is refused with a reason: it was answered (409).
        let again = mentor.post(&format!("/requests/{id}/accept"), &[]).await;
        assert_eq!(again.status(), 409);

        let page = mentee.get("/requests").await.text().await.expect("page");
        assert!(page.contains("accepted your request"), "{page}");
        assert!(page.contains("your primary mentor since"));
    }
);

dual_test!(
    a_facilitator_sets_the_program_rules_and_bad_input_saves_nothing,
    |t| {
        let (north, _) = world(&t.db).await;
        tandem_testkit::create_account(
            &t.db,
            Some(&north),
            None,
            "facilitator@north",
            &[(tandem_domain::Role::Facilitator, Some("Cardiology"))],
        )
        .await;
        let app = t.spawn_app().await;
        let s = app
            .sign_in("facilitator@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let form = |reminder: &'static str| {
            vec![
                ("shared_values", "40"),
                ("personal_connection", "10"),
                ("working_style", "10"),
                ("complementary_interests", "10"),
                ("seniority", "20"),
                ("experience", "10"),
                ("competition_penalty", "25"),
                ("barred", "department_chair"),
                ("request_expiry_days", "10"),
                ("reminder_days", reminder),
            ]
        };
        assert_eq!(s.post("/program", &form("2")).await.status(), 303);
        let scope = InstitutionScope::of(&north);
        let saved = tandem_core::mentoring::settings::load(&t.db, &scope)
            .await
            .expect("load");
        assert_eq!(saved.weights.shared_values, 40);
        assert_eq!(saved.request_expiry_days, 10);
        assert_eq!(
            saved.rules.barred_leadership,
            vec![tandem_domain::Leadership::DepartmentChair]
        );
        // A reminder after the expiry is refused, and nothing changes.
        let refused = s.post("/program", &form("12")).await;
        assert_eq!(refused.status(), 400);
        assert!(
            refused
                .text()
                .await
                .expect("page")
                .contains("Nothing was saved")
        );
        let again = tandem_core::mentoring::settings::load(&t.db, &scope)
            .await
            .expect("load");
        assert_eq!(again, saved);

        // The API reads the same rules and refuses out-of-range ones.
        let read: serde_json::Value = s.get("/api/v1/program").await.json().await.expect("json");
        assert_eq!(read["weights"]["shared_values"], 40);
        let post = |body: serde_json::Value| {
            s.client
                .post(app.url("/api/v1/program"))
                .header("x-csrf-token", &s.csrf)
                .json(&body)
                .send()
        };
        let mut bad = read.clone();
        bad["weights"]["seniority"] = serde_json::json!(500);
        assert_eq!(post(bad).await.expect("post").status(), 400);
        let mut good = read;
        good["request_expiry_days"] = serde_json::json!(21);
        assert_eq!(post(good).await.expect("post").status(), 200);
        let now = tandem_core::mentoring::settings::load(&t.db, &scope)
            .await
            .expect("load");
        assert_eq!(now.request_expiry_days, 21);
        assert_eq!(now.weights.seniority, 20);
    }
);

/// The round id in a redirect to /rounds/{id}.
fn round_location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a redirect")
        .to_string()
}

dual_test!(
    a_facilitator_runs_adjusts_and_publishes_a_round_and_both_sides_accept,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, boss, m1, m2) = (ids[0], ids[1], ids[2], ids[3]);
        tandem_testkit::create_account(
            &t.db,
            Some(&north),
            None,
            "facilitator@north",
            &[(tandem_domain::Role::Facilitator, Some("Cardiology"))],
        )
        .await;
        for (code, user) in [("MENTEE", "mentee@north"), ("M2", "m2@north")] {
            tandem_testkit::create_account(
                &t.db,
                Some(&north),
                Some(code),
                user,
                &[(tandem_domain::Role::Mentee, None)],
            )
            .await;
        }
        let app = t.spawn_app().await;
        let f = app
            .sign_in("facilitator@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let created = f
            .post(
                "/rounds",
                &[
                    ("name", "Spring cohort"),
                    ("cohort", "list"),
                    ("employee_ids", "MENTEE, FORMER0 FORMER1"),
                    ("method", "optimal"),
                    ("team_size", "1"),
                ],
            )
            .await;
        assert_eq!(created.status(), 303);
        let location = round_location(&created);
        let page = f.get(&location).await.text().await.expect("preview");
        assert!(page.contains("Proposed pairs (3)"), "{page}");
        // The mentee's supervisor is never proposed to them.
        let scope = InstitutionScope::of(&north);
        let id: uuid::Uuid = location.trim_start_matches("/rounds/").parse().expect("id");
        let round = tandem_core::mentoring::rounds::load(&t.db, &scope, id)
            .await
            .expect("load")
            .expect("round");
        assert!(
            round
                .result
                .pairs
                .iter()
                .all(|p| !(p.mentee == mentee && p.mentor == boss))
        );
        assert!(!round.result.cost_digest.is_empty());

        // Lock the mentee with m2, forbid former0 with m1: the round re-runs.
        let lock = f
            .post(
                &format!("{location}/adjust"),
                &[
                    ("action", "lock"),
                    ("mentee", &mentee.to_string()),
                    ("mentor", &m2.to_string()),
                ],
            )
            .await;
        assert_eq!(lock.status(), 303);
        let forbid = f
            .post(
                &format!("{location}/adjust"),
                &[
                    ("action", "forbid"),
                    ("mentee", &ids[5].to_string()),
                    ("mentor", &m1.to_string()),
                ],
            )
            .await;
        assert_eq!(forbid.status(), 303);
        // Locking the supervisor is refused with the reason.
        let refused = f
            .post(
                &format!("{location}/adjust"),
                &[
                    ("action", "lock"),
                    ("mentee", &mentee.to_string()),
                    ("mentor", &boss.to_string()),
                ],
            )
            .await;
        assert_eq!(refused.status(), 400);
        assert!(refused.text().await.expect("page").contains("supervisor"));
        let round = tandem_core::mentoring::rounds::load(&t.db, &scope, id)
            .await
            .expect("load")
            .expect("round");
        assert!(
            round
                .result
                .pairs
                .iter()
                .any(|p| p.mentee == mentee && p.mentor == m2 && p.locked)
        );
        assert!(
            round
                .result
                .pairs
                .iter()
                .all(|p| !(p.mentee == ids[5] && p.mentor == m1))
        );

        // Publish: proposals, not pairs, until both accept.
        assert_eq!(
            f.post(&format!("{location}/publish"), &[]).await.status(),
            303
        );
        assert_eq!(
            f.post(&format!("{location}/publish"), &[]).await.status(),
            409
        );
        let mentee_session = app
            .sign_in("mentee@north", tandem_testkit::TEST_PASSWORD)
            .await;
        let page = mentee_session
            .get("/requests")
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains("Proposed by a round"));
        let proposal = tandem_store::rounds::proposals_of(&t.db, &scope, mentee)
            .await
            .expect("proposals");
        assert_eq!(proposal.len(), 1);
        let accept = format!("/proposals/{}/accept", proposal[0].id);
        assert_eq!(mentee_session.post(&accept, &[]).await.status(), 303);
        let pairs = tandem_store::mentoring::mentorships_of(&t.db, &scope, mentee)
            .await
            .expect("pairs");
        assert_eq!(pairs[0].status, MentorshipStatus::Proposed, "one side only");
        let mentor_session = app.sign_in("m2@north", tandem_testkit::TEST_PASSWORD).await;
        assert_eq!(mentor_session.post(&accept, &[]).await.status(), 303);
        let pairs = tandem_store::mentoring::mentorships_of(&t.db, &scope, mentee)
            .await
            .expect("pairs");
        assert_eq!(pairs[0].status, MentorshipStatus::Active);
        // A third party cannot answer someone else's proposal.
        assert_eq!(f.post(&accept, &[]).await.status(), 404);
        // The round's life is in the audit log.
        let actions: Vec<String> = tandem_store::audit::recent(&t.db, north.id, 50)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.event.resource == format!("round:{id}"))
            .map(|e| e.event.action)
            .collect();
        for action in ["round_created", "round_adjusted", "round_published"] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} in {actions:?}"
            );
        }
    }
);

dual_test!(
    cached_pools_see_every_change_to_people_and_mentoring_profiles,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, m1) = (ids[0], ids[2]);
        let scope = InstitutionScope::of(&north);
        let cache = tandem_core::mentoring::PoolCache::default();
        let suggested = |pool: &MentoringPool| -> Vec<PersonId> {
            let me = pool.person(mentee).expect("mentee").clone();
            pool.suggestions(&me, &SuggestionFilter::default(), 10)
                .items
                .iter()
                .map(|s| s.mentor_id)
                .collect()
        };
        let first = MentoringPool::load_cached(&t.db, &scope, &cache)
            .await
            .expect("pool");
        assert!(suggested(&first).contains(&m1));

        // m1 stops taking mentees: the next load sees it.
        let mut profile = tandem_store::mentoring::profile(&t.db, &scope, m1)
            .await
            .expect("profile");
        profile.mentor_capacity = 0;
        tandem_store::mentoring::save_profile(&t.db, &scope, &profile, T0)
            .await
            .expect("save");
        let second = MentoringPool::load_cached(&t.db, &scope, &cache)
            .await
            .expect("pool");
        assert!(!suggested(&second).contains(&m1));

        // A roster import in another process moves m1 into the mentee's
        // reporting line... here, the same store call the import makes.
        profile.mentor_capacity = 8;
        tandem_store::mentoring::save_profile(&t.db, &scope, &profile, T0)
            .await
            .expect("save");
        let mut people = tandem_store::people::all(&t.db, &scope)
            .await
            .expect("people");
        let me = people.iter_mut().find(|p| p.id == mentee).expect("mentee");
        me.supervisor_id = Some(m1);
        let changes = tandem_store::roster::RosterChanges {
            updates: vec![me.clone()],
            ..Default::default()
        };
        tandem_store::roster::apply(&t.db, &scope, &changes, T0, &|_| {})
            .await
            .expect("apply");
        let third = MentoringPool::load_cached(&t.db, &scope, &cache)
            .await
            .expect("pool");
        assert!(
            !suggested(&third).contains(&m1),
            "a new supervisor is never suggested, cache or not"
        );
        // Unchanged, the cached roster is reused and agrees with a fresh load.
        let fourth = MentoringPool::load_cached(&t.db, &scope, &cache)
            .await
            .expect("pool");
        let fresh = MentoringPool::load(&t.db, &scope).await.expect("pool");
        assert_eq!(suggested(&fourth), suggested(&fresh));
    }
);

dual_test!(
    declining_with_keep_apart_stops_suggestions_and_requests_both_ways,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, m1) = (ids[0], ids[2]);
        tandem_testkit::create_account(
            &t.db,
            Some(&north),
            Some("M1"),
            "m1@north",
            &[(tandem_domain::Role::Mentor, None)],
        )
        .await;
        let app = t.spawn_app().await;
        let now = tandem_core::clock::Clock::now(app.clock.as_ref());
        let request = requests::send(&t.db, &north, mentee, m1, "Hello", now)
            .await
            .expect("sent");
        let mentor = app.sign_in("m1@north", tandem_testkit::TEST_PASSWORD).await;
        let declined = mentor
            .post(
                &format!("/requests/{}/decline", request.id),
                &[("reason", ""), ("apart", "yes")],
            )
            .await;
        assert_eq!(declined.status(), 303);
        let again = requests::send(&t.db, &north, mentee, m1, "Please?", now).await;
        assert!(refused(again).contains("asked not to be matched"));
        let scope = InstitutionScope::of(&north);
        let pool = MentoringPool::load(&t.db, &scope).await.expect("pool");
        let me = pool.person(mentee).expect("mentee").clone();
        assert!(
            pool.suggestions(&me, &SuggestionFilter::default(), 20)
                .items
                .iter()
                .all(|s| s.mentor_id != m1)
        );
    }
);

dual_test!(
    stable_rounds_collect_rankings_from_both_sides_and_follow_them,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (m2, former0, former1) = (ids[3], ids[5], ids[6]);
        let scope = InstitutionScope::of(&north);
        tandem_testkit::create_account(
            &t.db,
            Some(&north),
            Some("M2"),
            "m2@north",
            &[(tandem_domain::Role::Mentor, None)],
        )
        .await;
        let facilitator = tandem_store::accounts::create(
            &t.db,
            tandem_store::accounts::NewAccount {
                institution_id: Some(north.id),
                person_id: None,
                username: "f@north",
                password_hash: "never signs in",
            },
            T0,
        )
        .await
        .expect("account");
        let round = tandem_core::mentoring::rounds::create(
            &t.db,
            &north,
            facilitator,
            &tandem_core::mentoring::rounds::NewRound {
                name: "Stable spring".into(),
                cohort: tandem_core::mentoring::rounds::Cohort::EmployeeIds(vec![
                    "FORMER0".into(),
                    "FORMER1".into(),
                ]),
                method: tandem_core::mentoring::rounds::Method::Stable,
                team_size: 1,
            },
            T0,
        )
        .await
        .expect("round");
        // Everyone taking part is asked to rank.
        assert!(
            tandem_store::mentoring::notifications(&t.db, &scope, m2, 10)
                .await
                .expect("notes")
                .iter()
                .any(|n| n.link == format!("/rounds/{round}/rank"))
        );
        // Both mentees want m2 most; m2 (one place) ranks former1 first, on
        // the page.
        for mentee in [former0, former1] {
            tandem_core::mentoring::rounds::submit_ranking(&t.db, &north, round, mentee, &[m2], T0)
                .await
                .expect("ranked");
        }
        let app = t.spawn_app().await;
        let m2_session = app.sign_in("m2@north", tandem_testkit::TEST_PASSWORD).await;
        let sheet = m2_session
            .get(&format!("/rounds/{round}/rank"))
            .await
            .text()
            .await
            .expect("sheet");
        assert!(sheet.contains("Former1 Mentee1"), "{sheet}");
        let saved = m2_session
            .post(
                &format!("/rounds/{round}/rank"),
                &[
                    (format!("place_{former1}").as_str(), "1"),
                    (format!("place_{former0}").as_str(), "2"),
                ],
            )
            .await;
        assert_eq!(saved.status(), 303);
        let rerun = |_: ()| async {
            tandem_core::mentoring::rounds::adjust(
                &t.db,
                &north,
                round,
                tandem_core::mentoring::rounds::Adjustment::Rerun,
                T0,
            )
            .await
            .expect("re-run")
        };
        let first = rerun(()).await;
        let has = |r: &tandem_core::mentoring::rounds::Round, a: PersonId, b: PersonId| {
            r.result
                .pairs
                .iter()
                .any(|p| p.mentee == a && p.mentor == b)
        };
        assert!(has(&first, former1, m2) && !has(&first, former0, m2));
        // m2 changes their mind: the next run follows.
        tandem_core::mentoring::rounds::submit_ranking(
            &t.db,
            &north,
            round,
            m2,
            &[former0, former1],
            T0,
        )
        .await
        .expect("ranked");
        let second = rerun(()).await;
        assert!(has(&second, former0, m2) && !has(&second, former1, m2));
        assert_eq!(
            second.inputs.rankings.len(),
            3,
            "the inputs keep the rankings"
        );
        // Ranking someone off the sheet is refused; so is a stranger's sheet.
        let off_sheet =
            tandem_core::mentoring::rounds::submit_ranking(&t.db, &north, round, m2, &[m2], T0)
                .await;
        assert!(refused(off_sheet).contains("candidates listed"));
        assert!(matches!(
            tandem_core::mentoring::rounds::ranking_sheet(&t.db, &scope, round, ids[0]).await,
            Err(MentoringError::NotFound)
        ));
    }
);
