//! Facilitator rounds: a cohort matched in one go, by the exact optimal
//! assignment (optionally teams: a primary plus secondary mentors) or by
//! stable matching, previewed with reasons, risks and the unmatched with
//! why, adjusted by locking or forbidding pairs, and published as
//! proposals each side accepts or declines.
//!
//! A round stores its inputs (cohort, mentors and places, weights, rules,
//! locks, forbids), the engine version, a digest of every pair's cost and
//! its result. Re-running it on unchanged profiles gives the same digest
//! and, the engine being deterministic, the same result.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tandem_domain::{
    Institution, MentorRole, Mentorship, MentorshipId, MentorshipOrigin, MentorshipStatus,
    PersonId, PersonProfile,
};
use tandem_matching::{Candidate, MenteeId, MentorId, ProblemInput, UnmatchedReason};
use tandem_store::rounds::StoredRound;
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use super::score::{Prepared, Side, explain, score_only};
use super::{MentoringError, MentoringPool, ProgramSettings};

/// The engine that solved a round, recorded with it.
pub const ENGINE_VERSION: &str = concat!("tandem-matching ", env!("CARGO_PKG_VERSION"));

/// Largest cohort and mentor pool a round accepts.
pub const MAX_ROUND_PEOPLE: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The exact optimum: as many places filled as possible, then the best
    /// total fit.
    Optimal,
    /// Mentee-proposing stable matching on preferences from the fit: no
    /// mentee and mentor would both rather have each other.
    Stable,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::Optimal => "optimal",
            Method::Stable => "stable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Optimal => "Optimal assignment",
            Method::Stable => "Stable matching",
        }
    }

    pub fn parse(raw: &str) -> Option<Method> {
        match raw {
            "optimal" => Some(Method::Optimal),
            "stable" => Some(Method::Stable),
            _ => None,
        }
    }
}

/// Everything a round was run on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundInputs {
    pub cohort: Vec<PersonId>,
    /// Mentors and their free places when the round was made.
    pub mentors: Vec<(PersonId, u32)>,
    pub method: Method,
    /// Mentors per mentee: 1, or 2-3 for a team.
    pub team_size: u32,
    pub settings: ProgramSettings,
    pub locked: Vec<(PersonId, PersonId)>,
    pub forbidden: Vec<(PersonId, PersonId)>,
    /// For stable matching: participants' own rankings, best first. A
    /// ranked candidate comes before every unranked one; the unranked
    /// follow in order of fit.
    #[serde(default)]
    pub rankings: BTreeMap<PersonId, Vec<PersonId>>,
}

/// A proposed pair with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedPair {
    pub mentee: PersonId,
    pub mentor: PersonId,
    pub role: MentorRole,
    pub score: u32,
    pub reasons: Vec<String>,
    pub risks: Vec<String>,
    pub locked: bool,
}

/// A mentee the round left short, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unplaced {
    pub mentee: PersonId,
    pub missing: u32,
    pub why: String,
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundResult {
    pub engine_version: String,
    pub pairs: Vec<ProposedPair>,
    pub unmatched: Vec<Unplaced>,
    /// Mean score of the pairs.
    pub mean_score: f64,
    /// Eligible pairs the engine chose from, and pairs excluded by a
    /// conflict of interest or a forbid.
    pub candidate_pairs: usize,
    pub excluded_pairs: usize,
    /// SHA-256 of every eligible pair's cost, in order: equal digests mean
    /// the engine saw the same problem.
    pub cost_digest: String,
    pub score_ms: u64,
    pub solve_ms: u64,
}

fn missing_person(id: PersonId) -> MentoringError {
    MentoringError::Refused(format!(
        "{id} is not in this institution's roster any more."
    ))
}

/// Why a pair may not be formed in a round, checked without allocating:
/// the same rules as [`super::exclusions`] but with each mentee's chain of
/// supervisors computed once. Capacity is the engine's job.
fn excluded(
    pool: &MentoringPool,
    mentee: &PersonProfile,
    chain: &HashSet<PersonId>,
    mentor: &PersonProfile,
) -> bool {
    mentee.id == mentor.id
        || chain.contains(&mentor.id)
        || mentee.resource_controller_id == Some(mentor.id)
        || pool.settings.barred(mentor.leadership)
        || pool.asked_apart(mentee.id, mentor.id)
        || pool.paired(mentee.id, mentor.id)
}

