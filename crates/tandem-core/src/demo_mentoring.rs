//! The demo's mentoring (issue 5): who offers to mentor and what people
//! look for, requests waiting for an answer, declined and expired, pairs
//! formed over the last 200 days, and feedback about two mentors.
//!
//! What the demo accounts see goes through the same core functions as
//! real use ([`requests::send`], [`requests::answer`], [`feedback::give`]);
//! the other pairs and requests are planned with the same pool's rules (no
//! conflict of interest, capacity, answers within the program's time) and
//! written in one transaction, because `send` loads the whole institution
//! each time. Times count back from the `now` the seeding got, so the data
//! always looks recent; every choice follows from the seed (the ids of
//! requests and pairs are random, as in real use). An institution that
//! has any mentoring profile is left alone, so re-running the demo is
//! harmless.
//!
//! Per institution:
//! - about a third of the associate professors and professors who may
//!   mentor offer 1-3 places, some with mentor training; about half
//!   of the junior faculty, and everyone looking for a mentor, say what
//!   they look for;
//! - the demo mentor account's person offers 4 places, has one mentee and
//!   three requests from other mentees waiting;
//! - the demo mentee account's person has said what they look for but has
//!   no mentor, no request and no start date, so a journey starts fresh;
//!   five good mentors are kept with a free place for them;
//! - [`ACTIVE_PAIRS`] pairs formed by accepted requests, one of them after
//!   a declined request; a few more requests waiting, one expired;
//! - an experienced professor with six mentees, five of whom answered the
//!   feedback questions (enough to show), and an associate professor with
//!   three answers (too few to show); some of their mentees agreed to be
//!   references;
//! - a few people looking for a mentor and not matched yet;
//! - a published facilitator round, three weeks old, over the people
//!   still looking and a few mentors: some proposals accepted by both
//!   sides, some still waiting, and the mentees it could not place shown
//!   with why.

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tandem_domain::{
    Institution, MentorRequestId, MentorRole, MentoringProfile, Mentorship, MentorshipId,
    MentorshipOrigin, MentorshipStatus, PersonId, PersonProfile, Rank, RequestStatus, TagList,
};
use tandem_store::mentoring::{self as store, FeedbackAnswers, NewRequest};
use tandem_store::{Db, InstitutionScope};
use time::{Duration, OffsetDateTime};

use super::{DemoError, account_people, fxhash};
use crate::mentoring::requests::{self, Answer};
use crate::mentoring::{MentoringPool, feedback, settings};

/// What people say they look for in a mentoring relationship.
pub const LOOKING_FOR: &[&str] = &[
    "career planning",
    "grant writing",
    "work-life balance",
    "teaching portfolio",
    "clinical leadership",
    "promotion dossier",
    "research methods",
];

/// Interests outside work.
pub const PERSONAL_INTERESTS: &[&str] = &[
    "cycling",
    "choir",
    "hiking",
    "cooking",
    "chess",
    "running",
    "gardening",
];

/// Pairs formed by accepted requests, per institution (including the
/// feedback mentors' and the demo mentor's).
pub const ACTIVE_PAIRS: usize = 40;
/// The experienced mentor's mentees, and how many of them answered.
const FEEDBACK_MENTEES: usize = 6;
const FEEDBACK_ANSWERS: usize = 5;
/// The other feedback mentor's mentees, all of whom answered: too few.
const FEW_ANSWERS: usize = 3;
/// Mentors kept with a free place for the demo mentee.
const KEPT_FOR_DEMO_MENTEE: usize = 5;
/// Associate professors among the people looking, so the rank dimension of
/// the time-to-match report has them.
const ASSOCIATES_LOOKING: usize = 6;
/// Other people with requests waiting, besides the demo mentor's three.
const OTHER_PENDING_MENTEES: usize = 3;
/// People looking who have not asked anyone yet.
const LOOKING_ONLY: usize = 4;

const DECLINE_REASON: &str = "I am on sabbatical until the spring; please ask me again then.";

