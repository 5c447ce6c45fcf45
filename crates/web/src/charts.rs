//! Charts as inline SVG, drawn on the server: gauges, a trend chart and a
//! horizontal bar chart. No script and no external asset, so they show
//! offline and print as they are.

use chiso_core::format;

use crate::html::{esc, level, put};

/// Colours of the trend chart's series: the total first, then one per group.
pub const SERIES_COLOURS: &[&str] = &[
    "#a61b1b", "#1f5fa8", "#2e7d32", "#d9731a", "#6a3d9a", "#00838f", "#8d6e63", "#c2185b",
];

/// A semicircular gauge of `value` out of `max`, coloured by the share achieved.
pub fn gauge(value: Option<f64>, max: f64, caption: &str) -> String {
    let ratio = value.map(|v| {
        if max > 0.0 {
            (v / max).clamp(0.0, 1.0)
        } else {
            0.0
        }
    });
    let mut svg = String::new();
    put!(
        &mut svg,
        "<svg class=\"gauge\" viewBox=\"0 0 120 78\" role=\"img\" aria-label=\"{}: {} / {}\">",
        esc(caption),
        crate::html::points(value),
        crate::html::max(max)
    );
    svg.push_str("<path class=\"g-bg\" d=\"M10 64 A50 50 0 0 1 110 64\"/>");
    if let Some(r) = ratio.filter(|r| *r > 0.0) {
        let angle = std::f64::consts::PI * r;
        let (x, y) = (60.0 - 50.0 * angle.cos(), 64.0 - 50.0 * angle.sin());
        put!(
            &mut svg,
            "<path class=\"g-val {}\" d=\"M10 64 A50 50 0 0 1 {x:.2} {y:.2}\"/>",
            level(ratio)
        );
    }
    put!(
        &mut svg,
        "<text class=\"g-num\" x=\"60\" y=\"58\">{}</text>",
        crate::html::points(value)
    );
    put!(
        &mut svg,
        "<text class=\"g-max\" x=\"60\" y=\"75\">trên {}</text>",
        crate::html::max(max)
    );
    svg.push_str("</svg>");
    svg
}

/// One line of a trend chart.
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Width of the charts' coordinate system (they scale to the page).
const W: f64 = 1000.0;
const H: f64 = 280.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;

/// A line chart of series over `labels` on a 0 to `y_max` scale, with a legend.
pub fn trend(labels: &[String], series: &[Series], y_max: f64, y_caption: &str) -> String {
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = labels.len().max(1);
    let x = |i: usize| {
        LEFT + if n == 1 {
            plot_w / 2.0
        } else {
            plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - (v / y_max).clamp(0.0, 1.0));
    let mut svg = String::new();
    put!(
        &mut svg,
        "<figure class=\"chart\"><div class=\"scroll\"><svg class=\"trend\" viewBox=\"0 0 {W} \
         {H}\" role=\"img\" aria-label=\"{}\">",
        esc(y_caption)
    );
    for step in 0..=5 {
        let v = y_max * step as f64 / 5.0;
        put!(
            &mut svg,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text \
             class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            y(v),
            y(v),
            LEFT - 6.0,
            y(v) + 4.0,
            format::decimal(v, 0)
        );
    }
    for (i, label) in labels.iter().enumerate() {
        put!(
            &mut svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x(i),
            H - 10.0,
            esc(label)
        );
    }
    for (si, s) in series.iter().enumerate() {
        let colour = SERIES_COLOURS[si % SERIES_COLOURS.len()];
        let width = if si == 0 { 3.0 } else { 1.6 };
        // One polyline per run of known values: no data is a gap, never zero.
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, svg: &mut String| {
            if run.len() > 1 {
                put!(
                    svg,
                    "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" \
                     points=\"{}\"/>",
                    run.join(" ")
                );
            }
            run.clear();
        };
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => run.push(format!("{:.1},{:.1}", x(i), y(*v))),
                None => flush(&mut run, &mut svg),
            }
        }
        flush(&mut run, &mut svg);
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                put!(
                    &mut svg,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{}\" fill=\"{colour}\"><title>{} – {}: \
                     {}</title></circle>",
                    x(i),
                    y(*v),
                    if si == 0 { 3.5 } else { 2.5 },
                    esc(&s.name),
                    esc(labels.get(i).map_or("", String::as_str)),
                    format::points(*v)
                );
            }
        }
    }
    svg.push_str("</svg></div><figcaption><ul class=\"legend\">");
    for (si, s) in series.iter().enumerate() {
        put!(
            &mut svg,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>",
            SERIES_COLOURS[si % SERIES_COLOURS.len()],
            esc(&s.name)
        );
    }
    put!(
        &mut svg,
        "</ul><p class=\"note\">{}</p></figcaption></figure>",
        esc(y_caption)
    );
    svg
}

