//! The bundled fonts: Liberation Serif (SIL Open Font License, see
//! `fonts/LICENSE.txt`), metric-compatible with Times New Roman and covering
//! Vietnamese. Their metrics lay out the PDF and estimate line breaks in Word
//! and Excel (which print in Times New Roman, the same widths); the PDF
//! embeds a subset of them.

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

use crate::ReportError;

/// A face of the family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl Style {
    pub const ALL: [Style; 4] = [
        Style::Regular,
        Style::Bold,
        Style::Italic,
        Style::BoldItalic,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The PostScript name of the face.
    pub fn postscript_name(self) -> &'static str {
        match self {
            Style::Regular => "LiberationSerif",
            Style::Bold => "LiberationSerif-Bold",
            Style::Italic => "LiberationSerif-Italic",
            Style::BoldItalic => "LiberationSerif-BoldItalic",
        }
    }

    pub fn is_bold(self) -> bool {
        matches!(self, Style::Bold | Style::BoldItalic)
    }

    pub fn is_italic(self) -> bool {
        matches!(self, Style::Italic | Style::BoldItalic)
    }
}

const DATA: [&[u8]; 4] = [
    include_bytes!("../../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../../fonts/LiberationSerif-BoldItalic.ttf"),
];

/// One parsed face with its file.
pub(crate) struct FontFace {
    pub data: &'static [u8],
    pub face: Face<'static>,
    pub units_per_em: f32,
}

impl FontFace {
    /// The glyph of a character (0, the missing glyph, if the font has none).
    pub fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// A glyph's advance width in font units.
    pub fn advance(&self, glyph: u16) -> f32 {
        f32::from(self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0))
    }

    /// A length in font units, in thousandths of the font size (PDF glyph space).
    pub fn to_milli(&self, units: f32) -> f32 {
        units * 1000.0 / self.units_per_em
    }
}

/// The four faces.
pub(crate) struct Fonts {
    faces: Vec<FontFace>,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

impl Fonts {
    /// The bundled fonts, parsed once.
    pub fn get() -> Result<&'static Fonts, ReportError> {
        FONTS
            .get_or_init(|| {
                let faces = DATA
                    .iter()
                    .zip(Style::ALL)
                    .map(|(data, style)| {
                        let face = Face::parse(data, 0)
                            .map_err(|e| format!("{}: {e}", style.postscript_name()))?;
                        Ok(FontFace {
                            data,
                            units_per_em: f32::from(face.units_per_em()),
                            face,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(Fonts { faces })
            })
            .as_ref()
            .map_err(|e| ReportError::Font(e.clone()))
    }

    pub fn face(&self, style: Style) -> &FontFace {
        &self.faces[style.index()]
    }

    /// Width of a text in points at a size.
    pub fn width(&self, text: &str, style: Style, size: f32) -> f32 {
        let f = self.face(style);
        let units: f32 = text.chars().map(|c| f.advance(f.glyph(c))).sum();
        units / f.units_per_em * size
    }

    /// Greedy line breaking at spaces (and inside words longer than a line).
    pub fn wrap(&self, text: &str, style: Style, size: f32, max_width: f32) -> Vec<String> {
        self.wrap_indented(text, style, size, max_width, max_width)
    }

    /// As [`Fonts::wrap`], the first line being `first_width` wide (a first-line indent).
    pub fn wrap_indented(
        &self,
        text: &str,
        style: Style,
        size: f32,
        first_width: f32,
        max_width: f32,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let max_width = if lines.is_empty() {
                    first_width
                } else {
                    max_width
                };
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, style, size) <= max_width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word wider than the line is cut where it must be.
                for c in word.chars() {
                    line.push(c);
                    if self.width(&line, style, size) > max_width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vietnamese_letter_has_a_glyph() {
        let fonts = Fonts::get().expect("fonts");
        let letters = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";
        for style in Style::ALL {
            let face = fonts.face(style);
            for c in letters
                .chars()
                .chain(letters.to_uppercase().chars())
                .chain("0123456789,.;:%/()-–…≥“”".chars())
            {
                assert_ne!(
                    face.glyph(c),
                    0,
                    "{c} missing in {}",
                    style.postscript_name()
                );
            }
        }
    }

    #[test]
    fn wraps_within_the_width() {
        let fonts = Fonts::get().expect("fonts");
        let text = "Tỷ lệ hồ sơ TTHC số hóa hồ sơ, kết quả giải quyết TTHC (%)";
        let lines = fonts.wrap(text, Style::Bold, 11.0, 60.0);
        assert!(lines.len() > 2);
        assert!(lines
            .iter()
            .all(|l| fonts.width(l, Style::Bold, 11.0) <= 60.0));
        assert_eq!(lines.join(" "), text);
        assert_eq!(
            fonts.wrap("", Style::Regular, 13.0, 50.0),
            vec![String::new()]
        );
    }
}
