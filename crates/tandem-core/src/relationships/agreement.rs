//! The agreement (M3): written from the program's template, signed by
//! both; any change is a new version both sign again; once a year (the
//! review date) both are asked to continue, which is signing it again, or
//! to end the relationship.

use serde::Serialize;
use tandem_domain::agreement::{AgreementTerms, REVIEW_AFTER_MONTHS, add_months};
use tandem_domain::{AgreementId, Institution, MentorshipId, PersonId, Side};
use tandem_store::agreements::{self as store, NewVersion, StoredAgreement};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::{Date, OffsetDateTime};

use super::{Mine, mine};
use crate::mentoring::MentoringError;

/// One version of a relationship's agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agreement {
    pub id: AgreementId,
    pub version: i32,
    pub terms: AgreementTerms,
    pub written_by: Side,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub mentee_signed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub mentor_signed_at: Option<OffsetDateTime>,
    /// When both are asked to continue or rematch.
    pub review_on: Date,
}

impl Agreement {
    pub fn signed_by(&self, side: Side) -> bool {
        match side {
            Side::Mentee => self.mentee_signed_at.is_some(),
            Side::Mentor => self.mentor_signed_at.is_some(),
        }
    }

    /// Both have signed this version.
    pub fn in_force(&self) -> bool {
        self.mentee_signed_at.is_some() && self.mentor_signed_at.is_some()
    }

    /// Its review date has come.
    pub fn review_due(&self, today: Date) -> bool {
        self.review_on <= today
    }
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn parse(stored: StoredAgreement) -> Result<Agreement, StoreError> {
    Ok(Agreement {
        terms: serde_json::from_str(&stored.terms_json).map_err(corrupt)?,
        id: stored.id,
        version: stored.version,
        written_by: stored.written_by,
        created_at: stored.created_at,
        mentee_signed_at: stored.mentee_signed_at,
        mentor_signed_at: stored.mentor_signed_at,
        review_on: stored.review_on,
    })
}

/// The program's template: its own, or Tandem's default.
pub async fn template(db: &Db, scope: &InstitutionScope) -> Result<AgreementTerms, StoreError> {
    match store::template(db, scope).await? {
        Some(json) => serde_json::from_str(&json).map_err(corrupt),
        None => Ok(AgreementTerms::default_template()),
    }
}

/// Saves the program's template. Goals are the pair's own, so a template
/// may leave them empty; everything else must be valid.
pub async fn save_template(
    db: &Db,
    scope: &InstitutionScope,
    terms: &AgreementTerms,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    let mut check = terms.clone();
    if check.goals.trim().is_empty() {
        check.goals = "(each pair's own)".into();
    }
    check
        .validate()
        .map_err(|e| MentoringError::Refused(e.to_string()))?;
    let json = serde_json::to_string(terms).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    store::save_template(db, scope, &json, now).await?;
    Ok(())
}

/// Every version, newest first.
pub async fn history(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
) -> Result<Vec<Agreement>, StoreError> {
    store::versions(db, scope, mentorship)
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// The terms a side starts editing from: the newest version, or the
/// program's template.
pub async fn draft(
    db: &Db,
    scope: &InstitutionScope,
    mentorship: MentorshipId,
) -> Result<AgreementTerms, StoreError> {
    match history(db, scope, mentorship).await?.into_iter().next() {
        Some(current) => Ok(current.terms),
        None => template(db, scope).await,
    }
}

fn active(mine: &Mine) -> Result<(), MentoringError> {
    if mine.relationship.state.is_active() {
        Ok(())
    } else {
        Err(MentoringError::Conflict(
            "The agreement can change only while the relationship is active.".into(),
        ))
    }
}

/// `person` writes a new version (the first, a change, or the yearly
/// renewal). It starts unsigned by both; the writer signs it next, like
/// the other side. The exit clause is always the program's.
pub async fn write(
    db: &Db,
    institution: &Institution,
    id: MentorshipId,
    person: PersonId,
    terms: AgreementTerms,
    now: OffsetDateTime,
) -> Result<Agreement, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let mine = mine(db, &scope, id, person).await?;
    active(&mine)?;
    let mut terms = terms;
    terms.exit_clause = template(db, &scope).await?.exit_clause;
    terms
        .validate()
        .map_err(|e| MentoringError::Refused(e.to_string()))?;
    let current = history(db, &scope, id).await?.into_iter().next();
    let version = current.map(|c| c.version).unwrap_or(0) + 1;
    let review_on = add_months(now.date(), REVIEW_AFTER_MONTHS.into());
    let json = serde_json::to_string(&terms).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let me = super::name_of(db, &scope, person).await?;
    let mut tx = db.begin().await?;
    let new_id = match store::insert_version_in(
        &mut tx,
        &scope,
        &NewVersion {
            mentorship: id,
            version,
            terms_json: &json,
            written_by: mine.side,
            review_on,
        },
        now,
    )
    .await
    {
        Ok(new_id) => new_id,
        Err(StoreError::Conflict(_)) => return Err(super::changed_meanwhile()),
        Err(e) => return Err(e.into()),
    };
    super::reminders::enqueue_review_in(&mut tx, institution, id, version, review_on, now).await?;
    crate::notify::notify_in(
        &mut tx,
        institution.id.0,
        mine.other(),
        &format!("{me} wrote version {version} of your mentoring agreement. Read it and sign."),
        &format!("/relationships/{id}/agreement"),
        &format!("agreement:{id}:v{version}:written"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Agreement {
        id: new_id,
        version,
        terms,
        written_by: mine.side,
        created_at: now,
        mentee_signed_at: None,
        mentor_signed_at: None,
        review_on,
    })
}

/// `person` signs `version`, which must still be the newest: signing
/// what one has read, never a version written meanwhile.
pub async fn sign(
    db: &Db,
    institution: &Institution,
    id: MentorshipId,
    person: PersonId,
    version: i32,
    now: OffsetDateTime,
) -> Result<Agreement, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let mine = mine(db, &scope, id, person).await?;
    active(&mine)?;
    if !store::sign(db, &scope, id, version, mine.side, now).await? {
        return Err(MentoringError::Conflict(
            "That is no longer the newest version of the agreement. Read the newest and sign it."
                .into(),
        ));
    }
    let current = history(db, &scope, id)
        .await?
        .into_iter()
        .next()
        .ok_or(MentoringError::NotFound)?;
    if current.in_force() {
        let me = super::name_of(db, &scope, person).await?;
        let mut tx = db.begin().await?;
        crate::notify::notify_in(
            &mut tx,
            institution.id.0,
            mine.other(),
            &format!("{me} signed version {version}: your agreement is in force."),
            &format!("/relationships/{id}/agreement"),
            &format!("agreement:{id}:v{version}:in-force"),
            now,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(current)
}
