//! Serialises laid-out pages: one Type 0 (CID, Identity-H) font per face
//! used, subset with its widths and a ToUnicode map; content streams and
//! font files compressed.

use std::collections::BTreeMap;
use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use super::{Op, Page, THIN};
use crate::render::fonts::{Fonts, Style};
use crate::ReportError;

/// What the pages use of one face: the glyphs (renumbered for the subset)
/// and the character each stands for.
struct Used {
    remapper: GlyphRemapper,
    chars: BTreeMap<u16, char>,
}

fn compress(data: &[u8]) -> Result<Vec<u8>, ReportError> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data)?;
    Ok(e.finish()?)
}

fn font_name(style: Style) -> Name<'static> {
    Name(match style {
        Style::Regular => b"F0",
        Style::Bold => b"F1",
        Style::Italic => b"F2",
        Style::BoldItalic => b"F3",
    })
}

const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

pub(super) fn pdf(pages: &[Page], title: &str, fonts: &Fonts) -> Result<Vec<u8>, ReportError> {
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let (catalog, tree, info) = (alloc(), alloc(), alloc());
    let font_refs: Vec<Ref> = Style::ALL.iter().map(|_| alloc()).collect();
    let mut used: Vec<Option<Used>> = Style::ALL.iter().map(|_| None).collect();

    // Content streams first: they decide which glyphs the subsets hold.
    let mut contents = Vec::with_capacity(pages.len());
    for page in pages {
        let mut c = Content::new();
        c.set_line_width(THIN);
        for op in &page.ops {
            match op {
                Op::Line { x1, y1, x2, y2 } => {
                    c.move_to(*x1, page.height - y1)
                        .line_to(*x2, page.height - y2)
                        .stroke();
                }
                Op::Text {
                    x,
                    y,
                    size,
                    style,
                    text,
                } => {
                    let face = fonts.face(*style);
                    let u = used[style.index()].get_or_insert_with(|| Used {
                        remapper: GlyphRemapper::new(),
                        chars: BTreeMap::new(),
                    });
                    let mut bytes = Vec::with_capacity(text.len() * 2);
                    for ch in text.chars() {
                        let glyph = u.remapper.remap(face.glyph(ch));
                        u.chars.entry(glyph).or_insert(ch);
                        bytes.extend(glyph.to_be_bytes());
                    }
                    c.begin_text()
                        .set_font(font_name(*style), *size)
                        .set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, page.height - y])
                        .show(Str(&bytes))
                        .end_text();
                }
            }
        }
        contents.push(compress(&c.finish())?);
    }

    let mut pdf = Pdf::new();
    let page_refs: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    let content_refs: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    pdf.catalog(catalog).pages(tree).lang(TextStr("vi-VN"));
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("chiso"))
        .creator(TextStr("chiso"));
    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(pages.len() as i32);
    for ((page, page_ref), (content, content_ref)) in pages
        .iter()
        .zip(&page_refs)
        .zip(contents.iter().zip(&content_refs))
    {
        let mut p = pdf.page(*page_ref);
        p.media_box(Rect::new(0.0, 0.0, page.width, page.height))
            .parent(tree)
            .contents(*content_ref);
        let mut resources = p.resources();
        let mut f = resources.fonts();
        for style in Style::ALL {
            if used[style.index()].is_some() {
                f.pair(font_name(style), font_refs[style.index()]);
            }
        }
        f.finish();
        resources.finish();
        p.finish();
        pdf.stream(*content_ref, content)
            .filter(Filter::FlateDecode);
    }

    for style in Style::ALL {
        let Some(u) = &used[style.index()] else {
            continue;
        };
        let (cid, descriptor, file, cmap) = (alloc(), alloc(), alloc(), alloc());
        let face = fonts.face(style);
        // A subset's name carries a six-letter tag.
        let base = format!(
            "CHISO{}+{}",
            (b'A' + style.index() as u8) as char,
            style.postscript_name()
        );
        let base = Name(base.as_bytes());
        pdf.type0_font(font_refs[style.index()])
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let widths: Vec<f32> = u
            .remapper
            .remapped_gids()
            .map(|g| face.to_milli(face.advance(g)))
            .collect();
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(SYSTEM_INFO)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let f = &face.face;
        let bbox = f.global_bounding_box();
        let milli = |v: i16| face.to_milli(f32::from(v));
        let mut flags = FontFlags::SERIF | FontFlags::NON_SYMBOLIC;
        if style.is_italic() {
            flags |= FontFlags::ITALIC;
        }
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(flags)
            .bbox(Rect::new(
                milli(bbox.x_min),
                milli(bbox.y_min),
                milli(bbox.x_max),
                milli(bbox.y_max),
            ))
            .italic_angle(f.italic_angle())
            .ascent(milli(f.ascender()))
            .descent(milli(f.descender()))
            .cap_height(milli(f.capital_height().unwrap_or(f.ascender())))
            .stem_v(if style.is_bold() { 140.0 } else { 80.0 })
            .font_file2(file);
        let subset = subsetter::subset(face.data, 0, &u.remapper)
            .map_err(|e| ReportError::Font(format!("{}: {e}", style.postscript_name())))?;
        pdf.stream(file, &compress(&subset)?)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);

        let mut map = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
        for (glyph, ch) in &u.chars {
            map.pair(*glyph, *ch);
        }
        pdf.stream(cmap, &map.finish());
    }
    Ok(pdf.finish())
}
