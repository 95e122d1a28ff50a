//! Multi-index hashing over PDQ hashes (Norouzi et al.; what ThreatExchange's MIH does): the
//! 256 bits are cut into the hash's sixteen 16-bit words, and each word position gets a table from
//! word value to the hashes holding it. Two hashes within distance `r` agree to within `⌊r/16⌋`
//! bits on at least one word (pigeonhole), so a query probes, per word, every value within that
//! many bit flips — for the match threshold 31, one flip: 17 probes × 16 words — and checks the
//! full distance only for what the probes return.
//!
//! The tables are compressed rows (an offsets array per word position and one id array), built
//! once from all hashes: 64 + 16·4 bytes per hash, no per-bucket allocation.

use crate::pdq::Hash256;

/// An immutable index of PDQ hashes; a hash's id is its position in the input.
pub struct PdqIndex {
    hashes: Vec<Hash256>,
    /// For word position `w`: `offsets[w][v]..offsets[w][v + 1]` is the slice of `ids[w]` whose
    /// hashes have word `w` equal to `v`.
    offsets: Vec<Vec<u32>>,
    ids: Vec<Vec<u32>>,
}

/// A hash within the asked distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub distance: u32,
    pub id: u32,
}

impl PdqIndex {
    /// Builds the index (counting sort per word position: linear in the number of hashes).
    pub fn build(hashes: Vec<Hash256>) -> PdqIndex {
        assert!(
            hashes.len() < u32::MAX as usize,
            "too many hashes for one index"
        );
        let mut offsets = Vec::with_capacity(16);
        let mut ids = Vec::with_capacity(16);
        for w in 0..16 {
            let mut counts = vec![0u32; 65_537];
            for h in &hashes {
                counts[h.0[w] as usize + 1] += 1;
            }
            for v in 1..counts.len() {
                counts[v] += counts[v - 1];
            }
            let mut next = counts.clone();
            let mut slot = vec![0u32; hashes.len()];
            for (id, h) in hashes.iter().enumerate() {
                let v = h.0[w] as usize;
                slot[next[v] as usize] = id as u32;
                next[v] += 1;
            }
            offsets.push(counts);
            ids.push(slot);
        }
        PdqIndex {
            hashes,
            offsets,
            ids,
        }
    }

    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    pub fn get(&self, id: u32) -> Option<&Hash256> {
        self.hashes.get(id as usize)
    }

    /// Every stored hash within `max_distance` of `query`, nearest first (ties by id).
    pub fn query(&self, query: &Hash256, max_distance: u32) -> Vec<Hit> {
        if max_distance >= 256 {
            return self.scan(query, max_distance);
        }
        let flips = (max_distance / 16) as usize;
        if flips > 2 {
            // Beyond two flips per word the probes outnumber a scan of a small index.
            return self.scan(query, max_distance);
        }
        let mut hits = Vec::new();
        let mut probe = |w: usize, v: u16| {
            let lo = self.offsets[w][v as usize] as usize;
            let hi = self.offsets[w][v as usize + 1] as usize;
            for &id in &self.ids[w][lo..hi] {
                let d = self.hashes[id as usize].distance(query);
                if d <= max_distance {
                    hits.push(Hit { distance: d, id });
                }
            }
        };
        for w in 0..16 {
            let v = query.0[w];
            probe(w, v);
            if flips >= 1 {
                for a in 0..16 {
                    probe(w, v ^ (1 << a));
                    if flips >= 2 {
                        for b in a + 1..16 {
                            probe(w, v ^ (1 << a) ^ (1 << b));
                        }
                    }
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    /// The nearest stored hash within `max_distance`, if any.
    pub fn nearest(&self, query: &Hash256, max_distance: u32) -> Option<Hit> {
        self.query(query, max_distance).into_iter().next()
    }

    /// Linear scan: the ground truth the index is tested against.
    pub fn scan(&self, query: &Hash256, max_distance: u32) -> Vec<Hit> {
        let mut hits: Vec<Hit> = self
            .hashes
            .iter()
            .enumerate()
            .filter_map(|(id, h)| {
                let d = h.distance(query);
                (d <= max_distance).then_some(Hit {
                    distance: d,
                    id: id as u32,
                })
            })
            .collect();
        hits.sort_unstable();
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn flip(mut h: Hash256, bits: &[usize]) -> Hash256 {
        for &k in bits {
            h.0[k >> 4] ^= 1 << (k & 15);
        }
        h
    }

    proptest! {
        #[test]
        fn index_finds_exactly_what_a_scan_finds(
            seeds in proptest::collection::vec(any::<[u16; 16]>(), 1..200),
            flips in proptest::collection::vec(0usize..256, 0..40),
            pick in any::<prop::sample::Index>(),
            radius in 0u32..48,
        ) {
            let mut hashes: Vec<Hash256> = seeds.into_iter().map(Hash256).collect();
            // Plant near neighbours of one stored hash so there is something to find.
            let base = hashes[pick.index(hashes.len())];
            for n in 0..flips.len() {
                hashes.push(flip(base, &flips[..n]));
            }
            let index = PdqIndex::build(hashes);
            let query = flip(base, &flips[..flips.len() / 2]);
            prop_assert_eq!(index.query(&query, radius), index.scan(&query, radius));
        }
    }
}
