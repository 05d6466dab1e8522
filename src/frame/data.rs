//! DATA frame — RFC 9113 §6.1
//!
//! ```text
//! +---------------+-----------------------------------------------+
//! |Pad Length? (8)|  Data (*)  ...  |  Padding (*) ...            |
//! +---------------+-----------------------------------------------+
//! ```
//! Flags: END_STREAM (0x01), PADDED (0x08).

use super::{
    connection_error, flag_if, flags, strip_padding, write_header, FrameHeader, FrameType, Padded,
    HEADER_LEN,
};
use crate::error::{ErrorCode, ProtocolError};

/// DATA carries a stream's content octets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data {
    /// The stream; never 0 (§6.1).
    pub stream_id: u32,
    /// The content, padding removed.
    pub data: Vec<u8>,
    /// END_STREAM flag.
    pub end_stream: bool,
    /// The Pad Length field when PADDED is set. Padding counts against flow control (§6.1).
    pub pad_len: Option<u8>,
}

impl Data {
    /// Decodes a DATA payload.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<Data, ProtocolError> {
        // RFC 9113 §6.1: "If a DATA frame is received whose Stream Identifier field is 0x00, the
        // recipient MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
        if header.stream_id == 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.1",
                "DATA frame on stream 0",
            ));
        }
        let Padded {
            pad_len,
            fixed: [],
            body: data,
        } = strip_padding::<0>(header, payload)?;
        Ok(Data {
            stream_id: header.stream_id,
            data: data.to_vec(),
            end_stream: header.flags & flags::END_STREAM != 0,
            pad_len,
        })
    }

    /// Writes the frame; padding octets are zero (§6.1: "MUST be set to zero when sending").
    pub fn encode(&self, out: &mut Vec<u8>) {
        let flags = flag_if(self.end_stream, flags::END_STREAM)
            | flag_if(self.pad_len.is_some(), flags::PADDED);
        write_header(
            out,
            FrameType::DATA,
            flags,
            self.stream_id,
            self.payload_len(),
        );
        if let Some(pad_len) = self.pad_len {
            out.push(pad_len);
        }
        out.extend_from_slice(&self.data);
        out.resize(out.len() + usize::from(self.pad_len.unwrap_or(0)), 0x0);
    }

    /// The octets that count against flow control: the whole payload, Pad Length and padding
    /// included (§6.1: "The entire DATA frame payload is included in flow control").
    pub fn flow_len(&self) -> u32 {
        u32::try_from(self.payload_len()).unwrap_or(u32::MAX)
    }

    /// The payload length on the wire: Pad Length, data and padding.
    fn payload_len(&self) -> usize {
        let padding = self.pad_len.map_or(0, |pad_len| 1 + usize::from(pad_len));
        self.data.len() + padding
    }
}

/// Writes one unpadded DATA frame carrying `data` straight from the caller's buffer, with no copy
/// into a [`Data`] first. `data` must fit the peer's SETTINGS_MAX_FRAME_SIZE and flow-control
/// windows; the caller slices it.
pub fn encode_data(stream_id: u32, data: &[u8], end_stream: bool, out: &mut Vec<u8>) {
    write_header(
        out,
        FrameType::DATA,
        flag_if(end_stream, flags::END_STREAM),
        stream_id,
        data.len(),
    );
    out.extend_from_slice(data);
}

/// One unpadded DATA frame whose data the caller appends to `out` itself, after room left for the
/// header (a file read straight into the output, with no buffer between); the header is written
/// once the data is there and its length known.
pub struct DataInPlace {
    /// Where the frame begins in `out`.
    start: usize,
}

impl DataInPlace {
    /// Leaves room for the header at the end of `out`; the data goes after it.
    pub fn begin(out: &mut Vec<u8>) -> DataInPlace {
        let start = out.len();
        out.extend_from_slice(&[0; HEADER_LEN]);
        DataInPlace { start }
    }

    /// Octets of data appended to `out` since the frame began.
    pub fn data_len(&self, out: &[u8]) -> usize {
        out.len().saturating_sub(self.start + HEADER_LEN)
    }

    /// Writes the header of the frame, as [`encode_data`] would for the data appended; returns
    /// where the frame begins in `out`.
    pub fn finish(self, stream_id: u32, end_stream: bool, out: &mut [u8]) -> usize {
        let header = FrameHeader {
            length: u32::try_from(self.data_len(out)).unwrap_or(u32::MAX),
            kind: FrameType::DATA,
            flags: flag_if(end_stream, flags::END_STREAM),
            stream_id,
        };
        if let Some(room) = out.get_mut(self.start..self.start + HEADER_LEN) {
            room.copy_from_slice(&header.octets());
        }
        self.start
    }

