//! Conflicts of interest: hard exclusions, each with its reason, so a
//! facilitator can see why a pair was never offered. From the study: "The
//! mentor should not be in a position of authority over the mentee and
//! should not be someone on whom they are dependent for resources"
//! (Table 3), and it asked whether division directors and department heads
//! should mentor at all (List 1).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tandem_domain::{Leadership, PersonId, PersonProfile};

/// Why a pair may not be matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Exclusion {
    /// A person cannot mentor themselves.
    SamePerson,
    /// The mentor is above the mentee in the reporting line, `levels` up
    /// (1: the mentee's own supervisor).
    ReportingLine { levels: usize },
    /// The mentor controls the mentee's resources.
    ControlsResources,
    /// The program bars mentors who hold this leadership role.
    BarredRole { role: Leadership },
    /// The mentor has no free place.
    AtCapacity,
    /// One of the two asked not to be matched with the other again.
    DoNotMatch,
}

impl Exclusion {
    /// Plain words for a facilitator.
    pub fn explain(&self) -> String {
        match self {
            Exclusion::SamePerson => "the same person".into(),
            Exclusion::ReportingLine { levels: 1 } => {
                "the mentor is the mentee's supervisor".into()
            }
            Exclusion::ReportingLine { levels } => {
                format!("the mentor is above the mentee in the reporting line ({levels} levels up)")
            }
            Exclusion::ControlsResources => "the mentor controls the mentee's resources".into(),
            Exclusion::BarredRole { role } => format!(
                "the program does not let a {} mentor",
                role.label().to_lowercase()
            ),
            Exclusion::AtCapacity => "the mentor has no free place".into(),
            Exclusion::DoNotMatch => {
                "one of them asked not to be matched with the other again".into()
            }
        }
    }
}

/// The reporting lines of an institution, for "is A above B?".
#[derive(Debug, Clone, Default)]
pub struct OrgChart {
    supervisor: HashMap<PersonId, PersonId>,
}

impl OrgChart {
    pub fn new<'a>(people: impl IntoIterator<Item = &'a PersonProfile>) -> Self {
        let supervisor = people
            .into_iter()
            .filter_map(|p| p.supervisor_id.map(|s| (p.id, s)))
            .collect();
        OrgChart { supervisor }
    }

    /// Everyone above `person` in the reporting line, nearest first.
    pub fn chain_above(&self, person: PersonId) -> Vec<PersonId> {
        let mut chain = Vec::new();
        let mut current = person;
        while let Some(&up) = self.supervisor.get(&current) {
            if chain.contains(&up) || up == person {
                break;
            }
            chain.push(up);
            current = up;
        }
        chain
    }

    /// How many levels above `person` `boss` is, if at all. Cycles (which
    /// the roster import refuses) end the walk rather than loop.
    pub fn levels_above(&self, boss: PersonId, person: PersonId) -> Option<usize> {
        let mut seen = HashSet::new();
        let mut current = person;
        let mut levels = 0;
        while let Some(&up) = self.supervisor.get(&current) {
            levels += 1;
            if up == boss {
                return Some(levels);
            }
            if !seen.insert(up) {
                return None;
            }
            current = up;
        }
        None
    }
}

/// What a program decides about who may mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ProgramRules {
    /// Leadership roles whose holders may not mentor (default: division
    /// directors and department chairs).
    pub barred_leadership: Vec<Leadership>,
}

impl Default for ProgramRules {
    fn default() -> Self {
        Self {
            barred_leadership: vec![Leadership::DivisionDirector, Leadership::DepartmentChair],
        }
    }
}

