//! The JSON API for finding a mentor: suggestions, requests and answers,
//! and the time-to-match report. Bodies are read only after the policy
//! has allowed the call, so a caller without the right learns nothing
//! from a malformed body.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tandem_core::mentoring::requests::{self, Answer};
use tandem_core::mentoring::{Compatibility, MentoringPool};
use tandem_core::policy::{Action, Target};
use tandem_domain::{MentorRequest, PersonId};
use tandem_store::InstitutionScope;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::authz::authorize;
use crate::directory;
use crate::error::ErrorBody;
use crate::guard::Actor;
use crate::mentoring::{SUGGESTION_LIMIT, SuggestionQuery, answer_request, own_person};
use crate::{AppError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_suggestions))
        .routes(routes!(my_requests, send_request))
        .routes(routes!(accept_request))
        .routes(routes!(decline_request))
        .routes(routes!(withdraw_request))
        .routes(routes!(time_to_match))
        .routes(routes!(list_rounds, create_round))
        .routes(routes!(get_round))
        .routes(routes!(adjust_round))
        .routes(routes!(publish_round))
        .routes(routes!(get_program, set_program))
        .routes(routes!(get_mentor))
        .routes(routes!(give_feedback))
        .routes(routes!(withdraw_pending))
        .routes(routes!(accept_proposal))
        .routes(routes!(decline_proposal))
        .routes(routes!(get_ranking, set_ranking))
}

/// One suggested mentor with the reasons and risks of the fit.
#[derive(Serialize, ToSchema)]
pub struct SuggestionDto {
    pub mentor_id: uuid::Uuid,
    pub name: String,
    pub rank: String,
    pub stream: String,
    pub free_places: u32,
    /// Score from 0 to 100, reasons (strongest first) and risks.
    #[schema(value_type = Object)]
    pub fit: Compatibility,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionsDto {
    pub items: Vec<SuggestionDto>,
    /// Eligible mentors passing the filters, before the limit of 20.
    pub matching: usize,
    /// Mentors with a free place the caller may be matched with.
    pub eligible: usize,
}

#[utoipa::path(get, path = "/me/suggestions", tag = "mentoring",
    params(
        ("q" = Option<String>, Query, description = "Words to find in a name or interest"),
        ("division" = Option<String>, Query, description = "A division id"),
        ("rank" = Option<String>, Query, description = "lecturer, assistant_professor, associate_professor or professor"),
        ("stream" = Option<String>, Query, description = "A stream code"),
        ("interest" = Option<String>, Query, description = "Part of a research, clinical or education interest")),
    responses(
        (status = 200, description = "The best mentors for the caller, best first", body = SuggestionsDto),
        (status = 400, description = "A filter is malformed", body = ErrorBody),
        (status = 403, description = "Only mentees look for mentors", body = ErrorBody),
        (status = 404, description = "The account has no faculty member", body = ErrorBody)))]
