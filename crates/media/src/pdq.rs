//! Meta's PDQ perceptual hash, written from the published algorithm (pdqhash-2017-10-09) and the
//! reference code in ThreatExchange's `pdq/cpp`: float luminance, a two-pass Jarosz tent filter
//! (box filters along rows then columns, twice), decimation to 64×64 at block centres, the
//! 16×16 corner of the DCT, and one bit per coefficient above the median.
//!
//! Every arithmetic step is the reference's own, in the same order and the same precision (`f32`
//! sums, `f64` index arithmetic), so the same pixels give the same 256 bits. Two entry points:
//! [`hash_rgb`]/[`hash_luma`] are the algorithm on the pixels given (what `pdqhash` on PyPI and the
//! reference's `pdqHash256FromFloatLuma` do); [`hash_pixels`] first brings a large decoded file to
//! a bounded size, by sokenh's [`Pipeline::Sokenh`] (area average to 1024 on the long side) or the
//! reference command-line tool's [`Pipeline::ReferenceCli`] (nearest neighbour to 512×512).
//! ThreatExchange's published hashes were made by three tools with three such first steps (the
//! C++ tool, the Python port's 512 thumbnail, the WebAssembly build); `tests/reference.rs` shows
//! how close each pipeline comes to each.

use std::fmt;
use std::str::FromStr;

/// Hamming distance at or below which two hashes are the same picture (the reference's guidance).
pub const MATCH_DISTANCE: u32 = 31;
/// Quality below which a hash is too weak to trust (the reference discards ≤ 49).
pub const MIN_QUALITY: u8 = 50;
/// The reference command-line hasher first resizes larger images to this square.
pub const REFERENCE_DOWNSAMPLE: usize = 512;
/// Images smaller than this on either side get the empty hash and quality 0, as in the reference.
pub const MIN_HASHABLE_DIM: usize = 5;

const LUMA_R: f32 = 0.299;
const LUMA_G: f32 = 0.587;
const LUMA_B: f32 = 0.114;
const JAROSZ_PASSES: usize = 2;

/// A 256-bit PDQ hash as the reference stores it: sixteen 16-bit words, bit `k` in word `k / 16`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash256(pub [u16; 16]);

impl Hash256 {
    /// Number of differing bits.
    pub fn distance(&self, other: &Hash256) -> u32 {
        self.0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| (a ^ b).count_ones())
            .sum()
    }

    /// Bit `k` (0..256), `k = 16 × row + column` of the 16×16 DCT block.
    pub fn bit(&self, k: usize) -> bool {
        self.0[k >> 4] >> (k & 15) & 1 == 1
    }

    fn set_bit(&mut self, k: usize) {
        self.0[k >> 4] |= 1 << (k & 15);
    }

    /// The hex form the reference prints: 64 digits, word 15 first.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in self.0.iter().rev() {
            write!(f, "{w:04x}")?;
        }
        Ok(())
    }
}

/// A hex string that is not 64 hex digits.
#[derive(Debug, thiserror::Error)]
#[error("a PDQ hash is 64 hex digits; got {0:?}")]
pub struct BadHex(pub String);

impl FromStr for Hash256 {
    type Err = BadHex;
    fn from_str(s: &str) -> Result<Self, BadHex> {
        let s = s.trim();
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadHex(s.to_owned()));
        }
        let mut w = [0u16; 16];
        for (i, chunk) in s.as_bytes().chunks(4).enumerate() {
            let digits = std::str::from_utf8(chunk).map_err(|_| BadHex(s.to_owned()))?;
            w[15 - i] = u16::from_str_radix(digits, 16).map_err(|_| BadHex(s.to_owned()))?;
        }
        Ok(Hash256(w))
    }
}

impl serde::Serialize for Hash256 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Hash256 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A hash with its quality (0..=100; the reference's image-domain gradient measure).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Pdq {
    pub hash: Hash256,
    pub quality: u8,
}

impl Pdq {
    /// Strong enough to act on (quality ≥ [`MIN_QUALITY`]).
    pub fn trustworthy(&self) -> bool {
        self.quality >= MIN_QUALITY
    }
}

