//! Huffman code for string literals — RFC 7541 §5.2 and Appendix B
//!
//! A string literal may be Huffman-coded with the fixed code of Appendix B: common octets of
//! header fields (lowercase letters, digits, `/`, `-`) take 5 or 6 bits, rare ones up to 30.
//! The last octet is padded with the most significant bits of the EOS code, which are all ones.

use std::sync::OnceLock;

use super::DecodeError;

/// The code of each symbol 0..=256 (256 is EOS): `(code aligned to the least significant bit,
/// length in bits)`, written out once from RFC 7541 Appendix B. The test
/// `table_matches_rfc_7541_appendix_b` checks every row against the RFC text.
const CODES: [(u32, u8); 257] = [
    (0x1ff8, 13),     //   0
    (0x7fffd8, 23),   //   1
    (0xfffffe2, 28),  //   2
    (0xfffffe3, 28),  //   3
    (0xfffffe4, 28),  //   4
    (0xfffffe5, 28),  //   5
    (0xfffffe6, 28),  //   6
    (0xfffffe7, 28),  //   7
    (0xfffffe8, 28),  //   8
    (0xffffea, 24),   //   9
    (0x3ffffffc, 30), //  10
    (0xfffffe9, 28),  //  11
    (0xfffffea, 28),  //  12
    (0x3ffffffd, 30), //  13
    (0xfffffeb, 28),  //  14
    (0xfffffec, 28),  //  15
    (0xfffffed, 28),  //  16
    (0xfffffee, 28),  //  17
    (0xfffffef, 28),  //  18
    (0xffffff0, 28),  //  19
    (0xffffff1, 28),  //  20
    (0xffffff2, 28),  //  21
    (0x3ffffffe, 30), //  22
    (0xffffff3, 28),  //  23
    (0xffffff4, 28),  //  24
    (0xffffff5, 28),  //  25
    (0xffffff6, 28),  //  26
    (0xffffff7, 28),  //  27
    (0xffffff8, 28),  //  28
    (0xffffff9, 28),  //  29
    (0xffffffa, 28),  //  30
    (0xffffffb, 28),  //  31
    (0x14, 6),        //  32 ' '
    (0x3f8, 10),      //  33 '!'
    (0x3f9, 10),      //  34 '"'
    (0xffa, 12),      //  35 '#'
    (0x1ff9, 13),     //  36 '$'
    (0x15, 6),        //  37 '%'
    (0xf8, 8),        //  38 '&'
    (0x7fa, 11),      //  39 '''
    (0x3fa, 10),      //  40 '('
    (0x3fb, 10),      //  41 ')'
    (0xf9, 8),        //  42 '*'
    (0x7fb, 11),      //  43 '+'
    (0xfa, 8),        //  44 ','
    (0x16, 6),        //  45 '-'
    (0x17, 6),        //  46 '.'
    (0x18, 6),        //  47 '/'
    (0x0, 5),         //  48 '0'
    (0x1, 5),         //  49 '1'
    (0x2, 5),         //  50 '2'
    (0x19, 6),        //  51 '3'
    (0x1a, 6),        //  52 '4'
    (0x1b, 6),        //  53 '5'
    (0x1c, 6),        //  54 '6'
    (0x1d, 6),        //  55 '7'
    (0x1e, 6),        //  56 '8'
    (0x1f, 6),        //  57 '9'
    (0x5c, 7),        //  58 ':'
    (0xfb, 8),        //  59 ';'
    (0x7ffc, 15),     //  60 '<'
    (0x20, 6),        //  61 '='
    (0xffb, 12),      //  62 '>'
    (0x3fc, 10),      //  63 '?'
    (0x1ffa, 13),     //  64 '@'
    (0x21, 6),        //  65 'A'
    (0x5d, 7),        //  66 'B'
    (0x5e, 7),        //  67 'C'
    (0x5f, 7),        //  68 'D'
    (0x60, 7),        //  69 'E'
    (0x61, 7),        //  70 'F'
    (0x62, 7),        //  71 'G'
    (0x63, 7),        //  72 'H'
    (0x64, 7),        //  73 'I'
    (0x65, 7),        //  74 'J'
    (0x66, 7),        //  75 'K'
    (0x67, 7),        //  76 'L'
    (0x68, 7),        //  77 'M'
    (0x69, 7),        //  78 'N'
    (0x6a, 7),        //  79 'O'
    (0x6b, 7),        //  80 'P'
    (0x6c, 7),        //  81 'Q'
    (0x6d, 7),        //  82 'R'
    (0x6e, 7),        //  83 'S'
    (0x6f, 7),        //  84 'T'
    (0x70, 7),        //  85 'U'
    (0x71, 7),        //  86 'V'
    (0x72, 7),        //  87 'W'
    (0xfc, 8),        //  88 'X'
    (0x73, 7),        //  89 'Y'
    (0xfd, 8),        //  90 'Z'
    (0x1ffb, 13),     //  91 '['
    (0x7fff0, 19),    //  92 '\'
    (0x1ffc, 13),     //  93 ']'
    (0x3ffc, 14),     //  94 '^'
    (0x22, 6),        //  95 '_'
    (0x7ffd, 15),     //  96 '`'
    (0x3, 5),         //  97 'a'
    (0x23, 6),        //  98 'b'
    (0x4, 5),         //  99 'c'
    (0x24, 6),        // 100 'd'
    (0x5, 5),         // 101 'e'
    (0x25, 6),        // 102 'f'
    (0x26, 6),        // 103 'g'
    (0x27, 6),        // 104 'h'
    (0x6, 5),         // 105 'i'
    (0x74, 7),        // 106 'j'
    (0x75, 7),        // 107 'k'
    (0x28, 6),        // 108 'l'
    (0x29, 6),        // 109 'm'
    (0x2a, 6),        // 110 'n'
    (0x7, 5),         // 111 'o'
    (0x2b, 6),        // 112 'p'
    (0x76, 7),        // 113 'q'
    (0x2c, 6),        // 114 'r'
    (0x8, 5),         // 115 's'
    (0x9, 5),         // 116 't'
    (0x2d, 6),        // 117 'u'
    (0x77, 7),        // 118 'v'
    (0x78, 7),        // 119 'w'
    (0x79, 7),        // 120 'x'
    (0x7a, 7),        // 121 'y'
    (0x7b, 7),        // 122 'z'
    (0x7ffe, 15),     // 123 '{'
    (0x7fc, 11),      // 124 '|'
    (0x3ffd, 14),     // 125 '}'
    (0x1ffd, 13),     // 126 '~'
    (0xffffffc, 28),  // 127
    (0xfffe6, 20),    // 128
    (0x3fffd2, 22),   // 129
    (0xfffe7, 20),    // 130
    (0xfffe8, 20),    // 131
    (0x3fffd3, 22),   // 132
    (0x3fffd4, 22),   // 133
    (0x3fffd5, 22),   // 134
    (0x7fffd9, 23),   // 135
    (0x3fffd6, 22),   // 136
    (0x7fffda, 23),   // 137
    (0x7fffdb, 23),   // 138
    (0x7fffdc, 23),   // 139
    (0x7fffdd, 23),   // 140
    (0x7fffde, 23),   // 141
    (0xffffeb, 24),   // 142
    (0x7fffdf, 23),   // 143
    (0xffffec, 24),   // 144
    (0xffffed, 24),   // 145
    (0x3fffd7, 22),   // 146
    (0x7fffe0, 23),   // 147
    (0xffffee, 24),   // 148
    (0x7fffe1, 23),   // 149
    (0x7fffe2, 23),   // 150
    (0x7fffe3, 23),   // 151
    (0x7fffe4, 23),   // 152
    (0x1fffdc, 21),   // 153
    (0x3fffd8, 22),   // 154
    (0x7fffe5, 23),   // 155
    (0x3fffd9, 22),   // 156
    (0x7fffe6, 23),   // 157
    (0x7fffe7, 23),   // 158
    (0xffffef, 24),   // 159
    (0x3fffda, 22),   // 160
    (0x1fffdd, 21),   // 161
    (0xfffe9, 20),    // 162
    (0x3fffdb, 22),   // 163
    (0x3fffdc, 22),   // 164
    (0x7fffe8, 23),   // 165
    (0x7fffe9, 23),   // 166
    (0x1fffde, 21),   // 167
    (0x7fffea, 23),   // 168
    (0x3fffdd, 22),   // 169
    (0x3fffde, 22),   // 170
    (0xfffff0, 24),   // 171
    (0x1fffdf, 21),   // 172
    (0x3fffdf, 22),   // 173
    (0x7fffeb, 23),   // 174
    (0x7fffec, 23),   // 175
    (0x1fffe0, 21),   // 176
    (0x1fffe1, 21),   // 177
    (0x3fffe0, 22),   // 178
    (0x1fffe2, 21),   // 179
    (0x7fffed, 23),   // 180
    (0x3fffe1, 22),   // 181
    (0x7fffee, 23),   // 182
    (0x7fffef, 23),   // 183
    (0xfffea, 20),    // 184
    (0x3fffe2, 22),   // 185
    (0x3fffe3, 22),   // 186
    (0x3fffe4, 22),   // 187
    (0x7ffff0, 23),   // 188
    (0x3fffe5, 22),   // 189
    (0x3fffe6, 22),   // 190
    (0x7ffff1, 23),   // 191
    (0x3ffffe0, 26),  // 192
    (0x3ffffe1, 26),  // 193
    (0xfffeb, 20),    // 194
    (0x7fff1, 19),    // 195
    (0x3fffe7, 22),   // 196
    (0x7ffff2, 23),   // 197
    (0x3fffe8, 22),   // 198
    (0x1ffffec, 25),  // 199
    (0x3ffffe2, 26),  // 200
    (0x3ffffe3, 26),  // 201
    (0x3ffffe4, 26),  // 202
    (0x7ffffde, 27),  // 203
    (0x7ffffdf, 27),  // 204
    (0x3ffffe5, 26),  // 205
    (0xfffff1, 24),   // 206
    (0x1ffffed, 25),  // 207
    (0x7fff2, 19),    // 208
    (0x1fffe3, 21),   // 209
    (0x3ffffe6, 26),  // 210
    (0x7ffffe0, 27),  // 211
    (0x7ffffe1, 27),  // 212
    (0x3ffffe7, 26),  // 213
    (0x7ffffe2, 27),  // 214
    (0xfffff2, 24),   // 215
    (0x1fffe4, 21),   // 216
    (0x1fffe5, 21),   // 217
    (0x3ffffe8, 26),  // 218
    (0x3ffffe9, 26),  // 219
    (0xffffffd, 28),  // 220
    (0x7ffffe3, 27),  // 221
    (0x7ffffe4, 27),  // 222
    (0x7ffffe5, 27),  // 223
    (0xfffec, 20),    // 224
    (0xfffff3, 24),   // 225
    (0xfffed, 20),    // 226
    (0x1fffe6, 21),   // 227
    (0x3fffe9, 22),   // 228
    (0x1fffe7, 21),   // 229
    (0x1fffe8, 21),   // 230
    (0x7ffff3, 23),   // 231
    (0x3fffea, 22),   // 232
    (0x3fffeb, 22),   // 233
    (0x1ffffee, 25),  // 234
    (0x1ffffef, 25),  // 235
    (0xfffff4, 24),   // 236
    (0xfffff5, 24),   // 237
    (0x3ffffea, 26),  // 238
    (0x7ffff4, 23),   // 239
    (0x3ffffeb, 26),  // 240
    (0x7ffffe6, 27),  // 241
    (0x3ffffec, 26),  // 242
    (0x3ffffed, 26),  // 243
    (0x7ffffe7, 27),  // 244
    (0x7ffffe8, 27),  // 245
    (0x7ffffe9, 27),  // 246
    (0x7ffffea, 27),  // 247
    (0x7ffffeb, 27),  // 248
    (0xffffffe, 28),  // 249
    (0x7ffffec, 27),  // 250
    (0x7ffffed, 27),  // 251
    (0x7ffffee, 27),  // 252
    (0x7ffffef, 27),  // 253
    (0x7fffff0, 27),  // 254
    (0x3ffffee, 26),  // 255
    (0x3fffffff, 30), // 256 EOS
];

