//! The life of a mentoring relationship (M3-M8), as a state machine the
//! store and the pages both obey: proposed until both sides accept, then
//! active, then ended in one of a few ways. Ending is no-fault: either
//! side may end at any time without a reason (the study's remedy for
//! failed relationships), and nothing leaves the ended state.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

use crate::ids::{MentorshipId, PersonId};
use crate::mentoring::{MentorRole, MentorshipOrigin};
use crate::values::ValueError;

/// Who acts on a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Mentee,
    Mentor,
    /// The program's facilitator.
    Program,
    /// Anyone else: never allowed to change a relationship.
    Outsider,
}

/// How a relationship ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// One side declined the proposal.
    Declined,
    /// Both agreed it reached its goals.
    Completed,
    /// The mentee ended it (no reason needed).
    ByMentee,
    /// The mentor ended it (no reason needed).
    ByMentor,
    /// The program ended it.
    ByProgram,
}

/// Where a relationship stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum RelationshipState {
    Proposed {
        mentee_accepted: bool,
        mentor_accepted: bool,
    },
    Active {
        /// Set when one side proposes to close it as completed; the other
        /// side's agreement completes it.
        completion_proposed_by: Option<Party>,
    },
    Ended {
        ending: Ending,
    },
}

impl RelationshipState {
    /// A new proposal: nobody has accepted yet.
    pub const PROPOSED: RelationshipState = RelationshipState::Proposed {
        mentee_accepted: false,
        mentor_accepted: false,
    };

    pub fn is_active(self) -> bool {
        matches!(self, RelationshipState::Active { .. })
    }

    pub fn is_ended(self) -> bool {
        matches!(self, RelationshipState::Ended { .. })
    }
}

/// What someone asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    Decline,
    /// Propose, or agree, to close it as completed.
    Complete,
    /// End it now, no reason needed.
    End,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("only the mentee, the mentor or the program may change this relationship")]
    NotAParty,
    #[error("this relationship has ended")]
    Ended,
    #[error("that is not possible while the relationship is {0}")]
    NotNow(&'static str),
}

fn stage(state: RelationshipState) -> &'static str {
    match state {
        RelationshipState::Proposed { .. } => "proposed",
        RelationshipState::Active { .. } => "active",
        RelationshipState::Ended { .. } => "ended",
    }
}

/// The state after `party` takes `action`, or why not.
pub fn apply(
    state: RelationshipState,
    party: Party,
    action: Action,
) -> Result<RelationshipState, TransitionError> {
    use RelationshipState::*;
    if party == Party::Outsider {
        return Err(TransitionError::NotAParty);
    }
    let not_now = || TransitionError::NotNow(stage(state));
    match (state, party, action) {
        (Ended { .. }, _, _) => Err(TransitionError::Ended),

        // A proposal: each side accepts; both accepted starts it.
        (
            Proposed {
                mentee_accepted,
                mentor_accepted,
            },
            Party::Mentee | Party::Mentor,
            Action::Accept,
        ) => {
            let (mentee, mentor) = if party == Party::Mentee {
                (true, mentor_accepted)
            } else {
                (mentee_accepted, true)
            };
            Ok(if mentee && mentor {
                Active {
                    completion_proposed_by: None,
                }
            } else {
                Proposed {
                    mentee_accepted: mentee,
                    mentor_accepted: mentor,
                }
            })
        }
        (Proposed { .. }, Party::Mentee | Party::Mentor, Action::Decline) => Ok(Ended {
            ending: Ending::Declined,
        }),
        (Proposed { .. }, Party::Program, Action::End) => Ok(Ended {
            ending: Ending::ByProgram,
        }),
        (Proposed { .. }, _, _) => Err(not_now()),

        // Active: either side may end it at once, no reason needed;
        // completing needs both (or the program).
        (Active { .. }, Party::Mentee, Action::End) => Ok(Ended {
            ending: Ending::ByMentee,
        }),
        (Active { .. }, Party::Mentor, Action::End) => Ok(Ended {
            ending: Ending::ByMentor,
        }),
        (Active { .. }, Party::Program, Action::End) => Ok(Ended {
            ending: Ending::ByProgram,
        }),
        (Active { .. }, Party::Program, Action::Complete) => Ok(Ended {
            ending: Ending::Completed,
        }),
        (
            Active {
                completion_proposed_by,
            },
            Party::Mentee | Party::Mentor,
            Action::Complete,
        ) => Ok(match completion_proposed_by {
            Some(first) if first != party => Ended {
                ending: Ending::Completed,
            },
            _ => Active {
                completion_proposed_by: Some(party),
            },
        }),
        (Active { .. }, _, _) => Err(not_now()),
    }
}

