//! Who someone is in a program: roles, and the unit a role is limited to.
//! What each role may do is decided by the policy table in tandem-core.

use crate::ids::{DepartmentId, DivisionId, InstitutionId};
use crate::values::ValueError;
use serde::{Deserialize, Serialize};
use std::fmt;

vocabulary! {
    /// A role an account holds. All but the system operator are held
    /// within one institution; facilitators and unit leaders within one
    /// department or division of it.
    Role, field = "role" {
        Mentee => "mentee", "Mentee", [];
        Mentor => "mentor", "Mentor", [];
        Facilitator => "facilitator", "Program facilitator", ["program facilitator"];
        UnitLeader => "unit_leader", "Chair or division director", ["chair", "division director", "director"];
        Evaluator => "evaluator", "Program evaluator", ["program evaluator"];
        InstitutionAdmin => "institution_admin", "Institution administrator", ["admin", "administrator"];
        SystemOperator => "system_operator", "System operator", ["operator"];
    }
}

impl Role {
    /// Roles that only make sense limited to a department or division.
    pub fn needs_unit(self) -> bool {
        matches!(self, Role::Facilitator | Role::UnitLeader)
    }

    /// The one role held across institutions.
    pub fn is_global(self) -> bool {
        self == Role::SystemOperator
    }
}

/// The part of an institution a role is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum UnitScope {
    /// The whole institution.
    Institution,
    Department(DepartmentId),
    Division(DivisionId),
}

/// One role held by one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    /// None only for the system operator.
    pub institution: Option<InstitutionId>,
    pub unit: UnitScope,
}

impl Grant {
    /// Checks the shape rules: facilitators and unit leaders need a unit,
    /// other roles cover a whole institution, and only the operator has no
    /// institution.
    pub fn new(
        role: Role,
        institution: Option<InstitutionId>,
        unit: UnitScope,
    ) -> Result<Grant, ValueError> {
        let fail = |why: &str| Err(ValueError::new("role", role.code(), why.to_string()));
        match (role.is_global(), institution) {
            (true, Some(_)) => return fail("a system operator is not tied to an institution"),
            (false, None) => return fail("this role is held within an institution"),
            _ => {}
        }
        match (role.needs_unit(), unit) {
            (true, UnitScope::Institution) => {
                fail("expected a department or division for this role")
            }
            (false, UnitScope::Department(_) | UnitScope::Division(_)) => {
                fail("this role covers the whole institution; give no unit")
            }
            _ => Ok(Grant {
                role,
                institution,
                unit,
            }),
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.role.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_follow_the_shape_rules() {
        let inst = Some(InstitutionId::new_random());
        let division = UnitScope::Division(DivisionId::new_random());
        assert!(Grant::new(Role::Mentee, inst, UnitScope::Institution).is_ok());
        assert!(Grant::new(Role::Mentee, inst, division).is_err());
        assert!(Grant::new(Role::UnitLeader, inst, division).is_ok());
        assert!(Grant::new(Role::UnitLeader, inst, UnitScope::Institution).is_err());
        assert!(Grant::new(Role::SystemOperator, None, UnitScope::Institution).is_ok());
        assert!(Grant::new(Role::SystemOperator, inst, UnitScope::Institution).is_err());
        assert!(Grant::new(Role::Evaluator, None, UnitScope::Institution).is_err());
    }

    #[test]
    fn role_parses_its_spellings() {
        assert_eq!(Role::parse("Institution Admin"), Ok(Role::InstitutionAdmin));
        assert_eq!(Role::parse("chair"), Ok(Role::UnitLeader));
        assert!(Role::parse("dean").is_err());
    }
}