/// Luminance of interleaved 8-bit RGB, row-major, as the reference computes it.
pub fn luma_from_rgb(rgb: &[u8]) -> Vec<f32> {
    rgb.chunks_exact(3)
        .map(|p| LUMA_R * f32::from(p[0]) + LUMA_G * f32::from(p[1]) + LUMA_B * f32::from(p[2]))
        .collect()
}

/// PDQ of interleaved 8-bit RGB pixels, `width × height`, exactly as given (no pre-resize).
pub fn hash_rgb(width: usize, height: usize, rgb: &[u8]) -> Pdq {
    assert_eq!(
        rgb.len(),
        width * height * 3,
        "RGB buffer does not match its size"
    );
    let mut luma = luma_from_rgb(rgb);
    hash_luma(&mut luma, height, width)
}

/// PDQ of a row-major luminance matrix. The buffer is used as scratch (the reference's
/// `fullBuffer1`).
pub fn hash_luma(luma: &mut [f32], rows: usize, cols: usize) -> Pdq {
    match dct_of_luma(luma, rows, cols) {
        Some((dct, quality)) => Pdq {
            hash: bits(&dct),
            quality,
        },
        None => Pdq {
            hash: Hash256::default(),
            quality: 0,
        },
    }
}

/// The eight ways a picture can be turned or mirrored (the dihedral group of the square), each
/// hashed from the one DCT of the picture as it is, as the reference does: a signed permutation
/// of the coefficients, so a mirrored or rotated copy of a known picture is found without
/// decoding it eight times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dihedral {
    AsIs,
    /// Turned a quarter counter-clockwise.
    Rotated90,
    Rotated180,
    /// Turned a quarter clockwise.
    Rotated270,
    /// Left and right swapped.
    MirroredLeftRight,
    /// Top and bottom swapped.
    MirroredTopBottom,
    /// Reflected across the main diagonal (transposed).
    Transposed,
    /// Reflected across the other diagonal.
    AntiTransposed,
}

impl Dihedral {
    pub const ALL: [Dihedral; 8] = [
        Dihedral::AsIs,
        Dihedral::Rotated90,
        Dihedral::Rotated180,
        Dihedral::Rotated270,
        Dihedral::MirroredLeftRight,
        Dihedral::MirroredTopBottom,
        Dihedral::Transposed,
        Dihedral::AntiTransposed,
    ];

    /// In Vietnamese, for a reason shown to an officer.
    pub fn label_vi(self) -> &'static str {
        match self {
            Dihedral::AsIs => "giữ nguyên",
            Dihedral::Rotated90 => "xoay 90° ngược chiều kim đồng hồ",
            Dihedral::Rotated180 => "xoay 180°",
            Dihedral::Rotated270 => "xoay 90° theo chiều kim đồng hồ",
            Dihedral::MirroredLeftRight => "lật trái – phải",
            Dihedral::MirroredTopBottom => "lật trên – dưới",
            Dihedral::Transposed => "lật theo đường chéo",
            Dihedral::AntiTransposed => "lật theo đường chéo phụ",
        }
    }

    /// The DCT of the turned picture from the DCT of the picture: coefficient (u, v) — u the
    /// vertical frequency, v the horizontal — moves with the axes it is along and changes sign
    /// with the parity of the frequency along a mirrored axis.
    fn apply(self, dct: &[[f32; 16]; 16]) -> [[f32; 16]; 16] {
        let mut out = [[0f32; 16]; 16];
        for (u, row) in dct.iter().enumerate() {
            for (v, &c) in row.iter().enumerate() {
                // Row k of the DCT is frequency k + 1 (the reference drops the constant row).
                let odd = |k: usize| if k & 1 == 0 { -c } else { c };
                let both = if (u + v) & 1 == 1 { -c } else { c };
                match self {
                    Dihedral::AsIs => out[u][v] = c,
                    Dihedral::MirroredLeftRight => out[u][v] = odd(v),
                    Dihedral::MirroredTopBottom => out[u][v] = odd(u),
                    Dihedral::Rotated180 => out[u][v] = both,
                    Dihedral::Transposed => out[v][u] = c,
                    Dihedral::AntiTransposed => out[v][u] = both,
                    Dihedral::Rotated90 => out[v][u] = odd(v),
                    Dihedral::Rotated270 => out[v][u] = odd(u),
                }
            }
        }
        out
    }
}