/// Small multiples: one small line chart per series, each on a 0-100 %
/// scale of its own, so that lines never share (and crowd) one band.
pub fn multiples(labels: &[String], series: &[Series]) -> String {
    const SW: f64 = 300.0;
    const SH: f64 = 120.0;
    const L: f64 = 28.0;
    const R: f64 = 8.0;
    const T: f64 = 8.0;
    const B: f64 = 20.0;
    let n = labels.len().max(1);
    let x = |i: usize| {
        L + if n == 1 {
            (SW - L - R) / 2.0
        } else {
            (SW - L - R) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| T + (SH - T - B) * (1.0 - (v / 100.0).clamp(0.0, 1.0));
    let mut out = String::from("<div class=\"multiples\">");
    for (si, s) in series.iter().enumerate() {
        let colour = SERIES_COLOURS[(si + 1) % SERIES_COLOURS.len()];
        let last = s.values.iter().rev().find_map(|v| *v);
        put!(
            &mut out,
            "<figure class=\"chart\"><figcaption>{} <span class=\"note\">{}</span>\
             </figcaption><svg class=\"small-trend\" viewBox=\"0 0 {SW} {SH}\" role=\"img\" \
             aria-label=\"{}\">",
            esc(&s.name),
            last.map_or("-".to_string(), |v| format!("{}%", format::decimal(v, 0))),
            esc(&s.name)
        );
        for v in [0.0, 50.0, 100.0] {
            put!(
                &mut out,
                "<line class=\"grid\" x1=\"{L}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text \
                 class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                SW - R,
                y(v),
                y(v),
                L - 4.0,
                y(v) + 4.0,
                format::decimal(v, 0)
            );
        }
        for i in [0, n - 1] {
            if let Some(label) = labels.get(i) {
                put!(
                    &mut out,
                    "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{}\">{}</text>",
                    x(i),
                    SH - 5.0,
                    if i == 0 { "start" } else { "end" },
                    esc(label)
                );
            }
        }
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, out: &mut String| {
            if run.len() > 1 {
                put!(
                    out,
                    "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.2\" \
                     points=\"{}\"/>",
                    run.join(" ")
                );
            }
            run.clear();
        };
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => run.push(format!("{:.1},{:.1}", x(i), y(*v))),
                None => flush(&mut run, &mut out),
            }
        }
        flush(&mut run, &mut out);
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                put!(
                    &mut out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.8\" fill=\"{colour}\"><title>{} – {}: \
                     {}%</title></circle>",
                    x(i),
                    y(*v),
                    esc(&s.name),
                    esc(labels.get(i).map_or("", String::as_str)),
                    format::decimal(*v, 1)
                );
            }
        }
        out.push_str("</svg></figure>");
    }
    out.push_str("</div>");
    out
}

