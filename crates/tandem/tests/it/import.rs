//! `tandem import roster`, driven as a user would: through the binary.

use crate::support::*;
use tandem_testkit::dual_test;

/// A small division: a director, two faculty reporting to her, and one
/// listed before his supervisor.
fn good_roster() -> String {
    format!(
        "{HEADER}\n\
         E3,Chen,Wu,chen.wu@x.org,Medicine,Cardiology,Assistant Professor,Clinician Scientist,M,2021-07-01,E1,E2,none,heart failure;imaging,open science,deliberative;introvert,1,0\n\
         E1,Ada,Okafor,ada.okafor@x.org,Medicine,Cardiology,professor,investigator,F,2001-01-15,,,division_director,heart failure,patient-centred care,on_the_fly,20,31\n\
         E2,Ravi,Shah,ravi.shah@x.org,Medicine,Cardiology,associate_professor,scientist,man,2010-09-01,E1,E1,none,imaging,,,8,6\n\
         E4,Mei,Lin,mei.lin@x.org,Medicine,Nephrology,lecturer,teacher,woman,2024-01-02,E1,,,,,,,\n"
    )
}

dual_test!(a_good_roster_imports_and_reimporting_changes_nothing, |t| {
    create_institution(&t.db, "north").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_file(dir.path(), "roster.csv", &good_roster());

    let first = tandem(
        &t.url,
        &["import", "roster", &file, "--institution", "north"],
    )
    .await;
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("4 created"), "{}", stdout(&first));
    assert_eq!(person_count(&t.db).await, 4);
    let after_first = contents(&t.db).await;

    let second = tandem(
        &t.url,
        &["import", "roster", &file, "--institution", "north"],
    )
    .await;
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stdout(&second).contains("0 created, 0 updated, 4 unchanged"),
        "{}",
        stdout(&second)
    );
    assert_eq!(
        contents(&t.db).await,
        after_first,
        "a second import of the same file changed the database"
    );

    // The reporting line points at the right people whatever the row order.
    let people = people_of(&t.db, "north").await;
    let id_of = |e: &str| people.iter().find(|p| p.employee_id == e).map(|p| p.id);
    let chen = people
        .iter()
        .find(|p| p.employee_id == "E3")
        .expect("E3 imported");
    assert_eq!(chen.supervisor_id, id_of("E1"));
    assert_eq!(chen.resource_controller_id, id_of("E2"));
    assert_eq!(chen.rank, tandem_domain::Rank::AssistantProfessor);
    assert_eq!(chen.working_style.code(), "deliberative;introvert");
});

dual_test!(a_changed_row_updates_in_place, |t| {
    create_institution(&t.db, "north").await;
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(
        import_text(&t.url, dir.path(), "roster.csv", &good_roster(), "north")
            .await
            .status
            .success()
    );
    let before = people_of(&t.db, "north").await;

    // Mei Lin is promoted and moves to Cardiology; nobody else changes.
    let changed = good_roster().replace(
        "E4,Mei,Lin,mei.lin@x.org,Medicine,Nephrology,lecturer",
        "E4,Mei,Lin,mei.lin@x.org,Medicine,Cardiology,assistant professor",
    );
    let out = import_text(&t.url, dir.path(), "roster2.csv", &changed, "north").await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("0 created, 1 updated, 3 unchanged"),
        "{}",
        stdout(&out)
    );

    let after = people_of(&t.db, "north").await;
    assert_eq!(after.len(), 4);
    let mei_before = before.iter().find(|p| p.employee_id == "E4").expect("E4");
    let mei_after = after.iter().find(|p| p.employee_id == "E4").expect("E4");
    assert_eq!(mei_after.id, mei_before.id, "updated in place, same id");
    assert_eq!(mei_after.rank, tandem_domain::Rank::AssistantProfessor);
    assert_ne!(mei_after.division_id, mei_before.division_id);
    for (b, a) in before
        .iter()
        .zip(&after)
        .filter(|(b, _)| b.employee_id != "E4")
    {
        assert_eq!(a, b, "only the changed row changes");
    }
});

