//! Signing in and staying signed in.
//!
//! Passwords are hashed with Argon2id (19 MiB, 2 passes, 1 lane: OWASP's
//! minimum) and verified on a few threads of their own, at a lower
//! priority in the server (see `hashing`), so a burst of sign-ins cannot
//! starve other requests. An unknown account costs the
//! same verification as a wrong password, and both get the same answer.
//! Sessions live in the database (any instance can serve any request) and
//! only their hashes are stored.

use std::sync::Arc;

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tandem_domain::{AccountId, Grant, Institution, PersonId};
use tandem_store::accounts::Account;
use tandem_store::audit::AuditEvent;
use tandem_store::{Db, StoreError};
use time::{Duration, OffsetDateTime};

use crate::clock::Clock;

mod hashing;
pub use hashing::{HashingPriority, PasswordHasherPool};

/// Session and sign-in limits.
#[derive(Debug, Clone, Copy)]
pub struct AuthSettings {
    /// A session unused this long ends (default 30 min).
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in whatever happens (default 12 h).
    pub absolute_timeout: Duration,
    /// Sign-in attempts allowed per address per minute; the next gets 429.
    pub attempts_per_address_per_minute: i64,
    /// Failed attempts on one account before delays start growing.
    pub free_failures_per_account: i64,
    /// The longest delay imposed on one account.
    pub max_account_delay: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            attempts_per_address_per_minute: 6,
            free_failures_per_account: 5,
            max_account_delay: Duration::minutes(15),
        }
    }
}

