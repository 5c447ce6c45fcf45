//! Column widths for the paged formats (PDF, Word): the model's relative
//! widths, widened where a column would otherwise break a word (a header
//! word, a number, a code) and taken from the others.

use super::fonts::{Fonts, Style};
use crate::model::{Row, Table};

/// Widths in points of a table `total` points wide, text at `size`, cells
/// padded by `padding` points on each side.
pub(crate) fn widths(t: &Table, fonts: &Fonts, size: f32, total: f32, padding: f32) -> Vec<f32> {
    let n = t.columns.len();
    let longest_word = |text: &str, style: Style| {
        text.split_whitespace()
            .map(|w| fonts.width(w, style, size))
            .fold(0.0_f32, f32::max)
    };
    let mut min = vec![0.0_f32; n];
    for h in t.header.iter().filter(|h| h.cols == 1) {
        min[h.col] = min[h.col].max(longest_word(&h.text, Style::Bold));
    }
    for row in &t.rows {
        let (cells, style) = match row {
            Row::Data(cells) => (cells, Style::Regular),
            Row::Summary(cells) => (cells, Style::Bold),
            Row::Section(_) => continue,
        };
        for (i, c) in cells.iter().enumerate().take(n) {
            min[i] = min[i].max(longest_word(&c.display(), style));
        }
    }
    for m in &mut min {
        *m += 2.0 * padding + 1.0;
    }
    fit(
        &t.columns.iter().map(|c| c.width).collect::<Vec<_>>(),
        &min,
        total,
    )
}

/// Proportional widths, none below its minimum (unless the minima alone exceed the total).
fn fit(weights: &[f32], min: &[f32], total: f32) -> Vec<f32> {
    let mut fixed = vec![false; weights.len()];
    loop {
        let fixed_sum: f32 = min
            .iter()
            .zip(&fixed)
            .filter(|(_, f)| **f)
            .map(|(m, _)| m)
            .sum();
        let free_weight: f32 = weights
            .iter()
            .zip(&fixed)
            .filter(|(_, f)| !**f)
            .map(|(w, _)| w)
            .sum();
        let rest = (total - fixed_sum).max(0.0);
        let widths: Vec<f32> = weights
            .iter()
            .zip(min)
            .zip(&fixed)
            .map(|((w, m), f)| {
                if *f {
                    *m
                } else if free_weight > 0.0 {
                    w / free_weight * rest
                } else {
                    0.0
                }
            })
            .collect();
        let mut changed = false;
        for i in 0..weights.len() {
            if !fixed[i] && widths[i] < min[i] {
                fixed[i] = true;
                changed = true;
            }
        }
        if !changed {
            return widths;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn narrow_columns_take_from_wide_ones() {
        let w = fit(&[5.0, 40.0, 10.0], &[30.0, 10.0, 10.0], 110.0);
        assert!((w[0] - 30.0).abs() < 1e-3);
        assert!((w.iter().sum::<f32>() - 110.0).abs() < 1e-3);
        assert!(w[1] > w[2] * 3.9);
        assert_eq!(fit(&[1.0, 1.0], &[0.0, 0.0], 10.0), vec![5.0, 5.0]);
    }
}
