//! Finding a unit (or any catalogue entry) by its Vietnamese name, as files
//! that name things instead of coding them need: the national portal's
//! published results name units (`TEN`), staff exports name units and
//! procedures.
//!
//! Names are compared after [`fold`]: lower case, without diacritics
//! (precomposed or combining), `đ` as `d`, punctuation as spaces, runs of
//! spaces as one, and `UBND` spelt out. So "UBND xã Hải Thành", "Ủy ban nhân
//! dân xã Hải Thành" and "uy ban nhan dan xa hai thanh" are the same name.
//! A name that is no entry's folded name but is contained (as whole words)
//! in exactly one entry's, or contains exactly one, is taken as that entry;
//! anything else is not found or ambiguous, with the candidates to choose
//! from.

use std::collections::HashMap;

/// A name lower-cased, without diacritics or punctuation, single-spaced,
/// with the abbreviation `UBND` written out (`uy ban nhan dan`).
pub fn fold(name: &str) -> String {
    let mut plain = String::with_capacity(name.len());
    for ch in name.chars().flat_map(char::to_lowercase) {
        if ('\u{300}'..='\u{36f}').contains(&ch) {
            continue; // combining marks of decomposed text
        }
        let base = base_letter(ch);
        plain.push(if base.is_alphanumeric() { base } else { ' ' });
    }
    let mut out = String::with_capacity(plain.len() + 16);
    for word in plain.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(if word == "ubnd" {
            "uy ban nhan dan"
        } else {
            word
        });
    }
    out
}

/// The letter without its Vietnamese diacritics (lower case in, lower case out).
fn base_letter(ch: char) -> char {
    const GROUPS: &[(char, &str)] = &[
        ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
        ('e', "èéẻẽẹêềếểễệ"),
        ('i', "ìíỉĩị"),
        ('o', "òóỏõọôồốổỗộơờớởỡợ"),
        ('u', "ùúủũụưừứửữự"),
        ('y', "ỳýỷỹỵ"),
        ('d', "đ"),
    ];
    if ch.is_ascii() {
        return ch;
    }
    GROUPS
        .iter()
        .find(|(_, marked)| marked.contains(ch))
        .map_or(ch, |(base, _)| *base)
}

/// What looking a name up gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Exactly one entry has this name: its key.
    Found(&'a str),
    /// No entry has this name; the closest entries as (key, name), best first.
    NotFound(Vec<(&'a str, &'a str)>),
    /// Several entries have this name: all of them as (key, name).
    Ambiguous(Vec<(&'a str, &'a str)>),
}

/// Entries (a key such as a unit code, and a name) searchable by name.
pub struct NameIndex<'a> {
    entries: Vec<(&'a str, &'a str, String)>,
}

/// Candidates listed when a name is not found.
const CANDIDATES: usize = 5;

impl<'a> NameIndex<'a> {
    pub fn new(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> NameIndex<'a> {
        NameIndex {
            entries: entries
                .into_iter()
                .map(|(key, name)| (key, name, fold(name)))
                .collect(),
        }
    }

