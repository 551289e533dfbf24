//! "Ask other mentees first": what a mentor's mentees say about them,
//! shown only as an aggregate over at least [`MIN_GROUP_SIZE`] mentees
//! (../shared/reference/privacy.md), and never as free text.

use serde::Serialize;
use tandem_domain::{Institution, PersonId};
use tandem_store::mentoring::{self as store, FeedbackAnswers};
use tandem_store::{Db, InstitutionScope};
use time::OffsetDateTime;

use super::MentoringError;
use crate::privacy::MIN_GROUP_SIZE;

/// The aggregate a prospective mentee may see.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackSummary {
    pub answers: u64,
    /// Share who would recommend the mentor, in whole percent.
    pub recommend_percent: u32,
    /// Mean ratings from 1 to 5, one decimal.
    pub available: f64,
    pub helpful: f64,
    pub respectful: f64,
}

/// What may be shown about a mentor's feedback.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum MentorFeedback {
    /// Fewer than the minimum group size answered: nothing but that.
    TooFewAnswers,
    Summary(FeedbackSummary),
}

fn mean(values: impl Iterator<Item = u8>, n: usize) -> f64 {
    let sum: u32 = values.map(u32::from).sum();
    (f64::from(sum) / n as f64 * 10.0).round() / 10.0
}

/// Aggregates answers, or says there are too few to show.
pub fn summarise(answers: &[FeedbackAnswers]) -> MentorFeedback {
    let n = answers.len();
    if (n as u64) < MIN_GROUP_SIZE {
        return MentorFeedback::TooFewAnswers;
    }
    let recommend = answers.iter().filter(|a| a.would_recommend).count();
    MentorFeedback::Summary(FeedbackSummary {
        answers: n as u64,
        recommend_percent: ((recommend * 100 + n / 2) / n) as u32,
        available: mean(answers.iter().map(|a| a.available), n),
        helpful: mean(answers.iter().map(|a| a.helpful), n),
        respectful: mean(answers.iter().map(|a| a.respectful), n),
    })
}

/// The feedback about `mentor` as it may be shown.
pub async fn about(
    db: &Db,
    scope: &InstitutionScope,
    mentor: PersonId,
) -> Result<MentorFeedback, MentoringError> {
    Ok(summarise(&store::feedback_about(db, scope, mentor).await?))
}

/// A mentee answers about a mentor they have or had.
pub async fn give(
    db: &Db,
    institution: &Institution,
    mentee: PersonId,
    mentor: PersonId,
    answers: FeedbackAnswers,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    let scope = InstitutionScope::of(institution);
    for rating in [answers.available, answers.helpful, answers.respectful] {
        if !(1..=5).contains(&rating) {
            return Err(MentoringError::Refused(
                "Each rating is a number from 1 to 5.".into(),
            ));
        }
    }
    if !store::was_paired(db, &scope, mentee, mentor).await? {
        return Err(MentoringError::NotAllowed(
            "Only this mentor's own mentees can give feedback about them.".into(),
        ));
    }
    store::save_feedback(db, &scope, mentor, mentee, answers, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn answer(recommend: bool, rating: u8) -> FeedbackAnswers {
        FeedbackAnswers {
            would_recommend: recommend,
            available: rating,
            helpful: rating,
            respectful: rating,
        }
    }

    #[test]
    fn five_answers_are_summarised() {
        let answers: Vec<_> = (0..5).map(|i| answer(i < 4, 4 + (i % 2) as u8)).collect();
        let MentorFeedback::Summary(s) = summarise(&answers) else {
            panic!("five answers are enough");
        };
        assert_eq!(s.answers, 5);
        assert_eq!(s.recommend_percent, 80);
        assert_eq!(s.available, 4.4);
    }

    proptest! {
        /// Whatever the answers, fewer than five never show anything.
        #[test]
        fn fewer_than_five_answers_never_show(
            raw in proptest::collection::vec((any::<bool>(), 1u8..=5), 0..5)
        ) {
            let answers: Vec<_> = raw.iter().map(|(r, v)| answer(*r, *v)).collect();
            prop_assert_eq!(summarise(&answers), MentorFeedback::TooFewAnswers);
        }
    }
}
