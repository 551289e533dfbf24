//! The JSON API for relationship health: a side's own view, check-ins and
//! request for help; the facilitator's console, evidence and cases (every
//! read audited); the program's check-in settings and instruments; and a
//! division's suppressed aggregate for those who see units in aggregate.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tandem_core::health::broker::{self, HelpRequest};
use tandem_core::health::checkins::{self, CheckinInput};
use tandem_core::health::settings::{self, CheckinSettings};
use tandem_domain::health::{Instrument, Viewer};
use tandem_store::InstitutionScope;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api_mentoring::json_body;
use crate::error::ErrorBody;
use crate::guard::Actor;
use crate::health::{self, CaseActionForm, CaseView, Console, Detail, HealthView};
use crate::relationships::{my_relationship, other_name};
use crate::{AppError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(own_health))
        .routes(routes!(own_checkins, send_checkin))
        .routes(routes!(ask_for_help))
        .routes(routes!(console))
        .routes(routes!(detail))
        .routes(routes!(open_case))
        .routes(routes!(get_case))
        .routes(routes!(case_entry))
        .routes(routes!(get_checkin_settings, set_checkin_settings))
        .routes(routes!(list_instruments, add_instrument))
        .routes(routes!(division_health))
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Where the caller stands with check-ins.
#[derive(Serialize, ToSchema)]
pub struct CheckinStateDto {
    /// A check-in is due and the caller has not answered it.
    pub waiting: bool,
    /// The due date of the current round, if one is due (YYYY-MM-DD).
    pub due_on: Option<String>,
    pub next_due_on: String,
    /// When the caller last checked in (RFC 3339).
    pub last: Option<String>,
    /// The words shown on the pages.
    pub words: String,
}

/// How a relationship is going, for one of its sides: built from their own
/// answers and the records both share, never the other side's answers.
#[derive(Serialize, ToSchema)]
pub struct OwnHealthDto {
    pub health: HealthView,
    pub checkin: CheckinStateDto,
    /// Brokering cases the caller may know of, in words.
    pub cases: Vec<String>,
}

#[utoipa::path(get, path = "/relationships/{id}/health", tag = "health",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    responses(
        (status = 200, description = "The caller's own view of the relationship's health", body = OwnHealthDto),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn own_health(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<OwnHealthDto>, AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let scope = InstitutionScope::of(&institution);
    let now = state.auth.clock.now();
    let a = tandem_core::health::own_view(&state.db, &scope, &mine.relationship, mine.side, now)
        .await?;
    let (due, _) = checkins::due(&state.db, &scope, &mine, now).await?;
    let other = other_name(&state, &institution, &mine).await?;
    let cases = broker::cases_for_side(&state.db, &scope, &mine).await?;
    Ok(Json(OwnHealthDto {
        health: health::view(&a, Viewer::Side(mine.side), mine.relationship.id),
        checkin: CheckinStateDto {
            waiting: due.waiting(),
            due_on: due.current.map(|r| r.due_on.to_string()),
            next_due_on: due.next.due_on.to_string(),
            last: due.last.map(rfc3339),
            words: crate::pages::due_line(&due),
        },
        cases: crate::pages::case_lines(&cases, &other),
    }))
}

/// One of the caller's own check-ins.
#[derive(Serialize, ToSchema)]
pub struct CheckinDto {
    pub id: uuid::Uuid,
    pub submitted_at: String,
    pub round: i32,
    pub instrument: String,
    /// Item code to scale point; skipped items are absent.
    pub answers: BTreeMap<String, u8>,
    pub comment: String,
    /// The caller lets the program's facilitator read the comment.
    pub share_comment: bool,
}

fn checkin_dto(c: &tandem_store::health::CheckinRow) -> CheckinDto {
    CheckinDto {
        id: c.id,
        submitted_at: rfc3339(c.submitted_at),
        round: c.round,
        instrument: c.instrument_code.clone(),
        answers: serde_json::from_str(&c.answers_json).unwrap_or_default(),
        comment: c.comment.clone(),
        share_comment: c.share_comment,
    }
}

#[utoipa::path(get, path = "/relationships/{id}/checkins", tag = "health",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    responses(
        (status = 200, description = "The caller's own check-ins on it, newest first (never the other side's)", body = [CheckinDto]),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn own_checkins(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Vec<CheckinDto>>, AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let scope = InstitutionScope::of(&institution);
    let (_, own) = checkins::due(&state.db, &scope, &mine, state.auth.clock.now()).await?;
    Ok(Json(own.iter().map(checkin_dto).collect()))
}

/// A check-in as sent.
#[derive(Deserialize, ToSchema)]
pub struct NewCheckinDto {
    /// Item code to scale point (see GET /program/instruments for the
    /// items); leave an item out to skip it.
    pub answers: BTreeMap<String, u8>,
    #[serde(default)]
    pub comment: String,
    /// Let the program's facilitator read the comment.
    #[serde(default)]
    pub share_comment: bool,
}