/// The symbol that ends a string. RFC 7541 §5.2: a string containing it is an error.
const EOS: u16 = 0x100;

/// The number of octets that `data` takes once Huffman-coded (padding included).
pub(super) fn encoded_len(data: &[u8]) -> usize {
    let bits: usize = data
        .iter()
        .map(|&octet| usize::from(CODES[usize::from(octet)].1))
        .sum();
    bits.div_ceil(8)
}

/// Appends `data` Huffman-coded, padded to a whole octet with the high bits of EOS (ones).
pub(super) fn encode(data: &[u8], out: &mut Vec<u8>) {
    // Bits waiting to be written are the low `pending_bits` of `pending`: fewer than 32, plus the
    // code just added (30 bits at most), so they fit. They leave four octets at a time.
    let mut pending: u64 = 0;
    let mut pending_bits: u32 = 0;
    for &octet in data {
        let (code, len) = CODES[usize::from(octet)];
        pending = (pending << len) | u64::from(code);
        pending_bits += u32::from(len);
        if pending_bits >= 32 {
            pending_bits -= 32;
            out.extend_from_slice(&((pending >> pending_bits) as u32).to_be_bytes());
        }
    }
    while pending_bits >= 8 {
        pending_bits -= 8;
        out.push((pending >> pending_bits) as u8);
    }
    if pending_bits > 0 {
        // RFC 7541 §5.2: "To prevent this padding from being misinterpreted as part of the
        // string literal, the most significant bits of the code corresponding to the EOS
        // (end-of-string) symbol are used."
        let padding = 8 - pending_bits;
        out.push(((pending << padding) | ((1 << padding) - 1)) as u8);
    }
}

