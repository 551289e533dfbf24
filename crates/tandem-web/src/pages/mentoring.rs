//! Finding a mentor: suggestions with reasons and risks, a mentor's page
//! (fit, references, feedback, the request form), requests and their
//! answers, and the time-to-match report.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::mentoring::equity::{self, EquityReport};
use tandem_core::mentoring::feedback::{self, MentorFeedback};
use tandem_core::mentoring::requests::{self, Answer};
use tandem_core::mentoring::{Compatibility, Exclusion, MentoringPool};
use tandem_core::policy::{Action, Target};
use tandem_domain::{
    Institution, MentoringProfile, PersonId, PersonProfile, Rank, RequestStatus, Stream,
};
use tandem_store::InstitutionScope;
use tandem_store::mentoring::{FeedbackAnswers, Notification};

use super::directory::{Choice, choices};
use super::{Nav, PageError, render};
use crate::authz::authorize;
use crate::directory;
use crate::guard::Actor;
use crate::mentoring::{
    SUGGESTION_LIMIT, SuggestionQuery, answer_request, own_person, withdraw_request,
};
use crate::{AppError, AppState};

/// A mentor as a suggestion card shows them.
pub struct MentorCard {
    pub id: String,
    pub name: String,
    pub line: String,
    pub fit: Compatibility,
    pub free_places: u32,
    pub requested: bool,
}

#[derive(Template)]
#[template(path = "mentors.html")]
struct MentorsTemplate {
    nav: Nav,
    cards: Vec<MentorCard>,
    matching: usize,
    eligible: usize,
    query: SuggestionQuery,
    divisions: Vec<Choice>,
    ranks: Vec<Choice>,
    streams: Vec<Choice>,
}

fn summary_line(pool_division: &str, p: &PersonProfile) -> String {
    format!(
        "{} · {} stream · {pool_division}",
        p.rank.label(),
        p.stream.label()
    )
}

async fn division_names(
    state: &AppState,
    scope: &InstitutionScope,
) -> Result<Vec<tandem_store::units::Division>, AppError> {
    Ok(tandem_store::units::divisions(&state.db, scope).await?)
}

/// The mentee's pending requests, by mentor.
async fn pending_to(
    state: &AppState,
    scope: &InstitutionScope,
    mentee: PersonId,
) -> Result<Vec<PersonId>, AppError> {
    let now = state.auth.clock.now();
    Ok(
        tandem_store::mentoring::requests_of(&state.db, scope, mentee, false, now)
            .await?
            .into_iter()
            .filter(|r| r.status == RequestStatus::Pending)
            .map(|r| r.mentor_id)
            .collect(),
    )
}

