//! Integer representation — RFC 7541 §5.1
//!
//! An integer starts in the low N bits of an octet (the "prefix"; the high bits belong to the
//! representation that holds it). A value that fits in N bits minus one is stored there. A larger
//! value fills the prefix with ones and continues in octets of 7 bits each, least significant group
//! first, the high bit of each octet saying "more follows".

use super::DecodeError;

/// The largest integer we accept. Every HPACK integer is an index, a string length or a table
/// size, and none of these can usefully exceed 2^32 - 1 (SETTINGS values are 32 bits).
const MAX_VALUE: u64 = 0xffff_ffff;

/// At most this many continuation octets: 5 × 7 = 35 bits hold any value up to `MAX_VALUE`, even
/// after the largest 8-bit prefix. More octets are refused, even when they only add zero bits,
/// so a peer cannot make us loop over a long run of `0x80` octets.
const MAX_CONTINUATION_OCTETS: u32 = 5;

/// Decodes an integer with an N-bit prefix (`prefix_bits` in 1..=8) starting at `block[pos]`.
/// Returns the value and the position just after it.
pub(super) fn decode(
    block: &[u8],
    pos: usize,
    prefix_bits: u8,
) -> Result<(usize, usize), DecodeError> {
    let mask = prefix_mask(prefix_bits);
    let first = *block
        .get(pos)
        .ok_or(DecodeError::Truncated { offset: pos })?;
    let mut value = u64::from(first & mask);
    if value < u64::from(mask) {
        return Ok((value as usize, pos + 1));
    }
    for count in 0..MAX_CONTINUATION_OCTETS {
        let at = pos + 1 + count as usize;
        let octet = *block.get(at).ok_or(DecodeError::Truncated { offset: at })?;
        value += u64::from(octet & 0x7f) << (7 * count);
        if octet & 0x80 == 0 {
            // RFC 7541 §5.1: "Integer encodings that exceed implementation limits -- in value or
            // octet length -- MUST be treated as decoding errors."
            if value > MAX_VALUE {
                return Err(DecodeError::IntegerOverflow { offset: pos });
            }
            return usize::try_from(value)
                .map(|value| (value, at + 1))
                .map_err(|_| DecodeError::IntegerOverflow { offset: pos });
        }
    }
    // RFC 7541 §5.1: "... in value or octet length -- MUST be treated as decoding errors."
    Err(DecodeError::IntegerOverflow { offset: pos })
}

/// Appends `value` with an N-bit prefix; `high_bits` are the representation's pattern bits that
/// share the first octet (for example `0x80` for an indexed field).
pub(super) fn encode(value: usize, prefix_bits: u8, high_bits: u8, out: &mut Vec<u8>) {
    let mask = prefix_mask(prefix_bits);
    if value < usize::from(mask) {
        out.push(high_bits | value as u8);
        return;
    }
    out.push(high_bits | mask);
    let mut rest = value - usize::from(mask);
    while rest >= 0x80 {
        out.push(0x80 | (rest & 0x7f) as u8);
        rest >>= 7;
    }
    out.push(rest as u8);
}

/// The low `prefix_bits` bits set: `2^N - 1`.
fn prefix_mask(prefix_bits: u8) -> u8 {
    (0xffu16 >> (8 - prefix_bits.clamp(1, 8))) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(value: usize, prefix_bits: u8, high_bits: u8) -> Vec<u8> {
        let mut out = Vec::new();
        encode(value, prefix_bits, high_bits, &mut out);
        out
    }

    #[test]
    fn c_1_1_ten_with_a_5_bit_prefix_fits_in_the_prefix() {
        assert_eq!(encoded(10, 5, 0x00), [0x0a]);
        assert_eq!(decode(&[0x0a], 0, 5), Ok((10, 1)));
    }

    #[test]
    fn c_1_2_1337_with_a_5_bit_prefix_takes_two_continuation_octets() {
        assert_eq!(encoded(1337, 5, 0x00), [0x1f, 0x9a, 0x0a]);
        assert_eq!(decode(&[0x1f, 0x9a, 0x0a], 0, 5), Ok((1337, 3)));
    }

    #[test]
    fn c_1_3_42_at_an_octet_boundary_uses_an_8_bit_prefix() {
        assert_eq!(encoded(42, 8, 0x00), [0x2a]);
        assert_eq!(decode(&[0x2a], 0, 8), Ok((42, 1)));
    }

    #[test]
    fn the_pattern_bits_above_the_prefix_are_kept_and_ignored() {
        assert_eq!(encoded(62, 7, 0x80), [0xbe]);
        assert_eq!(decode(&[0xbe], 0, 7), Ok((62, 1)));
        assert_eq!(encoded(127, 7, 0x80), [0xff, 0x00]);
        assert_eq!(decode(&[0xff, 0x00], 0, 7), Ok((127, 2)));
    }

    #[test]
    fn the_largest_accepted_value_round_trips() {
        let bytes = encoded(0xffff_ffff, 5, 0x00);
        assert_eq!(bytes, [0x1f, 0xe0, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(decode(&bytes, 0, 5), Ok((0xffff_ffff, 6)));
    }

    #[test]
    fn a_value_past_32_bits_is_integer_overflow() {
        assert_eq!(
            decode(&[0x1f, 0xe1, 0xff, 0xff, 0xff, 0x0f], 0, 5),
            Err(DecodeError::IntegerOverflow { offset: 0 })
        );
    }

    #[test]
    fn too_many_continuation_octets_are_integer_overflow_even_when_zero() {
        assert_eq!(
            decode(&[0x00, 0x1f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 1, 5),
            Err(DecodeError::IntegerOverflow { offset: 1 })
        );
    }

    #[test]
    fn an_integer_cut_short_is_truncated_at_the_missing_octet() {
        assert_eq!(
            decode(&[0x1f, 0x9a], 0, 5),
            Err(DecodeError::Truncated { offset: 2 })
        );
        assert_eq!(decode(&[], 0, 5), Err(DecodeError::Truncated { offset: 0 }));
    }
}