async fn my_suggestions(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<SuggestionQuery>,
) -> Result<Json<SuggestionsDto>, AppError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let filter = query.filter()?;
    let pool =
        MentoringPool::load_cached(&state.db, &InstitutionScope::of(&institution), &state.pools)
            .await?;
    let found = pool.suggestions(&me, &filter, SUGGESTION_LIMIT);
    let items = found
        .items
        .into_iter()
        .filter_map(|s| {
            let p = pool.person(s.mentor_id)?;
            Some(SuggestionDto {
                mentor_id: p.id.0,
                name: p.display_name(),
                rank: p.rank.code().into(),
                stream: p.stream.code().into(),
                free_places: s.free_places,
                fit: s.fit,
            })
        })
        .collect();
    Ok(Json(SuggestionsDto {
        items,
        matching: found.matching,
        eligible: found.eligible,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RequestsDto {
    /// Requests the caller sent, newest first.
    #[schema(value_type = Vec<Object>)]
    pub sent: Vec<MentorRequest>,
    /// Requests addressed to the caller, newest first.
    #[schema(value_type = Vec<Object>)]
    pub received: Vec<MentorRequest>,
}

#[utoipa::path(get, path = "/me/requests", tag = "mentoring",
    responses(
        (status = 200, description = "The caller's requests, sent and received", body = RequestsDto),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn my_requests(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<RequestsDto>, AppError> {
    let (Some(institution), Some(person)) = (actor.0.institution.as_ref(), actor.0.person) else {
        return Ok(Json(RequestsDto {
            sent: vec![],
            received: vec![],
        }));
    };
    let scope = InstitutionScope::of(institution);
    let now = state.auth.clock.now();
    Ok(Json(RequestsDto {
        sent: tandem_store::mentoring::requests_of(&state.db, &scope, person, false, now).await?,
        received: tandem_store::mentoring::requests_of(&state.db, &scope, person, true, now)
            .await?,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewRequestDto {
    pub mentor_id: uuid::Uuid,
    #[serde(default)]
    pub message: String,
}

/// A JSON object body read into `T`. serde would also read a struct from
/// a JSON array (its fields in order), which the API does not document:
/// found by the API fuzzer, `[]` opened a case. So anything but an object
/// is refused before serde sees it.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(AppError::BadRequest(
            "the body is not the expected JSON: expected an object".into(),
        ));
    }
    json_any_body(body)
}

/// A JSON body of any shape (the ranking is an array) read into `T`.
pub(crate) fn json_any_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("the body is not the expected JSON: {e}")))
}

#[utoipa::path(post, path = "/me/requests", tag = "mentoring",
    request_body = NewRequestDto,
    responses(
        (status = 201, description = "The request is sent", body = Object),
        (status = 400, description = "Refused, with the reason (conflict of interest, no free place, already asked, too many pending)", body = ErrorBody),
        (status = 403, description = "Only mentees send requests", body = ErrorBody),
        (status = 404, description = "No such mentor in the caller's institution", body = ErrorBody)))]
async fn send_request(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<(StatusCode, Json<MentorRequest>), AppError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let dto: NewRequestDto = json_body(&body)?;
    let sent = requests::send(
        &state.db,
        &institution,
        me.id,
        PersonId(dto.mentor_id),
        &dto.message,
        state.auth.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

#[utoipa::path(post, path = "/requests/{id}/accept", tag = "mentoring",
    params(("id" = uuid::Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "Accepted: the pair has started", body = Object),
        (status = 400, description = "No longer pending, or no free place", body = ErrorBody),
        (status = 404, description = "No such request addressed to the caller", body = ErrorBody)))]
