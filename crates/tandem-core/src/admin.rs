//! Account administration: create accounts, grant and revoke roles, reset
//! passwords, disable. Used by `tandem admin ...` and the demo; every
//! change is written to the audit log.

use tandem_domain::{AccountId, Grant, Institution, Role, UnitScope, ValueError};
use tandem_store::accounts::{Account, NewAccount};
use tandem_store::audit::AuditEvent;
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;

use crate::auth::{AuthError, PasswordHasherPool, normalise_username};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("no account {0:?}")]
    UnknownAccount(String),
    #[error("no employee {0:?} in {1}")]
    UnknownEmployee(String, String),
    #[error("no unit named {0:?} in {1}")]
    UnknownUnit(String, String),
    #[error("an account named {0:?} already exists, or that person already has an account")]
    AccountExists(String),
    #[error("invalid username {0:?}: expected 3-100 characters without spaces")]
    BadUsername(String),
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn check_username(raw: &str) -> Result<String, AdminError> {
    let u = normalise_username(raw);
    let ok = (3..=100).contains(&u.chars().count())
        && !u.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(u)
    } else {
        Err(AdminError::BadUsername(raw.to_string()))
    }
}

async fn audit(
    db: &Db,
    institution: Option<&Institution>,
    actor: Option<AccountId>,
    action: &str,
    resource: String,
    detail: String,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tandem_store::audit::append(
        db,
        &AuditEvent {
            institution_id: institution.map(|i| i.id),
            actor,
            action: action.into(),
            resource,
            outcome: "ok".into(),
            detail,
        },
        now,
    )
    .await
    .map(|_| ())
}

/// Creates an account, in an institution (optionally linked to the person
/// with `employee_id`) or, with no institution, for a system operator.
/// `password_hash` comes from [`PasswordHasherPool::hash`].
pub async fn create_account(
    db: &Db,
    institution: Option<&Institution>,
    employee_id: Option<&str>,
    username: &str,
    password_hash: &str,
    actor: Option<AccountId>,
    now: OffsetDateTime,
) -> Result<AccountId, AdminError> {
    let username = check_username(username)?;
    let person_id = match (institution, employee_id) {
        (Some(inst), Some(e)) => {
            let people = tandem_store::people::all(db, &InstitutionScope::of(inst)).await?;
            let person = people
                .iter()
                .find(|p| p.employee_id == e)
                .ok_or_else(|| AdminError::UnknownEmployee(e.to_string(), inst.slug.to_string()))?;
            Some(person.id)
        }
        _ => None,
    };
    let new = NewAccount {
        institution_id: institution.map(|i| i.id),
        person_id,
        username: &username,
        password_hash,
    };
    let id = match tandem_store::accounts::create(db, new, now).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => return Err(AdminError::AccountExists(username)),
        Err(e) => return Err(e.into()),
    };
    audit(
        db,
        institution,
        actor,
        "account_created",
        format!("account:{username}"),
        String::new(),
        now,
    )
    .await?;
    Ok(id)
}

pub async fn account(db: &Db, username: &str) -> Result<Account, AdminError> {
    tandem_store::accounts::by_username(db, &normalise_username(username))
        .await?
        .ok_or_else(|| AdminError::UnknownAccount(username.to_string()))
}

/// Resolves a unit by name (case-insensitive): a division first, then a
/// department.
pub async fn unit_by_name(
    db: &Db,
    institution: &Institution,
    name: &str,
) -> Result<UnitScope, AdminError> {
    let scope = InstitutionScope::of(institution);
    let wanted = name.trim().to_lowercase();
    if let Some(d) = tandem_store::units::divisions(db, &scope)
        .await?
        .into_iter()
        .find(|d| d.name.to_lowercase() == wanted)
    {
        return Ok(UnitScope::Division(d.id));
    }
    if let Some(d) = tandem_store::units::departments(db, &scope)
        .await?
        .into_iter()
        .find(|d| d.name.to_lowercase() == wanted)
    {
        return Ok(UnitScope::Department(d.id));
    }
    Err(AdminError::UnknownUnit(
        name.to_string(),
        institution.slug.to_string(),
    ))
}

