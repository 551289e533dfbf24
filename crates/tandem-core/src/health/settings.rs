//! A program's check-in settings: which instrument its pairs answer and
//! how often (first after 30 days, then every 90, unless it says
//! otherwise), and the instruments it may choose from: Tandem's own and
//! any validated one it added under licence.

use serde::{Deserialize, Serialize};
use tandem_domain::ValueError;
use tandem_domain::health::{CheckinSchedule, Instrument, TANDEM_INSTRUMENT};
use tandem_store::health::{self as store, CheckinSettingsRow};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;

use crate::mentoring::MentoringError;

/// What a program chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinSettings {
    /// The code of the instrument its pairs answer.
    pub instrument: String,
    /// Days from a relationship's start to its first check-in.
    pub first_after_days: u16,
    /// Days between check-ins after that.
    pub every_days: u16,
}

impl Default for CheckinSettings {
    fn default() -> Self {
        let s = CheckinSchedule::default();
        CheckinSettings {
            instrument: TANDEM_INSTRUMENT.into(),
            first_after_days: s.first_after_days,
            every_days: s.every_days,
        }
    }
}

impl CheckinSettings {
    pub fn schedule(&self) -> CheckinSchedule {
        CheckinSchedule {
            first_after_days: self.first_after_days,
            every_days: self.every_days,
        }
    }
}

/// The program's settings, or the defaults.
pub async fn load(db: &Db, scope: &InstitutionScope) -> Result<CheckinSettings, StoreError> {
    Ok(match store::checkin_settings(db, scope).await? {
        None => CheckinSettings::default(),
        Some(row) => CheckinSettings {
            instrument: row.instrument_code,
            first_after_days: u16::try_from(row.first_after_days).unwrap_or(30),
            every_days: u16::try_from(row.every_days).unwrap_or(90),
        },
    })
}

/// Checks and saves; the instrument must be one the program has.
pub async fn save(
    db: &Db,
    scope: &InstitutionScope,
    settings: &CheckinSettings,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    settings
        .schedule()
        .validate()
        .map_err(|e| MentoringError::Refused(e.to_string()))?;
    if instrument(db, scope, &settings.instrument).await?.is_none() {
        return Err(MentoringError::Refused(format!(
            "instrument: {:?} is not one of this program's instruments",
            settings.instrument
        )));
    }
    store::save_checkin_settings(
        db,
        scope,
        &CheckinSettingsRow {
            instrument_code: settings.instrument.clone(),
            first_after_days: settings.first_after_days.into(),
            every_days: settings.every_days.into(),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Every instrument the program may use: Tandem's own first.
pub async fn instruments(db: &Db, scope: &InstitutionScope) -> Result<Vec<Instrument>, StoreError> {
    let mut all = vec![Instrument::tandem()];
    for (code, json) in store::instruments(db, scope).await? {
        let i: Instrument = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("instrument {code}: {e}")))?;
        all.push(i);
    }
    Ok(all)
}

/// One instrument by code.
pub async fn instrument(
    db: &Db,
    scope: &InstitutionScope,
    code: &str,
) -> Result<Option<Instrument>, StoreError> {
    Ok(instruments(db, scope)
        .await?
        .into_iter()
        .find(|i| i.code == code))
}

/// The instrument the program's pairs answer now.
pub async fn current_instrument(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<Instrument, StoreError> {
    let settings = load(db, scope).await?;
    Ok(instrument(db, scope, &settings.instrument)
        .await?
        .unwrap_or_else(Instrument::tandem))
}

/// Adds a program's own instrument (its JSON definition), checked whole;
/// nothing is stored if any part is wrong or its code is taken.
pub async fn add_instrument(
    db: &Db,
    scope: &InstitutionScope,
    definition: &Instrument,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    definition
        .validate()
        .map_err(|e: ValueError| MentoringError::Refused(e.to_string()))?;
    if definition.code == TANDEM_INSTRUMENT {
        return Err(MentoringError::Refused(format!(
            "code: {TANDEM_INSTRUMENT} is Tandem's own instrument; choose another code"
        )));
    }
    let json = serde_json::to_string(definition)
        .map_err(|e| MentoringError::Refused(format!("instrument: {e}")))?;
    store::add_instrument(db, scope, &definition.code, &json, now)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => MentoringError::Conflict(format!(
                "code: this program already has an instrument {:?}",
                definition.code
            )),
            other => other.into(),
        })
}
