//! The JSON API for relationships: the caller's own list, one
//! relationship, closing it as completed, the no-fault ending, and the
//! program's de-identified report of why relationships end.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Serialize;
use tandem_core::policy::{Action, Target};
use tandem_core::relationships::{self, EndingReasons, Mine, agreement};
use tandem_domain::relationship::Action as Step;
use tandem_domain::{Relationship, RelationshipState, Side};
use tandem_store::InstitutionScope;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api_mentoring::json_body;
use crate::authz::authorize;
use crate::directory;
use crate::error::ErrorBody;
use crate::guard::Actor;
use crate::relationships::{EndingForm, my_relationship, other_name};
use crate::{AppError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_relationships))
        .routes(routes!(get_relationship))
        .routes(routes!(complete_relationship))
        .routes(routes!(end_relationship))
        .routes(routes!(ending_report))
        .routes(routes!(get_agreement, write_agreement))
        .routes(routes!(sign_agreement))
}

/// A relationship as one of its sides sees it.
#[derive(Serialize, ToSchema)]
pub struct RelationshipDto {
    pub id: uuid::Uuid,
    /// The caller's side: mentee or mentor.
    #[schema(value_type = String)]
    pub side: Side,
    pub other_id: uuid::Uuid,
    pub other_name: String,
    /// primary or secondary.
    pub role: String,
    /// proposed, active or ended.
    pub stage: String,
    /// For an ended relationship: completed, declined or ended. Never who
    /// ended it or why: the notice is neutral, so the API is too.
    pub outcome: Option<String>,
    /// The words shown for the state.
    pub state_label: String,
    /// Proposed: the caller has accepted. Active: the caller proposed to
    /// close it as completed.
    pub i_agreed: bool,
    /// The same for the other side.
    pub other_agreed: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub proposed_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    pub started_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    pub ended_at: Option<time::OffsetDateTime>,
}

fn dto(mine: &Mine, other_name: String) -> RelationshipDto {
    let r: &Relationship = &mine.relationship;
    let (mine_ok, other_ok) = match r.state {
        RelationshipState::Proposed {
            mentee_accepted,
            mentor_accepted,
        } => match mine.side {
            Side::Mentee => (mentee_accepted, mentor_accepted),
            Side::Mentor => (mentor_accepted, mentee_accepted),
        },
        RelationshipState::Active {
            completion_proposed_by,
        } => (
            completion_proposed_by == Some(mine.side.party()),
            completion_proposed_by == Some(mine.side.other().party()),
        ),
        RelationshipState::Ended { .. } => (false, false),
    };
    RelationshipDto {
        id: r.id.0,
        side: mine.side,
        other_id: mine.other().0,
        other_name,
        role: r.role.code().into(),
        stage: r.state.stage().into(),
        outcome: match r.state {
            RelationshipState::Ended { ending } => Some(ending.neutral_code().into()),
            _ => None,
        },
        state_label: r.state.label().into(),
        i_agreed: mine_ok,
        other_agreed: other_ok,
        proposed_at: r.proposed_at,
        started_at: r.started_at,
        ended_at: r.ended_at,
    }
}