    /// The entry named `name` (see the module's rules).
    pub fn lookup(&self, name: &str) -> Lookup<'a> {
        let wanted = fold(name);
        if wanted.is_empty() {
            return Lookup::NotFound(Vec::new());
        }
        let exact: Vec<(&'a str, &'a str)> = self
            .entries
            .iter()
            .filter(|(_, _, folded)| *folded == wanted)
            .map(|(key, name, _)| (*key, *name))
            .collect();
        match exact.len() {
            1 => return Lookup::Found(exact[0].0),
            0 => {}
            _ => return Lookup::Ambiguous(exact),
        }
        let containing: Vec<(&'a str, &'a str)> = self
            .entries
            .iter()
            .filter(|(_, _, folded)| {
                contains_words(folded, &wanted) || contains_words(&wanted, folded)
            })
            .map(|(key, name, _)| (*key, *name))
            .collect();
        match containing.len() {
            1 => Lookup::Found(containing[0].0),
            0 => Lookup::NotFound(self.closest(&wanted)),
            _ => Lookup::Ambiguous(containing),
        }
    }

    /// The entries sharing the most distinctive words with `wanted`, best
    /// first: a word counts less the more names have it, and only names
    /// sharing a rare word (in at most a twentieth of the names, or two) are
    /// candidates, so "UBND xã" alone suggests nothing.
    fn closest(&self, wanted: &str) -> Vec<(&'a str, &'a str)> {
        let mut frequency: HashMap<&str, usize> = HashMap::new();
        for (_, _, folded) in &self.entries {
            let mut words: Vec<&str> = folded.split(' ').collect();
            words.sort_unstable();
            words.dedup();
            for w in words {
                *frequency.entry(w).or_default() += 1;
            }
        }
        let rare = (self.entries.len() / 20).max(2);
        let words: Vec<&str> = wanted.split(' ').collect();
        let mut scored: Vec<(f64, &'a str, &'a str)> = self
            .entries
            .iter()
            .filter_map(|(key, name, folded)| {
                let mut shared: Vec<&str> =
                    folded.split(' ').filter(|w| words.contains(w)).collect();
                shared.sort_unstable();
                shared.dedup();
                let df = |w: &str| frequency.get(w).copied().unwrap_or(1);
                shared.iter().any(|w| df(w) <= rare).then(|| {
                    let score = shared.iter().map(|w| 1.0 / df(w) as f64).sum::<f64>();
                    (score, *key, *name)
                })
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(CANDIDATES)
            .map(|(_, key, name)| (key, name))
            .collect()
    }
}

/// Whether `inner` occurs in `outer` as whole words (both folded).
fn contains_words(outer: &str, inner: &str) -> bool {
    if inner.is_empty() {
        return false;
    }
    outer.match_indices(inner).any(|(at, _)| {
        let before = at == 0 || outer.as_bytes()[at - 1] == b' ';
        let end = at + inner.len();
        let after = end == outer.len() || outer.as_bytes()[end] == b' ';
        before && after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_forgets_case_marks_and_punctuation() {
        assert_eq!(
            fold("Sở Văn hóa, Thể thao và Du lịch"),
            "so van hoa the thao va du lich"
        );
        assert_eq!(
            fold("SỞ VĂN HOÁ,  THỂ THAO VÀ DU LỊCH"),
            "so van hoa the thao va du lich"
        );
        assert_eq!(fold("UBND xã Hải Thành"), "uy ban nhan dan xa hai thanh");
        assert_eq!(
            fold("Ủy ban nhân dân xã Hải Thành"),
            "uy ban nhan dan xa hai thanh"
        );
        // Decomposed (NFD) text: base letters and combining marks.
        assert_eq!(fold("Đa\u{300}o Ta\u{323}o"), "dao tao");
        assert_eq!(fold("  "), "");
    }

    #[test]
    fn lookups() {
        let units = [
            ("A", "UBND tỉnh Sơn Thủy"),
            ("B", "Sở Tư pháp"),
            ("C", "UBND xã Hải Thành"),
            ("D", "UBND phường Hải Thành"),
            ("E", "Sở Y tế"),
            ("F", "Sở Y tế"),
        ];
        let index = NameIndex::new(units);
        assert_eq!(index.lookup("SỞ TƯ PHÁP"), Lookup::Found("B"));
        assert_eq!(
            index.lookup("Ủy ban nhân dân xã Hải Thành"),
            Lookup::Found("C")
        );
        // Contained in exactly one name, or containing exactly one.
        assert_eq!(index.lookup("tỉnh Sơn Thủy"), Lookup::Found("A"));
        assert_eq!(index.lookup("Sở Tư pháp tỉnh Sơn Thủy"), Lookup::Found("B"));
        assert_eq!(
            index.lookup("Sở Y tế"),
            Lookup::Ambiguous(vec![("E", "Sở Y tế"), ("F", "Sở Y tế")])
        );
        assert_eq!(
            index.lookup("Hải Thành"),
            Lookup::Ambiguous(vec![
                ("C", "UBND xã Hải Thành"),
                ("D", "UBND phường Hải Thành")
            ])
        );
        match index.lookup("xã Hải Thanh Đông") {
            Lookup::NotFound(c) => assert_eq!(c[0].0, "C", "shares the rare 'xa'"),
            other => panic!("{other:?}"),
        }
        // Part of a word is not a match.
        assert_eq!(
            index.lookup("Sở Tư"),
            Lookup::Found("B"),
            "whole words of one name"
        );
        assert!(matches!(index.lookup("pháp lý"), Lookup::NotFound(_)));
        assert_eq!(index.lookup(""), Lookup::NotFound(vec![]));
        // Only common words shared: no candidate worth naming.
        let many: Vec<(String, String)> = (0..60)
            .map(|i| (format!("K{i}"), format!("UBND xã Số {i}")))
            .collect();
        let index = NameIndex::new(many.iter().map(|(k, n)| (k.as_str(), n.as_str())));
        assert_eq!(index.lookup("UBND xã Không Có"), Lookup::NotFound(vec![]));
        assert_eq!(
            index.lookup("UBND xã Số Bảy Mươi"),
            Lookup::NotFound(vec![]),
            "'so' is in every name"
        );
        match index.lookup("xã 17 mới") {
            Lookup::NotFound(c) => assert_eq!(c, [("K17", "UBND xã Số 17")]),
            other => panic!("{other:?}"),
        }
    }
}
