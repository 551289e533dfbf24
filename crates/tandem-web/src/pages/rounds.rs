//! Facilitator rounds: make one for a cohort, preview the pairs with
//! reasons and risks and the unmatched with why, lock or forbid pairs
//! (each re-runs the round), publish; and answering a proposal.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::mentoring::rounds::{self, Adjustment, Cohort, Method, NewRound, Round};
use tandem_core::policy::{Action, Target};
use tandem_domain::{Institution, MentorshipId, PersonId};
use tandem_store::InstitutionScope;
use tandem_store::rounds::RoundSummary;

use super::{Nav, PageError, render};
use crate::authz::authorize;
use crate::guard::Actor;
use crate::mentoring::own_person;
use crate::{AppError, AppState};

/// The caller's institution, once the policy lets them run rounds there.
pub(crate) async fn round_institution(
    state: &AppState,
    actor: &Actor,
) -> Result<Institution, AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    authorize(
        state,
        actor,
        Action::RunRounds,
        Target::institution(institution.id),
    )
    .await?;
    Ok(institution)
}

pub(crate) fn round_id(raw: &str) -> Result<uuid::Uuid, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsTemplate {
    nav: Nav,
    rounds: Vec<RoundSummary>,
}

pub async fn list(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    let institution = round_institution(&state, &actor).await?;
    let rounds = tandem_store::rounds::list(&state.db, &InstitutionScope::of(&institution)).await?;
    Ok(render(&RoundsTemplate {
        nav: Nav::for_actor(&actor),
        rounds,
    }))
}

/// The new-round form as it arrives.
#[derive(Deserialize, Default, Clone)]
pub struct NewRoundForm {
    #[serde(default)]
    pub name: String,
    /// "appointed" or "list".
    #[serde(default)]
    pub cohort: String,
    #[serde(default)]
    pub appointed_since: String,
    #[serde(default)]
    pub employee_ids: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub team_size: String,
}

