//! Roster import (M1): the CSV an HR system exports, turned into
//! departments, divisions and people.
//!
//! The import is all-or-nothing (every row is checked before anything is
//! written, and the writes run in one transaction), idempotent (keyed by
//! institution and employee id; unchanged people are not touched at all)
//! and order-free (a supervisor may appear after the people who report to
//! them). The file format is documented in docs/roster-format.md.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use serde::Serialize;
use tandem_domain::values::parse_contact_channels;
use tandem_domain::{
    ContactChannel, DepartmentId, DivisionId, Email, Gender, Institution, Leadership, PersonId,
    PersonProfile, Rank, Stream, TagList, ValueError, WorkingStyle,
};
use tandem_store::roster::{RosterChanges, RosterSnapshot};
use tandem_store::units::{Department, Division};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Columns every roster must have.
pub const REQUIRED_COLUMNS: &[&str] = &[
    "employee_id",
    "given_name",
    "family_name",
    "email",
    "department",
    "division",
    "rank",
    "stream",
    "gender",
    "appointment_date",
];

/// Columns a roster may have.
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "supervisor_employee_id",
    "resource_controller_employee_id",
    "leadership",
    "research_interests",
    "clinical_interests",
    "education_interests",
    "values",
    "working_style",
    "mentoring_years",
    "past_mentees",
    "location",
    "contact_channels",
];

/// One problem with one row: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {}: {}", self.line, c, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the roster cannot be read: {0}")]
    File(String),
    #[error("{} bad row(s); nothing was imported", .0.len())]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One parsed, valid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRecord {
    pub line: u64,
    pub employee_id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Email,
    pub department: String,
    pub division: String,
    pub rank: Rank,
    pub stream: Stream,
    pub gender: Gender,
    pub appointment_date: Date,
    pub supervisor_employee_id: Option<String>,
    pub resource_controller_employee_id: Option<String>,
    pub leadership: Leadership,
    pub research_interests: TagList,
    pub clinical_interests: TagList,
    pub education_interests: TagList,
    pub values: TagList,
    pub working_style: WorkingStyle,
    pub mentoring_years: u16,
    pub past_mentees: u16,
    pub location: Option<String>,
    pub contact_channels: Vec<ContactChannel>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub departments_created: usize,
    pub divisions_created: usize,
}

/// Progress callbacks for long imports.
pub trait Progress: Send + Sync {
    /// A new stage begins with `total` steps.
    fn stage(&self, name: &str, total: u64);
    /// `done` steps of the current stage are complete.
    fn set(&self, done: u64);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _: &str, _: u64) {}
    fn set(&self, _: u64) {}
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Reads and checks every row of a roster. Returns all bad rows at once.
pub fn parse_roster<R: Read>(input: R) -> Result<Vec<RosterRecord>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let headers = reader
        .byte_headers()
        .map_err(|e| ImportError::File(e.to_string()))?
        .clone();
    let columns = Columns::from_header(&headers)?;

    let mut records = Vec::new();
    let mut errors = Vec::new();
    for result in reader.byte_records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(RowError {
                    line,
                    column: None,
                    message: format!("malformed CSV: {e}"),
                });
                // A broken quote can make the rest unreadable: stop here,
                // but still report everything found so far.
                break;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() != headers.len() {
            errors.push(RowError {
                line,
                column: None,
                message: format!("expected {} fields, found {}", headers.len(), record.len()),
            });
            continue;
        }
        match RowReader::new(&columns, &record, line).read() {
            Ok(r) => records.push(r),
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
    }
    if records.is_empty() && errors.is_empty() {
        return Err(ImportError::File(
            "the file has a header but no rows".into(),
        ));
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(ImportError::Rows(errors))
    }
}

/// Column positions, from the header row.
struct Columns {
    index: HashMap<&'static str, usize>,
}

