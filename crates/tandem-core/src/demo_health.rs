//! The demo's relationship health (issue 7): a living program shows every
//! state for every factor. Pairs with a history check in from both sides
//! about three months ago, well; then, for each of the study's eleven
//! factors, one pair is now watched for it and another is at risk for it,
//! from one side's recent check-in (with a comment, shared with the
//! facilitator where it is at risk). The rest check in well and thrive;
//! pairs that never got going are flagged by their records alone. Two
//! brokering cases are open, and the program's statuses are recorded three
//! weeks ago and now, so the console shows trends and fresh alerts.
//!
//! Stories go only to pairs the model finds thriving before them, so each
//! ends up classified exactly as intended; a test checks it.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tandem_domain::health::{Answers, Factor, Instrument, Keyed, Level, Status};
use tandem_domain::{AccountId, FailureFactor, Institution, PersonId, Relationship, Side};
use tandem_store::{Db, InstitutionScope};
use time::{Duration, OffsetDateTime};

use super::{DemoError, fxhash};
use crate::health::broker::{self, CaseAction, HelpRequest};
use crate::health::checkins::{self, CheckinInput};

/// What the demo seeded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthSeeded {
    pub checkins: usize,
    /// (factor, level) of each story told.
    pub stories: Vec<(Factor, Level)>,
    pub cases: usize,
    /// Thriving, watch and at risk, as the program sees them now.
    pub statuses: [usize; 3],
}

/// Days before now that the baseline check-ins were answered.
const BASELINE_DAYS: i64 = 95;
/// The program's earlier look, for trends.
const EARLIER_DAYS: i64 = 21;

/// What a person flagging `factor` might write.
fn comment(factor: Factor) -> &'static str {
    use FailureFactor as F;
    use tandem_domain::health::SuccessFactor as S;
    match factor {
        Factor::Success(S::Reciprocity) => {
            "It feels as if I only ever take. I would like it to go both ways."
        }
        Factor::Success(S::MutualRespect) => {
            "Our meetings get moved at the last minute and my views get brushed aside."
        }
        Factor::Success(S::ClearExpectations) => {
            "I am not sure what each of us is meant to do between meetings."
        }
        Factor::Success(S::PersonalConnection) => {
            "We only ever talk about the grant; I hardly know them."
        }
        Factor::Success(S::SharedValues) => {
            "We see clinical work and time with family very differently."
        }
        Factor::Failure(F::PoorCommunication) => {
            "I leave our meetings unsure what we actually agreed."
        }
        Factor::Failure(F::LackOfCommitment) => {
            "Meetings keep slipping and the action items just sit there."
        }
        Factor::Failure(F::PersonalityDifferences) => {
            "I think things through; they decide on the spot. We keep clashing."
        }
        Factor::Failure(F::Competition) => {
            "Our projects overlap more and more and I worry about who gets the credit."
        }
        Factor::Failure(F::ConflictOfInterest) => {
            "Their advice seems to serve their own lab's needs more than mine."
        }
        Factor::Failure(F::MentorInexperience) => {
            "I need advice on the clinician-educator track, and that is not their world."
        }
    }
}

/// Which side notices `factor` first.
fn flagged_by(factor: Factor, n: usize) -> Side {
    match factor {
        Factor::Failure(
            FailureFactor::Competition
            | FailureFactor::ConflictOfInterest
            | FailureFactor::MentorInexperience,
        ) => Side::Mentee,
        _ if n.is_multiple_of(2) => Side::Mentee,
        _ => Side::Mentor,
    }
}

/// Good answers with a little variety: the best or next best.
fn good(instrument: &Instrument, rng: &mut ChaCha8Rng) -> Answers {
    instrument
        .items
        .iter()
        .map(|item| {
            let nudge = u8::from(rng.random_bool(0.3));
            let v = match item.keyed {
                Keyed::Positive => instrument.scale.max - nudge,
                Keyed::Negative => instrument.scale.min + nudge,
            };
            (item.code.clone(), v)
        })
        .collect()
}

/// The answer to `factor`'s item at `level` (concern 50 or 75).
fn flag(instrument: &Instrument, answers: &mut Answers, factor: Factor, level: Level) {
    for item in instrument.items.iter().filter(|i| i.factor == factor) {
        let v = match (item.keyed, level) {
            (Keyed::Positive, Level::Watch) | (Keyed::Negative, Level::Watch) => 3,
            (Keyed::Positive, Level::AtRisk) => 2,
            (Keyed::Negative, Level::AtRisk) => 4,
        };
        answers.insert(item.code.clone(), v);
    }
}

async fn check_in(
    db: &Db,
    institution: &Institution,
    r: &Relationship,
    side: Side,
    input: &CheckinInput,
    at: OffsetDateTime,
) -> Result<(), DemoError> {
    let scope = InstitutionScope::of(institution);
    let mine = crate::relationships::mine(db, &scope, r.id, r.person(side)).await?;
    checkins::submit(db, institution, &mine, input, at).await?;
    Ok(())
}