/// The hashes of the picture turned each of the eight ways ([`Dihedral::ALL`]'s order; the
/// first is [`hash_luma`]'s), with the quality.
pub fn hash_luma_dihedral(luma: &mut [f32], rows: usize, cols: usize) -> (Pdq, [Hash256; 8]) {
    match dct_of_luma(luma, rows, cols) {
        Some((dct, quality)) => {
            let hashes = Dihedral::ALL.map(|t| bits(&t.apply(&dct)));
            (
                Pdq {
                    hash: hashes[0],
                    quality,
                },
                hashes,
            )
        }
        None => (
            Pdq {
                hash: Hash256::default(),
                quality: 0,
            },
            [Hash256::default(); 8],
        ),
    }
}

/// The 16×16 DCT corner and the quality of a luminance matrix; None when it is too small.
fn dct_of_luma(luma: &mut [f32], rows: usize, cols: usize) -> Option<([[f32; 16]; 16], u8)> {
    assert_eq!(
        luma.len(),
        rows * cols,
        "luma buffer does not match its size"
    );
    if rows < MIN_HASHABLE_DIM || cols < MIN_HASHABLE_DIM {
        return None;
    }
    let mut block = [[0f32; 64]; 64];
    if rows == 64 && cols == 64 {
        for (i, row) in block.iter_mut().enumerate() {
            row.copy_from_slice(&luma[i * 64..i * 64 + 64]);
        }
    } else {
        let along_rows = jarosz_window(cols, 64);
        let along_cols = jarosz_window(rows, 64);
        let mut scratch = vec![0f32; rows * cols];
        for _ in 0..JAROSZ_PASSES {
            box_along_rows(luma, &mut scratch, rows, cols, along_rows);
            box_along_cols(&scratch, luma, rows, cols, along_cols);
        }
        decimate(luma, rows, cols, &mut block);
    }
    let quality = quality(&block);
    Some((dct64_to_16(&block), quality))
}

/// The reference's window: half a 64th of the side, rounded up (two passes make the full block).
fn jarosz_window(old: usize, new: usize) -> usize {
    old.div_ceil(2 * new)
}

/// The four phases of the reference's `box1DFloat`, for one window length and vector length,
/// yielding for each output index which input indices to add and subtract and the divisor.
struct BoxPlan {
    phase1: usize,
    phase2: usize,
    phase3: usize,
    phase4: usize,
}

impl BoxPlan {
    fn new(len: usize, window: usize) -> BoxPlan {
        let half = (window + 2) / 2;
        BoxPlan {
            phase1: half - 1,
            phase2: window - half + 1,
            phase3: len.saturating_sub(window),
            phase4: half - 1,
        }
    }
}

fn box_along_rows(input: &[f32], out: &mut [f32], rows: usize, cols: usize, window: usize) {
    let plan = BoxPlan::new(cols, window);
    for (src, dst) in input
        .chunks_exact(cols)
        .zip(out.chunks_exact_mut(cols))
        .take(rows)
    {
        let (mut li, mut ri, mut oi) = (0, 0, 0);
        let mut sum = 0f32;
        let mut n = 0u32;
        for _ in 0..plan.phase1 {
            sum += src[ri];
            n += 1;
            ri += 1;
        }
        for _ in 0..plan.phase2 {
            sum += src[ri];
            n += 1;
            dst[oi] = sum / n as f32;
            ri += 1;
            oi += 1;
        }
        for _ in 0..plan.phase3 {
            sum += src[ri];
            sum -= src[li];
            dst[oi] = sum / n as f32;
            li += 1;
            ri += 1;
            oi += 1;
        }
        for _ in 0..plan.phase4 {
            sum -= src[li];
            n -= 1;
            dst[oi] = sum / n as f32;
            li += 1;
            oi += 1;
        }
    }
}

