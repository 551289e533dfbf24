//! How well a mentor fits a mentee, from the study's success factors, with
//! the reasons and risks in plain words. Each program sets the weights.
//!
//! Factors (Straus et al. 2013): shared values around research, clinical
//! work and personal life (Table 2); compatible working styles, where the
//! study's clash is the deliberative person paired with one who thinks on
//! the fly (Table 3); complementary clinical and education interests; a
//! seniority gap suited to the mentee's stage; the mentor's experience
//! ("an experienced mentor becomes particularly important as one's career
//! progresses"). Close overlap of research interests is a competition risk
//! (Table 3: "once you have interest areas that overlap, it's conceivable
//! that you might be seen as ... competitors"), not a bonus.

use serde::{Deserialize, Serialize};
use tandem_domain::{MentoringProfile, PersonProfile, TagList};

/// The factors a score is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    SharedValues,
    PersonalConnection,
    WorkingStyle,
    ComplementaryInterests,
    Seniority,
    Experience,
}

/// A program's weights, in points: a perfect pair on every factor scores
/// the sum. Zero switches a factor off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub shared_values: u32,
    /// What each says they are looking for, and shared interests outside
    /// work.
    pub personal_connection: u32,
    pub working_style: u32,
    pub complementary_interests: u32,
    pub seniority: u32,
    pub experience: u32,
    /// Points taken off for close research overlap (the competition risk).
    pub competition_penalty: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            shared_values: 25,
            personal_connection: 15,
            working_style: 15,
            complementary_interests: 15,
            seniority: 15,
            experience: 15,
            competition_penalty: 15,
        }
    }
}

impl Weights {
    fn total(&self) -> u32 {
        self.shared_values
            + self.personal_connection
            + self.working_style
            + self.complementary_interests
            + self.seniority
            + self.experience
    }
}

/// One reason a pair fits, with the points it earned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub factor: Factor,
    pub points: f64,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskKind {
    /// Table 3: perceived (or real) competition.
    Competition,
    /// Table 3: personality differences.
    PersonalityDifference,
    /// Table 3: the mentor's lack of experience.
    LackOfExperience,
    /// The mentor is not senior to the mentee.
    NotSenior,
}

/// Something to watch in a pair, with the study's remedy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    pub kind: RiskKind,
    pub text: String,
}

/// A pair's fit: a score from 0 to 100, the reasons (strongest first) and
/// the risks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compatibility {
    pub score: u32,
    pub reasons: Vec<Reason>,
    pub risks: Vec<Risk>,
}

impl Compatibility {
    /// The cost the assignment engine minimises: 100 minus the score.
    pub fn cost(&self) -> i64 {
        100 - i64::from(self.score)
    }
}

/// A tag list with its lower-case forms, computed once per person so that
/// scoring a pair allocates nothing unless it explains itself.
#[derive(Debug, Clone)]
struct Tags<'a> {
    shown: &'a [String],
    lower: Vec<String>,
}

impl<'a> Tags<'a> {
    fn of(tags: &'a TagList) -> Self {
        Tags {
            shown: tags.items(),
            lower: tags.items().iter().map(|t| t.to_lowercase()).collect(),
        }
    }

    /// How many of these tags `other` shares, and (when `explain`) which,
    /// in this list's order and spelling.
    fn common(&self, other: &Tags<'_>, explain: bool) -> (usize, Vec<String>) {
        let mut n = 0;
        let mut names = Vec::new();
        for (i, t) in self.lower.iter().enumerate() {
            if other.lower.contains(t) {
                n += 1;
                if explain {
                    names.push(self.shown[i].clone());
                }
            }
        }
        (n, names)
    }

    fn len(&self) -> usize {
        self.lower.len()
    }
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// One side of a pair: the roster profile and what the person says about
/// mentoring.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub person: &'a PersonProfile,
    pub mentoring: &'a MentoringProfile,
}

/// A side prepared for scoring many pairs: its tags lower-cased once.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    side: Side<'a>,
    values: Tags<'a>,
    looking_for: Tags<'a>,
    personal: Tags<'a>,
    clinical: Tags<'a>,
    education: Tags<'a>,
    research: Tags<'a>,
}

impl<'a> Prepared<'a> {
    pub fn new(side: Side<'a>) -> Self {
        Prepared {
            values: Tags::of(&side.person.values),
            looking_for: Tags::of(&side.mentoring.looking_for),
            personal: Tags::of(&side.mentoring.personal_interests),
            clinical: Tags::of(&side.person.clinical_interests),
            education: Tags::of(&side.person.education_interests),
            research: Tags::of(&side.person.research_interests),
            side,
        }
    }
}

