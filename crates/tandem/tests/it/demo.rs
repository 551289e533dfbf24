//! The demo: Table 1's shapes, determinism, and idempotent reseeding.

use crate::support::*;
use tandem_core::roster::NoProgress;
use tandem_testkit::dual_test;

/// The study's Table 1, in percent: (group, Toronto-like, UCSF-like).
const TABLE_1: &[(&str, &str, f64, f64)] = &[
    ("gender", "Man", 67.0, 44.0),
    ("gender", "Woman", 33.0, 55.0),
    ("rank", "Lecturer", 11.0, 0.0),
    ("rank", "Assistant professor", 48.0, 33.0),
    ("rank", "Associate professor", 19.0, 30.0),
    ("rank", "Professor", 22.0, 37.0),
    ("stream", "Scientist/investigator", 37.0, 52.0),
    ("stream", "Teacher", 30.0, 22.0),
    ("stream", "Educator", 26.0, 26.0),
    ("stream", "Administrator", 7.0, 0.0),
];

dual_test!(demographics_match_the_studys_table_1_within_3_points, |t| {
    tandem_core::demo::seed(&t.db, 2013, tandem_store::microsecond_now(), &NoProgress)
        .await
        .expect("seed");
    for (slug, column) in [("northshore", 0), ("bayview", 1)] {
        let out = tandem(
            &t.url,
            &[
                "report",
                "demographics",
                "--institution",
                slug,
                "--format",
                "json",
            ],
        )
        .await;
        assert!(out.status.success(), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json report");
        for (dimension, group, toronto, ucsf) in TABLE_1 {
            let expected = if column == 0 { toronto } else { ucsf };
            let list = match *dimension {
                "gender" => &report["gender"],
                "rank" => &report["rank"],
                _ => &report["stream_as_in_study"],
            };
            let share = list
                .as_array()
                .expect("array")
                .iter()
                .find(|s| s["group"] == *group)
                .unwrap_or_else(|| panic!("{slug}: no {group}"));
            let percent = share["percent"].as_f64().expect("shown");
            assert!(
                (percent - expected).abs() <= 3.0,
                "{slug} {group}: {percent}% vs Table 1 {expected}%"
            );
        }
    }
    let table = tandem(
        &t.url,
        &["report", "demographics", "--institution", "northshore"],
    )
    .await;
    assert!(stdout(&table).contains("450 faculty"));
    let csv = tandem(
        &t.url,
        &[
            "report",
            "demographics",
            "--institution",
            "bayview",
            "--format",
            "csv",
        ],
    )
    .await;
    assert!(stdout(&csv).starts_with("institution,dimension,group,count,percent\n"));
    assert!(stdout(&csv).contains("bayview,Gender,Woman,278,55.6"));
});

dual_test!(seeding_is_deterministic_and_idempotent, |t| {
    let first = tandem_core::demo::seed(&t.db, 7, tandem_store::microsecond_now(), &NoProgress)
        .await
        .expect("seed");
    assert_eq!(first.iter().map(|s| s.summary.created).sum::<usize>(), 950);
    let before = contents(&t.db).await;
    let again = tandem_core::demo::seed(&t.db, 7, tandem_store::microsecond_now(), &NoProgress)
        .await
        .expect("reseed");
    assert!(
        again
            .iter()
            .all(|s| s.summary.unchanged == s.summary.rows && !s.created_institution)
    );
    assert_eq!(
        contents(&t.db).await,
        before,
        "reseeding with the same seed changed the data"
    );
});

// A small roster written as CSV and imported through the binary matches
// what the demo generator produced: the documented format round-trips.
dual_test!(a_generated_roster_imports_through_the_cli, |t| {
    create_institution(&t.db, "northshore").await;
    let records = tandem_core::demo::roster(&tandem_core::demo::NORTHSHORE, 11);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("roster.csv");
    tandem_core::roster::write_roster_csv(&records, std::fs::File::create(&path).expect("file"))
        .expect("write");
    let out = tandem(
        &t.url,
        &[
            "import",
            "roster",
            &path.display().to_string(),
            "--institution",
            "northshore",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("450 created"), "{}", stdout(&out));
    assert_eq!(person_count(&t.db).await, 450);
});
