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
