//! Property tests against brute force on small random instances: optimal
//! value (maximum filled slots, then minimum cost), feasibility, and the
//! certificate accepted by the independent checker; dense LAPJV against the
//! general engine; stable matchings verified stable; determinism.

use proptest::prelude::*;
use tandem_matching::dense::{solve_dense, verify_dense};
use tandem_matching::stable::{Preferences, stable_match, verify_stable};
use tandem_matching::{Candidate, MenteeId, MentorId, Problem, ProblemInput, solve, verify};

#[derive(Debug, Clone)]
struct Small {
    input: ProblemInput,
}

fn small_instance() -> impl Strategy<Value = Small> {
    (1usize..=4, 1usize..=3)
        .prop_flat_map(|(n, m)| {
            (
                proptest::collection::vec(1u32..=3, n),
                proptest::collection::vec(0i64..=3, m),
                proptest::collection::vec((any::<bool>(), -5i64..=20, 0u8..10), n * m),
            )
        })
        .prop_map(|(demand, capacity, cells)| {
            let (n, m) = (demand.len(), capacity.len());
            let mut input = ProblemInput {
                demand,
                capacity,
                ..Default::default()
            };
            for i in 0..n {
                for j in 0..m {
                    let (present, cost, tag) = cells[i * m + j];
                    let (mi, mj) = (MenteeId(i as u32), MentorId(j as u32));
                    if present {
                        input.candidates.push(Candidate {
                            mentee: mi,
                            mentor: mj,
                            cost,
                        });
                        if tag == 0 {
                            input.forbidden.push((mi, mj));
                        }
                    } else if tag == 1 {
                        // forbidding a non-candidate is allowed
                        input.forbidden.push((mi, mj));
                    }
                }
            }
            // Lock a few pairs where it is valid to do so.
            let mut locked_per_mentee = vec![0u32; n];
            let mut locked_per_mentor = vec![0i64; m];
            for c in &input.candidates {
                let (i, j) = (c.mentee.0 as usize, c.mentor.0 as usize);
                let tag = cells[i * m + j].2;
                let forbidden = input.forbidden.contains(&(c.mentee, c.mentor));
                if tag == 9
                    && !forbidden
                    && locked_per_mentee[i] < input.demand[i]
                    && locked_per_mentor[j] < input.capacity[j]
                {
                    locked_per_mentee[i] += 1;
                    locked_per_mentor[j] += 1;
                    input.locked.push((c.mentee, c.mentor));
                }
            }
            Small { input }
        })
}