vocabulary! {
    /// One of the two people in a relationship.
    Side, field = "side" {
        Mentee => "mentee", "Mentee", [];
        Mentor => "mentor", "Mentor", [];
    }
}

impl Side {
    pub fn party(self) -> Party {
        match self {
            Side::Mentee => Party::Mentee,
            Side::Mentor => Party::Mentor,
        }
    }

    pub fn other(self) -> Side {
        match self {
            Side::Mentee => Side::Mentor,
            Side::Mentor => Side::Mentee,
        }
    }
}

vocabulary! {
    /// The study's factors of failed relationships (Table 3), offered as
    /// the optional private reason for ending one.
    FailureFactor, field = "factor" {
        PoorCommunication => "poor_communication", "Poor communication", [];
        LackOfCommitment => "lack_of_commitment", "Lack of commitment", [];
        PersonalityDifferences => "personality_differences", "Personality differences", [];
        Competition => "competition", "Competition, perceived or real", [];
        ConflictOfInterest => "conflict_of_interest", "A conflict of interest", [];
        MentorInexperience => "mentor_inexperience", "The mentor's lack of experience", [];
    }
}

impl Ending {
    pub const ALL: &'static [Ending] = &[
        Ending::Declined,
        Ending::Completed,
        Ending::ByMentee,
        Ending::ByMentor,
        Ending::ByProgram,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Ending::Declined => "declined",
            Ending::Completed => "completed",
            Ending::ByMentee => "by_mentee",
            Ending::ByMentor => "by_mentor",
            Ending::ByProgram => "by_program",
        }
    }

    pub fn parse(code: &str) -> Option<Ending> {
        Ending::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// The neutral words both sides see: never who ended it or why, so
    /// that ending stays no-fault.
    pub fn neutral_code(self) -> &'static str {
        match self {
            Ending::Declined => "declined",
            Ending::Completed => "completed",
            Ending::ByMentee | Ending::ByMentor | Ending::ByProgram => "ended",
        }
    }

    /// The label for [`Ending::neutral_code`].
    pub fn neutral_label(self) -> &'static str {
        match self {
            Ending::Declined => "Did not go ahead",
            Ending::Completed => "Completed",
            Ending::ByMentee | Ending::ByMentor | Ending::ByProgram => "Ended",
        }
    }
}

impl RelationshipState {
    /// A short word for lists and filters.
    pub fn stage(self) -> &'static str {
        stage(self)
    }

    /// The words shown to the two sides.
    pub fn label(self) -> &'static str {
        match self {
            RelationshipState::Proposed { .. } => "Proposed",
            RelationshipState::Active {
                completion_proposed_by: Some(_),
            } => "Active, closing as completed",
            RelationshipState::Active { .. } => "Active",
            RelationshipState::Ended { ending } => ending.neutral_label(),
        }
    }
}

/// A relationship between one mentee and one mentor (a mentee's team is
/// several of these: one primary mentor, the others secondary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relationship {
    pub id: MentorshipId,
    pub mentee_id: PersonId,
    pub mentor_id: PersonId,
    pub role: MentorRole,
    pub origin: MentorshipOrigin,
    pub state: RelationshipState,
    #[serde(with = "time::serde::rfc3339")]
    pub proposed_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub ended_at: Option<OffsetDateTime>,
    /// Bumped by every transition; a write based on an older one loses.
    #[serde(skip)]
    pub version: i64,
}