#[utoipa::path(post, path = "/relationships/{id}/checkins", tag = "health",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    request_body = NewCheckinDto,
    responses(
        (status = 201, description = "Saved; confidential to the caller", body = CheckinDto),
        (status = 400, description = "An unknown item, a point off the scale, nothing answered, or the relationship is not active; nothing was saved", body = ErrorBody),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn send_checkin(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<CheckinDto>), AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let dto: NewCheckinDto = json_body(&body)?;
    let row = checkins::submit(
        &state.db,
        &institution,
        &mine,
        &CheckinInput {
            answers: dto.answers,
            comment: dto.comment,
            share_comment: dto.share_comment,
        },
        state.auth.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(checkin_dto(&row))))
}

/// A confidential request to the program's facilitator.
#[derive(Deserialize, ToSchema)]
pub struct HelpDto {
    /// What is going wrong; only the facilitator reads it.
    pub text: String,
    /// The other side may learn that help was asked for (never the words).
    #[serde(default)]
    pub other_may_know: bool,
}

/// A brokering case, as its requester sees it.
#[derive(Serialize, ToSchema)]
pub struct MyCaseDto {
    pub id: uuid::Uuid,
    pub open: bool,
}

#[utoipa::path(post, path = "/relationships/{id}/help", tag = "health",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    request_body = HelpDto,
    responses(
        (status = 201, description = "Sent to the facilitators of the mentee's unit, in confidence", body = MyCaseDto),
        (status = 400, description = "Empty, too long, already asked, or the relationship is not active", body = ErrorBody),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn ask_for_help(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<MyCaseDto>), AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let dto: HelpDto = json_body(&body)?;
    let case = broker::ask_for_help(
        &state.db,
        &institution,
        &mine,
        &HelpRequest {
            text: dto.text,
            other_may_know: dto.other_may_know,
        },
        state.auth.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(MyCaseDto {
            id: case.id,
            open: case.open,
        }),
    ))
}

#[utoipa::path(get, path = "/program/health", tag = "health",
    responses(
        (status = 200, description = "Every active relationship in the caller's units with its status, factor and trend; audited", body = Console),
        (status = 403, description = "Only facilitators", body = ErrorBody)))]
async fn console(State(state): State<AppState>, actor: Actor) -> Result<Json<Console>, AppError> {
    let institution = health::console_institution(&state, &actor).await?;
    Ok(Json(health::console(&state, &actor, &institution).await?))
}

#[utoipa::path(get, path = "/program/health/{id}", tag = "health",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    responses(
        (status = 200, description = "The status, factor and evidence (answers; comments only where shared); audited", body = Detail),
        (status = 403, description = "Only the facilitators of the mentee's unit", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Detail>, AppError> {
    Ok(Json(health::detail(&state, &actor, &id).await?))
}

/// A case to open.
#[derive(Deserialize, ToSchema, Default)]
pub struct OpenCaseDto {
    /// A first note for the private log.
    #[serde(default)]
    pub note: String,
}

/// A case's id.
#[derive(Serialize, ToSchema)]
pub struct CaseIdDto {
    pub id: uuid::Uuid,
}

#[utoipa::path(post, path = "/program/health/{id}/cases", tag = "health",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    request_body = OpenCaseDto,
    responses(
        (status = 201, description = "The case (or the one already open)", body = CaseIdDto),
        (status = 400, description = "The relationship has ended", body = ErrorBody),
        (status = 403, description = "Only the facilitators of the mentee's unit", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn open_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<CaseIdDto>), AppError> {
    // Who may, before what they sent.
    health::watched(&state, &actor, &id).await?;
    let dto: OpenCaseDto = if body.is_empty() {
        OpenCaseDto::default()
    } else {
        json_body(&body)?
    };
    let case = health::open_case(&state, &actor, &id, &dto.note).await?;
    Ok((StatusCode::CREATED, Json(CaseIdDto { id: case })))
}

#[utoipa::path(get, path = "/program/cases/{id}", tag = "health",
    params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case, its request and private log; audited", body = CaseView),
        (status = 403, description = "Only the facilitators of the mentee's unit", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody)))]
async fn get_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<CaseView>, AppError> {
    Ok(Json(health::case_view(&state, &actor, &id).await?))
}

#[utoipa::path(post, path = "/program/cases/{id}/entries", tag = "health",
    params(("id" = uuid::Uuid, Path, description = "The case's id")),
    request_body = CaseActionForm,
    responses(
        (status = 200, description = "Done and logged", body = CaseIdDto),
        (status = 400, description = "An unknown action, a barred secondary mentor, or a closed case; nothing was done", body = ErrorBody),
        (status = 403, description = "Only the facilitators of the mentee's unit", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody)))]
