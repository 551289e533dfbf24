//! Directory logic shared by the API and the pages: resolving an
//! institution from its slug, and reading directory filters from a query
//! string with clear errors.

use serde::Deserialize;
use tandem_domain::{DivisionId, Institution, PersonId, Rank, Stream};
use tandem_store::people::PeopleFilter;
use tandem_store::{Db, InstitutionScope};
use utoipa::IntoParams;

use crate::AppError;
use tandem_core::policy::{Action, Target, View};

/// The largest page the API serves.
pub const MAX_PER_PAGE: i64 = 200;
pub const DEFAULT_PER_PAGE: i64 = 50;

/// An institution by slug, or 404.
pub async fn institution(db: &Db, slug: &str) -> Result<(Institution, InstitutionScope), AppError> {
    let institution = tandem_store::institutions::by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = InstitutionScope::of(&institution);
    Ok((institution, scope))
}

/// A person id from a path segment; anything unparsable simply finds nobody.
pub fn person_id(raw: &str) -> Result<PersonId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// Directory filters and paging, as they arrive in a query string. Every
/// field is text so that a bad value gets a message naming the field.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Free text matched against name, e-mail and interests.
    pub q: Option<String>,
    /// A division id (see the divisions endpoint).
    pub division: Option<String>,
    /// lecturer, assistant_professor, associate_professor or professor.
    pub rank: Option<String>,
    /// teacher, educator, investigator, scientist or administrator.
    pub stream: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<String>,
    /// Results per page, 1 to 200 (default 50).
    pub per_page: Option<String>,
}

/// Parsed filters with the page to show.
pub struct DirectoryRequest {
    pub filter: PeopleFilter,
    pub page: i64,
    pub per_page: i64,
}

impl DirectoryRequest {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn number(field: &str, raw: Option<&str>, default: i64, max: i64) -> Result<i64, AppError> {
    match raw {
        None => Ok(default),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(AppError::BadRequest(format!(
                "invalid {field} {s:?}: expected a whole number from 1 to {max}"
            ))),
        },
    }
}

impl PeopleQuery {
    pub fn parse(&self) -> Result<DirectoryRequest, AppError> {
        let division = present(&self.division)
            .map(|d| {
                d.parse::<uuid::Uuid>().map(DivisionId).map_err(|_| {
                    AppError::BadRequest(format!("invalid division {d:?}: expected a division id"))
                })
            })
            .transpose()?;
        let text = present(&self.q).map(str::to_string);
        if text.as_deref().is_some_and(|t| t.chars().count() > 200) {
            return Err(AppError::BadRequest(
                "invalid q: expected at most 200 characters".into(),
            ));
        }
        Ok(DirectoryRequest {
            filter: PeopleFilter {
                division,
                rank: present(&self.rank).map(Rank::parse).transpose()?,
                stream: present(&self.stream).map(Stream::parse).transpose()?,
                text,
            },
            page: number("page", present(&self.page), 1, 1_000_000)?,
            per_page: number(
                "per_page",
                present(&self.per_page),
                DEFAULT_PER_PAGE,
                MAX_PER_PAGE,
            )?,
        })
    }
}

/// A profile with the names it refers to, and how much of it may be shown.
pub struct ProfileView {
    pub view: tandem_core::policy::View,
    pub person: tandem_domain::PersonProfile,
    pub department: String,
    pub division: String,
    pub supervisor: Option<PersonRef>,
    pub resource_controller: Option<PersonRef>,
    pub direct_reports: Vec<PersonRef>,
}

use tandem_store::people::PersonRef;

async fn person_ref(
    db: &Db,
    scope: &InstitutionScope,
    id: Option<PersonId>,
) -> Result<Option<PersonRef>, AppError> {
    let Some(id) = id else { return Ok(None) };
    Ok(tandem_store::people::get(db, scope, id)
        .await?
        .map(|p| PersonRef {
            id: p.id,
            name: p.display_name(),
        }))
}

