//! Administration pages: the permissions table and the audit log.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use tandem_core::policy::{Action, POLICY, Target, Who};
use tandem_domain::Institution;
use tandem_domain::Role;

use super::{Nav, PageError, render};
use crate::authz::authorize;
use crate::guard::Actor;
use crate::{AppError, AppState};

pub struct PermissionRow {
    pub action: &'static str,
    /// One cell per column: what the role may do, or empty.
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "permissions.html")]
struct PermissionsTemplate {
    nav: Nav,
    columns: Vec<&'static str>,
    rows: Vec<PermissionRow>,
}

/// The policy table as people read it: one row per action, one column per
/// role, each cell saying on what and with what view.
pub async fn permissions(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Response, PageError> {
    let target = match &actor.0.institution {
        Some(i) => Target::institution(i.id),
        None => Target::default(),
    };
    authorize(&state, &actor, Action::ReadPermissions, target).await?;
    let whos: Vec<Who> = std::iter::once(Who::Anyone)
        .chain(Role::ALL.iter().map(|r| Who::Role(*r)))
        .collect();
    let columns = whos
        .iter()
        .map(|w| match w {
            Who::Anyone => "Anyone signed in",
            Who::Role(r) => r.label(),
        })
        .collect();
    let rows = Action::ALL
        .iter()
        .map(|action| PermissionRow {
            action: action.label(),
            cells: whos
                .iter()
                .map(|who| {
                    POLICY
                        .iter()
                        .filter(|r| r.action == *action && r.who == *who)
                        .map(|r| {
                            format!("{} ({:?} view)", r.relation.label(), r.view).to_lowercase()
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .collect(),
        })
        .collect();
    Ok(render(&PermissionsTemplate {
        nav: Nav::for_actor(&actor),
        columns,
        rows,
    }))
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub resource: String,
    pub outcome: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditTemplate {
    nav: Nav,
    rows: Vec<AuditRow>,
}

pub async fn audit(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    let institution = actor.0.institution.clone().ok_or(AppError::Forbidden)?;
    authorize(
        &state,
        &actor,
        Action::ReadAudit,
        Target::institution(institution.id),
    )
    .await?;
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let entries = tandem_store::audit::recent(&state.db, institution.id, 200).await?;
    let accounts = tandem_store::accounts::list(&state.db, Some(institution.id)).await?;
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: e.at.format(&format).unwrap_or_default(),
            actor: e
                .event
                .actor
                .and_then(|a| {
                    accounts
                        .iter()
                        .find(|x| x.id == a)
                        .map(|x| x.username.clone())
                })
                .unwrap_or_else(|| "-".into()),
            action: e.event.action,
            resource: e.event.resource,
            outcome: e.event.outcome,
            detail: e.event.detail,
        })
        .collect();
    Ok(render(&AuditTemplate {
        nav: Nav::for_actor(&actor),
        rows,
    }))
}

pub struct AccountRow {
    pub id: String,
    pub username: String,
    pub person: String,
    pub roles: Vec<(String, String, String)>,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsTemplate {
    nav: Nav,
    institution: Institution,
    accounts: Vec<AccountRow>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<String>,
    message: Option<String>,
    error: Option<String>,
    institutions: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct InstitutionQuery {
    #[serde(default)]
    institution: Option<String>,
}

/// The institution an accounts page or action is about: the admin's own,
/// or for the system operator the one named in the query.
async fn managed_institution(
    state: &AppState,
    actor: &Actor,
    query: &InstitutionQuery,
) -> Result<Institution, AppError> {
    let institution = match (&actor.0.institution, &query.institution) {
        (Some(own), None) => own.clone(),
        (_, Some(slug)) => crate::directory::institution(&state.db, slug).await?.0,
        (None, None) => {
            let first = tandem_store::institutions::list(&state.db)
                .await?
                .into_iter()
                .next();
            first.ok_or(AppError::NotFound)?
        }
    };
    authorize(
        state,
        actor,
        Action::ManageAccounts,
        Target::institution(institution.id),
    )
    .await?;
    Ok(institution)
}

async fn accounts_page(
    state: &AppState,
    actor: &Actor,
    institution: Institution,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let scope = tandem_store::InstitutionScope::of(&institution);
    // Who an account belongs to is people data: shown only to callers the
    // policy lets read the directory in full (not the system operator).
    let may_read_people = matches!(
        tandem_core::policy::decide(
            &actor.0,
            Action::ReadDirectory,
            &Target::institution(institution.id),
            false
        ),
        tandem_core::policy::Decision::Allow(tandem_core::policy::View::Full)
    );
    let people = if may_read_people {
        tandem_store::people::all(&state.db, &scope).await?
    } else {
        Vec::new()
    };
    let divisions = tandem_store::units::divisions(&state.db, &scope).await?;
    let departments = tandem_store::units::departments(&state.db, &scope).await?;
    let unit_name = |unit: tandem_domain::UnitScope| match unit {
        tandem_domain::UnitScope::Institution => String::new(),
        tandem_domain::UnitScope::Department(id) => departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        tandem_domain::UnitScope::Division(id) => divisions
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
    };
    let mut accounts = Vec::new();
    for a in tandem_store::accounts::list(&state.db, Some(institution.id)).await? {
        let grants = tandem_store::accounts::grants(&state.db, a.id).await?;
        accounts.push(AccountRow {
            id: a.id.to_string(),
            person: match a.person_id {
                Some(p) if may_read_people => people
                    .iter()
                    .find(|x| x.id == p)
                    .map(|p| format!("{} ({})", p.display_name(), p.employee_id))
                    .unwrap_or_default(),
                Some(_) => "Linked to a person".into(),
                None => String::new(),
            },
            username: a.username,
            roles: grants
                .iter()
                .map(|g| {
                    (
                        g.role.code().to_string(),
                        g.role.label().to_string(),
                        unit_name(g.unit),
                    )
                })
                .collect(),
            disabled: a.disabled,
        });
    }
    let mut units: Vec<String> = departments.iter().map(|d| d.name.clone()).collect();
    units.extend(divisions.iter().map(|d| d.name.clone()));
    let institutions = if actor.0.institution.is_none() {
        tandem_store::institutions::list(&state.db)
            .await?
            .into_iter()
            .map(|i| (i.slug.to_string(), i.name))
            .collect()
    } else {
        Vec::new()
    };
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let page = AccountsTemplate {
        nav: Nav::for_actor(actor),
        institution,
        accounts,
        roles: Role::ALL
            .iter()
            .filter(|r| !r.is_global())
            .map(|r| (r.code(), r.label()))
            .collect(),
        units,
        message,
        error,
        institutions,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn accounts(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<InstitutionQuery>,
) -> Result<Response, PageError> {
    let institution = managed_institution(&state, &actor, &query).await?;
    accounts_page(&state, &actor, institution, None, None).await
}

#[derive(serde::Deserialize)]
pub struct CreateAccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    employee_id: String,
}

pub async fn create_account(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<InstitutionQuery>,
    Form(form): Form<CreateAccountForm>,
) -> Result<Response, PageError> {
    let institution = managed_institution(&state, &actor, &query).await?;
    let password = tandem_core::admin::generate_password();
    let hash = state
        .auth
        .hasher
        .hash(&password)
        .await
        .map_err(AppError::from)?;
    let employee = Some(form.employee_id.trim()).filter(|e| !e.is_empty());
    let result = tandem_core::admin::create_account(
        &state.db,
        Some(&institution),
        employee,
        &form.username,
        &hash,
        Some(actor.0.account),
        state.auth.clock.now(),
    )
    .await;
    match result {
        Ok(_) => {
            let message = format!(
                "Created {}. Temporary password, shown once: {password}",
                tandem_core::auth::normalise_username(&form.username)
            );
            accounts_page(&state, &actor, institution, Some(message), None).await
        }
        Err(e) => admin_error(&state, &actor, institution, e).await,
    }
}

async fn admin_error(
    state: &AppState,
    actor: &Actor,
    institution: Institution,
    e: tandem_core::admin::AdminError,
) -> Result<Response, PageError> {
    use tandem_core::admin::AdminError;
    match e {
        AdminError::Store(s) => Err(AppError::from(s).into()),
        AdminError::Auth(a) => Err(AppError::from(a).into()),
        other => accounts_page(state, actor, institution, None, Some(other.to_string())).await,
    }
}

/// The account an action is about, once the actor may manage its
/// institution's accounts.
async fn managed_account(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<(tandem_store::accounts::Account, Institution), AppError> {
    let id: tandem_domain::AccountId = id.parse().map_err(|_| AppError::NotFound)?;
    let account = tandem_store::accounts::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let institution_id = account.institution_id.ok_or(AppError::NotFound)?;
    let institution = tandem_store::institutions::by_id(&state.db, institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(
        state,
        actor,
        Action::ManageAccounts,
        Target::institution(institution.id),
    )
    .await?;
    Ok((account, institution))
}

#[derive(serde::Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

async fn change_role(
    state: AppState,
    actor: Actor,
    id: String,
    form: RoleForm,
    grant: bool,
) -> Result<Response, PageError> {
    let (account, institution) = managed_account(&state, &actor, &id).await?;
    let role = match Role::parse(&form.role) {
        Ok(r) if !r.is_global() => r,
        _ => {
            let error = format!("invalid role {:?}: {}", form.role, Role::expected());
            return accounts_page(&state, &actor, institution, None, Some(error)).await;
        }
    };
    let unit = Some(form.unit.trim()).filter(|u| !u.is_empty());
    let now = state.auth.clock.now();
    let result = if grant {
        tandem_core::admin::grant_role(
            &state.db,
            &account.username,
            role,
            unit,
            Some(actor.0.account),
            now,
        )
        .await
    } else {
        tandem_core::admin::revoke_role(
            &state.db,
            &account.username,
            role,
            unit,
            Some(actor.0.account),
            now,
        )
        .await
    };
    match result {
        Ok(changed) => {
            let verb = if grant { "Granted" } else { "Revoked" };
            let message = if changed {
                format!("{verb} {} for {}.", role.label(), account.username)
            } else {
                format!("Nothing to change for {}.", account.username)
            };
            accounts_page(&state, &actor, institution, Some(message), None).await
        }
        Err(e) => admin_error(&state, &actor, institution, e).await,
    }
}

pub async fn grant_role(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    change_role(state, actor, id, form, true).await
}

pub async fn revoke_role(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    change_role(state, actor, id, form, false).await
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

/// Actions that end someone's sessions ask for an explicit confirmation.
async fn confirmed(
    state: &AppState,
    actor: &Actor,
    institution: &Institution,
    form: &ConfirmForm,
) -> Result<Option<Response>, PageError> {
    if form.confirm == "yes" {
        return Ok(None);
    }
    let error =
        "Tick the confirmation box first: this signs the person out everywhere.".to_string();
    Ok(Some(
        accounts_page(state, actor, institution.clone(), None, Some(error)).await?,
    ))
}

pub async fn reset_password(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    let (account, institution) = managed_account(&state, &actor, &id).await?;
    if let Some(page) = confirmed(&state, &actor, &institution, &form).await? {
        return Ok(page);
    }
    let password = tandem_core::admin::generate_password();
    let now = state.auth.clock.now();
    if let Err(e) = tandem_core::admin::reset_password(
        &state.db,
        &state.auth.hasher,
        &account.username,
        &password,
        Some(actor.0.account),
        now,
    )
    .await
    {
        return admin_error(&state, &actor, institution, e).await;
    }
    let message = format!(
        "Password of {} reset; their sessions have ended. Temporary password, shown once: {password}",
        account.username
    );
    accounts_page(&state, &actor, institution, Some(message), None).await
}

async fn set_disabled(
    state: AppState,
    actor: Actor,
    id: String,
    form: ConfirmForm,
    disabled: bool,
) -> Result<Response, PageError> {
    let (account, institution) = managed_account(&state, &actor, &id).await?;
    if disabled && let Some(page) = confirmed(&state, &actor, &institution, &form).await? {
        return Ok(page);
    }
    if disabled && account.id == actor.0.account {
        let error = "You cannot disable your own account.".to_string();
        return accounts_page(&state, &actor, institution, None, Some(error)).await;
    }
    if let Err(e) = tandem_core::admin::set_disabled(
        &state.db,
        &account.username,
        disabled,
        Some(actor.0.account),
        state.auth.clock.now(),
    )
    .await
    {
        return admin_error(&state, &actor, institution, e).await;
    }
    let message = format!(
        "{} {}.",
        if disabled { "Disabled" } else { "Enabled" },
        account.username
    );
    accounts_page(&state, &actor, institution, Some(message), None).await
}

pub async fn disable(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    set_disabled(state, actor, id, form, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    set_disabled(state, actor, id, form, false).await
}
