//! The roster import (`tandem import roster`): any bytes as a CSV file.
//!
//! Properties: parsing never panics; every accepted row keeps the limits
//! the importer promises (names and units non-empty, bounded, free of
//! control characters); and the accepted rows, written back as a roster in
//! their stored forms, parse to the same rows (so what the import keeps is
//! a fixed point of the parser: no value changes on a second import).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_core::roster::{
    ImportError, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, RosterRecord, parse_roster,
};
use tandem_domain::values::contact_channels_code;

fuzz_target!(|data: &[u8]| {
    match parse_roster(data) {
        Ok(records) => {
            assert!(!records.is_empty(), "an accepted roster has rows");
            for r in &records {
                check_limits(r);
            }
            let again = parse_roster(write_back(&records).as_slice())
                .unwrap_or_else(|e| panic!("the stored forms do not parse again: {e}"));
            assert_eq!(without_lines(again), without_lines(records));
        }
        Err(ImportError::Rows(errors)) => assert!(!errors.is_empty()),
        Err(ImportError::File(_)) => {}
        Err(ImportError::Store(e)) => panic!("parsing touched the store: {e}"),
    }
});

fn check_limits(r: &RosterRecord) {
    for (text, max) in [
        (&r.employee_id, 64),
        (&r.given_name, 100),
        (&r.family_name, 100),
        (&r.department, 120),
        (&r.division, 120),
    ] {
        assert!(!text.is_empty());
        assert!(text.chars().count() <= max, "{text:?}");
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert_eq!(text.trim(), text);
    }
    for text in [
        &r.supervisor_employee_id,
        &r.resource_controller_employee_id,
        &r.location,
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            !text.is_empty() && !text.chars().any(char::is_control),
            "{text:?}"
        );
    }
    let (local, domain) = r.email.as_str().split_once('@').expect("an address has @");
    assert!(!local.is_empty() && local.len() <= 64 && domain.len() <= 253);
    assert_eq!(r.email.as_str(), r.email.as_str().to_lowercase());
    if let tandem_domain::Gender::SelfDescribed(words) = &r.gender {
        assert!(!words.is_empty() && words.chars().count() <= 100);
        assert!(!words.chars().any(char::is_control), "{words:?}");
    }
    assert!(r.mentoring_years <= 70 && r.past_mentees <= 1000);
}

/// The rows as a roster file, every value in the form Tandem stores.
fn write_back(records: &[RosterRecord]) -> Vec<u8> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut out = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .chain(OPTIONAL_COLUMNS)
        .copied()
        .collect();
    out.write_record(&header).expect("writing to memory");
    for r in records {
        let date = r
            .appointment_date
            .format(format)
            .expect("a parsed date formats");
        let row: Vec<String> = vec![
            r.employee_id.clone(),
            r.given_name.clone(),
            r.family_name.clone(),
            r.email.to_string(),
            r.department.clone(),
            r.division.clone(),
            r.rank.code().into(),
            r.stream.code().into(),
            r.gender.code(),
            date,
            r.supervisor_employee_id.clone().unwrap_or_default(),
            r.resource_controller_employee_id
                .clone()
                .unwrap_or_default(),
            r.leadership.code().into(),
            r.research_interests.code(),
            r.clinical_interests.code(),
            r.education_interests.code(),
            r.values.code(),
            r.working_style.code(),
            r.mentoring_years.to_string(),
            r.past_mentees.to_string(),
            r.location.clone().unwrap_or_default(),
            contact_channels_code(&r.contact_channels),
        ];
        out.write_record(&row).expect("writing to memory");
    }
    out.into_inner().expect("writing to memory")
}

fn without_lines(mut records: Vec<RosterRecord>) -> Vec<RosterRecord> {
    for r in &mut records {
        r.line = 0;
    }
    records
}