/// One person the demo prepared, for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPerson {
    pub id: PersonId,
    pub name: String,
}

impl DemoPerson {
    fn of(p: &PersonProfile) -> Self {
        DemoPerson {
            id: p.id,
            name: p.display_name(),
        }
    }
}

/// What seeding the mentoring of one institution did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentoringSeeded {
    /// Mentoring profiles written.
    pub profiles: usize,
    /// Of those, people offering at least one place.
    pub mentors: usize,
    pub active_pairs: usize,
    /// Requests still waiting for an answer.
    pub pending_requests: usize,
    pub declined_requests: usize,
    /// Pairs proposed by the demo's published round.
    pub round_pairs: usize,
    pub expired_requests: usize,
    pub feedback_answers: usize,
    /// People looking for a mentor who have none yet.
    pub looking_unmatched: usize,
    /// The person behind the demo mentee account.
    pub demo_mentee: Option<DemoPerson>,
    /// The person behind the demo mentor account.
    pub demo_mentor: Option<DemoPerson>,
    /// The mentor whose feedback shows (at least five answers).
    pub feedback_mentor: Option<DemoPerson>,
    /// The mentor with three answers: too few to show.
    pub few_answers_mentor: Option<DemoPerson>,
}

fn tags(rng: &mut ChaCha8Rng, pool: &[&str], min: usize, max: usize) -> TagList {
    let n = rng.random_range(min..=max);
    TagList::from_tags(pool.choose_multiple(rng, n).copied())
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// Between `lo` and `hi` hours, to the minute.
fn hours(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> Duration {
    Duration::minutes(rng.random_range(lo * 60..=hi * 60))
}

/// A pair formed by an accepted request.
struct Pair<'a> {
    mentee: &'a PersonProfile,
    mentor: &'a PersonProfile,
    /// When the mentee started looking.
    since: OffsetDateTime,
    sent: OffsetDateTime,
    accepted: OffsetDateTime,
    /// A mentor who declined the mentee first.
    declined_by: Option<&'a PersonProfile>,
    /// Whether the request goes through [`requests::send`] (else it is
    /// written directly, see the writing below).
    through_send: bool,
    feedback: Option<(FeedbackAnswers, OffsetDateTime)>,
}

/// A request left waiting (or left to expire).
struct Waiting<'a> {
    mentee: &'a PersonProfile,
    mentor: &'a PersonProfile,
    sent: OffsetDateTime,
    /// Whether it goes through [`requests::send`].
    through_send: bool,
}

/// Writes a request directly, as [`requests::send`] would after its
/// checks; with the mentor's notification if `notify`.
#[allow(clippy::too_many_arguments)]
async fn write_request(
    tx: &mut tandem_store::DbTx,
    institution: &Institution,
    mentee: &PersonProfile,
    mentor: &PersonProfile,
    text: &str,
    sent: OffsetDateTime,
    (expiry, reminder): (i64, i64),
    notify: bool,
) -> Result<MentorRequestId, tandem_store::StoreError> {
    let id = MentorRequestId::new_random();
    let expires_at = sent + days(expiry);
    store::create_request(
        tx,
        &InstitutionScope::of(institution),
        &NewRequest {
            id,
            mentee: mentee.id,
            mentor: mentor.id,
            message: text,
            now: sent,
            remind_at: expires_at - days(reminder),
            expires_at,
        },
    )
    .await?;
    if notify {
        store::notify_in(
            tx,
            institution.id.0,
            mentor.id,
            &format!(
                "{} asked you to be their mentor. Please answer by {}.",
                mentee.display_name(),
                requests::day(expires_at)
            ),
            "/requests",
            sent,
        )
        .await?;
    }
    Ok(id)
}

/// Takes the first in the queue who passes `ok`.
fn take<'a>(
    queue: &mut Vec<&'a PersonProfile>,
    ok: impl Fn(&PersonProfile) -> bool,
) -> Option<&'a PersonProfile> {
    queue.iter().position(|m| ok(m)).map(|i| queue.remove(i))
}