#[utoipa::path(get, path = "/me/relationships", tag = "relationships",
    responses(
        (status = 200, description = "The caller's relationships, newest first", body = [RelationshipDto]),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn my_relationships(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<RelationshipDto>>, AppError> {
    let (Some(institution), Some(person)) = (actor.0.institution.clone(), actor.0.person) else {
        return Ok(Json(vec![]));
    };
    let scope = InstitutionScope::of(&institution);
    let names = crate::pages::names(&state, &institution).await?;
    let mine = relationships::all_mine(&state.db, &scope, person).await?;
    Ok(Json(
        mine.iter()
            .map(|m| dto(m, names.get(&m.other()).cloned().unwrap_or_default()))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/relationships/{id}", tag = "relationships",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    responses(
        (status = 200, description = "The relationship", body = RelationshipDto),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn get_relationship(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<RelationshipDto>, AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let name = other_name(&state, &institution, &mine).await?;
    Ok(Json(dto(&mine, name)))
}

#[utoipa::path(post, path = "/relationships/{id}/complete", tag = "relationships",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    responses(
        (status = 200, description = "Proposed (or, if the other side proposed first, closed) as completed", body = RelationshipDto),
        (status = 400, description = "Not possible in its current state", body = ErrorBody),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn complete_relationship(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<RelationshipDto>, AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let relationship = relationships::act(
        &state.db,
        &institution,
        mine.relationship.id,
        mine.relationship.person(mine.side),
        Step::Complete,
        state.auth.clock.now(),
    )
    .await?;
    let after = Mine {
        relationship,
        side: mine.side,
    };
    let name = other_name(&state, &institution, &after).await?;
    Ok(Json(dto(&after, name)))
}

#[utoipa::path(post, path = "/relationships/{id}/end", tag = "relationships",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    request_body(content = EndingForm, description = "All optional; may be empty. Factors and note stay private to the caller."),
    responses(
        (status = 200, description = "Ended (or declined, if it was still proposed); the other side gets a neutral notice", body = RelationshipDto),
        (status = 400, description = "Already ended, or a malformed body", body = ErrorBody),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn end_relationship(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<RelationshipDto>, AppError> {
    // The caller must be allowed before the body is read.
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let form: EndingForm = if body.is_empty() {
        EndingForm::default()
    } else {
        json_body(&body)?
    };
    let relationship = relationships::end(
        &state.db,
        &institution,
        mine.relationship.id,
        mine.relationship.person(mine.side),
        &form.input()?,
        state.auth.clock.now(),
    )
    .await?;
    let after = Mine {
        relationship,
        side: mine.side,
    };
    let name = other_name(&state, &institution, &after).await?;
    Ok(Json(dto(&after, name)))
}

#[utoipa::path(get, path = "/institutions/{slug}/reports/endings", tag = "reports",
    params(("slug" = String, Path, description = "The institution's slug")),
    responses(
        (status = 200, description = "Failure factors named in private ending reasons, counted across the program; nothing under five reasons, cells under five suppressed", body = Object),
        (status = 403, description = "Your roles do not allow this", body = ErrorBody),
        (status = 404, description = "No such institution", body = ErrorBody)))]
async fn ending_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
) -> Result<Json<EndingReasons>, AppError> {
    let (institution, scope) = directory::institution(&state.db, &slug).await?;
    authorize(
        &state,
        &actor,
        Action::ReadReports,
        Target::institution(institution.id),
    )
    .await?;
    Ok(Json(
        relationships::ending_reasons(&state.db, &scope).await?,
    ))
}

/// A relationship's agreement: the newest version first, and the program's
/// template new versions start from.
#[derive(Serialize, ToSchema)]
pub struct AgreementDto {
    #[schema(value_type = Vec<Object>)]
    pub versions: Vec<tandem_core::relationships::agreement::Agreement>,
    #[schema(value_type = Object)]
    pub template: tandem_domain::agreement::AgreementTerms,
}

#[utoipa::path(get, path = "/relationships/{id}/agreement", tag = "relationships",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    responses(
        (status = 200, description = "Every version, newest first, with signatures and review date", body = AgreementDto),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn get_agreement(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<AgreementDto>, AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let scope = InstitutionScope::of(&institution);
    Ok(Json(AgreementDto {
        versions: agreement::history(&state.db, &scope, mine.relationship.id).await?,
        template: agreement::template(&state.db, &scope).await?,
    }))
}

/// New terms. The no-fault exit clause is always the program's.
#[derive(serde::Deserialize, ToSchema)]
pub struct TermsDto {
    pub goals: String,
    /// monthly, every_two_months, quarterly or twice_a_year.
    pub cadence: String,
    #[serde(default)]
    pub contact_between: String,
    #[serde(default)]
    pub mentee_expects: String,
    #[serde(default)]
    pub mentor_expects: String,
    #[serde(default)]
    pub authorship: String,
    #[serde(default)]
    pub confidentiality: String,
    pub review_turnaround_days: u8,
}

#[utoipa::path(post, path = "/relationships/{id}/agreement", tag = "relationships",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    request_body = TermsDto,
    responses(
        (status = 200, description = "Stored as a new version, unsigned; both sign it next", body = Object),
        (status = 400, description = "A field is invalid (named), or the relationship is not active", body = ErrorBody),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn write_agreement(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<tandem_core::relationships::agreement::Agreement>, AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let dto: TermsDto = json_body(&body)?;
    let terms = tandem_domain::agreement::AgreementTerms {
        goals: dto.goals,
        cadence: tandem_domain::agreement::Cadence::parse(&dto.cadence)?,
        contact_between: dto.contact_between,
        mentee_expects: dto.mentee_expects,
        mentor_expects: dto.mentor_expects,
        authorship: dto.authorship,
        confidentiality: dto.confidentiality,
        review_turnaround_days: dto.review_turnaround_days,
        exit_clause: String::new(),
    };
    Ok(Json(
        agreement::write(
            &state.db,
            &institution,
            mine.relationship.id,
            mine.relationship.person(mine.side),
            terms,
            state.auth.clock.now(),
        )
        .await?,
    ))
}

/// The version the caller read and signs.
#[derive(serde::Deserialize, ToSchema)]
pub struct SignDto {
    pub version: i32,
}

#[utoipa::path(post, path = "/relationships/{id}/agreement/sign", tag = "relationships",
    params(("id" = uuid::Uuid, Path, description = "The relationship's id")),
    request_body = SignDto,
    responses(
        (status = 200, description = "Signed; the agreement as it now stands", body = Object),
        (status = 400, description = "Not the newest version, or the relationship is not active", body = ErrorBody),
        (status = 403, description = "The caller is not one of its two sides", body = ErrorBody),
        (status = 404, description = "No such relationship", body = ErrorBody)))]
async fn sign_agreement(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<tandem_core::relationships::agreement::Agreement>, AppError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let dto: SignDto = json_body(&body)?;
    Ok(Json(
        agreement::sign(
            &state.db,
            &institution,
            mine.relationship.id,
            mine.relationship.person(mine.side),
            dto.version,
            state.auth.clock.now(),
        )
        .await?,
    ))
}