impl Relationship {
    /// Which side `person` is on, if any.
    pub fn side_of(&self, person: PersonId) -> Option<Side> {
        if person == self.mentee_id {
            Some(Side::Mentee)
        } else if person == self.mentor_id {
            Some(Side::Mentor)
        } else {
            None
        }
    }

    /// The person on `side`.
    pub fn person(&self, side: Side) -> PersonId {
        match side {
            Side::Mentee => self.mentee_id,
            Side::Mentor => self.mentor_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn party() -> impl Strategy<Value = Party> {
        prop_oneof![
            Just(Party::Mentee),
            Just(Party::Mentor),
            Just(Party::Program),
            Just(Party::Outsider)
        ]
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            Just(Action::Accept),
            Just(Action::Decline),
            Just(Action::Complete),
            Just(Action::End)
        ]
    }

    #[test]
    fn a_proposal_needs_both_sides_and_either_may_end_without_a_reason() {
        let s = RelationshipState::PROPOSED;
        let s = apply(s, Party::Mentor, Action::Accept).expect("accept");
        assert!(!s.is_active(), "one side is not enough");
        let s = apply(s, Party::Mentee, Action::Accept).expect("accept");
        assert!(s.is_active());
        let ended = apply(s, Party::Mentee, Action::End).expect("end");
        assert_eq!(
            ended,
            RelationshipState::Ended {
                ending: Ending::ByMentee
            }
        );
        assert_eq!(
            apply(ended, Party::Mentor, Action::Accept),
            Err(TransitionError::Ended)
        );
        // Completing needs the other side's agreement.
        let s = apply(
            RelationshipState::Active {
                completion_proposed_by: None,
            },
            Party::Mentor,
            Action::Complete,
        )
        .expect("propose");
        assert!(s.is_active());
        assert_eq!(
            apply(s, Party::Mentor, Action::Complete).expect("again"),
            s,
            "the same side twice does not complete"
        );
        assert_eq!(
            apply(s, Party::Mentee, Action::Complete).expect("agree"),
            RelationshipState::Ended {
                ending: Ending::Completed
            }
        );
    }

    proptest! {
        /// Random sequences of actions by random parties never reach a
        /// forbidden state: outsiders change nothing, nothing leaves the
        /// ended state, a relationship is active only once both sides
        /// accepted, and each way of ending comes only from its own party.
        #[test]
        fn the_state_machine_holds(steps in prop::collection::vec((party(), action()), 0..40)) {
            let mut state = RelationshipState::PROPOSED;
            let (mut mentee_accepted, mut mentor_accepted) = (false, false);
            for (party, action) in steps {
                let before = state;
                match apply(state, party, action) {
                    Err(_) => {}
                    Ok(after) => {
                        prop_assert!(party != Party::Outsider, "an outsider changed it");
                        prop_assert!(!before.is_ended(), "it left the ended state");
                        if action == Action::Accept && party == Party::Mentee { mentee_accepted = true; }
                        if action == Action::Accept && party == Party::Mentor { mentor_accepted = true; }
                        if after.is_active() {
                            prop_assert!(mentee_accepted && mentor_accepted, "active without both");
                        }
                        if let RelationshipState::Ended { ending } = after {
                            let ok = match ending {
                                Ending::Declined => action == Action::Decline && matches!(before, RelationshipState::Proposed { .. }),
                                Ending::ByMentee => party == Party::Mentee && action == Action::End,
                                Ending::ByMentor => party == Party::Mentor && action == Action::End,
                                Ending::ByProgram => party == Party::Program && action == Action::End,
                                Ending::Completed => action == Action::Complete && before.is_active(),
                            };
                            prop_assert!(ok, "{before:?} --{party:?} {action:?}--> {after:?}");
                        }
                        state = after;
                    }
                }
            }
        }
    }
}