/// Runs a round on the pool's current profiles.
pub fn run(pool: &MentoringPool, inputs: &RoundInputs) -> Result<RoundResult, MentoringError> {
    if inputs.cohort.is_empty() {
        return Err(MentoringError::Refused("The cohort is empty.".into()));
    }
    if inputs.cohort.len() > MAX_ROUND_PEOPLE || inputs.mentors.len() > MAX_ROUND_PEOPLE {
        return Err(MentoringError::Refused(format!(
            "A round takes at most {MAX_ROUND_PEOPLE} mentees and {MAX_ROUND_PEOPLE} mentors."
        )));
    }
    if !(1..=3).contains(&inputs.team_size) {
        return Err(MentoringError::Refused(
            "A team has one to three mentors.".into(),
        ));
    }
    if inputs.method == Method::Stable && inputs.team_size != 1 {
        return Err(MentoringError::Refused(
            "Stable matching gives each mentee one mentor; choose the optimal assignment for teams."
                .into(),
        ));
    }
    let mut pool_view = pool.clone();
    pool_view.settings = inputs.settings.clone();
    let pool = &pool_view;

    let mentees: Vec<&PersonProfile> = inputs
        .cohort
        .iter()
        .map(|id| pool.person(*id).ok_or_else(|| missing_person(*id)))
        .collect::<Result<_, _>>()?;
    let mentors: Vec<&PersonProfile> = inputs
        .mentors
        .iter()
        .map(|(id, _)| pool.person(*id).ok_or_else(|| missing_person(*id)))
        .collect::<Result<_, _>>()?;
    let mentee_index: HashMap<PersonId, u32> = inputs
        .cohort
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    let mentor_index: HashMap<PersonId, u32> = inputs
        .mentors
        .iter()
        .enumerate()
        .map(|(j, (id, _))| (*id, j as u32))
        .collect();
    let index_pair =
        |(a, b): &(PersonId, PersonId)| -> Result<(MenteeId, MentorId), MentoringError> {
            match (mentee_index.get(a), mentor_index.get(b)) {
                (Some(i), Some(j)) => Ok((MenteeId(*i), MentorId(*j))),
                _ => Err(MentoringError::Refused(
                    "A locked or forbidden pair is not in this round.".into(),
                )),
            }
        };
    let locked: Vec<(MenteeId, MentorId)> = inputs
        .locked
        .iter()
        .map(index_pair)
        .collect::<Result<_, _>>()?;
    let forbidden: Vec<(MenteeId, MentorId)> = inputs
        .forbidden
        .iter()
        .map(index_pair)
        .collect::<Result<_, _>>()?;

    // Score every eligible pair.
    let started = Instant::now();
    let mentee_profiles: Vec<_> = mentees.iter().map(|p| pool.mentoring(p.id)).collect();
    let mentor_profiles: Vec<_> = mentors.iter().map(|p| pool.mentoring(p.id)).collect();
    let prepared_mentees: Vec<Prepared<'_>> = mentees
        .iter()
        .zip(&mentee_profiles)
        .map(|(person, mentoring)| Prepared::new(Side { person, mentoring }))
        .collect();
    let prepared_mentors: Vec<Prepared<'_>> = mentors
        .iter()
        .zip(&mentor_profiles)
        .map(|(person, mentoring)| Prepared::new(Side { person, mentoring }))
        .collect();
    let forbidden_set: HashSet<(MenteeId, MentorId)> = forbidden.iter().copied().collect();
    let mut candidates = Vec::new();
    let mut excluded_pairs = 0usize;
    let mut digest = Sha256::new();
    for (i, mentee) in mentees.iter().enumerate() {
        let chain: HashSet<PersonId> = pool.chain_above(mentee.id).into_iter().collect();
        for (j, mentor) in mentors.iter().enumerate() {
            let pair = (MenteeId(i as u32), MentorId(j as u32));
            if excluded(pool, mentee, &chain, mentor) || forbidden_set.contains(&pair) {
                excluded_pairs += 1;
                continue;
            }
            let score = score_only(
                &prepared_mentees[i],
                &prepared_mentors[j],
                &inputs.settings.weights,
            );
            let cost = 100 - i64::from(score);
            digest.update((i as u32).to_le_bytes());
            digest.update((j as u32).to_le_bytes());
            digest.update(cost.to_le_bytes());
            candidates.push(Candidate {
                mentee: pair.0,
                mentor: pair.1,
                cost,
            });
        }
    }
    let score_ms = started.elapsed().as_millis() as u64;
    let candidate_pairs = candidates.len();
    for pair in &locked {
        if !candidates
            .iter()
            .any(|c| c.mentee == pair.0 && c.mentor == pair.1)
        {
            let (a, b) = (mentees[pair.0.0 as usize], mentors[pair.1.0 as usize]);
            return Err(MentoringError::Refused(format!(
                "{} and {} cannot be locked together: {}.",
                a.display_name(),
                b.display_name(),
                pool.exclusions_with_capacity(a, b, true)
                    .first()
                    .map(super::Exclusion::explain)
                    .unwrap_or_else(|| "the pair is forbidden".into())
            )));
        }
    }

    let started = Instant::now();
    let capacity: Vec<u32> = inputs.mentors.iter().map(|(_, c)| *c).collect();
    let (assigned, short): Solved = match inputs.method {
        Method::Optimal => solve_optimal(inputs, &capacity, candidates, forbidden, &locked)?,
        Method::Stable => solve_stable(inputs, &capacity, &candidates, &locked),
    };
    let solve_ms = started.elapsed().as_millis() as u64;

    let pairs: Vec<ProposedPair> = assigned
        .iter()
        .map(|&(i, j, is_locked, role)| {
            let fit = explain(
                &prepared_mentees[i as usize],
                &prepared_mentors[j as usize],
                &inputs.settings.weights,
            );
            ProposedPair {
                mentee: mentees[i as usize].id,
                mentor: mentors[j as usize].id,
                role,
                score: fit.score,
                reasons: fit.reasons.into_iter().take(3).map(|r| r.text).collect(),
                risks: fit.risks.into_iter().map(|r| r.text).collect(),
                locked: is_locked,
            }
        })
        .collect();
    let unmatched = short
        .into_iter()
        .map(|(i, missing, why)| {
            let mentee = mentees[i as usize];
            let why = if why.is_empty() {
                why_no_candidate(pool, mentee, &mentors, &inputs.forbidden)
            } else {
                why
            };
            Unplaced {
                mentee: mentee.id,
                missing,
                why,
            }
        })
        .collect();
    let mean_score = if pairs.is_empty() {
        0.0
    } else {
        let total: u32 = pairs.iter().map(|p| p.score).sum();
        (f64::from(total) / pairs.len() as f64 * 10.0).round() / 10.0
    };
    Ok(RoundResult {
        engine_version: ENGINE_VERSION.into(),
        pairs,
        unmatched,
        mean_score,
        candidate_pairs,
        excluded_pairs,
        cost_digest: format!("{:x}", digest.finalize()),
        score_ms,
        solve_ms,
    })
}

