//! Comparing the words people type: header cells, unit and procedure names,
//! status labels. Vietnamese text arrives composed (NFC) or decomposed (NFD,
//! from some Mac and web exports), with or without diacritics, in any case.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Text in composed form (NFC), so that labels compare equal whatever form
/// they were typed in. ASCII is returned as is.
pub(crate) fn composed(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    }
}

/// A key for comparing names: diacritics removed (`đ` → `d`), lower case,
/// every run of non-alphanumeric characters one space, trimmed.
/// `Ủy ban nhân dân  Xã Tân-Hòa` → `uy ban nhan dan xa tan hoa`.
pub(crate) fn fold_name(text: &str) -> String {
    // Most keys and codes are ASCII (`MaHoSo`, `NgayTiepNhan`): the same
    // result without the Unicode decomposition (the portal reader looks
    // keys up by name in every record; this was 40% of its time).
    if text.is_ascii() {
        let mut out = String::with_capacity(text.len());
        let mut space = false;
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                space = true;
            }
        }
        return out;
    }
    fold_unicode(text)
}

/// [`fold_name`] for any text.
fn fold_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// A key for comparing column names: [`fold_name`] without spaces, so that
/// `Mã hồ sơ`, `MaHoSo`, `MAHOSO` and `ma_ho_so` are one name.
pub(crate) fn fold_key(text: &str) -> String {
    let mut key = fold_name(text);
    key.retain(|c| c != ' ');
    key
}

/// A unit name as compared with the catalogue: [`fold_name`] with the usual
/// abbreviations spelt one way (`Ủy ban nhân dân` = `UBND`).
pub(crate) fn fold_unit_name(text: &str) -> String {
    let folded = fold_name(text);
    let padded = format!(" {folded} ");
    padded
        .replace(" uy ban nhan dan ", " ubnd ")
        .replace(" thanh pho ", " tp ")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_ascii_path_folds_as_the_unicode_one(text in "[ -~]{0,40}") {
            proptest::prop_assert_eq!(fold_name(&text), fold_unicode(&text));
        }
    }

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold_key("Mã hồ sơ"), "mahoso");
        assert_eq!(fold_key("MaHoSo"), "mahoso");
        assert_eq!(fold_key("\u{feff} NGÀY HẸN TRẢ "), "ngayhentra");
        assert_eq!(fold_key("received_at"), "receivedat");
        // Decomposed input (NFD) folds like composed.
        let nfd: String = "Đơn vị tiếp nhận".nfd().collect();
        assert_eq!(fold_key(&nfd), "donvitiepnhan");
        assert_eq!(fold_name("Sở  Tư pháp"), "so tu phap");
        assert_eq!(
            fold_unit_name("Ủy ban nhân dân xã Tân-Hòa"),
            fold_unit_name("UBND Xã Tân Hoà")
        );
        assert_eq!(composed(&nfd), "Đơn vị tiếp nhận");
    }
}