async fn accept_request(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<MentorRequest>, AppError> {
    Ok(Json(
        answer_request(&state, &actor, &id, Answer::Accept).await?,
    ))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct DeclineDto {
    /// A private note for the mentor; never shown to anyone else.
    #[serde(default)]
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/requests/{id}/decline", tag = "mentoring",
    params(("id" = uuid::Uuid, Path, description = "The request's id")),
    request_body(content = DeclineDto, description = "Optional; may be empty"),
    responses(
        (status = 200, description = "Declined", body = Object),
        (status = 400, description = "No longer pending", body = ErrorBody),
        (status = 404, description = "No such request addressed to the caller", body = ErrorBody)))]
async fn decline_request(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<MentorRequest>, AppError> {
    // The caller must be allowed before the body is read.
    own_person(&state, &actor, Action::AnswerRequests).await?;
    let dto: DeclineDto = if body.is_empty() {
        DeclineDto::default()
    } else {
        json_body(&body)?
    };
    Ok(Json(
        answer_request(&state, &actor, &id, Answer::Decline(dto.reason)).await?,
    ))
}

#[utoipa::path(post, path = "/requests/{id}/withdraw", tag = "mentoring",
    params(("id" = uuid::Uuid, Path, description = "The request's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 400, description = "No longer pending", body = ErrorBody),
        (status = 404, description = "No such request of the caller's", body = ErrorBody)))]
async fn withdraw_request(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    crate::mentoring::withdraw_request(&state, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/institutions/{slug}/reports/time-to-match", tag = "reports",
    params(("slug" = String, Path, description = "The institution's slug")),
    responses(
        (status = 200, description = "Time to match by gender, rank and stream; groups under 5 suppressed", body = Object),
        (status = 403, description = "Your roles do not allow this", body = ErrorBody),
        (status = 404, description = "No such institution", body = ErrorBody)))]
async fn time_to_match(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
) -> Result<Json<tandem_core::mentoring::equity::EquityReport>, AppError> {
    let (institution, scope) = directory::institution(&state.db, &slug).await?;
    authorize(
        &state,
        &actor,
        Action::ReadReports,
        Target::institution(institution.id),
    )
    .await?;
    Ok(Json(
        tandem_core::mentoring::equity::load(&state.db, &scope, state.auth.clock.now()).await?,
    ))
}

/// A new round, as JSON: the cohort is either `appointed_since` (a date,
/// everyone appointed then or later without a mentor) or `employee_ids`.
#[derive(Deserialize, ToSchema)]
pub struct NewRoundDto {
    pub name: String,
    #[serde(default)]
    pub appointed_since: Option<String>,
    #[serde(default)]
    pub employee_ids: Option<Vec<String>>,
    /// `optimal` (default) or `stable`.
    #[serde(default)]
    pub method: Option<String>,
    /// Mentors per mentee, 1-3 (default 1).
    #[serde(default)]
    pub team_size: Option<u32>,
}

impl NewRoundDto {
    fn form(&self) -> crate::pages::NewRoundForm {
        crate::pages::NewRoundForm {
            name: self.name.clone(),
            cohort: if self.employee_ids.is_some() {
                "list".into()
            } else {
                "appointed".into()
            },
            appointed_since: self.appointed_since.clone().unwrap_or_default(),
            employee_ids: self.employee_ids.clone().unwrap_or_default().join(","),
            method: self.method.clone().unwrap_or_else(|| "optimal".into()),
            team_size: self.team_size.unwrap_or(1).to_string(),
        }
    }
}

#[utoipa::path(get, path = "/rounds", tag = "rounds",
    responses(
        (status = 200, description = "The caller's institution's rounds, newest first", body = Vec<Object>),
        (status = 403, description = "Only facilitators run rounds", body = ErrorBody)))]
async fn list_rounds(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<serde_json::Value>>, AppError> {
    let institution = crate::pages::round_institution(&state, &actor).await?;
    let rounds = tandem_store::rounds::list(&state.db, &InstitutionScope::of(&institution)).await?;
    Ok(Json(
        rounds
            .into_iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "name": r.name,
                    "method": r.method,
                    "team_size": r.team_size,
                    "status": r.status,
                })
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/rounds", tag = "rounds",
    request_body = NewRoundDto,
    responses(
        (status = 201, description = "The round, run and stored as a draft", body = Object),
        (status = 400, description = "A field is invalid, or the cohort is empty", body = ErrorBody),
        (status = 403, description = "Only facilitators run rounds", body = ErrorBody)))]
async fn create_round(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<(StatusCode, Json<tandem_core::mentoring::rounds::Round>), AppError> {
    let institution = crate::pages::round_institution(&state, &actor).await?;
    let dto: NewRoundDto = json_body(&body)?;
    let request = dto.form().parse()?;
    let now = state.auth.clock.now();
    let id = tandem_core::mentoring::rounds::create(
        &state.db,
        &institution,
        actor.0.account,
        &request,
        now,
    )
    .await?;
    crate::authz::record(
        &state,
        &actor,
        "round_created",
        format!("round:{id}"),
        format!("{} ({})", request.name.trim(), request.method.code()),
    )
    .await?;
    let round =
        tandem_core::mentoring::rounds::load(&state.db, &InstitutionScope::of(&institution), id)
            .await?
            .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(round)))
}

#[utoipa::path(get, path = "/rounds/{id}", tag = "rounds",
    params(("id" = uuid::Uuid, Path, description = "The round's id")),
    responses(
        (status = 200, description = "The round: inputs, engine version, cost digest, pairs with reasons and risks, the unmatched with why", body = Object),
        (status = 404, description = "No such round in the caller's institution", body = ErrorBody)))]