/// The smallest password Tandem accepts.
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Wrong password, unknown account or disabled account: deliberately
    /// one case, so the answer does not reveal which.
    #[error("The username or password is not right.")]
    InvalidCredentials,
    #[error("too many sign-in attempts; try again in {retry_after_seconds} s")]
    TooManyAttempts { retry_after_seconds: i64 },
    #[error("{0}")]
    WeakPassword(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// Random bytes from the operating system's generator, via a CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A URL-safe random token (256 bits).
pub fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// The stored form of a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Length rules only (NIST 800-63B): at least 12 characters, at most 256.
pub fn check_password_rules(password: &str) -> Result<(), AuthError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AuthError::WeakPassword(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(AuthError::WeakPassword(format!(
            "a password may have at most {MAX_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// Usernames are compared case-insensitively.
pub fn normalise_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// What a successful sign-in hands back: the session token (for the
/// cookie) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub account: AccountId,
}

/// Who is making a request, with everything the policy needs.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account: AccountId,
    pub username: String,
    pub institution: Option<Institution>,
    pub person: Option<PersonId>,
    pub grants: Vec<Grant>,
    /// Present for browser sessions: the token every form must echo.
    pub csrf_token: Option<String>,
    /// The session's stored hash (None for API tokens), for sign-out.
    pub session_hash: Option<String>,
}

pub struct Auth {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasherPool,
    pub settings: AuthSettings,
}

/// A fresh session for `account` and the hash of its token (what is stored).
fn new_session(account: &Account) -> (NewSession, String) {
    let token = new_token();
    let hash = token_hash(&token);
    (
        NewSession {
            token,
            csrf_token: new_token(),
            account: account.id,
        },
        hash,
    )
}

impl Auth {
    /// Refuses with 429 when the address or the account has tried too
    /// often. Checked before the password is looked at.
    async fn check_rate_limits(
        &self,
        address_key: &str,
        account_key: &str,
        now: OffsetDateTime,
    ) -> Result<(), AuthError> {
        let recent = tandem_store::sessions::attempts_since(
            &self.db,
            address_key,
            now - Duration::minutes(1),
        )
        .await?;
        if recent >= self.settings.attempts_per_address_per_minute {
            return Err(AuthError::TooManyAttempts {
                retry_after_seconds: 60,
            });
        }
        let (failures, last_failure) =
            tandem_store::sessions::failures_since_success(&self.db, account_key).await?;
        let over = failures - self.settings.free_failures_per_account;
        if over >= 0
            && let Some(last) = last_failure
        {
            // 1 s after the 5th failure, doubling with each further one.
            let delay =
                Duration::seconds(1i64 << over.min(20)).min(self.settings.max_account_delay);
            let wait = (last + delay) - now;
            if wait > Duration::ZERO {
                return Err(AuthError::TooManyAttempts {
                    retry_after_seconds: wait.whole_seconds().max(1),
                });
            }
        }
        Ok(())
    }

    /// Signs in with a username and password from `address`.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> Result<NewSession, AuthError> {
        let now = self.clock.now();
        let username = normalise_username(username);
        let address_key = format!("address:{address}");
        let account_key = format!("account:{username}");
        if let Err(e) = self
            .check_rate_limits(&address_key, &account_key, now)
            .await
        {
            tandem_store::sessions::record_attempt(&self.db, &[&address_key], false, now).await?;
            return Err(e);
        }
        let account = tandem_store::accounts::by_username(&self.db, &username).await?;
        let password_ok = self
            .hasher
            .verify(password, account.as_ref().map(|a| a.password_hash.as_str()))
            .await?;
        let usable = account.as_ref().filter(|a| password_ok && !a.disabled);
        // The attempt, the session and the audit entry in one commit: three
        // separate commits per sign-in were most of what a wave of sign-ins
        // cost other writers on SQLite (measured: docs/PERFORMANCE.md, Load).
        let mut tx = self.db.begin().await?;
        tandem_store::sessions::record_attempt_in(
            &mut tx,
            &[&address_key, &account_key],
            usable.is_some(),
            now,
        )
        .await?;
        let Some(account) = usable else {
            let event = AuditEvent {
                institution_id: account.as_ref().and_then(|a| a.institution_id),
                actor: account.as_ref().map(|a| a.id),
                action: "sign_in".into(),
                resource: format!("account:{username}"),
                outcome: "failed".into(),
                detail: format!("from {address}"),
            };
            tandem_store::audit::append_in(&mut tx, &event, now).await?;
            tx.commit().await?;
            return Err(AuthError::InvalidCredentials);
        };
        let (session, hash) = new_session(account);
        tandem_store::sessions::create_in(
            &mut tx,
            &hash,
            account.id,
            &session.csrf_token,
            account.credentials_version,
            now,
        )
        .await?;
        let event = AuditEvent {
            institution_id: account.institution_id,
            actor: Some(account.id),
            action: "sign_in".into(),
            resource: format!("account:{username}"),
            outcome: "ok".into(),
            detail: format!("from {address}"),
        };
        tandem_store::audit::append_in(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(session)
    }

    async fn start_session(
        &self,
        account: &Account,
        now: OffsetDateTime,
    ) -> Result<NewSession, AuthError> {
        let (session, hash) = new_session(account);
        tandem_store::sessions::create(
            &self.db,
            &hash,
            account.id,
            &session.csrf_token,
            account.credentials_version,
            now,
        )
        .await?;
        Ok(session)
    }

    /// The principal behind a session token, or None when the session has
    /// ended, timed out, or its account was disabled or changed password.
    pub async fn from_session(&self, token: &str) -> Result<Option<Principal>, StoreError> {
        let now = self.clock.now();
        let hash = token_hash(token);
        let Some(session) = tandem_store::sessions::find(&self.db, &hash).await? else {
            return Ok(None);
        };
        if session.ended
            || now - session.last_seen_at > self.settings.idle_timeout
            || now - session.created_at > self.settings.absolute_timeout
        {
            return Ok(None);
        }
        let Some(principal) = self
            .principal(session.account_id, Some(session.credentials_version))
            .await?
        else {
            return Ok(None);
        };
        // Record activity at most once a minute: enough for a 30-minute
        // idle limit, without a write on every request.
        if now - session.last_seen_at > Duration::minutes(1) {
            tandem_store::sessions::touch(&self.db, &hash, now).await?;
        }
        Ok(Some(Principal {
            csrf_token: Some(session.csrf_token),
            session_hash: Some(hash),
            ..principal
        }))
    }

    /// The principal behind a personal API token.
    pub async fn from_api_token(&self, token: &str) -> Result<Option<Principal>, StoreError> {
        let Some(account) =
            tandem_store::sessions::use_token(&self.db, &token_hash(token), self.clock.now())
                .await?
        else {
            return Ok(None);
        };
        self.principal(account, None).await
    }

    async fn principal(
        &self,
        account: AccountId,
        session_credentials: Option<i64>,
    ) -> Result<Option<Principal>, StoreError> {
        let Some(account) = tandem_store::accounts::by_id(&self.db, account).await? else {
            return Ok(None);
        };
        // A password change, reset or disable bumps the version: sessions
        // made before it stop working.
        if account.disabled || session_credentials.is_some_and(|v| v != account.credentials_version)
        {
            return Ok(None);
        }
        let institution = match account.institution_id {
            Some(id) => tandem_store::institutions::by_id(&self.db, id).await?,
            None => None,
        };
        let grants = tandem_store::accounts::grants(&self.db, account.id).await?;
        Ok(Some(Principal {
            account: account.id,
            username: account.username,
            institution,
            person: account.person_id,
            grants,
            csrf_token: None,
            session_hash: None,
        }))
    }

    /// Ends a session for good.
    pub async fn sign_out(&self, principal: &Principal) -> Result<(), StoreError> {
        if let Some(hash) = &principal.session_hash {
            tandem_store::sessions::end(&self.db, hash, self.clock.now()).await?;
        }
        Ok(())
    }

    /// Changes the principal's own password after checking the current one;
    /// every other session of the account ends. Returns a fresh session.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
    ) -> Result<NewSession, AuthError> {
        let account = tandem_store::accounts::by_id(&self.db, principal.account)
            .await?
            .ok_or(AuthError::InvalidCredentials)?;
        if !self
            .hasher
            .verify(current, Some(&account.password_hash))
            .await?
        {
            return Err(AuthError::InvalidCredentials);
        }
        let hash = self.hasher.hash(new).await?;
        let now = self.clock.now();
        tandem_store::accounts::set_password(&self.db, account.id, &hash, now).await?;
        let account = tandem_store::accounts::by_id(&self.db, account.id)
            .await?
            .ok_or(AuthError::InvalidCredentials)?;
        self.start_session(&account, now).await
    }

    /// Creates a personal API token; the token is returned once and only
    /// its hash is kept.
    pub async fn create_api_token(
        &self,
        principal: &Principal,
        name: &str,
    ) -> Result<(uuid::Uuid, String), StoreError> {
        let token = format!("tdm_{}", new_token());
        let id = tandem_store::sessions::create_token(
            &self.db,
            principal.account,
            name,
            &token_hash(&token),
            self.clock.now(),
        )
        .await?;
        Ok((id, token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules_are_about_length() {
        assert!(check_password_rules("short").is_err());
        assert!(check_password_rules("twelve chars").is_ok());
        assert!(check_password_rules(&"x".repeat(257)).is_err());
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let t = new_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, new_token());
        assert_eq!(token_hash(&t).len(), 64);
        assert_ne!(token_hash(&t), t);
    }
}