/// The reference walks each column with a stride; walking the rows once with one running sum per
/// column performs the same operations on each column in the same order, and reads memory in
/// order.
fn box_along_cols(input: &[f32], out: &mut [f32], rows: usize, cols: usize, window: usize) {
    let plan = BoxPlan::new(rows, window);
    let row = |i: usize| &input[i * cols..(i + 1) * cols];
    let mut sum = vec![0f32; cols];
    let (mut li, mut ri, mut oi) = (0, 0, 0);
    let mut n = 0u32;
    for _ in 0..plan.phase1 {
        for (s, x) in sum.iter_mut().zip(row(ri)) {
            *s += x;
        }
        n += 1;
        ri += 1;
    }
    for _ in 0..plan.phase2 {
        n += 1;
        let d = n as f32;
        let dst = &mut out[oi * cols..(oi + 1) * cols];
        for ((s, x), o) in sum.iter_mut().zip(row(ri)).zip(dst) {
            *s += x;
            *o = *s / d;
        }
        ri += 1;
        oi += 1;
    }
    for _ in 0..plan.phase3 {
        let d = n as f32;
        let dst = &mut out[oi * cols..(oi + 1) * cols];
        for (((s, x), y), o) in sum.iter_mut().zip(row(ri)).zip(row(li)).zip(dst) {
            *s += x;
            *s -= y;
            *o = *s / d;
        }
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..plan.phase4 {
        n -= 1;
        let d = n as f32;
        let dst = &mut out[oi * cols..(oi + 1) * cols];
        for ((s, y), o) in sum.iter_mut().zip(row(li)).zip(dst) {
            *s -= y;
            *o = *s / d;
        }
        li += 1;
        oi += 1;
    }
}

/// Samples at block centres ("target centers not corners"), with the reference's `f64` index maths.
fn decimate(input: &[f32], rows: usize, cols: usize, out: &mut [[f32; 64]; 64]) {
    let col_index: [usize; 64] =
        std::array::from_fn(|j| (((j as f64 + 0.5) * cols as f64) / 64.0) as usize);
    for (i, out_row) in out.iter_mut().enumerate() {
        let ini = (((i as f64 + 0.5) * rows as f64) / 64.0) as usize;
        let in_row = &input[ini * cols..(ini + 1) * cols];
        for (o, &inj) in out_row.iter_mut().zip(col_index.iter()) {
            *o = in_row[inj];
        }
    }
}

/// The reference's heuristic: the sum of quantised neighbour differences, scaled and capped.
fn quality(block: &[[f32; 64]; 64]) -> u8 {
    let step = |u: f32, v: f32| (((u - v) * 100.0) / 255.0) as i32;
    let mut sum: i64 = 0;
    for pair in block.windows(2) {
        for (&u, &v) in pair[0].iter().zip(pair[1].iter()) {
            sum += i64::from(step(u, v).abs());
        }
    }
    for row in block.iter() {
        for j in 0..63 {
            sum += i64::from(step(row[j], row[j + 1]).abs());
        }
    }
    (sum / 90).min(100) as u8
}

/// The 16×64 DCT matrix, rows 1..=16 of the 64-point DCT-II, built as the reference builds it
/// (an `f32` scale times an `f64` cosine, stored as `f32`).
fn dct_matrix() -> &'static [[f32; 64]; 16] {
    static MATRIX: std::sync::OnceLock<[[f32; 64]; 16]> = std::sync::OnceLock::new();
    MATRIX.get_or_init(|| {
        let scale = (2.0f64 / 64.0).sqrt() as f32;
        std::array::from_fn(|i| {
            std::array::from_fn(|j| {
                let angle =
                    (std::f64::consts::PI / 2.0 / 64.0) * (i + 1) as f64 * (2 * j + 1) as f64;
                (f64::from(scale) * angle.cos()) as f32
            })
        })
    })
}

/// B = D · A · Dᵀ, summing in `f32` in index order as the reference does.
fn dct64_to_16(a: &[[f32; 64]; 64]) -> [[f32; 16]; 16] {
    let d = dct_matrix();
    let mut t = [[0f32; 64]; 16];
    for (i, t_row) in t.iter_mut().enumerate() {
        for (j, t_ij) in t_row.iter_mut().enumerate() {
            let mut sum = 0f32;
            for k in 0..64 {
                sum += d[i][k] * a[k][j];
            }
            *t_ij = sum;
        }
    }
    let mut b = [[0f32; 16]; 16];
    for (i, b_row) in b.iter_mut().enumerate() {
        for (j, b_ij) in b_row.iter_mut().enumerate() {
            let mut sum = 0f32;
            for k in 0..64 {
                sum += t[i][k] * d[j][k];
            }
            *b_ij = sum;
        }
    }
    b
}

