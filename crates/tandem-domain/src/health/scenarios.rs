//! Scenario fixtures for the health model: one watched and one at-risk
//! relationship per factor from check-in answers, the behaviour signals on
//! their own, healthy relationships that must stay thriving, and the
//! privacy of a person's own view. Each must be classified as written.

use time::{Date, Duration, macros::date};

use super::*;
use crate::agreement::Cadence;
use crate::meeting::MeetingStatus;
use crate::relationship::{FailureFactor, Side};

const TODAY: Date = date!(2026 - 06 - 01);

fn days_ago(n: i64) -> Date {
    TODAY - Duration::days(n)
}

fn met(n: i64) -> MeetingFact {
    MeetingFact {
        on: days_ago(n),
        status: MeetingStatus::Held,
        agenda_prepared: true,
        recap_confirmed: true,
    }
}

/// Seven months in, monthly, every meeting prepared and recapped, the next
/// one booked, nothing overdue, an agenda written last week.
fn healthy() -> Facts {
    let mut meetings: Vec<MeetingFact> = (0..7).map(|k| met(12 + 30 * k)).collect();
    meetings.push(MeetingFact {
        on: TODAY + Duration::days(18),
        status: MeetingStatus::Scheduled,
        agenda_prepared: false,
        recap_confirmed: false,
    });
    Facts {
        today: TODAY,
        started_on: days_ago(215),
        cadence: Some(Cadence::Monthly),
        meetings,
        open_action_due: vec![TODAY + Duration::days(10)],
        short_notice_reviews: vec![],
        last_activity: Some(days_ago(6)),
    }
}

/// The best answer to every item, except `worst` given `value`.
fn answers(worst: &[(&str, u8)]) -> Answers {
    let i = Instrument::tandem();
    i.items
        .iter()
        .map(|item| {
            let best = match item.keyed {
                Keyed::Positive => i.scale.max,
                Keyed::Negative => i.scale.min,
            };
            let v = worst
                .iter()
                .find(|(c, _)| *c == item.code)
                .map_or(best, |(_, v)| *v);
            (item.code.clone(), v)
        })
        .collect()
}

/// The answer to `factor`'s item with a concern of 50 (watch) or 75 (at
/// risk).
fn flag(factor: Factor, level: Level) -> (&'static str, u8) {
    let i = Instrument::tandem();
    let item = i.items.iter().find(|it| it.factor == factor).expect("item");
    let code: &'static str = Box::leak(item.code.clone().into_boxed_str());
    let value = match (item.keyed, level) {
        (Keyed::Positive, Level::Watch) => 3,
        (Keyed::Positive, Level::AtRisk) => 2,
        (Keyed::Negative, Level::Watch) => 3,
        (Keyed::Negative, Level::AtRisk) => 4,
    };
    (code, value)
}

struct Run {
    assessment: Assessment,
}

fn run(facts: &Facts, mentee: Option<&Answers>, mentor: Option<&Answers>) -> Run {
    let instrument = Instrument::tandem();
    let mut given = Vec::new();
    if let Some(a) = mentee {
        given.push(SideAnswers {
            side: Side::Mentee,
            instrument: &instrument,
            answers: a,
        });
    }
    if let Some(a) = mentor {
        given.push(SideAnswers {
            side: Side::Mentor,
            instrument: &instrument,
            answers: a,
        });
    }
    Run {
        assessment: assess(facts, &given),
    }
}

fn expect(name: &str, r: &Run, status: Status, factor: Option<Factor>) {
    let a = &r.assessment;
    assert_eq!(
        (a.status, a.factor),
        (status, factor),
        "{name}: {:#?}",
        a.concerns
    );
    let summary = a.summary(Viewer::Program);
    assert!(!summary.is_empty(), "{name}: no summary");
    if let Some(f) = factor {
        assert!(
            summary.contains(f.as_concern()),
            "{name}: the summary does not name the factor: {summary}"
        );
        let first = &a.concerns[0].evidence[0];
        assert!(
            summary.contains(first.words(Viewer::Program).trim_end_matches('.')),
            "{name}: the summary does not give the evidence: {summary}"
        );
        assert!(!remedy(f).steps.is_empty(), "{name}: no remedy");
    } else {
        assert!(summary.starts_with("Thriving"), "{name}: {summary}");
    }
}

