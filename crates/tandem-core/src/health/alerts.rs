//! Keeping each relationship's last status, for trends and alerts: a
//! refresh assesses every active relationship (the program's view), writes
//! each status that changed by compare-and-set, and tells the facilitators
//! whose unit holds a relationship that has newly become at risk, once,
//! whichever instance saw it first (a first assessment, with nothing to
//! compare, alerts nobody). Alerts name no one and quote nothing:
//! the console shows the rest to those allowed to see it.

use tandem_domain::health::{Assessment, Status};
use tandem_domain::{Institution, PersonId, Relationship, Role, UnitScope};
use tandem_store::{Db, DbTx, InstitutionScope, StoreError};
use time::OffsetDateTime;

/// What a refresh found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub assessed: usize,
    pub changed: usize,
    pub newly_at_risk: usize,
}

/// Whether `unit` holds a person of `department` and `division`.
pub fn unit_holds(
    unit: UnitScope,
    department: tandem_domain::DepartmentId,
    division: tandem_domain::DivisionId,
) -> bool {
    match unit {
        UnitScope::Institution => true,
        UnitScope::Department(d) => d == department,
        UnitScope::Division(d) => d == division,
    }
}

/// A notice to facilitators: its words, where it leads, and its dedupe
/// key (each facilitator's own key adds their id).
pub(crate) struct Notice<'a> {
    pub body: &'a str,
    pub link: &'a str,
    pub key: &'a str,
}

/// Tells every facilitator whose unit holds `mentee`, inside `tx`.
pub(crate) async fn tell_facilitators_in(
    tx: &mut DbTx,
    db: &Db,
    institution: &Institution,
    mentee: PersonId,
    notice: Notice<'_>,
    now: OffsetDateTime,
) -> Result<usize, StoreError> {
    let scope = InstitutionScope::of(institution);
    let Some(person) = tandem_store::people::get(db, &scope, mentee).await? else {
        return Ok(0);
    };
    let mut told = 0;
    for (_, facilitator, grant) in
        tandem_store::accounts::holders_of(db, institution.id, Role::Facilitator).await?
    {
        let Some(facilitator) = facilitator else {
            continue;
        };
        if !unit_holds(grant.unit, person.department_id, person.division_id) {
            continue;
        }
        if crate::notify::notify_in(
            tx,
            institution.id.0,
            facilitator,
            notice.body,
            notice.link,
            &format!("{}:{facilitator}", notice.key),
            now,
        )
        .await?
        {
            told += 1;
        }
    }
    Ok(told)
}

/// Assesses every active relationship of `institution`, records what
/// changed and alerts on the newly at risk. Returns the assessments too.
pub async fn refresh(
    db: &Db,
    institution: &Institution,
    now: OffsetDateTime,
) -> Result<(Vec<(Relationship, Assessment)>, Refreshed), StoreError> {
    let scope = InstitutionScope::of(institution);
    let all = super::assess::program_view_all(db, &scope, now).await?;
    let stored: std::collections::BTreeMap<_, _> = tandem_store::health::statuses(db, &scope)
        .await?
        .into_iter()
        .map(|s| (s.mentorship_id, s))
        .collect();
    let mut done = Refreshed {
        assessed: all.len(),
        ..Refreshed::default()
    };
    // One transaction for every change: one durable commit per refresh.
    let mut tx = db.begin().await?;
    for (r, a) in &all {
        let was = stored.get(&r.id);
        let status = a.status.code();
        let factor = a.factor.map(|f| f.code());
        if was.is_some_and(|w| w.status == status && w.factor.as_deref() == factor) {
            continue;
        }
        let won = tandem_store::health::record_status_in(
            &mut tx,
            &scope,
            r.id,
            was.map(|w| w.status.as_str()),
            status,
            factor,
            now,
        )
        .await?;
        if !won {
            // Another instance recorded it first, and alerted if need be.
            continue;
        }
        done.changed += 1;
        // A change from a recorded status only: the first assessment of a
        // relationship (or of all, after an upgrade) alerts nobody.
        let newly = a.status == Status::AtRisk && was.is_some_and(|w| w.status != status);
        if newly {
            let body = format!(
                "A mentoring relationship in your unit is newly at risk ({}). The health console \
                 shows why and what might help.",
                a.factor
                    .map(|f| f.as_concern())
                    .unwrap_or("several problems")
            );
            tell_facilitators_in(
                &mut tx,
                db,
                institution,
                r.mentee_id,
                Notice {
                    body: &body,
                    link: &format!("/program/health/{}", r.id),
                    key: &format!("health:{}:at_risk:{}", r.id, now.unix_timestamp()),
                },
                now,
            )
            .await?;
            done.newly_at_risk += 1;
        }
    }
    tx.commit().await?;
    Ok((all, done))
}

/// Refreshes every institution: for the server's periodic sweep.
pub async fn refresh_all(db: &Db, now: OffsetDateTime) -> Result<Refreshed, StoreError> {
    let mut total = Refreshed::default();
    for institution in tandem_store::institutions::list(db).await? {
        let (_, r) = refresh(db, &institution, now).await?;
        total.assessed += r.assessed;
        total.changed += r.changed;
        total.newly_at_risk += r.newly_at_risk;
    }
    Ok(total)
}