async fn get_round(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<tandem_core::mentoring::rounds::Round>, AppError> {
    let institution = crate::pages::round_institution(&state, &actor).await?;
    let round = tandem_core::mentoring::rounds::load(
        &state.db,
        &InstitutionScope::of(&institution),
        crate::pages::round_id(&id)?,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Json(round))
}

/// A change to a draft round: `lock`, `forbid` or `clear` a pair, or
/// `rerun`.
#[derive(Deserialize, ToSchema)]
pub struct AdjustDto {
    pub action: String,
    #[serde(default)]
    pub mentee_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub mentor_id: Option<uuid::Uuid>,
}

#[utoipa::path(post, path = "/rounds/{id}/adjust", tag = "rounds",
    params(("id" = uuid::Uuid, Path, description = "The round's id")),
    request_body = AdjustDto,
    responses(
        (status = 200, description = "The round, run again", body = Object),
        (status = 400, description = "Invalid change (e.g. locking a conflicted pair), or the round is published", body = ErrorBody),
        (status = 404, description = "No such round", body = ErrorBody)))]
async fn adjust_round(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<tandem_core::mentoring::rounds::Round>, AppError> {
    let institution = crate::pages::round_institution(&state, &actor).await?;
    let id = crate::pages::round_id(&id)?;
    tandem_core::mentoring::rounds::load(&state.db, &InstitutionScope::of(&institution), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let dto: AdjustDto = json_body(&body)?;
    let form = crate::pages::AdjustForm {
        action: dto.action,
        mentee: dto.mentee_id.map(|m| m.to_string()).unwrap_or_default(),
        mentor: dto.mentor_id.map(|m| m.to_string()).unwrap_or_default(),
    };
    let adjustment = form.parse()?;
    let detail = format!("{adjustment:?}");
    let round = tandem_core::mentoring::rounds::adjust(
        &state.db,
        &institution,
        id,
        adjustment,
        state.auth.clock.now(),
    )
    .await?;
    crate::authz::record(
        &state,
        &actor,
        "round_adjusted",
        format!("round:{id}"),
        detail,
    )
    .await?;
    Ok(Json(round))
}

#[derive(Serialize, ToSchema)]
pub struct PublishedDto {
    /// Proposals sent, one per pair.
    pub proposals: usize,
}

#[utoipa::path(post, path = "/rounds/{id}/publish", tag = "rounds",
    params(("id" = uuid::Uuid, Path, description = "The round's id")),
    responses(
        (status = 200, description = "Published: each pair is asked to accept", body = PublishedDto),
        (status = 400, description = "Already published", body = ErrorBody),
        (status = 404, description = "No such round", body = ErrorBody)))]
async fn publish_round(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<PublishedDto>, AppError> {
    let institution = crate::pages::round_institution(&state, &actor).await?;
    let id = crate::pages::round_id(&id)?;
    let proposals = tandem_core::mentoring::rounds::publish(
        &state.db,
        &institution,
        id,
        state.auth.clock.now(),
    )
    .await?;
    crate::authz::record(
        &state,
        &actor,
        "round_published",
        format!("round:{id}"),
        format!("{proposals} proposals"),
    )
    .await?;
    Ok(Json(PublishedDto { proposals }))
}

#[utoipa::path(get, path = "/program", tag = "mentoring",
    responses(
        (status = 200, description = "The caller's program's matching rules: weights, barred leadership roles, request expiry and reminder days", body = Object),
        (status = 403, description = "Only facilitators and administrators", body = ErrorBody)))]
async fn get_program(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<tandem_core::mentoring::ProgramSettings>, AppError> {
    let institution = crate::pages::program_institution(&state, &actor).await?;
    Ok(Json(
        tandem_core::mentoring::settings::load(&state.db, &InstitutionScope::of(&institution))
            .await?,
    ))
}

#[utoipa::path(post, path = "/program", tag = "mentoring",
    request_body(content = Object, description = "The whole settings object, as GET returns it"),
    responses(
        (status = 200, description = "Saved", body = Object),
        (status = 400, description = "A value is out of range; nothing was saved", body = ErrorBody),
        (status = 403, description = "Only facilitators and administrators", body = ErrorBody)))]
