//! The demo: Table 1's shapes, determinism, and idempotent reseeding.

use crate::support::*;
use tandem_core::mentoring::feedback::{self, MentorFeedback};
use tandem_core::mentoring::{MentoringPool, SuggestionFilter, equity};
use tandem_core::privacy::Cell;
use tandem_core::roster::NoProgress;
use tandem_domain::{Rank, RequestStatus};
use tandem_store::mentoring as store;
use tandem_store::{InstitutionScope, on_pool};
use tandem_testkit::dual_test;

/// The study's Table 1, in percent: (group, Toronto-like, UCSF-like).
const TABLE_1: &[(&str, &str, f64, f64)] = &[
    ("gender", "Man", 67.0, 44.0),
    ("gender", "Woman", 33.0, 55.0),
    ("rank", "Lecturer", 11.0, 0.0),
    ("rank", "Assistant professor", 48.0, 33.0),
    ("rank", "Associate professor", 19.0, 30.0),
    ("rank", "Professor", 22.0, 37.0),
    ("stream", "Scientist/investigator", 37.0, 52.0),
    ("stream", "Teacher", 30.0, 22.0),
    ("stream", "Educator", 26.0, 26.0),
    ("stream", "Administrator", 7.0, 0.0),
];

dual_test!(demographics_match_the_studys_table_1_within_3_points, |t| {
    tandem_core::demo::seed(&t.db, 2013, tandem_store::microsecond_now(), &NoProgress)
        .await
        .expect("seed");
    for (slug, column) in [("northshore", 0), ("bayview", 1)] {
        let out = tandem(
            &t.url,
            &[
                "report",
                "demographics",
                "--institution",
                slug,
                "--format",
                "json",
            ],
        )
        .await;
        assert!(out.status.success(), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json report");
        for (dimension, group, toronto, ucsf) in TABLE_1 {
            let expected = if column == 0 { toronto } else { ucsf };
            let list = match *dimension {
                "gender" => &report["gender"],
                "rank" => &report["rank"],
                _ => &report["stream_as_in_study"],
            };
            let share = list
                .as_array()
                .expect("array")
                .iter()
                .find(|s| s["group"] == *group)
                .unwrap_or_else(|| panic!("{slug}: no {group}"));
            let percent = share["percent"].as_f64().expect("shown");
            assert!(
                (percent - expected).abs() <= 3.0,
                "{slug} {group}: {percent}% vs Table 1 {expected}%"
            );
        }
    }
    let table = tandem(
        &t.url,
        &["report", "demographics", "--institution", "northshore"],
    )
    .await;
    assert!(stdout(&table).contains("450 faculty"));
    let csv = tandem(
        &t.url,
        &[
            "report",
            "demographics",
            "--institution",
            "bayview",
            "--format",
            "csv",
        ],
    )
    .await;
    assert!(stdout(&csv).starts_with("institution,dimension,group,count,percent\n"));
    assert!(stdout(&csv).contains("bayview,Gender,Woman,278,55.6"));
});

dual_test!(seeding_is_deterministic_and_idempotent, |t| {
    let first = tandem_core::demo::seed(&t.db, 7, tandem_store::microsecond_now(), &NoProgress)
        .await
        .expect("seed");
    assert_eq!(first.iter().map(|s| s.summary.created).sum::<usize>(), 950);
    let before = contents(&t.db).await;
    let again = tandem_core::demo::seed(&t.db, 7, tandem_store::microsecond_now(), &NoProgress)
        .await
        .expect("reseed");
    assert!(
        again
            .iter()
            .all(|s| s.summary.unchanged == s.summary.rows && !s.created_institution)
    );
    assert_eq!(
        contents(&t.db).await,
        before,
        "reseeding with the same seed changed the data"
    );
});

// A small roster written as CSV and imported through the binary matches
// what the demo generator produced: the documented format round-trips.
dual_test!(a_generated_roster_imports_through_the_cli, |t| {
    create_institution(&t.db, "northshore").await;
    let records = tandem_core::demo::roster(&tandem_core::demo::NORTHSHORE, 11);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("roster.csv");
    tandem_core::roster::write_roster_csv(&records, std::fs::File::create(&path).expect("file"))
        .expect("write");
    let out = tandem(
        &t.url,
        &[
            "import",
            "roster",
            &path.display().to_string(),
            "--institution",
            "northshore",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("450 created"), "{}", stdout(&out));
    assert_eq!(person_count(&t.db).await, 450);
});

async fn count_requests(t: &tandem_testkit::TestContext, status: &str) -> i64 {
    on_pool!(&t.db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM mentor_requests WHERE status = $1",
    )
    .bind(status)
    .fetch_one(pool)
    .await
    .expect("count requests"))
}

// The demo's mentoring: the mentee account starts fresh with good mentors
// to choose from, the mentor account has requests to answer, one request
// expired, feedback shows for one mentor and not for another, and the
// time-to-match report has numbers. Reseeding adds nothing.
dual_test!(the_demo_seeds_mentoring_to_explore, |t| {
    let now = tandem_store::microsecond_now();
    let seeded = tandem_core::demo::seed(&t.db, 2013, now, &NoProgress)
        .await
        .expect("seed");
    let hasher =
        tandem_core::auth::PasswordHasherPool::new(1, tandem_core::auth::HashingPriority::Normal)
            .expect("hasher");
    let accounts = tandem_core::demo::seed_accounts(&t.db, &hasher, now)
        .await
        .expect("accounts");
    for s in &seeded {
        let m = s.mentoring.as_ref().expect("mentoring seeded");
        let institution = tandem_store::institutions::by_slug(&t.db, &s.slug)
            .await
            .expect("institution")
            .expect("exists");
        let scope = InstitutionScope::of(&institution);
        let pool = MentoringPool::load(&t.db, &scope).await.expect("pool");

        // The mentee account's person: junior, no mentor, no request, and
        // at least five good mentors to choose from.
        let mentee = m.demo_mentee.as_ref().expect("a demo mentee");
        let account = |name: &str| {
            accounts
                .iter()
                .find(|a| a.username == format!("{name}@{}", s.slug))
                .expect("account")
                .what
                .clone()
        };
        assert!(
            account("mentee").ends_with(&mentee.name),
            "{}",
            account("mentee")
        );
        let mentee_p = pool.person(mentee.id).expect("mentee person");
        assert!(matches!(
            mentee_p.rank,
            Rank::AssistantProfessor | Rank::Lecturer
        ));
        let suggestions = pool.suggestions(mentee_p, &SuggestionFilter::default(), 20);
        assert!(
            suggestions.items.len() >= 5,
            "{}: {} suggestions",
            s.slug,
            suggestions.items.len()
        );
        assert!(
            store::mentorships_of(&t.db, &scope, mentee.id)
                .await
                .expect("pairs")
                .is_empty()
        );
        assert!(
            store::requests_of(&t.db, &scope, mentee.id, false, now)
                .await
                .expect("requests")
                .is_empty()
        );
        assert!(pool.mentoring(mentee.id).looking_since.is_none());

        // The mentor account's person: room to spare and requests waiting.
        let mentor = m.demo_mentor.as_ref().expect("a demo mentor");
        assert!(
            account("mentor").ends_with(&mentor.name),
            "{}",
            account("mentor")
        );
        assert!(pool.capacity(mentor.id) >= 3);
        assert!(pool.free_places(mentor.id) >= 2);
        let waiting = store::requests_of(&t.db, &scope, mentor.id, true, now)
            .await
            .expect("requests")
            .into_iter()
            .filter(|r| r.status == RequestStatus::Pending)
            .count();
        assert!(waiting >= 2, "{}: {waiting} requests waiting", s.slug);

        // Feedback: enough answers for one mentor, too few for another.
        let shown = m.feedback_mentor.as_ref().expect("a feedback mentor");
        match feedback::about(&t.db, &scope, shown.id)
            .await
            .expect("feedback")
        {
            MentorFeedback::Summary(summary) => assert!(summary.answers >= 5),
            MentorFeedback::TooFewAnswers => panic!("{}: feedback hidden", s.slug),
        }
        let few = m.few_answers_mentor.as_ref().expect("a second mentor");
        assert_eq!(
            feedback::about(&t.db, &scope, few.id)
                .await
                .expect("feedback"),
            MentorFeedback::TooFewAnswers
        );
        assert!(
            !store::references_of(&t.db, &scope, shown.id)
                .await
                .expect("references")
                .is_empty()
        );

        // Pairs, and people still looking.
        let open = store::open_mentorships(&t.db, &scope).await.expect("pairs");
        // The active pairs, and the published round's proposals (two of
        // them accepted by both sides, one declined, the rest waiting).
        assert!(m.round_pairs > 3, "the demo round proposes pairs");
        let declined = s.relationships.as_ref().map_or(0, |r| r.declined);
        assert_eq!(declined, 1);
        assert_eq!(
            open.len(),
            tandem_core::demo::ACTIVE_PAIRS + m.round_pairs - declined
        );
        let rounds = tandem_store::rounds::list(&t.db, &scope)
            .await
            .expect("rounds");
        assert_eq!(rounds.len(), 1);
        assert_eq!(rounds[0].status, "published");
        let round = tandem_core::mentoring::rounds::load(&t.db, &scope, rounds[0].id)
            .await
            .expect("round")
            .expect("stored");
        assert!(
            !round.result.unmatched.is_empty()
                && round.result.unmatched.iter().all(|u| !u.why.is_empty()),
            "the round leaves some mentees unmatched, each with a reason"
        );
        // Every pair keeps the rules real use enforces: no conflict of
        // interest, no mentor over capacity, one mentor per mentee.
        let mut mentees = std::collections::HashSet::new();
        for pair in &open {
            let (mentee, mentor) = (
                pool.person(pair.mentee_id).expect("mentee"),
                pool.person(pair.mentor_id).expect("mentor"),
            );
            assert_eq!(
                pool.exclusions_with_capacity(mentee, mentor, true),
                vec![],
                "{} and {}",
                mentee.display_name(),
                mentor.display_name()
            );
            assert!(pool.load_of(mentor.id) <= pool.capacity(mentor.id));
            assert!(mentees.insert(pair.mentee_id));
            assert!(
                pair.status == tandem_domain::MentorshipStatus::Proposed
                    || pair.started_at.is_some_and(|t| t < now)
            );
        }
        assert!(m.looking_unmatched >= 5);
        let report = equity::load(&t.db, &scope, now).await.expect("equity");
        assert!(matches!(report.total_looking, Cell::Count(n) if n >= 45));
        let gender = &report.dimensions[0];
        assert!(
            gender.rows.iter().all(|r| r.median_days.is_some()),
            "{}: {gender:?}",
            s.slug
        );
    }
    assert_eq!(
        count_requests(&t, "expired").await,
        2,
        "one per institution"
    );
    assert_eq!(count_requests(&t, "declined").await, 2);

    // Reseeding leaves the mentoring data alone.
    let pending = count_requests(&t, "pending").await;
    let again = tandem_core::demo::seed(&t.db, 2013, tandem_store::microsecond_now(), &NoProgress)
        .await
        .expect("reseed");
    assert!(again.iter().all(|s| s.mentoring.is_none()));
    assert_eq!(count_requests(&t, "pending").await, pending);
});

dual_test!(the_demo_seeds_relationships_in_every_state, |t| {
    let now = tandem_store::microsecond_now();
    let seeded = tandem_core::demo::seed(&t.db, 2013, now, &NoProgress)
        .await
        .expect("seed");
    for s in &seeded {
        let institution = tandem_store::institutions::by_slug(&t.db, &s.slug)
            .await
            .expect("institution")
            .expect("exists");
        let scope = InstitutionScope::of(&institution);
        let all = tandem_store::relationships::all(&t.db, &scope)
            .await
            .expect("relationships");
        use tandem_domain::{Ending, RelationshipState};
        let has = |f: &dyn Fn(RelationshipState) -> bool| all.iter().any(|r| f(r.state));
        assert!(has(&|s| matches!(s, RelationshipState::Proposed { .. })));
        assert!(has(&|s| s.is_active()));
        for ending in [
            Ending::Completed,
            Ending::ByMentee,
            Ending::ByMentor,
            Ending::ByProgram,
            Ending::Declined,
        ] {
            assert!(
                has(&|s| s == RelationshipState::Ended { ending }),
                "{ending:?} in {}",
                s.slug
            );
        }
        // Active pairs with a history: a signed agreement, held meetings
        // with confirmed recaps, action items, and the next one booked.
        let mut histories = 0;
        for r in all.iter().filter(|r| r.state.is_active()) {
            let versions = tandem_core::relationships::agreement::history(&t.db, &scope, r.id)
                .await
                .expect("agreement");
            let meetings = tandem_store::meetings::of_relationship(&t.db, &scope, r.id)
                .await
                .expect("meetings");
            if versions.is_empty() {
                continue;
            }
            histories += 1;
            assert!(versions[0].in_force());
            if r.started_at
                .is_some_and(|s| s < now - time::Duration::days(60))
            {
                assert!(
                    meetings.iter().any(|m| m.recap_confirmed()),
                    "a held meeting"
                );
            }
            assert!(
                meetings.iter().any(|m| m.status
                    == tandem_domain::meeting::MeetingStatus::Scheduled
                    && m.starts_at > now),
                "the next meeting is booked"
            );
            assert!(meetings.iter().filter(|m| m.is_first).count() == 1);
        }
        assert!(histories >= 10, "{histories} histories in {}", s.slug);
        // Enough private reasons for the program's report to show.
        assert!(matches!(
            tandem_core::relationships::ending_reasons(&t.db, &scope)
                .await
                .expect("report"),
            tandem_core::relationships::EndingReasons::Shown { .. }
        ));
        // The demo accounts' people start fresh.
        let m = s.mentoring.as_ref().expect("mentoring");
        let mentee = m.demo_mentee.as_ref().expect("mentee").id;
        assert!(all.iter().all(|r| r.mentee_id != mentee));
    }
});

// The demo's health: for each of the study's eleven factors a pair is
// watched for it and another at risk for it, every story classified as
// told; others thrive; the console has trends, alerts and open cases; the
// demo accounts' own people are left out. Reseeding adds nothing.
dual_test!(the_demo_seeds_every_health_state_for_every_factor, |t| {
    use tandem_domain::health::{Factor, Level, Status};
    let now = tandem_store::microsecond_now();
    tandem_core::demo::seed(&t.db, 2013, now, &NoProgress)
        .await
        .expect("seed");
    let hasher =
        tandem_core::auth::PasswordHasherPool::new(1, tandem_core::auth::HashingPriority::Normal)
            .expect("hasher");
    tandem_core::demo::seed_accounts(&t.db, &hasher, now)
        .await
        .expect("accounts");
    let seeded = tandem_core::demo::seed_health_all(&t.db, 2013, now)
        .await
        .expect("health");
    assert_eq!(seeded.len(), 2);
    for (slug, h) in &seeded {
        assert_eq!(
            h.stories.len(),
            22,
            "{slug}: every factor, watched and at risk"
        );
        assert_eq!(h.cases, 2);
        let institution = tandem_store::institutions::by_slug(&t.db, slug)
            .await
            .expect("institution")
            .expect("exists");
        let scope = InstitutionScope::of(&institution);
        let all = tandem_core::health::program_view_all(&t.db, &scope, now)
            .await
            .expect("assess");
        for factor in Factor::ALL {
            for (level, status) in [
                (Level::Watch, Status::Watch),
                (Level::AtRisk, Status::AtRisk),
            ] {
                assert!(h.stories.contains(&(factor, level)));
                assert!(
                    all.iter()
                        .any(|(_, a)| a.status == status && a.factor == Some(factor)),
                    "{slug}: no relationship {status:?} for {factor:?}"
                );
            }
        }
        let thriving = all
            .iter()
            .filter(|(_, a)| a.status == Status::Thriving)
            .count();
        assert!(thriving >= 5, "{slug}: {thriving} thriving");
        // Trends and fresh alerts: the program looked three weeks ago.
        let statuses = tandem_store::health::statuses(&t.db, &scope)
            .await
            .expect("statuses");
        let worse = statuses
            .iter()
            .filter(|s| s.status == "at_risk" && s.previous_status.as_deref() == Some("thriving"))
            .count();
        assert!(worse >= 5, "{slug}: {worse} newly at risk");
        // The demo accounts' people have no relationship, so no health.
        let demo_mentee = tandem_store::accounts::by_username(&t.db, &format!("mentee@{slug}"))
            .await
            .expect("account")
            .and_then(|a| a.person_id)
            .expect("person");
        assert!(all.iter().all(|(r, _)| r.mentee_id != demo_mentee));
    }
    let again = tandem_core::demo::seed_health_all(&t.db, 2013, now)
        .await
        .expect("again");
    assert!(again.iter().all(|(_, h)| h.checkins == 0));
});