type Solved = (Vec<(u32, u32, bool, MentorRole)>, Vec<(u32, u32, String)>);

fn solve_optimal(
    inputs: &RoundInputs,
    capacity: &[u32],
    candidates: Vec<Candidate>,
    forbidden: Vec<(MenteeId, MentorId)>,
    locked: &[(MenteeId, MentorId)],
) -> Result<Solved, MentoringError> {
    let problem = tandem_matching::Problem::new(&ProblemInput {
        demand: vec![inputs.team_size; inputs.cohort.len()],
        capacity: capacity.iter().map(|c| i64::from(*c)).collect(),
        candidates,
        forbidden,
        locked: locked.to_vec(),
    })
    .map_err(|e| MentoringError::Refused(format!("The round cannot be solved: {e}.")))?;
    let solution = tandem_matching::solve(&problem);
    let assigned = solution
        .pairs
        .iter()
        .map(|p| {
            (
                p.mentee.0,
                p.mentor.0,
                p.locked,
                match p.role {
                    tandem_matching::Role::Primary => MentorRole::Primary,
                    tandem_matching::Role::Secondary => MentorRole::Secondary,
                },
            )
        })
        .collect();
    let short = solution
        .unmatched
        .iter()
        .map(|u| {
            let why = match u.reason {
                // Explained per mentor by the caller.
                UnmatchedReason::NoEligibleCandidate => String::new(),
                UnmatchedReason::CandidatesFull => {
                    "Every mentor they could be matched with has no place left in this round; more places or more mentors would help.".into()
                }
                UnmatchedReason::TooFewCandidates { eligible } => format!(
                    "Only {eligible} mentor{} could be on their team.",
                    if eligible == 1 { "" } else { "s" }
                ),
            };
            (u.mentee.0, u.missing, why)
        })
        .collect();
    Ok((assigned, short))
}