    /// Takes the frame, and what was appended, back out of `out`.
    pub fn abandon(self, out: &mut Vec<u8>) {
        out.truncate(self.start);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_connection_error, assert_round_trip, decode_hex, hex};
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn data_written_in_place_is_the_frame_encode_data_writes() {
        let mut expected = b"before".to_vec();
        encode_data(5, b"hello", true, &mut expected);
        let mut out = b"before".to_vec();
        let frame = DataInPlace::begin(&mut out);
        out.extend_from_slice(b"hello");
        assert_eq!(frame.data_len(&out), 5);
        assert_eq!(frame.finish(5, true, &mut out), 6);
        assert_eq!(out, expected);

        let frame = DataInPlace::begin(&mut out);
        out.extend_from_slice(b"gone");
        frame.abandon(&mut out);
        assert_eq!(out, expected);
    }

    #[test]
    fn data_round_trips_as_exact_bytes() {
        let frame = Data {
            stream_id: 0x1,
            data: b"hello".to_vec(),
            end_stream: true,
            pad_len: None,
        };
        assert_round_trip("000005 00 01 00000001 68656c6c6f", Frame::Data(frame));
    }

    #[test]
    fn padded_data_round_trips_with_zero_padding() {
        let frame = Data {
            stream_id: 0x3,
            data: b"hel".to_vec(),
            end_stream: false,
            pad_len: Some(0x2),
        };
        assert_round_trip("000006 00 08 00000003 02 68656c 0000", Frame::Data(frame));
    }

    #[test]
    fn pad_length_zero_adds_one_octet_and_is_valid() {
        let frame = Data {
            stream_id: 0x1,
            data: Vec::new(),
            end_stream: false,
            pad_len: Some(0x0),
        };
        assert_round_trip("000001 00 08 00000001 00", Frame::Data(frame));
    }

    #[test]
    fn padding_may_fill_the_whole_payload_after_pad_length() {
        let Ok(Frame::Data(data)) = decode_hex("000003 00 08 00000001 02 0000") else {
            panic!("padding of payload length minus one is valid");
        };
        assert_eq!((data.data.len(), data.pad_len), (0, Some(0x2)));
    }

    #[test]
    fn nonzero_padding_is_not_verified() {
        let Ok(Frame::Data(data)) = decode_hex("000004 00 08 00000001 02 68 ffff") else {
            panic!("padding content is not checked");
        };
        assert_eq!(data.data, b"h");
    }

    #[test]
    fn data_unknown_flags_are_ignored_and_not_sent() {
        let frame = decode_hex("000001 00 f6 00000001 68").unwrap();
        let expected = Data {
            stream_id: 0x1,
            data: b"h".to_vec(),
            end_stream: false,
            pad_len: None,
        };
        assert_eq!(frame, Frame::Data(expected));
        let mut out = Vec::new();
        frame.encode(&mut out);
        assert_eq!(out, hex("000001 00 00 00000001 68"));
    }

    #[test]
    fn data_on_stream_zero_is_connection_protocol_error() {
        assert_connection_error("000001 00 00 00000000 68", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn data_pad_length_equal_to_payload_length_is_connection_protocol_error() {
        assert_connection_error("000003 00 08 00000001 03 0000", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn data_pad_length_beyond_payload_is_connection_protocol_error() {
        assert_connection_error("000001 00 08 00000001 ff", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn padded_data_without_pad_length_is_connection_frame_size_error() {
        assert_connection_error("000000 00 08 00000001", ErrorCode::FRAME_SIZE_ERROR);
    }

    #[test]
    fn flow_len_counts_pad_length_and_padding() {
        let padded = Data {
            stream_id: 0x1,
            data: b"hel".to_vec(),
            end_stream: false,
            pad_len: Some(0x2),
        };
        assert_eq!(padded.flow_len(), 6);
        let plain = Data {
            pad_len: None,
            ..padded
        };
        assert_eq!(plain.flow_len(), 3);
    }

    #[test]
    fn encode_data_writes_an_unpadded_data_frame() {
        let mut out = Vec::new();
        encode_data(0x5, b"hi", true, &mut out);
        encode_data(0x5, b"", false, &mut out);
        assert_eq!(out, hex("000002 00 01 00000005 6869 000000 00 00 00000005"));
    }
}
