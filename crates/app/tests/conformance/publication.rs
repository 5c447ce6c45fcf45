//! Publications kept through the journal contract: a published period's
//! sheets never change with later imports, republishing needs a reason
//! and keeps every version, each version's hash checks, and the audit log
//! records who published.

use chiso_app::publication::{self, PublishFailure, Publisher};
use chiso_core::engine::{self, IndexStore};
use chiso_core::period::Period;
use chiso_core::publication::PublicationError;
use chiso_core::reform::JournalStore;
use chiso_core::scoring::{document, ScoreSheet};
use chiso_core::storage::Storage;
use chiso_core::time::Instant;

use super::{load, Province};

fn json(sheet: &ScoreSheet) -> String {
    serde_json::to_string(&document::build(sheet, None)).expect("json")
}

fn live<S: Storage>(store: &S, period: &Period) -> String
where
    S::Error: std::fmt::Debug,
{
    let set = store.methodologies().expect("methodologies");
    json(&engine::score(store, &set, period).expect("score"))
}

/// Publishes a month, imports the rest of its dossiers, and checks that the
/// published sheets stay as published while the live ones move.
pub fn published_results_never_change<S>(mut store: S, p: &Province)
where
    S: Storage + JournalStore<Error = <S as IndexStore>::Error>,
    <S as IndexStore>::Error: std::fmt::Debug,
{
    let month = p.dossiers[p.dossiers.len() / 2].received_at.month();
    let period = Period::month(month);
    let (held, first): (Vec<_>, Vec<_>) = p
        .dossiers
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, d)| d.received_at.month() == month && i % 2 == 1);
    let first: Vec<_> = first.into_iter().map(|(_, d)| d).collect();
    let held: Vec<_> = held.into_iter().map(|(_, d)| d).collect();
    assert!(!held.is_empty(), "the month has dossiers to import later");
    load(&mut store, p, &first);
    let before = live(&store, &period);
    let publisher = |at: i64| Publisher {
        by: "quantri",
        from: "127.0.0.1",
        at: Instant::from_unix(at),
    };
    let stamp = publication::publish(&mut store, &period, None, &publisher(1_800_000_000))
        .expect("publish");
    assert_eq!(
        (stamp.version, stamp.period.as_str()),
        (1, period.code().as_str())
    );

    // Later imports move the live figures, never the published ones.
    super::import(
        &mut store,
        chiso_ingest::RecordKind::Dossiers,
        "later.csv",
        &super::csv(
            chiso_ingest::RecordKind::Dossiers,
            held.into_iter().map(chiso_ingest::Record::Dossier),
        ),
    );
    let after = live(&store, &period);
    assert_ne!(before, after, "the later import changes the live sheet");
    let kept = publication::published(&store, &period, None)
        .expect("read")
        .expect("published");
    assert_eq!(json(&kept.sheet), before, "the published sheet is frozen");
    assert_eq!(kept.stamp, stamp);

    // Republishing needs a reason and keeps both versions.
    assert!(matches!(
        publication::publish(&mut store, &period, Some("  "), &publisher(1_800_000_100)),
        Err(PublishFailure::Publication(
            PublicationError::ReasonRequired { version: 1, .. }
        ))
    ));
    let second = publication::publish(
        &mut store,
        &period,
        Some("bổ sung hồ sơ nhận muộn"),
        &publisher(1_800_000_200),
    )
    .expect("republish");
    assert_eq!(second.version, 2);
    let latest = publication::published(&store, &period, None)
        .expect("read")
        .expect("published");
    assert_eq!(json(&latest.sheet), after);
    let first_version = publication::published(&store, &period, Some(1))
        .expect("read")
        .expect("version 1");
    assert_eq!(json(&first_version.sheet), before);
    let stamps = publication::stamps(&store).expect("stamps");
    assert_eq!(
        stamps.iter().map(|s| s.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert_eq!(stamps[0].reason.as_deref(), Some("bổ sung hồ sơ nhận muộn"));
    let (checked, broken) = publication::verify(&store).expect("verify");
    assert_eq!((checked, broken.len()), (2, 0));
    let audit = chiso_app::accounts::all_audit(&store).expect("audit");
    let published: Vec<_> = audit
        .iter()
        .filter(|e| e.draft.action == "publish")
        .collect();
    assert_eq!(published.len(), 2);
    assert!(published[1].draft.detail.contains(&second.content_hash));
}