pub async fn suggestions(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<SuggestionQuery>,
) -> Result<Response, PageError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let filter = query.filter()?;
    let scope = InstitutionScope::of(&institution);
    let pool = MentoringPool::load_cached(&state.db, &scope, &state.pools).await?;
    let found = pool.suggestions(&me, &filter, SUGGESTION_LIMIT);
    let divisions = division_names(&state, &scope).await?;
    let division_name = |p: &PersonProfile| {
        divisions
            .iter()
            .find(|d| d.id == p.division_id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let pending = pending_to(&state, &scope, me.id).await?;
    let cards = found
        .items
        .into_iter()
        .filter_map(|s| {
            let p = pool.person(s.mentor_id)?;
            Some(MentorCard {
                id: p.id.to_string(),
                name: p.display_name(),
                line: summary_line(&division_name(p), p),
                requested: pending.contains(&p.id),
                fit: s.fit,
                free_places: s.free_places,
            })
        })
        .collect();
    let division_choices = divisions
        .iter()
        .map(|d| Choice {
            value: d.id.to_string(),
            label: d.name.clone(),
            selected: query.division == d.id.to_string(),
        })
        .collect();
    Ok(render(&MentorsTemplate {
        nav: Nav::for_actor(&actor),
        cards,
        matching: found.matching,
        eligible: found.eligible,
        divisions: division_choices,
        ranks: choices(
            Rank::ALL,
            Rank::parse(&query.rank).ok(),
            Rank::code,
            Rank::label,
        ),
        streams: choices(
            Stream::ALL,
            Stream::parse(&query.stream).ok(),
            Stream::code,
            Stream::label,
        ),
        query,
    }))
}

/// A reference: a mentee of this mentor who agreed to be contacted.
pub struct ReferenceView {
    pub name: String,
    pub email: String,
}

#[derive(Template)]
#[template(path = "mentor.html")]
struct MentorTemplate {
    nav: Nav,
    slug: String,
    mentor: PersonProfile,
    line: String,
    mentoring: MentoringProfile,
    fit: Compatibility,
    exclusions: Vec<String>,
    free_places: u32,
    is_mentor: bool,
    already_paired: bool,
    requested: bool,
    may_give_feedback: bool,
    references: Vec<ReferenceView>,
    feedback: MentorFeedback,
    thanks: bool,
}

#[derive(Deserialize, Default)]
pub struct MentorPageQuery {
    #[serde(default)]
    thanks: Option<String>,
}

async fn mentor_in_pool(
    state: &AppState,
    institution: &Institution,
    id: &str,
) -> Result<(MentoringPool, PersonProfile), AppError> {
    let id = directory::person_id(id)?;
    let pool =
        MentoringPool::load_cached(&state.db, &InstitutionScope::of(institution), &state.pools)
            .await?;
    let mentor = pool.person(id).cloned().ok_or(AppError::NotFound)?;
    Ok((pool, mentor))
}

pub async fn mentor(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(q): Query<MentorPageQuery>,
) -> Result<Response, PageError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let scope = InstitutionScope::of(&institution);
    let (pool, mentor) = mentor_in_pool(&state, &institution, &id).await?;
    let exclusions: Vec<String> = pool
        .exclusions(&me, &mentor)
        .iter()
        .map(Exclusion::explain)
        .collect();
    let mut references = Vec::new();
    for r in tandem_store::mentoring::references_of(&state.db, &scope, mentor.id).await? {
        if r == me.id {
            continue;
        }
        if let Some(p) = pool.person(r) {
            references.push(ReferenceView {
                name: p.display_name(),
                email: p.email.to_string(),
            });
        }
    }
    let divisions = division_names(&state, &scope).await?;
    let division = divisions
        .iter()
        .find(|d| d.id == mentor.division_id)
        .map(|d| d.name.clone())
        .unwrap_or_default();
    let already_paired = pool.paired(me.id, mentor.id);
    let page = MentorTemplate {
        nav: Nav::for_actor(&actor),
        slug: institution.slug.to_string(),
        line: summary_line(&division, &mentor),
        mentoring: pool.mentoring(mentor.id),
        fit: pool.fit(&me, &mentor),
        exclusions,
        free_places: pool.free_places(mentor.id),
        is_mentor: pool.is_mentor(mentor.id),
        already_paired,
        requested: pending_to(&state, &scope, me.id)
            .await?
            .contains(&mentor.id),
        may_give_feedback: tandem_store::mentoring::was_paired(&state.db, &scope, me.id, mentor.id)
            .await?,
        references,
        feedback: feedback::about(&state.db, &scope, mentor.id)
            .await
            .map_err(AppError::from)?,
        thanks: q.thanks.is_some(),
        mentor,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    message: String,
}

pub async fn send_request(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<RequestForm>,
) -> Result<Response, PageError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let mentor = directory::person_id(&id)?;
    requests::send(
        &state.db,
        &institution,
        me.id,
        mentor,
        &form.message,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to("/requests?sent=1").into_response())
}

#[derive(Deserialize, Default)]
pub struct FeedbackForm {
    #[serde(default)]
    would_recommend: String,
    #[serde(default)]
    available: String,
    #[serde(default)]
    helpful: String,
    #[serde(default)]
    respectful: String,
}

fn rating(field: &str, raw: &str) -> Result<u8, AppError> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|v| (1..=5).contains(v))
        .ok_or_else(|| AppError::BadRequest(format!("{field}: choose a rating from 1 to 5")))
}

pub async fn give_feedback(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<FeedbackForm>,
) -> Result<Response, PageError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let mentor = directory::person_id(&id)?;
    tandem_store::people::get(&state.db, &InstitutionScope::of(&institution), mentor)
        .await?
        .ok_or(AppError::NotFound)?;
    let answers = FeedbackAnswers {
        would_recommend: match form.would_recommend.as_str() {
            "yes" => true,
            "no" => false,
            _ => {
                return Err(
                    AppError::BadRequest("would you recommend: answer yes or no".into()).into(),
                );
            }
        },
        available: rating("available", &form.available)?,
        helpful: rating("helpful", &form.helpful)?,
        respectful: rating("respectful", &form.respectful)?,
    };
    feedback::give(
        &state.db,
        &institution,
        me.id,
        mentor,
        answers,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/mentors/{mentor}?thanks=1")).into_response())
}

