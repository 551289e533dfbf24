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