fn solve_stable(
    inputs: &RoundInputs,
    capacity: &[u32],
    candidates: &[Candidate],
    locked: &[(MenteeId, MentorId)],
) -> Solved {
    let n = inputs.cohort.len();
    let m = capacity.len();
    // Locked pairs are fixed first; the rest of the market is matched.
    let mut remaining = capacity.to_vec();
    let mut fixed: Vec<Option<u32>> = vec![None; n];
    for (i, j) in locked {
        fixed[i.0 as usize] = Some(j.0);
        remaining[j.0 as usize] = remaining[j.0 as usize].saturating_sub(1);
    }
    // A participant's own ranking goes first (position), then the fit.
    let position = |who: PersonId, whom: PersonId| -> i64 {
        inputs
            .rankings
            .get(&who)
            .and_then(|list| list.iter().position(|p| *p == whom))
            .map_or(i64::MAX / 2, |i| i as i64)
    };
    let mut by_mentee: Vec<Vec<((i64, i64), u32)>> = vec![Vec::new(); n];
    let mut by_mentor: Vec<Vec<((i64, i64), u32)>> = vec![Vec::new(); m];
    for c in candidates {
        if fixed[c.mentee.0 as usize].is_some() {
            continue;
        }
        let (mentee, mentor) = (
            inputs.cohort[c.mentee.0 as usize],
            inputs.mentors[c.mentor.0 as usize].0,
        );
        by_mentee[c.mentee.0 as usize].push(((position(mentee, mentor), c.cost), c.mentor.0));
        by_mentor[c.mentor.0 as usize].push(((position(mentor, mentee), c.cost), c.mentee.0));
    }
    let ranked = |lists: Vec<Vec<((i64, i64), u32)>>| -> Vec<Vec<u32>> {
        lists
            .into_iter()
            .map(|mut l| {
                l.sort_unstable();
                l.into_iter().map(|(_, x)| x).collect()
            })
            .collect()
    };
    let prefs = tandem_matching::stable::Preferences {
        mentee: ranked(by_mentee),
        mentor: ranked(by_mentor),
    };
    let had_candidates: Vec<bool> = prefs.mentee.iter().map(|l| !l.is_empty()).collect();
    let mut assigned: Vec<(u32, u32, bool, MentorRole)> = Vec::new();
    let mut short = Vec::new();
    // The lists are built from distinct candidates, so the engine accepts them.
    let matching = tandem_matching::stable::stable_match(&prefs, &remaining).ok();
    let pairs: HashMap<u32, u32> = matching
        .map(|s| s.pairs().into_iter().map(|(i, j)| (i.0, j.0)).collect())
        .unwrap_or_default();
    for (i, fixed_mentor) in fixed.iter().enumerate() {
        let i = i as u32;
        if let Some(j) = fixed_mentor {
            assigned.push((i, *j, true, MentorRole::Primary));
        } else if let Some(j) = pairs.get(&i) {
            assigned.push((i, *j, false, MentorRole::Primary));
        } else if had_candidates[i as usize] {
            short.push((
                i,
                1,
                "Every mentor they could be matched with filled their places with mentees who fit them better.".into(),
            ));
        } else {
            short.push((i, 1, String::new()));
        }
    }
    (assigned, short)
}

/// Why no mentor at all could take this mentee, counted by reason.
fn why_no_candidate(
    pool: &MentoringPool,
    mentee: &PersonProfile,
    mentors: &[&PersonProfile],
    forbidden: &[(PersonId, PersonId)],
) -> String {
    if mentors.is_empty() {
        return "The round has no mentors with free places.".into();
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for mentor in mentors {
        let mut reasons: Vec<String> = pool
            .exclusions_with_capacity(mentee, mentor, true)
            .iter()
            .map(super::Exclusion::explain)
            .collect();
        if pool.paired(mentee.id, mentor.id) {
            reasons.push("already paired".into());
        }
        if forbidden.contains(&(mentee.id, mentor.id)) {
            reasons.push("forbidden by the facilitator".into());
        }
        let Some(first) = reasons.into_iter().next() else {
            continue;
        };
        match counts.iter_mut().find(|(r, _)| *r == first) {
            Some((_, n)) => *n += 1,
            None => counts.push((first, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let parts: Vec<String> = counts
        .iter()
        .map(|(reason, n)| format!("{n} × {reason}"))
        .collect();
    format!(
        "No mentor in the round may mentor them: {}.",
        parts.join("; ")
    )
}

/// A round as the pages and API show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub inputs: RoundInputs,
    pub result: RoundResult,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
}

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("round: {e}"))
}

impl TryFrom<StoredRound> for Round {
    type Error = StoreError;
    fn try_from(s: StoredRound) -> Result<Self, StoreError> {
        Ok(Round {
            id: s.id,
            name: s.name,
            status: s.status,
            inputs: serde_json::from_str(&s.inputs).map_err(corrupt)?,
            result: serde_json::from_str(&s.result).map_err(corrupt)?,
            created_at: s.created_at,
            published_at: s.published_at,
        })
    }
}

/// Who a round is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cohort {
    /// Faculty appointed on or after this date who have no mentor yet.
    AppointedSince(time::Date),
    /// These employee ids.
    EmployeeIds(Vec<String>),
}

/// Resolves a cohort against the pool, in roster order. The appointment
/// rule takes people who have no open pair and offer no places.
pub fn resolve_cohort(pool: &MentoringPool, cohort: &Cohort) -> Result<Vec<PersonId>, String> {
    let has_mentor = |p: &PersonProfile| pool.people().iter().any(|m| pool.paired(p.id, m.id));
    match cohort {
        Cohort::AppointedSince(date) => Ok(pool
            .people()
            .iter()
            .filter(|p| p.appointment_date >= *date && !has_mentor(p) && !pool.is_mentor(p.id))
            .map(|p| p.id)
            .collect()),
        Cohort::EmployeeIds(ids) => {
            let mut out = Vec::new();
            let mut unknown = Vec::new();
            for id in ids {
                match pool.people().iter().find(|p| &p.employee_id == id) {
                    Some(p) if !out.contains(&p.id) => out.push(p.id),
                    Some(_) => {}
                    None => unknown.push(id.clone()),
                }
            }
            if unknown.is_empty() {
                Ok(out)
            } else {
                Err(format!(
                    "No one in the roster has employee id {}.",
                    unknown.join(", ")
                ))
            }
        }
    }
}

/// What a facilitator asks for when making a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub name: String,
    pub cohort: Cohort,
    pub method: Method,
    pub team_size: u32,
}

