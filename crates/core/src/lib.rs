//! chiso's pure domain core: units, procedures, dossiers, the methodology,
//! measures and scoring. No I/O: storage, ingest, web and CLI live around it
//! and reach it through plain data and the [`engine::IndexStore`] trait.

pub mod accounts;
pub mod alerts;
pub mod calendar;
pub mod engine;
pub mod explain;
pub mod forecast;
pub mod format;
pub mod judge;
pub mod measures;
pub mod memory;
pub mod methodology;
pub mod names;
pub mod period;
pub mod publication;
pub mod reconcile;
pub mod records;
pub mod reform;
pub mod scene;
pub mod scoring;
pub mod steps;
pub mod storage;
pub mod targets;
pub mod time;
pub mod warn;
pub mod whatif;
pub mod window;