/// Every reason `mentor` may not mentor `mentee`; empty means eligible.
/// `has_capacity` is whether the mentor has a free place now;
/// `do_not_match` holds pairs (either order) that asked never to be matched.
pub fn exclusions(
    mentee: &PersonProfile,
    mentor: &PersonProfile,
    org: &OrgChart,
    rules: &ProgramRules,
    has_capacity: bool,
    do_not_match: &HashSet<(PersonId, PersonId)>,
) -> Vec<Exclusion> {
    let mut out = Vec::new();
    if mentee.id == mentor.id {
        out.push(Exclusion::SamePerson);
        return out;
    }
    if let Some(levels) = org.levels_above(mentor.id, mentee.id) {
        out.push(Exclusion::ReportingLine { levels });
    }
    if mentee.resource_controller_id == Some(mentor.id) {
        out.push(Exclusion::ControlsResources);
    }
    if rules.barred_leadership.contains(&mentor.leadership) {
        out.push(Exclusion::BarredRole {
            role: mentor.leadership,
        });
    }
    if !has_capacity {
        out.push(Exclusion::AtCapacity);
    }
    if do_not_match.contains(&(mentee.id, mentor.id))
        || do_not_match.contains(&(mentor.id, mentee.id))
    {
        out.push(Exclusion::DoNotMatch);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use tandem_domain::{
        DepartmentId, DivisionId, Email, Gender, InstitutionId, Rank, Stream, TagList, WorkingStyle,
    };

    pub(crate) fn person(n: u128) -> PersonProfile {
        PersonProfile {
            id: PersonId(uuid::Uuid::from_u128(n + 1)),
            institution_id: InstitutionId(uuid::Uuid::from_u128(1)),
            employee_id: format!("E{n}"),
            given_name: format!("G{n}"),
            family_name: format!("F{n}"),
            email: Email::parse(&format!("p{n}@x.org")).expect("email"),
            department_id: DepartmentId(uuid::Uuid::from_u128(1)),
            division_id: DivisionId(uuid::Uuid::from_u128(1)),
            rank: Rank::Professor,
            stream: Stream::Scientist,
            gender: Gender::Woman,
            appointment_date: time::macros::date!(2010 - 01 - 01),
            research_interests: TagList::default(),
            clinical_interests: TagList::default(),
            education_interests: TagList::default(),
            values: TagList::default(),
            working_style: WorkingStyle::default(),
            mentoring_years: 0,
            past_mentees: 0,
            location: None,
            contact_channels: vec![],
            supervisor_id: None,
            resource_controller_id: None,
            leadership: Leadership::None,
        }
    }

    #[test]
    fn supervisors_at_any_level_and_resource_controllers_are_excluded() {
        let (mut a, mut b, c, d) = (person(0), person(1), person(2), person(3));
        a.supervisor_id = Some(b.id); // a reports to b
        b.supervisor_id = Some(c.id); // b reports to c
        a.resource_controller_id = Some(d.id);
        let people = [a.clone(), b.clone(), c.clone(), d.clone()];
        let org = OrgChart::new(&people);
        let rules = ProgramRules::default();
        let none = HashSet::new();
        assert_eq!(
            exclusions(&a, &b, &org, &rules, true, &none),
            vec![Exclusion::ReportingLine { levels: 1 }]
        );
        assert_eq!(
            exclusions(&a, &c, &org, &rules, true, &none),
            vec![Exclusion::ReportingLine { levels: 2 }]
        );
        assert_eq!(
            exclusions(&a, &d, &org, &rules, true, &none),
            vec![Exclusion::ControlsResources]
        );
        assert!(
            exclusions(&b, &a, &org, &rules, true, &none).is_empty(),
            "a junior may mentor upwards if chosen"
        );
        assert_eq!(
            exclusions(&a, &a, &org, &rules, true, &none),
            vec![Exclusion::SamePerson]
        );
        let mut chair = d.clone();
        chair.leadership = Leadership::DepartmentChair;
        let excluded = exclusions(
            &b,
            &chair,
            &org,
            &rules,
            false,
            &HashSet::from([(chair.id, b.id)]),
        );
        assert_eq!(
            excluded,
            vec![
                Exclusion::BarredRole {
                    role: Leadership::DepartmentChair
                },
                Exclusion::AtCapacity,
                Exclusion::DoNotMatch
            ]
        );
        let open = ProgramRules {
            barred_leadership: vec![],
        };
        assert!(
            exclusions(&b, &chair, &org, &open, true, &none).is_empty(),
            "barring is the program's choice"
        );
        assert_eq!(
            Exclusion::ReportingLine { levels: 2 }.explain(),
            "the mentor is above the mentee in the reporting line (2 levels up)"
        );
    }

    proptest! {
        /// Over random org charts (forests with resource controllers), no
        /// pair judged eligible has the mentor above the mentee, checked
        /// against the chain listed out independently, nor controlling
        /// the mentee's resources.
        #[test]
        fn no_eligible_pair_has_authority_or_resource_control(
            parents in prop::collection::vec(prop::option::of(0usize..40), 2..40),
            controllers in prop::collection::vec(prop::option::of(0usize..40), 2..40),
        ) {
            let n = parents.len();
            let mut people: Vec<PersonProfile> = (0..n).map(|i| person(i as u128)).collect();
            // Parents only point to lower indices: a forest, no cycles.
            for i in 0..n {
                if let Some(p) = parents[i].filter(|p| *p < i) {
                    people[i].supervisor_id = Some(people[p].id);
                }
                if let Some(c) = controllers.get(i).copied().flatten().filter(|c| *c < n && *c != i) {
                    people[i].resource_controller_id = Some(people[c].id);
                }
            }
            let org = OrgChart::new(&people);
            let rules = ProgramRules { barred_leadership: vec![] };
            let none = HashSet::new();
            for mentee in &people {
                let mut chain = Vec::new();
                let mut cur = mentee.supervisor_id;
                while let Some(s) = cur {
                    chain.push(s);
                    cur = people.iter().find(|p| p.id == s).and_then(|p| p.supervisor_id);
                }
                for mentor in &people {
                    let eligible = exclusions(mentee, mentor, &org, &rules, true, &none).is_empty();
                    if eligible {
                        prop_assert!(mentor.id != mentee.id);
                        prop_assert!(!chain.contains(&mentor.id), "a boss was eligible");
                        prop_assert!(mentee.resource_controller_id != Some(mentor.id), "a resource controller was eligible");
                    } else {
                        prop_assert!(
                            mentor.id == mentee.id
                                || chain.contains(&mentor.id)
                                || mentee.resource_controller_id == Some(mentor.id),
                            "excluded without a reason"
                        );
                    }
                }
            }
        }
    }
}
