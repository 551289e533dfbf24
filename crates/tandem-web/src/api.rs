//! The JSON API under /api/v1. Each handler documents itself for the
//! OpenAPI document with `#[utoipa::path]`.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use tandem_domain::PersonProfile;
use tandem_store::people::PersonSummary;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::authz::authorize;
use crate::directory::{self, PeopleQuery};
use crate::error::ErrorBody;
use crate::guard::Actor;
use crate::{AppError, AppState};
use tandem_core::policy::{Action, Target, View};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_institutions))
        .routes(routes!(get_institution))
        .routes(routes!(list_departments))
        .routes(routes!(list_divisions))
        .routes(routes!(list_people))
        .routes(routes!(get_person))
        .routes(routes!(me))
        .routes(routes!(demographics))
        .merge(crate::api_mentoring::routes())
        .merge(crate::api_relationships::routes())
        .merge(crate::api_health::routes())
}

/// The signed-in account.
#[derive(Serialize, ToSchema)]
pub struct MeDto {
    pub username: String,
    pub institution: Option<InstitutionDto>,
    pub person_id: Option<uuid::Uuid>,
    /// Roles held, e.g. `mentee`, `unit_leader`.
    pub roles: Vec<String>,
}

#[utoipa::path(get, path = "/me", tag = "account",
    responses(
        (status = 200, description = "The signed-in account", body = MeDto),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn me(actor: Actor) -> Json<MeDto> {
    let p = actor.0;
    let mut roles: Vec<String> = p.grants.iter().map(|g| g.role.code().to_string()).collect();
    roles.dedup();
    Json(MeDto {
        username: p.username,
        institution: p.institution.map(|i| InstitutionDto {
            slug: i.slug.to_string(),
            name: i.name,
        }),
        person_id: p.person.map(|x| x.0),
        roles,
    })
}

#[utoipa::path(get, path = "/institutions/{slug}/reports/demographics", tag = "reports",
    params(("slug" = String, Path, description = "The institution's slug")),
    responses(
        (status = 200, description = "Counts and shares by gender, rank and stream; counts of 1-4 are suppressed", body = Object),
        (status = 403, description = "Your roles do not allow this", body = ErrorBody),
        (status = 404, description = "No such institution", body = ErrorBody)))]
