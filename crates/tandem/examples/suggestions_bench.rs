//! Times mentor suggestions for one mentee among many mentors (issue 5:
//! "Suggestions for one mentee among 5,000 mentors: p95 under 50 ms on
//! SQLite"), end to end the way a page request does it: load the
//! institution's mentoring pool from the database, then score every mentor
//! with a free place and keep the best 20.
//!
//!     cargo run --release -p tandem --example suggestions_bench -- \
//!         [--mentors 5000] [--mentees 200] [--runs 200] [--database-url URL]
//!
//! Seeding: a synthetic faculty of `mentors + mentees` people from the
//! demo's generator (divisions, interests, values, working styles, ranks,
//! supervisors and resource controllers), imported through the roster
//! import into a new institution; the `mentors` most senior get a
//! mentoring profile with capacity 1-3, the others a mentee's profile;
//! then `--pairs` open mentorships and `--wishes` do-not-match wishes,
//! through the store's public functions. Without `--database-url` the
//! database is a fresh SQLite file in a temporary directory, removed at
//! the end. Progress goes to stderr, figures to stdout.
//!
//! Each run, back to back: a request without the server's cache
//! (`MentoringPool::load` then `suggestions`), one page request as the
//! server makes it (`MentoringPool::load_cached` then `suggestions`, timed
//! whole and split), `suggestions` alone on a pool
//! loaded once, its two passes (conflict checks, then `fit` of every
//! eligible mentor), and the load query by query, with the people rows
//! also fetched without decoding (and, on SQLite, through a pool with a
//! larger sqlx row buffer) to tell the driver's cost from ours. Printed:
//! count, median, p95 (nearest rank) and max of each, in ms, and the mean
//! CPU time of a page request over all the process's threads.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use tandem_core::demo::{NORTHSHORE, Shape, roster};
use tandem_core::mentoring::{MentoringPool, SuggestionFilter, settings};
use tandem_core::roster::{Progress, RosterRecord, import_roster};
use tandem_domain::{
    InstitutionSlug, Leadership, MentorRole, MentoringProfile, Mentorship, MentorshipId,
    MentorshipOrigin, MentorshipStatus, PersonId, PersonProfile, TagList,
};
use tandem_store::{Db, InstitutionScope};
use time::OffsetDateTime;

/// Times mentor suggestions (pool load + scoring) on a synthetic institution.
#[derive(Parser, Debug)]
#[command(name = "suggestions_bench")]
struct Args {
    /// People offering to mentor (capacity 1-3).
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    mentors: u32,
    /// People looking for a mentor; requests cycle over them.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    mentees: u32,
    /// Timed requests.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    runs: u32,
    /// Untimed requests first (warm caches and connections).
    #[arg(long, default_value_t = 5)]
    warmup: u32,
    /// Suggestions kept per request (the page shows 20).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    limit: u32,
    /// Open (proposed or active) mentorships to seed.
    #[arg(long, default_value_t = 300)]
    pairs: u32,
    /// Do-not-match wishes to seed.
    #[arg(long, default_value_t = 50)]
    wishes: u32,
    /// Seed of the synthetic roster and profiles.
    #[arg(long, default_value_t = 2013)]
    seed: u64,
    /// Database to seed into (sqlite:... or postgres://...); default: a
    /// fresh SQLite file in a temporary directory. A new institution is
    /// created in it each run.
    #[arg(long)]
    database_url: Option<String>,
}

/// SplitMix64: small, seeded, good enough to pick tags.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// `min..=max` distinct items of `pool`.
    fn some(&mut self, pool: &[&str], min: usize, max: usize) -> TagList {
        let n = min + self.below(max - min + 1);
        let mut items: Vec<&str> = pool.to_vec();
        for i in 0..n.min(items.len()) {
            let j = i + self.below(items.len() - i);
            items.swap(i, j);
        }
        items.truncate(n);
        TagList::from_tags(items)
    }
}

const LOOKING_FOR: &[&str] = &[
    "career planning",
    "grant writing",
    "work-life balance",
    "promotion dossier",
    "research methods",
    "clinical skills",
    "teaching skills",
    "leadership",
    "networking",
    "negotiation",
    "publishing",
    "time management",
];

const PERSONAL: &[&str] = &[
    "cycling",
    "choir",
    "hiking",
    "cooking",
    "running",
    "gardening",
    "chess",
    "photography",
    "reading",
    "travel",
    "yoga",
    "music",
    "sailing",
    "painting",
];