async fn set_program(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Json<tandem_core::mentoring::ProgramSettings>, AppError> {
    let institution = crate::pages::program_institution(&state, &actor).await?;
    let settings: tandem_core::mentoring::ProgramSettings = json_body(&body)?;
    settings.validate()?;
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
    Ok(Json(settings))
}

/// A mentor as a prospective mentee sees them.
#[derive(Serialize, ToSchema)]
pub struct MentorDto {
    pub mentor_id: uuid::Uuid,
    pub name: String,
    pub free_places: u32,
    /// Score, reasons and risks for the caller.
    #[schema(value_type = Object)]
    pub fit: Compatibility,
    /// Why the caller may not ask this mentor, if anything.
    pub exclusions: Vec<String>,
    /// Mentees who offered to be contacted: [name, e-mail].
    // Declared as lists of two strings: utoipa writes a tuple with
    // `prefixItems`, which schemathesis (the API fuzzer) rejects.
    #[schema(value_type = Vec<Vec<String>>)]
    pub references: Vec<(String, String)>,
    /// `too_few_answers`, or the aggregate of at least five answers.
    #[schema(value_type = Object)]
    pub feedback: tandem_core::mentoring::feedback::MentorFeedback,
}

#[utoipa::path(get, path = "/mentors/{id}", tag = "mentoring",
    params(("id" = uuid::Uuid, Path, description = "The mentor's person id")),
    responses(
        (status = 200, description = "The fit, exclusions, references and feedback", body = MentorDto),
        (status = 403, description = "Only mentees look for mentors", body = ErrorBody),
        (status = 404, description = "No such person in the caller's institution", body = ErrorBody)))]
async fn get_mentor(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<MentorDto>, AppError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let scope = InstitutionScope::of(&institution);
    let pool = MentoringPool::load_cached(&state.db, &scope, &state.pools).await?;
    let mentor = pool
        .person(directory::person_id(&id)?)
        .ok_or(AppError::NotFound)?;
    let mut references = Vec::new();
    for r in tandem_store::mentoring::references_of(&state.db, &scope, mentor.id).await? {
        if let Some(p) = pool.person(r).filter(|p| p.id != me.id) {
            references.push((p.display_name(), p.email.to_string()));
        }
    }
    Ok(Json(MentorDto {
        mentor_id: mentor.id.0,
        name: mentor.display_name(),
        free_places: pool.free_places(mentor.id),
        fit: pool.fit(&me, mentor),
        exclusions: pool
            .exclusions(&me, mentor)
            .iter()
            .map(tandem_core::mentoring::Exclusion::explain)
            .collect(),
        references,
        feedback: tandem_core::mentoring::feedback::about(&state.db, &scope, mentor.id).await?,
    }))
}

/// A mentee's answers about a mentor they have or had.
#[derive(Deserialize, ToSchema)]
pub struct FeedbackDto {
    pub would_recommend: bool,
    /// 1 to 5 each.
    pub available: u8,
    pub helpful: u8,
    pub respectful: u8,
}

#[utoipa::path(post, path = "/mentors/{id}/feedback", tag = "mentoring",
    params(("id" = uuid::Uuid, Path, description = "The mentor's person id")),
    request_body = FeedbackDto,
    responses(
        (status = 204, description = "Saved; shown only combined with at least four other mentees' answers"),
        (status = 400, description = "Not one of this mentor's mentees, or a rating out of range", body = ErrorBody),
        (status = 404, description = "No such person", body = ErrorBody)))]
