//! The one policy: which role may take which action on which resource, in
//! which relation to it. Route guards, field filtering, the permissions page
//! and the authorization-matrix test all read [`POLICY`]. Anything not
//! listed is denied; an object of another institution is invisible (404).

use serde::Serialize;
use tandem_domain::{
    AccountId, DepartmentId, DivisionId, Grant, InstitutionId, PersonId, Role, UnitScope,
};

use crate::auth::Principal;

/// What someone wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See an institution's name.
    ReadInstitution,
    /// Browse the faculty directory, departments and divisions.
    ReadDirectory,
    /// Open one person's profile.
    ReadProfile,
    /// Edit a profile's own fields.
    EditProfile,
    /// A unit's aggregate picture (counts, suppressed below 5).
    ReadUnitSummary,
    /// Institution-wide aggregate reports (demographics).
    ReadReports,
    /// The permissions page.
    ReadPermissions,
    /// The audit log.
    ReadAudit,
    /// Create accounts, grant and revoke roles, reset passwords, disable.
    ManageAccounts,
    /// Own sign-in settings: password, personal API tokens.
    ManageOwnCredentials,
    /// Look for a mentor: suggestions, requests, feedback on own mentors.
    FindMentor,
    /// Answer requests addressed to oneself as a mentor.
    AnswerRequests,
    /// Set the program's matching weights, barred roles and request expiry.
    ManageProgram,
    /// Run matching rounds over a cohort and publish their proposals.
    RunRounds,
    /// Take part in a relationship: its agreement, meetings, plan, reviews,
    /// and ending it.
    TakePartInRelationship,
    /// See the program's pairs (who with whom, in what state; never their
    /// agreement, meetings or notes) and end one as the program.
    OverseeRelationships,
    /// Watch the health of relationships in one's unit: statuses, the
    /// factor and evidence (check-in answers, and comments their authors
    /// shared), alerts, and brokering cases with their private log. Every
    /// read of it is audited.
    WatchHealth,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ReadInstitution,
        Action::ReadDirectory,
        Action::ReadProfile,
        Action::EditProfile,
        Action::ReadUnitSummary,
        Action::ReadReports,
        Action::ReadPermissions,
        Action::ReadAudit,
        Action::ManageAccounts,
        Action::ManageOwnCredentials,
        Action::FindMentor,
        Action::AnswerRequests,
        Action::ManageProgram,
        Action::RunRounds,
        Action::TakePartInRelationship,
        Action::OverseeRelationships,
        Action::WatchHealth,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Action::ReadInstitution => "See the institution",
            Action::ReadDirectory => "Browse the faculty directory",
            Action::ReadProfile => "Open a person's profile",
            Action::EditProfile => "Edit a profile",
            Action::ReadUnitSummary => "See a unit's aggregate picture",
            Action::ReadReports => "See institution-wide aggregate reports",
            Action::ReadPermissions => "See this permissions table",
            Action::ReadAudit => "Read the audit log",
            Action::ManageAccounts => "Manage accounts and roles",
            Action::ManageOwnCredentials => "Change own password and API tokens",
            Action::FindMentor => "Look for a mentor and send requests",
            Action::AnswerRequests => "Answer requests to mentor",
            Action::ManageProgram => "Set the program's matching rules",
            Action::RunRounds => "Run matching rounds",
            Action::TakePartInRelationship => {
                "Take part in a mentoring relationship (agreement, meetings, ending)"
            }
            Action::OverseeRelationships => {
                "See the program's pairs and their state, and end one as the program"
            }
            Action::WatchHealth => {
                "Watch relationship health in their unit (evidence, alerts) and broker failing ones"
            }
        }
    }
}

/// Who a rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// Any signed-in account, whatever its roles.
    Anyone,
    Role(Role),
}

/// How the actor must stand to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The object is the actor's own (their person or account).
    Own,
    /// The object's person is in a mentoring relationship with the actor.
    Paired,
    /// The object is a relationship the actor is one of the two sides of.
    Party,
    /// The object is inside the unit the actor's role is limited to.
    SameUnit,
    /// The object belongs to the actor's institution.
    SameInstitution,
    /// Any institution (the system operator).
    AnyInstitution,
}

impl Relation {
    pub fn label(self) -> &'static str {
        match self {
            Relation::Own => "their own",
            Relation::Paired => "of someone they are paired with",
            Relation::Party => "that they are one side of",
            Relation::SameUnit => "in their unit",
            Relation::SameInstitution => "in their institution",
            Relation::AnyInstitution => "in any institution",
        }
    }
}

