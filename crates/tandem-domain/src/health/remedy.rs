//! The study's remedies, factor by factor: what the two of them can do,
//! and what the program's facilitator can offer. Poor communication: the
//! "reiterate and review" recap and a communication framework; lack of
//! commitment: reset the cadence, or end without fault; competition and
//! conflicts of interest: a facilitator's conversation, clear authorship
//! terms, a rematch; lack of experience: a secondary mentor or a mentor
//! workshop (Tables 2 and 3, Tactics, Discussion).

use serde::Serialize;

use super::factor::{Factor, SuccessFactor};
use crate::relationship::FailureFactor;

/// One concrete step a remedy offers; pages turn each into a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Close each meeting with a recap both confirm.
    ReiterateAndReview,
    /// An agenda, the four topics, and agreed contact between meetings.
    CommunicationFramework,
    /// Reopen the agreement: goals, cadence, what each expects, turnaround.
    RevisitAgreement,
    /// Book the next meeting on the agreed cadence.
    ResetCadence,
    /// Agree authorship, credit and intellectual property in writing.
    AuthorshipTerms,
    /// Ask the program's facilitator, confidentially, to broker.
    AskFacilitator,
    /// Add a secondary mentor with the missing experience.
    SecondaryMentor,
    /// A mentor workshop.
    MentorWorkshop,
    /// Time for the personal topic, work/life balance included.
    PersonalTime,
    /// End it, no reason needed, and be offered a new match.
    EndWithoutFault,
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Step::ReiterateAndReview => "reiterate_and_review",
            Step::CommunicationFramework => "communication_framework",
            Step::RevisitAgreement => "revisit_agreement",
            Step::ResetCadence => "reset_cadence",
            Step::AuthorshipTerms => "authorship_terms",
            Step::AskFacilitator => "ask_facilitator",
            Step::SecondaryMentor => "secondary_mentor",
            Step::MentorWorkshop => "mentor_workshop",
            Step::PersonalTime => "personal_time",
            Step::EndWithoutFault => "end_without_fault",
        }
    }

    /// What the step asks, for the two sides.
    pub fn label(self) -> &'static str {
        match self {
            Step::ReiterateAndReview => {
                "Close each meeting with a recap: the mentee writes what you agreed, the mentor confirms it."
            }
            Step::CommunicationFramework => {
                "Use a framework: an agenda before each meeting, the four topics (career, administrative, education, personal), and agreed ways to reach each other between meetings."
            }
            Step::RevisitAgreement => {
                "Reopen your agreement together: goals, how often you meet, what each expects, review turnaround."
            }
            Step::ResetCadence => {
                "Reset the rhythm: agree a cadence you can keep and book the next meeting now."
            }
            Step::AuthorshipTerms => {
                "Write down authorship, credit and intellectual property in your agreement before the work goes further."
            }
            Step::AskFacilitator => {
                "Ask the program's facilitator to help, in confidence: the other side learns of it only if you agree."
            }
            Step::SecondaryMentor => {
                "Add a secondary mentor who brings the knowledge or experience that is missing."
            }
            Step::MentorWorkshop => "A mentor workshop can help; the program runs them.",
            Step::PersonalTime => {
                "Leave time in each meeting for the personal topic, work/life balance included; meet in person now and then."
            }
            Step::EndWithoutFault => {
                "If it cannot be fixed, either of you may end it at any time, without a reason; the mentee is offered a new match at once."
            }
        }
    }
}

/// What to do about one factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Remedy {
    pub factor: Factor,
    /// A gentle prompt for the two sides.
    pub prompt: &'static str,
    /// What the program's facilitator can offer.
    pub for_program: &'static str,
    pub steps: &'static [Step],
}

/// The study's remedy for `factor`.
pub fn remedy(factor: Factor) -> Remedy {
    use FailureFactor as F;
    use Step::*;
    use SuccessFactor as S;
    let (prompt, for_program, steps): (&'static str, &'static str, &'static [Step]) = match factor {
        Factor::Failure(F::PoorCommunication) => (
            "Communication seems to be slipping. Relationships that work make sure both understand what was discussed and agreed.",
            "Suggest the reiterate-and-review recap and a communication framework; offer a conversation if it persists.",
            &[ReiterateAndReview, CommunicationFramework, AskFacilitator],
        ),
        Factor::Failure(F::LackOfCommitment) => (
            "Meetings or follow-through seem to be slipping. A rhythm both can keep matters more than a frequent one.",
            "Ask both whether the cadence still fits; a reset, or an ending without fault and a rematch.",
            &[ResetCadence, RevisitAgreement, EndWithoutFault],
        ),
        Factor::Failure(F::PersonalityDifferences) => (
            "Your ways of working may not fit. That is nobody's fault, and it can often be talked through.",
            "Offer a brokered conversation; if styles cannot meet, a rematch with a compatible working style.",
            &[AskFacilitator, RevisitAgreement, EndWithoutFault],
        ),
        Factor::Failure(F::Competition) => (
            "Competition, perceived or real, can poison a relationship. Clear terms for credit help.",
            "Offer a conversation, clear authorship terms, and a rematch if the overlap is structural.",
            &[AuthorshipTerms, AskFacilitator, EndWithoutFault],
        ),
        Factor::Failure(F::ConflictOfInterest) => (
            "Other interests may be getting in the way of advice meant for the mentee.",
            "Talk to the mentee in confidence; a mentor outside the reporting line and the resource chain, by rematch or as a secondary mentor.",
            &[AskFacilitator, AuthorshipTerms, EndWithoutFault],
        ),
        Factor::Failure(F::MentorInexperience) => (
            "The mentee may need knowledge or experience beyond this relationship. A mentor links to others who fill the gap.",
            "Propose a secondary mentor with the missing experience, and invite the mentor to a workshop.",
            &[SecondaryMentor, MentorWorkshop, AskFacilitator],
        ),
        Factor::Success(S::Reciprocity) => (
            "Giving and getting may feel one-sided. Say what each of you hopes to get from it.",
            "Suggest they revisit what each expects; offer a conversation if it persists.",
            &[RevisitAgreement, AskFacilitator],
        ),
        Factor::Success(S::MutualRespect) => (
            "Respect for each other's time or views may be strained.",
            "Offer a brokered conversation; an ending without fault is always open.",
            &[AskFacilitator, RevisitAgreement, EndWithoutFault],
        ),
        Factor::Success(S::ClearExpectations) => (
            "Expectations may be unclear. Successful pairs set them at the start and revisit them.",
            "Suggest they complete or revisit the agreement: goals, cadence, review turnaround.",
            &[RevisitAgreement, ResetCadence],
        ),
        Factor::Success(S::PersonalConnection) => (
            "There may be little personal connection yet. It grows with time for more than work.",
            "Suggest the personal topic in meetings; a check-in conversation if it stays cold.",
            &[PersonalTime, CommunicationFramework],
        ),
        Factor::Success(S::SharedValues) => (
            "Your values about research, clinical work or life outside work may differ.",
            "Offer a conversation; a secondary mentor whose values fit, or a rematch.",
            &[AskFacilitator, SecondaryMentor, EndWithoutFault],
        ),
    };
    Remedy {
        factor,
        prompt,
        for_program,
        steps,
    }
}
