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
use tandem_domain::{MentorRequest, MentorRequestId, PersonId};
use tandem_store::InstitutionScope;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::authz::authorize;
use crate::directory;
use crate::error::ErrorBody;
use crate::guard::Actor;
use crate::mentoring::{SUGGESTION_LIMIT, SuggestionQuery, own_person};
use crate::{AppError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_suggestions))
        .routes(routes!(my_requests, send_request))
        .routes(routes!(accept_request))
        .routes(routes!(decline_request))
        .routes(routes!(withdraw_request))
        .routes(routes!(time_to_match))
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
    let pool = MentoringPool::load(&state.db, &InstitutionScope::of(&institution)).await?;
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

fn json_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("the body is not the expected JSON: {e}")))
}

#[utoipa::path(post, path = "/me/requests", tag = "mentoring",
    request_body = NewRequestDto,
    responses(
        (status = 201, description = "The request is sent", body = Object),
        (status = 400, description = "Refused, with the reason (conflict of interest, no free place, already asked, too many pending)", body = ErrorBody),
        (status = 403, description = "Only mentees send requests", body = ErrorBody)))]
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

fn request_id(raw: &str) -> Result<MentorRequestId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[utoipa::path(post, path = "/requests/{id}/accept", tag = "mentoring",
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "Accepted: the pair has started", body = Object),
        (status = 400, description = "No longer pending, or no free place", body = ErrorBody),
        (status = 404, description = "No such request addressed to the caller", body = ErrorBody)))]
async fn accept_request(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<MentorRequest>, AppError> {
    let (institution, me) = own_person(&state, &actor, Action::AnswerRequests).await?;
    let now = state.auth.clock.now();
    let done = requests::answer(
        &state.db,
        &institution,
        me.id,
        request_id(&id)?,
        Answer::Accept,
        now,
    )
    .await?;
    Ok(Json(done))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct DeclineDto {
    /// A private note for the mentor; never shown to anyone else.
    #[serde(default)]
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/requests/{id}/decline", tag = "mentoring",
    params(("id" = String, Path, description = "The request's id")),
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
    let (institution, me) = own_person(&state, &actor, Action::AnswerRequests).await?;
    let dto: DeclineDto = if body.is_empty() {
        DeclineDto::default()
    } else {
        json_body(&body)?
    };
    let done = requests::answer(
        &state.db,
        &institution,
        me.id,
        request_id(&id)?,
        Answer::Decline(dto.reason),
        state.auth.clock.now(),
    )
    .await?;
    Ok(Json(done))
}

#[utoipa::path(post, path = "/requests/{id}/withdraw", tag = "mentoring",
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 400, description = "No longer pending", body = ErrorBody),
        (status = 404, description = "No such request of the caller's", body = ErrorBody)))]
async fn withdraw_request(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let (institution, me) = own_person(&state, &actor, Action::FindMentor).await?;
    requests::withdraw(
        &state.db,
        &institution,
        me.id,
        request_id(&id)?,
        state.auth.clock.now(),
    )
    .await?;
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