/// One bit per coefficient strictly above the median. The reference's Torben median of 256 values
/// is the 128th smallest (index 127 in sorted order).
fn bits(dct: &[[f32; 16]; 16]) -> Hash256 {
    let mut sorted: Vec<f32> = dct.iter().flatten().copied().collect();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[127];
    let mut hash = Hash256::default();
    for (i, row) in dct.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if v > median {
                hash.set_bit(i * 16 + j);
            }
        }
    }
    hash
}

/// Nearest-neighbour resize as CImg's `resize(w, h)` (interpolation 1): output `x` reads input
/// `⌊x · width / new_width⌋`, corners aligned.
pub fn resize_nearest(
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    new_width: usize,
    new_height: usize,
) -> Vec<u8> {
    let cols: Vec<usize> = (0..new_width)
        .map(|x| (x as f64 * width as f64 / new_width as f64) as usize)
        .collect();
    let mut out = Vec::with_capacity(new_width * new_height * channels);
    for y in 0..new_height {
        let src_y = (y as f64 * height as f64 / new_height as f64) as usize;
        let row = &pixels[src_y * width * channels..(src_y + 1) * width * channels];
        for &x in &cols {
            out.extend_from_slice(&row[x * channels..(x + 1) * channels]);
        }
    }
    out
}

/// Pixels of a decoded picture: grey pictures as grey (the reference takes their level as the
/// luminance), everything else as RGB (alpha ignored).
pub enum Pixels<'a> {
    Grey {
        width: usize,
        height: usize,
        data: &'a [u8],
    },
    Rgb {
        width: usize,
        height: usize,
        data: &'a [u8],
    },
}

/// How a decoded file becomes the luminance that is hashed. The hashing itself is the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pipeline {
    /// sokenh's: pictures larger than [`AREA_LIMIT`] on a side are first area-averaged down to
    /// fit (aspect kept) — bounded cost, no aliasing; smaller pictures are hashed as they are.
    #[default]
    Sokenh,
    /// The reference command-line hasher's: larger than 512 on a side → nearest-neighbour
    /// 512×512 (aspect ignored), as `pdq/cpp/io/pdqio.cpp` does. For comparing with hashes made
    /// by that tool.
    ReferenceCli,
}

/// sokenh's pipeline hashes pictures up to this side at full resolution.
pub const AREA_LIMIT: usize = 1024;

/// PDQ of decoded pixels through a pipeline.
pub fn hash_pixels(pixels: Pixels<'_>, pipeline: Pipeline) -> Pdq {
    let (mut luma, rows, cols) = luma_for(pixels, pipeline);
    hash_luma(&mut luma, rows, cols)
}

/// [`hash_pixels`] for each of the eight ways the picture can be turned ([`Dihedral::ALL`]).
pub fn hash_pixels_dihedral(pixels: Pixels<'_>, pipeline: Pipeline) -> (Pdq, [Hash256; 8]) {
    let (mut luma, rows, cols) = luma_for(pixels, pipeline);
    hash_luma_dihedral(&mut luma, rows, cols)
}

/// The luminance matrix a pipeline hashes: (values, rows, columns).
fn luma_for(pixels: Pixels<'_>, pipeline: Pipeline) -> (Vec<f32>, usize, usize) {
    let (width, height, channels, data) = match pixels {
        Pixels::Grey {
            width,
            height,
            data,
        } => (width, height, 1, data),
        Pixels::Rgb {
            width,
            height,
            data,
        } => (width, height, 3, data),
    };
    let to_luma = |data: &[u8]| -> Vec<f32> {
        if channels == 1 {
            data.iter().map(|&v| f32::from(v)).collect()
        } else {
            luma_from_rgb(data)
        }
    };
    match pipeline {
        Pipeline::ReferenceCli if width > REFERENCE_DOWNSAMPLE || height > REFERENCE_DOWNSAMPLE => {
            let side = REFERENCE_DOWNSAMPLE;
            let resized = resize_nearest(data, width, height, channels, side, side);
            (to_luma(&resized), side, side)
        }
        Pipeline::Sokenh if width.max(height) > AREA_LIMIT => {
            let scale = AREA_LIMIT as f64 / width.max(height) as f64;
            let new_w = ((width as f64 * scale).round() as usize).max(1);
            let new_h = ((height as f64 * scale).round() as usize).max(1);
            (
                area_resize(&to_luma(data), width, height, new_w, new_h),
                new_h,
                new_w,
            )
        }
        _ => (to_luma(data), height, width),
    }
}

