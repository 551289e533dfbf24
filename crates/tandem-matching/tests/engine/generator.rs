//! The Rust generator reproduces the normative instance definition of
//! `shared/bench/matching_anchors.py`. Reference values were computed with
//! the docstring's pure-Python `H` and candidate rule.

use tandem_matching::generate::{self, DEFAULT_SEED, H0, S1, T1, checksums, h, sparse_instance};

#[test]
fn hash_matches_python_reference() {
    // printed by matching_anchors.py: "H(42,1,0,0)=..."
    assert_eq!(h(42, 1, 0, 0), 7_138_415_436_909_018_950);
}

#[test]
fn dense_block_checksums() {
    // top-left 300 x 300 block of every D{n}_C1000
    let n = 300u32;
    let c = generate::dense_costs(n as usize, 1000, DEFAULT_SEED);
    let edges = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| (i, j, c[(i * n + j) as usize]));
    assert_eq!(checksums(edges), (45_079_578, 6_755_755_818_706_353));
}

fn check(def: &generate::SparseDef, sum_cost: i64, pos_hash: u64, total_cap: u64) {
    let s = sparse_instance(def, DEFAULT_SEED, 1000);
    assert_eq!(s.edges.len(), def.mentees * def.k);
    assert_eq!(s.checksums(), (sum_cost, pos_hash), "{}", def.name);
    assert_eq!(
        s.capacity.iter().map(|&c| u64::from(c)).sum::<u64>(),
        total_cap,
        "{}",
        def.name
    );
}

#[test]
fn h0_checksums() {
    check(&H0, 10_004_845, 5_002_011_530_177_955, 1575);
}

#[test]
fn s1_checksums() {
    check(&S1, 500_230_282, 5_009_830_250_074_483_012, 20_000);
}

#[test]
fn t1_checksums() {
    check(&T1, 500_702_115, 5_016_699_482_981_615_475, 80_404);
}
