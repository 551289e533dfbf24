use tandem_domain::{Institution, InstitutionId};

/// Proof that a caller has resolved one institution. Every query on
/// institution-owned rows takes one and filters by it, so tenant isolation
/// never depends on someone remembering a WHERE clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstitutionScope {
    id: InstitutionId,
}

impl InstitutionScope {
    /// The scope of an institution the caller has loaded.
    pub fn of(institution: &Institution) -> Self {
        Self { id: institution.id }
    }

    pub fn institution_id(&self) -> InstitutionId {
        self.id
    }
}