dual_test!(bad_rows_are_all_reported_and_nothing_is_written, |t| {
    create_institution(&t.db, "north").await;
    let dir = tempfile::tempdir().expect("tempdir");
    // Start from a populated institution so "unchanged" means something.
    assert!(
        import_text(&t.url, dir.path(), "good.csv", &good_roster(), "north")
            .await
            .status
            .success()
    );
    let before = contents(&t.db).await;

    let bad = format!(
        "{HEADER}\n\
         E5,Nia,Brown,nia.brown@x.org,Medicine,Geriatrics,professor,scientist,F,2005-05-05,,,none,,,,,\n\
         E6,Tom,Gray,tom.gray@x.org,Medicine,Geriatrics,Reader,scientist,M,2005-05-05,,,none,,,,,\n\
         E7,Ana,Ruiz,not-an-address,Medicine,Geriatrics,professor,researcher,F,05/05/2005,,,none,,,,,\n\
         E8,Li,Park,li.park@x.org,Medicine,Geriatrics,professor,scientist,F,2005-05-05,E99,,none,,,,-3,\n\
         E5,Nia,Again,nia.again@x.org,Medicine,Geriatrics,professor,scientist,F,2005-05-05,,,none,,,,,\n"
    );
    let out = import_text(&t.url, dir.path(), "bad.csv", &bad, "north").await;
    assert!(!out.status.success(), "a roster with bad rows must fail");
    let err = stderr(&out);
    for expected in [
        "line 3, column rank",
        "line 4, column email",
        "line 4, column stream",
        "line 4, column appointment_date",
        "line 5, column mentoring_years",
        "nothing was imported",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(
        err.contains(
            "expected one of lecturer, assistant_professor, associate_professor, professor"
        ),
        "{err}"
    );
    assert_eq!(
        contents(&t.db).await,
        before,
        "a failed import changed the database"
    );

    // Cross-row problems are only found once every row parses.
    let fixable = bad
        .replace("Reader", "professor")
        .replace("not-an-address", "ana.ruiz@x.org")
        .replace("researcher", "scientist")
        .replace("05/05/2005", "2005-05-05")
        .replace("-3", "3");
    let out = import_text(&t.url, dir.path(), "bad2.csv", &fixable, "north").await;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("line 5, column supervisor_employee_id: no employee \"E99\""),
        "{err}"
    );
    assert!(
        err.contains("line 6, column employee_id: \"E5\" already appears on line 2"),
        "{err}"
    );
    assert_eq!(contents(&t.db).await, before);
});

dual_test!(a_reporting_cycle_is_named, |t| {
    create_institution(&t.db, "north").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let roster = format!(
        "{HEADER}\n\
         A1,Ada,Okafor,a1@x.org,Medicine,Cardiology,professor,scientist,F,2001-01-01,A3,,,,,,,\n\
         A2,Ben,Smith,a2@x.org,Medicine,Cardiology,professor,scientist,M,2001-01-01,A1,,,,,,,\n\
         A3,Cy,Jones,a3@x.org,Medicine,Cardiology,professor,scientist,M,2001-01-01,A2,,,,,,,\n\
         A4,Di,Khan,a4@x.org,Medicine,Cardiology,professor,scientist,F,2001-01-01,A1,,,,,,,\n"
    );
    let out = import_text(&t.url, dir.path(), "cycle.csv", &roster, "north").await;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("reporting-line cycle: Ada Okafor (A1) reports to Cy Jones (A3) reports to Ben Smith (A2) reports to Ada Okafor (A1)"),
        "{err}"
    );
    assert!(
        !err.contains("Di Khan"),
        "only the people in the cycle are named: {err}"
    );
    assert_eq!(person_count(&t.db).await, 0);
});

dual_test!(
    importing_into_an_unknown_institution_is_a_clear_error,
    |t| {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = import_text(&t.url, dir.path(), "roster.csv", &good_roster(), "nowhere").await;
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("no institution \"nowhere\""),
            "{}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("tandem institution create nowhere"),
            "{}",
            stderr(&out)
        );

        let out = tandem(
            &t.url,
            &["institution", "create", "nowhere", "--name", "Nowhere U"],
        )
        .await;
        assert!(out.status.success(), "{}", stderr(&out));
        let out = tandem(
            &t.url,
            &["institution", "create", "nowhere", "--name", "Again"],
        )
        .await;
        assert!(!out.status.success());
        assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    }
);

dual_test!(an_email_taken_by_another_employee_is_rejected, |t| {
    create_institution(&t.db, "north").await;
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(
        import_text(&t.url, dir.path(), "roster.csv", &good_roster(), "north")
            .await
            .status
            .success()
    );
    let before = contents(&t.db).await;
    let newcomer = format!(
        "{HEADER}\nE9,Sam,Lee,ada.okafor@x.org,Medicine,Cardiology,lecturer,teacher,M,2025-01-01,,,,,,,,\n"
    );
    let out = import_text(&t.url, dir.path(), "newcomer.csv", &newcomer, "north").await;
    assert!(!out.status.success());
    assert!(
        stderr(&out)
            .contains("line 2, column email: ada.okafor@x.org already belongs to employee \"E1\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(contents(&t.db).await, before);
});

dual_test!(the_documented_example_roster_imports, |t| {
    create_institution(&t.db, "example").await;
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/roster.csv"
    );
    let out = tandem(
        &t.url,
        &["import", "roster", file, "--institution", "example"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("4 created"), "{}", stdout(&out));
    let people = people_of(&t.db, "example").await;
    let sam = people
        .iter()
        .find(|p| p.employee_id == "E1004")
        .expect("E1004");
    assert_eq!(
        sam.gender,
        tandem_domain::Gender::SelfDescribed("non-binary".into())
    );
    assert_eq!(sam.family_name, "O'Connor");
    assert_eq!(
        sam.education_interests.items(),
        ["simulation", "assessment"]
    );
});
