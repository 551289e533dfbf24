//! What the clients did: every write the server acknowledged, every
//! request it refused (by cause), and every write whose outcome a kill
//! left unknown.

use std::collections::BTreeMap;
use std::sync::Mutex;
use uuid::Uuid;

/// The kinds of write the clients make, in the order a relationship goes
/// through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Write {
    /// A mentee asked a mentor (the request's id).
    RequestSent,
    /// The mentor accepted: the relationship exists (the request's id).
    RelationshipCreated,
    /// One side wrote the agreement's terms (the version's id).
    AgreementWritten,
    /// The mentee signed that version.
    AgreementSignedByMentee,
    /// The mentor signed it.
    AgreementSignedByMentor,
    /// The mentee answered a confidential check-in (its id).
    CheckinAnswered,
    /// One side ended the relationship, no fault (the relationship's id).
    RelationshipEnded,
}

impl Write {
    pub fn label(self) -> &'static str {
        match self {
            Write::RequestSent => "request sent",
            Write::RelationshipCreated => "relationship created (request accepted)",
            Write::AgreementWritten => "agreement written",
            Write::AgreementSignedByMentee => "agreement signed by the mentee",
            Write::AgreementSignedByMentor => "agreement signed by the mentor",
            Write::CheckinAnswered => "check-in answered",
            Write::RelationshipEnded => "relationship ended",
        }
    }
}

/// A write the server acknowledged (answered 2xx), and the id that finds
/// it in the database.
#[derive(Debug, Clone, Copy)]
pub struct Ack {
    pub write: Write,
    pub id: Uuid,
}

#[derive(Default)]
struct Inner {
    acks: Vec<Ack>,
    refused: BTreeMap<String, u64>,
    unknown: u64,
}

/// Shared by every client and the killer.
#[derive(Default)]
pub struct Ledger(Mutex<Inner>);

impl Ledger {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A client that panicked holding the lock leaves the data as it
        // was; the counts are still right.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn acknowledged(&self, write: Write, id: Uuid) {
        self.inner().acks.push(Ack { write, id });
    }

    /// A request the server answered with an error: counted by `cause`
    /// (what was asked, the status and the error code or text).
    pub fn refused(&self, cause: String) {
        *self.inner().refused.entry(cause).or_default() += 1;
    }

    /// A write sent but never answered: the kill came first, so it may or
    /// may not have been committed. Nothing is expected of it.
    pub fn unknown(&self) {
        self.inner().unknown += 1;
    }

    pub fn acks(&self) -> Vec<Ack> {
        self.inner().acks.clone()
    }

    pub fn refusals(&self) -> BTreeMap<String, u64> {
        self.inner().refused.clone()
    }

    pub fn refused_total(&self) -> u64 {
        self.inner().refused.values().sum()
    }

    pub fn unknown_total(&self) -> u64 {
        self.inner().unknown
    }
}