/// Prints each stage of the roster import, and every tenth of it, to stderr.
struct StderrProgress {
    state: std::sync::Mutex<(String, u64, u64)>,
}

impl Progress for StderrProgress {
    fn stage(&self, name: &str, total: u64) {
        eprintln!("  {name}: {total} rows");
        if let Ok(mut s) = self.state.lock() {
            *s = (name.to_string(), total, 0);
        }
    }

    fn set(&self, done: u64) {
        if let Ok(mut s) = self.state.lock() {
            let (name, total, printed) = &mut *s;
            let tenth = (*total / 10).max(1);
            if done >= *printed + tenth || (done == *total && done != *printed) {
                eprintln!("  {name}: {done}/{total}");
                *printed = done;
            }
        }
    }
}

/// Milliseconds, to three decimals.
fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// count, median, p95 (nearest rank), max of a set of timings.
struct Summary {
    count: usize,
    median: Duration,
    p95: Duration,
    max: Duration,
}

fn summarise(samples: &[Duration]) -> Summary {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = |q: f64| {
        let k = (q * sorted.len() as f64).ceil() as usize;
        sorted[k.clamp(1, sorted.len()) - 1]
    };
    Summary {
        count: sorted.len(),
        median: rank(0.5),
        p95: rank(0.95),
        max: sorted.last().copied().unwrap_or_default(),
    }
}

/// One line of the table; nothing if there are no samples.
fn row(label: &str, samples: &[Duration]) {
    if samples.is_empty() {
        return;
    }
    let s = summarise(samples);
    println!(
        "{label:<34} {:>6} {:>10.2} {:>10.2} {:>10.2}",
        s.count,
        ms(s.median),
        ms(s.p95),
        ms(s.max)
    );
}

fn header() {
    println!(
        "{:<34} {:>6} {:>10} {:>10} {:>10}",
        "", "count", "median ms", "p95 ms", "max ms"
    );
}

/// Seniority order: most senior first, then longest serving.
fn senior_first(records: &[RosterRecord]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(records[i].rank.seniority()),
            records[i].appointment_date,
            i,
        )
    });
    order
}

/// The samples of all runs.
#[derive(Default)]
struct Timings {
    cold: Vec<Duration>,
    total: Vec<Duration>,
    load: Vec<Duration>,
    score: Vec<Duration>,
    cpu: Vec<Duration>,
    scoring: Vec<Duration>,
    checks: Vec<Duration>,
    fits: Vec<Duration>,
    steps: [Vec<Duration>; 8],
}

/// CPU time of the whole process so far (every thread's, from
/// `/proc/self/task/*/schedstat`, in nanoseconds); `None` off Linux.
fn process_cpu() -> Option<Duration> {
    let mut ns = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        // A thread may end between the listing and the read: skip it.
        if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
            ns += text.split_whitespace().next()?.parse::<u64>().ok()?;
        }
    }
    Some(Duration::from_nanos(ns))
}