/// The institution an account belongs to (None for the system operator).
async fn institution_of(db: &Db, account: &Account) -> Result<Option<Institution>, StoreError> {
    match account.institution_id {
        Some(id) => tandem_store::institutions::by_id(db, id).await,
        None => Ok(None),
    }
}

/// Builds the grant for `role` on an account, checking its shape.
pub async fn grant_for(
    db: &Db,
    account: &Account,
    role: Role,
    unit: Option<&str>,
) -> Result<Grant, AdminError> {
    let institution = institution_of(db, account).await?;
    let unit = match (unit, &institution) {
        (Some(name), Some(inst)) => unit_by_name(db, inst, name).await?,
        _ => UnitScope::Institution,
    };
    Ok(Grant::new(role, institution.map(|i| i.id), unit)?)
}

pub async fn grant_role(
    db: &Db,
    username: &str,
    role: Role,
    unit: Option<&str>,
    actor: Option<AccountId>,
    now: OffsetDateTime,
) -> Result<bool, AdminError> {
    let account = account(db, username).await?;
    let grant = grant_for(db, &account, role, unit).await?;
    let added = tandem_store::accounts::grant(db, account.id, grant, now).await?;
    let institution = institution_of(db, &account).await?;
    if added {
        audit(
            db,
            institution.as_ref(),
            actor,
            "role_granted",
            format!("account:{}", account.username),
            role.code().into(),
            now,
        )
        .await?;
    }
    Ok(added)
}

pub async fn revoke_role(
    db: &Db,
    username: &str,
    role: Role,
    unit: Option<&str>,
    actor: Option<AccountId>,
    now: OffsetDateTime,
) -> Result<bool, AdminError> {
    let account = account(db, username).await?;
    let grant = grant_for(db, &account, role, unit).await?;
    let removed = tandem_store::accounts::revoke(db, account.id, grant).await?;
    let institution = institution_of(db, &account).await?;
    if removed {
        audit(
            db,
            institution.as_ref(),
            actor,
            "role_revoked",
            format!("account:{}", account.username),
            role.code().into(),
            now,
        )
        .await?;
    }
    Ok(removed)
}

/// Sets a new password; the account's sessions end.
pub async fn reset_password(
    db: &Db,
    hasher: &PasswordHasherPool,
    username: &str,
    password: &str,
    actor: Option<AccountId>,
    now: OffsetDateTime,
) -> Result<(), AdminError> {
    let account = account(db, username).await?;
    let hash = hasher.hash(password).await?;
    tandem_store::accounts::set_password(db, account.id, &hash, now).await?;
    let institution = institution_of(db, &account).await?;
    audit(
        db,
        institution.as_ref(),
        actor,
        "password_reset",
        format!("account:{}", account.username),
        String::new(),
        now,
    )
    .await?;
    Ok(())
}

/// Disables (or re-enables) an account; its sessions and tokens stop working
/// on their next request.
pub async fn set_disabled(
    db: &Db,
    username: &str,
    disabled: bool,
    actor: Option<AccountId>,
    now: OffsetDateTime,
) -> Result<(), AdminError> {
    let account = account(db, username).await?;
    tandem_store::accounts::set_disabled(db, account.id, disabled, now).await?;
    let institution = institution_of(db, &account).await?;
    let action = if disabled {
        "account_disabled"
    } else {
        "account_enabled"
    };
    audit(
        db,
        institution.as_ref(),
        actor,
        action,
        format!("account:{}", account.username),
        String::new(),
        now,
    )
    .await?;
    Ok(())
}

/// A random password for `reset-password` without one given: 20 characters
/// from an unambiguous alphabet (about 112 bits).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    crate::auth::random_bytes::<20>()
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}
