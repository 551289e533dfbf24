//! Runs the health model over what the store holds: builds each
//! relationship's facts from its records (one query per table for a whole
//! institution), picks each side's latest answers, and assesses it for a
//! viewer. The program's view uses both sides' answers; a person's own
//! view only theirs, so a status never betrays the other side's answers.

use std::collections::BTreeMap;

use tandem_domain::agreement::AgreementTerms;
use tandem_domain::health::{
    Answers, Assessment, Facts, Instrument, MeetingFact, SideAnswers, assess,
};
use tandem_domain::{MentorshipId, Relationship, Side};
use tandem_store::health::{CheckinRow, Records};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::{Duration, OffsetDateTime};

/// Answers older than this no longer speak for a relationship (a little
/// over two check-in rounds at the default rhythm).
pub const ANSWERS_STALE_AFTER_DAYS: i64 = 200;

/// Everything the model reads for some relationships, loaded once.
pub struct Loaded {
    records: BTreeMap<MentorshipId, Records>,
    checkins: BTreeMap<MentorshipId, Vec<CheckinRow>>,
    instruments: Vec<Instrument>,
}

impl Loaded {
    /// Loads the records of the whole institution, or of one relationship.
    pub async fn load(
        db: &Db,
        scope: &InstitutionScope,
        only: Option<MentorshipId>,
    ) -> Result<Loaded, StoreError> {
        let all = tandem_store::health::records(db, scope, only).await?;
        let mut records: BTreeMap<MentorshipId, Records> = BTreeMap::new();
        for m in all.meetings {
            records.entry(m.mentorship_id).or_default().meetings.push(m);
        }
        for a in all.actions {
            records.entry(a.mentorship_id).or_default().actions.push(a);
        }
        for r in all.reviews {
            records.entry(r.mentorship_id).or_default().reviews.push(r);
        }
        for a in all.agreements {
            records
                .entry(a.mentorship_id)
                .or_default()
                .agreements
                .push(a);
        }
        let mut checkins: BTreeMap<MentorshipId, Vec<CheckinRow>> = BTreeMap::new();
        for c in tandem_store::health::checkins(db, scope, only, None).await? {
            checkins.entry(c.mentorship_id).or_default().push(c);
        }
        Ok(Loaded {
            records,
            checkins,
            instruments: super::settings::instruments(db, scope).await?,
        })
    }

    /// The facts of relationship `r` as they stood at `now`.
    pub fn facts(&self, r: &Relationship, now: OffsetDateTime) -> Facts {
        let empty = Records::default();
        let rec = self.records.get(&r.id).unwrap_or(&empty);
        let seen = |t: OffsetDateTime| t <= now;
        let cadence = rec
            .agreements
            .iter()
            .filter(|a| a.signed_by_both && seen(a.last_change))
            .max_by_key(|a| a.version)
            .and_then(|a| serde_json::from_str::<AgreementTerms>(&a.terms_json).ok())
            .map(|t| t.cadence);
        let meetings = rec
            .meetings
            .iter()
            .map(|m| MeetingFact {
                on: m.starts_at.date(),
                status: m.status,
                agenda_prepared: m.agenda_prepared,
                recap_confirmed: m.recap_confirmed,
            })
            .collect();
        let open_action_due = rec
            .actions
            .iter()
            .filter(|a| seen(a.created_at) && a.done_at.is_none_or(|d| d > now))
            .filter_map(|a| a.due_on)
            .collect();
        let short_notice_reviews = rec
            .reviews
            .iter()
            .filter(|r| r.short_notice && seen(r.created_at))
            .map(|r| r.created_at.date())
            .collect();
        let last_activity = rec
            .meetings
            .iter()
            .map(|m| m.updated_at)
            .chain(
                rec.actions
                    .iter()
                    .flat_map(|a| [Some(a.created_at), a.done_at].into_iter().flatten()),
            )
            .chain(
                rec.reviews
                    .iter()
                    .flat_map(|r| [r.created_at, r.updated_at]),
            )
            .chain(rec.agreements.iter().map(|a| a.last_change))
            .filter(|t| seen(*t))
            .max()
            .map(|t| t.date());
        Facts {
            today: now.date(),
            started_on: r.started_at.unwrap_or(r.proposed_at).date(),
            cadence,
            meetings,
            open_action_due,
            short_notice_reviews,
            last_activity,
        }
    }

    /// `side`'s latest check-in on `r` that still speaks for it at `now`,
    /// with its answers parsed and its instrument.
    pub fn latest(
        &self,
        r: MentorshipId,
        side: Side,
        now: OffsetDateTime,
    ) -> Option<(&CheckinRow, Answers, &Instrument)> {
        let stale = now - Duration::days(ANSWERS_STALE_AFTER_DAYS);
        self.checkins
            .get(&r)?
            .iter()
            .filter(|c| c.side == side && c.submitted_at <= now && c.submitted_at >= stale)
            .max_by_key(|c| c.submitted_at)
            .and_then(|c| {
                let answers: Answers = serde_json::from_str(&c.answers_json).ok()?;
                let instrument = self
                    .instruments
                    .iter()
                    .find(|i| i.code == c.instrument_code)?;
                Some((c, answers, instrument))
            })
    }

    /// Assesses `r` at `now` with the answers of `sides`.
    pub fn assess(&self, r: &Relationship, sides: &[Side], now: OffsetDateTime) -> Assessment {
        let facts = self.facts(r, now);
        let latest: Vec<(Side, Answers, &Instrument)> = sides
            .iter()
            .filter_map(|s| self.latest(r.id, *s, now).map(|(_, a, i)| (*s, a, i)))
            .collect();
        let given: Vec<SideAnswers<'_>> = latest
            .iter()
            .map(|(side, answers, instrument)| SideAnswers {
                side: *side,
                instrument,
                answers,
            })
            .collect();
        assess(&facts, &given)
    }
}

/// Both sides: the program's view.
pub const BOTH: &[Side] = &[Side::Mentee, Side::Mentor];

/// The program's view of every active relationship of the institution.
pub async fn program_view_all(
    db: &Db,
    scope: &InstitutionScope,
    now: OffsetDateTime,
) -> Result<Vec<(Relationship, Assessment)>, StoreError> {
    let relationships: Vec<Relationship> = tandem_store::relationships::all(db, scope)
        .await?
        .into_iter()
        .filter(|r| r.state.is_active())
        .collect();
    let loaded = Loaded::load(db, scope, None).await?;
    Ok(relationships
        .into_iter()
        .map(|r| {
            let a = loaded.assess(&r, BOTH, now);
            (r, a)
        })
        .collect())
}

/// One side's own view: their answers and the shared records only.
pub async fn own_view(
    db: &Db,
    scope: &InstitutionScope,
    r: &Relationship,
    side: Side,
    now: OffsetDateTime,
) -> Result<Assessment, StoreError> {
    Ok(Loaded::load(db, scope, Some(r.id))
        .await?
        .assess(r, &[side], now))
}

/// The program's view of one relationship.
pub async fn program_view(
    db: &Db,
    scope: &InstitutionScope,
    r: &Relationship,
    now: OffsetDateTime,
) -> Result<(Assessment, Loaded), StoreError> {
    let loaded = Loaded::load(db, scope, Some(r.id)).await?;
    Ok((loaded.assess(r, BOTH, now), loaded))
}