/// Creates a draft round for the cohort, runs it and stores everything.
pub async fn create(
    db: &Db,
    institution: &Institution,
    created_by: tandem_domain::AccountId,
    request: &NewRound,
    now: OffsetDateTime,
) -> Result<Uuid, MentoringError> {
    let (cohort, method, team_size) = (&request.cohort, request.method, request.team_size);
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(MentoringError::Refused(
            "Give the round a name of at most 120 characters.".into(),
        ));
    }
    let scope = InstitutionScope::of(institution);
    let pool = MentoringPool::load(db, &scope).await?;
    let cohort = resolve_cohort(&pool, cohort).map_err(MentoringError::Refused)?;
    let mentors: Vec<(PersonId, u32)> = pool
        .mentors()
        .filter(|m| !cohort.contains(&m.id) && !pool.settings.barred(m.leadership))
        .map(|m| (m.id, pool.free_places(m.id)))
        .filter(|(_, places)| *places > 0)
        .collect();
    let inputs = RoundInputs {
        cohort,
        mentors,
        method,
        team_size,
        settings: pool.settings.clone(),
        locked: vec![],
        forbidden: vec![],
        rankings: Default::default(),
    };
    let id = store_new(db, &scope, &pool, Some(created_by), name, &inputs, now).await?;
    for mentee in &inputs.cohort {
        tandem_store::mentoring::mark_looking(db, &scope, *mentee, now).await?;
    }
    if method == Method::Stable {
        // Stable matching asks both sides for their rankings first.
        let mut tx = db.begin().await?;
        let participants = inputs
            .cohort
            .iter()
            .chain(inputs.mentors.iter().map(|(m, _)| m));
        for person in participants {
            crate::notify::notify_in(
                &mut tx,
                institution.id.0,
                *person,
                &format!("The {name} round asks you to rank your candidates before it is matched."),
                &format!("/rounds/{id}/rank"),
                &format!("round:{id}:rank:{person}"),
                now,
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(id)
}

/// Runs `inputs` on `pool` and stores the round as a draft.
pub async fn store_new(
    db: &Db,
    scope: &InstitutionScope,
    pool: &MentoringPool,
    created_by: Option<tandem_domain::AccountId>,
    name: &str,
    inputs: &RoundInputs,
    now: OffsetDateTime,
) -> Result<Uuid, MentoringError> {
    let result = run(pool, inputs)?;
    let id = Uuid::new_v4();
    let stored = StoredRound {
        id,
        name: name.to_string(),
        method: inputs.method.code().into(),
        team_size: inputs.team_size as i32,
        status: "draft".into(),
        inputs: serde_json::to_string(inputs).map_err(|e| MentoringError::Store(corrupt(e)))?,
        result: serde_json::to_string(&result).map_err(|e| MentoringError::Store(corrupt(e)))?,
        engine_version: ENGINE_VERSION.into(),
        created_at: now,
        updated_at: now,
        published_at: None,
    };
    tandem_store::rounds::create(db, scope, &stored, created_by).await?;
    Ok(id)
}

pub async fn load(
    db: &Db,
    scope: &InstitutionScope,
    id: Uuid,
) -> Result<Option<Round>, MentoringError> {
    Ok(tandem_store::rounds::get(db, scope, id)
        .await?
        .map(Round::try_from)
        .transpose()?)
}

/// A facilitator's change to a draft round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adjustment {
    Lock(PersonId, PersonId),
    Forbid(PersonId, PersonId),
    /// Remove a lock or a forbid.
    Clear(PersonId, PersonId),
    /// Re-run as is (profiles may have changed).
    Rerun,
}

/// Applies an adjustment to a draft round and runs it again.
pub async fn adjust(
    db: &Db,
    institution: &Institution,
    id: Uuid,
    adjustment: Adjustment,
    now: OffsetDateTime,
) -> Result<Round, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let mut round = load(db, &scope, id)
        .await?
        .ok_or(MentoringError::NotFound)?;
    if round.status != "draft" {
        return Err(MentoringError::Conflict(
            "This round is published; start a new round to change it.".into(),
        ));
    }
    let inputs = &mut round.inputs;
    match adjustment {
        Adjustment::Lock(a, b) => {
            inputs.forbidden.retain(|p| *p != (a, b));
            if !inputs.locked.contains(&(a, b)) {
                inputs.locked.push((a, b));
            }
        }
        Adjustment::Forbid(a, b) => {
            inputs.locked.retain(|p| *p != (a, b));
            if !inputs.forbidden.contains(&(a, b)) {
                inputs.forbidden.push((a, b));
            }
        }
        Adjustment::Clear(a, b) => {
            inputs.locked.retain(|p| *p != (a, b));
            inputs.forbidden.retain(|p| *p != (a, b));
        }
        Adjustment::Rerun => {}
    }
    round.inputs.rankings = submitted_rankings(db, &scope, id).await?;
    let pool = MentoringPool::load(db, &scope).await?;
    round.result = run(&pool, &round.inputs)?;
    let inputs = serde_json::to_string(&round.inputs).map_err(corrupt)?;
    let result = serde_json::to_string(&round.result).map_err(corrupt)?;
    if !tandem_store::rounds::update_draft(db, &scope, id, &inputs, &result, now).await? {
        return Err(MentoringError::Conflict(
            "This round was published meanwhile.".into(),
        ));
    }
    Ok(round)
}

