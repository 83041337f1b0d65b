//! A seeded pseudo-random generator (splitmix64) for the simulation's choices (which roles are
//! revoked, and when): the same seed gives the same run; no CSPRNG is needed.

/// splitmix64: a 64-bit state, one addition and a mix per number.
#[derive(Debug, Clone)]
pub struct SimRng(u64);

impl SimRng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> SimRng {
        SimRng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `[0, bound)` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        // Multiply-shift: uniform enough for choosing moments and connections.
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers_within_the_bound() {
        let (mut a, mut b) = (SimRng::new(7), SimRng::new(7));
        for _ in 0..1_000 {
            let x = a.below(300);
            assert_eq!(x, b.below(300));
            assert!(x < 300);
        }
        assert_eq!(SimRng::new(1).below(0), 0);
    }
}
