//! Helpers shared by the integration tests.

use std::path::Path;
use std::process::Output;

use tandem_domain::{Institution, InstitutionSlug};
use tandem_store::{Db, on_pool};
use time::OffsetDateTime;
use uuid::Uuid;

pub const HEADER: &str = "employee_id,given_name,family_name,email,department,division,rank,stream,gender,appointment_date,supervisor_employee_id,resource_controller_employee_id,leadership,research_interests,values,working_style,mentoring_years,past_mentees";

/// Runs the real `tandem` binary against a test database.
pub async fn tandem(database_url: &str, args: &[&str]) -> Output {
    let url = database_url.to_string();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(&args)
            .env("TANDEM_DATABASE_URL", url)
            .env_remove("TANDEM_CONFIG")
            .env("RUST_LOG", "warn")
            .output()
            .expect("the tandem binary runs")
    })
    .await
    .expect("the command thread finishes")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub async fn create_institution(db: &Db, slug: &str) -> Institution {
    let slug = InstitutionSlug::parse(slug).expect("valid slug");
    tandem_store::institutions::create(db, &slug, &format!("{slug} Department of Medicine"))
        .await
        .expect("create institution")
}

pub fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path.display().to_string()
}

/// Everything the database holds, as text, so two moments can be compared.
pub async fn contents(db: &Db) -> String {
    let mut out = String::new();
    for i in tandem_store::institutions::list(db)
        .await
        .expect("institutions")
    {
        let scope = tandem_store::InstitutionScope::of(&i);
        out.push_str(&format!("{i:?}\n"));
        let snapshot = tandem_store::roster::snapshot(db, &scope)
            .await
            .expect("snapshot");
        out.push_str(&format!(
            "{:?}\n{:?}\n",
            snapshot.departments, snapshot.divisions
        ));
        for p in snapshot.people {
            out.push_str(&format!("{p:?}\n"));
        }
    }
    let stamps: Vec<(Uuid, OffsetDateTime, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, created_at, updated_at FROM people ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .expect("timestamps"));
    out.push_str(&format!("{stamps:?}\n"));
    let units: Vec<(Uuid, OffsetDateTime)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, created_at FROM departments UNION ALL SELECT id, created_at FROM divisions ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("unit timestamps"));
    out.push_str(&format!("{units:?}\n"));
    out
}

pub async fn person_count(db: &Db) -> i64 {
    on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(pool)
        .await
        .expect("count"))
}

/// Writes `text` to `dir/name` and imports it into `slug` through the binary.
pub async fn import_text(
    database_url: &str,
    dir: &Path,
    name: &str,
    text: &str,
    slug: &str,
) -> Output {
    let file = write_file(dir, name, text);
    tandem(
        database_url,
        &["import", "roster", &file, "--institution", slug],
    )
    .await
}

/// Everyone in the institution `slug`, in employee-id order.
pub async fn people_of(db: &Db, slug: &str) -> Vec<tandem_domain::PersonProfile> {
    let institution = tandem_store::institutions::by_slug(db, slug)
        .await
        .expect("query")
        .expect("the institution exists");
    tandem_store::people::all(db, &tandem_store::InstitutionScope::of(&institution))
        .await
        .expect("people")
}