/// Best (filled slots, -cost) over all feasible subsets of eligible edges.
fn brute_force(input: &ProblemInput) -> (u64, i64) {
    let edges: Vec<&Candidate> = input
        .candidates
        .iter()
        .filter(|c| !input.forbidden.contains(&(c.mentee, c.mentor)))
        .collect();
    assert!(edges.len() <= 16);
    let mut best: Option<(u64, i64)> = None;
    'subsets: for mask in 0u32..(1 << edges.len()) {
        let mut got = vec![0u32; input.demand.len()];
        let mut load = vec![0i64; input.capacity.len()];
        let mut cost = 0;
        for (b, c) in edges.iter().enumerate() {
            let chosen = mask >> b & 1 == 1;
            let locked = input.locked.contains(&(c.mentee, c.mentor));
            if locked && !chosen {
                continue 'subsets;
            }
            if chosen {
                got[c.mentee.0 as usize] += 1;
                load[c.mentor.0 as usize] += 1;
                cost += c.cost;
            }
        }
        if got.iter().zip(&input.demand).any(|(g, d)| g > d)
            || load.iter().zip(&input.capacity).any(|(l, c)| l > c)
        {
            continue;
        }
        let slots: u64 = got.iter().map(|&g| u64::from(g)).sum();
        let better = match best {
            None => true,
            Some((s, c)) => slots > s || (slots == s && cost < c),
        };
        if better {
            best = Some((slots, cost));
        }
    }
    best.expect("the locked-only subset is feasible")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn optimal_against_brute_force(s in small_instance()) {
        let p = Problem::new(&s.input).expect("generator builds valid inputs");
        let a = solve(&p);
        prop_assert_eq!(verify(&p, &a), Ok(()));
        let (slots, cost) = brute_force(&s.input);
        prop_assert_eq!(a.matched_slots, slots);
        prop_assert_eq!(a.total_cost, cost);
        // determinism
        prop_assert_eq!(&solve(&p), &a);
    }

    #[test]
    fn tampered_assignment_is_rejected(s in small_instance(), pick in any::<prop::sample::Index>()) {
        let p = Problem::new(&s.input).expect("valid");
        let a = solve(&p);
        // Drop one free pair: either the checker catches a non-maximum
        // cardinality / broken slackness, or there was nothing to drop.
        let free: Vec<usize> = (0..a.pairs.len()).filter(|&k| !a.pairs[k].locked).collect();
        if !free.is_empty() {
            let mut b = a.clone();
            let k = free[pick.index(free.len())];
            let removed = b.pairs.remove(k);
            b.total_cost -= removed.cost;
            b.matched_slots -= 1;
            prop_assert!(verify(&p, &b).is_err());
        }
    }

    #[test]
    fn dense_lapjv_matches_general_engine(n in 1usize..=7, seed in any::<u64>(), cmax in 0u64..50) {
        let c: Vec<i64> = (0..n * n)
            .map(|k| (tandem_matching::generate::h(seed, 9, k as u64, 0) % (cmax + 1)) as i64 - 10)
            .collect();
        let d = solve_dense(n, &c).expect("valid");
        prop_assert_eq!(verify_dense(n, &c, &d), Ok(()));
        let input = ProblemInput {
            demand: vec![1; n],
            capacity: vec![1; n],
            candidates: (0..n * n)
                .map(|k| Candidate { mentee: MenteeId((k / n) as u32), mentor: MentorId((k % n) as u32), cost: c[k] })
                .collect(),
            ..Default::default()
        };
        let p = Problem::new(&input).expect("valid");
        let a = solve(&p);
        prop_assert_eq!(a.total_cost, d.total_cost);
        // and a brute force over permutations for small n
        if n <= 6 {
            prop_assert_eq!(brute_perm(n, &c), d.total_cost);
        }
    }

    #[test]
    fn stable_matching_has_no_blocking_pair(
        n in 1usize..=6, m in 1usize..=4, seed in any::<u64>()
    ) {
        let hh = |a: u64, b: u64, s: u64| tandem_matching::generate::h(seed, s, a, b);
        let mut prefs = Preferences { mentee: vec![Vec::new(); n], mentor: vec![Vec::new(); m] };
        for i in 0..n {
            let mut l: Vec<u32> = (0..m as u32).filter(|&j| hh(i as u64, u64::from(j), 1) % 3 != 0).collect();
            l.sort_by_key(|&j| hh(i as u64, u64::from(j), 2));
            prefs.mentee[i] = l;
        }
        for j in 0..m {
            let mut l: Vec<u32> = (0..n as u32).filter(|&i| hh(u64::from(i), j as u64, 3) % 4 != 0).collect();
            l.sort_by_key(|&i| hh(u64::from(i), j as u64, 4));
            prefs.mentor[j] = l;
        }
        let cap: Vec<u32> = (0..m).map(|j| (hh(j as u64, 0, 5) % 3) as u32).collect();
        let s = stable_match(&prefs, &cap).expect("valid");
        prop_assert_eq!(verify_stable(&prefs, &cap, &s), Ok(()));
        // Mentee-optimal: no stable matching gives any mentee a better mentor.
        let all = all_stable(&prefs, &cap);
        prop_assert!(!all.is_empty());
        for other in &all {
            for i in 0..n {
                let pos = |mj: Option<tandem_matching::MentorId>| {
                    mj.map_or(usize::MAX, |j| prefs.mentee[i].iter().position(|&x| x == j.0).unwrap_or(usize::MAX))
                };
                prop_assert!(pos(s.mentor_of[i]) <= pos(other.mentor_of[i]));
            }
        }
    }
}

fn brute_perm(n: usize, c: &[i64]) -> i64 {
    fn rec(i: usize, n: usize, c: &[i64], used: &mut Vec<bool>) -> i64 {
        if i == n {
            return 0;
        }
        let mut best = i64::MAX;
        for j in 0..n {
            if !used[j] {
                used[j] = true;
                best = best.min(c[i * n + j] + rec(i + 1, n, c, used));
                used[j] = false;
            }
        }
        best
    }
    rec(0, n, c, &mut vec![false; n])
}