/// How much of the object is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Aggregates only, suppressed below the minimum group size.
    Aggregate,
    /// Directory fields: no HR identifiers, no resource controller.
    Directory,
    /// Every field.
    Full,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub who: Who,
    pub action: Action,
    pub relation: Relation,
    pub view: View,
}

const fn rule(who: Who, action: Action, relation: Relation, view: View) -> Rule {
    Rule {
        who,
        action,
        relation,
        view,
    }
}

use Action::*;
use Relation::*;
use Role::*;
use View::*;

/// The whole policy. Read it as: WHO may ACTION an object RELATION, and
/// then sees VIEW of it.
pub const POLICY: &[Rule] = &[
    // The institution itself.
    rule(Who::Role(Mentee), ReadInstitution, SameInstitution, Full),
    rule(Who::Role(Mentor), ReadInstitution, SameInstitution, Full),
    rule(
        Who::Role(Facilitator),
        ReadInstitution,
        SameInstitution,
        Full,
    ),
    rule(
        Who::Role(UnitLeader),
        ReadInstitution,
        SameInstitution,
        Full,
    ),
    rule(Who::Role(Evaluator), ReadInstitution, SameInstitution, Full),
    rule(
        Who::Role(InstitutionAdmin),
        ReadInstitution,
        SameInstitution,
        Full,
    ),
    rule(
        Who::Role(SystemOperator),
        ReadInstitution,
        AnyInstitution,
        Full,
    ),
    // The directory: finding a mentor starts here. Evaluators work on
    // de-identified data and the operator reads no people data.
    rule(Who::Role(Mentee), ReadDirectory, SameInstitution, Directory),
    rule(Who::Role(Mentor), ReadDirectory, SameInstitution, Directory),
    rule(
        Who::Role(Facilitator),
        ReadDirectory,
        SameInstitution,
        Directory,
    ),
    rule(
        Who::Role(UnitLeader),
        ReadDirectory,
        SameInstitution,
        Directory,
    ),
    rule(
        Who::Role(InstitutionAdmin),
        ReadDirectory,
        SameInstitution,
        Full,
    ),
    // Profiles. Facilitators see reporting lines and resource control in
    // their unit because they judge conflicts of interest there.
    rule(Who::Anyone, ReadProfile, Own, Full),
    rule(Who::Role(Mentee), ReadProfile, SameInstitution, Directory),
    rule(Who::Role(Mentor), ReadProfile, SameInstitution, Directory),
    rule(
        Who::Role(Facilitator),
        ReadProfile,
        SameInstitution,
        Directory,
    ),
    rule(Who::Role(Facilitator), ReadProfile, SameUnit, Full),
    rule(
        Who::Role(UnitLeader),
        ReadProfile,
        SameInstitution,
        Directory,
    ),
    rule(
        Who::Role(InstitutionAdmin),
        ReadProfile,
        SameInstitution,
        Full,
    ),
    rule(Who::Anyone, EditProfile, Own, Full),
    // Aggregates. Chairs and directors see their unit, never individuals'
    // confidential data.
    rule(Who::Role(UnitLeader), ReadUnitSummary, SameUnit, Aggregate),
    rule(Who::Role(Facilitator), ReadUnitSummary, SameUnit, Aggregate),
    rule(
        Who::Role(Evaluator),
        ReadUnitSummary,
        SameInstitution,
        Aggregate,
    ),
    rule(
        Who::Role(InstitutionAdmin),
        ReadUnitSummary,
        SameInstitution,
        Aggregate,
    ),
    rule(
        Who::Role(Facilitator),
        ReadReports,
        SameInstitution,
        Aggregate,
    ),
    rule(
        Who::Role(Evaluator),
        ReadReports,
        SameInstitution,
        Aggregate,
    ),
    rule(
        Who::Role(InstitutionAdmin),
        ReadReports,
        SameInstitution,
        Aggregate,
    ),
    // Administration.
    rule(
        Who::Role(InstitutionAdmin),
        ReadPermissions,
        SameInstitution,
        Full,
    ),
    rule(
        Who::Role(SystemOperator),
        ReadPermissions,
        AnyInstitution,
        Full,
    ),
    rule(
        Who::Role(InstitutionAdmin),
        ReadAudit,
        SameInstitution,
        Full,
    ),
    rule(
        Who::Role(InstitutionAdmin),
        ManageAccounts,
        SameInstitution,
        Full,
    ),
    rule(
        Who::Role(SystemOperator),
        ManageAccounts,
        AnyInstitution,
        Full,
    ),
    rule(Who::Anyone, ManageOwnCredentials, Own, Full),
    // Finding a mentor. A mentee acts for themself; anyone with a person
    // may be asked to mentor and answers only what is addressed to them.
    rule(Who::Role(Mentee), FindMentor, Own, Full),
    rule(Who::Anyone, AnswerRequests, Own, Full),
    rule(Who::Role(Facilitator), ManageProgram, SameInstitution, Full),
    rule(
        Who::Role(InstitutionAdmin),
        ManageProgram,
        SameInstitution,
        Full,
    ),
    rule(Who::Role(Facilitator), RunRounds, SameInstitution, Full),
    // A relationship belongs to its two sides: no role, not the chair, not
    // the facilitator, reads its agreement, meetings or notes.
    rule(Who::Anyone, TakePartInRelationship, Party, Full),
    rule(
        Who::Role(Facilitator),
        OverseeRelationships,
        SameInstitution,
        Directory,
    ),
    // Health and brokering: the facilitator of the mentee's unit only.
    // Chairs and directors see health as suppressed unit aggregates
    // (ReadUnitSummary), never a relationship or a person.
    rule(Who::Role(Facilitator), WatchHealth, SameUnit, Full),
];