/// One request as the requests page shows it.
pub struct RequestView {
    pub id: String,
    pub other_name: String,
    pub other_link: String,
    pub message: String,
    pub status: RequestStatus,
    pub sent: String,
    pub due: String,
}

/// A proposal from a round as the requests page shows it.
pub struct ProposalView {
    pub id: String,
    pub other_name: String,
    /// What the other person would be to the caller: "mentor" or "mentee".
    pub other_role: &'static str,
    pub answered: bool,
    pub other_answered: bool,
}

/// One pair as the requests page shows it.
pub struct PairView {
    pub name: String,
    pub link: String,
    pub role: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsTemplate {
    nav: Nav,
    csrf: String,
    has_person: bool,
    may_find: bool,
    sent: Vec<RequestView>,
    received: Vec<RequestView>,
    mentors: Vec<PairView>,
    mentees: Vec<PairView>,
    pending_sent: usize,
    proposals: Vec<ProposalView>,
    notifications: Vec<Notification>,
    flash: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct RequestsQuery {
    #[serde(default)]
    sent: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

pub async fn requests_page(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<RequestsQuery>,
) -> Result<Response, PageError> {
    let now = state.auth.clock.now();
    let nav = Nav::for_actor(&actor);
    let csrf = nav.csrf.clone();
    let may_find = tandem_core::policy::may_ever(&actor.0, Action::FindMentor);
    let flash = match (q.sent.is_some(), q.done.as_deref()) {
        (true, _) => Some("Your request is sent. The mentor has been told."),
        (_, Some("accepted")) => Some("You accepted the request: the pair has started."),
        (_, Some("declined")) => Some("You declined the request. Your note stays with you."),
        (_, Some("withdrawn")) => Some("Withdrawn."),
        (_, Some("proposal-accepted")) => {
            Some("You accepted the proposal; the pair starts once both have accepted.")
        }
        (_, Some("proposal-declined")) => Some("You declined the proposal."),
        _ => None,
    };
    let (Some(institution), Some(person)) = (actor.0.institution.clone(), actor.0.person) else {
        return Ok(render(&RequestsTemplate {
            nav,
            csrf,
            has_person: false,
            may_find,
            sent: vec![],
            received: vec![],
            mentors: vec![],
            mentees: vec![],
            pending_sent: 0,
            proposals: vec![],
            notifications: vec![],
            flash,
        }));
    };
    let scope = InstitutionScope::of(&institution);
    let names = super::rounds::names(&state, &institution).await?;
    let name = |id: PersonId| names.get(&id).cloned().unwrap_or_else(|| "Someone".into());
    let view = |r: tandem_domain::MentorRequest, other: PersonId, link: String| RequestView {
        id: r.id.to_string(),
        other_name: name(other),
        other_link: link,
        message: r.message,
        status: r.status,
        sent: requests::day(r.created_at),
        due: requests::day(r.expires_at),
    };
    let slug = institution.slug.to_string();
    let sent: Vec<RequestView> =
        tandem_store::mentoring::requests_of(&state.db, &scope, person, false, now)
            .await?
            .into_iter()
            .map(|r| {
                let other = r.mentor_id;
                view(r, other, format!("/mentors/{other}"))
            })
            .collect();
    let received: Vec<RequestView> =
        tandem_store::mentoring::requests_of(&state.db, &scope, person, true, now)
            .await?
            .into_iter()
            .map(|r| {
                let other = r.mentee_id;
                view(r, other, format!("/i/{slug}/people/{other}"))
            })
            .collect();
    let mut mentors = Vec::new();
    let mut mentees = Vec::new();
    for m in tandem_store::mentoring::mentorships_of(&state.db, &scope, person).await? {
        if m.status != tandem_domain::MentorshipStatus::Active {
            continue;
        }
        let since = m.started_at.map(requests::day).unwrap_or_default();
        if m.mentee_id == person {
            mentors.push(PairView {
                name: name(m.mentor_id),
                link: format!("/mentors/{}", m.mentor_id),
                role: m.role.label().into(),
                since,
            });
        } else {
            mentees.push(PairView {
                name: name(m.mentee_id),
                link: format!("/i/{slug}/people/{}", m.mentee_id),
                role: m.role.label().into(),
                since,
            });
        }
    }
    let proposals = tandem_store::rounds::proposals_of(&state.db, &scope, person)
        .await?
        .into_iter()
        .map(|p| {
            let i_am_mentee = p.mentee == person;
            ProposalView {
                id: p.id.to_string(),
                other_name: name(if i_am_mentee { p.mentor } else { p.mentee }),
                other_role: if i_am_mentee { "mentor" } else { "mentee" },
                answered: if i_am_mentee {
                    p.mentee_accepted
                } else {
                    p.mentor_accepted
                },
                other_answered: if i_am_mentee {
                    p.mentor_accepted
                } else {
                    p.mentee_accepted
                },
            }
        })
        .collect();
    let notifications =
        tandem_store::mentoring::notifications(&state.db, &scope, person, 10).await?;
    tandem_store::mentoring::mark_notifications_read(&state.db, &scope, person, now).await?;
    Ok(render(&RequestsTemplate {
        nav,
        csrf,
        has_person: true,
        may_find,
        pending_sent: sent
            .iter()
            .filter(|r| r.status == RequestStatus::Pending)
            .count(),
        sent,
        received,
        mentors,
        mentees,
        proposals,
        notifications,
        flash,
    }))
}

#[derive(Deserialize, Default)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
    /// "yes": never suggest or match the two again.
    #[serde(default)]
    apart: String,
}

pub async fn accept(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    answer_request(&state, &actor, &id, Answer::Accept).await?;
    Ok(Redirect::to("/requests?done=accepted").into_response())
}

pub async fn decline(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<DeclineForm>,
) -> Result<Response, PageError> {
    let declined = answer_request(&state, &actor, &id, Answer::Decline(Some(form.reason))).await?;
    if form.apart == "yes" {
        keep_apart(&state, &actor, declined.mentor_id, declined.mentee_id).await?;
    }
    Ok(Redirect::to("/requests?done=declined").into_response())
}

/// Records that `person` asked never to be matched with `other` again.
pub(crate) async fn keep_apart(
    state: &AppState,
    actor: &Actor,
    person: PersonId,
    other: PersonId,
) -> Result<(), AppError> {
    let institution = actor.0.institution.as_ref().ok_or(AppError::NotFound)?;
    tandem_store::mentoring::add_do_not_match(
        &state.db,
        &InstitutionScope::of(institution),
        person,
        other,
        state.auth.clock.now(),
    )
    .await?;
    Ok(())
}

pub async fn withdraw(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    withdraw_request(&state, &actor, &id).await?;
    Ok(Redirect::to("/requests?done=withdrawn").into_response())
}

pub async fn withdraw_pending(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Response, PageError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    requests::withdraw_all(&state.db, &institution, me.id, state.auth.clock.now())
        .await
        .map_err(AppError::from)?;
    Ok(Redirect::to("/requests?done=withdrawn").into_response())
}

#[derive(Template)]
#[template(path = "time_to_match.html")]
struct TimeToMatchTemplate {
    nav: Nav,
    institution: Institution,
    report: EquityReport,
}

pub async fn time_to_match(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let (institution, scope) = directory::institution(&state.db, &slug).await?;
    authorize(
        &state,
        &actor,
        Action::ReadReports,
        Target::institution(institution.id),
    )
    .await?;
    let report = equity::load(&state.db, &scope, state.auth.clock.now()).await?;
    Ok(render(&TimeToMatchTemplate {
        nav: Nav::for_actor(&actor),
        institution,
        report,
    }))
}

/// One weight's row on the program page.
pub struct WeightField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "program.html")]
struct ProgramTemplate {
    nav: Nav,
    institution: Institution,
    weights: Vec<WeightField>,
    barred: Vec<(&'static str, &'static str, bool)>,
    expiry: String,
    reminder: String,
    errors: Vec<String>,
    saved: bool,
}

