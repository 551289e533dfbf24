//! Writes a synthetic roster of N faculty (default 10,000) to standard
//! output, in the documented format, for the import benchmark:
//!
//!     cargo run --release --example roster_csv -- 10000 > /tmp/roster-10k.csv

use tandem_core::demo::{NORTHSHORE, Shape, roster};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let faculty: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 10_000,
    };
    let shape = Shape {
        faculty,
        ..NORTHSHORE
    };
    let records = roster(&shape, 2013);
    tandem_core::roster::write_roster_csv(&records, std::io::stdout().lock())?;
    Ok(())
}
