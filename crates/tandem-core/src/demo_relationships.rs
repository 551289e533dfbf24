//! The demo's relationships (issue 6): most active pairs have a signed
//! agreement and a meeting history on their cadence (agendas, the first
//! meeting's checklist, notes, recaps the mentor confirmed, action items
//! done or still open, one meeting cancelled now and then) and a next
//! meeting booked; a few people had a relationship that ended, most with
//! a private reason (enough for the program's report to show), and a few
//! closed theirs as completed.
//!
//! Everything goes through the same core functions as real use, each
//! called at the moment it would have happened, so notices, versions and
//! sequence numbers are what a real history would leave. The demo
//! accounts' own person is left out: their journeys start fresh.

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tandem_domain::agreement::{AgreementTerms, Cadence, add_months};
use tandem_domain::meeting::{FIRST_MEETING_CHECKLIST, Topic};
use tandem_domain::relationship::Action;
use tandem_domain::{
    FailureFactor, Institution, MentorRole, Mentorship, MentorshipId, MentorshipOrigin,
    MentorshipStatus, PersonId, Rank, Relationship, Side,
};
use tandem_store::{Db, InstitutionScope};
use time::{Duration, OffsetDateTime, Time};

use super::{DemoError, fxhash};
use crate::mentoring::MentoringPool;
use crate::relationships::meetings::{self, Change, NewAction, Slot};
use crate::relationships::{self as rel, EndingInput, agreement};

/// What the demo seeded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationshipsSeeded {
    pub agreements: usize,
    pub meetings: usize,
    pub action_items: usize,
    pub ended: usize,
    pub ending_reasons: usize,
    pub completed: usize,
    pub declined: usize,
}

/// Relationships that ended (with a reason for most) and that completed.
const ENDED: usize = 8;
const COMPLETED: usize = 2;
/// Relationships the program closed.
const CLOSED_BY_PROGRAM: usize = 1;

const GOALS: &[&str] = &[
    "Submit a first R01 within two years; build a publication plan around it.",
    "Prepare the promotion dossier for associate professor by next autumn.",
    "Grow a teaching portfolio and take on a course directorship.",
    "Find a sustainable balance between clinic, research and family.",
    "Lead a quality-improvement project from design to publication.",
];
const AGENDAS: &[&str] = &[
    "Specific aims draft; whether to resubmit the K award.",
    "Clinic load next term; protected research time.",
    "Feedback on the teaching dossier; the course director role.",
    "Authorship on the registry paper; next conference abstract.",
    "Balancing call nights with the grant deadline.",
];
const RECAPS: &[&str] = &[
    "Agreed to tighten aim 2 and ask the biostatistician early. Next time: the budget.",
    "Agreed to ask the division director for one protected half-day; mentor to introduce me to the research office.",
    "Agreed the dossier needs two more peer reviews of teaching. Mentor will send examples.",
    "Agreed first authorship for the registry paper; mentor to check the conference deadline.",
    "Agreed to move the grant deadline by one cycle rather than burn out.",
];
const ITEMS: &[(&str, Side)] = &[
    ("Send the revised specific aims", Side::Mentee),
    ("Introduce to the grants office", Side::Mentor),
    ("Ask two colleagues for teaching reviews", Side::Mentee),
    ("Share a successful dossier as an example", Side::Mentor),
    ("Draft the conference abstract", Side::Mentee),
    (
        "Read the draft and comment within ten working days",
        Side::Mentor,
    ),
];
const TOPIC_NOTES: &[(Topic, &str)] = &[
    (
        Topic::Career,
        "Promotion timeline and what the committee looks for.",
    ),
    (
        Topic::Administrative,
        "Protected time; who to ask about the research office.",
    ),
    (
        Topic::Education,
        "Course evaluations and the new curriculum.",
    ),
    (
        Topic::Personal,
        "Childcare on Tuesdays; keeping evenings free.",
    ),
];
const NOTES: &[&str] = &[
    "We never found a time that worked for both of us.",
    "Our interests overlap more than I expected.",
    "",
];

