//! Meetings (M4) and action items: scheduled on the agreed cadence,
//! rescheduled or cancelled by either side; the mentee prepares the agenda
//! and writes the recap, the mentor confirms it ("reiterate and review");
//! either side adds action items, and open ones carry into every next
//! meeting until done. Only the two sides ever read any of it.

use std::collections::BTreeMap;

use tandem_domain::agreement::{Cadence, add_months};
use tandem_domain::meeting::{
    self, ActionItem, FIRST_MEETING_CHECKLIST, MAX_ACTION_CHARS, MAX_NOTE_CHARS, Meeting,
    MeetingStatus, Topic,
};
use tandem_domain::{ActionItemId, Institution, MeetingId, Side};
use tandem_store::meetings as store;
use tandem_store::{Db, InstitutionScope};
use time::{Date, Duration, OffsetDateTime, Time};

use super::Mine;
use crate::mentoring::MentoringError;

use crate::mentoring::requests::conflict;

fn refused(text: impl Into<String>) -> MentoringError {
    MentoringError::Refused(text.into())
}

fn value(e: tandem_domain::ValueError) -> MentoringError {
    refused(e.to_string())
}

/// How far ahead a meeting may be scheduled.
pub const MAX_DAYS_AHEAD: i64 = 730;

/// When and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: OffsetDateTime,
    pub minutes: u16,
    pub place: String,
}

fn check_slot(slot: &Slot, now: OffsetDateTime) -> Result<Slot, MentoringError> {
    if slot.starts_at > now + Duration::days(MAX_DAYS_AHEAD) {
        return Err(refused(
            "A meeting can be scheduled at most two years ahead.",
        ));
    }
    if slot.starts_at < now - Duration::days(365) {
        return Err(refused("That date is more than a year ago."));
    }
    Ok(Slot {
        starts_at: slot.starts_at,
        minutes: slot.minutes,
        place: meeting::clean_note("place", &slot.place, 200).map_err(value)?,
    })
}

fn must_be_active(mine: &Mine) -> Result<(), MentoringError> {
    if mine.relationship.state.is_active() {
        Ok(())
    } else {
        Err(conflict(
            "Meetings can change only while the relationship is active.",
        ))
    }
}