/// Publishes a draft: each proposed pair becomes a proposal both sides
/// are asked to accept or decline. Returns how many proposals were made.
pub async fn publish(
    db: &Db,
    institution: &Institution,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<usize, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let round = load(db, &scope, id)
        .await?
        .ok_or(MentoringError::NotFound)?;
    let people: HashMap<PersonId, String> = tandem_store::people::all(db, &scope)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name()))
        .collect();
    let name = |id: &PersonId| people.get(id).cloned().unwrap_or_default();
    let mut tx = db.begin().await?;
    if !tandem_store::rounds::mark_published(&mut tx, &scope, id, now).await? {
        return Err(MentoringError::Conflict(
            "This round is already published.".into(),
        ));
    }
    for pair in &round.result.pairs {
        let proposal = Mentorship {
            id: MentorshipId::new_random(),
            mentee_id: pair.mentee,
            mentor_id: pair.mentor,
            role: pair.role,
            origin: MentorshipOrigin::Round,
            status: MentorshipStatus::Proposed,
            proposed_at: now,
            started_at: None,
        };
        tandem_store::rounds::insert_proposal(&mut tx, &scope, &proposal, id)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => MentoringError::Conflict(format!(
                    "{} and {} are already paired; re-run the round first.",
                    name(&pair.mentee),
                    name(&pair.mentor)
                )),
                other => other.into(),
            })?;
        for (to, other) in [(pair.mentee, pair.mentor), (pair.mentor, pair.mentee)] {
            crate::notify::notify_in(
                &mut tx,
                institution.id.0,
                to,
                &format!(
                    "The {} round proposes you and {} as a pair. Please accept or decline.",
                    round.name,
                    name(&other)
                ),
                "/requests",
                &format!("round:{}:proposal:{to}", round.id),
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(round.result.pairs.len())
}

/// One side answers a proposal from a round.
pub async fn answer_proposal(
    db: &Db,
    institution: &Institution,
    person: PersonId,
    proposal: MentorshipId,
    accept: bool,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    let action = if accept {
        tandem_domain::relationship::Action::Accept
    } else {
        tandem_domain::relationship::Action::Decline
    };
    crate::relationships::act(db, institution, proposal, person, action, now).await?;
    Ok(())
}

fn parse_ranking(json: &str) -> Result<Vec<PersonId>, StoreError> {
    serde_json::from_str(json).map_err(corrupt)
}

/// The rankings participants submitted for a round.
pub async fn submitted_rankings(
    db: &Db,
    scope: &InstitutionScope,
    round: Uuid,
) -> Result<BTreeMap<PersonId, Vec<PersonId>>, StoreError> {
    tandem_store::rounds::rankings(db, scope, round)
        .await?
        .into_iter()
        .map(|(person, json)| Ok((person, parse_ranking(&json)?)))
        .collect()
}

/// How many candidates a participant is asked to rank.
pub const RANKED_CANDIDATES: usize = 10;

/// A participant's view of a round: who they may be matched with, best
/// fit first, and their ranking so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankingSheet {
    pub round: Uuid,
    pub round_name: String,
    /// True for mentees (ranking mentors), false for mentors.
    pub as_mentee: bool,
    pub candidates: Vec<(PersonId, super::Compatibility)>,
    pub ranked: Vec<PersonId>,
}