const WEIGHT_LABELS: [(&str, &str); 7] = [
    (
        "shared_values",
        "Shared values (research, clinical work, personal life)",
    ),
    (
        "personal_connection",
        "Personal connection (what both want, interests outside work)",
    ),
    ("working_style", "Compatible working styles"),
    ("complementary_interests", "Complementary interests"),
    ("seniority", "Seniority suited to the mentee's stage"),
    ("experience", "Mentoring experience and training"),
    (
        "competition_penalty",
        "Points taken off for close research overlap (competition risk)",
    ),
];

fn weight_values(w: &tandem_core::mentoring::Weights) -> [u32; 7] {
    [
        w.shared_values,
        w.personal_connection,
        w.working_style,
        w.complementary_interests,
        w.seniority,
        w.experience,
        w.competition_penalty,
    ]
}

fn program_page(
    nav: Nav,
    institution: Institution,
    values: [String; 7],
    settings: &tandem_core::mentoring::ProgramSettings,
    (expiry, reminder): (String, String),
    errors: Vec<String>,
    saved: bool,
) -> ProgramTemplate {
    ProgramTemplate {
        nav,
        institution,
        weights: WEIGHT_LABELS
            .iter()
            .zip(values)
            .map(|((name, label), value)| WeightField { name, label, value })
            .collect(),
        barred: tandem_domain::Leadership::ALL
            .iter()
            .filter(|l| **l != tandem_domain::Leadership::None)
            .map(|l| (l.code(), l.label(), settings.barred(*l)))
            .collect(),
        expiry,
        reminder,
        errors,
        saved,
    }
}