#[test]
fn every_factor_flagged_in_a_check_in_is_watched_or_at_risk_and_named() {
    for factor in Factor::ALL {
        for level in [Level::Watch, Level::AtRisk] {
            for side in [Side::Mentee, Side::Mentor] {
                let flagged = answers(&[flag(factor, level)]);
                let fine = answers(&[]);
                let (mentee, mentor) = match side {
                    Side::Mentee => (&flagged, &fine),
                    Side::Mentor => (&fine, &flagged),
                };
                let r = run(&healthy(), Some(mentee), Some(mentor));
                let status = match level {
                    Level::Watch => Status::Watch,
                    Level::AtRisk => Status::AtRisk,
                };
                expect(
                    &format!("{factor:?} {level:?} by the {side:?}"),
                    &r,
                    status,
                    Some(factor),
                );
                // The evidence is that one answer, by that side.
                let e = &r.assessment.concerns[0].evidence;
                assert_eq!(e.len(), 1);
                assert!(matches!(&e[0].source, Source::Answer { side: s, .. } if *s == side));
            }
        }
    }
}

#[test]
fn behaviour_signals_alone_are_classified_by_their_factor() {
    let commitment = Some(Factor::Failure(FailureFactor::LackOfCommitment));
    let communication = Some(Factor::Failure(FailureFactor::PoorCommunication));
    let expectations = Some(Factor::Success(SuccessFactor::ClearExpectations));

    // Meetings below the agreed (monthly) cadence.
    let mut f = healthy();
    f.meetings = (0..5).map(|k| met(50 + 30 * k)).collect();
    f.last_activity = Some(days_ago(10));
    expect("lapse", &run(&f, None, None), Status::Watch, commitment);
    let mut f = healthy();
    f.meetings = (0..4).map(|k| met(80 + 30 * k)).collect();
    f.last_activity = Some(days_ago(20));
    expect(
        "long lapse",
        &run(&f, None, None),
        Status::AtRisk,
        commitment,
    );

    // No first meeting.
    let mut f = healthy();
    f.started_on = days_ago(60);
    f.meetings.clear();
    f.last_activity = Some(days_ago(5));
    expect(
        "no first meeting",
        &run(&f, None, None),
        Status::Watch,
        commitment,
    );

    // Three cancellations in six months.
    let mut f = healthy();
    for n in [20, 50, 110] {
        f.meetings.push(MeetingFact {
            on: days_ago(n),
            status: MeetingStatus::Cancelled,
            agenda_prepared: false,
            recap_confirmed: false,
        });
    }
    expect(
        "cancellations",
        &run(&f, None, None),
        Status::AtRisk,
        commitment,
    );

    // Agendas not prepared.
    let mut f = healthy();
    for m in f.meetings.iter_mut().filter(|m| m.on <= TODAY).take(2) {
        m.agenda_prepared = false;
    }
    expect(
        "no agendas",
        &run(&f, None, None),
        Status::Watch,
        commitment,
    );

    // Recaps never confirmed ("reiterate and review" missing).
    let mut f = healthy();
    for m in f.meetings.iter_mut() {
        m.recap_confirmed = false;
    }
    expect(
        "no recaps",
        &run(&f, None, None),
        Status::Watch,
        communication,
    );

    // Action items left overdue.
    let mut f = healthy();
    f.open_action_due = (0..4).map(|k| days_ago(20 + 10 * k)).collect();
    expect(
        "overdue items",
        &run(&f, None, None),
        Status::AtRisk,
        commitment,
    );

    // Silence between meetings (quarterly, not yet lapsed).
    let mut f = healthy();
    f.cadence = Some(Cadence::Quarterly);
    f.meetings = vec![met(100), met(190)];
    f.last_activity = Some(days_ago(100));
    expect(
        "silence",
        &run(&f, None, None),
        Status::Watch,
        communication,
    );

    // Reviews asked for at short notice.
    let mut f = healthy();
    f.short_notice_reviews = vec![days_ago(30), days_ago(90)];
    expect(
        "short notice",
        &run(&f, None, None),
        Status::Watch,
        expectations,
    );

    // No agreement signed a month and more in.
    let mut f = healthy();
    f.started_on = days_ago(40);
    f.cadence = None;
    f.meetings = vec![met(20)];
    expect(
        "no agreement",
        &run(&f, None, None),
        Status::Watch,
        expectations,
    );
}

#[test]
fn healthy_relationships_stay_thriving() {
    let best = answers(&[]);
    let r = run(&healthy(), Some(&best), Some(&best));
    expect("healthy, both answered", &r, Status::Thriving, None);
    assert_eq!(r.assessment.strengths, Factor::ALL.to_vec());

    expect(
        "healthy, nobody answered yet",
        &run(&healthy(), None, None),
        Status::Thriving,
        None,
    );

    // Brand new: no meeting, no agreement, no check-in yet.
    let f = Facts {
        today: TODAY,
        started_on: days_ago(10),
        cadence: None,
        meetings: vec![],
        open_action_due: vec![],
        short_notice_reviews: vec![],
        last_activity: None,
    };
    expect("just started", &run(&f, None, None), Status::Thriving, None);

    // One cancellation, one overdue item, one short-notice review and a
    // mildly positive answer are ordinary life, not a warning.
    let mut f = healthy();
    f.meetings.push(MeetingFact {
        on: days_ago(40),
        status: MeetingStatus::Cancelled,
        agenda_prepared: false,
        recap_confirmed: false,
    });
    f.open_action_due.push(days_ago(30));
    f.short_notice_reviews.push(days_ago(20));
    let mostly = answers(&[("respect", 4), ("communication", 2)]);
    expect(
        "ordinary life",
        &run(&f, Some(&mostly), Some(&best)),
        Status::Thriving,
        None,
    );
}