async fn give_feedback(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let mentor = directory::person_id(&id)?;
    tandem_store::people::get(&state.db, &InstitutionScope::of(&institution), mentor)
        .await?
        .ok_or(AppError::NotFound)?;
    let dto: FeedbackDto = json_body(&body)?;
    tandem_core::mentoring::feedback::give(
        &state.db,
        &institution,
        me.id,
        mentor,
        tandem_store::mentoring::FeedbackAnswers {
            would_recommend: dto.would_recommend,
            available: dto.available,
            helpful: dto.helpful,
            respectful: dto.respectful,
        },
        state.auth.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct WithdrawnDto {
    pub withdrawn: u64,
}

#[utoipa::path(post, path = "/me/requests/withdraw-pending", tag = "mentoring",
    responses(
        (status = 200, description = "Every pending request of the caller's is withdrawn", body = WithdrawnDto),
        (status = 403, description = "Only mentees send requests", body = ErrorBody)))]
async fn withdraw_pending(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<WithdrawnDto>, AppError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    let withdrawn = tandem_core::mentoring::requests::withdraw_all(
        &state.db,
        &institution,
        me.id,
        state.auth.clock.now(),
    )
    .await?;
    Ok(Json(WithdrawnDto { withdrawn }))
}

async fn answer_proposal(
    state: &AppState,
    actor: &Actor,
    id: &str,
    accept: bool,
) -> Result<StatusCode, AppError> {
    let (institution, me) = own_person(state, actor, Action::AnswerRequests).await?;
    let proposal = id.parse().map_err(|_| AppError::NotFound)?;
    tandem_core::mentoring::rounds::answer_proposal(
        &state.db,
        &institution,
        me.id,
        proposal,
        accept,
        state.auth.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/proposals/{id}/accept", tag = "rounds",
    params(("id" = uuid::Uuid, Path, description = "The proposal's id")),
    responses(
        (status = 204, description = "Accepted; the pair starts once both have accepted"),
        (status = 404, description = "No open proposal of the caller's with this id", body = ErrorBody)))]
async fn accept_proposal(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    answer_proposal(&state, &actor, &id, true).await
}

#[utoipa::path(post, path = "/proposals/{id}/decline", tag = "rounds",
    params(("id" = uuid::Uuid, Path, description = "The proposal's id")),
    responses(
        (status = 204, description = "Declined"),
        (status = 404, description = "No open proposal of the caller's with this id", body = ErrorBody)))]
async fn decline_proposal(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    answer_proposal(&state, &actor, &id, false).await
}

#[utoipa::path(get, path = "/rounds/{id}/ranking", tag = "rounds",
    params(("id" = uuid::Uuid, Path, description = "The round's id")),
    responses(
        (status = 200, description = "The caller's candidates in a stable round, best fit first, and their ranking so far", body = Object),
        (status = 404, description = "No round the caller takes part in", body = ErrorBody)))]
async fn get_ranking(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<tandem_core::mentoring::rounds::RankingSheet>, AppError> {
    let (institution, me) = own_person(&state, &actor, Action::AnswerRequests).await?;
    Ok(Json(
        tandem_core::mentoring::rounds::ranking_sheet(
            &state.db,
            &InstitutionScope::of(&institution),
            crate::pages::round_id(&id)?,
            me.id,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/rounds/{id}/ranking", tag = "rounds",
    params(("id" = uuid::Uuid, Path, description = "The round's id")),
    request_body(content = Vec<uuid::Uuid>, description = "Candidates' person ids, best first"),
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "Someone not on the sheet, or listed twice", body = ErrorBody),
        (status = 404, description = "No round the caller takes part in", body = ErrorBody)))]
async fn set_ranking(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let (institution, me) = own_person(&state, &actor, Action::AnswerRequests).await?;
    let round = crate::pages::round_id(&id)?;
    tandem_core::mentoring::rounds::load(&state.db, &InstitutionScope::of(&institution), round)
        .await?
        .ok_or(AppError::NotFound)?;
    let ranked: Vec<PersonId> = json_any_body(&body)?;
    tandem_core::mentoring::rounds::submit_ranking(
        &state.db,
        &institution,
        round,
        me.id,
        &ranked,
        state.auth.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