async fn demographics(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
) -> Result<Json<tandem_core::reports::Demographics>, AppError> {
    let (institution, _) = directory::institution(&state.db, &slug).await?;
    authorize(
        &state,
        &actor,
        Action::ReadReports,
        Target::institution(institution.id),
    )
    .await?;
    Ok(Json(
        tandem_core::reports::demographics(&state.db, &institution).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct InstitutionDto {
    pub slug: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentDto {
    pub id: uuid::Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct DivisionDto {
    pub id: uuid::Uuid,
    pub department_id: uuid::Uuid,
    pub name: String,
}

/// One line of the directory.
#[derive(Serialize, ToSchema)]
pub struct PersonSummaryDto {
    pub id: uuid::Uuid,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    /// lecturer, assistant_professor, associate_professor or professor
    pub rank: String,
    /// teacher, educator, investigator, scientist or administrator
    pub stream: String,
    pub department: String,
    pub division: String,
    /// none, division_director or department_chair
    pub leadership: String,
}

impl From<PersonSummary> for PersonSummaryDto {
    fn from(p: PersonSummary) -> Self {
        Self {
            id: p.id.0,
            given_name: p.given_name,
            family_name: p.family_name,
            email: p.email,
            rank: p.rank.code().into(),
            stream: p.stream.code().into(),
            department: p.department,
            division: p.division,
            leadership: p.leadership.code().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PeoplePage {
    pub items: Vec<PersonSummaryDto>,
    /// Matches across all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A department or division named in a profile.
#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    pub id: uuid::Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PersonRefDto {
    pub id: uuid::Uuid,
    pub name: String,
}

/// A full profile.
#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    pub id: uuid::Uuid,
    /// HR identifier: shown to the person and to administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub department: UnitDto,
    pub division: UnitDto,
    pub rank: String,
    pub stream: String,
    /// woman, man, non_binary, prefer_not_to_say or self_described:<words>
    pub gender: String,
    /// YYYY-MM-DD
    pub appointment_date: String,
    pub research_interests: Vec<String>,
    pub clinical_interests: Vec<String>,
    pub education_interests: Vec<String>,
    pub values: Vec<String>,
    /// deliberative or on_the_fly, when known
    pub pace: Option<String>,
    /// introvert or extrovert, when known
    pub energy: Option<String>,
    pub mentoring_years: u16,
    pub past_mentees: u16,
    pub location: Option<String>,
    pub contact_channels: Vec<String>,
    pub supervisor: Option<PersonRefDto>,
    /// Who controls this person's resources: shown to the person, to
    /// facilitators of their unit and to administrators only.
    pub resource_controller: Option<PersonRefDto>,
    pub leadership: String,
}

#[utoipa::path(get, path = "/institutions", tag = "directory",
    responses((status = 200, description = "Every institution", body = Vec<InstitutionDto>)))]
async fn list_institutions(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<InstitutionDto>>, AppError> {
    // Only the institutions the policy lets the caller see.
    let list: Vec<_> = tandem_store::institutions::list(&state.db)
        .await?
        .into_iter()
        .filter(|i| {
            matches!(
                tandem_core::policy::decide(
                    &actor.0,
                    Action::ReadInstitution,
                    &Target::institution(i.id),
                    false
                ),
                tandem_core::policy::Decision::Allow(_)
            )
        })
        .collect();
    Ok(Json(
        list.into_iter()
            .map(|i| InstitutionDto {
                slug: i.slug.to_string(),
                name: i.name,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/institutions/{slug}", tag = "directory",
    params(("slug" = String, Path, description = "The institution's slug")),
    responses(
        (status = 200, description = "The institution", body = InstitutionDto),
        (status = 404, description = "No such institution", body = ErrorBody)))]
async fn get_institution(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
) -> Result<Json<InstitutionDto>, AppError> {
    let (i, _) = directory::institution(&state.db, &slug).await?;
    authorize(
        &state,
        &actor,
        Action::ReadInstitution,
        Target::institution(i.id),
    )
    .await?;
    Ok(Json(InstitutionDto {
        slug: i.slug.to_string(),
        name: i.name,
    }))
}

#[utoipa::path(get, path = "/institutions/{slug}/departments", tag = "directory",
    params(("slug" = String, Path, description = "The institution's slug")),
    responses(
        (status = 200, description = "The institution's departments", body = Vec<DepartmentDto>),
        (status = 404, description = "No such institution", body = ErrorBody)))]
async fn list_departments(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
) -> Result<Json<Vec<DepartmentDto>>, AppError> {
    let (_, scope) = directory::browsable_institution(&state, &actor, &slug).await?;
    let list = tandem_store::units::departments(&state.db, &scope).await?;
    Ok(Json(
        list.into_iter()
            .map(|d| DepartmentDto {
                id: d.id.0,
                name: d.name,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/institutions/{slug}/divisions", tag = "directory",
    params(("slug" = String, Path, description = "The institution's slug")),
    responses(
        (status = 200, description = "The institution's divisions", body = Vec<DivisionDto>),
        (status = 404, description = "No such institution", body = ErrorBody)))]
async fn list_divisions(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
) -> Result<Json<Vec<DivisionDto>>, AppError> {
    let (_, scope) = directory::browsable_institution(&state, &actor, &slug).await?;
    let list = tandem_store::units::divisions(&state.db, &scope).await?;
    Ok(Json(
        list.into_iter()
            .map(|d| DivisionDto {
                id: d.id.0,
                department_id: d.department_id.0,
                name: d.name,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/institutions/{slug}/people", tag = "directory",
    params(("slug" = String, Path, description = "The institution's slug"), PeopleQuery),
    responses(
        (status = 200, description = "A page of the directory", body = PeoplePage),
        (status = 400, description = "A filter is invalid", body = ErrorBody),
        (status = 404, description = "No such institution", body = ErrorBody)))]
async fn list_people(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
    Query(query): Query<PeopleQuery>,
) -> Result<Json<PeoplePage>, AppError> {
    let (_, scope) = directory::browsable_institution(&state, &actor, &slug).await?;
    let request = query.parse()?;
    let page = tandem_store::people::search(
        &state.db,
        &scope,
        &request.filter,
        request.per_page,
        request.offset(),
    )
    .await?;
    Ok(Json(PeoplePage {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        page: request.page,
        per_page: request.per_page,
    }))
}

#[utoipa::path(get, path = "/institutions/{slug}/people/{id}", tag = "directory",
    params(("slug" = String, Path, description = "The institution's slug"),
           ("id" = uuid::Uuid, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The person's profile", body = PersonDto),
        (status = 404, description = "No such person in this institution", body = ErrorBody)))]
async fn get_person(
    State(state): State<AppState>,
    actor: Actor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<PersonDto>, AppError> {
    let (_, profile) = directory::authorized_profile(&state, &actor, &slug, &id).await?;
    Ok(Json(person_dto(&profile)))
}

fn person_dto(view: &directory::ProfileView) -> PersonDto {
    let p: &PersonProfile = &view.person;
    let (department, division) = (&view.department, &view.division);
    let to_ref = |r: &tandem_store::people::PersonRef| PersonRefDto {
        id: r.id.0,
        name: r.name.clone(),
    };
    let full = view.view == View::Full;
    PersonDto {
        id: p.id.0,
        employee_id: full.then(|| p.employee_id.clone()),
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        email: p.email.to_string(),
        department: UnitDto {
            id: p.department_id.0,
            name: department.into(),
        },
        division: UnitDto {
            id: p.division_id.0,
            name: division.into(),
        },
        rank: p.rank.code().into(),
        stream: p.stream.code().into(),
        gender: p.gender.code(),
        appointment_date: p.appointment_date.to_string(),
        research_interests: p.research_interests.items().to_vec(),
        clinical_interests: p.clinical_interests.items().to_vec(),
        education_interests: p.education_interests.items().to_vec(),
        values: p.values.items().to_vec(),
        pace: p.working_style.pace.map(|x| x.code().into()),
        energy: p.working_style.energy.map(|x| x.code().into()),
        mentoring_years: p.mentoring_years,
        past_mentees: p.past_mentees,
        location: p.location.clone(),
        contact_channels: p.contact_channels.iter().map(|c| c.code().into()).collect(),
        supervisor: view.supervisor.as_ref().map(to_ref),
        resource_controller: view
            .resource_controller
            .as_ref()
            .filter(|_| full)
            .map(to_ref),
        leadership: p.leadership.code().into(),
    }
}