async fn case_entry(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<CaseIdDto>, AppError> {
    // Who may, before what they sent.
    health::watched_case(&state, &actor, &id).await?;
    let form: CaseActionForm = json_body(&body)?;
    let id = health::act_on_case(&state, &actor, &id, &form).await?;
    Ok(Json(CaseIdDto { id }))
}

#[utoipa::path(get, path = "/program/checkins", tag = "health",
    responses(
        (status = 200, description = "The program's check-in instrument and rhythm", body = Object),
        (status = 403, description = "Only facilitators and administrators", body = ErrorBody)))]
async fn get_checkin_settings(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<CheckinSettings>, AppError> {
    let institution = crate::pages::program_institution(&state, &actor).await?;
    Ok(Json(
        settings::load(&state.db, &InstitutionScope::of(&institution)).await?,
    ))
}

#[utoipa::path(post, path = "/program/checkins", tag = "health",
    request_body(content = Object, description = "instrument (a code), first_after_days (7-365), every_days (14-365)"),
    responses(
        (status = 200, description = "Saved", body = Object),
        (status = 400, description = "A value is out of range or the instrument unknown; nothing was saved", body = ErrorBody),
        (status = 403, description = "Only facilitators and administrators", body = ErrorBody)))]
async fn set_checkin_settings(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Json<CheckinSettings>, AppError> {
    let institution = crate::pages::program_institution(&state, &actor).await?;
    let s: CheckinSettings = json_body(&body)?;
    health::save_settings(&state, &actor, &institution, &s).await?;
    Ok(Json(s))
}

#[utoipa::path(get, path = "/program/instruments", tag = "health",
    responses(
        (status = 200, description = "Tandem's instrument and those the program added", body = [Object]),
        (status = 403, description = "Only facilitators and administrators", body = ErrorBody)))]
async fn list_instruments(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<Instrument>>, AppError> {
    let institution = crate::pages::program_institution(&state, &actor).await?;
    Ok(Json(
        settings::instruments(&state.db, &InstitutionScope::of(&institution)).await?,
    ))
}

#[utoipa::path(post, path = "/program/instruments", tag = "health",
    request_body(content = Object, description = "An instrument: code, name, licence, scale {min, max, labels}, items [{code, factor, text, keyed}], scoring {watch_at, at_risk_at}"),
    responses(
        (status = 201, description = "Added", body = Object),
        (status = 400, description = "Not valid, or the code is taken; nothing was stored", body = ErrorBody),
        (status = 403, description = "Only facilitators and administrators", body = ErrorBody)))]
async fn add_instrument(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<(StatusCode, Json<Instrument>), AppError> {
    let institution = crate::pages::program_institution(&state, &actor).await?;
    let instrument: Instrument = json_body(&body)?;
    health::add_instrument(&state, &actor, &institution, &instrument).await?;
    Ok((StatusCode::CREATED, Json(instrument)))
}

/// A suppressed count: a number, "<5", or "–" (hidden so that another
/// cannot be worked out).
#[derive(Serialize, ToSchema)]
pub struct CountDto {
    pub group: String,
    /// The count when it may be shown.
    pub count: Option<u64>,
    /// As shown: a number, "<5" or "–".
    pub shown: String,
}

/// A division's relationship health, aggregates only.
#[derive(Serialize, ToSchema)]
pub struct UnitHealthDto {
    pub total: CountDto,
    pub statuses: Vec<CountDto>,
    /// Factors behind the relationships that need attention; empty when
    /// fewer than five do.
    pub factors: Vec<CountDto>,
    pub factors_withheld: bool,
}

fn count(group: &str, c: tandem_core::privacy::Cell) -> CountDto {
    CountDto {
        group: group.into(),
        count: c.shown(),
        shown: c.to_string(),
    }
}

#[utoipa::path(get, path = "/institutions/{slug}/divisions/{id}/health", tag = "reports",
    params(("slug" = String, Path, description = "The institution's slug"),
           ("id" = uuid::Uuid, Path, description = "The division's id")),
    responses(
        (status = 200, description = "How many of the division's active relationships are thriving, watched or at risk, and the factors behind them; counts under five suppressed", body = UnitHealthDto),
        (status = 403, description = "Not a unit the caller sees", body = ErrorBody),
        (status = 404, description = "No such division", body = ErrorBody)))]
async fn division_health(
    State(state): State<AppState>,
    actor: Actor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<UnitHealthDto>, AppError> {
    let (institution, division) =
        crate::directory::summary_division(&state, &actor, &slug, &id).await?;
    let h = tandem_core::health::report::division_health(
        &state.db,
        &institution,
        division.id,
        state.auth.clock.now(),
    )
    .await?;
    Ok(Json(UnitHealthDto {
        total: count("all", h.total),
        statuses: h
            .statuses
            .iter()
            .map(|(s, c)| count(s.code(), *c))
            .collect(),
        factors: h.factors.iter().map(|(f, c)| count(f.code(), *c)).collect(),
        factors_withheld: h.factors_withheld,
    }))
}
