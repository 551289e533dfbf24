//! Crash durability harness (issue 8). Runs the real `tandem serve` on a
//! demo database, has several clients make writes through the JSON API
//! (create a relationship, write and sign its agreement, answer a
//! check-in, end it), kills the server with SIGKILL at a random moment,
//! and before starting it again checks that every write the server
//! acknowledged is in the database and, on SQLite, that
//! `PRAGMA integrity_check` answers "ok". Again and again, `--kills`
//! times. See docs/RELIABILITY.md.

mod client;
mod ledger;
mod server;
mod store;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use client::{Pair, Session};
use ledger::{Ack, Ledger, Write};
use server::Tandem;
use store::Store;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Parser)]
#[command(
    name = "tandem-crashtest",
    about = "Kill the tandem server with SIGKILL at random moments under load; check that no acknowledged write is lost."
)]
struct Args {
    /// The database the server runs on.
    #[arg(long, value_enum, default_value = "sqlite")]
    db: Backend,
    /// How many times to kill the server.
    #[arg(long, default_value_t = 1000)]
    kills: u32,
    /// Where the SQLite file and the server's log go (made if missing; an
    /// earlier run's database is replaced).
    #[arg(long, default_value = "target/crashtest")]
    work_dir: PathBuf,
    /// With --db postgres: the database to use. It is dropped and created
    /// again, so give it one of its own (e.g. .../tandem_crash).
    #[arg(long)]
    postgres_url: Option<String>,
    /// Seeds the kill delays and the clients' choices; the same seed gives
    /// the same sequence of delays.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Each kill comes a uniformly random 0..=this many milliseconds after
    /// the server was started.
    #[arg(long, default_value_t = 1000)]
    max_delay_ms: u64,
    /// Print a progress line every this many kills.
    #[arg(long, default_value_t = 50)]
    progress_every: u32,
    /// Concurrent clients, each a mentee and a mentor of their own.
    #[arg(long, default_value_t = 4)]
    clients: usize,
    /// The tandem binary (build it with `cargo build --release`).
    #[arg(long, default_value = "target/release/tandem")]
    tandem: PathBuf,
}

/// The demo institution the clients work in.
const INSTITUTION: &str = "northshore";
/// The password of the accounts the harness makes.
const PASSWORD: &str = "crash-test-password-2026";

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The address client `n` sends from: its own, so that the server's
/// per-address sign-in limit (six a minute) applies to each separately.
fn client_address(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10 + (n % 200) as u8))
}

