//! A program's matching settings: the score's weights, the roles barred
//! from mentoring, and how long a request waits for an answer.

use serde::{Deserialize, Serialize};
use tandem_domain::{Leadership, ValueError};
use tandem_store::mentoring::StoredSettings;
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;

use super::{ProgramRules, Weights};

/// The defaults: 14 days to answer, a reminder 3 days before.
pub const DEFAULT_EXPIRY_DAYS: u16 = 14;
pub const DEFAULT_REMINDER_DAYS: u16 = 3;
/// Largest weight a single factor may have.
pub const MAX_WEIGHT: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramSettings {
    pub weights: Weights,
    pub rules: ProgramRules,
    /// Days a request waits for the mentor's answer (1-90).
    pub request_expiry_days: u16,
    /// Days before expiry the mentor is reminded (0: no reminder).
    pub reminder_days: u16,
}

impl Default for ProgramSettings {
    fn default() -> Self {
        ProgramSettings {
            weights: Weights::default(),
            rules: ProgramRules::default(),
            request_expiry_days: DEFAULT_EXPIRY_DAYS,
            reminder_days: DEFAULT_REMINDER_DAYS,
        }
    }
}

impl ProgramSettings {
    /// Checks the ranges a form or an API call could break.
    pub fn validate(&self) -> Result<(), ValueError> {
        let w = &self.weights;
        for (field, value) in [
            ("shared_values", w.shared_values),
            ("personal_connection", w.personal_connection),
            ("working_style", w.working_style),
            ("complementary_interests", w.complementary_interests),
            ("seniority", w.seniority),
            ("experience", w.experience),
            ("competition_penalty", w.competition_penalty),
        ] {
            if value > MAX_WEIGHT {
                return Err(ValueError::new(
                    field,
                    &value.to_string(),
                    format!("expected a weight from 0 to {MAX_WEIGHT}"),
                ));
            }
        }
        if w.shared_values
            + w.personal_connection
            + w.working_style
            + w.complementary_interests
            + w.seniority
            + w.experience
            == 0
        {
            return Err(ValueError::new(
                "weights",
                "0",
                "expected at least one factor with a weight above 0",
            ));
        }
        if !(1..=90).contains(&self.request_expiry_days) {
            return Err(ValueError::new(
                "request_expiry_days",
                &self.request_expiry_days.to_string(),
                "expected a number of days from 1 to 90",
            ));
        }
        if self.reminder_days >= self.request_expiry_days {
            return Err(ValueError::new(
                "reminder_days",
                &self.reminder_days.to_string(),
                "expected fewer days than the request waits",
            ));
        }
        Ok(())
    }

    pub fn barred(&self, role: Leadership) -> bool {
        self.rules.barred_leadership.contains(&role)
    }
}

/// The program's settings, or the defaults if nobody has set them.
pub async fn load(db: &Db, scope: &InstitutionScope) -> Result<ProgramSettings, StoreError> {
    let Some(stored) = tandem_store::mentoring::settings(db, scope).await? else {
        return Ok(ProgramSettings::default());
    };
    let weights: Weights = serde_json::from_str(&stored.weights_json)
        .map_err(|e| StoreError::Corrupt(format!("program weights: {e}")))?;
    let days = |v: i32| u16::try_from(v).map_err(|e| StoreError::Corrupt(e.to_string()));
    Ok(ProgramSettings {
        weights,
        rules: ProgramRules {
            barred_leadership: stored.barred_leadership,
        },
        request_expiry_days: days(stored.request_expiry_days)?,
        reminder_days: days(stored.reminder_days)?,
    })
}

/// Stores validated settings.
pub async fn save(
    db: &Db,
    scope: &InstitutionScope,
    settings: &ProgramSettings,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let stored = StoredSettings {
        weights_json: serde_json::to_string(&settings.weights)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        barred_leadership: settings.rules.barred_leadership.clone(),
        request_expiry_days: i32::from(settings.request_expiry_days),
        reminder_days: i32::from(settings.reminder_days),
    };
    tandem_store::mentoring::save_settings(db, scope, &stored, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_ranges_are_checked() {
        assert!(ProgramSettings::default().validate().is_ok());
        let mut s = ProgramSettings {
            request_expiry_days: 0,
            ..ProgramSettings::default()
        };
        assert!(s.validate().is_err());
        s.request_expiry_days = 5;
        s.reminder_days = 5;
        assert!(s.validate().is_err());
        s.reminder_days = 0;
        s.weights.seniority = 101;
        assert_eq!(s.validate().map_err(|e| e.field), Err("seniority"));
    }
}