/// The message a mentee sends.
fn message(mentee: &PersonProfile, mentor: &PersonProfile, profile: &MentoringProfile) -> String {
    let topic = profile
        .looking_for
        .items()
        .first()
        .cloned()
        .unwrap_or_else(|| "my career".into());
    format!(
        "Dear {}, I am {} and would value your advice, especially on {topic}. \
         Would you consider being my mentor? {}",
        mentor.given_name,
        match mentee.rank {
            Rank::Lecturer => "a lecturer",
            Rank::AssistantProfessor => "an assistant professor",
            Rank::AssociateProfessor => "an associate professor",
            Rank::Professor => "a professor",
        },
        mentee.given_name
    )
}

/// Seeds one institution's mentoring, unless it has any mentoring
/// profile already (then it changes nothing and returns `None`, so
/// re-running the demo is harmless). Ends with a sweep, which expires the
/// request left to expire and reminds the demo mentor of the oldest
/// request waiting.
pub async fn seed_mentoring(
    db: &Db,
    institution: &Institution,
    seed: u64,
    now: OffsetDateTime,
) -> Result<Option<MentoringSeeded>, DemoError> {
    let scope = InstitutionScope::of(institution);
    if !store::profiles(db, &scope).await?.is_empty() {
        return Ok(None);
    }
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ fxhash(institution.slug.as_str()) ^ fxhash("mentoring"));
    let people = tandem_store::people::all(db, &scope).await?;
    let cardiology = tandem_store::units::divisions(db, &scope)
        .await?
        .iter()
        .find(|d| d.name == "Cardiology")
        .map(|d| d.id);
    let (demo_mentee, demo_mentor) = account_people(&people, cardiology);
    let settings = settings::load(db, &scope).await?;
    let expiry = i64::from(settings.request_expiry_days.max(1));
    let do_not_match = store::do_not_match(db, &scope).await?;
    // Conflicts of interest do not depend on mentoring profiles.
    let rules = MentoringPool::from_parts(
        settings.clone(),
        people.clone(),
        Vec::new(),
        &[],
        do_not_match.clone(),
    );
    let may_mentor = |mentee: &PersonProfile, mentor: &PersonProfile| -> bool {
        rules
            .exclusions_with_capacity(mentee, mentor, true)
            .is_empty()
    };

    // --- Who offers to mentor, and what everyone looks for.
    let mut profiles: BTreeMap<PersonId, MentoringProfile> = BTreeMap::new();
    let mut senior: Vec<&PersonProfile> = people
        .iter()
        .filter(|p| p.rank.seniority() >= 2 && !settings.barred(p.leadership))
        .collect();
    senior.shuffle(&mut rng);
    let mut mentors: Vec<&PersonProfile> = senior[..senior.len().div_ceil(3)].to_vec();
    if let Some(r) = demo_mentor
        && !mentors.iter().any(|m| m.id == r.id)
    {
        mentors.push(r);
    }
    mentors.sort_by(|a, b| a.employee_id.cmp(&b.employee_id));
    for m in &mentors {
        let profile = MentoringProfile {
            looking_for: tags(&mut rng, LOOKING_FOR, 1, 3),
            personal_interests: tags(&mut rng, PERSONAL_INTERESTS, 0, 2),
            mentor_capacity: *[1u16, 1, 2, 2, 2, 3, 3].choose(&mut rng).unwrap_or(&2),
            mentor_training: rng.random_bool(0.45),
            ..MentoringProfile::empty(m.id)
        };
        profiles.insert(m.id, profile);
    }
    let is_mentor: BTreeSet<PersonId> = mentors.iter().map(|m| m.id).collect();
    let fits_demo_mentee = |m: &PersonProfile| demo_mentee.is_none_or(|d| may_mentor(d, m));
    let not_demo_mentor = |m: &PersonProfile| demo_mentor.is_none_or(|d| d.id != m.id);
    // The experienced mentor whose feedback shows, and an associate
    // professor with too few answers; both could mentor the demo mentee.
    let feedback_mentor = mentors
        .iter()
        .copied()
        .filter(|m| m.rank == Rank::Professor && not_demo_mentor(m) && fits_demo_mentee(m))
        .max_by_key(|m| (m.mentoring_years, std::cmp::Reverse(&m.employee_id)));
    let few_answers_mentor = mentors
        .iter()
        .copied()
        .filter(|m| {
            m.rank == Rank::AssociateProfessor
                && not_demo_mentor(m)
                && fits_demo_mentee(m)
                && Some(m.id) != feedback_mentor.map(|f| f.id)
        })
        .max_by_key(|m| (m.mentoring_years, std::cmp::Reverse(&m.employee_id)));
    for (who, capacity) in [
        (demo_mentor, 4),
        (feedback_mentor, FEEDBACK_MENTEES as u16 + 1),
        (few_answers_mentor, FEW_ANSWERS as u16 + 1),
    ] {
        if let Some(p) = who.and_then(|w| profiles.get_mut(&w.id)) {
            p.mentor_capacity = capacity;
            p.mentor_training = true;
        }
    }
    for p in people.iter().filter(|p| p.rank.seniority() <= 1) {
        if is_mentor.contains(&p.id) {
            continue;
        }
        let fill_in = rng.random_bool(0.5) || demo_mentee.is_some_and(|d| d.id == p.id);
        let looking_for = tags(&mut rng, LOOKING_FOR, 1, 3);
        let personal_interests = tags(&mut rng, PERSONAL_INTERESTS, 0, 2);
        if fill_in {
            profiles.insert(
                p.id,
                MentoringProfile {
                    looking_for,
                    personal_interests,
                    ..MentoringProfile::empty(p.id)
                },
            );
        }
    }
    // For fit: everyone's profile as planned so far.
    let planning = MentoringPool::from_parts(
        settings.clone(),
        people.clone(),
        profiles.values().cloned().collect(),
        &[],
        do_not_match,
    );
    let capacities: BTreeMap<PersonId, u32> = profiles
        .iter()
        .map(|(id, p)| (*id, u32::from(p.mentor_capacity)))
        .collect();
    let capacity = |id: PersonId| capacities.get(&id).copied().unwrap_or(0);

    // --- Who looks for a mentor: junior faculty, and a few associate
    // professors who do not mentor themselves, in a shuffled queue.
    let mut juniors: Vec<&PersonProfile> = people
        .iter()
        .filter(|p| p.rank.seniority() <= 1 && demo_mentee.is_none_or(|d| d.id != p.id))
        .collect();
    juniors.shuffle(&mut rng);
    let mut associates: Vec<&PersonProfile> = people
        .iter()
        .filter(|p| p.rank == Rank::AssociateProfessor && !is_mentor.contains(&p.id))
        .collect();
    associates.shuffle(&mut rng);
    let head = (ACTIVE_PAIRS + 12).min(juniors.len());
    let mut queue: Vec<&PersonProfile> = juniors[..head].to_vec();
    queue.extend(associates.iter().take(ASSOCIATES_LOOKING));
    queue.shuffle(&mut rng);
    queue.extend(&juniors[head..]);

    // --- Mentors kept with a free place for the demo mentee.
    let mut kept: BTreeSet<PersonId> = BTreeSet::new();
    if let Some(d) = demo_mentee {
        let mut candidates: Vec<(u32, &PersonProfile)> = mentors
            .iter()
            .copied()
            .filter(|m| {
                not_demo_mentor(m)
                    && Some(m.id) != feedback_mentor.map(|f| f.id)
                    && Some(m.id) != few_answers_mentor.map(|f| f.id)
                    && may_mentor(d, m)
            })
            .map(|m| (planning.fit(d, m).score, m))
            .collect();
        candidates.sort_by(|(sa, a), (sb, b)| sb.cmp(sa).then(a.employee_id.cmp(&b.employee_id)));
        kept.extend(
            candidates
                .iter()
                .take(KEPT_FOR_DEMO_MENTEE)
                .map(|(_, m)| m.id),
        );
    }

    // --- Pairs. Each started looking some time in the last 200 days and
    // was matched 3 to 60 days later, by a request the mentor answered
    // within the program's time.
    let mut load: BTreeMap<PersonId, u32> = BTreeMap::new();
    let mut pairs: Vec<Pair> = Vec::new();
    let timeline = |rng: &mut ChaCha8Rng, min_days_together: i64| {
        let wait: i64 = rng.random_range(3..=60);
        let ago: i64 =
            rng.random_range((wait + min_days_together)..=200.max(wait + min_days_together));
        let since = now - days(ago) - hours(rng, 0, 10);
        let accepted = since + days(wait) + hours(rng, 0, 8);
        let answer_days = rng.random_range(0..=(wait - 1).min(expiry - 1).min(10));
        let sent = accepted - days(answer_days) - hours(rng, 1, 6);
        (since, sent, accepted)
    };
    let rating = |rng: &mut ChaCha8Rng, good: bool| -> u8 {
        let scale: &[u8] = if good {
            &[4, 4, 5, 5, 5]
        } else {
            &[2, 3, 3, 4, 5]
        };
        *scale.choose(rng).unwrap_or(&4)
    };
    for (mentor, mentees, answers, good) in [
        (feedback_mentor, FEEDBACK_MENTEES, FEEDBACK_ANSWERS, true),
        (few_answers_mentor, FEW_ANSWERS, FEW_ANSWERS, false),
        (demo_mentor, 1, 0, true),
    ] {
        let Some(mentor) = mentor else { continue };
        for i in 0..mentees {
            let Some(mentee) = take(&mut queue, |m| may_mentor(m, mentor)) else {
                break;
            };
            let (since, sent, accepted) = timeline(&mut rng, if answers > 0 { 40 } else { 10 });
            let feedback = (i < answers).then(|| {
                let together = (now - accepted).whole_days().max(2);
                let at = accepted + days(rng.random_range(1..together)) + hours(&mut rng, 0, 8);
                let answers = FeedbackAnswers {
                    would_recommend: rng.random_bool(if good { 0.9 } else { 0.6 }),
                    available: rating(&mut rng, good),
                    helpful: rating(&mut rng, good),
                    respectful: rating(&mut rng, true),
                };
                (answers, at.min(now - Duration::hours(1)))
            });
            // Some who answered agreed to be references.
            let reference = feedback.is_some() && i % 2 == 0;
            let profile = profiles
                .entry(mentee.id)
                .or_insert_with(|| MentoringProfile::empty(mentee.id));
            profile.reference_opt_in = reference;
            *load.entry(mentor.id).or_insert(0) += 1;
            pairs.push(Pair {
                mentee,
                mentor,
                since,
                sent,
                accepted,
                declined_by: None,
                through_send: demo_mentor.is_some_and(|d| d.id == mentor.id),
                feedback,
            });
        }
    }
    let special: BTreeSet<PersonId> = [demo_mentor, feedback_mentor, few_answers_mentor]
        .into_iter()
        .flatten()
        .map(|m| m.id)
        .collect();
    // Places the general mentors may fill: those kept for the demo mentee
    // keep one.
    let limit = |id: PersonId| capacity(id).saturating_sub(u32::from(kept.contains(&id)));
    while pairs.len() < ACTIVE_PAIRS {
        let Some(mentee) = take(&mut queue, |_| true) else {
            break;
        };
        let mut open: Vec<(u32, &PersonProfile)> = mentors
            .iter()
            .copied()
            .filter(|m| {
                !special.contains(&m.id)
                    && load.get(&m.id).copied().unwrap_or(0) < limit(m.id)
                    && may_mentor(mentee, m)
            })
            .map(|m| (planning.fit(mentee, m).score, m))
            .collect();
        if open.is_empty() {
            continue;
        }
        open.sort_by(|(sa, a), (sb, b)| sb.cmp(sa).then(a.employee_id.cmp(&b.employee_id)));
        let top = &open[..open.len().min(5)];
        let Some(&(_, mentor)) = top.choose(&mut rng) else {
            continue;
        };
        let (since, sent, accepted) = timeline(&mut rng, 1);
        profiles
            .entry(mentee.id)
            .or_insert_with(|| MentoringProfile::empty(mentee.id));
        *load.entry(mentor.id).or_insert(0) += 1;
        pairs.push(Pair {
            mentee,
            mentor,
            since,
            sent,
            accepted,
            declined_by: None,
            through_send: false,
            feedback: None,
        });
    }
    let has_place = |load: &BTreeMap<PersonId, u32>, m: &PersonProfile| {
        load.get(&m.id).copied().unwrap_or(0) < capacity(m.id)
    };
    let general: Vec<&PersonProfile> = mentors
        .iter()
        .copied()
        .filter(|m| !special.contains(&m.id) && !kept.contains(&m.id))
        .collect();
    // One of those pairs came about after another mentor declined.
    for pair in pairs.iter_mut().filter(|p| !special.contains(&p.mentor.id)) {
        let other = general
            .iter()
            .copied()
            .filter(|m| m.id != pair.mentor.id && has_place(&load, m))
            .find(|m| may_mentor(pair.mentee, m));
        if let Some(other) = other {
            pair.declined_by = Some(other);
            pair.through_send = true;
            // Room before the accepted request for the declined one.
            pair.since = pair.since.min(pair.sent - days(3));
            break;
        }
    }

    // --- Requests waiting: three to the demo mentor (the oldest due a
    // reminder), a few to others, and one left to expire.
    let mut waiting: Vec<Waiting> = Vec::new();
    if let Some(r) = demo_mentor {
        for ago in [1, 5, 12] {
            let Some(mentee) = take(&mut queue, |m| may_mentor(m, r)) else {
                break;
            };
            let sent = now - days(ago.min(expiry - 1)) - hours(&mut rng, 1, 9);
            waiting.push(Waiting {
                mentee,
                mentor: r,
                sent,
                through_send: true,
            });
        }
    }
    for _ in 0..OTHER_PENDING_MENTEES {
        let Some(mentee) = take(&mut queue, |_| true) else {
            break;
        };
        let open: Vec<&PersonProfile> = general
            .iter()
            .copied()
            .filter(|m| has_place(&load, m) && may_mentor(mentee, m))
            .collect();
        let asks = rng.random_range(1..=2);
        for mentor in open.choose_multiple(&mut rng, asks) {
            let ago = rng.random_range(0..=9).min(expiry - 1);
            let sent = now - days(ago) - hours(&mut rng, 1, 9);
            waiting.push(Waiting {
                mentee,
                mentor,
                sent,
                through_send: false,
            });
        }
    }
    let pending_requests = waiting.len();
    let mut expired: Option<Waiting> = None;
    if let Some(mentee) = take(&mut queue, |_| true) {
        let open: Vec<&PersonProfile> = general
            .iter()
            .copied()
            .filter(|m| has_place(&load, m) && may_mentor(mentee, m))
            .collect();
        if let Some(mentor) = open.choose(&mut rng) {
            let sent = now - days(expiry + rng.random_range(3..=10)) - hours(&mut rng, 1, 9);
            expired = Some(Waiting {
                mentee,
                mentor,
                sent,
                through_send: false,
            });
        }
    }
    // When each of them started looking: before their first request.
    let mut first_sent: BTreeMap<PersonId, OffsetDateTime> = BTreeMap::new();
    for w in waiting.iter().chain(expired.iter()) {
        let e = first_sent.entry(w.mentee.id).or_insert(w.sent);
        *e = (*e).min(w.sent);
    }
    let mut looking_since: BTreeMap<PersonId, OffsetDateTime> = BTreeMap::new();
    for (id, sent) in first_sent {
        looking_since.insert(
            id,
            sent - days(rng.random_range(0..=20)) - hours(&mut rng, 0, 6),
        );
    }
    for _ in 0..LOOKING_ONLY {
        let Some(mentee) = take(&mut queue, |_| true) else {
            break;
        };
        looking_since.insert(
            mentee.id,
            now - days(rng.random_range(3..=90)) - hours(&mut rng, 0, 10),
        );
    }
    for pair in &pairs {
        looking_since.insert(pair.mentee.id, pair.since);
    }
    for (id, since) in &looking_since {
        let profile = profiles
            .entry(*id)
            .or_insert_with(|| MentoringProfile::empty(*id));
        if profile.looking_for.items().is_empty() {
            profile.looking_for = tags(&mut rng, LOOKING_FOR, 1, 2);
        }
        profile.looking_since = Some(*since);
    }

    // --- Writing it all. What the demo accounts see goes through the same
    // core functions as real use: the demo mentor's pair and the requests
    // waiting for them, the declined request, and every feedback answer.
    // The other pairs, requests and notifications are written in one
    // transaction, as `send` and `answer` would write them: `send` loads
    // the whole institution each time, which would make the demo slow, and
    // the planning above applied the rules both check (conflicts of
    // interest and free places, with the same pool's code; answers within
    // the program's time). The demo test checks the outcome.
    for profile in profiles.values() {
        store::save_profile(db, &scope, profile, now).await?;
    }
    let reminder = i64::from(settings.reminder_days);
    let mut tx = db.begin().await?;
    for pair in pairs.iter().filter(|p| !p.through_send) {
        let text = message(pair.mentee, pair.mentor, &profiles[&pair.mentee.id]);
        let id = write_request(
            &mut tx,
            institution,
            pair.mentee,
            pair.mentor,
            &text,
            pair.sent,
            (expiry, reminder),
            false,
        )
        .await?;
        let settled = store::settle_request(
            &mut tx,
            &scope,
            id,
            RequestStatus::Accepted,
            None,
            pair.accepted,
        )
        .await?;
        debug_assert!(settled, "a demo request expired before its answer");
        let mentorship = Mentorship {
            id: MentorshipId::new_random(),
            mentee_id: pair.mentee.id,
            mentor_id: pair.mentor.id,
            // Every demo mentee has one mentor.
            role: MentorRole::Primary,
            origin: MentorshipOrigin::Request,
            status: MentorshipStatus::Active,
            proposed_at: pair.accepted,
            started_at: Some(pair.accepted),
        };
        store::insert_mentorship(&mut tx, &scope, &mentorship, Some(id)).await?;
    }
    for w in waiting.iter().chain(expired.iter()) {
        if !w.through_send {
            let text = message(w.mentee, w.mentor, &profiles[&w.mentee.id]);
            write_request(
                &mut tx,
                institution,
                w.mentee,
                w.mentor,
                &text,
                w.sent,
                (expiry, reminder),
                true,
            )
            .await?;
        }
    }
    tx.commit().await?;
    let mut declined_requests = 0;
    for pair in pairs.iter().filter(|p| p.through_send) {
        let profile = &profiles[&pair.mentee.id];
        if let Some(other) = pair.declined_by {
            let sent = pair.since + hours(&mut rng, 1, 6);
            let request = requests::send(
                db,
                institution,
                pair.mentee.id,
                other.id,
                &message(pair.mentee, other, profile),
                sent,
            )
            .await?;
            requests::answer(
                db,
                institution,
                other.id,
                request.id,
                Answer::Decline(Some(DECLINE_REASON.into())),
                sent + days(1),
            )
            .await?;
            declined_requests += 1;
        }
        let request = requests::send(
            db,
            institution,
            pair.mentee.id,
            pair.mentor.id,
            &message(pair.mentee, pair.mentor, profile),
            pair.sent,
        )
        .await?;
        requests::answer(
            db,
            institution,
            pair.mentor.id,
            request.id,
            Answer::Accept,
            pair.accepted,
        )
        .await?;
    }
    let mut feedback_answers = 0;
    for pair in &pairs {
        if let Some((answers, at)) = pair.feedback {
            feedback::give(db, institution, pair.mentee.id, pair.mentor.id, answers, at).await?;
            feedback_answers += 1;
        }
    }
    for w in waiting.iter().filter(|w| w.through_send) {
        requests::send(
            db,
            institution,
            w.mentee.id,
            w.mentor.id,
            &message(w.mentee, w.mentor, &profiles[&w.mentee.id]),
            w.sent,
        )
        .await?;
    }
    requests::sweep(db, now).await?;

    let matched: BTreeSet<PersonId> = pairs.iter().map(|p| p.mentee.id).collect();
    let round_pairs = seed_round(
        db,
        institution,
        &looking_since
            .keys()
            .copied()
            .filter(|id| !matched.contains(id) && Some(*id) != demo_mentee.map(|p| p.id))
            .collect::<Vec<_>>(),
        &general
            .iter()
            .map(|m| m.id)
            .filter(|id| !kept.contains(id) && !special.contains(id))
            .collect::<Vec<_>>(),
        now,
    )
    .await?;
    Ok(Some(MentoringSeeded {
        profiles: profiles.len(),
        mentors: profiles.values().filter(|p| p.mentor_capacity > 0).count(),
        active_pairs: pairs.len(),
        pending_requests,
        declined_requests,
        expired_requests: usize::from(expired.is_some()),
        feedback_answers,
        looking_unmatched: looking_since
            .keys()
            .filter(|id| !matched.contains(id))
            .count(),
        round_pairs,
        demo_mentee: demo_mentee.map(DemoPerson::of),
        demo_mentor: demo_mentor.map(DemoPerson::of),
        feedback_mentor: feedback_mentor.map(DemoPerson::of),
        few_answers_mentor: few_answers_mentor.map(DemoPerson::of),
    }))
}

