//! Duplicate keys within one file, found without keeping the keys: each key
//! is reduced to a 128-bit fingerprint by a hash keyed with random seeds
//! (a folded multiply, as in foldhash and wyhash), and only the fingerprint
//! and its line are kept. Two different keys share a fingerprint with odds
//! of about n² / 2¹²⁹ for n keys (10⁻²³ for a hundred million rows), and
//! the random seeds keep crafted collisions out of reach.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use crate::Record;

/// Hashes a fingerprint by its low 64 bits (it is already a keyed hash).
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Two independent keyed hashes of a byte string.
struct Fingerprinter {
    seeds: [u64; 4],
}

struct Print<'s> {
    seeds: &'s [u64; 4],
    a: u64,
    b: u64,
}

impl Print<'_> {
    fn word(&mut self, w: u64) {
        self.a = fold(self.a ^ w, self.seeds[1]);
        self.b = fold(self.b ^ w, self.seeds[3]);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in chunks.by_ref() {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(w));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        // The length ends every string, so `ab` + `c` differs from `a` + `bc`.
        self.word(u64::from_le_bytes(last) ^ ((bytes.len() as u64) << 56));
        self.word(bytes.len() as u64);
    }

    fn finish(self) -> u128 {
        (u128::from(self.a) << 64) | u128::from(self.b)
    }
}

impl Fingerprinter {
    fn new() -> Fingerprinter {
        let state = RandomState::new();
        let seed = |i: u64| state.hash_one(i) | 1;
        Fingerprinter {
            seeds: [seed(1), seed(2), seed(3), seed(4)],
        }
    }

    fn start(&self) -> Print<'_> {
        Print {
            seeds: &self.seeds,
            a: self.seeds[0],
            b: self.seeds[2],
        }
    }

    /// The fingerprint of a record's key (see [`Record::key`]).
    fn of(&self, record: &Record) -> u128 {
        let mut p = self.start();
        match record {
            Record::Unit(u) => p.bytes(u.code.as_bytes()),
            Record::Procedure(x) => p.bytes(x.code.as_bytes()),
            Record::Dossier(d) => p.bytes(d.id.as_bytes()),
            Record::Feedback(f) => p.bytes(f.id.as_bytes()),
            Record::Counts(c) => {
                p.bytes(c.unit_code.as_bytes());
                p.word(c.month.index() as u64);
            }
            Record::Holiday(h) => p.word(h.date.days() as u64),
            Record::Step(s) => p.bytes(s.key().as_bytes()),
        }
        p.finish()
    }
}

/// The keys seen in one file and the line of each.
pub(crate) struct Seen {
    prints: Fingerprinter,
    lines: HashMap<u128, usize, BuildHasherDefault<Identity>>,
}

impl Seen {
    pub fn new() -> Seen {
        Seen {
            prints: Fingerprinter::new(),
            lines: HashMap::default(),
        }
    }

    /// Records the key of `record` at `line`, or gives the line where it was first seen.
    pub fn first_line(&mut self, record: &Record, line: usize) -> Option<usize> {
        match self.lines.entry(self.prints.of(record)) {
            Entry::Occupied(e) => Some(*e.get()),
            Entry::Vacant(v) => {
                v.insert(line);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chiso_core::records::UnitCounts;
    use chiso_core::time::Month;

    #[test]
    fn different_keys_differ() {
        let f = Fingerprinter::new();
        let mut seen = std::collections::HashSet::new();
        for i in 0..100_000u32 {
            let mut p = f.start();
            p.bytes(format!("H53-{i}").as_bytes());
            assert!(seen.insert(p.finish()));
        }
        let print = |s: &str| {
            let mut p = f.start();
            p.bytes(s.as_bytes());
            p.finish()
        };
        assert_eq!(print("abc"), print("abc"));
        assert_ne!(print(""), print("\0"));
        assert_ne!(print("12345678"), print("12345678\0"));
        let counts = |u: &str, m| {
            Record::Counts(UnitCounts {
                unit_code: u.into(),
                month: Month::from_index(m),
                verified_accounts: 0,
                e_certified_copies: 0,
                certification_dossiers: 0,
                population: 0,
            })
        };
        assert_eq!(f.of(&counts("A", 5)), f.of(&counts("A", 5)));
        assert_ne!(f.of(&counts("A", 5)), f.of(&counts("A", 6)));
        assert_ne!(f.of(&counts("A", 5)), f.of(&counts("B", 5)));
    }
}
