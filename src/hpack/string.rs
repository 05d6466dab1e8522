//! String literal representation — RFC 7541 §5.2
//!
//! ```text
//!   0   1   2   3   4   5   6   7
//! +---+---+---+---+---+---+---+---+
//! | H |    String Length (7+)     |
//! +---+---------------------------+
//! |  String Data (Length octets)  |
//! +-------------------------------+
//! ```
//! H says whether the data is Huffman-coded (Appendix B) or the raw octets.

use super::{huffman, integer, DecodeError};

/// The H bit: the string data is Huffman-coded.
const HUFFMAN_FLAG: u8 = 0x80;

/// A string literal read from a header block.
pub(super) struct Decoded {
    /// The octets, Huffman-decoded if they were coded.
    pub(super) value: Vec<u8>,
    /// Whether the string was Huffman-coded on the wire.
    pub(super) huffman: bool,
    /// The position just after the string.
    pub(super) end: usize,
}

/// Reads the string literal that starts at `block[pos]`.
pub(super) fn decode(block: &[u8], pos: usize) -> Result<Decoded, DecodeError> {
    let first = *block
        .get(pos)
        .ok_or(DecodeError::Truncated { offset: pos })?;
    let huffman = first & HUFFMAN_FLAG != 0;
    let (len, start) = integer::decode(block, pos, 7)?;
    let data = start
        .checked_add(len)
        .and_then(|end| block.get(start..end))
        .ok_or(DecodeError::Truncated {
            offset: block.len(),
        })?;
    let value = if huffman {
        huffman::decode(data, start)?
    } else {
        data.to_vec()
    };
    Ok(Decoded {
        value,
        huffman,
        end: start + len,
    })
}

/// Appends `value` as a string literal; Huffman-coded when `allow_huffman` and the code is no
/// longer than the raw octets (a tie goes to Huffman, as in the RFC 7541 C.6 examples; the empty
/// string stays raw). Returns whether it was Huffman-coded.
pub(super) fn encode(value: &[u8], allow_huffman: bool, out: &mut Vec<u8>) -> bool {
    let coded_len = huffman::encoded_len(value);
    if allow_huffman && !value.is_empty() && coded_len <= value.len() {
        integer::encode(coded_len, 7, HUFFMAN_FLAG, out);
        out.reserve(coded_len);
        huffman::encode(value, out);
        return true;
    }
    integer::encode(value.len(), 7, 0x00, out);
    out.extend_from_slice(value);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_string_is_its_length_then_its_octets() {
        let mut out = Vec::new();
        assert!(!encode(b"custom-key", false, &mut out));
        assert_eq!(out, b"\x0acustom-key");
        let decoded = decode(&out, 0).unwrap();
        assert_eq!(decoded.value, b"custom-key");
        assert!(!decoded.huffman);
        assert_eq!(decoded.end, 11);
    }

    #[test]
    fn huffman_is_used_only_when_not_longer() {
        let mut out = Vec::new();
        assert!(encode(b"no-cache", true, &mut out));
        assert_eq!(out, [0x86, 0xa8, 0xeb, 0x10, 0x64, 0x9c, 0xbf]);
        let decoded = decode(&out, 0).unwrap();
        assert_eq!(decoded.value, b"no-cache");
        assert!(decoded.huffman);

        // '{' takes 15 bits: 2 octets coded against 1 raw.
        let mut out = Vec::new();
        assert!(!encode(b"{", true, &mut out));
        assert_eq!(out, [0x01, 0x7b]);

        // "307" takes 3 octets either way: the tie goes to Huffman (RFC 7541 C.6.2).
        let mut out = Vec::new();
        assert!(encode(b"307", true, &mut out));
        assert_eq!(out, [0x83, 0x64, 0x0e, 0xff]);

        let mut out = Vec::new();
        assert!(!encode(b"", true, &mut out));
        assert_eq!(out, [0x00]);
    }

    #[test]
    fn a_length_past_the_end_of_the_block_is_truncated() {
        assert_eq!(
            decode(&[0x05, 0x61, 0x62], 0).err(),
            Some(DecodeError::Truncated { offset: 3 })
        );
    }
}