/// Mentors the demo round draws on; fewer places than mentees, so some
/// are left unmatched with a reason.
const ROUND_MENTORS: usize = 3;

/// A published round over `looking` (people still without a mentor) and
/// a few of `mentors`, three weeks old; the first two proposals were
/// accepted by both sides. Returns how many pairs it proposed.
async fn seed_round(
    db: &Db,
    institution: &Institution,
    looking: &[PersonId],
    mentors: &[PersonId],
    now: OffsetDateTime,
) -> Result<usize, DemoError> {
    use crate::mentoring::rounds::{self, Method, RoundInputs};
    let scope = InstitutionScope::of(institution);
    let pool = MentoringPool::load(db, &scope).await?;
    let chosen: Vec<(PersonId, u32)> = mentors
        .iter()
        .map(|id| (*id, pool.free_places(*id)))
        .filter(|(_, places)| *places > 0)
        .take(ROUND_MENTORS)
        .collect();
    if looking.is_empty() || chosen.is_empty() {
        return Ok(0);
    }
    let inputs = RoundInputs {
        cohort: looking.to_vec(),
        mentors: chosen,
        method: Method::Optimal,
        team_size: 1,
        settings: pool.settings.clone(),
        locked: vec![],
        forbidden: vec![],
        rankings: Default::default(),
    };
    let at = now - days(21);
    let id = rounds::store_new(
        db,
        &scope,
        &pool,
        None,
        "Autumn round: faculty still looking",
        &inputs,
        at,
    )
    .await?;
    let proposals = rounds::publish(db, institution, id, at).await?;
    let round = rounds::load(db, &scope, id)
        .await?
        .ok_or(crate::mentoring::MentoringError::NotFound)?;
    for pair in round.result.pairs.iter().take(2) {
        let open = tandem_store::rounds::proposals_of(db, &scope, pair.mentee).await?;
        for proposal in open.iter().filter(|p| p.mentor == pair.mentor) {
            for person in [pair.mentee, pair.mentor] {
                rounds::answer_proposal(db, institution, person, proposal.id, true, at + days(3))
                    .await?;
            }
        }
    }
    Ok(proposals)
}
