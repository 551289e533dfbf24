//! Typed identifiers, so a person id can never be passed where an
//! institution id is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An institution: the tenant every other record belongs to.
    InstitutionId
);
id_type!(
    /// A department inside an institution.
    DepartmentId
);
id_type!(
    /// A division inside a department.
    DivisionId
);
id_type!(
    /// A faculty member.
    PersonId
);
id_type!(
    /// A sign-in account.
    AccountId
);
id_type!(
    /// A mentee's request to a mentor.
    MentorRequestId
);
id_type!(
    /// A mentoring pair.
    MentorshipId
);
id_type!(
    /// One version of a relationship's agreement.
    AgreementId
);
id_type!(
    /// A meeting of a mentoring pair.
    MeetingId
);
id_type!(
    /// Something one side of a pair agreed to do.
    ActionItemId
);
