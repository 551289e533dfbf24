//! `match-bench`: solve benchmark instances and print one JSON line each.
//!
//! ```text
//! cargo run --release -p tandem-matching --bin match-bench -- FILE...
//! cargo run --release -p tandem-matching --bin match-bench -- --gen H0,S1,S2,T1,D1000_C1000
//! ```
//! FILE is any instance written by `shared/bench/matching_anchors.py`:
//! `*.dense.txt`, `*.sparse.txt` or `*.min` (DIMACS). `--gen NAME,...`
//! generates the named instances in process instead (Rust port of the
//! generator). `--runs R` repeats each solve and reports the median.
//! `--stable` also times deferred acceptance (sparse instances with one
//! mentor per mentee; including building the preference lists) and `--no-verify` skips the certificate
//! check. Solve time excludes parsing / generation and verification; it is
//! reported as wall seconds and as the thread's CPU seconds
//! (`solve_cpu_seconds`, what the Python anchors report).

use std::process::ExitCode;
use std::time::Instant;

use tandem_matching::dense::{solve_dense, verify_dense};
use tandem_matching::generate::{self, SparseInstance};
use tandem_matching::stable::{stable_match, stable_match_ranked, verify_stable};
use tandem_matching::{Problem, solve, verify};

enum Inst {
    Dense { n: usize, c: Vec<i64> },
    Sparse(SparseInstance),
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut items: Vec<(String, Option<String>)> = Vec::new();
    let mut runs = 1usize;
    let mut stable = false;
    let mut check = true;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--gen" => {
                let Some(list) = args.next() else {
                    return usage();
                };
                items.extend(list.split(',').map(|s| (s.to_string(), None)));
            }
            "--runs" => {
                let Some(r) = args.next().and_then(|r| r.parse().ok()) else {
                    return usage();
                };
                runs = r;
            }
            "--stable" => stable = true,
            "--no-verify" => check = false,
            "-h" | "--help" => return usage(),
            f => items.push((name_of(f), Some(f.to_string()))),
        }
    }
    if items.is_empty() {
        return usage();
    }
    for (name, file) in items {
        let inst = match &file {
            Some(f) => match std::fs::read_to_string(f)
                .map_err(|e| e.to_string())
                .and_then(|t| parse(f, &t))
            {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("{f}: {e}");
                    return ExitCode::FAILURE;
                }
            },
            None => match generate_named(&name) {
                Some(i) => i,
                None => {
                    eprintln!("unknown instance name {name}");
                    return ExitCode::FAILURE;
                }
            },
        };
        if let Err(e) = run(&name, &inst, runs, stable, check) {
            eprintln!("{name}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: match-bench [--runs R] [--stable] [--no-verify] (FILE | --gen NAME[,NAME...])..."
    );
    ExitCode::FAILURE
}

fn name_of(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    for suf in [".dense.txt", ".sparse.txt", ".min"] {
        if let Some(s) = base.strip_suffix(suf) {
            return s.to_string();
        }
    }
    base.to_string()
}

fn generate_named(name: &str) -> Option<Inst> {
    if let Some(def) = generate::named(name) {
        return Some(Inst::Sparse(generate::sparse_instance(
            &def,
            generate::DEFAULT_SEED,
            1000,
        )));
    }
    let rest = name.strip_prefix('D')?;
    let (n, c) = rest.split_once("_C")?;
    let (n, c): (usize, u64) = (n.parse().ok()?, c.parse().ok()?);
    Some(Inst::Dense {
        n,
        c: generate::dense_costs(n, c, generate::DEFAULT_SEED),
    })
}

/// CPU time of the calling thread in nanoseconds (Linux
/// `/proc/thread-self/schedstat`), the measure the Python anchors report
/// (`time.process_time`); robust on a busy machine. `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Wall and CPU clocks started together.
struct Stopwatch {
    wall: Instant,
    cpu: Option<u64>,
}

