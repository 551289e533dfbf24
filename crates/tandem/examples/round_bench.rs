//! Issue 5's round target: a round of 2,000 mentees and 1,000 mentors,
//! end to end (load, score, solve, store), under 5 s on SQLite.
//!
//!     cargo run --release -p tandem --example round_bench -- [--mentees 2000] [--mentors 1000] [--database-url URL]
//!
//! Seeds a fresh database (a temporary SQLite file unless a URL is given)
//! with the demo generator's faculty, gives the mentors two places each,
//! then times `rounds::create` for the optimal method (one mentor each and
//! teams of two) and for stable matching, each on a fresh cohort list.

use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use tandem_core::demo::{NORTHSHORE, Shape, roster};
use tandem_core::mentoring::rounds::{self, Cohort, Method, NewRound};
use tandem_core::roster::{NoProgress, import_roster};
use tandem_domain::{InstitutionSlug, MentoringProfile, Rank, TagList};
use tandem_store::{Db, InstitutionScope};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 2000)]
    mentees: usize,
    #[arg(long, default_value_t = 1000)]
    mentors: usize,
    /// A database to seed instead of a temporary SQLite file (must be empty).
    #[arg(long)]
    database_url: Option<String>,
}

const WANTS: &[&str] = &[
    "career planning",
    "grant writing",
    "work-life balance",
    "teaching portfolio",
    "promotion dossier",
];
const HOBBIES: &[&str] = &["cycling", "choir", "hiking", "cooking", "chess"];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let url = args.database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite:{}",
            dir.path().join("round-bench.sqlite3").display()
        )
    });
    let db = Db::connect_and_migrate(&url)
        .await
        .with_context(|| format!("cannot open {}", tandem_store::redact_url(&url)))?;
    eprintln!("seeding {} faculty ...", args.mentees + args.mentors);
    let slug = InstitutionSlug::parse("round-bench")?;
    let institution = tandem_store::institutions::create(&db, &slug, "Round bench").await?;
    let records = roster(
        &Shape {
            faculty: (args.mentees + args.mentors) * 3 / 2,
            ..NORTHSHORE
        },
        2013,
    );
    let now = tandem_store::microsecond_now();
    import_roster(
        &db,
        &institution,
        &records,
        now,
        &mut uuid::Uuid::new_v4,
        &NoProgress,
    )
    .await?;
    let scope = InstitutionScope::of(&institution);
    let people = tandem_store::people::all(&db, &scope).await?;
    let (senior, junior): (Vec<_>, Vec<_>) = people.iter().partition(|p| {
        matches!(p.rank, Rank::AssociateProfessor | Rank::Professor)
            && p.leadership == tandem_domain::Leadership::None
    });
    if senior.len() < args.mentors || junior.len() + senior.len() - args.mentors < args.mentees {
        bail!(
            "the generated roster has {} senior and {} junior faculty: too few",
            senior.len(),
            junior.len()
        );
    }
    for (k, mentor) in senior.iter().take(args.mentors).enumerate() {
        let mut m = MentoringProfile::empty(mentor.id);
        m.mentor_capacity = 2;
        m.mentor_training = k % 3 == 0;
        m.looking_for = TagList::from_tags([WANTS[k % WANTS.len()], WANTS[(k / 5) % WANTS.len()]]);
        m.personal_interests = TagList::from_tags([HOBBIES[k % HOBBIES.len()]]);
        tandem_store::mentoring::save_profile(&db, &scope, &m, now).await?;
    }
    let cohort: Vec<String> = junior
        .iter()
        .chain(senior.iter().skip(args.mentors))
        .take(args.mentees)
        .map(|p| p.employee_id.clone())
        .collect();
    let account = tandem_store::accounts::create(
        &db,
        tandem_store::accounts::NewAccount {
            institution_id: Some(institution.id),
            person_id: None,
            username: "bench",
            password_hash: "not a hash: this account never signs in",
        },
        now,
    )
    .await?;
    println!(
        "round of {} mentees and {} mentors ({} pairs) on {}, release build",
        cohort.len(),
        args.mentors,
        cohort.len() * args.mentors,
        db.backend()
    );
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>7} {:>9}",
        "method", "total ms", "score ms", "solve ms", "pairs", "unmatched"
    );
    for (label, method, team_size) in [
        ("optimal, 1 mentor", Method::Optimal, 1),
        ("optimal, teams of 2", Method::Optimal, 2),
        ("stable, 1 mentor", Method::Stable, 1),
    ] {
        let request = NewRound {
            name: label.into(),
            cohort: Cohort::EmployeeIds(cohort.clone()),
            method,
            team_size,
        };
        let started = Instant::now();
        let id = rounds::create(&db, &institution, account, &request, now)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let total = started.elapsed();
        let round = rounds::load(&db, &scope, id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .context("the round was stored")?;
        println!(
            "{:<28} {:>9.0} {:>9} {:>9} {:>7} {:>9}",
            label,
            total.as_secs_f64() * 1000.0,
            round.result.score_ms,
            round.result.solve_ms,
            round.result.pairs.len(),
            round.result.unmatched.len()
        );
    }
    db.close().await;
    Ok(())
}