#[test]
fn several_watched_factors_together_put_a_relationship_at_risk() {
    let a = answers(&[("communication", 3), ("competition", 3), ("values", 3)]);
    let r = run(&healthy(), Some(&a), None);
    // All three watched, one source each, the same concern: the study's
    // order decides which is named.
    expect(
        "three watched",
        &r,
        Status::AtRisk,
        Some(Factor::Success(SuccessFactor::SharedValues)),
    );
    assert_eq!(r.assessment.concerns.len(), 3);
    assert!(
        r.assessment
            .summary(Viewer::Program)
            .contains("several problems at once")
    );
}

#[test]
fn a_factor_both_sides_or_the_records_confirm_comes_first() {
    let mut f = healthy();
    for m in f.meetings.iter_mut() {
        m.recap_confirmed = false;
    }
    let mentee = answers(&[("communication", 3)]);
    let mentor = answers(&[("commitment", 3)]);
    let r = run(&f, Some(&mentee), Some(&mentor));
    expect(
        "communication twice",
        &r,
        Status::Watch,
        Some(Factor::Failure(FailureFactor::PoorCommunication)),
    );
    assert_eq!(r.assessment.concerns[0].evidence.len(), 2);
    // The other concern is named too.
    assert!(
        r.assessment
            .summary(Viewer::Program)
            .ends_with("Also: lack of commitment."),
        "{}",
        r.assessment.summary(Viewer::Program)
    );
}

#[test]
fn a_persons_own_view_never_reflects_the_other_sides_answers() {
    let mentee = answers(&[("competition", 4)]);
    let mentor = answers(&[]);
    // The program sees the mentee's concern...
    let program = run(&healthy(), Some(&mentee), Some(&mentor));
    assert_eq!(program.assessment.status, Status::AtRisk);
    // ...the mentor's own view is built from the mentor's answers and the
    // shared records alone, and shows nothing of it.
    let mentors_view = run(&healthy(), None, Some(&mentor));
    assert_eq!(mentors_view.assessment.status, Status::Thriving);
    let text = format!("{:?}", mentors_view.assessment);
    assert!(!text.contains("compete"));
    // The mentee's own view says "You answered".
    let mentees_view = run(&healthy(), Some(&mentee), None);
    let words = mentees_view.assessment.concerns[0].evidence[0].words(Viewer::Side(Side::Mentee));
    assert!(words.starts_with("You answered"), "{words}");
    let words = program.assessment.concerns[0].evidence[0].words(Viewer::Program);
    assert!(words.starts_with("The mentee answered"), "{words}");
}

#[test]
fn skipped_questions_are_neither_concerns_nor_strengths() {
    let mut a = answers(&[]);
    a.remove("conflict");
    let r = run(&healthy(), Some(&a), None);
    assert_eq!(r.assessment.status, Status::Thriving);
    assert!(
        !r.assessment
            .strengths
            .contains(&Factor::Failure(FailureFactor::ConflictOfInterest))
    );
}

#[test]
fn a_licensed_instrument_with_its_own_scale_and_thresholds_is_scored_the_same_way() {
    let mut i = Instrument::tandem();
    i.code = "licensed-7".into();
    i.scale = Scale {
        min: 1,
        max: 7,
        labels: (1..=7).map(|n| format!("{n} of 7")).collect(),
    };
    i.scoring = Scoring {
        watch_at: 40,
        at_risk_at: 80,
    };
    let mut a: Answers = i
        .items
        .iter()
        .map(|it| {
            (
                it.code.clone(),
                if it.keyed == Keyed::Positive { 7 } else { 1 },
            )
        })
        .collect();
    // Respect at 4 of 7: concern 50, above this instrument's watch line.
    a.insert("respect".into(), 4);
    let given = [SideAnswers {
        side: Side::Mentee,
        instrument: &i,
        answers: &a,
    }];
    let r = assess(&healthy(), &given);
    assert_eq!(r.status, Status::Watch);
    assert_eq!(
        r.factor,
        Some(Factor::Success(SuccessFactor::MutualRespect))
    );
}