/// Decodes the Huffman-coded string `data`, which starts at octet `offset` of the header block
/// (for error messages). Four bits at a time, through [`Decoding`]: no code is shorter than 5
/// bits, so each step yields at most one symbol.
pub(super) fn decode(data: &[u8], offset: usize) -> Result<Vec<u8>, DecodeError> {
    let decoding = decoding();
    let mut out = Vec::with_capacity(data.len() * 8 / 5);
    // The tree node reached by the bits read since the last complete symbol.
    let mut state = 0u8;
    for (i, &octet) in data.iter().enumerate() {
        for nibble in [octet >> 4, octet & 0xf] {
            let step = decoding.step(state, nibble);
            if step.eos {
                // RFC 7541 §5.2: "A Huffman-encoded string literal containing the EOS symbol
                // MUST be treated as a decoding error."
                return Err(DecodeError::HuffmanEos { offset: offset + i });
            }
            if let Some(symbol) = step.symbol {
                out.push(symbol);
            }
            state = step.next;
        }
    }
    let last = offset + data.len().saturating_sub(1);
    let (bits, all_ones) = decoding.partial(state);
    // RFC 7541 §5.2: "A padding strictly longer than 7 bits MUST be treated as a decoding error."
    if bits > 7 {
        return Err(DecodeError::HuffmanPaddingTooLong { offset: last });
    }
    // RFC 7541 §5.2: "A padding not corresponding to the most significant bits of the code for the
    // EOS symbol MUST be treated as a decoding error."
    if !all_ones {
        return Err(DecodeError::HuffmanPaddingNotOnes { offset: last });
    }
    Ok(out)
}

