//! Administration pages: the permissions table and the audit log.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tandem_core::policy::{Action, POLICY, Target, Who};
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