impl NewRoundForm {
    /// Checks every field; a bad one is a 400 naming it.
    pub fn parse(&self) -> Result<NewRound, AppError> {
        let bad = |m: &str| AppError::BadRequest(m.into());
        let cohort = match self.cohort.as_str() {
            "appointed" => {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                let date = time::Date::parse(self.appointed_since.trim(), format)
                    .map_err(|_| bad("appointed since: expected a date like 2026-07-01"))?;
                Cohort::AppointedSince(date)
            }
            "list" => {
                let ids: Vec<String> = self
                    .employee_ids
                    .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                if ids.is_empty() {
                    return Err(bad("employee ids: list at least one"));
                }
                Cohort::EmployeeIds(ids)
            }
            _ => return Err(bad("cohort: choose the appointment date or a list")),
        };
        let method = Method::parse(self.method.as_str())
            .ok_or_else(|| bad("method: choose optimal or stable"))?;
        let team_size = match self.team_size.trim() {
            "" | "1" => 1,
            "2" => 2,
            "3" => 3,
            _ => return Err(bad("team size: 1, 2 or 3 mentors")),
        };
        Ok(NewRound {
            name: self.name.clone(),
            cohort,
            method,
            team_size,
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<NewRoundForm>,
) -> Result<Response, PageError> {
    let institution = round_institution(&state, &actor).await?;
    let request = form.parse()?;
    let id = rounds::create(
        &state.db,
        &institution,
        actor.0.account,
        &request,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    crate::authz::record(
        &state,
        &actor,
        "round_created",
        format!("round:{id}"),
        format!("{} ({})", request.name.trim(), request.method.code()),
    )
    .await?;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}

/// One pair row of the preview.
pub struct PairRow {
    pub mentee_id: String,
    pub mentee: String,
    pub mentor_id: String,
    pub mentor: String,
    pub role: String,
    pub score: u32,
    pub reasons: Vec<String>,
    pub risks: Vec<String>,
    pub locked: bool,
}

/// The unmatched who share one reason.
pub struct ShortGroup {
    pub why: String,
    pub mentees: Vec<String>,
}

pub struct ForbidRow {
    pub mentee_id: String,
    pub mentor_id: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundTemplate {
    nav: Nav,
    round: Round,
    method: &'static str,
    pairs: Vec<PairRow>,
    short: Vec<ShortGroup>,
    short_total: usize,
    forbidden: Vec<ForbidRow>,
    draft: bool,
    /// Stable rounds: how many participants have ranked, of how many.
    rankings: Option<(usize, usize)>,
}

/// Everyone's display name, from the server's cached pool rather than a
/// fresh read of the whole roster.
pub(crate) async fn names(
    state: &AppState,
    institution: &Institution,
) -> Result<std::collections::HashMap<PersonId, String>, AppError> {
    let pool = tandem_core::mentoring::MentoringPool::load_cached(
        &state.db,
        &InstitutionScope::of(institution),
        &state.pools,
    )
    .await?;
    Ok(pool
        .people()
        .iter()
        .map(|p| (p.id, p.display_name()))
        .collect())
}

pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let institution = round_institution(&state, &actor).await?;
    let round = rounds::load(
        &state.db,
        &InstitutionScope::of(&institution),
        round_id(&id)?,
    )
    .await
    .map_err(AppError::from)?
    .ok_or(AppError::NotFound)?;
    let names = names(&state, &institution).await?;
    let name = |p: &PersonId| names.get(p).cloned().unwrap_or_else(|| p.to_string());
    let pairs = round
        .result
        .pairs
        .iter()
        .map(|p| PairRow {
            mentee_id: p.mentee.to_string(),
            mentee: name(&p.mentee),
            mentor_id: p.mentor.to_string(),
            mentor: name(&p.mentor),
            role: p.role.label().into(),
            score: p.score,
            reasons: p.reasons.clone(),
            risks: p.risks.clone(),
            locked: p.locked,
        })
        .collect();
    // Many share a reason ("every mentor they could have is full"): one
    // line per reason, with the names under it.
    let mut short: Vec<ShortGroup> = Vec::new();
    for u in &round.result.unmatched {
        match short.iter_mut().find(|g| g.why == u.why) {
            Some(g) => g.mentees.push(name(&u.mentee)),
            None => short.push(ShortGroup {
                why: u.why.clone(),
                mentees: vec![name(&u.mentee)],
            }),
        }
    }
    short.sort_by(|a, b| {
        b.mentees
            .len()
            .cmp(&a.mentees.len())
            .then_with(|| a.why.cmp(&b.why))
    });
    let forbidden = round
        .inputs
        .forbidden
        .iter()
        .map(|(a, b)| ForbidRow {
            mentee_id: a.to_string(),
            mentor_id: b.to_string(),
            text: format!("{} with {}", name(a), name(b)),
        })
        .collect();
    let rankings = if round.inputs.method == Method::Stable {
        let received =
            rounds::submitted_rankings(&state.db, &InstitutionScope::of(&institution), round.id)
                .await?
                .len();
        Some((
            received,
            round.inputs.cohort.len() + round.inputs.mentors.len(),
        ))
    } else {
        None
    };
    Ok(render(&RoundTemplate {
        nav: Nav::for_actor(&actor),
        rankings,
        method: round.inputs.method.label(),
        draft: round.status == "draft",
        pairs,
        short_total: round.result.unmatched.len(),
        short,
        forbidden,
        round,
    }))
}

/// A lock, forbid, clear or re-run, as the preview's buttons send it.
#[derive(Deserialize, Default)]
pub struct AdjustForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub mentee: String,
    #[serde(default)]
    pub mentor: String,
}

impl AdjustForm {
    pub fn parse(&self) -> Result<Adjustment, AppError> {
        let pair = || -> Result<(PersonId, PersonId), AppError> {
            let id = |raw: &str| {
                raw.parse::<PersonId>()
                    .map_err(|_| AppError::BadRequest("mentee and mentor: expected ids".into()))
            };
            Ok((id(&self.mentee)?, id(&self.mentor)?))
        };
        Ok(match self.action.as_str() {
            "lock" => {
                let (a, b) = pair()?;
                Adjustment::Lock(a, b)
            }
            "forbid" => {
                let (a, b) = pair()?;
                Adjustment::Forbid(a, b)
            }
            "clear" => {
                let (a, b) = pair()?;
                Adjustment::Clear(a, b)
            }
            "rerun" => Adjustment::Rerun,
            _ => {
                return Err(AppError::BadRequest(
                    "action: lock, forbid, clear or rerun".into(),
                ));
            }
        })
    }
}

pub async fn adjust(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<AdjustForm>,
) -> Result<Response, PageError> {
    let institution = round_institution(&state, &actor).await?;
    let id = round_id(&id)?;
    rounds::load(&state.db, &InstitutionScope::of(&institution), id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let adjustment = form.parse()?;
    let detail = format!("{adjustment:?}");
    rounds::adjust(
        &state.db,
        &institution,
        id,
        adjustment,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    crate::authz::record(
        &state,
        &actor,
        "round_adjusted",
        format!("round:{id}"),
        detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let institution = round_institution(&state, &actor).await?;
    let id = round_id(&id)?;
    let proposals = rounds::publish(&state.db, &institution, id, state.auth.clock.now())
        .await
        .map_err(AppError::from)?;
    crate::authz::record(
        &state,
        &actor,
        "round_published",
        format!("round:{id}"),
        format!("{proposals} proposals"),
    )
    .await?;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}

fn proposal_id(raw: &str) -> Result<MentorshipId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

async fn answer(
    state: &AppState,
    actor: &Actor,
    id: &str,
    accept: bool,
    apart: bool,
) -> Result<Response, PageError> {
    let (institution, me) = own_person(state, actor, Action::AnswerRequests).await?;
    let id = proposal_id(id)?;
    let other =
        tandem_store::rounds::proposals_of(&state.db, &InstitutionScope::of(&institution), me.id)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .map(|p| {
                if p.mentee == me.id {
                    p.mentor
                } else {
                    p.mentee
                }
            });
    rounds::answer_proposal(
        &state.db,
        &institution,
        me.id,
        id,
        accept,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    if let (false, true, Some(other)) = (accept, apart, other) {
        super::mentoring::keep_apart(state, actor, me.id, other).await?;
    }
    let done = if accept {
        "proposal-accepted"
    } else {
        "proposal-declined"
    };
    Ok(Redirect::to(&format!("/requests?done={done}")).into_response())
}

pub async fn accept_proposal(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    answer(&state, &actor, &id, true, false).await
}

#[derive(Deserialize, Default)]
pub struct ProposalDeclineForm {
    /// "yes": never suggest or match the two again.
    #[serde(default)]
    apart: String,
}

pub async fn decline_proposal(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<ProposalDeclineForm>,
) -> Result<Response, PageError> {
    answer(&state, &actor, &id, false, form.apart == "yes").await
}

/// One candidate on a ranking sheet.
pub struct RankRow {
    pub id: String,
    pub name: String,
    pub score: u32,
    pub reasons: Vec<String>,
    pub risks: Vec<String>,
    /// The place given so far (0: not ranked).
    pub place: usize,
}

#[derive(Template)]
#[template(path = "rank.html")]
struct RankTemplate {
    nav: Nav,
    round_id: String,
    round_name: String,
    as_mentee: bool,
    rows: Vec<RankRow>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct RankQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn rank_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<RankQuery>,
) -> Result<Response, PageError> {
    let (institution, me) = own_person(&state, &actor, Action::AnswerRequests).await?;
    let scope = InstitutionScope::of(&institution);
    let sheet = rounds::ranking_sheet(&state.db, &scope, round_id(&id)?, me.id)
        .await
        .map_err(AppError::from)?;
    let names = names(&state, &institution).await?;
    let rows = sheet
        .candidates
        .iter()
        .map(|(person, fit)| RankRow {
            id: person.to_string(),
            name: names.get(person).cloned().unwrap_or_default(),
            score: fit.score,
            reasons: fit.reasons.iter().take(3).map(|r| r.text.clone()).collect(),
            risks: fit.risks.iter().map(|r| r.text.clone()).collect(),
            place: sheet
                .ranked
                .iter()
                .position(|r| r == person)
                .map_or(0, |i| i + 1),
        })
        .collect();
    Ok(render(&RankTemplate {
        nav: Nav::for_actor(&actor),
        round_id: sheet.round.to_string(),
        round_name: sheet.round_name,
        as_mentee: sheet.as_mentee,
        rows,
        saved: q.saved.is_some(),
    }))
}

/// Reads a ranking sheet: fields `place_<person id>` = 1, 2, ... or empty
/// (not ranked). Returns the ranked people, first place first; a bad id,
/// a place out of range or two people in one place is a 400. (A function
/// of its own so that the parser fuzz target can reach it.)
pub fn ranking_form(body: &[u8]) -> Result<Vec<PersonId>, AppError> {
    let mut places: Vec<(usize, PersonId)> = Vec::new();
    for (key, value) in form_urlencoded::parse(body) {
        let Some(person) = key.strip_prefix("place_") else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        let person: PersonId = person
            .parse()
            .map_err(|_| AppError::BadRequest("a candidate is not from this sheet".into()))?;
        let place: usize = value
            .trim()
            .parse()
            .ok()
            .filter(|p| (1..=rounds::RANKED_CANDIDATES).contains(p))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "places are numbers from 1 to {}",
                    rounds::RANKED_CANDIDATES
                ))
            })?;
        places.push((place, person));
    }
    places.sort();
    if places.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(AppError::BadRequest(
            "Give each candidate a different place.".into(),
        ));
    }
    Ok(places.into_iter().map(|(_, p)| p).collect())
}

pub async fn submit_rank(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let (institution, me) = own_person(&state, &actor, Action::AnswerRequests).await?;
    let round = round_id(&id)?;
    let ranked = ranking_form(&body)?;
    rounds::submit_ranking(
        &state.db,
        &institution,
        round,
        me.id,
        &ranked,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/rounds/{round}/rank?saved=1")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "6f1c1c1e-0a7b-4d5e-9f00-000000000001";
    const B: &str = "6f1c1c1e-0a7b-4d5e-9f00-000000000002";

    fn bad_request(result: Result<Vec<PersonId>, AppError>) -> String {
        match result {
            Err(AppError::BadRequest(message)) => message,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn ranking_form_orders_by_place_and_skips_blanks() {
        let body = format!("csrf=x&place_{A}=2&place_{B}=1&place_{A}0=+");
        let ranked = ranking_form(body.as_bytes()).expect("valid");
        let ids: Vec<String> = ranked.iter().map(ToString::to_string).collect();
        assert_eq!(ids, [B, A]);
        assert!(
            ranking_form(b"")
                .expect("no places is no ranking")
                .is_empty()
        );
    }

    #[test]
    fn ranking_form_refuses_bad_ids_places_and_shared_places() {
        let message = bad_request(ranking_form(b"place_nobody=1"));
        assert!(message.contains("not from this sheet"), "{message}");
        for place in ["0", "11", "-1", "one", "99999999999999999999999"] {
            let message = bad_request(ranking_form(format!("place_{A}={place}").as_bytes()));
            assert!(message.contains("from 1 to 10"), "{place}: {message}");
        }
        let message = bad_request(ranking_form(format!("place_{A}=1&place_{B}=1").as_bytes()));
        assert!(message.contains("different place"), "{message}");
    }
}