/// The rows `people::all` reads, fetched but not decoded into profiles:
/// what the database and the driver cost on their own.
async fn raw_people_rows(db: &Db, scope: &InstitutionScope) -> anyhow::Result<usize> {
    const SQL: &str = "SELECT p.* FROM people p WHERE p.institution_id = $1 ORDER BY p.employee_id";
    let id = scope.institution_id().0;
    Ok(match db {
        Db::Sqlite(pool) => sqlx::query(SQL).bind(id).fetch_all(pool).await?.len(),
        Db::Postgres(pool) => sqlx::query(SQL).bind(id).fetch_all(pool).await?.len(),
    })
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(e) = run(args).await {
        eprintln!("suggestions_bench: {e:#}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let mentors = args.mentors as usize;
    let mentees = args.mentees as usize;
    let faculty = mentors + mentees;

    let temp;
    let url = match &args.database_url {
        Some(url) => url.clone(),
        None => {
            temp = tempfile::tempdir().context("creating a temporary directory")?;
            format!("sqlite:{}", temp.path().join("bench.db").display())
        }
    };
    eprintln!("database: {}", tandem_store::redact_url(&url));
    let db = Db::connect_and_migrate(&url)
        .await
        .context("opening the database")?;

    // --- Seeding -------------------------------------------------------
    let seeding = Instant::now();
    let now = OffsetDateTime::now_utc();
    let slug_text = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let slug = InstitutionSlug::parse(&slug_text)?;
    let institution = tandem_store::institutions::create(&db, &slug, "Suggestions benchmark")
        .await
        .context("creating the institution")?;
    let scope = InstitutionScope::of(&institution);
    eprintln!("institution {slug_text}: generating {faculty} faculty");
    let shape = Shape {
        faculty,
        ..NORTHSHORE
    };
    let records = roster(&shape, args.seed);
    let progress = StderrProgress {
        state: std::sync::Mutex::new((String::new(), 0, 0)),
    };
    let mut new_id = uuid::Uuid::new_v4;
    let summary = import_roster(&db, &institution, &records, now, &mut new_id, &progress)
        .await
        .context("importing the roster")?;
    eprintln!(
        "  imported: {} people created in {:.1} s",
        summary.created,
        seeding.elapsed().as_secs_f64()
    );
    settings::save(&db, &scope, &settings::ProgramSettings::default(), now)
        .await
        .context("saving the program settings")?;

    // Ids as stored, by employee id.
    let people = tandem_store::people::all(&db, &scope).await?;
    let by_employee: std::collections::HashMap<&str, &PersonProfile> =
        people.iter().map(|p| (p.employee_id.as_str(), p)).collect();
    let person_of = |r: &RosterRecord| -> anyhow::Result<&PersonProfile> {
        by_employee
            .get(r.employee_id.as_str())
            .copied()
            .with_context(|| format!("{} was not imported", r.employee_id))
    };
    let order = senior_first(&records);
    let mentor_people: Vec<&PersonProfile> = order[..mentors]
        .iter()
        .map(|&i| person_of(&records[i]))
        .collect::<anyhow::Result<_>>()?;
    let mentee_people: Vec<&PersonProfile> = order[mentors..]
        .iter()
        .map(|&i| person_of(&records[i]))
        .collect::<anyhow::Result<_>>()?;

    let mut rng = Rng(args.seed);
    let mut capacity = std::collections::HashMap::new();
    eprintln!("profiles: {mentors} mentors, {mentees} mentees");
    let tenth = (faculty / 10).max(1);
    for (k, p) in mentor_people.iter().chain(&mentee_people).enumerate() {
        let is_mentor = k < mentors;
        let cap = if is_mentor {
            1 + rng.below(3) as u16
        } else {
            0
        };
        let profile = MentoringProfile {
            person_id: p.id,
            looking_for: rng.some(LOOKING_FOR, usize::from(!is_mentor), 3),
            personal_interests: rng.some(PERSONAL, 0, 3),
            mentor_capacity: cap,
            mentor_training: is_mentor && rng.chance(40),
            reference_opt_in: rng.chance(30),
            looking_since: (!is_mentor).then(|| now - time::Duration::days(rng.below(120) as i64)),
        };
        tandem_store::mentoring::save_profile(&db, &scope, &profile, now)
            .await
            .context("saving a mentoring profile")?;
        if is_mentor {
            capacity.insert(p.id, u32::from(cap));
        }
        if (k + 1) % tenth == 0 || k + 1 == faculty {
            eprintln!("  profiles: {}/{faculty}", k + 1);
        }
    }

    // Open pairs: a quarter for the benchmark's mentees (so "already
    // paired" is checked for real), the rest among junior mentors; senior,
    // non-leading mentors with room, never twice the same pair.
    let mut loads: std::collections::HashMap<PersonId, u32> = Default::default();
    let mut open: HashSet<(PersonId, PersonId)> = HashSet::new();
    let senior_half = &mentor_people[..mentors.div_ceil(2)];
    let junior_half = &mentor_people[mentors / 2..];
    let mut tx = db.begin().await?;
    let mut made = 0u32;
    let mut tries = 0u32;
    while made < args.pairs && tries < args.pairs.saturating_mul(20) {
        tries += 1;
        let mentee = if rng.chance(25) {
            mentee_people[rng.below(mentee_people.len())]
        } else {
            junior_half[rng.below(junior_half.len())]
        };
        let mentor = senior_half[rng.below(senior_half.len())];
        let load = loads.get(&mentor.id).copied().unwrap_or(0);
        if mentor.id == mentee.id
            || mentor.leadership != Leadership::None
            || load >= capacity.get(&mentor.id).copied().unwrap_or(0)
            || !open.insert((mentee.id, mentor.id))
        {
            continue;
        }
        let active = rng.chance(80);
        let m = Mentorship {
            id: MentorshipId::new_random(),
            mentee_id: mentee.id,
            mentor_id: mentor.id,
            role: MentorRole::Primary,
            origin: if rng.chance(50) {
                MentorshipOrigin::Request
            } else {
                MentorshipOrigin::Round
            },
            status: if active {
                MentorshipStatus::Active
            } else {
                MentorshipStatus::Proposed
            },
            proposed_at: now - time::Duration::days(30),
            started_at: active.then(|| now - time::Duration::days(20)),
        };
        tandem_store::mentoring::insert_mentorship(&mut tx, &scope, &m, None).await?;
        loads.insert(mentor.id, load + 1);
        made += 1;
    }
    tx.commit().await?;
    let mut wished = HashSet::new();
    for _ in 0..args.wishes {
        let mentee = mentee_people[rng.below(mentee_people.len())];
        let mentor = mentor_people[rng.below(mentor_people.len())];
        if mentee.id != mentor.id && wished.insert((mentee.id, mentor.id)) {
            tandem_store::mentoring::add_do_not_match(&db, &scope, mentee.id, mentor.id, now)
                .await?;
        }
    }
    let wishes = wished.len();
    eprintln!(
        "seeded {} people, {mentors} mentors, {made} open pairs, {wishes} do-not-match wishes in {:.1} s",
        people.len(),
        seeding.elapsed().as_secs_f64()
    );
    let mentee_ids: Vec<PersonId> = mentee_people.iter().map(|p| p.id).collect();
    drop(people);

    // --- Timing --------------------------------------------------------
    // Each run does, back to back: one page request (timed whole and split
    // into load and scoring), scoring alone on a pool loaded beforehand,
    // and the load's queries one by one. Interleaving keeps the three
    // comparable on a shared machine whose load changes over a minute.
    let filter = SuggestionFilter::default();
    let limit = args.limit as usize;
    let runs = args.runs as usize;
    let warmup = args.warmup as usize;
    let preloaded = MentoringPool::load(&db, &scope).await?;
    let cache = tandem_core::mentoring::PoolCache::default();
    let considered = preloaded.mentors().count();

    // SQLite only: a second pool whose worker may run ahead of the reader
    // by 8,192 rows instead of sqlx's default 50, to see what the handoff
    // between sqlx's SQLite thread and the task costs.
    let tuned = match &db {
        Db::Sqlite(_) => {
            use std::str::FromStr;
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&url)?
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .foreign_keys(true)
                .row_buffer_size(8192);
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await?;
            Some(Db::Sqlite(pool))
        }
        Db::Postgres(_) => None,
    };
    let mut t = Timings::default();
    let mut eligible = 0usize;
    let mut shown = 0usize;
    for i in 0..warmup + runs {
        let keep = i >= warmup;
        let id = mentee_ids[i % mentee_ids.len()];

        // Without the server's cache: everything loaded afresh.
        let start = Instant::now();
        let pool = MentoringPool::load(&db, &scope).await?;
        let mentee = pool.person(id).context("mentee not in the pool")?;
        std::hint::black_box(pool.suggestions(mentee, &filter, limit));
        if keep {
            t.cold.push(start.elapsed());
        }
        drop(pool);

        // One page request as the server makes it: the pool from the
        // cache (people and mentoring profiles reused while unchanged),
        // find the signed-in mentee, score.
        let cpu_before = process_cpu();
        let start = Instant::now();
        let pool = MentoringPool::load_cached(&db, &scope, &cache).await?;
        let loaded = start.elapsed();
        let mentee = pool.person(id).context("mentee not in the pool")?;
        let s = pool.suggestions(mentee, &filter, limit);
        let total = start.elapsed();
        let cpu = process_cpu()
            .zip(cpu_before)
            .map(|(a, b)| a.saturating_sub(b));
        std::hint::black_box(&s);
        drop(pool);
        if keep {
            t.total.push(total);
            t.load.push(loaded);
            t.score.push(total - loaded);
            if let Some(cpu) = cpu {
                t.cpu.push(cpu);
            }
            eligible += s.eligible;
            shown = shown.max(s.items.len());
        }

        // Scoring alone.
        let mentee = preloaded.person(id).context("mentee not in the pool")?;
        let start = Instant::now();
        let s = preloaded.suggestions(mentee, &filter, limit);
        let elapsed = start.elapsed();
        std::hint::black_box(&s);
        if keep {
            t.scoring.push(elapsed);
        }

        // What scoring does, in two passes over every mentor: the
        // conflict checks, then the fit (score with reasons and risks).
        let start = Instant::now();
        let mut free = Vec::with_capacity(considered);
        for mentor in preloaded.mentors() {
            if !preloaded.paired(id, mentor.id) && preloaded.exclusions(mentee, mentor).is_empty() {
                free.push(mentor);
            }
        }
        let checked = start.elapsed();
        let start = Instant::now();
        let points: u64 = free
            .iter()
            .map(|m| u64::from(preloaded.fit(mentee, m).score))
            .sum();
        let fitted = start.elapsed();
        std::hint::black_box(points);
        if keep {
            t.checks.push(checked);
            t.fits.push(fitted);
        }

        // The load, query by query, then building the pool from the rows.
        let mut laps = [Duration::ZERO; 8];
        let mut clock = Instant::now();
        let mut lap = |k: usize| {
            laps[k] = clock.elapsed();
            clock = Instant::now();
        };
        let settings = settings::load(&db, &scope).await?;
        lap(0);
        let people = tandem_store::people::all(&db, &scope).await?;
        lap(1);
        let profiles = tandem_store::mentoring::profiles(&db, &scope).await?;
        lap(2);
        let open = tandem_store::mentoring::open_mentorships(&db, &scope).await?;
        lap(3);
        let wishes = tandem_store::mentoring::do_not_match(&db, &scope).await?;
        lap(4);
        let pool = MentoringPool::from_parts(settings, people, profiles, &open, wishes);
        lap(5);
        std::hint::black_box(&pool);
        drop(pool);
        clock = Instant::now();
        let rows = raw_people_rows(&db, &scope).await?;
        laps[6] = clock.elapsed();
        std::hint::black_box(rows);
        if let Some(tuned) = &tuned {
            clock = Instant::now();
            let rows = raw_people_rows(tuned, &scope).await?;
            laps[7] = clock.elapsed();
            std::hint::black_box(rows);
        }
        if keep {
            let measured = if tuned.is_some() { 8 } else { 7 };
            for (k, d) in laps.into_iter().enumerate().take(measured) {
                t.steps[k].push(d);
            }
        }
    }

    let backend = match db.backend() {
        tandem_store::Backend::Sqlite => "SQLite",
        tandem_store::Backend::Postgres => "PostgreSQL",
    };
    println!(
        "suggestions_bench: {backend}, {} people, {considered} mentors considered per request \
         (mean {:.0} eligible), top {limit} ({shown} returned), {runs} runs after {warmup} warm-up",
        preloaded.people().len(),
        eligible as f64 / runs as f64,
    );
    println!("open pairs {made}, do-not-match wishes {wishes}");
    header();
    row("page request (cached pool)", &t.total);
    row("  of which load_cached", &t.load);
    row("  of which suggestions()", &t.score);
    row("suggestions() on a loaded pool", &t.scoring);
    row("no cache: load + suggestions", &t.cold);
    row("  conflict checks, every mentor", &t.checks);
    row("  fit() of every eligible mentor", &t.fits);
    println!("load, step by step:");
    for (label, samples) in [
        "  settings",
        "  people::all",
        "  mentoring::profiles",
        "  open_mentorships",
        "  do_not_match",
        "  from_parts (maps, org chart)",
        "  people rows, not decoded",
        "  the same, row buffer 8192",
    ]
    .into_iter()
    .zip(&t.steps)
    {
        row(label, samples);
    }
    if !t.cpu.is_empty() {
        let mean = t.cpu.iter().sum::<Duration>() / t.cpu.len() as u32;
        println!(
            "CPU per end-to-end request, all threads: mean {:.2} ms",
            ms(mean)
        );
    }
    let p95 = summarise(&t.total).p95;
    println!(
        "target: p95 end to end under 50 ms: {} ({:.2} ms)",
        if p95 < Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        },
        ms(p95)
    );

    if let Some(tuned) = tuned {
        tuned.close().await;
    }
    db.close().await;
    if considered == 0 {
        bail!("no mentor was considered: the seeding went wrong");
    }
    Ok(())
}