/// Area-average resize of a luminance matrix (each output pixel is the mean of the input area it
/// covers, partial pixels weighted), one axis at a time.
pub fn area_resize(
    input: &[f32],
    width: usize,
    height: usize,
    new_w: usize,
    new_h: usize,
) -> Vec<f32> {
    let weights = |old: usize, new: usize| -> Vec<Vec<(usize, f32)>> {
        let step = old as f64 / new as f64;
        (0..new)
            .map(|o| {
                let (lo, hi) = (o as f64 * step, (o + 1) as f64 * step);
                let mut taps = Vec::new();
                let mut i = lo.floor() as usize;
                while (i as f64) < hi && i < old {
                    let cover = (hi.min(i as f64 + 1.0) - lo.max(i as f64)) / step;
                    if cover > 0.0 {
                        taps.push((i, cover as f32));
                    }
                    i += 1;
                }
                taps
            })
            .collect()
    };
    let along_x = weights(width, new_w);
    let along_y = weights(height, new_h);
    let mut rows = vec![0f32; height * new_w];
    for (src, dst) in input.chunks_exact(width).zip(rows.chunks_exact_mut(new_w)) {
        for (d, taps) in dst.iter_mut().zip(&along_x) {
            *d = taps.iter().map(|&(i, w)| src[i] * w).sum();
        }
    }
    let mut out = vec![0f32; new_h * new_w];
    for (dst, taps) in out.chunks_exact_mut(new_w).zip(&along_y) {
        for &(i, w) in taps {
            for (d, s) in dst.iter_mut().zip(&rows[i * new_w..(i + 1) * new_w]) {
                *d += s * w;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_with_word_15_first() {
        let mut h = Hash256::default();
        h.set_bit(0);
        h.set_bit(255);
        let hex = h.to_hex();
        assert_eq!(hex, format!("8000{}0001", "0".repeat(56)));
        assert_eq!(hex.parse::<Hash256>().unwrap(), h);
        assert!("xyz".parse::<Hash256>().is_err());
    }

    #[test]
    fn box_filter_matches_the_reference_worked_example() {
        // The reference's comment: window 7 over 0..16 gives sums 6, 10, 15, 21, 28 … 54.
        let input: Vec<f32> = (0..16).map(|v| v as f32).collect();
        let mut out = vec![0f32; 16];
        box_along_rows(&input, &mut out, 1, 16, 7);
        let sums = [
            6, 10, 15, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 75, 65, 54,
        ];
        let counts = [4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 5, 4];
        for k in 0..16 {
            assert_eq!(out[k], sums[k] as f32 / counts[k] as f32, "index {k}");
        }
        // Along columns, the same numbers.
        let mut col_out = vec![0f32; 16];
        box_along_cols(&input, &mut col_out, 16, 1, 7);
        assert_eq!(out, col_out);
    }

    #[test]
    fn tiny_images_get_the_empty_hash() {
        let p = hash_rgb(4, 4, &[200; 48]);
        assert_eq!((p.hash, p.quality), (Hash256::default(), 0));
    }

    #[test]
    fn torben_median_is_the_lower_middle() {
        let mut dct = [[0f32; 16]; 16];
        for (k, v) in dct.iter_mut().flatten().enumerate() {
            *v = k as f32;
        }
        let h = bits(&dct);
        // Values 128..=255 are above the median 127.
        assert_eq!((0..256).filter(|&k| h.bit(k)).count(), 128);
        assert!(!h.bit(127) && h.bit(128));
    }
}