impl Stopwatch {
    fn start() -> Self {
        Stopwatch {
            cpu: thread_cpu_ns(),
            wall: Instant::now(),
        }
    }
}

/// Wall and CPU seconds of each run (CPU falls back to wall when the
/// thread's CPU time cannot be read).
#[derive(Default)]
struct Times {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

impl Times {
    fn push(&mut self, t: &Stopwatch) {
        let wall = t.wall.elapsed().as_secs_f64();
        let cpu = match (t.cpu, thread_cpu_ns()) {
            (Some(a), Some(b)) => b.saturating_sub(a) as f64 * 1e-9,
            _ => wall,
        };
        self.wall.push(wall);
        self.cpu.push(cpu);
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map_or(-1.0, |kb| kb / 1024.0)
}

fn run(name: &str, inst: &Inst, runs: usize, stable: bool, check: bool) -> Result<(), String> {
    let runs = runs.max(1);
    match inst {
        Inst::Dense { n, c } => {
            let mut times = Times::default();
            let mut last = None;
            for _ in 0..runs {
                let t = Stopwatch::start();
                let a = solve_dense(*n, c).map_err(|e| e.to_string())?;
                times.push(&t);
                last = Some(a);
            }
            let a = last.ok_or("no run")?;
            let verified = check && {
                verify_dense(*n, c, &a).map_err(|e| e.to_string())?;
                true
            };
            println!(
                "{{\"instance\": \"{name}\", \"objective\": {}, \"solve_seconds\": {:.6}, \"solve_cpu_seconds\": {:.6}, \"peak_rss_mb\": {:.1}, \"verified\": {verified}}}",
                a.total_cost,
                median(times.wall),
                median(times.cpu),
                peak_rss_mb()
            );
        }
        Inst::Sparse(s) => {
            let p = Problem::new(&s.to_input()).map_err(|e| e.to_string())?;
            let mut times = Times::default();
            let mut last = None;
            for _ in 0..runs {
                let t = Stopwatch::start();
                let a = solve(&p);
                times.push(&t);
                last = Some(a);
            }
            let a = last.ok_or("no run")?;
            let verified = check && {
                verify(&p, &a).map_err(|e| e.to_string())?;
                true
            };
            print!(
                "{{\"instance\": \"{name}\", \"objective\": {}, \"solve_seconds\": {:.6}, \"solve_cpu_seconds\": {:.6}, \"peak_rss_mb\": {:.1}, \"verified\": {verified}, \"matched_slots\": {}, \"total_demand\": {}",
                a.total_cost,
                median(times.wall),
                median(times.cpu),
                peak_rss_mb(),
                a.matched_slots,
                p.total_demand()
            );
            if stable && s.demand == 1 {
                // Timed: building the preference lists (in the ranked form
                // deferred acceptance runs on) and deferred acceptance.
                let mut times = Times::default();
                let mut last = None;
                for _ in 0..runs {
                    let t = Stopwatch::start();
                    let ranked = s.ranked_preferences();
                    let m = stable_match_ranked(&ranked, &s.capacity).map_err(|e| e.to_string())?;
                    times.push(&t);
                    last = Some(m);
                }
                let m = last.ok_or("no run")?;
                // Not timed: the same through the list-of-lists API, and the
                // independent stability check.
                let prefs = s.preferences();
                let same = stable_match(&prefs, &s.capacity).map_err(|e| e.to_string())? == m;
                let stable_ok = same && verify_stable(&prefs, &s.capacity, &m).is_ok();
                let matched = m.mentor_of.iter().filter(|x| x.is_some()).count();
                print!(
                    ", \"stable_seconds\": {:.6}, \"stable_cpu_seconds\": {:.6}, \"stable_matched\": {matched}, \"stable_verified\": {stable_ok}",
                    median(times.wall),
                    median(times.cpu)
                );
            }
            println!("}}");
        }
    }
    Ok(())
}

fn ints(t: &str) -> impl Iterator<Item = Result<i64, String>> + '_ {
    t.split_ascii_whitespace().map(|w| {
        w.parse::<i64>()
            .map_err(|e| format!("bad integer {w:?}: {e}"))
    })
}

fn parse(path: &str, text: &str) -> Result<Inst, String> {
    if path.ends_with(".dense.txt") {
        let mut it = ints(text);
        let mut next = || it.next().ok_or_else(|| "truncated file".to_string())?;
        let n = next()? as usize;
        let _cmax = next()?;
        let _seed = next()?;
        let mut c = Vec::with_capacity(n * n);
        for _ in 0..n * n {
            c.push(next()?);
        }
        Ok(Inst::Dense { n, c })
    } else if path.ends_with(".min") {
        parse_dimacs(text)
    } else {
        let mut it = ints(text);
        let mut next = || it.next().ok_or_else(|| "truncated file".to_string())?;
        let (n, m, e, d, seed) = (
            next()? as usize,
            next()? as usize,
            next()? as usize,
            next()?,
            next()?,
        );
        let mut capacity = Vec::with_capacity(m);
        for _ in 0..m {
            capacity.push(u32::try_from(next()?).map_err(|e| e.to_string())?);
        }
        let mut edges = Vec::with_capacity(e);
        for _ in 0..e {
            edges.push((next()? as u32, next()? as u32, next()?));
        }
        Ok(Inst::Sparse(SparseInstance {
            mentees: n,
            mentors: m,
            demand: d as u32,
            seed: seed as u64,
            capacity,
            edges,
        }))
    }
}

/// DIMACS min-cost flow in the layout written by `matching_anchors.py`:
/// supply nodes are mentees, nodes with an arc into the (negative-supply)
/// sink are mentors.
fn parse_dimacs(text: &str) -> Result<Inst, String> {
    let mut supply: Vec<i64> = Vec::new();
    let mut arcs: Vec<(usize, usize, i64, i64)> = Vec::new();
    for line in text.lines() {
        let mut w = line.split_ascii_whitespace();
        match w.next() {
            Some("p") => {
                let _ = w.next();
                let nodes: usize = w.next().and_then(|x| x.parse().ok()).ok_or("bad p line")?;
                supply = vec![0; nodes + 1];
            }
            Some("n") => {
                let id: usize = w.next().and_then(|x| x.parse().ok()).ok_or("bad n line")?;
                let s: i64 = w.next().and_then(|x| x.parse().ok()).ok_or("bad n line")?;
                *supply.get_mut(id).ok_or("node out of range")? = s;
            }
            Some("a") => {
                let v: Vec<i64> = w
                    .map(|x| x.parse::<i64>().map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?;
                if v.len() != 5 {
                    return Err("bad a line".into());
                }
                arcs.push((v[0] as usize, v[1] as usize, v[3], v[4]));
            }
            _ => {}
        }
    }
    let sink = supply.iter().position(|&s| s < 0).ok_or("no sink")?;
    let mut mentee_idx = vec![u32::MAX; supply.len()];
    let mut mentor_idx = vec![u32::MAX; supply.len()];
    let mut demand = 0;
    let mut n = 0u32;
    for (v, &s) in supply.iter().enumerate() {
        if s > 0 {
            mentee_idx[v] = n;
            n += 1;
            demand = s;
        }
    }
    let mut capacity = Vec::new();
    for &(a, b, cap, _) in &arcs {
        if b == sink {
            mentor_idx[a] = capacity.len() as u32;
            capacity.push(cap as u32);
        }
    }
    let mut edges = Vec::new();
    for &(a, b, _, c) in &arcs {
        if b != sink {
            let (i, j) = (mentee_idx[a], mentor_idx[b]);
            if i == u32::MAX || j == u32::MAX {
                return Err("arc between unexpected nodes".into());
            }
            edges.push((i, j, c));
        }
    }
    edges.sort_unstable();
    Ok(Inst::Sparse(SparseInstance {
        mentees: n as usize,
        mentors: capacity.len(),
        demand: demand as u32,
        seed: 0,
        capacity,
        edges,
    }))
}
