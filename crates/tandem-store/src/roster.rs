//! Reading and writing a whole institution's roster at once, for the
//! roster import. The import decides what to change; this module only
//! reads the current state and applies a decided change in one
//! transaction, so an import is all-or-nothing.

use crate::units::{Department, Division};
use crate::{Db, DbTime, DbTx, InstitutionScope, StoreError, on_tx, units};
use tandem_domain::PersonProfile;
use tandem_domain::values::contact_channels_code;
use time::OffsetDateTime;

/// Everything an import compares against.
#[derive(Debug, Clone, Default)]
pub struct RosterSnapshot {
    pub departments: Vec<Department>,
    pub divisions: Vec<Division>,
    pub people: Vec<PersonProfile>,
}

/// A decided change: rows to create and people to update in place.
#[derive(Debug, Clone, Default)]
pub struct RosterChanges {
    pub new_departments: Vec<Department>,
    pub new_divisions: Vec<Division>,
    pub inserts: Vec<PersonProfile>,
    pub updates: Vec<PersonProfile>,
}

impl RosterChanges {
    pub fn is_empty(&self) -> bool {
        self.new_departments.is_empty()
            && self.new_divisions.is_empty()
            && self.inserts.is_empty()
            && self.updates.is_empty()
    }

    /// How many statements [`apply`] will run, for progress bars.
    pub fn len(&self) -> usize {
        self.new_departments.len()
            + self.new_divisions.len()
            + self.inserts.len()
            + self.updates.len()
    }
}

pub async fn snapshot(db: &Db, scope: &InstitutionScope) -> Result<RosterSnapshot, StoreError> {
    Ok(RosterSnapshot {
        departments: units::departments(db, scope).await?,
        divisions: units::divisions(db, scope).await?,
        people: crate::people::all(db, scope).await?,
    })
}

/// Applies `changes` in one transaction. `progress` is called with the
/// number of rows written so far. Nothing is visible to others, and
/// nothing remains, unless every statement succeeds.
pub async fn apply(
    db: &Db,
    scope: &InstitutionScope,
    changes: &RosterChanges,
    now: OffsetDateTime,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<(), StoreError> {
    let institution = scope.institution_id().0;
    let mut tx = db.begin().await?;
    let mut done = 0usize;
    for d in &changes.new_departments {
        on_tx!(&mut tx, conn => sqlx::query(
            "INSERT INTO departments (id, institution_id, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(d.id.0)
        .bind(institution)
        .bind(&d.name)
        .bind(DbTime(now))
        .execute(conn)
        .await
        .map(|_| ())?);
        done += 1;
    }
    for v in &changes.new_divisions {
        on_tx!(&mut tx, conn => sqlx::query(
            "INSERT INTO divisions (id, institution_id, department_id, name, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(v.id.0)
        .bind(institution)
        .bind(v.department_id.0)
        .bind(&v.name)
        .bind(DbTime(now))
        .execute(conn)
        .await
        .map(|_| ())?);
        done += 1;
    }
    progress(done);
    for p in &changes.inserts {
        write_person(&mut tx, institution, p, now, true).await?;
        done += 1;
        if done.is_multiple_of(500) {
            progress(done);
        }
    }
    for p in &changes.updates {
        write_person(&mut tx, institution, p, now, false).await?;
        done += 1;
        if done.is_multiple_of(500) {
            progress(done);
        }
    }
    crate::mentoring::bump_pool_version_in(&mut tx, institution).await?;
    tx.commit().await?;
    progress(done);
    Ok(())
}

async fn write_person(
    tx: &mut DbTx,
    institution: uuid::Uuid,
    p: &PersonProfile,
    now: OffsetDateTime,
    insert: bool,
) -> Result<(), StoreError> {
    // The same 25 parameters in the same order for both statements.
    let sql = if insert {
        "INSERT INTO people (id, institution_id, employee_id, given_name, family_name, email, \
         department_id, division_id, rank, stream, gender, appointment_date, research_interests, \
         clinical_interests, education_interests, personal_values, working_style, \
         mentoring_years, past_mentees, location, contact_channels, supervisor_id, \
         resource_controller_id, leadership, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $20, $21, $22, $23, $24, $25, $25)"
    } else {
        "UPDATE people SET employee_id = $3, given_name = $4, family_name = $5, email = $6, \
         department_id = $7, division_id = $8, rank = $9, stream = $10, gender = $11, \
         appointment_date = $12, research_interests = $13, clinical_interests = $14, \
         education_interests = $15, personal_values = $16, working_style = $17, \
         mentoring_years = $18, past_mentees = $19, location = $20, contact_channels = $21, \
         supervisor_id = $22, resource_controller_id = $23, leadership = $24, updated_at = $25 \
         WHERE id = $1 AND institution_id = $2"
    };
    on_tx!(tx, conn => sqlx::query(sql)
        .bind(p.id.0)
        .bind(institution)
        .bind(&p.employee_id)
        .bind(&p.given_name)
        .bind(&p.family_name)
        .bind(p.email.as_str())
        .bind(p.department_id.0)
        .bind(p.division_id.0)
        .bind(p.rank.code())
        .bind(p.stream.code())
        .bind(p.gender.code())
        .bind(p.appointment_date)
        .bind(p.research_interests.code())
        .bind(p.clinical_interests.code())
        .bind(p.education_interests.code())
        .bind(p.values.code())
        .bind(p.working_style.code())
        .bind(i32::from(p.mentoring_years))
        .bind(i32::from(p.past_mentees))
        .bind(p.location.as_deref())
        .bind(contact_channels_code(&p.contact_channels))
        .bind(p.supervisor_id.map(|s| s.0))
        .bind(p.resource_controller_id.map(|s| s.0))
        .bind(p.leadership.code())
        .bind(DbTime(now))
        .execute(conn)
        .await
        .map(|_| ())?);
    Ok(())
}
