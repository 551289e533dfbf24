//! Relationships (issue 6) on both databases: proposals start only when
//! both accept; ending is no-fault, its private reason never reaches the
//! other side, a chair, a facilitator or any aggregate under five; two
//! people acting at once cannot both win.

use crate::support::*;
use tandem_core::mentoring::MentoringError;
use tandem_core::relationships::{self, EndingInput, EndingReasons};
use tandem_core::roster::{NoProgress, parse_roster};
use tandem_domain::relationship::Action;
use tandem_domain::{
    Ending, FailureFactor, Institution, MentorRole, Mentorship, MentorshipId, MentorshipOrigin,
    MentorshipStatus, PersonId, RelationshipState, Role,
};
use tandem_store::{Db, InstitutionScope};
use tandem_testkit::{TEST_PASSWORD, create_account, dual_test};
use time::{OffsetDateTime, macros::datetime};

const T0: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);
const NOTE: &str = "CANARYENDNOTE the meetings kept slipping";

/// A division with mentees, mentors, a division director and a
/// facilitator; everyone with a person has an account.
pub async fn world(db: &Db) -> (Institution, Vec<PersonId>) {
    let institution = create_institution(db, "north").await;
    let mut csv = format!("{HEADER}\n");
    let codes = [
        ("MENTEE", "assistant_professor", "none"),
        ("MENTOR", "professor", "none"),
        ("CHAIR", "professor", "division_director"),
        ("FACIL", "associate_professor", "none"),
    ];
    for (i, (code, rank, leadership)) in codes.iter().enumerate() {
        csv.push_str(&format!(
            "{code},Given{i},{code}family,{code}@north.org,Medicine,Cardiology,{rank},scientist,F,2010-01-01,,,{leadership},,,,,\n"
        ));
    }
    for i in 0..6 {
        csv.push_str(&format!(
            "JUNIOR{i},Junior{i},Person{i},junior{i}@north.org,Medicine,Cardiology,lecturer,teacher,M,2020-01-01,,,none,,,,,\n"
        ));
        csv.push_str(&format!(
            "SENIOR{i},Senior{i},Person{i},senior{i}@north.org,Medicine,Cardiology,professor,scientist,F,2000-01-01,,,none,,,,,\n"
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
    let mut ids: Vec<PersonId> = codes.iter().map(|(c, _, _)| id(c)).collect();
    for i in 0..6 {
        ids.push(id(&format!("JUNIOR{i}")));
        ids.push(id(&format!("SENIOR{i}")));
    }
    for (code, user, role, unit) in [
        ("MENTEE", "mentee@north", Role::Mentee, None),
        ("MENTOR", "mentor@north", Role::Mentor, None),
        ("CHAIR", "chair@north", Role::UnitLeader, Some("Cardiology")),
        (
            "FACIL",
            "facilitator@north",
            Role::Facilitator,
            Some("Cardiology"),
        ),
    ] {
        create_account(db, Some(&institution), Some(code), user, &[(role, unit)]).await;
    }
    // Mentors with room, so a mentee whose relationship ends is offered
    // new suggestions.
    for i in 0..6 {
        let mut m = tandem_domain::MentoringProfile::empty(ids[5 + 2 * i]);
        m.mentor_capacity = 3;
        tandem_store::mentoring::save_profile(db, &scope, &m, T0)
            .await
            .expect("profile");
    }
    (institution, ids)
}

/// Stores a pair directly: active, or proposed and waiting for both.
pub async fn pair(
    db: &Db,
    institution: &Institution,
    mentee: PersonId,
    mentor: PersonId,
    active: bool,
) -> MentorshipId {
    let scope = InstitutionScope::of(institution);
    let m = Mentorship {
        id: MentorshipId::new_random(),
        mentee_id: mentee,
        mentor_id: mentor,
        role: MentorRole::Primary,
        origin: MentorshipOrigin::Round,
        status: if active {
            MentorshipStatus::Active
        } else {
            MentorshipStatus::Proposed
        },
        proposed_at: T0,
        started_at: active.then_some(T0),
    };
    let mut tx = db.begin().await.expect("tx");
    tandem_store::mentoring::insert_mentorship(&mut tx, &scope, &m, None)
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    m.id
}

async fn state_of(db: &Db, institution: &Institution, id: MentorshipId) -> RelationshipState {
    tandem_store::relationships::get(db, &InstitutionScope::of(institution), id)
        .await
        .expect("get")
        .expect("exists")
        .state
}

dual_test!(a_proposal_starts_only_once_both_sides_accept, |t| {
    let (north, ids) = world(&t.db).await;
    let (mentee, mentor, chair) = (ids[0], ids[1], ids[2]);
    let id = pair(&t.db, &north, mentee, mentor, false).await;
    let after = relationships::act(&t.db, &north, id, mentor, Action::Accept, T0)
        .await
        .expect("mentor accepts");
    assert_eq!(
        after.state,
        RelationshipState::Proposed {
            mentee_accepted: false,
            mentor_accepted: true
        }
    );
    // Someone who is neither side cannot touch it: as if it did not exist.
    assert!(matches!(
        relationships::act(&t.db, &north, id, chair, Action::Accept, T0).await,
        Err(MentoringError::NotFound)
    ));
    relationships::act(&t.db, &north, id, mentee, Action::Accept, T0)
        .await
        .expect("mentee accepts");
    assert!(state_of(&t.db, &north, id).await.is_active());
    let stored = tandem_store::relationships::get(&t.db, &InstitutionScope::of(&north), id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(stored.started_at, Some(T0));
    // Accepting again is refused with the reason, not silently repeated.
    assert!(matches!(
        relationships::act(&t.db, &north, id, mentee, Action::Accept, T0).await,
        Err(MentoringError::Conflict(_))
    ));
    // Completing needs both sides.
    relationships::act(&t.db, &north, id, mentor, Action::Complete, T0)
        .await
        .expect("propose completion");
    assert!(state_of(&t.db, &north, id).await.is_active());
    relationships::act(&t.db, &north, id, mentee, Action::Complete, T0)
        .await
        .expect("agree");
    assert_eq!(
        state_of(&t.db, &north, id).await,
        RelationshipState::Ended {
            ending: Ending::Completed
        }
    );
});

dual_test!(two_sides_ending_at_once_cannot_both_win, |t| {
    let (north, ids) = world(&t.db).await;
    let (mentee, mentor) = (ids[0], ids[1]);
    let id = pair(&t.db, &north, mentee, mentor, true).await;
    let input = EndingInput::default();
    let (a, b) = tokio::join!(
        relationships::end(&t.db, &north, id, mentee, &input, T0),
        relationships::end(&t.db, &north, id, mentor, &input, T0),
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one ending wins: {a:?} / {b:?}"
    );
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(loser, Err(MentoringError::Conflict(_))),
        "{loser:?}"
    );
    let RelationshipState::Ended { ending } = state_of(&t.db, &north, id).await else {
        panic!("ended");
    };
    assert!(matches!(ending, Ending::ByMentee | Ending::ByMentor));
    // A write based on what was read before the ending loses.
    let scope = InstitutionScope::of(&north);
    let mut stale = tandem_store::relationships::get(&t.db, &scope, id)
        .await
        .expect("get")
        .expect("exists");
    stale.version -= 1;
    let mut tx = t.db.begin().await.expect("tx");
    let saved = tandem_store::relationships::save_state_in(
        &mut tx,
        &scope,
        &stale,
        RelationshipState::Active {
            completion_proposed_by: None,
        },
        T0,
    )
    .await
    .expect("query");
    tx.commit().await.expect("commit");
    assert!(
        !saved,
        "a stale write must not revive an ended relationship"
    );
    assert!(state_of(&t.db, &north, id).await.is_ended());
});

dual_test!(
    ending_is_no_fault_and_the_private_reason_reaches_nobody_else,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, mentor) = (ids[0], ids[1]);
        let id = pair(&t.db, &north, mentee, mentor, true).await;
        let app = t.spawn_app().await;
        let me = app.sign_in("mentee@north", TEST_PASSWORD).await;
        let list = me.get("/relationships").await.text().await.expect("list");
        assert!(list.contains(&format!("/relationships/{id}")), "{list}");
        let form = me.get(&format!("/relationships/{id}/end")).await;
        assert_eq!(form.status(), 200);
        let form = form.text().await.expect("form");
        assert!(form.contains("You do not need to give a reason"));
        assert!(form.contains("Poor communication"));

        let ended = me
            .post(
                &format!("/relationships/{id}/end"),
                &[
                    ("factors", "poor_communication"),
                    ("factors", "competition"),
                    ("note", NOTE),
                    ("keep_apart", "yes"),
                ],
            )
            .await;
        assert_eq!(ended.status(), 303);
        // The author sees their own reason, and new suggestions at once.
        let mine = me
            .get(&format!("/relationships/{id}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(mine.contains("Your private reason"), "{mine}");
        assert!(mine.contains("CANARYENDNOTE"));
        assert!(mine.contains("Your next mentor"));
        assert!(mine.contains("/mentors/"), "suggestions are offered");
        // Nobody is matched with someone they asked to be kept apart from.
        let apart = tandem_store::mentoring::do_not_match(&t.db, &InstitutionScope::of(&north))
            .await
            .expect("wishes");
        assert!(apart.contains(&(mentee, mentor)));

        // The mentor sees that it ended, and nothing of why.
        let other = app.sign_in("mentor@north", TEST_PASSWORD).await;
        let page = other
            .get(&format!("/relationships/{id}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains("Ended"), "{page}");
        for secret in [
            "CANARYENDNOTE",
            "Poor communication",
            "Competition",
            "private reason",
        ] {
            assert!(!page.contains(secret), "the mentor saw {secret:?}");
        }
        let news = other.get("/requests").await.text().await.expect("news");
        assert!(
            news.contains("Endings in this program are no-fault"),
            "{news}"
        );
        assert!(!news.contains("CANARYENDNOTE"));
        let api = other
            .get(&format!("/api/v1/relationships/{id}"))
            .await
            .text()
            .await
            .expect("json");
        let json: serde_json::Value = serde_json::from_str(&api).expect("json");
        assert_eq!(json["outcome"], "ended");
        for secret in ["CANARYENDNOTE", "by_mentee", "poor_communication"] {
            assert!(!api.contains(secret), "the API told the mentor {secret:?}");
        }

        // A chair and a facilitator may not open the pair at all.
        for user in ["chair@north", "facilitator@north"] {
            let s = app.sign_in(user, TEST_PASSWORD).await;
            for path in [
                format!("/relationships/{id}"),
                format!("/api/v1/relationships/{id}"),
            ] {
                let r = s.get(&path).await;
                assert_eq!(r.status(), 403, "{user} {path}");
                assert!(!r.text().await.expect("body").contains("CANARYENDNOTE"));
            }
        }
        // The program's report shows nothing under five reasons.
        let f = app.sign_in("facilitator@north", TEST_PASSWORD).await;
        let report = f.get("/i/north/reports/endings").await;
        assert_eq!(report.status(), 200);
        let report = report.text().await.expect("report");
        assert!(report.contains("Fewer than five"), "{report}");
        assert!(!report.contains("CANARYENDNOTE"));
        let json = f.get("/api/v1/institutions/north/reports/endings").await;
        assert_eq!(
            json.json::<serde_json::Value>().await.expect("json")["shown"],
            "too_few"
        );
        // A chair does not read program reports.
        let chair = app.sign_in("chair@north", TEST_PASSWORD).await;
        assert_eq!(chair.get("/i/north/reports/endings").await.status(), 403);

        // Ending twice is refused with the reason.
        let again = me.post(&format!("/relationships/{id}/end"), &[]).await;
        assert_eq!(again.status(), 409);
    }
);

dual_test!(
    ending_reasons_reach_the_program_only_as_counts_from_five,
    |t| {
        let (north, ids) = world(&t.db).await;
        let scope = InstitutionScope::of(&north);
        let app = t.spawn_app().await;
        let f = app.sign_in("facilitator@north", TEST_PASSWORD).await;
        for i in 0..5 {
            let (junior, senior) = (ids[4 + 2 * i], ids[5 + 2 * i]);
            let id = pair(&t.db, &north, junior, senior, true).await;
            let input = EndingInput {
                factors: vec![FailureFactor::LackOfCommitment],
                note: format!("{NOTE} {i}"),
                keep_apart: false,
            };
            relationships::end(&t.db, &north, id, junior, &input, T0)
                .await
                .expect("end");
            let report = relationships::ending_reasons(&t.db, &scope)
                .await
                .expect("report");
            let page = f
                .get("/i/north/reports/endings")
                .await
                .text()
                .await
                .expect("page");
            assert!(!page.contains("CANARYENDNOTE"));
            if i < 4 {
                assert_eq!(report, EndingReasons::TooFew, "after {} reasons", i + 1);
                assert!(page.contains("Fewer than five"));
            } else {
                let EndingReasons::Shown { reasons, factors } = report else {
                    panic!("five reasons are shown");
                };
                assert_eq!(reasons, 5);
                let commitment = factors
                    .iter()
                    .find(|(f, _)| *f == FailureFactor::LackOfCommitment)
                    .map(|(_, c)| c.to_string());
                assert_eq!(commitment.as_deref(), Some("5"));
                assert!(page.contains("Lack of commitment"), "{page}");
            }
        }
    }
);

/// The location a form post redirected to.
fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

const GOALS: &str = "Submit a first R01 within two years";

fn terms<'a>(goals: &'a str, cadence: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("goals", goals),
        ("cadence", cadence),
        ("contact_between", "E-mail"),
        ("mentee_expects", "Honest advice"),
        ("mentor_expects", "An agenda"),
        ("authorship", "Agreed before the work starts"),
        ("confidentiality", "Between us"),
        ("review_turnaround_days", "10"),
    ]
}

dual_test!(
    both_sign_the_agreement_and_every_change_is_signed_again,
    |t| {
        let (north, ids) = world(&t.db).await;
        let id = pair(&t.db, &north, ids[0], ids[1], true).await;
        let app = t.spawn_app().await;
        let me = app.sign_in("mentee@north", TEST_PASSWORD).await;
        let mentor = app.sign_in("mentor@north", TEST_PASSWORD).await;
        let path = format!("/relationships/{id}/agreement");
        let blank = me.get(&path).await.text().await.expect("page");
        assert!(blank.contains("Write your agreement"), "{blank}");
        assert!(blank.contains("without giving a reason"), "the exit clause");

        // No goals: refused, naming the field, and nothing stored.
        let refused = me.post(&path, &terms("", "quarterly")).await;
        assert_eq!(refused.status(), 400);
        assert!(refused.text().await.expect("page").contains("goals"));
        let scope = InstitutionScope::of(&north);
        assert!(
            tandem_core::relationships::agreement::history(&t.db, &scope, id)
                .await
                .expect("history")
                .is_empty()
        );
        let weekly = me.post(&path, &terms(GOALS, "weekly")).await;
        assert_eq!(weekly.status(), 400, "outside the study's range");

        let written = me.post(&path, &terms(GOALS, "quarterly")).await;
        assert_eq!(written.status(), 303);
        let page = me.get(&path).await.text().await.expect("page");
        assert!(page.contains("Version 1") && page.contains("Waiting for signatures"));
        assert_eq!(
            me.post(&format!("{path}/sign"), &[("version", "1")])
                .await
                .status(),
            303
        );
        let news = mentor.get("/requests").await.text().await.expect("news");
        assert!(news.contains("wrote version 1"), "{news}");
        mentor
            .post(&format!("{path}/sign"), &[("version", "1")])
            .await;
        let page = mentor.get(&path).await.text().await.expect("page");
        assert!(page.contains("In force"), "{page}");
        let news = me.get("/requests").await.text().await.expect("news");
        assert!(news.contains("your agreement is in force"), "{news}");

        // The mentor changes the cadence: a new version both sign again.
        let changed = mentor.post(&path, &terms(GOALS, "monthly")).await;
        assert_eq!(changed.status(), 303);
        let stale = me.post(&format!("{path}/sign"), &[("version", "1")]).await;
        assert_eq!(stale.status(), 409, "signing what was replaced is refused");
        me.post(&format!("{path}/sign"), &[("version", "2")]).await;
        let history = tandem_core::relationships::agreement::history(&t.db, &scope, id)
            .await
            .expect("history");
        assert_eq!(history.len(), 2);
        assert!(!history[0].in_force(), "the mentor has not signed v2 yet");
        assert!(history[1].in_force(), "v1 keeps both signatures");
        assert_eq!(
            history[0].terms.cadence,
            tandem_domain::agreement::Cadence::Monthly
        );

        // The API reads the same, and refuses a bad cadence by name.
        let api = mentor
            .get(&format!("/api/v1/relationships/{id}/agreement"))
            .await
            .json::<serde_json::Value>()
            .await
            .expect("json");
        assert_eq!(api["versions"].as_array().map(Vec::len), Some(2));
        let bad = mentor
            .client
            .post(app.url(&format!("/api/v1/relationships/{id}/agreement")))
            .header("x-csrf-token", &mentor.csrf)
            .json(&serde_json::json!({"goals": GOALS, "cadence": "weekly", "review_turnaround_days": 10}))
            .send()
            .await
            .expect("post");
        assert_eq!(bad.status(), 400);
        assert!(bad.text().await.expect("body").contains("cadence"));

        // A year on, both are asked to continue or rematch.
        mentor
            .post(&format!("{path}/sign"), &[("version", "2")])
            .await;
        app.clock.advance(time::Duration::days(366));
        // (A year on, sessions have long expired: sign in again.)
        let me = app.sign_in("mentee@north", TEST_PASSWORD).await;
        let page = me.get(&path).await.text().await.expect("page");
        assert!(page.contains("A year has passed"), "{page}");
        // Once it has ended, the agreement is read-only.
        me.post(&format!("/relationships/{id}/end"), &[]).await;
        let late = me.post(&path, &terms(GOALS, "monthly")).await;
        assert_eq!(late.status(), 409);
        assert_eq!(location(&late), "");
    }
);

dual_test!(the_program_words_the_template_and_its_exit_clause, |t| {
    let (north, ids) = world(&t.db).await;
    let app = t.spawn_app().await;
    let f = app.sign_in("facilitator@north", TEST_PASSWORD).await;
    let page = f
        .get("/program/agreement")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("without giving a reason"),
        "the default clause"
    );
    let mut form = terms("", "twice_a_year");
    form.retain(|(k, _)| *k != "authorship");
    form.push((
        "authorship",
        "First authorship goes to whoever drafts the paper.",
    ));
    form.push((
        "exit_clause",
        "Either of us may end this at any time, no reason needed.",
    ));
    let saved = f.post("/program/agreement", &form).await;
    assert_eq!(saved.status(), 303);
    // An empty exit clause is refused: the program must keep one.
    let mut blank = form.clone();
    blank.retain(|(k, _)| *k != "exit_clause");
    blank.push(("exit_clause", " "));
    assert_eq!(f.post("/program/agreement", &blank).await.status(), 400);
    // A mentee may not change the program's template.
    let me = app.sign_in("mentee@north", TEST_PASSWORD).await;
    assert_eq!(me.get("/program/agreement").await.status(), 403);

    // A new pair starts from it, and cannot reword the exit clause.
    let id = pair(&t.db, &north, ids[0], ids[1], true).await;
    let path = format!("/relationships/{id}/agreement");
    let blank = me.get(&path).await.text().await.expect("page");
    assert!(blank.contains("First authorship goes to whoever drafts the paper."));
    assert!(blank.contains("value=\"twice_a_year\" selected"), "{blank}");
    let mut mine = terms(GOALS, "quarterly");
    mine.push(("exit_clause", "Nobody may ever leave."));
    assert_eq!(me.post(&path, &mine).await.status(), 303);
    let stored =
        tandem_core::relationships::agreement::history(&t.db, &InstitutionScope::of(&north), id)
            .await
            .expect("history");
    assert_eq!(
        stored[0].terms.exit_clause,
        "Either of us may end this at any time, no reason needed."
    );
});

dual_test!(
    the_program_closes_a_pair_with_the_same_neutral_notice_to_both,
    |t| {
        let (north, ids) = world(&t.db).await;
        let (mentee, mentor) = (ids[0], ids[1]);
        let id = pair(&t.db, &north, mentee, mentor, true).await;
        // An earlier ending with a private reason the program must not see.
        let old = pair(&t.db, &north, ids[4], ids[5], true).await;
        let input = EndingInput {
            factors: vec![FailureFactor::Competition],
            note: NOTE.into(),
            keep_apart: false,
        };
        relationships::end(&t.db, &north, old, ids[4], &input, T0)
            .await
            .expect("end");
        let app = t.spawn_app().await;
        let f = app.sign_in("facilitator@north", TEST_PASSWORD).await;
        let list = f
            .get("/program/relationships")
            .await
            .text()
            .await
            .expect("list");
        assert!(
            list.contains(&format!("/program/relationships/{id}/end")),
            "{list}"
        );
        let ended = f
            .get("/program/relationships?show=ended")
            .await
            .text()
            .await
            .expect("ended");
        assert!(ended.contains("Junior0"), "{ended}");
        for secret in ["CANARYENDNOTE", "Competition"] {
            assert!(!ended.contains(secret), "the program saw {secret:?}");
        }
        let path = format!("/program/relationships/{id}/end");
        assert_eq!(f.post(&path, &[]).await.status(), 400, "needs confirming");
        assert!(state_of(&t.db, &north, id).await.is_active());
        assert_eq!(f.post(&path, &[("confirm", "yes")]).await.status(), 303);
        assert_eq!(
            state_of(&t.db, &north, id).await,
            RelationshipState::Ended {
                ending: Ending::ByProgram
            }
        );
        for user in ["mentee@north", "mentor@north"] {
            let s = app.sign_in(user, TEST_PASSWORD).await;
            let news = s.get("/requests").await.text().await.expect("news");
            assert!(
                news.contains("The program has closed your mentoring relationship"),
                "{user}: {news}"
            );
        }
        // Not a chair's, not a mentor's to see.
        for user in ["chair@north", "mentor@north"] {
            let s = app.sign_in(user, TEST_PASSWORD).await;
            assert_eq!(
                s.get("/program/relationships").await.status(),
                403,
                "{user}"
            );
        }
    }
);

// The OpenAPI document (which the API fuzzer, apifuzz/, holds the server
// to) says `keep_apart` is a boolean, but the server read it leniently:
// "true" as text ended the relationship without keeping the two apart. It
// is a JSON boolean; anything else is a 400 and nothing ends.
dual_test!(
    over_the_api_ending_refuses_a_keep_apart_that_is_not_a_boolean,
    |t| {
        let (institution, ids) = world(&t.db).await;
        let id = pair(&t.db, &institution, ids[0], ids[1], true).await;
        let app = t.spawn_app().await;
        let me = app.sign_in("mentee@north", TEST_PASSWORD).await;
        let url = app.url(&format!("/api/v1/relationships/{id}/end"));
        for bad in [
            serde_json::json!("true"),
            serde_json::json!("yes"),
            serde_json::json!(1),
            serde_json::json!(null),
            serde_json::json!([true]),
        ] {
            let refused = me
                .client
                .post(&url)
                .header("x-csrf-token", &me.csrf)
                .json(&serde_json::json!({ "keep_apart": bad }))
                .send()
                .await
                .expect("post");
            assert_eq!(refused.status(), 400, "keep_apart {bad}");
            assert!(
                matches!(
                    state_of(&t.db, &institution, id).await,
                    RelationshipState::Active { .. }
                ),
                "nothing ended for keep_apart {bad}"
            );
        }
        let ended = me
            .client
            .post(&url)
            .header("x-csrf-token", &me.csrf)
            .json(&serde_json::json!({ "keep_apart": true }))
            .send()
            .await
            .expect("post");
        assert_eq!(ended.status(), 200);
        assert!(matches!(
            state_of(&t.db, &institution, id).await,
            RelationshipState::Ended { .. }
        ));
    }
);