/// A distribution of shares (0-100 %) in ten bins of 10 points, one bar per
/// bin with its count; the bin holding `highlight` is marked and named.
pub fn distribution(values: &[f64], highlight: Option<(f64, &str)>, caption: &str) -> String {
    // Narrow, so that it reads on a phone without scrolling.
    const DW: f64 = 520.0;
    const DH: f64 = 220.0;
    const L: f64 = 14.0;
    const R: f64 = 14.0;
    const B: f64 = 30.0;
    const T: f64 = 34.0;
    let bin = |v: f64| ((v.clamp(0.0, 1.0) * 10.0).floor() as usize).min(9);
    let mut counts = [0usize; 10];
    for v in values {
        counts[bin(*v)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bw = (DW - L - R) / 10.0;
    let y = |c: f64| T + (DH - T - B) * (1.0 - c / top);
    let mut svg = String::new();
    put!(
        &mut svg,
        "<figure class=\"chart\"><svg class=\"distribution\" viewBox=\"0 0 {DW} {DH}\" \
         role=\"img\" aria-label=\"{}\">",
        esc(caption)
    );
    let marked = highlight.map(|(v, _)| bin(v));
    for (i, c) in counts.iter().enumerate() {
        let x0 = L + bw * i as f64;
        put!(
            &mut svg,
            "<rect class=\"dist{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\">\
             <title>{}-{}%: {} đơn vị</title></rect><text class=\"bar-value\" x=\"{:.1}\" \
             y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            if marked == Some(i) { " this" } else { "" },
            x0 + 2.0,
            y(*c as f64),
            bw - 4.0,
            DH - B - y(*c as f64),
            i * 10,
            i * 10 + 10,
            c,
            x0 + bw / 2.0,
            y(*c as f64) - 4.0,
            c
        );
    }
    for i in (0..=10).step_by(2) {
        put!(
            &mut svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}%</text>",
            L + bw * i as f64,
            DH - B + 16.0,
            i * 10
        );
    }
    if let Some((v, name)) = highlight {
        put!(
            &mut svg,
            "<text class=\"marker-label\" x=\"{:.1}\" y=\"14\" text-anchor=\"middle\">▼ {} \
             ({}%)</text>",
            (L + bw * bin(v) as f64 + bw / 2.0).clamp(L + 110.0, DW - R - 110.0),
            esc(name),
            format::decimal(v * 100.0, 1)
        );
    }
    put!(
        &mut svg,
        "</svg><figcaption class=\"note\">{}</figcaption></figure>",
        esc(caption)
    );
    svg
}

/// One bar: a label, a share in [0, 1] (or none) and the text printed after it.
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
    /// Colour class share (points over maximum), see [`crate::html::level`].
    pub achieved: Option<f64>,
}

/// A vertical marker line across the bars (a threshold or a target).
pub struct Marker {
    pub at: f64,
    pub label: String,
}