impl Columns {
    fn from_header(headers: &csv::ByteRecord) -> Result<Self, ImportError> {
        let mut index = HashMap::new();
        let mut unknown = Vec::new();
        for (i, raw) in headers.iter().enumerate() {
            let name = String::from_utf8_lossy(raw);
            let name = name.trim().trim_start_matches('\u{feff}').to_lowercase();
            let known = REQUIRED_COLUMNS
                .iter()
                .chain(OPTIONAL_COLUMNS)
                .find(|c| **c == name);
            match known {
                Some(c) => {
                    if index.insert(*c, i).is_some() {
                        return Err(ImportError::File(format!(
                            "column {c:?} appears twice in the header"
                        )));
                    }
                }
                None => unknown.push(name),
            }
        }
        if !unknown.is_empty() {
            return Err(ImportError::File(format!(
                "unknown column(s) {}; allowed columns are {}",
                unknown.join(", "),
                REQUIRED_COLUMNS
                    .iter()
                    .chain(OPTIONAL_COLUMNS)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let missing: Vec<&str> = REQUIRED_COLUMNS
            .iter()
            .copied()
            .filter(|c| !index.contains_key(c))
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::File(format!(
                "missing required column(s): {}",
                missing.join(", ")
            )));
        }
        Ok(Columns { index })
    }
}

/// Reads one row, collecting every problem in it.
struct RowReader<'a> {
    columns: &'a Columns,
    record: &'a csv::ByteRecord,
    line: u64,
    errors: Vec<RowError>,
}

impl<'a> RowReader<'a> {
    fn new(columns: &'a Columns, record: &'a csv::ByteRecord, line: u64) -> Self {
        Self {
            columns,
            record,
            line,
            errors: Vec::new(),
        }
    }

    fn fail(&mut self, column: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            line: self.line,
            column: Some(column.to_string()),
            message: message.into(),
        });
    }

    fn value_error(&mut self, column: &str, e: ValueError) {
        self.fail(
            column,
            format!("{:?} is not valid: {}", e.value, e.expected),
        );
    }

    /// The trimmed text of a column ("" when the column is absent).
    fn text(&mut self, column: &'static str) -> String {
        let Some(&i) = self.columns.index.get(column) else {
            return String::new();
        };
        let raw = self.record.get(i).unwrap_or_default();
        match std::str::from_utf8(raw) {
            Ok(s) => s.trim().to_string(),
            Err(_) => {
                self.fail(column, "is not valid UTF-8 (save the file as UTF-8)");
                String::new()
            }
        }
    }

    fn required(&mut self, column: &'static str, max_chars: usize) -> String {
        let s = self.text(column);
        if s.is_empty() {
            self.fail(column, "is required");
        } else if s.chars().count() > max_chars {
            self.fail(column, format!("is longer than {max_chars} characters"));
        } else if s.chars().any(char::is_control) {
            self.fail(column, "contains control characters");
        }
        s
    }

    fn optional(&mut self, column: &'static str, max_chars: usize) -> Option<String> {
        let s = self.text(column);
        if s.is_empty() {
            return None;
        }
        if s.chars().count() > max_chars {
            self.fail(column, format!("is longer than {max_chars} characters"));
        } else if s.chars().any(char::is_control) {
            self.fail(column, "contains control characters");
        }
        Some(s)
    }

    fn parsed<T>(
        &mut self,
        column: &'static str,
        required: bool,
        parse: impl Fn(&str) -> Result<T, ValueError>,
    ) -> Option<T> {
        let s = self.text(column);
        if s.is_empty() && required {
            self.fail(column, "is required");
            return None;
        }
        match parse(&s) {
            Ok(v) => Some(v),
            Err(e) => {
                self.value_error(column, e);
                None
            }
        }
    }

    fn count(&mut self, column: &'static str, max: u16) -> u16 {
        let s = self.text(column);
        if s.is_empty() {
            return 0;
        }
        match s.parse::<u16>() {
            Ok(n) if n <= max => n,
            _ => {
                self.fail(
                    column,
                    format!("{s:?} is not valid: expected a whole number from 0 to {max}"),
                );
                0
            }
        }
    }

    fn read(mut self) -> Result<RosterRecord, Vec<RowError>> {
        let employee_id = self.required("employee_id", 64);
        let given_name = self.required("given_name", 100);
        let family_name = self.required("family_name", 100);
        let email = self.parsed("email", true, Email::parse);
        let department = self.required("department", 120);
        let division = self.required("division", 120);
        let rank = self.parsed("rank", true, Rank::parse);
        let stream = self.parsed("stream", true, Stream::parse);
        let gender = self.parsed("gender", true, Gender::parse);
        let appointment_date = self.parsed("appointment_date", true, |s| {
            Date::parse(s, DATE_FORMAT).map_err(|_| {
                ValueError::new("appointment_date", s, "expected a date as YYYY-MM-DD")
            })
        });
        let supervisor_employee_id = self.optional("supervisor_employee_id", 64);
        let resource_controller_employee_id = self.optional("resource_controller_employee_id", 64);
        let leadership = self.parsed("leadership", false, Leadership::parse);
        let research_interests = self.parsed("research_interests", false, |s| {
            TagList::parse("research_interests", s)
        });
        let clinical_interests = self.parsed("clinical_interests", false, |s| {
            TagList::parse("clinical_interests", s)
        });
        let education_interests = self.parsed("education_interests", false, |s| {
            TagList::parse("education_interests", s)
        });
        let values = self.parsed("values", false, |s| TagList::parse("values", s));
        let working_style = self.parsed("working_style", false, WorkingStyle::parse);
        let mentoring_years = self.count("mentoring_years", 70);
        let past_mentees = self.count("past_mentees", 1000);
        let location = self.optional("location", 200);
        let contact_channels = self.parsed("contact_channels", false, parse_contact_channels);

        match (
            self.errors.is_empty(),
            email,
            rank,
            stream,
            gender,
            appointment_date,
            leadership,
            research_interests,
            clinical_interests,
            education_interests,
            values,
            working_style,
            contact_channels,
        ) {
            (
                true,
                Some(email),
                Some(rank),
                Some(stream),
                Some(gender),
                Some(appointment_date),
                Some(leadership),
                Some(research_interests),
                Some(clinical_interests),
                Some(education_interests),
                Some(values),
                Some(working_style),
                Some(contact_channels),
            ) => Ok(RosterRecord {
                line: self.line,
                employee_id,
                given_name,
                family_name,
                email,
                department,
                division,
                rank,
                stream,
                gender,
                appointment_date,
                supervisor_employee_id,
                resource_controller_employee_id,
                leadership,
                research_interests,
                clinical_interests,
                education_interests,
                values,
                working_style,
                mentoring_years,
                past_mentees,
                location,
                contact_channels,
            }),
            _ => Err(self.errors),
        }
    }
}