/// What reading four bits does from one node of the tree.
#[derive(Clone, Copy, Default)]
struct Step {
    /// The node reached: the bits after the last complete symbol.
    next: u8,
    /// The symbol completed on the way, if one was.
    symbol: Option<u8>,
    /// Whether the bits spelled EOS (an error).
    eos: bool,
}

/// The decoding table built once from [`tree`]: for each of its 256 inner nodes, the [`Step`] of
/// each of the 16 nibbles; and for each node, how many bits lead to it from the root and whether
/// they are all ones (what the padding check needs).
struct Decoding {
    steps: Vec<[Step; 16]>,
    paths: Vec<(u32, bool)>,
}

impl Decoding {
    fn step(&self, state: u8, nibble: u8) -> Step {
        self.steps
            .get(usize::from(state))
            .and_then(|steps| steps.get(usize::from(nibble)))
            .copied()
            .unwrap_or_default()
    }

    fn partial(&self, state: u8) -> (u32, bool) {
        self.paths
            .get(usize::from(state))
            .copied()
            .unwrap_or((0, true))
    }
}

fn decoding() -> &'static Decoding {
    static DECODING: OnceLock<Decoding> = OnceLock::new();
    DECODING.get_or_init(|| {
        let tree = tree();
        let mut paths = vec![(0, true); tree.len()];
        // Inner nodes are created parent first, so one pass in index order sees each parent
        // before its children.
        for (node, children) in tree.iter().enumerate() {
            let (bits, all_ones) = paths[node];
            for (bit, child) in children.iter().enumerate() {
                if let Child::Node(next) = *child {
                    paths[next] = (bits + 1, all_ones && bit == 1);
                }
            }
        }
        let steps = (0..tree.len())
            .map(|node| {
                let mut row = [Step::default(); 16];
                for (nibble, step) in row.iter_mut().enumerate() {
                    *step = walk(tree, node, nibble);
                }
                row
            })
            .collect();
        Decoding { steps, paths }
    })
}