/// A horizontal bar chart of shares (0-100 %), one bar per row.
pub fn bars(rows: &[Bar], markers: &[Marker], caption: &str) -> String {
    const ROW: f64 = 17.0;
    const LABEL: f64 = 280.0;
    const VALUE: f64 = 80.0;
    let top = 22.0;
    let plot_w = W - LABEL - VALUE;
    let height = top + ROW * rows.len() as f64 + 24.0;
    let x = |v: f64| LABEL + plot_w * v.clamp(0.0, 1.0);
    let mut svg = String::new();
    put!(
        &mut svg,
        "<figure class=\"chart\"><div class=\"scroll\"><svg class=\"bars\" viewBox=\"0 0 {W} \
         {height:.0}\" role=\"img\" aria-label=\"{}\">",
        esc(caption)
    );
    for step in 0..=4 {
        let v = step as f64 / 4.0;
        put!(
            &mut svg,
            "<line class=\"grid\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1}\" y2=\"{2:.1}\"/><text \
             class=\"axis\" x=\"{0:.1}\" y=\"{3:.1}\" text-anchor=\"middle\">{4}%</text>",
            x(v),
            top - 4.0,
            height - 20.0,
            height - 6.0,
            format::decimal(v * 100.0, 0)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let yy = top + ROW * i as f64;
        let label: String = if r.label.chars().count() > 46 {
            r.label
                .chars()
                .take(45)
                .chain(std::iter::once('…'))
                .collect()
        } else {
            r.label.clone()
        };
        put!(
            &mut svg,
            "<text class=\"bar-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL - 6.0,
            yy + 12.0,
            esc(&label)
        );
        if let Some(v) = r.value {
            put!(
                &mut svg,
                "<rect class=\"bar {}\" x=\"{LABEL}\" y=\"{:.1}\" width=\"{:.1}\" \
                 height=\"{:.1}\"><title>{}: {}</title></rect>",
                level(r.achieved),
                yy + 2.0,
                (x(v) - LABEL).max(0.5),
                ROW - 5.0,
                esc(&r.label),
                esc(&r.text)
            );
        }
        put!(
            &mut svg,
            "<text class=\"bar-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            W - VALUE + 6.0,
            yy + 12.0,
            esc(&r.text)
        );
    }
    for m in markers {
        put!(
            &mut svg,
            "<line class=\"marker\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1}\" y2=\"{2:.1}\"/><text \
             class=\"marker-label\" x=\"{0:.1}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
            x(m.at),
            top - 2.0,
            height - 20.0,
            top - 8.0,
            esc(&m.label)
        );
    }
    put!(
        &mut svg,
        "</svg></div><figcaption class=\"note\">{}</figcaption></figure>",
        esc(caption)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_arc_and_text() {
        let g = gauge(Some(9.0), 18.0, "Nhóm 1");
        assert!(g.contains("class=\"g-val lv4\""), "half of the maximum");
        assert!(g.contains(">9,00<") && g.contains("trên 18"));
        // Half of the maximum ends at the top of the arc.
        assert!(g.contains("A50 50 0 0 1 60.00 14.00"), "{g}");
        assert!(!gauge(None, 18.0, "x").contains("g-val"));
    }

    #[test]
    fn trend_leaves_gaps_for_missing_values() {
        let labels: Vec<String> = (1..=4).map(|m| format!("{m:02}/2026")).collect();
        let s = Series {
            name: "Tổng <điểm>".into(),
            values: vec![Some(50.0), None, Some(60.0), Some(70.0)],
        };
        let svg = trend(&labels, &[s], 100.0, "điểm");
        assert_eq!(
            svg.matches("<polyline").count(),
            1,
            "one line for the run of two values"
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("Tổng &lt;điểm&gt;"));
    }

    #[test]
    fn multiples_draw_one_chart_per_series() {
        let labels: Vec<String> = (1..=3).map(|m| format!("{m:02}/26")).collect();
        let series = vec![
            Series {
                name: "1. Công khai".into(),
                values: vec![Some(50.0), Some(60.0), None],
            },
            Series {
                name: "2. Tiến độ".into(),
                values: vec![None, None, Some(90.0)],
            },
        ];
        let html = multiples(&labels, &series);
        assert_eq!(html.matches("<svg").count(), 2);
        assert_eq!(
            html.matches("<polyline").count(),
            1,
            "a single point draws no line"
        );
        assert!(
            html.contains("60%") && html.contains("90%"),
            "the last known value"
        );
    }

    #[test]
    fn distribution_counts_and_marks_the_unit() {
        let svg = distribution(&[0.05, 0.95, 1.0, 0.5], Some((0.97, "Sở Y tế")), "x");
        assert!(
            svg.contains("90-100%: 2 đơn vị"),
            "1,0 falls in the top bin"
        );
        assert!(svg.contains("0-10%: 1 đơn vị") && svg.contains("50-60%: 1 đơn vị"));
        assert_eq!(svg.matches("class=\"dist this\"").count(), 1);
        assert!(svg.contains("Sở Y tế (97,0%)"));
    }

    #[test]
    fn bars_and_markers() {
        let rows = vec![
            Bar {
                label: "UBND xã A".into(),
                value: Some(0.5),
                text: "50,00%".into(),
                achieved: Some(0.5),
            },
            Bar {
                label: "UBND xã B".into(),
                value: None,
                text: "-".into(),
                achieved: None,
            },
        ];
        let svg = bars(
            &rows,
            &[Marker {
                at: 0.8,
                label: "ngưỡng 80%".into(),
            }],
            "tỷ lệ",
        );
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains("ngưỡng 80%") && svg.contains("UBND xã B"));
    }
}