/// Imports parsed rows into an institution: checks the rows against each
/// other and against what is stored, then writes every change in one
/// transaction. `new_id` makes the ids of new rows (random in production,
/// seeded in the demo).
pub async fn import_roster(
    db: &Db,
    institution: &Institution,
    records: &[RosterRecord],
    now: OffsetDateTime,
    new_id: &mut (dyn FnMut() -> Uuid + Send),
    progress: &dyn Progress,
) -> Result<ImportSummary, ImportError> {
    let scope = InstitutionScope::of(institution);
    let snapshot = tandem_store::roster::snapshot(db, &scope).await?;
    let (changes, summary) = plan(institution, &snapshot, records, new_id)?;
    if !changes.is_empty() {
        progress.stage("writing", changes.len() as u64);
        tandem_store::roster::apply(db, &scope, &changes, now, &|done| progress.set(done as u64))
            .await?;
    }
    Ok(summary)
}

/// Decides what an import changes, or why it cannot. Pure: no IO.
pub fn plan(
    institution: &Institution,
    snapshot: &RosterSnapshot,
    records: &[RosterRecord],
    new_id: &mut (dyn FnMut() -> Uuid + Send),
) -> Result<(RosterChanges, ImportSummary), ImportError> {
    let mut errors = Vec::new();

    // Each employee id and e-mail address once per file.
    let mut by_employee: HashMap<&str, &RosterRecord> = HashMap::new();
    let mut by_email: HashMap<&str, &RosterRecord> = HashMap::new();
    for r in records {
        if let Some(first) = by_employee.insert(&r.employee_id, r) {
            by_employee.insert(&first.employee_id, first);
            errors.push(row_error(
                r,
                "employee_id",
                format!("{:?} already appears on line {}", r.employee_id, first.line),
            ));
        }
        if let Some(first) = by_email.insert(r.email.as_str(), r) {
            by_email.insert(first.email.as_str(), first);
            errors.push(row_error(
                r,
                "email",
                format!("{} already appears on line {}", r.email, first.line),
            ));
        }
    }

    let existing: HashMap<&str, &PersonProfile> = snapshot
        .people
        .iter()
        .map(|p| (p.employee_id.as_str(), p))
        .collect();
    let existing_by_id: HashMap<PersonId, &PersonProfile> =
        snapshot.people.iter().map(|p| (p.id, p)).collect();

    // An e-mail may not belong to someone already stored under another id,
    // unless that person's row in this file moves them to another address.
    for p in &snapshot.people {
        if by_employee.contains_key(p.employee_id.as_str()) {
            continue;
        }
        if let Some(r) = by_email.get(p.email.as_str()) {
            errors.push(row_error(
                r,
                "email",
                format!(
                    "{} already belongs to employee {:?}",
                    r.email, p.employee_id
                ),
            ));
        }
    }

    // References must name someone in the file or already stored.
    let known = |id: &str| by_employee.contains_key(id) || existing.contains_key(id);
    for r in records {
        for (column, target) in [
            ("supervisor_employee_id", &r.supervisor_employee_id),
            (
                "resource_controller_employee_id",
                &r.resource_controller_employee_id,
            ),
        ] {
            if let Some(t) = target
                && !known(t)
            {
                errors.push(row_error(
                    r,
                    column,
                    format!("no employee {t:?} in this file or in the institution"),
                ));
            }
        }
    }

    // The reporting line after the import: file rows override stored ones.
    let mut supervisor_of: BTreeMap<String, Option<String>> = BTreeMap::new();
    for p in &snapshot.people {
        let sup = p
            .supervisor_id
            .and_then(|s| existing_by_id.get(&s))
            .map(|s| s.employee_id.clone());
        supervisor_of.insert(p.employee_id.clone(), sup);
    }
    for r in records {
        supervisor_of.insert(r.employee_id.clone(), r.supervisor_employee_id.clone());
    }
    for cycle in reporting_cycles(&supervisor_of) {
        let names: Vec<String> = cycle
            .iter()
            .map(|e| {
                by_employee
                    .get(e.as_str())
                    .map(|r| format!("{} {} ({e})", r.given_name, r.family_name))
                    .or_else(|| {
                        existing
                            .get(e.as_str())
                            .map(|p| format!("{} ({e})", p.display_name()))
                    })
                    .unwrap_or_else(|| e.clone())
            })
            .collect();
        let at = cycle
            .iter()
            .filter_map(|e| by_employee.get(e.as_str()))
            .map(|r| r.line)
            .min()
            .unwrap_or(0);
        errors.push(RowError {
            line: at,
            column: Some("supervisor_employee_id".into()),
            message: format!(
                "reporting-line cycle: {} reports to {}",
                names.join(" reports to "),
                names.first().cloned().unwrap_or_default()
            ),
        });
    }

    if !errors.is_empty() {
        errors.sort_by(|a, b| (a.line, &a.column).cmp(&(b.line, &b.column)));
        errors.dedup();
        return Err(ImportError::Rows(errors));
    }

    // Units: matched by name, case-insensitively, created as needed.
    let mut changes = RosterChanges::default();
    let mut departments: HashMap<String, DepartmentId> = snapshot
        .departments
        .iter()
        .map(|d| (d.name.to_lowercase(), d.id))
        .collect();
    let mut divisions: HashMap<(DepartmentId, String), DivisionId> = snapshot
        .divisions
        .iter()
        .map(|d| ((d.department_id, d.name.to_lowercase()), d.id))
        .collect();
    let mut unit_of = Vec::with_capacity(records.len());
    for r in records {
        let department_id = *departments
            .entry(r.department.to_lowercase())
            .or_insert_with(|| {
                let id = DepartmentId(new_id());
                changes.new_departments.push(Department {
                    id,
                    name: r.department.clone(),
                });
                id
            });
        let division_id = *divisions
            .entry((department_id, r.division.to_lowercase()))
            .or_insert_with(|| {
                let id = DivisionId(new_id());
                changes.new_divisions.push(Division {
                    id,
                    department_id,
                    name: r.division.clone(),
                });
                id
            });
        unit_of.push((department_id, division_id));
    }

    // Person ids: kept for known employees, new otherwise.
    let mut ids: HashMap<&str, PersonId> = existing.iter().map(|(e, p)| (*e, p.id)).collect();
    for r in records {
        ids.entry(&r.employee_id)
            .or_insert_with(|| PersonId(new_id()));
    }
    let id_of = |e: &Option<String>| e.as_deref().and_then(|e| ids.get(e).copied());

    let mut summary = ImportSummary {
        rows: records.len(),
        departments_created: changes.new_departments.len(),
        divisions_created: changes.new_divisions.len(),
        ..ImportSummary::default()
    };
    let mut seen = HashSet::new();
    for (r, (department_id, division_id)) in records.iter().zip(unit_of) {
        if !seen.insert(r.employee_id.as_str()) {
            continue;
        }
        let profile = PersonProfile {
            id: ids[r.employee_id.as_str()],
            institution_id: institution.id,
            employee_id: r.employee_id.clone(),
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            email: r.email.clone(),
            department_id,
            division_id,
            rank: r.rank,
            stream: r.stream,
            gender: r.gender.clone(),
            appointment_date: r.appointment_date,
            research_interests: r.research_interests.clone(),
            clinical_interests: r.clinical_interests.clone(),
            education_interests: r.education_interests.clone(),
            values: r.values.clone(),
            working_style: r.working_style,
            mentoring_years: r.mentoring_years,
            past_mentees: r.past_mentees,
            location: r.location.clone(),
            contact_channels: r.contact_channels.clone(),
            supervisor_id: id_of(&r.supervisor_employee_id),
            resource_controller_id: id_of(&r.resource_controller_employee_id),
            leadership: r.leadership,
        };
        match existing.get(r.employee_id.as_str()) {
            None => {
                summary.created += 1;
                changes.inserts.push(profile);
            }
            Some(old) if **old == profile => summary.unchanged += 1,
            Some(_) => {
                summary.updated += 1;
                changes.updates.push(profile);
            }
        }
    }
    Ok((changes, summary))
}