/// What an action is aimed at, as far as the policy cares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target {
    pub institution: Option<InstitutionId>,
    pub department: Option<DepartmentId>,
    pub division: Option<DivisionId>,
    pub person: Option<PersonId>,
    pub account: Option<AccountId>,
    /// For a relationship: its mentee and mentor.
    pub parties: Option<(PersonId, PersonId)>,
}

impl Target {
    pub fn institution(id: InstitutionId) -> Self {
        Target {
            institution: Some(id),
            ..Default::default()
        }
    }

    pub fn person(p: &tandem_domain::PersonProfile) -> Self {
        Target {
            institution: Some(p.institution_id),
            department: Some(p.department_id),
            division: Some(p.division_id),
            person: Some(p.id),
            account: None,
            parties: None,
        }
    }

    /// A relationship, placed in the unit of its mentee (whose
    /// department and division decide which facilitator watches it).
    pub fn relationship_in_unit(
        institution: InstitutionId,
        mentee: &tandem_domain::PersonProfile,
        mentor: PersonId,
    ) -> Self {
        Target {
            institution: Some(institution),
            department: Some(mentee.department_id),
            division: Some(mentee.division_id),
            person: None,
            account: None,
            parties: Some((mentee.id, mentor)),
        }
    }

    /// A relationship between `mentee` and `mentor`.
    pub fn relationship(institution: InstitutionId, mentee: PersonId, mentor: PersonId) -> Self {
        Target {
            institution: Some(institution),
            parties: Some((mentee, mentor)),
            ..Default::default()
        }
    }

    pub fn division(
        institution: InstitutionId,
        department: DepartmentId,
        division: DivisionId,
    ) -> Self {
        Target {
            institution: Some(institution),
            department: Some(department),
            division: Some(division),
            ..Default::default()
        }
    }

    /// The actor's own account (its person too, when linked).
    pub fn own(principal: &Principal) -> Self {
        Target {
            institution: principal.institution.as_ref().map(|i| i.id),
            person: principal.person,
            account: Some(principal.account),
            ..Default::default()
        }
    }
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow(View),
    /// Not allowed; the object is in the actor's institution (403).
    Deny,
    /// Not allowed, and the object is in another institution: answer as if
    /// it did not exist (404).
    Invisible,
}

fn unit_contains(unit: UnitScope, target: &Target) -> bool {
    match unit {
        UnitScope::Institution => true,
        UnitScope::Department(d) => target.department == Some(d),
        UnitScope::Division(d) => target.division == Some(d),
    }
}

fn holds(
    relation: Relation,
    grant: Option<&Grant>,
    principal: &Principal,
    target: &Target,
    paired: bool,
) -> bool {
    let own_institution = principal.institution.as_ref().map(|i| i.id);
    let in_grant_institution =
        grant.is_some_and(|g| g.institution.is_some() && g.institution == target.institution);
    match relation {
        Own => {
            target.institution == own_institution
                && ((target.person.is_some() && target.person == principal.person)
                    || target.account == Some(principal.account))
        }
        Paired => paired && target.institution == own_institution,
        Party => {
            target.institution == own_institution
                && principal.person.is_some()
                && target.parties.is_some_and(|(a, b)| {
                    principal.person == Some(a) || principal.person == Some(b)
                })
        }
        SameUnit => in_grant_institution && grant.is_some_and(|g| unit_contains(g.unit, target)),
        SameInstitution => in_grant_institution,
        AnyInstitution => grant.is_some_and(|g| g.role.is_global()),
    }
}