/// The sheet for `person` in a draft stable round they take part in.
pub async fn ranking_sheet(
    db: &Db,
    scope: &InstitutionScope,
    round_id: Uuid,
    person: PersonId,
) -> Result<RankingSheet, MentoringError> {
    let round = load(db, scope, round_id)
        .await?
        .ok_or(MentoringError::NotFound)?;
    let as_mentee = round.inputs.cohort.contains(&person);
    let as_mentor = round.inputs.mentors.iter().any(|(m, _)| *m == person);
    if !(as_mentee || as_mentor) {
        return Err(MentoringError::NotFound);
    }
    if round.status != "draft" || round.inputs.method != Method::Stable {
        // A read: the sheet is refused as before (400), not as a conflict.
        return Err(MentoringError::Refused(
            "This round does not take rankings.".into(),
        ));
    }
    let pool = MentoringPool::load(db, scope).await?;
    let me = pool.person(person).ok_or(MentoringError::NotFound)?;
    let others: Vec<PersonId> = if as_mentee {
        round.inputs.mentors.iter().map(|(m, _)| *m).collect()
    } else {
        round.inputs.cohort.clone()
    };
    let mut candidates: Vec<(PersonId, super::Compatibility)> = others
        .iter()
        .filter_map(|id| pool.person(*id))
        .filter(|other| {
            let (mentee, mentor) = if as_mentee {
                (me, *other)
            } else {
                (*other, me)
            };
            pool.exclusions_with_capacity(mentee, mentor, true)
                .is_empty()
                && !round.inputs.forbidden.contains(&(mentee.id, mentor.id))
        })
        .map(|other| {
            let fit = if as_mentee {
                pool.fit(me, other)
            } else {
                pool.fit(other, me)
            };
            (other.id, fit)
        })
        .collect();
    candidates.sort_by(|a, b| b.1.score.cmp(&a.1.score).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(RANKED_CANDIDATES);
    let ranked = submitted_rankings(db, scope, round_id)
        .await?
        .remove(&person)
        .unwrap_or_default();
    Ok(RankingSheet {
        round: round_id,
        round_name: round.name,
        as_mentee,
        candidates,
        ranked,
    })
}

/// Stores a participant's ranking: candidates from their sheet, best
/// first, each at most once.
pub async fn submit_ranking(
    db: &Db,
    institution: &Institution,
    round_id: Uuid,
    person: PersonId,
    ranked: &[PersonId],
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    let scope = InstitutionScope::of(institution);
    let sheet = ranking_sheet(db, &scope, round_id, person).await?;
    let mut seen = HashSet::new();
    for id in ranked {
        if !sheet.candidates.iter().any(|(c, _)| c == id) {
            return Err(MentoringError::Refused(
                "Rank only the candidates listed.".into(),
            ));
        }
        if !seen.insert(*id) {
            return Err(MentoringError::Refused(
                "Give each candidate a different place.".into(),
            ));
        }
    }
    let json = serde_json::to_string(ranked).map_err(corrupt)?;
    if !tandem_store::rounds::save_ranking(db, &scope, round_id, person, &json, now).await? {
        return Err(MentoringError::Conflict(
            "This round no longer takes rankings.".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mentoring::conflicts::tests::person;
    use proptest::prelude::*;
    use tandem_domain::{MentoringProfile, Rank};

    /// A random forest of reporting lines with resource controllers; the
    /// first half are junior (the cohort), the rest offer places.
    fn world(
        parents: &[Option<usize>],
        controllers: &[Option<usize>],
        places: &[u16],
    ) -> (MentoringPool, Vec<PersonId>, Vec<PersonId>) {
        let n = parents.len();
        let mut people: Vec<PersonProfile> = (0..n).map(|i| person(i as u128)).collect();
        for i in 0..n {
            if let Some(p) = parents[i].filter(|p| *p < i) {
                people[i].supervisor_id = Some(people[p].id);
            }
            if let Some(c) = controllers
                .get(i)
                .copied()
                .flatten()
                .filter(|c| *c < n && *c != i)
            {
                people[i].resource_controller_id = Some(people[c].id);
            }
            people[i].rank = if i < n / 2 {
                Rank::AssistantProfessor
            } else {
                Rank::Professor
            };
        }
        let cohort: Vec<PersonId> = people[..n / 2].iter().map(|p| p.id).collect();
        let mentor_ids: Vec<PersonId> = people[n / 2..].iter().map(|p| p.id).collect();
        let profiles = mentor_ids
            .iter()
            .enumerate()
            .map(|(k, id)| MentoringProfile {
                mentor_capacity: places.get(k).copied().unwrap_or(1),
                ..MentoringProfile::empty(*id)
            })
            .collect();
        let pool =
            MentoringPool::from_parts(ProgramSettings::default(), people, profiles, &[], vec![]);
        (pool, cohort, mentor_ids)
    }

    fn inputs(
        pool: &MentoringPool,
        cohort: Vec<PersonId>,
        mentors: &[PersonId],
        method: Method,
        team_size: u32,
    ) -> RoundInputs {
        RoundInputs {
            cohort,
            mentors: mentors.iter().map(|m| (*m, pool.free_places(*m))).collect(),
            method,
            team_size,
            settings: ProgramSettings::default(),
            locked: vec![],
            forbidden: vec![],
            rankings: Default::default(),
        }
    }

    proptest! {
        /// No round, optimal or stable, single or team, ever pairs someone
        /// with a person above them in their reporting line or controlling
        /// their resources (each checked against the chain listed out
        /// independently); places are never exceeded, and every cohort
        /// member is either placed or explained.
        #[test]
        fn rounds_never_pair_across_authority_or_resource_control(
            parents in prop::collection::vec(prop::option::of(0usize..30), 4..30),
            controllers in prop::collection::vec(prop::option::of(0usize..30), 4..30),
            places in prop::collection::vec(0u16..3, 15),
            team in 1u32..=3,
            stable in any::<bool>(),
        ) {
            let (pool, cohort, mentors) = world(&parents, &controllers, &places);
            let method = if stable { Method::Stable } else { Method::Optimal };
            let team = if stable { 1 } else { team };
            let result = run(&pool, &inputs(&pool, cohort.clone(), &mentors, method, team))
                .expect("a valid round");
            let mut load: HashMap<PersonId, u32> = HashMap::new();
            for pair in &result.pairs {
                let mentee = pool.person(pair.mentee).expect("mentee");
                let mut chain = Vec::new();
                let mut cur = mentee.supervisor_id;
                while let Some(s) = cur {
                    chain.push(s);
                    cur = pool.person(s).and_then(|p| p.supervisor_id);
                }
                prop_assert!(!chain.contains(&pair.mentor), "a boss was paired");
                prop_assert!(mentee.resource_controller_id != Some(pair.mentor), "a resource controller was paired");
                prop_assert!(pair.mentee != pair.mentor);
                *load.entry(pair.mentor).or_default() += 1;
            }
            for (mentor, n) in load {
                prop_assert!(n <= pool.free_places(mentor));
            }
            for mentee in &cohort {
                let placed = result.pairs.iter().filter(|p| p.mentee == *mentee).count() as u32;
                let short = result.unmatched.iter().find(|u| u.mentee == *mentee);
                prop_assert!(placed <= team);
                match short {
                    Some(u) => {
                        prop_assert_eq!(placed + u.missing, team);
                        prop_assert!(!u.why.is_empty());
                    }
                    None => prop_assert_eq!(placed, team),
                }
            }
        }
    }

    proptest! {
        /// Over random org charts, no suggestion ever offers someone above
        /// the mentee in their reporting line, someone controlling their
        /// resources, or a mentor without a free place.
        #[test]
        fn suggestions_never_cross_authority_or_resource_control(
            parents in prop::collection::vec(prop::option::of(0usize..30), 4..30),
            controllers in prop::collection::vec(prop::option::of(0usize..30), 4..30),
            places in prop::collection::vec(0u16..3, 15),
        ) {
            let (pool, cohort, _) = world(&parents, &controllers, &places);
            for id in cohort {
                let mentee = pool.person(id).expect("mentee").clone();
                let mut chain = Vec::new();
                let mut cur = mentee.supervisor_id;
                while let Some(s) = cur {
                    chain.push(s);
                    cur = pool.person(s).and_then(|p| p.supervisor_id);
                }
                let found = pool.suggestions(&mentee, &crate::mentoring::SuggestionFilter::default(), 100);
                for s in &found.items {
                    prop_assert!(s.mentor_id != mentee.id);
                    prop_assert!(!chain.contains(&s.mentor_id), "a boss was suggested");
                    prop_assert!(mentee.resource_controller_id != Some(s.mentor_id), "a resource controller was suggested");
                    prop_assert!(s.free_places > 0);
                }
            }
        }
    }

    #[test]
    fn locks_hold_forbids_hold_and_the_same_inputs_give_the_same_result() {
        let parents = vec![None; 12];
        let (pool, cohort, mentors) = world(&parents, &[], &[1; 6]);
        let mut round = inputs(&pool, cohort.clone(), &mentors, Method::Optimal, 1);
        let first = run(&pool, &round).expect("run");
        assert_eq!(first.pairs.len(), 6);
        let timeless = |mut r: RoundResult| {
            r.score_ms = 0;
            r.solve_ms = 0;
            r
        };
        assert_eq!(
            timeless(run(&pool, &round).expect("run")),
            timeless(first.clone())
        );
        let chosen = (first.pairs[0].mentee, first.pairs[0].mentor);
        round.forbidden.push(chosen);
        let without = run(&pool, &round).expect("run");
        assert!(without.pairs.iter().all(|p| (p.mentee, p.mentor) != chosen));
        let other = (cohort[0], mentors[5]);
        round.forbidden.clear();
        round.locked.push(other);
        let locked = run(&pool, &round).expect("run");
        assert!(
            locked
                .pairs
                .iter()
                .any(|p| (p.mentee, p.mentor) == other && p.locked)
        );
    }
}