/// Every stable matching, by enumerating all assignments (tiny sizes only).
fn all_stable(prefs: &Preferences, cap: &[u32]) -> Vec<tandem_matching::stable::StableMatching> {
    let n = prefs.mentee.len();
    let mut out = Vec::new();
    let mut cur: Vec<Option<MentorId>> = vec![None; n];
    fn rec(
        i: usize,
        prefs: &Preferences,
        cap: &[u32],
        cur: &mut Vec<Option<MentorId>>,
        out: &mut Vec<tandem_matching::stable::StableMatching>,
    ) {
        if i == cur.len() {
            let s = tandem_matching::stable::StableMatching {
                mentor_of: cur.clone(),
            };
            if verify_stable(prefs, cap, &s).is_ok() {
                out.push(s);
            }
            return;
        }
        cur[i] = None;
        rec(i + 1, prefs, cap, cur, out);
        for &j in &prefs.mentee[i] {
            cur[i] = Some(MentorId(j));
            rec(i + 1, prefs, cap, cur, out);
        }
        cur[i] = None;
    }
    rec(0, prefs, cap, &mut cur, &mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The dense kernels store the matrix in 16, 32 or 64 bits depending on
    /// the cost range: each width against brute force.
    #[test]
    fn dense_lapjv_every_width(
        n in 1usize..=6,
        seed in any::<u64>(),
        cmax in 0u64..60,
        scale in prop_oneof![Just(1i64), Just(3_000), Just(1_000_000), Just(1 << 27), Just(1 << 33)],
    ) {
        let c: Vec<i64> = (0..n * n)
            .map(|k| ((tandem_matching::generate::h(seed, 11, k as u64, 0) % (cmax + 1)) as i64 - 10) * scale)
            .collect();
        let d = solve_dense(n, &c).expect("valid");
        prop_assert_eq!(verify_dense(n, &c, &d), Ok(()));
        prop_assert_eq!(brute_perm(n, &c), d.total_cost);
    }

    /// Medium dense instances with many ties: the certificate verifies and
    /// the general engine finds the same optimum.
    #[test]
    fn dense_lapjv_medium(n in 8usize..=40, seed in any::<u64>(), cmax in 0u64..20) {
        let c: Vec<i64> = (0..n * n)
            .map(|k| (tandem_matching::generate::h(seed, 12, k as u64, 0) % (cmax + 1)) as i64)
            .collect();
        let d = solve_dense(n, &c).expect("valid");
        prop_assert_eq!(verify_dense(n, &c, &d), Ok(()));
        let input = ProblemInput {
            demand: vec![1; n],
            capacity: vec![1; n],
            candidates: (0..n * n)
                .map(|k| Candidate { mentee: MenteeId((k / n) as u32), mentor: MentorId((k % n) as u32), cost: c[k] })
                .collect(),
            ..Default::default()
        };
        let p = Problem::new(&input).expect("valid");
        let a = solve(&p);
        prop_assert_eq!(verify(&p, &a), Ok(()));
        prop_assert_eq!(a.total_cost, d.total_cost);
    }

    /// Medium sparse instances (capacities, teams, forbidden pairs, many
    /// ties, some mentees left short): the independent checker accepts the
    /// assignment and its certificate, which proves it optimal.
    #[test]
    fn sparse_medium_certificate(
        n in 5usize..=60,
        m in 2usize..=20,
        seed in any::<u64>(),
        cmax in 0u64..30,
    ) {
        let hh = |a: u64, b: u64, s: u64| tandem_matching::generate::h(seed, s, a, b);
        let mut input = ProblemInput {
            demand: (0..n).map(|i| 1 + (hh(i as u64, 0, 1) % 3) as u32).collect(),
            capacity: (0..m).map(|j| (hh(j as u64, 0, 2) % 5) as i64).collect(),
            ..Default::default()
        };
        for i in 0..n {
            for j in 0..m {
                let r = hh(i as u64, j as u64, 3);
                if r % 2 == 0 {
                    let (mi, mj) = (MenteeId(i as u32), MentorId(j as u32));
                    input.candidates.push(Candidate {
                        mentee: mi,
                        mentor: mj,
                        cost: (hh(i as u64, j as u64, 4) % (cmax + 1)) as i64 - 5,
                    });
                    if r % 13 == 0 {
                        input.forbidden.push((mi, mj));
                    }
                }
            }
        }
        let p = Problem::new(&input).expect("valid");
        let a = solve(&p);
        prop_assert_eq!(verify(&p, &a), Ok(()));
        prop_assert_eq!(&solve(&p), &a);
    }
}
