//! Exact optima of the named benchmark instances (bench/README.md), each
//! verified by the independent certificate checker.

use tandem_matching::dense::{solve_dense, verify_dense};
use tandem_matching::generate::{self, DEFAULT_SEED};
use tandem_matching::stable::{stable_match, verify_stable};
use tandem_matching::{Problem, solve, verify};

fn sparse_optimum(def: &generate::SparseDef) -> i64 {
    let s = generate::sparse_instance(def, DEFAULT_SEED, 1000);
    let p = Problem::new(&s.to_input()).expect("valid instance");
    let a = solve(&p);
    verify(&p, &a).expect("certificate verifies");
    assert_eq!(
        a.matched_slots,
        p.total_demand(),
        "{} is fully matchable",
        def.name
    );
    assert!(a.unmatched.is_empty());
    a.total_cost
}

#[test]
fn h0_optimum() {
    assert_eq!(sparse_optimum(&generate::H0), 55_690);
}

#[test]
fn h0_stable_matching_is_stable() {
    let s = generate::sparse_instance(&generate::H0, DEFAULT_SEED, 1000);
    let prefs = s.preferences();
    let m = stable_match(&prefs, &s.capacity).expect("valid preferences");
    verify_stable(&prefs, &s.capacity, &m).expect("no blocking pair");
    // The stable matching is never cheaper than the optimum.
    let p = Problem::new(&s.to_input()).expect("valid instance");
    let cost: i64 = m
        .pairs()
        .iter()
        .map(|&(i, j)| p.pair_cost(i, j).expect("candidate"))
        .sum();
    assert!(cost >= 55_690);
}

#[test]
fn d1000_c1000_optimum() {
    let n = 1000;
    let c = generate::dense_costs(n, 1000, DEFAULT_SEED);
    let a = solve_dense(n, &c).expect("valid matrix");
    verify_dense(n, &c, &a).expect("certificate verifies");
    assert_eq!(a.total_cost, 1148);
}

#[test]
fn s1_optimum() {
    assert_eq!(sparse_optimum(&generate::S1), 440_446);
}

#[test]
fn t1_optimum() {
    assert_eq!(sparse_optimum(&generate::T1), 2_573_728);
}

/// The ranked (compressed) preference builder and the list-of-lists API
/// give the same stable matching, on H0 and on small instances of the same
/// family with several seeds.
#[test]
fn ranked_preferences_agree_with_lists() {
    use tandem_matching::stable::stable_match_ranked;
    let small = generate::SparseDef {
        name: "small",
        mentees: 300,
        mentors: 60,
        k: 12,
        cap_lo: 1,
        cap_hi: 6,
        demand: 1,
    };
    let mut cases = vec![(generate::H0, DEFAULT_SEED, 1000)];
    for seed in 0..12 {
        cases.push((small, seed, 5 + seed * 7));
    }
    for (def, seed, cmax) in cases {
        let s = generate::sparse_instance(&def, seed, cmax);
        let prefs = s.preferences();
        let by_lists = stable_match(&prefs, &s.capacity).expect("valid preferences");
        let ranked = stable_match_ranked(&s.ranked_preferences(), &s.capacity).expect("valid");
        assert_eq!(ranked, by_lists, "{} seed {seed}", def.name);
        // Sort keys with only a few hash bits left: the tie handling decides.
        for low in [56, 60, 62] {
            let r = s.ranked_preferences_with_low_bits(low);
            assert_eq!(
                r,
                s.ranked_preferences(),
                "{} seed {seed} low {low}",
                def.name
            );
        }
        verify_stable(&prefs, &s.capacity, &ranked).expect("no blocking pair");
    }
}