pub(crate) async fn program_institution(
    state: &AppState,
    actor: &Actor,
) -> Result<Institution, AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    authorize(
        state,
        actor,
        Action::ManageProgram,
        Target::institution(institution.id),
    )
    .await?;
    Ok(institution)
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn program(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let institution = program_institution(&state, &actor).await?;
    let settings =
        tandem_core::mentoring::settings::load(&state.db, &InstitutionScope::of(&institution))
            .await?;
    let values = weight_values(&settings.weights).map(|v| v.to_string());
    Ok(render(&program_page(
        Nav::for_actor(&actor),
        institution,
        values,
        &settings,
        (
            settings.request_expiry_days.to_string(),
            settings.reminder_days.to_string(),
        ),
        vec![],
        q.saved.is_some(),
    )))
}

pub async fn save_program(
    State(state): State<AppState>,
    actor: Actor,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let institution = program_institution(&state, &actor).await?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let mut number = |label: &str, raw: &str, max: u32| -> u32 {
        match raw.parse::<u32>() {
            Ok(v) if v <= max => v,
            _ => {
                errors.push(format!("{label}: expected a whole number from 0 to {max}"));
                0
            }
        }
    };
    let values: [String; 7] = WEIGHT_LABELS.map(|(name, _)| get(name));
    let w: Vec<u32> = WEIGHT_LABELS
        .iter()
        .zip(&values)
        .map(|((_, label), raw)| number(label, raw, tandem_core::mentoring::settings::MAX_WEIGHT))
        .collect();
    let (expiry, reminder) = (get("request_expiry_days"), get("reminder_days"));
    let expiry_days = number("Days a request waits", &expiry, 90);
    let reminder_days = number("Days before expiry to remind", &reminder, 89);
    let mut barred = Vec::new();
    for (_, code) in pairs.iter().filter(|(k, _)| k == "barred") {
        match tandem_domain::Leadership::parse(code) {
            Ok(l) if l != tandem_domain::Leadership::None => barred.push(l),
            _ => errors.push(format!("barred roles: {code:?} is not a leadership role")),
        }
    }
    let settings = tandem_core::mentoring::ProgramSettings {
        weights: tandem_core::mentoring::Weights {
            shared_values: w[0],
            personal_connection: w[1],
            working_style: w[2],
            complementary_interests: w[3],
            seniority: w[4],
            experience: w[5],
            competition_penalty: w[6],
        },
        rules: tandem_core::mentoring::ProgramRules {
            barred_leadership: barred,
        },
        request_expiry_days: u16::try_from(expiry_days).unwrap_or(0),
        reminder_days: u16::try_from(reminder_days).unwrap_or(0),
    };
    if errors.is_empty()
        && let Err(e) = settings.validate()
    {
        errors.push(format!("{}: {}", e.field.replace('_', " "), e.expected));
    }
    if !errors.is_empty() {
        let page = program_page(
            Nav::for_actor(&actor),
            institution,
            values,
            &settings,
            (expiry, reminder),
            errors,
            false,
        );
        return Ok((axum::http::StatusCode::BAD_REQUEST, render(&page)).into_response());
    }
    tandem_core::mentoring::settings::save(
        &state.db,
        &InstitutionScope::of(&institution),
        &settings,
        state.auth.clock.now(),
    )
    .await?;
    crate::authz::record(
        &state,
        &actor,
        "program_rules_changed",
        format!("institution:{}", institution.id),
        serde_json::to_string(&settings).unwrap_or_default(),
    )
    .await?;
    Ok(Redirect::to("/program?saved=1").into_response())
}
