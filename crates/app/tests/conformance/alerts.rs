//! Alerts through the journal contract (`JournalKind::Alert`) and the
//! accounts' e-mail addresses, on every backend against the in-memory
//! reference: an event is recorded once (again the next run, again the next
//! year), a unit head's digest holds only their units' notifications not yet
//! sent to them, and once marked sent it is not due again.

use chiso_app::alerts;
use chiso_core::accounts::Grant;
use chiso_core::alerts::Event;
use chiso_core::memory::MemoryStore;
use chiso_core::reform::JournalStore;
use chiso_core::storage::{AccountStore, Storage};
use chiso_core::time::{Date, Instant};

fn event(unit: &str, key: &str, day: &str) -> Event {
    Event {
        key: key.into(),
        rule: key.split('/').next().unwrap_or("").into(),
        unit_code: unit.into(),
        unit_name: format!("Đơn vị {unit}"),
        day: Date::parse(day).expect("day"),
        title: format!("Cảnh báo {key}"),
        record: key.contains("HS").then(|| "HS1".to_string()),
    }
}

fn head_of(unit: Option<&str>, login: &str, email: &str, store: &impl AccountStore) {
    let grant = Grant::parse(&match unit {
        Some(u) => format!("viewer@{u}"),
        None => "admin".to_string(),
    })
    .expect("grant");
    let mut user = match chiso_app::accounts::add_user(
        store,
        login,
        &format!("Lãnh đạo {login}"),
        "mat-khau-du-dai-1",
        vec![grant],
        Instant::from_unix(1_000),
    ) {
        Ok(u) => u,
        Err(_) => panic!("add user {login}"),
    };
    user.email = email.into();
    if chiso_app::accounts::save_user(store, &user).is_err() {
        panic!("save user {login}");
    }
}

/// Runs the same steps on `store` and on the reference; what each holds
/// must be equal.
pub fn alerts_once_per_event<S>(mut store: S)
where
    S: Storage + JournalStore<Error = <S as chiso_core::engine::IndexStore>::Error>,
    <S as chiso_core::engine::IndexStore>::Error: std::fmt::Debug,
{
    let mut reference = MemoryStore::new();
    head_of(Some("X1"), "xa1", "xa1@example.vn", &store);
    head_of(Some("X1"), "xa1.khong.thu", "", &store);
    head_of(None, "vanphong", "vp@example.vn", &store);
    head_of(Some("X1"), "xa1", "xa1@example.vn", &reference);
    head_of(Some("X1"), "xa1.khong.thu", "", &reference);
    head_of(None, "vanphong", "vp@example.vn", &reference);
    assert_eq!(
        store.user("xa1").expect("read").map(|u| u.email),
        Some("xa1@example.vn".to_string()),
        "the e-mail address is kept"
    );

    let first = [
        event("X1", "tre/X1/HS1/100", "2025-12-31"),
        event("X1", "giam/X1/2025-12", "2025-12-31"),
        event("X2", "giam/X2/2025-12", "2025-12-31"),
    ];
    let at = Instant::from_unix(2_000);
    let kept = alerts::record(&mut store, &first, at).expect("record");
    assert_eq!(kept.len(), 3);
    alerts::record(&mut reference, &first, at).expect("record");
    assert!(alerts::record(&mut store, &first, at)
        .expect("again")
        .is_empty());
    // The next year, the same dossier seen again is the same event.
    let next = [
        event("X1", "tre/X1/HS1/100", "2026-01-01"),
        event("X1", "giam/X1/2026-01", "2026-01-01"),
    ];
    let kept = alerts::record(&mut store, &next, Instant::from_unix(3_000)).expect("record");
    assert_eq!(kept, vec![next[1].clone()]);
    alerts::record(&mut reference, &next, Instant::from_unix(3_000)).expect("record");

    let digests = alerts::digests(&store).expect("digests");
    assert_eq!(
        digests.len(),
        1,
        "only the head with an address: {digests:?}"
    );
    let d = &digests[0];
    assert_eq!(
        (d.login.as_str(), d.email.as_str()),
        ("xa1", "xa1@example.vn")
    );
    let keys: Vec<&str> = d
        .notifications
        .iter()
        .map(|n| n.event.key.as_str())
        .collect();
    // By unit, then as recorded (then by key).
    assert_eq!(
        keys,
        ["giam/X1/2025-12", "tre/X1/HS1/100", "giam/X1/2026-01"]
    );
    assert_eq!(alerts::digests(&reference).expect("digests"), digests);

    alerts::mark_sent(&mut store, d, Instant::from_unix(4_000)).expect("sent");
    alerts::mark_sent(&mut reference, d, Instant::from_unix(4_000)).expect("sent");
    assert!(alerts::digests(&store).expect("digests").is_empty());
    let later = [event("X1", "hang/X1/2026-01", "2026-01-02")];
    alerts::record(&mut store, &later, Instant::from_unix(5_000)).expect("record");
    alerts::record(&mut reference, &later, Instant::from_unix(5_000)).expect("record");
    let digests = alerts::digests(&store).expect("digests");
    assert_eq!(digests.len(), 1);
    assert_eq!(digests[0].notifications.len(), 1);
    assert_eq!(digests[0].notifications[0].event.key, "hang/X1/2026-01");

    let mine = alerts::notifications(&store, |_| true, 100).expect("list");
    let theirs = alerts::notifications(&reference, |_| true, 100).expect("list");
    assert_eq!(mine, theirs);
    assert_eq!(mine.len(), 5);
    assert_eq!(mine[0].event.key, "hang/X1/2026-01", "newest first");
    let sent: Vec<&str> = mine
        .iter()
        .filter(|n| n.sent_to == ["xa1"])
        .map(|n| n.event.key.as_str())
        .collect();
    assert_eq!(sent.len(), 3);
    let x2 = alerts::notifications(&store, |u| u == "X2", 100).expect("list");
    assert_eq!(x2.len(), 1);
    assert!(x2[0].sent_to.is_empty());
}
