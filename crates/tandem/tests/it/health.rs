//! Relationship health (issue 7) on both databases: check-ins stay with
//! their author, a person's own view never reflects the other side's
//! answers, a newly at-risk relationship alerts its facilitators once
//! however many refreshes race, brokering stays confidential unless the
//! requester agrees, secondary mentors obey the hard exclusions, and the
//! chair's aggregate hides small groups.

use crate::relationships::{pair, world};
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
        assert!(matches!(twice, Err(MentoringError::Refused(_))));
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