fn row_error(r: &RosterRecord, column: &str, message: String) -> RowError {
    RowError {
        line: r.line,
        column: Some(column.to_string()),
        message,
    }
}

/// Every cycle in a "reports to" graph, each listed once, starting from
/// its smallest employee id so the output is stable.
fn reporting_cycles(supervisor_of: &BTreeMap<String, Option<String>>) -> Vec<Vec<String>> {
    // Each node has at most one outgoing edge, so following it from every
    // unvisited node finds each cycle exactly once.
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unseen,
        OnPath,
        Done,
    }
    let mut state: HashMap<&str, State> = supervisor_of
        .keys()
        .map(|k| (k.as_str(), State::Unseen))
        .collect();
    let mut cycles = Vec::new();
    for start in supervisor_of.keys() {
        if state[start.as_str()] != State::Unseen {
            continue;
        }
        let mut path: Vec<&str> = Vec::new();
        let mut node = Some(start.as_str());
        while let Some(n) = node {
            match state.get(n).copied() {
                Some(State::Unseen) => {
                    state.insert(n, State::OnPath);
                    path.push(n);
                    node = supervisor_of.get(n).and_then(|s| s.as_deref());
                }
                Some(State::OnPath) => {
                    if let Some(pos) = path.iter().position(|p| *p == n) {
                        let mut cycle: Vec<String> =
                            path[pos..].iter().map(|s| s.to_string()).collect();
                        if let Some(min) = cycle
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, e)| *e)
                            .map(|(i, _)| i)
                        {
                            cycle.rotate_left(min);
                        }
                        cycles.push(cycle);
                    }
                    break;
                }
                // Done, or a reference to nobody (reported elsewhere).
                _ => break,
            }
        }
        for p in path {
            state.insert(p, State::Done);
        }
    }
    cycles
}

