//! The mentor suggestions' filters (`GET /mentoring/find` and
//! `GET /api/v1/mentoring/suggestions`): any bytes as the query string,
//! decoded as axum's `Query` decodes it, then applied to a pool of the
//! demo's people.
//!
//! Properties: a bad filter is a 400; an accepted one keeps its free text
//! to 200 characters, and filtering can only narrow the suggestions (never
//! more matches than without the filter).
#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tandem_core::mentoring::{MentoringPool, ProgramSettings, SuggestionFilter};
use tandem_domain::{
    DepartmentId, DivisionId, InstitutionId, MentoringProfile, PersonId, PersonProfile,
};
use tandem_web::AppError;
use tandem_web::fuzzing::SuggestionQuery;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = serde_urlencoded::from_bytes::<SuggestionQuery>(data) else {
        return;
    };
    match query.filter() {
        Ok(filter) => {
            for text in [&filter.query, &filter.interest].into_iter().flatten() {
                assert!(!text.is_empty() && text.chars().count() <= 200);
            }
            let (pool, mentee) = demo_pool();
            let filtered = pool.suggestions(mentee, &filter, 20);
            let all = pool.suggestions(mentee, &SuggestionFilter::default(), 20);
            assert!(filtered.matching <= all.matching);
            assert_eq!(filtered.eligible, all.eligible);
            assert!(filtered.items.len() <= 20);
        }
        Err(AppError::BadRequest(message)) => assert!(!message.is_empty()),
        Err(other) => panic!("a bad filter must be a 400, not {other:?}"),
    }
});

/// Sixty people of the demo's Northshore, the senior half offering places,
/// and the first junior person as the one looking for a mentor.
fn demo_pool() -> &'static (MentoringPool, PersonProfile) {
    static POOL: OnceLock<(MentoringPool, PersonProfile)> = OnceLock::new();
    POOL.get_or_init(|| {
        let records = tandem_core::demo::roster(&tandem_core::demo::NORTHSHORE, 2013);
        let institution = InstitutionId(uuid(0));
        let mut units: HashMap<String, u128> = HashMap::new();
        let mut unit = |name: &str| {
            let next = units.len() as u128 + 1_000;
            DivisionId(uuid(*units.entry(name.to_string()).or_insert(next)))
        };
        let people: Vec<PersonProfile> = records
            .into_iter()
            .take(60)
            .enumerate()
            .map(|(i, r)| PersonProfile {
                id: PersonId(uuid(i as u128 + 1)),
                institution_id: institution,
                employee_id: r.employee_id,
                given_name: r.given_name,
                family_name: r.family_name,
                email: r.email,
                department_id: DepartmentId(uuid(999)),
                division_id: unit(&r.division),
                rank: r.rank,
                stream: r.stream,
                gender: r.gender,
                appointment_date: r.appointment_date,
                research_interests: r.research_interests,
                clinical_interests: r.clinical_interests,
                education_interests: r.education_interests,
                values: r.values,
                working_style: r.working_style,
                mentoring_years: r.mentoring_years,
                past_mentees: r.past_mentees,
                location: r.location,
                contact_channels: r.contact_channels,
                supervisor_id: None,
                resource_controller_id: None,
                leadership: r.leadership,
            })
            .collect();
        let profiles = people
            .iter()
            .map(|p| MentoringProfile {
                mentor_capacity: if p.rank.seniority() >= 2 { 2 } else { 0 },
                ..MentoringProfile::empty(p.id)
            })
            .collect();
        let mentee = people
            .iter()
            .find(|p| p.rank.seniority() < 2)
            .expect("the demo has junior faculty")
            .clone();
        let pool =
            MentoringPool::from_parts(ProgramSettings::default(), people, profiles, &[], vec![]);
        (pool, mentee)
    })
}

fn uuid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}