/// Scores one pair from roster profiles alone, as if neither had said
/// anything about mentoring.
pub fn score(mentee: &PersonProfile, mentor: &PersonProfile, weights: &Weights) -> Compatibility {
    let a = MentoringProfile::empty(mentee.id);
    let b = MentoringProfile::empty(mentor.id);
    score_sides(
        Side {
            person: mentee,
            mentoring: &a,
        },
        Side {
            person: mentor,
            mentoring: &b,
        },
        weights,
    )
}

/// Scores one pair. Deterministic: the same profiles and weights give the
/// same result.
pub fn score_sides(
    mentee_side: Side<'_>,
    mentor_side: Side<'_>,
    weights: &Weights,
) -> Compatibility {
    evaluate(
        &Prepared::new(mentee_side),
        &Prepared::new(mentor_side),
        weights,
        true,
    )
}

/// The score alone, for rounds that weigh millions of pairs: the same
/// number [`score_sides`] gives, without building any text.
pub fn score_only(mentee: &Prepared<'_>, mentor: &Prepared<'_>, weights: &Weights) -> u32 {
    evaluate(mentee, mentor, weights, false).score
}

/// The score with its reasons and risks, from prepared sides.
pub fn explain(mentee: &Prepared<'_>, mentor: &Prepared<'_>, weights: &Weights) -> Compatibility {
    evaluate(mentee, mentor, weights, true)
}

