//! Institutions are sealed from each other: another institution's person
//! is invisible through every path, and the database refuses a row that
//! points into another institution.

use crate::support::*;
use tandem_core::roster::{NoProgress, parse_roster};
use tandem_testkit::dual_test;

async fn seed_two(
    db: &tandem_store::Db,
) -> (tandem_domain::Institution, tandem_domain::Institution) {
    let north = create_institution(db, "north").await;
    let south = create_institution(db, "south").await;
    for (inst, prefix) in [(&north, "N"), (&south, "S")] {
        let csv = format!(
            "{HEADER}\n{prefix}1,Ada,Okafor,ada@{prefix}.org,Medicine,Cardiology,professor,scientist,F,2001-01-01,,,,,,,,\n"
        );
        let records = parse_roster(csv.as_bytes()).expect("valid");
        tandem_core::roster::import_roster(
            db,
            inst,
            &records,
            tandem_store::microsecond_now(),
            &mut uuid::Uuid::new_v4,
            &NoProgress,
        )
        .await
        .expect("import");
    }
    (north, south)
}

dual_test!(a_scope_never_reaches_another_institution, |t| {
    let (north, south) = seed_two(&t.db).await;
    let north_scope = tandem_store::InstitutionScope::of(&north);
    let south_scope = tandem_store::InstitutionScope::of(&south);
    let south_person = tandem_store::people::all(&t.db, &south_scope)
        .await
        .expect("people")[0]
        .clone();

    assert_eq!(
        tandem_store::people::all(&t.db, &north_scope)
            .await
            .expect("people")
            .len(),
        1
    );
    assert!(
        tandem_store::people::get(&t.db, &north_scope, south_person.id)
            .await
            .expect("query")
            .is_none()
    );
    let search = tandem_store::people::search(&t.db, &north_scope, &Default::default(), 50, 0)
        .await
        .expect("search");
    assert_eq!(search.total, 1);
    assert!(search.items.iter().all(|p| p.id != south_person.id));
    let divisions = tandem_store::units::divisions(&t.db, &north_scope)
        .await
        .expect("divisions");
    assert!(divisions.iter().all(|d| d.id != south_person.division_id));

    // Same employee id in two institutions: two different people.
    assert_eq!(south_person.employee_id, "S1");
});

dual_test!(
    the_database_refuses_a_person_in_another_institutions_division,
    |t| {
        let (north, south) = seed_two(&t.db).await;
        let south_person =
            tandem_store::people::all(&t.db, &tandem_store::InstitutionScope::of(&south))
                .await
                .expect("people")[0]
                .clone();
        let mut intruder = south_person.clone();
        intruder.id = tandem_domain::PersonId::new_random();
        intruder.employee_id = "X1".into();
        intruder.email = tandem_domain::Email::parse("x1@north.org").expect("email");
        let changes = tandem_store::roster::RosterChanges {
            inserts: vec![intruder],
            ..Default::default()
        };
        // Written under north's scope but pointing at south's department and division.
        let result = tandem_store::roster::apply(
            &t.db,
            &tandem_store::InstitutionScope::of(&north),
            &changes,
            tandem_store::microsecond_now(),
            &|_| {},
        )
        .await;
        assert!(
            result.is_err(),
            "a cross-institution reference must be refused"
        );
        assert_eq!(person_count(&t.db).await, 2);
    }
);

dual_test!(the_api_answers_404_for_another_institutions_person, |t| {
    let (_, south) = seed_two(&t.db).await;
    let south_person =
        tandem_store::people::all(&t.db, &tandem_store::InstitutionScope::of(&south))
            .await
            .expect("people")[0]
            .clone();
    let (north, _) = (
        tandem_store::institutions::by_slug(&t.db, "north")
            .await
            .expect("query")
            .expect("north"),
        (),
    );
    tandem_testkit::create_account(
        &t.db,
        Some(&south),
        Some("S1"),
        "ada@south",
        &[(tandem_domain::Role::Mentee, None)],
    )
    .await;
    tandem_testkit::create_account(
        &t.db,
        Some(&north),
        Some("N1"),
        "ada@north",
        &[(tandem_domain::Role::Mentee, None)],
    )
    .await;
    let app = t.spawn_app().await;
    let south_user = app
        .sign_in("ada@south", tandem_testkit::TEST_PASSWORD)
        .await;
    let own = south_user
        .get(&format!(
            "/api/v1/institutions/south/people/{}",
            south_person.id
        ))
        .await;
    assert_eq!(own.status(), 200);
    let north_user = app
        .sign_in("ada@north", tandem_testkit::TEST_PASSWORD)
        .await;
    for path in [
        format!("/api/v1/institutions/south/people/{}", south_person.id),
        format!("/api/v1/institutions/north/people/{}", south_person.id),
        format!("/i/south/people/{}", south_person.id),
        format!("/i/north/people/{}", south_person.id),
        "/api/v1/institutions/south/people".to_string(),
        "/i/south/people".to_string(),
    ] {
        let response = north_user.get(&path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body = response.text().await.expect("body");
        assert!(
            !body.contains("S1") && !body.contains("ada@S.org"),
            "{path} leaked the person: {body}"
        );
    }
});