async fn notify(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    body: String,
    link: String,
    key: String,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    let mut tx = db.begin().await?;
    crate::notify::notify_in(
        &mut tx,
        institution.id.0,
        mine.other(),
        &body,
        &link,
        &key,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The date and time offered for the next meeting: the agreed cadence
/// after the last one, or a week from now, at 15:00 UTC.
pub fn suggested_start(
    meetings: &[Meeting],
    cadence: Option<Cadence>,
    now: OffsetDateTime,
) -> OffsetDateTime {
    let last = meetings
        .iter()
        .filter(|m| m.status != MeetingStatus::Cancelled)
        .map(|m| m.starts_at)
        .max();
    let day: Date = match (last, cadence) {
        (Some(last), Some(c)) if last > now - Duration::days(30 * i64::from(c.months())) => {
            add_months(last.date(), c.months().into())
        }
        _ => (now + Duration::days(7)).date(),
    };
    day.with_time(Time::from_hms(15, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_utc()
}

/// Either side schedules a meeting. The first one carries the study's
/// checklist.
pub async fn schedule(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    slot: &Slot,
    now: OffsetDateTime,
) -> Result<Meeting, MentoringError> {
    must_be_active(mine)?;
    let slot = check_slot(slot, now)?;
    let scope = InstitutionScope::of(institution);
    let id = mine.relationship.id;
    let earlier = store::of_relationship(db, &scope, id).await?;
    let m = Meeting {
        id: MeetingId::new_random(),
        mentorship_id: id,
        starts_at: slot.starts_at,
        minutes: slot.minutes,
        place: slot.place,
        status: MeetingStatus::Scheduled,
        is_first: earlier.iter().all(|m| m.status == MeetingStatus::Cancelled),
        agenda: String::new(),
        timelines: String::new(),
        checklist: vec![],
        topics: BTreeMap::new(),
        recap: String::new(),
        recap_written_at: None,
        recap_confirmed_at: None,
        sequence: 0,
        updated_at: now,
    };
    let me = super::name_of(db, &scope, mine.relationship.person(mine.side)).await?;
    let mut tx = db.begin().await?;
    store::insert_in(&mut tx, &scope, &m).await?;
    super::reminders::enqueue_agenda_in(&mut tx, institution, &m, now).await?;
    crate::notify::notify_in(
        &mut tx,
        institution.id.0,
        mine.other(),
        &format!("{me} scheduled a meeting on {}.", when(m.starts_at)),
        &format!("/meetings/{}", m.id),
        &format!("meeting:{}:scheduled", m.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// A meeting's time as shown in notices.
pub fn when(at: OffsetDateTime) -> String {
    format!(
        "{} {} {} at {:02}:{:02} UTC",
        at.day(),
        at.month(),
        at.year(),
        at.hour(),
        at.minute()
    )
}

/// A change to a meeting.
#[derive(Debug, Clone)]
pub enum Change {
    Reschedule(Slot),
    Cancel,
    /// The mentee's preparation: topics and project timelines.
    Agenda {
        agenda: String,
        timelines: String,
    },
    /// Either side's notes: checklist items ticked and notes per topic.
    Notes {
        checklist: Vec<String>,
        topics: BTreeMap<Topic, String>,
    },
    /// The mentee's recap; writing it again asks the mentor again.
    Recap(String),
    /// The mentor confirms the recap: the meeting is held.
    ConfirmRecap,
}

/// Applies `change` to `meeting` for `mine`'s side and stores it, unless
/// someone changed the meeting meanwhile.
pub async fn update(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    meeting: &Meeting,
    change: Change,
    now: OffsetDateTime,
) -> Result<Meeting, MentoringError> {
    must_be_active(mine)?;
    let mut m = meeting.clone();
    let mentee_only = |what: &str| {
        if mine.side == Side::Mentee {
            Ok(())
        } else {
            Err(refused(format!("The mentee {what}.")))
        }
    };
    let mut notice: Option<String> = None;
    let me = super::name_of(
        db,
        &InstitutionScope::of(institution),
        mine.relationship.person(mine.side),
    )
    .await?;
    match change {
        Change::Reschedule(slot) => {
            if m.status != MeetingStatus::Scheduled {
                return Err(conflict("Only a scheduled meeting can be moved."));
            }
            let slot = check_slot(&slot, now)?;
            m.starts_at = slot.starts_at;
            m.minutes = slot.minutes;
            m.place = slot.place;
            m.sequence += 1;
            notice = Some(format!("{me} moved your meeting to {}.", when(m.starts_at)));
        }
        Change::Cancel => {
            if m.status != MeetingStatus::Scheduled {
                return Err(conflict("Only a scheduled meeting can be cancelled."));
            }
            m.status = MeetingStatus::Cancelled;
            m.sequence += 1;
            notice = Some(format!(
                "{me} cancelled your meeting on {}.",
                when(m.starts_at)
            ));
        }
        Change::Agenda { agenda, timelines } => {
            mentee_only("prepares the agenda")?;
            m.agenda = meeting::clean_note("agenda", &agenda, MAX_NOTE_CHARS).map_err(value)?;
            m.timelines =
                meeting::clean_note("timelines", &timelines, MAX_NOTE_CHARS).map_err(value)?;
        }
        Change::Notes { checklist, topics } => {
            let known: Vec<&str> = FIRST_MEETING_CHECKLIST.iter().map(|(c, _)| *c).collect();
            if let Some(bad) = checklist.iter().find(|c| !known.contains(&c.as_str())) {
                return Err(refused(format!("checklist: unknown item {bad:?}")));
            }
            let mut clean = BTreeMap::new();
            for (topic, text) in topics {
                let text = meeting::clean_note("topics", &text, MAX_NOTE_CHARS).map_err(value)?;
                if !text.is_empty() {
                    clean.insert(topic, text);
                }
            }
            m.checklist = checklist;
            m.topics = clean;
        }
        Change::Recap(recap) => {
            mentee_only("writes the recap; the mentor confirms it")?;
            let recap = meeting::clean_note("recap", &recap, MAX_NOTE_CHARS).map_err(value)?;
            if recap.is_empty() {
                return Err(refused("recap: write what you agreed before saving."));
            }
            if m.status == MeetingStatus::Cancelled {
                return Err(conflict("This meeting was cancelled."));
            }
            m.recap = recap;
            m.recap_written_at = Some(now);
            m.recap_confirmed_at = None;
            notice = Some(format!("{me} wrote the recap of your meeting: confirm it."));
        }
        Change::ConfirmRecap => {
            if mine.side != Side::Mentor {
                return Err(refused("The mentor confirms the mentee's recap."));
            }
            if m.recap_written_at.is_none() {
                return Err(conflict("There is no recap to confirm yet."));
            }
            m.recap_confirmed_at = Some(now);
            m.status = MeetingStatus::Held;
            notice = Some(format!("{me} confirmed the recap of your meeting."));
        }
    }
    m.updated_at = now;
    let scope = InstitutionScope::of(institution);
    if !store::save(db, &scope, &m, meeting.updated_at).await? {
        return Err(super::changed_meanwhile());
    }
    if m.sequence != meeting.sequence && m.status == MeetingStatus::Scheduled {
        // Moved: a reminder for the new time (the old one will find the
        // meeting changed and stay quiet).
        let mut tx = db.begin().await?;
        super::reminders::enqueue_agenda_in(&mut tx, institution, &m, now).await?;
        tx.commit().await?;
    }
    if let Some(body) = notice {
        // One notice per change: the meeting's new version names it.
        let key = format!("meeting:{}:{}", m.id, m.updated_at.unix_timestamp_nanos());
        notify(
            db,
            institution,
            mine,
            body,
            format!("/meetings/{}", m.id),
            key,
            now,
        )
        .await?;
    }
    Ok(m)
}

/// A new action item as typed.
#[derive(Debug, Clone)]
pub struct NewAction {
    /// The meeting it was agreed in, if any.
    pub meeting: Option<MeetingId>,
    pub description: String,
    pub owner: Side,
    pub due_on: Option<Date>,
}

/// Either side adds an action item, with an owner and an optional due date.
pub async fn add_action(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    new: NewAction,
    now: OffsetDateTime,
) -> Result<ActionItem, MentoringError> {
    must_be_active(mine)?;
    let NewAction {
        meeting,
        description,
        owner,
        due_on,
    } = new;
    let description =
        meeting::clean_note("description", &description, MAX_ACTION_CHARS).map_err(value)?;
    if description.is_empty() {
        return Err(refused("description: say what is to be done."));
    }
    let item = ActionItem {
        id: ActionItemId::new_random(),
        mentorship_id: mine.relationship.id,
        meeting_id: meeting,
        description,
        owner,
        due_on,
        done_at: None,
        created_at: now,
    };
    store::add_action(db, &InstitutionScope::of(institution), &item).await?;
    Ok(item)
}

/// Marks an action item of this relationship done, or open again.
pub async fn set_done(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    item: ActionItemId,
    done: bool,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    must_be_active(mine)?;
    let scope = InstitutionScope::of(institution);
    let found = store::action(db, &scope, item)
        .await?
        .filter(|a| a.mentorship_id == mine.relationship.id)
        .ok_or(MentoringError::NotFound)?;
    store::set_action_done(db, &scope, found.id, done.then_some(now)).await?;
    Ok(())
}

/// What a meeting opens with: the last meeting before it (its recap) and
/// every action item still open.
pub struct Opening {
    pub previous: Option<Meeting>,
    pub open_items: Vec<ActionItem>,
}

/// The opening of `meeting` among `meetings`, with `items` of the pair.
pub fn opening(meeting: &Meeting, meetings: &[Meeting], items: &[ActionItem]) -> Opening {
    let previous = meetings
        .iter()
        .filter(|m| {
            m.id != meeting.id
                && m.status != MeetingStatus::Cancelled
                && m.starts_at < meeting.starts_at
        })
        .max_by_key(|m| m.starts_at)
        .cloned();
    Opening {
        previous,
        open_items: items.iter().filter(|a| a.is_open()).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn meeting(at: OffsetDateTime, status: MeetingStatus) -> Meeting {
        Meeting {
            id: MeetingId::new_random(),
            mentorship_id: tandem_domain::MentorshipId::new_random(),
            starts_at: at,
            minutes: 60,
            place: String::new(),
            status,
            is_first: false,
            agenda: String::new(),
            timelines: String::new(),
            checklist: vec![],
            topics: BTreeMap::new(),
            recap: String::new(),
            recap_written_at: None,
            recap_confirmed_at: None,
            sequence: 0,
            updated_at: at,
        }
    }

    #[test]
    fn the_next_meeting_follows_the_cadence() {
        let now = datetime!(2026-11-25 10:00 UTC);
        assert_eq!(
            suggested_start(&[], Some(Cadence::Monthly), now),
            datetime!(2026-12-02 15:00 UTC),
            "no meeting yet: a week from now"
        );
        let last = meeting(datetime!(2026-11-10 14:00 UTC), MeetingStatus::Held);
        assert_eq!(
            suggested_start(std::slice::from_ref(&last), Some(Cadence::Quarterly), now),
            datetime!(2027-02-10 15:00 UTC)
        );
        let cancelled = meeting(datetime!(2026-11-20 14:00 UTC), MeetingStatus::Cancelled);
        assert_eq!(
            suggested_start(&[last, cancelled], Some(Cadence::Monthly), now),
            datetime!(2026-12-10 15:00 UTC),
            "a cancelled meeting does not count"
        );
    }

    #[test]
    fn a_meeting_opens_with_the_last_one_and_every_open_item() {
        let first = meeting(datetime!(2026-09-01 14:00 UTC), MeetingStatus::Held);
        let cancelled = meeting(datetime!(2026-10-01 14:00 UTC), MeetingStatus::Cancelled);
        let next = meeting(datetime!(2026-11-01 14:00 UTC), MeetingStatus::Scheduled);
        let item = |done: bool| ActionItem {
            id: ActionItemId::new_random(),
            mentorship_id: first.mentorship_id,
            meeting_id: Some(first.id),
            description: "Draft aims".into(),
            owner: Side::Mentee,
            due_on: None,
            done_at: done.then_some(datetime!(2026-09-15 10:00 UTC)),
            created_at: datetime!(2026-09-01 15:00 UTC),
        };
        let all = [first.clone(), cancelled, next.clone()];
        let o = opening(&next, &all, &[item(false), item(true)]);
        assert_eq!(o.previous.map(|m| m.id), Some(first.id));
        assert_eq!(o.open_items.len(), 1, "only the open item carries");
    }
}
