//! Relationship health (M7 and the brokering half of M8): the program's
//! check-in settings and instruments, each side's confidential check-ins
//! with reminders, the health model run over what the store holds, the
//! last status of each relationship with alerts to facilitators, brokering
//! cases, and the suppressed aggregate for chairs. The model itself is
//! pure, in `tandem_domain::health`.

pub mod alerts;
pub mod assess;
pub mod broker;
pub mod checkins;
pub mod report;
pub mod settings;

pub use alerts::{Refreshed, refresh, refresh_all};
pub use assess::{Loaded, own_view, program_view, program_view_all};