/// Makes accounts for `clients` mentee-mentor pairs of the demo and signs
/// them in, against a server started for the purpose (killed before the
/// run, so nothing it did counts).
async fn setup(
    args: &Args,
    tandem: &Tandem,
    store: &Store,
    port: u16,
) -> anyhow::Result<Vec<Pair>> {
    let started = Instant::now();
    tandem.run(&["demo", "--no-serve", "--seed", "2013"], "")?;
    println!(
        "demo seeded on {} in {:.1} s",
        args_db(args),
        started.elapsed().as_secs_f64()
    );
    let mentees = store
        .people_without_account(INSTITUTION, "assistant_professor")
        .await?;
    if mentees.len() < args.clients {
        bail!("the demo has only {} mentees to spare", mentees.len());
    }
    for (n, (_, employee_id)) in mentees.iter().take(args.clients).enumerate() {
        tandem.run(
            &[
                "admin",
                "create-account",
                &format!("crash-mentee-{n}"),
                "--institution",
                INSTITUTION,
                "--employee-id",
                employee_id,
                "--role",
                "mentee",
                "--password-stdin",
            ],
            PASSWORD,
        )?;
    }
    let mut server = tandem.serve(port)?;
    server.wait_serving(Duration::from_secs(120)).await?;
    let base = format!("http://127.0.0.1:{port}");
    let mut pairs = Vec::new();
    let mut taken = Vec::new();
    for n in 0..args.clients {
        let mentee = Session::sign_in(
            &base,
            client_address(n),
            &format!("crash-mentee-{n}"),
            PASSWORD,
        )
        .await?;
        #[derive(serde::Deserialize)]
        struct Suggestions {
            items: Vec<Suggestion>,
        }
        #[derive(serde::Deserialize)]
        struct Suggestion {
            mentor_id: uuid::Uuid,
            free_places: u32,
        }
        let scratch = Ledger::default();
        let found: Suggestions = match mentee.get("/api/v1/me/suggestions", &scratch).await {
            Ok(s) => s,
            Err(_) => bail!("suggestions for crash-mentee-{n}: {:?}", scratch.refusals()),
        };
        let mut chosen = None;
        for s in found.items.iter().filter(|s| s.free_places > 0) {
            if taken.contains(&s.mentor_id) {
                continue;
            }
            if let Some(employee_id) = store.employee_id_without_account(s.mentor_id).await? {
                chosen = Some((s.mentor_id, employee_id));
                break;
            }
        }
        let (mentor_id, employee_id) = chosen.with_context(|| {
            format!("no free mentor without an account suggested for crash-mentee-{n}")
        })?;
        taken.push(mentor_id);
        tandem.run(
            &[
                "admin",
                "create-account",
                &format!("crash-mentor-{n}"),
                "--institution",
                INSTITUTION,
                "--employee-id",
                &employee_id,
                "--role",
                "mentor",
                "--password-stdin",
            ],
            PASSWORD,
        )?;
        let mentor = Session::sign_in(
            &base,
            client_address(n),
            &format!("crash-mentor-{n}"),
            PASSWORD,
        )
        .await?;
        pairs.push(Pair {
            mentee,
            mentor,
            mentor_id,
            rng: ChaCha8Rng::seed_from_u64(args.seed.wrapping_add(1 + n as u64)),
        });
    }
    server.kill()?;
    println!(
        "{} clients ready (a mentee and a mentor each) in {:.1} s",
        pairs.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(pairs)
}

fn args_db(args: &Args) -> &'static str {
    match args.db {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

/// Acknowledged writes the database does not hold.
fn missing(acks: &[Ack], snapshot: &store::Snapshot) -> Vec<Ack> {
    acks.iter()
        .filter(|a| !snapshot.holds(a))
        .copied()
        .collect()
}

async fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !args.tandem.is_file() {
        bail!(
            "no tandem binary at {} (build it with `cargo build --release -p tandem`, or pass --tandem)",
            args.tandem.display()
        );
    }
    std::fs::create_dir_all(&args.work_dir)
        .with_context(|| format!("cannot create {}", args.work_dir.display()))?;
    let work_dir = std::fs::canonicalize(&args.work_dir)?;
    let store = match args.db {
        Backend::Sqlite => Store::fresh_sqlite(&work_dir)?,
        Backend::Postgres => {
            let url = args
                .postgres_url
                .as_deref()
                .context("--db postgres needs --postgres-url")?;
            Store::fresh_postgres(url).await?
        }
    };
    let log = work_dir.join("server.log");
    std::fs::write(&log, "")?;
    let tandem = Tandem {
        binary: std::fs::canonicalize(&args.tandem)?,
        database_url: store.url(),
        work_dir: work_dir.clone(),
        log: log.clone(),
    };
    let port = server::free_port()?;
    let pairs = setup(&args, &tandem, &store, port).await?;

    let ledger = Arc::new(Ledger::default());
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = pairs
        .into_iter()
        .map(|pair| tokio::spawn(pair.run(ledger.clone(), stop.clone())))
        .collect();

    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let started = Instant::now();
    let mut during_startup = 0u32;
    let mut integrity_ok = 0u32;
    let mut integrity_failures: Vec<(u32, String)> = Vec::new();
    let mut lost: BTreeMap<uuid::Uuid, Ack> = BTreeMap::new();
    let mut exited_by_itself: Vec<(u32, String)> = Vec::new();
    println!(
        "killing tandem serve {} times on {}, 0..={} ms after each start, seed {}, {} clients",
        args.kills,
        args_db(&args),
        args.max_delay_ms,
        args.seed,
        args.clients
    );
    for kill in 1..=args.kills {
        let mut server = tandem.serve(port)?;
        let delay = rng.random_range(0..=args.max_delay_ms);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        if let Some(status) = server.exited()? {
            exited_by_itself.push((kill, status.to_string()));
        }
        if !server.is_serving() {
            during_startup += 1;
        }
        server.kill()?;

        // Everything acknowledged so far was answered before the kill, so
        // it must be in the database now.
        let acks = ledger.acks();
        if let Some(problem) = store.integrity_problem().await? {
            integrity_failures.push((kill, problem));
        } else if args.db == Backend::Sqlite {
            integrity_ok += 1;
        }
        let snapshot = store.snapshot().await?;
        let gone = missing(&acks, &snapshot);
        let verified = acks.len() - gone.len();
        for ack in gone {
            if lost.insert(ack.id, ack).is_none() {
                eprintln!(
                    "LOST after kill {kill}: {} {} (acknowledged, not in the database)",
                    ack.write.label(),
                    ack.id
                );
            }
        }
        if kill % args.progress_every.max(1) == 0 || kill == args.kills {
            println!(
                "kill {kill}/{}: {} acknowledged writes, {verified} verified, {} lost, integrity ok {integrity_ok}, {} during startup, {} refused, {:.0} s",
                args.kills,
                acks.len(),
                lost.len(),
                during_startup,
                ledger.refused_total(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await?;
    }
    let elapsed = started.elapsed();

    // The clients stopped against a dead server; whatever they recorded
    // since the last check is checked once more.
    let acks = ledger.acks();
    let snapshot = store.snapshot().await?;
    let gone = missing(&acks, &snapshot);
    for ack in &gone {
        lost.insert(ack.id, *ack);
    }
    let verified = acks.len() - gone.len();

    let mut by_kind: BTreeMap<Write, usize> = BTreeMap::new();
    for ack in &acks {
        *by_kind.entry(ack.write).or_default() += 1;
    }
    println!("\n== summary ({}, seed {})", args_db(&args), args.seed);
    println!("kills (SIGKILL):            {}", args.kills);
    println!("  during startup:           {during_startup} (before the server said it serves)");
    println!("acknowledged writes:        {}", acks.len());
    for (kind, count) in &by_kind {
        println!("  {:<40}{count}", kind.label());
    }
    println!("verified in the database:   {verified}");
    println!("lost:                       {}", lost.len());
    match args.db {
        Backend::Sqlite => println!("integrity_check ok:         {integrity_ok}/{}", args.kills),
        Backend::Postgres => println!("integrity_check:            - (SQLite only)"),
    }
    println!(
        "writes cut off by a kill:   {} (no answer: outcome unknown, nothing expected)",
        ledger.unknown_total()
    );
    let refusals = ledger.refusals();
    println!("refused requests:           {}", ledger.refused_total());
    for (cause, count) in &refusals {
        println!("  {count:>6}  {cause}");
    }
    println!(
        "server log lines with \"database is locked\": {}",
        server::count_in_log(&log, "database is locked")
    );
    println!(
        "elapsed:                    {}m {:02}s",
        elapsed.as_secs() / 60,
        elapsed.as_secs() % 60
    );

    let mut failed = false;
    if !lost.is_empty() {
        eprintln!("FAILED: {} acknowledged writes lost", lost.len());
        failed = true;
    }
    for (kill, problem) in &integrity_failures {
        eprintln!("FAILED: integrity_check after kill {kill}: {problem}");
        failed = true;
    }
    for (kill, status) in &exited_by_itself {
        eprintln!(
            "FAILED: the server exited by itself before kill {kill} ({status}); see {}",
            log.display()
        );
        failed = true;
    }
    if acks.is_empty() {
        eprintln!("FAILED: the server acknowledged nothing, so the run proves nothing");
        failed = true;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
