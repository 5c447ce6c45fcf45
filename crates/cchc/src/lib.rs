//! Administrative-reform (cải cách hành chính, CCHC) reporting, as pure
//! domain logic: the form catalogue as versioned data, the values units enter
//! and their validation, consolidation up the unit tree, the submission
//! workflow, and the yearly plan with its tasks and deadlines.
//!
//! No I/O: callers hand in strings (catalogue files, printed cells, deadline
//! texts) and plain records, and get plain records back (serde, for a store).
//! The contract is `../shared/design/cchc.md`.

pub mod catalogue;
pub mod consolidate;
pub mod dates;
pub mod deadline;
pub mod decimal;
pub mod doc;
pub mod period;
pub mod plan;
pub mod plan_file;
pub mod results;
pub mod sheet;
pub mod table;
pub mod template;
pub mod validate;
pub mod value;
pub mod workflow;
