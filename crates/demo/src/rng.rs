//! A small deterministic pseudo-random generator (SplitMix64) and the few
//! distributions the generator needs.
//!
//! Only integer arithmetic and correctly rounded floating-point operations
//! (`+ - * / sqrt`) are used, so a seed gives the same province on every
//! platform.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for demo data.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser, also used to mix seeds.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a hash of a text, to derive streams from unit or procedure codes.
pub(crate) fn hash_str(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

impl Rng {
    /// An independent stream for `seed` and a path of labels (a purpose tag,
    /// a unit, a month…): the same path always gives the same stream, whatever
    /// else was drawn before.
    pub(crate) fn derive(seed: u64, path: &[u64]) -> Rng {
        let mut state = mix(seed ^ GOLDEN);
        for (i, part) in path.iter().enumerate() {
            state = mix(state ^ mix(part.wrapping_add((i as u64 + 1).wrapping_mul(GOLDEN))));
        }
        Rng(state)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[0, n)`; 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform integer in `[lo, hi]` (inclusive; `lo` when `hi < lo`).
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Approximately standard normal (Irwin-Hall with 6 uniforms: mean 0,
    /// variance 1, bounded by ±4.2), without transcendental functions.
    pub(crate) fn normal(&mut self) -> f64 {
        let sum: f64 = (0..6).map(|_| self.unit()).sum();
        (sum - 3.0) * 2.0f64.sqrt()
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Rounds `x` ≥ 0 up or down at random so that the mean is `x`.
    pub(crate) fn round(&mut self, x: f64) -> u64 {
        let x = x.max(0.0);
        let floor = x.floor();
        floor as u64 + u64::from(self.chance(x - floor))
    }
}

/// A discrete distribution over indices by weight (cumulative table, binary search).
#[derive(Clone, Debug, Default)]
pub(crate) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    pub(crate) fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Weighted { cumulative }
    }

    pub(crate) fn total(&self) -> f64 {
        self.cumulative.last().copied().unwrap_or(0.0)
    }

    /// An index drawn by weight; the distribution must not be empty.
    pub(crate) fn sample(&self, rng: &mut Rng) -> usize {
        let target = rng.unit() * self.total();
        self.cumulative
            .partition_point(|c| *c <= target)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::derive(7, &[1, 2]);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::derive(7, &[1, 2]);
        assert!(a.iter().all(|x| *x == r.next_u64()));
        assert_ne!(
            Rng::derive(7, &[1, 2]).next_u64(),
            Rng::derive(7, &[2, 1]).next_u64()
        );
        assert_ne!(
            Rng::derive(7, &[1]).next_u64(),
            Rng::derive(8, &[1]).next_u64()
        );
    }

    #[test]
    fn distributions_stay_in_range() {
        let mut r = Rng::derive(1, &[]);
        for _ in 0..10_000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!((3..=5).contains(&r.int(3, 5)));
            assert!(r.normal().abs() < 4.3);
        }
        let w = Weighted::new([0.0, 1.0, 0.0, 3.0]);
        let mut counts = [0; 4];
        for _ in 0..10_000 {
            counts[w.sample(&mut r)] += 1;
        }
        assert_eq!(counts[0] + counts[2], 0);
        assert!(counts[3] > 2 * counts[1]);
    }
}