/// Everything a profile shows for `person`, limited to what `view` allows:
/// short of the full view, no HR identifier and no resource controller.
async fn profile_view(
    db: &Db,
    scope: &InstitutionScope,
    mut person: tandem_domain::PersonProfile,
    view: View,
) -> Result<ProfileView, AppError> {
    let full = view == View::Full;
    if !full {
        person.employee_id = String::new();
    }
    let department = tandem_store::units::departments(db, scope)
        .await?
        .into_iter()
        .find(|d| d.id == person.department_id)
        .map(|d| d.name)
        .unwrap_or_default();
    let division = tandem_store::units::divisions(db, scope)
        .await?
        .into_iter()
        .find(|d| d.id == person.division_id)
        .map(|d| d.name)
        .unwrap_or_default();
    let supervisor = person_ref(db, scope, person.supervisor_id).await?;
    let resource_controller = match full {
        true => person_ref(db, scope, person.resource_controller_id).await?,
        false => None,
    };
    let direct_reports = tandem_store::people::direct_reports(db, scope, person.id).await?;
    Ok(ProfileView {
        view,
        person,
        department,
        division,
        supervisor,
        resource_controller,
        direct_reports,
    })
}

/// The institution of a directory route and its scope, once the policy
/// allows the actor to browse it.
pub async fn browsable_institution(
    state: &crate::AppState,
    actor: &crate::guard::Actor,
    slug: &str,
) -> Result<(Institution, InstitutionScope), AppError> {
    let (institution, scope) = self::institution(&state.db, slug).await?;
    crate::authz::authorize(
        state,
        actor,
        Action::ReadDirectory,
        Target::institution(institution.id),
    )
    .await?;
    Ok((institution, scope))
}

/// A profile the actor may open, with only the fields their view allows.
pub async fn authorized_profile(
    state: &crate::AppState,
    actor: &crate::guard::Actor,
    slug: &str,
    id: &str,
) -> Result<(Institution, ProfileView), AppError> {
    let (institution, scope) = self::institution(&state.db, slug).await?;
    let Ok(id) = person_id(id) else {
        crate::authz::authorize(
            state,
            actor,
            Action::ReadDirectory,
            Target::institution(institution.id),
        )
        .await?;
        return Err(AppError::NotFound);
    };
    let Some(person) = tandem_store::people::get(&state.db, &scope, id).await? else {
        // Nobody by that id here: "not found", unless the actor may not
        // even browse this institution, which the policy answers first.
        crate::authz::authorize(
            state,
            actor,
            Action::ReadDirectory,
            Target::institution(institution.id),
        )
        .await?;
        return Err(AppError::NotFound);
    };
    let view =
        crate::authz::authorize(state, actor, Action::ReadProfile, Target::person(&person)).await?;
    Ok((
        institution,
        profile_view(&state.db, &scope, person, view).await?,
    ))
}

/// A division whose aggregate picture the caller may see (the policy's
/// `ReadUnitSummary`); an unknown division answers 404 after the caller
/// was checked against the institution, so it says nothing to outsiders.
pub async fn summary_division(
    state: &crate::AppState,
    actor: &crate::guard::Actor,
    slug: &str,
    raw_id: &str,
) -> Result<(Institution, tandem_store::units::Division), AppError> {
    use tandem_core::policy::{Action, Target};
    let (institution, scope) = institution(&state.db, slug).await?;
    let division = match raw_id.parse::<uuid::Uuid>() {
        Ok(uuid) => tandem_store::units::divisions(&state.db, &scope)
            .await?
            .into_iter()
            .find(|d| d.id.0 == uuid),
        Err(_) => None,
    };
    let Some(division) = division else {
        crate::authz::authorize(
            state,
            actor,
            Action::ReadInstitution,
            Target::institution(institution.id),
        )
        .await?;
        return Err(AppError::NotFound);
    };
    crate::authz::authorize(
        state,
        actor,
        Action::ReadUnitSummary,
        Target::division(institution.id, division.department_id, division.id),
    )
    .await?;
    Ok((institution, division))
}