/// Follows the four bits of `nibble`, most significant first, from `node`.
fn walk(tree: &[[Child; 2]], mut node: usize, nibble: usize) -> Step {
    let mut symbol = None;
    for shift in (0..4).rev() {
        match tree[node][(nibble >> shift) & 1] {
            Child::Node(next) => node = next,
            Child::Symbol(EOS) => {
                return Step {
                    eos: true,
                    ..Step::default()
                }
            }
            Child::Symbol(found) => {
                symbol = Some(found as u8);
                node = 0;
            }
        }
    }
    Step {
        next: node as u8,
        symbol,
        eos: false,
    }
}

/// One branch of a node of the decoding tree.
#[derive(Clone, Copy)]
enum Child {
    /// Go on to this node (index into the tree).
    Node(usize),
    /// A whole code has been read: this symbol.
    Symbol(u16),
}

/// The binary tree of the code, built once from [`CODES`]: node 0 is the root, each node holds the
/// branch for bit 0 and the branch for bit 1. A Huffman code is prefix-free and complete, so every
/// branch ends up either a symbol or an inner node (256 inner nodes for 257 symbols).
fn tree() -> &'static [[Child; 2]] {
    static TREE: OnceLock<Vec<[Child; 2]>> = OnceLock::new();
    TREE.get_or_init(|| {
        let mut nodes = vec![[Child::Node(0); 2]];
        for (symbol, &(code, len)) in (0u16..).zip(CODES.iter()) {
            let mut node = 0;
            for shift in (0..len).rev() {
                let bit = ((code >> shift) & 1) as usize;
                if shift == 0 {
                    nodes[node][bit] = Child::Symbol(symbol);
                    break;
                }
                node = match nodes[node][bit] {
                    Child::Node(next) if next != 0 => next,
                    _ => {
                        nodes.push([Child::Node(0); 2]);
                        let next = nodes.len() - 1;
                        nodes[node][bit] = Child::Node(next);
                        next
                    }
                };
            }
        }
        nodes
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode(data, &mut out);
        out
    }

    #[test]
    fn c_4_1_www_example_com_has_the_rfc_encoding() {
        let bytes = [
            0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff,
        ];
        assert_eq!(encoded(b"www.example.com"), bytes);
        assert_eq!(encoded_len(b"www.example.com"), 12);
        assert_eq!(decode(&bytes, 0).as_deref(), Ok(&b"www.example.com"[..]));
    }

    #[test]
    fn c_6_1_302_has_the_rfc_encoding() {
        assert_eq!(encoded(b"302"), [0x64, 0x02]);
        assert_eq!(decode(&[0x64, 0x02], 0).as_deref(), Ok(&b"302"[..]));
    }

    #[test]
    fn every_octet_round_trips() {
        let all: Vec<u8> = (0..=0xff).collect();
        assert_eq!(decode(&encoded(&all), 0), Ok(all));
    }

    #[test]
    fn the_empty_string_is_empty() {
        assert!(encoded(b"").is_empty());
        assert_eq!(decode(&[], 0), Ok(Vec::new()));
    }

    #[test]
    fn padding_longer_than_7_bits_is_an_error() {
        // 'a' is 00011, then 11 bits of ones: the padding covers a whole octet and more.
        assert_eq!(
            decode(&[0x1f, 0xff], 5),
            Err(DecodeError::HuffmanPaddingTooLong { offset: 6 })
        );
    }

    #[test]
    fn padding_that_is_not_all_ones_is_an_error() {
        // 'a' is 00011, then padding 110 instead of 111.
        assert_eq!(
            decode(&[0x1e], 3),
            Err(DecodeError::HuffmanPaddingNotOnes { offset: 3 })
        );
    }

    #[test]
    fn eos_inside_a_string_is_an_error() {
        // 30 ones are EOS; the 2 bits after it do not matter.
        assert_eq!(
            decode(&[0xff, 0xff, 0xff, 0xff], 0),
            Err(DecodeError::HuffmanEos { offset: 3 })
        );
    }

    /// Parses the Appendix B rows (`'a' ( 97)  |00011    3  [ 5]`) and checks the symbol, the bits,
    /// the hex code and the length of each against [`CODES`].
    /// The tree walked one bit at a time: what the nibble table must agree with.
    fn decode_bit_by_bit(data: &[u8]) -> Option<Vec<u8>> {
        let tree = tree();
        let (mut out, mut node, mut bits, mut ones) = (Vec::new(), 0, 0, true);
        for shift in (0..data.len() * 8).map(|i| (i, 7 - i % 8)) {
            let bit = usize::from((data[shift.0 / 8] >> shift.1) & 1);
            bits += 1;
            ones &= bit == 1;
            match tree[node][bit] {
                Child::Node(next) => node = next,
                Child::Symbol(EOS) => return None,
                Child::Symbol(symbol) => {
                    out.push(symbol as u8);
                    (node, bits, ones) = (0, 0, true);
                }
            }
        }
        (bits <= 7 && ones).then_some(out)
    }

    #[test]
    fn the_nibble_table_agrees_with_the_tree_on_every_two_and_three_octet_input() {
        for first in 0..=0xffffu32 {
            let [_, _, a, b] = first.to_be_bytes();
            for input in [vec![a, b], vec![a, b, 0xff], vec![a, b, 0x3f]] {
                assert_eq!(
                    decode(&input, 0).ok(),
                    decode_bit_by_bit(&input),
                    "{input:02x?}"
                );
            }
        }
    }

    #[test]
    fn table_matches_rfc_7541_appendix_b() {
        let Some(text) =
            crate::hpack::rfc7541_between("Appendix B.  Huffman Code", "Appendix C.  Examples")
        else {
            return;
        };
        let mut symbol = 0usize;
        for line in text.lines() {
            let Some((head, rest)) = line.split_once(")  |") else {
                continue;
            };
            let number: usize = head.rsplit('(').next().unwrap().trim().parse().unwrap();
            assert_eq!(number, symbol, "rows in order");
            let mut words = rest.split_whitespace();
            let bits: String = words
                .next()
                .unwrap()
                .chars()
                .filter(|&c| c != '|')
                .collect();
            let hex = u32::from_str_radix(words.next().unwrap(), 16).unwrap();
            let len: u8 = rest
                .rsplit('[')
                .next()
                .unwrap()
                .trim_end_matches(']')
                .trim()
                .parse()
                .unwrap();
            assert_eq!(
                u32::from_str_radix(&bits, 2).unwrap(),
                hex,
                "symbol {symbol}"
            );
            assert_eq!(bits.len(), usize::from(len), "symbol {symbol}");
            assert_eq!(CODES[symbol], (hex, len), "symbol {symbol}");
            symbol += 1;
        }
        assert_eq!(symbol, 257, "every symbol and EOS");
    }
}