/// Seeds check-ins, stories, cases and statuses for `institution`; `skip`
/// are the demo accounts' people, `facilitator` the demo facilitator's
/// account (for the case it opened). Does nothing if any check-in exists.
pub async fn seed_health(
    db: &Db,
    institution: &Institution,
    seed: u64,
    now: OffsetDateTime,
    skip: &[PersonId],
    facilitator: Option<AccountId>,
) -> Result<HealthSeeded, DemoError> {
    let scope = InstitutionScope::of(institution);
    let mut seeded = HealthSeeded::default();
    if !tandem_store::health::checkins(db, &scope, None, None)
        .await?
        .is_empty()
    {
        return Ok(seeded);
    }
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ fxhash(institution.slug.as_str()) ^ fxhash("health"));
    let instrument = Instrument::tandem();
    let baseline_at = now - Duration::days(BASELINE_DAYS);
    let active: Vec<Relationship> = tandem_store::relationships::all(db, &scope)
        .await?
        .into_iter()
        .filter(|r| r.state.is_active())
        .filter(|r| !skip.contains(&r.mentee_id) && !skip.contains(&r.mentor_id))
        .collect();
    // Pairs that got going (an agreement signed, a month in) may take a
    // story; those that started before then checked in from both sides
    // about three months ago, well.
    let records = crate::health::Loaded::load(db, &scope, None).await?;
    let mut going = Vec::new();
    for r in &active {
        let started = r.started_at.unwrap_or(r.proposed_at);
        if now - started < Duration::days(35) || records.facts(r, now).cadence.is_none() {
            continue;
        }
        if started < baseline_at - Duration::days(10) {
            for side in [Side::Mentee, Side::Mentor] {
                let input = CheckinInput {
                    answers: good(&instrument, &mut rng),
                    ..CheckinInput::default()
                };
                let at = baseline_at + Duration::hours(rng.random_range(0..72));
                check_in(db, institution, r, side, &input, at).await?;
                seeded.checkins += 1;
            }
        }
        going.push(r.clone());
    }
    // Only pairs the model finds thriving take a story, so the story alone
    // decides their status.
    let loaded = crate::health::Loaded::load(db, &scope, None).await?;
    let mut thriving = going
        .into_iter()
        .filter(|r| loaded.assess(r, crate::health::assess::BOTH, now).status == Status::Thriving);
    let mut stories: Vec<(Relationship, Factor, Level)> = Vec::new();
    'stories: for level in [Level::AtRisk, Level::Watch] {
        for factor in Factor::ALL {
            let Some(r) = thriving.next() else {
                break 'stories;
            };
            let n = stories.len();
            let side = flagged_by(factor, n);
            let mut answers = good(&instrument, &mut rng);
            flag(&instrument, &mut answers, factor, level);
            let at = now - Duration::days(rng.random_range(2..=12));
            let input = CheckinInput {
                answers,
                comment: comment(factor).into(),
                // At risk: shared with the facilitator; watched: private.
                share_comment: level == Level::AtRisk,
            };
            check_in(db, institution, &r, side, &input, at).await?;
            let fine = CheckinInput {
                answers: good(&instrument, &mut rng),
                ..CheckinInput::default()
            };
            check_in(
                db,
                institution,
                &r,
                side.other(),
                &fine,
                at - Duration::days(1),
            )
            .await?;
            seeded.checkins += 2;
            seeded.stories.push((factor, level));
            stories.push((r, factor, level));
        }
    }
    // The rest check in again, still well.
    for r in thriving {
        for side in [Side::Mentee, Side::Mentor] {
            let input = CheckinInput {
                answers: good(&instrument, &mut rng),
                ..CheckinInput::default()
            };
            let at = now - Duration::days(rng.random_range(3..=30));
            check_in(db, institution, &r, side, &input, at).await?;
            seeded.checkins += 1;
        }
    }

    // The program looked three weeks ago, and looks now: trends, alerts.
    crate::health::refresh(db, institution, now - Duration::days(EARLIER_DAYS)).await?;

    // Two cases: a mentee asked for help over competition, in confidence;
    // the facilitator opened one on a personality clash.
    let mut competition = stories.iter().filter(|(_, f, l)| {
        *f == Factor::Failure(FailureFactor::Competition) && *l == Level::AtRisk
    });
    if let Some((r, _, _)) = competition.next() {
        let mine = crate::relationships::mine(db, &scope, r.id, r.mentee_id).await?;
        broker::ask_for_help(
            db,
            institution,
            &mine,
            &HelpRequest {
                text: "Our projects now overlap almost completely. I would like to talk through \
                       authorship before the next paper, but I do not want to raise it alone."
                    .into(),
                other_may_know: false,
            },
            now - Duration::days(2),
        )
        .await?;
        seeded.cases += 1;
    }
    if let (Some(by), Some((r, _, _))) = (
        facilitator,
        stories.iter().find(|(_, f, l)| {
            *f == Factor::Failure(FailureFactor::PersonalityDifferences) && *l == Level::AtRisk
        }),
    ) {
        let case = broker::open_case(
            db,
            institution,
            r,
            by,
            "Alert: personality clash. Plan to meet each side separately first.",
            now - Duration::days(1),
        )
        .await?;
        broker::act(
            db,
            institution,
            &case,
            by,
            CaseAction::Contact {
                sides: vec![Side::Mentee],
                message: String::new(),
            },
            now - Duration::days(1) + Duration::hours(1),
        )
        .await?;
        seeded.cases += 1;
    }

    let (all, _) = crate::health::refresh(db, institution, now).await?;
    for (_, a) in &all {
        let i = Status::ALL.iter().position(|s| *s == a.status).unwrap_or(0);
        seeded.statuses[i] += 1;
    }
    Ok(seeded)
}