fn at_three(t: OffsetDateTime) -> OffsetDateTime {
    t.date()
        .with_time(Time::from_hms(15, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_utc()
}

/// Writes and signs an agreement, then meetings on its cadence from
/// `start` until `until`; with `book_next`, the next one is booked.
/// Returns (meetings, action items).
#[allow(clippy::too_many_arguments)]
async fn history(
    db: &Db,
    institution: &Institution,
    r: &Relationship,
    start: OffsetDateTime,
    until: OffsetDateTime,
    book_next: bool,
    rng: &mut ChaCha8Rng,
    seeded: &mut RelationshipsSeeded,
) -> Result<(), DemoError> {
    let scope = InstitutionScope::of(institution);
    let as_mentee = rel::mine(db, &scope, r.id, r.mentee_id).await?;
    let as_mentor = rel::mine(db, &scope, r.id, r.mentor_id).await?;
    let cadence = *[
        Cadence::Monthly,
        Cadence::EveryTwoMonths,
        Cadence::Quarterly,
    ]
    .choose(rng)
    .unwrap_or(&Cadence::Quarterly);
    let mut terms = AgreementTerms::default_template();
    terms.goals = GOALS.choose(rng).copied().unwrap_or(GOALS[0]).into();
    terms.cadence = cadence;
    let written = start + Duration::days(2);
    let a = agreement::write(db, institution, r.id, r.mentee_id, terms, written).await?;
    agreement::sign(db, institution, r.id, r.mentee_id, a.version, written).await?;
    agreement::sign(
        db,
        institution,
        r.id,
        r.mentor_id,
        a.version,
        written + Duration::days(rng.random_range(1..=3)),
    )
    .await?;
    seeded.agreements += 1;

    let mut t = at_three(start + Duration::days(rng.random_range(7..=14)));
    // Open items, and whether one was already carried past a meeting.
    let mut open: Vec<(tandem_domain::ActionItemId, bool)> = Vec::new();
    let mut first = true;
    while t < until - Duration::days(2) {
        let slot = Slot {
            starts_at: t,
            minutes: *[45u16, 60, 60, 90].choose(rng).unwrap_or(&60),
            place: ["Office", "Video call", "Coffee downstairs"]
                .choose(rng)
                .copied()
                .unwrap_or("Office")
                .into(),
        };
        let m =
            meetings::schedule(db, institution, &as_mentee, &slot, t - Duration::days(10)).await?;
        seeded.meetings += 1;
        if !first && rng.random_bool(0.1) {
            meetings::update(
                db,
                institution,
                &as_mentor,
                &m,
                Change::Cancel,
                t - Duration::days(1),
            )
            .await?;
            t = add_months(t.date(), 1).with_time(t.time()).assume_utc();
            continue;
        }
        let m = meetings::update(
            db,
            institution,
            &as_mentee,
            &m,
            Change::Agenda {
                agenda: AGENDAS.choose(rng).copied().unwrap_or(AGENDAS[0]).into(),
                timelines: "Grant due in the spring; paper under review.".into(),
            },
            t - Duration::days(2),
        )
        .await?;
        let mut topics = std::collections::BTreeMap::new();
        for (topic, text) in TOPIC_NOTES.choose_multiple(rng, 2) {
            topics.insert(*topic, (*text).to_string());
        }
        let m = meetings::update(
            db,
            institution,
            &as_mentor,
            &m,
            Change::Notes {
                checklist: if first {
                    FIRST_MEETING_CHECKLIST
                        .iter()
                        .map(|(c, _)| c.to_string())
                        .collect()
                } else {
                    vec![]
                },
                topics,
            },
            t + Duration::hours(1),
        )
        .await?;
        let m = meetings::update(
            db,
            institution,
            &as_mentee,
            &m,
            Change::Recap(RECAPS.choose(rng).copied().unwrap_or(RECAPS[0]).into()),
            t + Duration::hours(3),
        )
        .await?;
        meetings::update(
            db,
            institution,
            &as_mentor,
            &m,
            Change::ConfirmRecap,
            t + Duration::days(1),
        )
        .await?;
        // Most of what was open gets done by the meeting after; the rest by
        // the one after that (a healthy pair follows through).
        let mut late = Vec::new();
        for (item, carried) in open.drain(..) {
            if carried || rng.random_bool(0.75) {
                meetings::set_done(db, institution, &as_mentee, item, true, t).await?;
            } else {
                late.push((item, true));
            }
        }
        open = late;
        let how_many = rng.random_range(1..=2);
        let picked: Vec<(&str, Side)> = ITEMS.choose_multiple(rng, how_many).copied().collect();
        for (text, owner) in picked {
            let item = meetings::add_action(
                db,
                institution,
                &as_mentor,
                NewAction {
                    meeting: Some(m.id),
                    description: text.into(),
                    owner,
                    due_on: Some((t + Duration::days(21)).date()),
                },
                t + Duration::hours(2),
            )
            .await?;
            open.push((item.id, false));
            seeded.action_items += 1;
        }
        first = false;
        t = add_months(t.date(), cadence.months().into())
            .with_time(t.time())
            .assume_utc();
    }
    // Between meetings, most of the last meeting's items get done on time.
    for (item, _) in open {
        if rng.random_bool(0.85) {
            let when = (t - Duration::days(rng.random_range(5..=20))).min(until);
            meetings::set_done(db, institution, &as_mentee, item, true, when).await?;
        }
    }
    if book_next {
        let next = if t < until + Duration::days(2) {
            at_three(until + Duration::days(rng.random_range(5..=20)))
        } else {
            t
        };
        meetings::schedule(
            db,
            institution,
            &as_mentee,
            &Slot {
                starts_at: next,
                minutes: 60,
                place: "Office".into(),
            },
            until,
        )
        .await?;
        seeded.meetings += 1;
    }
    Ok(())
}

/// Seeds relationship histories for `institution`; `skip` are the demo
/// accounts' people. Does nothing if any agreement exists already.
pub async fn seed_relationships(
    db: &Db,
    institution: &Institution,
    seed: u64,
    now: OffsetDateTime,
    skip: &[PersonId],
) -> Result<RelationshipsSeeded, DemoError> {
    let scope = InstitutionScope::of(institution);
    let mut seeded = RelationshipsSeeded::default();
    let all = tandem_store::relationships::all(db, &scope).await?;
    for r in &all {
        if !tandem_store::agreements::versions(db, &scope, r.id)
            .await?
            .is_empty()
        {
            return Ok(seeded);
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(
        seed ^ fxhash(institution.slug.as_str()) ^ fxhash("relationships"),
    );
    // Active pairs: most get a history, the rest have just started.
    for r in all.iter().filter(|r| r.state.is_active()) {
        if skip.contains(&r.mentee_id) {
            continue;
        }
        let Some(start) = r.started_at else { continue };
        if now - start < Duration::days(10) || rng.random_bool(0.2) {
            continue;
        }
        history(db, institution, r, start, now, true, &mut rng, &mut seeded).await?;
    }

    // Earlier relationships of people who have none now: a few ended
    // (most with a private reason), a few completed.
    let pool = MentoringPool::load(db, &scope).await?;
    let involved: std::collections::BTreeSet<PersonId> = all
        .iter()
        .flat_map(|r| [r.mentee_id, r.mentor_id])
        .chain(skip.iter().copied())
        .collect();
    let mut juniors: Vec<_> = pool
        .people()
        .iter()
        .filter(|p| {
            matches!(p.rank, Rank::AssistantProfessor | Rank::Lecturer) && !involved.contains(&p.id)
        })
        .collect();
    juniors.sort_by(|a, b| a.employee_id.cmp(&b.employee_id));
    juniors.shuffle(&mut rng);
    let mut mentors: Vec<_> = pool
        .people()
        .iter()
        .filter(|p| pool.is_mentor(p.id) && !skip.contains(&p.id))
        .collect();
    mentors.sort_by(|a, b| a.employee_id.cmp(&b.employee_id));
    let mut made = 0;
    for mentee in juniors {
        if made == ENDED + COMPLETED + CLOSED_BY_PROGRAM {
            break;
        }
        let Some(mentor) = mentors
            .iter()
            .copied()
            .filter(|m| pool.exclusions_with_capacity(mentee, m, true).is_empty())
            .collect::<Vec<_>>()
            .choose(&mut rng)
            .copied()
        else {
            continue;
        };
        let start = at_three(now - Duration::days(rng.random_range(150..=320)));
        let pair = Mentorship {
            id: MentorshipId::new_random(),
            mentee_id: mentee.id,
            mentor_id: mentor.id,
            role: MentorRole::Primary,
            origin: MentorshipOrigin::Request,
            status: MentorshipStatus::Active,
            proposed_at: start,
            started_at: Some(start),
        };
        let mut tx = db.begin().await?;
        tandem_store::mentoring::insert_mentorship(&mut tx, &scope, &pair, None).await?;
        tx.commit().await?;
        let r = tandem_store::relationships::get(db, &scope, pair.id)
            .await?
            .ok_or_else(|| tandem_store::StoreError::Corrupt("a demo pair vanished".into()))?;
        let end = start + Duration::days(rng.random_range(60..=120));
        history(
            db,
            institution,
            &r,
            start,
            end,
            false,
            &mut rng,
            &mut seeded,
        )
        .await?;
        if made < ENDED {
            let by = if rng.random_bool(0.65) {
                mentee.id
            } else {
                mentor.id
            };
            // One in eight gives no reason: it is optional.
            let input = if made % 8 == 7 {
                EndingInput::default()
            } else {
                seeded.ending_reasons += 1;
                let how_many = rng.random_range(1..=2);
                let mut factors: Vec<FailureFactor> = FailureFactor::ALL
                    .choose_multiple(&mut rng, how_many)
                    .copied()
                    .collect();
                // The study's most common: poor communication, commitment.
                if rng.random_bool(0.6) {
                    factors.push(FailureFactor::LackOfCommitment);
                }
                EndingInput {
                    factors,
                    note: NOTES.choose(&mut rng).copied().unwrap_or("").into(),
                    keep_apart: false,
                }
            };
            rel::end(db, institution, r.id, by, &input, end).await?;
            seeded.ended += 1;
        } else if made < ENDED + COMPLETED {
            rel::act(db, institution, r.id, r.mentor_id, Action::Complete, end).await?;
            rel::act(
                db,
                institution,
                r.id,
                r.mentee_id,
                Action::Complete,
                end + Duration::days(1),
            )
            .await?;
            seeded.completed += 1;
        } else {
            rel::end_by_program(db, institution, r.id, end).await?;
            seeded.ended += 1;
        }
        made += 1;
    }
    // One of the round's proposals was declined (the others wait).
    if let Some(p) = all.iter().find(|r| {
        matches!(r.state, tandem_domain::RelationshipState::Proposed { .. })
            && !skip.contains(&r.mentee_id)
            && !skip.contains(&r.mentor_id)
    }) {
        rel::act(db, institution, p.id, p.mentor_id, Action::Decline, now).await?;
        seeded.declined += 1;
    }
    Ok(seeded)
}