fn evaluate(a: &Prepared<'_>, b: &Prepared<'_>, weights: &Weights, explain: bool) -> Compatibility {
    let (mentee, mentor) = (a.side.person, b.side.person);
    let mut reasons = Vec::new();
    let mut risks = Vec::new();
    let mut points = 0.0f64;
    let mut reason = |factor: Factor, points: f64, text: &dyn Fn() -> String| {
        if explain {
            reasons.push(Reason {
                factor,
                points,
                text: text(),
            });
        }
    };
    let mut risk = |kind: RiskKind, text: &dyn Fn() -> String| {
        if explain {
            risks.push(Risk { kind, text: text() });
        }
    };

    // Shared values (Table 2).
    let (n_values, values) = a.values.common(&b.values, explain);
    if n_values > 0 && weights.shared_values > 0 {
        let union = a.values.len() + b.values.len() - n_values;
        let fraction = n_values as f64 / union.max(1) as f64;
        let earned = f64::from(weights.shared_values) * (0.5 + 0.5 * fraction);
        points += earned;
        reason(Factor::SharedValues, earned, &|| {
            format!("You share values: {}.", list(&values))
        });
    }

    // Personal connection (Table 2): what both want from mentoring, and
    // what they share outside work.
    let (n_wants, wants) = a.looking_for.common(&b.looking_for, explain);
    let (n_hobbies, hobbies) = a.personal.common(&b.personal, explain);
    if weights.personal_connection > 0 && (n_wants > 0 || n_hobbies > 0) {
        let strength = (n_wants.min(2) as f64 / 2.0) * 0.6 + (n_hobbies.min(2) as f64 / 2.0) * 0.4;
        let earned = f64::from(weights.personal_connection) * strength.max(0.3);
        points += earned;
        reason(
            Factor::PersonalConnection,
            earned,
            &|| match (wants.is_empty(), hobbies.is_empty()) {
                (false, false) => format!(
                    "You both want {} from mentoring, and share {} outside work.",
                    list(&wants),
                    list(&hobbies)
                ),
                (false, true) => format!("You both want {} from mentoring.", list(&wants)),
                _ => format!("Outside work you share {}.", list(&hobbies)),
            },
        );
    }

    // Working style (Table 3: deliberative vs. thinks on the fly).
    let (sa, sb) = (mentee.working_style, mentor.working_style);
    if let (Some(pa), Some(pb)) = (sa.pace, sb.pace) {
        if pa == pb && weights.working_style > 0 {
            let earned = f64::from(weights.working_style);
            points += earned;
            reason(Factor::WorkingStyle, earned, &|| {
                format!("You both work the same way: {}.", pa.label().to_lowercase())
            });
        } else if pa != pb {
            risk(RiskKind::PersonalityDifference, &|| {
                format!(
                    "Different working styles ({} and {}): agree early how you will prepare for and follow up on meetings.",
                    pa.label().to_lowercase(),
                    pb.label().to_lowercase()
                )
            });
        }
    } else if weights.working_style > 0 {
        // Unknown style: neither reward nor risk, half the points.
        points += f64::from(weights.working_style) / 2.0;
    }

    // Complementary interests: clinical and education in common help; the
    // research overlap is judged separately below.
    let (n_clinical, clinical) = a.clinical.common(&b.clinical, explain);
    let (n_education, education) = a.education.common(&b.education, explain);
    let n_common = n_clinical + n_education;
    if n_common > 0 && weights.complementary_interests > 0 {
        let earned = f64::from(weights.complementary_interests) * (n_common.min(3) as f64 / 3.0);
        points += earned;
        reason(Factor::ComplementaryInterests, earned, &|| {
            let common: Vec<String> = clinical.iter().chain(&education).cloned().collect();
            format!("Common ground in {}.", list(&common))
        });
    }
    let (n_research, research) = a.research.common(&b.research, explain);
    let smaller = a.research.len().min(b.research.len());
    if n_research > 0 {
        let overlap = n_research as f64 / smaller.max(1) as f64;
        if overlap >= 0.5 {
            points -= f64::from(weights.competition_penalty) * overlap;
            risk(RiskKind::Competition, &|| {
                format!(
                    "Close research overlap ({}): agree authorship, credit and intellectual property at the start.",
                    list(&research)
                )
            });
        } else if weights.complementary_interests > 0 {
            let earned = f64::from(weights.complementary_interests) / 3.0;
            points += earned;
            reason(Factor::ComplementaryInterests, earned, &|| {
                format!(
                    "Related research without close overlap ({}).",
                    list(&research)
                )
            });
        }
    }

    // Seniority suited to the mentee's stage.
    let gap = i32::from(mentor.rank.seniority()) - i32::from(mentee.rank.seniority());
    let fit = match gap {
        2 => 1.0,
        1 => 0.85,
        3 => 0.7,
        0 => 0.25,
        _ => 0.0,
    };
    let earned = f64::from(weights.seniority) * fit;
    points += earned;
    if gap <= 0 {
        risk(RiskKind::NotSenior, &|| {
            if gap == 0 {
                "Same rank: a peer mentor; consider a senior secondary mentor too.".into()
            } else {
                "The mentor is junior to the mentee.".into()
            }
        });
    } else if weights.seniority > 0 {
        reason(Factor::Seniority, earned, &|| {
            format!(
                "{} mentoring {}: a step ahead on the same path.",
                mentor.rank.label(),
                mentee.rank.label().to_lowercase()
            )
        });
    }

    // Experience: years mentoring, past mentees and the program's training.
    let trained = b.side.mentoring.mentor_training;
    let years = f64::from(mentor.mentoring_years.min(10)) / 10.0;
    let mentees = f64::from(mentor.past_mentees.min(10)) / 10.0;
    let training = if trained { 1.0 } else { 0.0 };
    let earned = f64::from(weights.experience) * (0.5 * years + 0.3 * mentees + 0.2 * training);
    points += earned;
    if (mentor.mentoring_years >= 5 || trained) && weights.experience > 0 {
        reason(Factor::Experience, earned, &|| {
            let mut text = format!(
                "{} years mentoring, {} past mentees",
                mentor.mentoring_years, mentor.past_mentees
            );
            if trained {
                text.push_str("; completed mentor training");
            }
            text.push('.');
            text
        });
    } else if mentor.mentoring_years < 2 && mentor.past_mentees < 2 {
        risk(RiskKind::LackOfExperience, &|| {
            "A new mentor: consider an experienced secondary mentor or the mentor workshop.".into()
        });
    }

    reasons.sort_by(|x, y| {
        y.points
            .total_cmp(&x.points)
            .then_with(|| x.text.cmp(&y.text))
    });
    let total = f64::from(weights.total().max(1));
    let score = (points / total * 100.0).round().clamp(0.0, 100.0) as u32;
    Compatibility {
        score,
        reasons,
        risks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mentoring::conflicts::tests::person;
    use proptest::prelude::*;
    use tandem_domain::{Pace, Rank, WorkingStyle};

    fn tags(s: &str) -> TagList {
        TagList::parse("t", s).expect("tags")
    }

    #[test]
    fn a_good_pair_is_explained_and_competition_is_a_risk() {
        let mut mentee = person(1);
        mentee.rank = Rank::AssistantProfessor;
        mentee.values = tags("family first; open science");
        mentee.clinical_interests = tags("heart failure clinic");
        mentee.research_interests = tags("atrial fibrillation");
        mentee.working_style = WorkingStyle {
            pace: Some(Pace::Deliberative),
            energy: None,
        };
        let mut mentor = person(2);
        mentor.rank = Rank::Professor;
        mentor.values = tags("Open Science; travel");
        mentor.clinical_interests = tags("heart failure clinic");
        mentor.research_interests = tags("heart failure; cardiac imaging");
        mentor.working_style = WorkingStyle {
            pace: Some(Pace::Deliberative),
            energy: None,
        };
        mentor.mentoring_years = 12;
        mentor.past_mentees = 9;
        let good = score(&mentee, &mentor, &Weights::default());
        assert!(good.score >= 60, "{good:?}");
        assert!(good.risks.is_empty(), "{good:?}");
        let values = good
            .reasons
            .iter()
            .find(|r| r.factor == Factor::SharedValues)
            .expect("a values reason");
        assert_eq!(values.text, "You share values: open science.");
        assert!(good.reasons.windows(2).all(|w| w[0].points >= w[1].points));

        // Same research: flagged, and it costs points rather than earning them.
        let mut rival = mentor.clone();
        rival.research_interests = tags("atrial fibrillation");
        let risky = score(&mentee, &rival, &Weights::default());
        assert!(risky.score < good.score);
        assert!(
            risky
                .risks
                .iter()
                .any(|r| r.kind == RiskKind::Competition && r.text.contains("atrial fibrillation"))
        );

        // The study's clash of working styles is a risk.
        let mut quick = mentor.clone();
        quick.working_style = WorkingStyle {
            pace: Some(Pace::OnTheFly),
            energy: None,
        };
        let clash = score(&mentee, &quick, &Weights::default());
        assert!(
            clash
                .risks
                .iter()
                .any(|r| r.kind == RiskKind::PersonalityDifference)
        );

        // A program can switch factors off.
        let values_only = Weights {
            shared_values: 10,
            personal_connection: 0,
            working_style: 0,
            complementary_interests: 0,
            seniority: 0,
            experience: 0,
            competition_penalty: 0,
        };
        let v = score(&mentee, &mentor, &values_only);
        assert!(v.reasons.iter().all(|r| r.factor == Factor::SharedValues));
    }

    #[test]
    fn shared_wishes_and_interests_outside_work_are_a_personal_connection() {
        let mentee = person(1);
        let mentor = person(2);
        let mut a = MentoringProfile::empty(mentee.id);
        a.looking_for = tags("career planning; grant writing");
        a.personal_interests = tags("choir");
        let mut b = MentoringProfile::empty(mentor.id);
        b.looking_for = tags("Career planning");
        b.personal_interests = tags("choir; cycling");
        b.mentor_training = true;
        let side = |person, mentoring| Side { person, mentoring };
        let with = score_sides(side(&mentee, &a), side(&mentor, &b), &Weights::default());
        let without = score(&mentee, &mentor, &Weights::default());
        assert!(with.score > without.score);
        let reason = with
            .reasons
            .iter()
            .find(|r| r.factor == Factor::PersonalConnection)
            .expect("a personal-connection reason");
        assert_eq!(
            reason.text,
            "You both want career planning from mentoring, and share choir outside work."
        );
        assert!(
            with.reasons
                .iter()
                .any(|r| r.text.contains("completed mentor training"))
        );
    }

    #[test]
    fn inexperience_and_missing_seniority_are_risks() {
        let mut mentee = person(1);
        mentee.rank = Rank::AssociateProfessor;
        let mut mentor = person(2);
        mentor.rank = Rank::AssociateProfessor;
        let c = score(&mentee, &mentor, &Weights::default());
        assert!(c.risks.iter().any(|r| r.kind == RiskKind::NotSenior));
        assert!(c.risks.iter().any(|r| r.kind == RiskKind::LackOfExperience));
    }

    proptest! {
        #[test]
        fn scores_stay_in_range_and_are_deterministic(
            a in "[a-c; ]{0,12}", b in "[a-c; ]{0,12}", r in "[a-c; ]{0,12}",
            ranks in (0usize..4, 0usize..4), years in 0u16..40, mentees in 0u16..40,
        ) {
            let mut mentee = person(1);
            let mut mentor = person(2);
            mentee.values = tags(&a);
            mentor.values = tags(&b);
            mentee.research_interests = tags(&r);
            mentor.research_interests = tags(&a);
            mentee.rank = Rank::ALL[ranks.0];
            mentor.rank = Rank::ALL[ranks.1];
            mentor.mentoring_years = years;
            mentor.past_mentees = mentees;
            let one = score(&mentee, &mentor, &Weights::default());
            prop_assert!(one.score <= 100);
            prop_assert!((0..=100).contains(&one.cost()));
            prop_assert_eq!(&one, &score(&mentee, &mentor, &Weights::default()));
            let (ma, mb) = (MentoringProfile::empty(mentee.id), MentoringProfile::empty(mentor.id));
            let pa = Prepared::new(Side { person: &mentee, mentoring: &ma });
            let pb = Prepared::new(Side { person: &mentor, mentoring: &mb });
            prop_assert_eq!(score_only(&pa, &pb, &Weights::default()), one.score);
        }
    }
}