/// Decides whether `principal` may take `action` on `target`. `paired`
/// says whether the target's person is in a relationship with the actor.
pub fn decide(principal: &Principal, action: Action, target: &Target, paired: bool) -> Decision {
    let mut best: Option<View> = None;
    for rule in POLICY.iter().filter(|r| r.action == action) {
        let allowed = match rule.who {
            Who::Anyone => holds(rule.relation, None, principal, target, paired),
            Who::Role(role) => principal
                .grants
                .iter()
                .filter(|g| g.role == role)
                .any(|g| holds(rule.relation, Some(g), principal, target, paired)),
        };
        if allowed {
            best = best.max(Some(rule.view));
        }
    }
    match best {
        Some(view) => Decision::Allow(view),
        None => {
            let own_institution = principal.institution.as_ref().map(|i| i.id);
            if target.institution.is_some() && target.institution != own_institution {
                Decision::Invisible
            } else {
                Decision::Deny
            }
        }
    }
}

/// Whether any rule lets this principal take `action` somewhere: used to
/// show or hide navigation, never to authorise.
pub fn may_ever(principal: &Principal, action: Action) -> bool {
    POLICY
        .iter()
        .filter(|r| r.action == action)
        .any(|r| match r.who {
            Who::Anyone => true,
            Who::Role(role) => principal.grants.iter().any(|g| g.role == role),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_domain::{Institution, InstitutionSlug};

    fn principal(
        institution: &Institution,
        grants: Vec<Grant>,
        person: Option<PersonId>,
    ) -> Principal {
        Principal {
            account: AccountId::new_random(),
            username: "x".into(),
            institution: Some(institution.clone()),
            person,
            grants,
            csrf_token: None,
            session_hash: None,
        }
    }

    fn institution(slug: &str) -> Institution {
        Institution {
            id: InstitutionId::new_random(),
            slug: InstitutionSlug::parse(slug).expect("slug"),
            name: slug.into(),
        }
    }

    #[test]
    fn every_action_has_a_rule() {
        for action in Action::ALL {
            assert!(
                POLICY.iter().any(|r| r.action == *action),
                "{action:?} has no rule"
            );
        }
    }

    #[test]
    fn other_institutions_are_invisible_and_nothing_is_allowed_by_default() {
        let north = institution("north");
        let south = institution("south");
        let mentee = principal(
            &north,
            vec![Grant {
                role: Mentee,
                institution: Some(north.id),
                unit: UnitScope::Institution,
            }],
            None,
        );
        assert_eq!(
            decide(
                &mentee,
                ReadDirectory,
                &Target::institution(north.id),
                false
            ),
            Decision::Allow(Directory)
        );
        assert_eq!(
            decide(
                &mentee,
                ReadDirectory,
                &Target::institution(south.id),
                false
            ),
            Decision::Invisible
        );
        assert_eq!(
            decide(&mentee, ReadAudit, &Target::institution(north.id), false),
            Decision::Deny
        );
        let nobody = principal(&north, vec![], None);
        for action in Action::ALL {
            let d = decide(&nobody, *action, &Target::institution(north.id), false);
            assert_ne!(
                d,
                Decision::Allow(Full),
                "{action:?} allowed without a role"
            );
        }
    }

    #[test]
    fn a_unit_leader_sees_only_their_unit() {
        let north = institution("north");
        let dept = DepartmentId::new_random();
        let (mine, other) = (DivisionId::new_random(), DivisionId::new_random());
        let leader = principal(
            &north,
            vec![Grant {
                role: UnitLeader,
                institution: Some(north.id),
                unit: UnitScope::Division(mine),
            }],
            None,
        );
        assert_eq!(
            decide(
                &leader,
                ReadUnitSummary,
                &Target::division(north.id, dept, mine),
                false
            ),
            Decision::Allow(Aggregate)
        );
        assert_eq!(
            decide(
                &leader,
                ReadUnitSummary,
                &Target::division(north.id, dept, other),
                false
            ),
            Decision::Deny
        );
        let chair = principal(
            &north,
            vec![Grant {
                role: UnitLeader,
                institution: Some(north.id),
                unit: UnitScope::Department(dept),
            }],
            None,
        );
        assert_eq!(
            decide(
                &chair,
                ReadUnitSummary,
                &Target::division(north.id, dept, other),
                false
            ),
            Decision::Allow(Aggregate)
        );
    }
}
