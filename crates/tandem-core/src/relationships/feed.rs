//! Each person's private calendar feed: a secret URL (revocable by making
//! a new one or turning it off) serving their meetings and their
//! agreements' review dates as iCalendar. Only the token's hash is stored.

use tandem_domain::{InstitutionId, PersonId};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;

use crate::auth::{new_token, token_hash};
use crate::calendar::{Calendar, CalendarEvent, EventTime};

/// Makes a new feed token for `person`, revoking any earlier one. The
/// token is returned once and never stored.
pub async fn renew(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    now: OffsetDateTime,
) -> Result<String, StoreError> {
    let token = new_token();
    tandem_store::meetings::set_feed_token(db, scope, person, &token_hash(&token), now).await?;
    Ok(token)
}

/// The events of one person's feed: their meetings (cancelled ones marked
/// so calendars remove them) and the review date of each active
/// relationship's newest agreement. `link` makes a page address absolute.
pub async fn events(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
    link: &(dyn Fn(&str) -> String + Sync),
) -> Result<Vec<CalendarEvent>, StoreError> {
    let relationships = tandem_store::relationships::of_person(db, scope, person).await?;
    // Only the people on the other side, not the whole roster: calendar
    // apps poll feeds often.
    let mut names = std::collections::HashMap::new();
    for r in &relationships {
        for id in [r.mentee_id, r.mentor_id] {
            if id == person || names.contains_key(&id) {
                continue;
            }
            if let Some(p) = tandem_store::people::get(db, scope, id).await? {
                names.insert(id, p.display_name());
            }
        }
    }
    let other_of = |mentorship: tandem_domain::MentorshipId| -> String {
        relationships
            .iter()
            .find(|r| r.id == mentorship)
            .and_then(|r| {
                let other = if r.mentee_id == person {
                    r.mentor_id
                } else {
                    r.mentee_id
                };
                names.get(&other).cloned()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for m in tandem_store::meetings::of_person(db, scope, person).await? {
        out.push(CalendarEvent {
            uid: format!("meeting-{}@tandem", m.id),
            sequence: m.sequence,
            start: EventTime::At(m.starts_at),
            end: Some(EventTime::At(m.ends_at())),
            summary: format!("Mentoring meeting with {}", other_of(m.mentorship_id)),
            description: if m.is_first {
                "First meeting: introductions, availability, contact details, list of goals.".into()
            } else {
                "Open with last time's goals and action items; close with a recap.".into()
            },
            location: (!m.place.is_empty()).then(|| m.place.clone()),
            url: Some(link(&format!("/meetings/{}", m.id))),
            cancelled: m.status == tandem_domain::meeting::MeetingStatus::Cancelled,
            updated: m.updated_at,
        });
    }
    for r in relationships.iter().filter(|r| r.state.is_active()) {
        let versions = tandem_store::agreements::versions(db, scope, r.id).await?;
        if let Some(newest) = versions.first() {
            out.push(CalendarEvent {
                uid: format!("agreement-review-{}-v{}@tandem", r.id, newest.version),
                sequence: 0,
                start: EventTime::AllDay(newest.review_on),
                end: None,
                summary: format!("Review the mentoring agreement with {}", other_of(r.id)),
                description: "Continue (sign the agreement again, changed or not) or end the \
                              relationship without giving a reason."
                    .into(),
                location: None,
                url: Some(link(&format!("/relationships/{}/agreement", r.id))),
                cancelled: false,
                updated: newest.created_at,
            });
        }
    }
    Ok(out)
}

/// The feed a token opens, or None for an unknown or revoked token.
pub async fn calendar(
    db: &Db,
    token: &str,
    link: &(dyn Fn(&str) -> String + Sync),
) -> Result<Option<Calendar>, StoreError> {
    let Some((institution, person)) =
        tandem_store::meetings::feed_owner(db, &token_hash(token)).await?
    else {
        return Ok(None);
    };
    let Some(institution) =
        tandem_store::institutions::by_id(db, InstitutionId(institution)).await?
    else {
        return Ok(None);
    };
    let scope = InstitutionScope::of(&institution);
    Ok(Some(Calendar {
        name: format!("Tandem · {}", institution.name),
        events: events(db, &scope, PersonId(person), link).await?,
    }))
}
