//! Applying the policy in handlers: one call per object, denials audited.

use tandem_core::policy::{self, Action, Decision, Target, View};
use tandem_store::audit::AuditEvent;

use crate::guard::Actor;
use crate::{AppError, AppState};

/// Asks the policy; a denial is written to the audit log and becomes 403,
/// or 404 when the object belongs to another institution.
pub async fn authorize(
    state: &AppState,
    actor: &Actor,
    action: Action,
    target: Target,
) -> Result<View, AppError> {
    // No relationships exist yet, so nobody is paired with anyone.
    let paired = false;
    let decision = policy::decide(&actor.0, action, &target, paired);
    match decision {
        Decision::Allow(view) => Ok(view),
        Decision::Deny | Decision::Invisible => {
            let event = AuditEvent {
                institution_id: actor.0.institution.as_ref().map(|i| i.id),
                actor: Some(actor.0.account),
                action: "authorization_denied".into(),
                resource: format!("{action:?}"),
                outcome: "denied".into(),
                detail: describe(&target),
            };
            tandem_store::audit::append(&state.db, &event, state.auth.clock.now()).await?;
            Err(if decision == Decision::Invisible {
                AppError::NotFound
            } else {
                AppError::Forbidden
            })
        }
    }
}

fn describe(target: &Target) -> String {
    let mut parts = Vec::new();
    if let Some(i) = target.institution {
        parts.push(format!("institution:{i}"));
    }
    if let Some(d) = target.division {
        parts.push(format!("division:{d}"));
    }
    if let Some(p) = target.person {
        parts.push(format!("person:{p}"));
    }
    parts.join(" ")
}

/// Writes a change the caller made to the audit log.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    action: &str,
    resource: String,
    detail: String,
) -> Result<(), AppError> {
    let event = AuditEvent {
        institution_id: actor.0.institution.as_ref().map(|i| i.id),
        actor: Some(actor.0.account),
        action: action.into(),
        resource,
        outcome: "ok".into(),
        detail,
    };
    tandem_store::audit::append(&state.db, &event, state.auth.clock.now()).await?;
    Ok(())
}