/// Writes records as a roster file in the documented format, every column
/// present. Reading the output back with [`parse_roster`] gives the same
/// records (apart from line numbers).
pub fn write_roster_csv<W: std::io::Write>(
    records: &[RosterRecord],
    out: W,
) -> Result<(), csv::Error> {
    use tandem_domain::values::contact_channels_code;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(REQUIRED_COLUMNS.iter().chain(OPTIONAL_COLUMNS))?;
    for r in records {
        w.write_record([
            r.employee_id.as_str(),
            &r.given_name,
            &r.family_name,
            r.email.as_str(),
            &r.department,
            &r.division,
            r.rank.code(),
            r.stream.code(),
            &r.gender
                .code()
                .replacen("self_described:", "self-described: ", 1),
            &r.appointment_date.to_string(),
            r.supervisor_employee_id.as_deref().unwrap_or(""),
            r.resource_controller_employee_id.as_deref().unwrap_or(""),
            r.leadership.code(),
            &r.research_interests.code(),
            &r.clinical_interests.code(),
            &r.education_interests.code(),
            &r.values.code(),
            &r.working_style.code(),
            &r.mentoring_years.to_string(),
            &r.past_mentees.to_string(),
            r.location.as_deref().unwrap_or(""),
            &contact_channels_code(&r.contact_channels),
        ])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
        edges
            .iter()
            .map(|(a, b)| (a.to_string(), b.map(str::to_string)))
            .collect()
    }

    #[test]
    fn finds_each_cycle_once() {
        let g = graph(&[
            ("a", Some("b")),
            ("b", Some("c")),
            ("c", Some("a")),
            ("d", Some("a")),
            ("e", Some("e")),
            ("f", None),
            ("g", Some("f")),
        ]);
        assert_eq!(reporting_cycles(&g), vec![vec!["a", "b", "c"], vec!["e"]]);
    }

    #[test]
    fn a_tree_has_no_cycle() {
        let g = graph(&[
            ("a", None),
            ("b", Some("a")),
            ("c", Some("b")),
            ("d", Some("zz")),
        ]);
        assert!(reporting_cycles(&g).is_empty());
    }

    const HEADER: &str = "employee_id,given_name,family_name,email,department,division,rank,stream,gender,appointment_date";

    #[test]
    fn every_bad_field_is_reported_with_line_and_column() {
        let csv = format!(
            "{HEADER}\nE1,Ada,Lovelace,ada@x.org,Medicine,Cardiology,Reader,scientist,F,2020-01-01\n\
             E2,,Byron,not-an-email,Medicine,Cardiology,Professor,teacher,M,2020-13-01\n"
        );
        let Err(ImportError::Rows(errors)) = parse_roster(csv.as_bytes()) else {
            panic!("expected row errors")
        };
        let at: Vec<(u64, &str)> = errors
            .iter()
            .map(|e| (e.line, e.column.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            at,
            vec![
                (2, "rank"),
                (3, "given_name"),
                (3, "email"),
                (3, "appointment_date")
            ]
        );
        assert!(
            errors[0].message.contains("lecturer, assistant_professor"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn header_problems_are_file_errors() {
        let missing = "employee_id,given_name\nE1,Ada\n";
        assert!(
            matches!(parse_roster(missing.as_bytes()), Err(ImportError::File(m)) if m.contains("family_name"))
        );
        let unknown = format!("{HEADER},favourite_colour\n");
        assert!(
            matches!(parse_roster(unknown.as_bytes()), Err(ImportError::File(m)) if m.contains("favourite_colour"))
        );
    }

    #[test]
    fn the_demo_roster_round_trips_through_csv() {
        let records = crate::demo::roster(&crate::demo::NORTHSHORE, 3);
        let mut file = Vec::new();
        write_roster_csv(&records, &mut file).expect("write");
        let back = parse_roster(file.as_slice()).expect("parse what we wrote");
        assert_eq!(back, records);
    }

    #[test]
    fn columns_in_any_order_and_quoted_fields() {
        let csv = "appointment_date,gender,stream,rank,division,department,email,family_name,given_name,employee_id,research_interests\n\
                   2019-07-01,Self-described: genderqueer,Clinician Investigator,Associate Professor,\"Cardiology, Adult\",Medicine,x@y.org,\"O'Neil\",Sam,E9,\"heart failure; \"\"big\"\" data\"\n";
        let records = parse_roster(csv.as_bytes()).expect("valid roster");
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(r.division, "Cardiology, Adult");
        assert_eq!(r.rank, Rank::AssociateProfessor);
        assert_eq!(r.stream, Stream::Investigator);
        assert_eq!(r.gender, Gender::SelfDescribed("genderqueer".into()));
        assert_eq!(
            r.research_interests.items(),
            ["heart failure", "\"big\" data"]
        );
    }
}
